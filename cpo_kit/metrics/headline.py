"""Headline metrics: the few numbers on the first page of any product review.

Each number is defined with its family (usage, revenue, voice); this module
only puts the headline table together.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.kpis import KPIS
from cpo_kit.metrics.periods import start_of
from cpo_kit.metrics.revenue import mrr_by_month
from cpo_kit.metrics.usage import active_users
from cpo_kit.metrics.voice import nps


def headline_numbers(company, *, period_end) -> pd.DataFrame:
    """The month of ``period_end`` against the month before, for the metrics the data allows.

    Nothing after ``period_end`` counts. When ``period_end`` is not the last day of
    its month, the month is compared like for like: monthly active users of its
    first days against the same days of the month before (``basis`` says so), since
    a partial month set against a whole one always looks like a fall. MRR is a
    monthly figure whatever the day, and NPS covers the 90 days to ``period_end``
    against the 90 days to the same day a month before.

    Returns
    -------
    DataFrame
        Columns ``key`` (a short name for programs), ``kpi`` (its label), ``unit`` (as
        :func:`cpo_kit.core.formats.format_value` knows them), ``value``, ``previous``,
        ``change`` (relative, or in points for NPS), ``basis`` (what is compared
        with what, in words) and ``complete`` (False for the active users of a month
        not yet over, whose label then names its days); one row per metric whose
        tables are present.
    """
    end = pd.Timestamp(period_end).normalize()
    month = start_of(end, "month")
    before = month - pd.offsets.MonthBegin(1)
    # The same day a month before, or the last day of that month when it is shorter.
    end_before = end - pd.DateOffset(months=1)
    whole = end == month + pd.offsets.MonthEnd(0)
    rows = []
    if company.has("events"):
        events = company.table("events")
        mau = active_users(events, period="month", period_end=end).set_index("period")["users"]
        days = None
        if whole:
            then = active_users(events, period="month", period_end=before + pd.offsets.MonthEnd(0))
            basis = f"{month:%B %Y} against {before:%B %Y}"
        else:
            then = active_users(events, period="month", period_end=end_before)
            basis = (f"{month:%B} 1-{end.day} against the same days of {before:%B} "
                     f"(1-{end_before.day}): {month:%B} is not complete")
            days = f"{month:%B} 1-{end.day}"
        then = then.set_index("period")["users"]
        rows.append(_row("mau", mau.get(month), then.get(before), basis, whole, days))
    if company.has("mrr"):
        mrr = mrr_by_month(company, period_end=end).set_index("month")
        now, then = mrr["mrr"].get(month), mrr["mrr"].get(before)
        basis = f"{month:%B %Y} against {before:%B %Y}"
        rows.append(_row("mrr", now, then, basis))
        rows.append(_row("arr", _times(now, 12), _times(then, 12), basis))
        rows.append(_row("paying_accounts", mrr["accounts"].get(month),
                         mrr["accounts"].get(before), basis))
    if company.has("surveys"):
        quarter = nps(company, start=end - pd.Timedelta(days=89), end=end)["nps"]
        previous = nps(company, start=end_before - pd.Timedelta(days=89), end=end_before)["nps"]
        rows.append(_row("nps", quarter, previous, f"the 90 days to {end:%d %B} against the "
                         f"90 days to {end_before:%d %B}"))
    out = pd.DataFrame(rows, columns=["key", "kpi", "unit", "value", "previous", "basis",
                                      "complete"])
    out[["value", "previous"]] = out[["value", "previous"]].astype("float64")
    relative = out["value"] / out["previous"] - 1
    out["change"] = relative.where(out["unit"] != "score", out["value"] - out["previous"])
    return out[["key", "kpi", "unit", "value", "previous", "change", "basis", "complete"]]


def _row(key: str, value, previous, basis: str, complete: bool = True,
         days: str | None = None) -> tuple:
    """One row of the headline table, named and in the unit the KPI catalogue gives."""
    kpi = KPIS[key]
    return key, kpi.labelled(days), kpi.unit, value, previous, basis, complete


def _times(value, factor):
    return None if value is None or pd.isna(value) else value * factor
