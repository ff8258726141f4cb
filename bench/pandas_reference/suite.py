"""The events suite by the pandas reference: each metric from the raw events in memory."""
from __future__ import annotations

import pandas as pd

from pandas_reference.funnel import funnel
from pandas_reference.retention import retention
from pandas_reference.usage import (active_days_distribution, active_users, feature_adoption,
                                    lifecycle, stickiness)


def events_suite(events: pd.DataFrame, *, period_end, funnel_steps, funnel_window="7D",
                 period: str = "week") -> dict[str, pd.DataFrame]:
    """The same frames as :func:`cpo_kit.metrics.suite.events_suite`."""
    return {
        "dau": active_users(events, period="day", period_end=period_end),
        "wau": active_users(events, period="week", period_end=period_end),
        "mau": active_users(events, period="month", period_end=period_end),
        "stickiness": stickiness(events, period_end=period_end),
        "active_days_distribution": active_days_distribution(events, period_end=period_end),
        "lifecycle": lifecycle(events, period=period, period_end=period_end),
        "retention": retention(events, period=period, period_end=period_end),
        "feature_adoption": feature_adoption(events, period="month", period_end=period_end),
        "funnel": funnel(events, steps=list(funnel_steps), window=funnel_window,
                         period_end=period_end),
    }
