"""Price changes: conversion, churn and first bills before against after a change.

:func:`conversion_before_after` and :func:`churn_before_after` compare months before a
change with months after it. That is not an experiment: anything else that changed in
between moves the same numbers. What customers say a price is worth is in
:mod:`cpo_kit.analyses.pricing`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.proportion import confint_proportions_2indep

from cpo_kit.metrics.intervals import wilson_interval
from cpo_kit.metrics.revenue import churn_rates

#: The label of the row that takes every respondent or account together.
ALL = "All"


def compare_shares(before_events, before_base, after_events, after_base, *,
                   confidence: float = 0.95) -> dict:
    """The difference of two shares (after − before) with a normal-approximation interval.

    The interval is the usual two-proportion (Wald) one,
    ``d ± z·sqrt(p1(1 − p1)/n1 + p2(1 − p2)/n2)``, as statsmodels'
    ``confint_proportions_2indep(method="wald")`` gives it; NaN when a period has no
    base. It is rough with few events: the result's ``rough`` is True when either
    period has fewer than 5 events or 5 non-events.

    Parameters
    ----------
    before_events, before_base, after_events, after_base : int
        The events (conversions, churned accounts) and the base they are a share of,
        before and after the change.
    confidence : float
        The interval's confidence, between 0 and 1.

    Returns
    -------
    dict
        ``before_rate``, ``after_rate``, ``difference``, ``difference_low``,
        ``difference_high`` and ``rough``.

    Raises
    ------
    ValueError
        When ``confidence`` is not between 0 and 1.

    Examples
    --------
    >>> out = compare_shares(10, 100, 20, 100)
    >>> round(out["difference"], 2), round(out["difference_low"], 4)
    (0.1, 0.002)
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    k1, n1, k2, n2 = (float(v) for v in (before_events, before_base, after_events, after_base))
    p1 = k1 / n1 if n1 else float("nan")
    p2 = k2 / n2 if n2 else float("nan")
    low = high = float("nan")
    if n1 and n2:
        # statsmodels takes the later period first: its difference is the first share
        # less the second.
        low, high = (float(v) for v in confint_proportions_2indep(
            k2, n2, k1, n1, method="wald", compare="diff", alpha=1 - confidence))
    rough = bool(min(k1, n1 - k1, k2, n2 - k2) < 5)
    return {"before_rate": p1, "after_rate": p2, "difference": p2 - p1,
            "difference_low": low, "difference_high": high,
            "rough": rough}


_COMPARISON = ["before_base", "before_events", "before_rate", "before_low", "before_high",
               "after_base", "after_events", "after_rate", "after_low", "after_high",
               "difference", "difference_low", "difference_high", "rough"]


def _groups(frame: pd.DataFrame, by: str | None):
    """``(name, rows)`` of ``All``, then of each ``by`` group, the largest first.

    Groups are the company's own (its segments, say), so they are ordered by how
    much they hold (their ``base``, or their rows where there is none) rather than
    by a list of names fixed in advance; equal ones by name.
    """
    column = by or "group"
    frame = frame.assign(**{column: frame[by].fillna("(missing)").astype(str) if by else ALL})
    size = (frame.groupby(column)["base"].sum() if "base" in frame.columns
            else frame[column].value_counts())
    names = sorted(frame[column].unique(), key=lambda g: (-size[g], g))
    groups = [(ALL, frame)] if by else []
    return column, groups + [(name, frame[frame[column] == name]) for name in names]


def _compare(counts: pd.DataFrame, by: str | None, confidence: float) -> pd.DataFrame:
    """One comparison row per group from rows of ``period``, ``base`` and ``events``."""
    column, groups = _groups(counts, by)
    rows = []
    for name, part in groups:
        totals = part.groupby("period")[["base", "events"]].sum().reindex(
            ["before", "after"], fill_value=0)
        (n1, k1), (n2, k2) = totals.loc["before"], totals.loc["after"]
        rows.append({column: name, "before_base": n1, "before_events": k1,
                     "after_base": n2, "after_events": k2,
                     **compare_shares(k1, n1, k2, n2, confidence=confidence)})
    out = pd.DataFrame(rows, columns=[column, "before_base", "before_events", "after_base",
                                      "after_events", "before_rate", "after_rate",
                                      "difference", "difference_low", "difference_high",
                                      "rough"])
    for side in ("before", "after"):
        out[f"{side}_low"], out[f"{side}_high"] = wilson_interval(
            out[f"{side}_events"], out[f"{side}_base"], z=float(norm.ppf(0.5 + confidence / 2)))
    return out[[column, *_COMPARISON]].astype(
        {"before_base": "int64", "before_events": "int64", "after_base": "int64",
         "after_events": "int64", "rough": "bool"})


def _whole(value, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {value!r}")
    return int(value)


def _signups(accounts: pd.DataFrame, *, change, window_months: int, by: str | None
             ) -> pd.DataFrame:
    """The accounts signed up in the window around ``change``, with their ``period``."""
    months = _whole(window_months, "window_months", 1)
    if by is not None and by not in accounts.columns:
        raise ValueError(f"the accounts table has no column {by!r} to compare by")
    change = pd.Timestamp(change)
    signup = pd.to_datetime(accounts["signup_date"])
    inside = (signup >= change - pd.DateOffset(months=months)) & (
        signup < change + pd.DateOffset(months=months))
    return accounts[inside].assign(signup=signup[inside], period=np.where(
        signup[inside] < change, "before", "after"))


def conversion_before_after(accounts: pd.DataFrame, mrr: pd.DataFrame, *, change,
                            period_end, window_months: int = 6, within_months: int = 1,
                            by: str | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Share of new accounts that became paying, signed up before against after a change.

    An account converts when it pays (MRR above zero, any product) in its signup month
    or in the ``within_months`` months after it. Accounts whose time to convert has not
    run out by ``period_end`` are left out: they may still pay.

    Parameters
    ----------
    accounts : DataFrame
        The ``accounts`` table (``account_id``, ``signup_date`` and the ``by`` column).
    mrr : DataFrame
        The ``mrr`` table.
    change : date-like
        The day of the change: sign-ups in the ``window_months`` months before it count
        as *before*, those from it to ``window_months`` months after as *after*.
    period_end : date-like
        The last day counted.
    window_months, within_months : int
        The windows' length, and the months after the signup month allowed to pay.
    by : str, optional
        A column of ``accounts`` (such as ``segment``) to compare each group of.
    confidence : float
        Of the intervals.

    Returns
    -------
    DataFrame
        One row for ``All`` then one per group (column ``by``, or ``group``):
        ``before_base`` and ``after_base`` (accounts signed up), ``*_events`` (converted),
        ``*_rate``, ``*_low`` and ``*_high`` (Wilson interval of each rate),
        ``difference`` (after − before) with ``difference_low`` and ``difference_high``
        (see :func:`compare_shares`) and ``rough``.

    Examples
    --------
    >>> accounts = pd.DataFrame({"account_id": ["a", "b"],
    ...                          "signup_date": pd.to_datetime(["2025-08-10", "2025-09-10"])})
    >>> mrr = pd.DataFrame({"account_id": ["a"], "product_id": ["p"],
    ...                     "month": pd.to_datetime(["2025-08-01"]), "mrr": [10.0]})
    >>> out = conversion_before_after(accounts, mrr, change="2025-09-01",
    ...                               period_end="2026-10-31")
    >>> out[["before_rate", "after_rate", "difference"]].iloc[0].tolist()
    [1.0, 0.0, -1.0]
    """
    within = _whole(within_months, "within_months", 0)
    chosen = _signups(accounts, change=change, window_months=window_months, by=by)
    deadline = chosen["signup"].dt.to_period("M") + within
    chosen = chosen[deadline.dt.end_time.dt.normalize() <= pd.Timestamp(period_end)]
    paying = mrr[mrr["mrr"] > 0]
    first = pd.to_datetime(paying["month"]).dt.to_period("M").groupby(
        paying["account_id"]).min()
    first_paid = chosen["account_id"].map(first)
    paid = first_paid.notna() & (first_paid <= chosen["signup"].dt.to_period("M") + within)
    return _compare(chosen.assign(base=1, events=paid.astype(int)), by, confidence)


def churn_before_after(mrr: pd.DataFrame, *, change, period_end, window_months: int = 6,
                       accounts: pd.DataFrame | None = None, by: str | None = None,
                       confidence: float = 0.95) -> pd.DataFrame:
    """Monthly logo churn of paying accounts in the months before against after a change.

    Churn is read from MRR as in :func:`cpo_kit.metrics.revenue.churn_rates`: an account
    paying last month and nothing this month churned this month. A window's rate pools
    its months: accounts churned over account-months at risk. As one account counts in
    several months, the interval is narrower than it should be: a rough guide.

    Parameters
    ----------
    mrr : DataFrame
        The ``mrr`` table.
    change : date-like
        The day of the change; the month holding it is the first month *after*.
    period_end : date-like
        The last day counted (only complete months count).
    window_months : int
        Months on each side of the change.
    accounts : DataFrame, optional
        The ``accounts`` table; needed with ``by``.
    by : str, optional
        A column of ``accounts`` (such as ``segment``) to compare each group of.
    confidence : float
        Of the intervals.

    Returns
    -------
    DataFrame
        As :func:`conversion_before_after`, where ``*_base`` counts account-months at
        risk and ``*_events`` churned accounts.

    Examples
    --------
    >>> mrr = pd.DataFrame({"account_id": ["a", "b", "a", "b", "a"], "product_id": "p",
    ...                     "month": pd.to_datetime(["2025-07-01", "2025-07-01", "2025-08-01",
    ...                                              "2025-08-01", "2025-09-01"]),
    ...                     "mrr": 10.0})
    >>> out = churn_before_after(mrr, change="2025-09-01", period_end="2025-10-31",
    ...                          window_months=1)
    >>> out[["before_rate", "after_rate"]].iloc[0].tolist()
    [0.0, 0.5]
    """
    months = _whole(window_months, "window_months", 1)
    monthly = churn_rates(mrr, period_end=period_end, accounts=accounts, by=by)
    change = pd.Timestamp(change).to_period("M").to_timestamp()
    inside = monthly[(monthly["month"] >= change - pd.DateOffset(months=months))
                     & (monthly["month"] < change + pd.DateOffset(months=months))]
    counts = inside.rename(columns={"starting_accounts": "base", "churned_accounts": "events"})
    counts["period"] = np.where(counts["month"] < change, "before", "after")
    return _compare(counts, by, confidence)


def starting_mrr_before_after(accounts: pd.DataFrame, mrr: pd.DataFrame, *, change,
                              window_months: int = 6, by: str | None = None) -> pd.DataFrame:
    """Median first-month MRR of the accounts that signed up before and after a change.

    A check that a price change reached new customers' bills. Accounts that never paid
    are left out.

    Returns
    -------
    DataFrame
        One row for ``All`` then one per group: ``before_accounts``,
        ``before_median_mrr``, ``after_accounts``, ``after_median_mrr`` and
        ``relative_change`` (after over before, minus 1).

    Examples
    --------
    >>> accounts = pd.DataFrame({"account_id": ["a", "b"],
    ...                          "signup_date": pd.to_datetime(["2025-08-10", "2025-09-10"])})
    >>> mrr = pd.DataFrame({"account_id": ["a", "b"], "product_id": "p",
    ...                     "month": pd.to_datetime(["2025-08-01", "2025-09-01"]),
    ...                     "mrr": [10.0, 12.0]})
    >>> starting_mrr_before_after(accounts, mrr, change="2025-09-01")[
    ...     "relative_change"].round(2).tolist()
    [0.2]
    """
    chosen = _signups(accounts, change=change, window_months=window_months, by=by)
    monthly = mrr[mrr["mrr"] > 0].groupby(["account_id", "month"], as_index=False)["mrr"].sum()
    first = monthly.sort_values("month").drop_duplicates("account_id").set_index(
        "account_id")["mrr"]
    chosen = chosen.assign(first_mrr=chosen["account_id"].map(first).astype("float64"))
    column, groups = _groups(chosen.dropna(subset=["first_mrr"]), by)
    rows = []
    for name, part in groups:
        before = part.loc[part["period"] == "before", "first_mrr"]
        after = part.loc[part["period"] == "after", "first_mrr"]
        rows.append({column: name, "before_accounts": len(before),
                     "before_median_mrr": before.median(), "after_accounts": len(after),
                     "after_median_mrr": after.median(),
                     "relative_change": after.median() / before.median() - 1
                     if before.median() > 0 else np.nan})
    return pd.DataFrame(rows, columns=[column, "before_accounts", "before_median_mrr",
                                       "after_accounts", "after_median_mrr",
                                       "relative_change"])
