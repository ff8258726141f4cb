"""The small steps every events metric shares: filtering, checking and shaping tables.

:func:`coarser_use` folds a table of one row per user and period into a longer period;
the other functions keep the events metrics' conventions in one place (events up to
``period_end``, the last day a complete period reports, every period present with
zeros, empty frames with their types).
"""
from __future__ import annotations

import pandas as pd
from ibis import _

from cpo_kit.metrics.periods import (check_period, end_exclusive, last_complete, next_start,
                                     truncate)


def coarser_use(use, *, period: str):
    """A :func:`feature_use` table for a longer ``period``, such as months from days.

    Besides ``user_id``, ``period`` and the ``used_<i>`` flags, it has ``days``: how
    many rows of ``use`` each row folds, the user's active days in the period when
    ``use`` is a table of days.
    """
    check_period(period)
    flags = {c: use[c].any() for c in use.columns if c.startswith("used_")}
    return use.group_by("user_id", period=truncate(use.period, period)).agg(
        days=_.count(), **flags)


def complete_months(counts: pd.DataFrame, period_end) -> pd.DataFrame:
    """The rows of ``counts`` whose ``period`` is a month complete by ``period_end``."""
    return counts[counts["period"] <= last_complete(period_end, "month")]


def last_day_reported(period_end, period: str) -> pd.Timestamp:
    """The last day of the last complete period: events after it cannot change the result."""
    return next_start(last_complete(period_end, period), period) - pd.Timedelta(days=1)


def until(events, period_end, user: str, ts: str, *others: str):
    """The events up to ``period_end``, once the columns used are known to be there."""
    check_columns(events, user, ts, *others)
    return events.filter(events[ts] < end_exclusive(period_end))


def check_columns(table, *names: str) -> None:
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise ValueError(f"the table has no column {', '.join(map(repr, missing))}; "
                         f"its columns are {', '.join(table.columns)}")


def check_features(features) -> list[str] | None:
    if features is None:
        return None
    if isinstance(features, str):
        raise ValueError(f"features must be a list of names, not the string {features!r}")
    if not features:
        raise ValueError("features must name at least one feature, or be None for all")
    return list(dict.fromkeys(features))


def execute(expr) -> pd.DataFrame:
    out = expr.execute()
    if "period" in out:
        out["period"] = out["period"].astype("datetime64[us]")
    return out


def on_periods(frame: pd.DataFrame, starts: pd.DatetimeIndex, counts: list[str]
                ) -> pd.DataFrame:
    """``frame`` on every period of ``starts``, counts of missing periods set to 0."""
    out = pd.DataFrame({"period": starts}).merge(frame, on="period", how="left")
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def empty(**dtypes: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
