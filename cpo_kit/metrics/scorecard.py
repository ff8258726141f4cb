"""The product scorecard: a few product KPIs, each now and one period before.

The values come from tables the events suite already computed, so the scorecard
costs no further pass over the events; :func:`status_against_targets` then rates
them against the team's targets.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.kpis import KPIS

#: Cohorts and weeks pooled for the retention and activation rows, so one small week
#: does not swing the number.
POOLED = 4


def product_scorecard(suite: dict[str, pd.DataFrame], weekly_funnel: pd.DataFrame, *,
                      retention_period: int = 4, pooled: int = POOLED) -> pd.DataFrame:
    """The product KPIs of the latest complete period, with the period before.

    Parameters
    ----------
    suite : dict of DataFrame
        The output of :func:`cpo_kit.metrics.suite.events_suite` with weekly periods;
        its ``wau``, ``stickiness`` and ``retention`` tables are read.
    weekly_funnel : DataFrame
        :func:`cpo_kit.metrics.funnel.funnel` with ``period="week"``.
    retention_period : int
        The period whose retention is scored: 4 for week-4 retention.
    pooled : int
        How many cohorts (and funnel weeks) are pooled in one value.

    Returns
    -------
    DataFrame
        Columns ``key`` (a short name for programs), ``kpi`` (its label), ``unit``,
        ``value`` and ``previous``, one row per KPI:
        weekly active users (latest complete week), stickiness (latest month),
        week-N retention of the latest ``pooled`` cohorts that have reached week N
        (their retained users over their size) and activation, the users who
        completed the funnel over those who entered it, in the latest ``pooled``
        complete weeks of entry. ``previous`` is the week, month or pool before.
    """
    weeks = suite["wau"][suite["wau"]["complete"]].sort_values("period")["users"]
    months = suite["stickiness"].sort_values("month")["stickiness"]
    retained = suite["retention"]
    retained = retained[retained["period_number"] == retention_period].sort_values("cohort")
    entered = _funnel_step(weekly_funnel, weekly_funnel["step"].min())
    finished = _funnel_step(weekly_funnel, weekly_funnel["step"].max())
    retention = _pooled_ratio(retained["users"], retained["cohort_size"], pooled)
    retention_key = f"week_{retention_period}_retention"
    rows = [
        _row("wau", *_last_two(weeks)),
        _row("stickiness", *_last_two(months)),
        # Only week 4 is in the catalogue; another week's retention is named the same way.
        _row(retention_key, *retention) if retention_key in KPIS else
        (retention_key, f"Week-{retention_period} retention", "share", *retention),
        _row("activation", *_pooled_ratio(finished, entered, pooled)),
    ]
    out = pd.DataFrame(rows, columns=["key", "kpi", "unit", "value", "previous"])
    return out.astype({"value": "float64", "previous": "float64"})


def _row(key: str, value, previous) -> tuple:
    """One KPI's row, named and in the unit the KPI catalogue gives."""
    return key, KPIS[key].label, KPIS[key].unit, value, previous


def _funnel_step(weekly_funnel: pd.DataFrame, step: int) -> pd.Series:
    rows = weekly_funnel[(weekly_funnel["step"] == step) & weekly_funnel["complete"]]
    return rows.sort_values("period")["users"].reset_index(drop=True)


def _last_two(values: pd.Series) -> tuple[float | None, float | None]:
    values = values.tolist()
    return (values[-1] if values else None), (values[-2] if len(values) > 1 else None)


def pooled_history(part: pd.Series, whole: pd.Series, pooled: int = POOLED) -> pd.Series:
    """The pooled ratio of :func:`product_scorecard`, moved one period at a time.

    Each value is the sum of ``part`` over the ``pooled`` rows ending at its row,
    over the sum of ``whole`` over the same rows: the last is the scorecard's
    value, and the line of them is that KPI's trend.

    Parameters
    ----------
    part, whole : Series
        The retained users and cohort sizes by cohort, or the users finishing and
        entering the funnel by week, oldest first, on the same index.
    pooled : int
        How many rows each value pools.

    Returns
    -------
    Series
        The ratios on ``part``'s index, from the first row that closes a whole pool;
        a pool of no ``whole`` has none.

    Examples
    --------
    >>> pooled_history(pd.Series([1, 2, 3]), pd.Series([2, 4, 4]), pooled=2).tolist()
    [0.5, 0.625]
    """
    parts = part.rolling(pooled).sum()
    wholes = whole.rolling(pooled).sum()
    return (parts / wholes.where(wholes > 0)).iloc[pooled - 1:].dropna()


def _pooled_ratio(part, whole, pooled: int) -> tuple[float | None, float | None]:
    """The ratio of sums over the last ``pooled`` rows, and over the ``pooled`` before."""
    part, whole = list(part), list(whole)

    def ratio(end: int) -> float | None:
        start = end - pooled
        if start < 0 or sum(whole[start:end]) == 0:
            return None
        return sum(part[start:end]) / sum(whole[start:end])

    return ratio(len(whole)), ratio(len(whole) - pooled)
