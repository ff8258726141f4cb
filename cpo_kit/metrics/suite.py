"""The events metric suite: every events metric of a product review, sharing one pass.

Active users, stickiness, lifecycle and retention only need to know on which
days each user was active; monthly feature adoption, which features each user
touched in each month. The suite reduces the events to those distinct
(user, day) and (user, month, feature) rows, keeps them in the engine as
temporary tables and computes the metrics from them; only the funnel, which
needs exact times, reads the events on its own. The results are the same as
computing each metric on the raw events (the tests check it).
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.funnel import funnel
from cpo_kit.metrics.periods import end_exclusive
from cpo_kit.metrics.retention import retention
from cpo_kit.metrics.usage import (
    active_days_distribution, active_users, feature_adoption, lifecycle, stickiness)

#: The four steps of the sample company's activation funnel.
DEFAULT_FUNNEL = ("signup", "login", "create_report", "share_report")


def events_suite(company, *, period_end, funnel_steps=DEFAULT_FUNNEL, funnel_window="7D",
                 period: str = "week") -> dict[str, pd.DataFrame]:
    """Compute the events suite of a company.

    Parameters
    ----------
    company : Company
        Must have an events table.
    period_end : str or Timestamp
        The last day counted.
    funnel_steps : sequence of str
        Event names of the funnel's steps, in order.
    funnel_window : str
        The funnel's conversion window (``"7D"``).
    period : str
        The period of lifecycle and retention: ``"day"``, ``"week"`` or ``"month"``.

    Returns
    -------
    dict
        ``dau``, ``wau``, ``mau``, ``stickiness``, ``active_days_distribution``,
        ``lifecycle``, ``retention``, ``feature_adoption`` and ``funnel``: the frames
        the metrics of those names return.
    """
    events = company.table("events")
    backend = events.get_backend()
    counted = events.filter(events.timestamp < end_exclusive(period_end))
    names = ("_suite_days", "_suite_features")
    kept = []
    try:
        days = _keep(backend, names[0], counted.select(
            "user_id", day=counted.timestamp.truncate("D")).distinct(), kept)
        # Feature adoption is monthly: (user, month, feature) rows are all it needs.
        features = _keep(backend, names[1], counted.select(
            "user_id", "feature", day=counted.timestamp.truncate("M")).distinct(), kept)
        on_days = {"period_end": period_end, "ts": "day"}
        return {
            "dau": active_users(days, period="day", **on_days),
            "wau": active_users(days, period="week", **on_days),
            "mau": active_users(days, period="month", **on_days),
            "stickiness": stickiness(days, **on_days),
            "active_days_distribution": active_days_distribution(days, **on_days),
            "lifecycle": lifecycle(days, period=period, **on_days),
            "retention": retention(days, period=period, **on_days),
            "feature_adoption": feature_adoption(features, period="month", **on_days),
            "funnel": funnel(events, steps=list(funnel_steps), window=funnel_window,
                             period_end=period_end),
        }
    finally:
        for release in kept:
            release()


def _keep(backend, name: str, expr, kept: list):
    """Materialise an expression in the engine that computes it, and return it.

    On DuckDB it becomes a temporary table, made and dropped in SQL because ibis
    12's create_table and drop_table emit a DROP statement that DuckDB 2 refuses.
    On another engine (Spark, a warehouse) ibis caches it there. ``kept`` gets the
    function that lets it go.
    """
    import ibis

    if backend.name != "duckdb":
        cached = expr.cache()
        kept.append(cached.release)
        return cached
    backend.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS "
                        f"{ibis.to_sql(expr, dialect='duckdb')}")
    kept.append(lambda: backend.con.execute(f"DROP TABLE IF EXISTS {name}"))
    return backend.table(name)
