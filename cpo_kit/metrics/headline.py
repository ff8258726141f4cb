"""Headline metrics: the few numbers on the first page of any product review."""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.registry import metric


def _month(period_end) -> pd.Timestamp:
    return pd.Timestamp(period_end).to_period("M").to_timestamp()


@metric("monthly_active_users", family="usage", title="Monthly active users (MAU)",
        definition="Distinct users with at least one event in each calendar month.",
        formula="MAU(m) = |{user : user has an event in month m}|",
        needs={"events": ("user_id", "timestamp")}, unit="users")
def monthly_active_users(company, *, period_end) -> pd.DataFrame:
    """MAU per calendar month up to the month of ``period_end``.

    Returns
    -------
    DataFrame
        Columns ``month`` and ``users``, one row per month with events.
    """
    return company.sql("""
        SELECT date_trunc('month', timestamp)::DATE AS month, count(DISTINCT user_id) AS users
        FROM events
        WHERE timestamp < $end
        GROUP BY 1 ORDER BY 1
    """, end=_month(period_end) + pd.offsets.MonthBegin(1)).astype(
        {"month": "datetime64[us]", "users": "int64"})


@metric("mrr", family="revenue", title="Monthly recurring revenue (MRR)",
        definition="Recurring revenue of all accounts and products in a calendar month; "
                   "one-off fees are not part of it.",
        formula="MRR(m) = sum of mrr over accounts a and products p in month m",
        needs={"mrr": ("account_id", "product_id", "month", "mrr")}, unit="currency")
def mrr_by_month(company, *, period_end) -> pd.DataFrame:
    """MRR and paying accounts per month up to the month of ``period_end``.

    Returns
    -------
    DataFrame
        Columns ``month``, ``mrr`` and ``accounts`` (accounts with MRR above zero).
    """
    frame = company.tables["mrr"]
    frame = frame[frame["month"] <= _month(period_end)]
    paying = frame[frame["mrr"] > 0]
    out = frame.groupby("month", as_index=False)["mrr"].sum()
    out["accounts"] = out["month"].map(paying.groupby("month")["account_id"].nunique()).fillna(
        0).astype("int64")
    out["mrr"] = out["mrr"].astype("float64")
    return out


@metric("nps", family="voice", title="Net Promoter Score (NPS)",
        definition="Percentage of promoters (9 or 10) minus percentage of detractors "
                   "(0 to 6) among NPS answers in a period; from -100 to 100.",
        formula="NPS = 100 × (promoters − detractors) / responses",
        needs={"surveys": ("survey", "submitted_at", "nps")}, unit="score")
def nps(company, *, start, end) -> dict:
    """NPS of the answers submitted from ``start`` up to and including ``end``.

    Returns
    -------
    dict
        ``nps``, ``responses``, ``promoters``, ``passives``, ``detractors``;
        ``nps`` is None when there is no answer.
    """
    s = company.tables["surveys"]
    end = pd.Timestamp(end) + pd.Timedelta(days=1)
    scores = s.loc[(s["survey"] == "nps") & (s["submitted_at"] >= pd.Timestamp(start))
                   & (s["submitted_at"] < end), "nps"].dropna()
    n = len(scores)
    promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
    return {"nps": 100 * (promoters - detractors) / n if n else None, "responses": n,
            "promoters": promoters, "passives": n - promoters - detractors,
            "detractors": detractors}


def headline_numbers(company, *, period_end) -> pd.DataFrame:
    """The month of ``period_end`` against the month before, for the metrics the data allows.

    Returns
    -------
    DataFrame
        Columns ``kpi``, ``unit``, ``value``, ``previous`` and ``change`` (relative,
        or in points for NPS); one row per metric whose tables are present.
    """
    month = _month(period_end)
    before = month - pd.offsets.MonthBegin(1)
    rows = []
    if company.has("events"):
        mau = monthly_active_users(company, period_end=period_end).set_index("month")["users"]
        rows.append(("Monthly active users", "users", mau.get(month), mau.get(before)))
    if company.has("mrr"):
        mrr = mrr_by_month(company, period_end=period_end).set_index("month")
        now, then = mrr["mrr"].get(month), mrr["mrr"].get(before)
        rows.append(("MRR", "currency", now, then))
        rows.append(("ARR (MRR × 12)", "currency", _times(now, 12), _times(then, 12)))
        rows.append(("Paying accounts", "accounts", mrr["accounts"].get(month),
                     mrr["accounts"].get(before)))
    if company.has("surveys"):
        # The 90 days to the end of this month against the 90 days to the end of the last.
        end, end_before = month + pd.offsets.MonthEnd(0), month - pd.Timedelta(days=1)
        quarter = nps(company, start=end - pd.Timedelta(days=89), end=end)["nps"]
        previous = nps(company, start=end_before - pd.Timedelta(days=89), end=end_before)["nps"]
        rows.append(("NPS (last 90 days)", "score", quarter, previous))
    out = pd.DataFrame(rows, columns=["kpi", "unit", "value", "previous"])
    out[["value", "previous"]] = out[["value", "previous"]].astype("float64")
    relative = out["value"] / out["previous"] - 1
    out["change"] = relative.where(out["unit"] != "score", out["value"] - out["previous"])
    return out


def _times(value, factor):
    return None if value is None or pd.isna(value) else value * factor
