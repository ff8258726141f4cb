"""Headline metrics: the few numbers on the first page of any product review.

Each number is defined with its family (usage, revenue, voice); this module
only puts the headline table together.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.periods import start_of
from cpo_kit.metrics.revenue import mrr_by_month
from cpo_kit.metrics.usage import active_users
from cpo_kit.metrics.voice import nps


def headline_numbers(company, *, period_end) -> pd.DataFrame:
    """The month of ``period_end`` against the month before, for the metrics the data allows.

    Returns
    -------
    DataFrame
        Columns ``key`` (a short name for programs), ``kpi`` (its label), ``unit`` (as
        :func:`cpo_kit.results.format_value` knows them), ``value``, ``previous`` and
        ``change`` (relative, or in points for NPS); one row per metric whose tables
        are present.
    """
    month = start_of(period_end, "month")
    before = month - pd.offsets.MonthBegin(1)
    rows = []
    if company.has("events"):
        mau = active_users(company.table("events"), period="month", period_end=period_end)
        mau = mau.set_index("period")["users"]
        rows.append(("mau", "Monthly active users", "count", mau.get(month), mau.get(before)))
    if company.has("mrr"):
        mrr = mrr_by_month(company, period_end=period_end).set_index("month")
        now, then = mrr["mrr"].get(month), mrr["mrr"].get(before)
        rows.append(("mrr", "MRR", "currency", now, then))
        rows.append(("arr", "ARR (MRR × 12)", "currency", _times(now, 12), _times(then, 12)))
        rows.append(("paying_accounts", "Paying accounts", "count", mrr["accounts"].get(month),
                     mrr["accounts"].get(before)))
    if company.has("surveys"):
        # The 90 days to the end of this month against the 90 days to the end of the last.
        end, end_before = month + pd.offsets.MonthEnd(0), month - pd.Timedelta(days=1)
        quarter = nps(company, start=end - pd.Timedelta(days=89), end=end)["nps"]
        previous = nps(company, start=end_before - pd.Timedelta(days=89), end=end_before)["nps"]
        rows.append(("nps", "NPS (last 90 days)", "score", quarter, previous))
    out = pd.DataFrame(rows, columns=["key", "kpi", "unit", "value", "previous"])
    out[["value", "previous"]] = out[["value", "previous"]].astype("float64")
    relative = out["value"] / out["previous"] - 1
    out["change"] = relative.where(out["unit"] != "score", out["value"] - out["previous"])
    return out


def _times(value, factor):
    return None if value is None or pd.isna(value) else value * factor
