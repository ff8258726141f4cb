"""The events metric suite: every events metric of a product review, sharing one pass.

Active users, stickiness, lifecycle and retention only need to know on which
days each user was active; monthly feature adoption, which features each user
touched in each month. The suite reads the events once for both: it reduces
them to one row per user and active day, flagged with the features used that
day (:func:`~cpo_kit.metrics.features.feature_use`), and keeps that in the engine
as a temporary table; from it, two more: one row per user and active week, and
one per user and active month with their active days and features. Each metric
reads the table of its period as it is, without making its rows distinct again.
Only the funnel, which needs exact times, reads the events on its own. The results
are the same as computing each metric on the raw events (the tests check it).
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.event_tables import coarser_use
from cpo_kit.metrics.features import adoption, feature_names, feature_use
from cpo_kit.metrics.funnel import funnel
from cpo_kit.metrics.periods import check_period, truncate
from cpo_kit.metrics.retention import retention
from cpo_kit.metrics.usage import (active_days_distribution_of, active_users, lifecycle,
                                   stickiness_of)

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
    check_period(period)
    events = company.table("events")
    backend = events.get_backend()
    features = feature_names(events, period="month", period_end=period_end)
    kept = []
    try:
        # One pass over the events: the days each user was active, with the features used.
        days = _keep(backend, "_suite_days", feature_use(
            events, features, period="day", period_end=period_end), kept)
        # Weeks and months from the days: one row per user and period, so that no metric
        # has to make its rows distinct again.
        weeks = _keep(backend, "_suite_weeks", days.select(
            "user_id", period=truncate(days.period, "week")).distinct(), kept)
        months = _keep(backend, "_suite_months", coarser_use(days, period="month"), kept)
        tables = {"day": days, "week": weeks, "month": months}
        on = {"period_end": period_end, "ts": "period", "distinct_rows": True}
        return {
            "dau": active_users(days, period="day", **on),
            "wau": active_users(weeks, period="week", **on),
            "mau": active_users(months, period="month", **on),
            "stickiness": stickiness_of(months, period_end=period_end),
            "active_days_distribution": active_days_distribution_of(months,
                                                                    period_end=period_end),
            "lifecycle": lifecycle(tables[period], period=period, **on),
            "retention": retention(tables[period], period=period, **on),
            "feature_adoption": adoption(months, features, period="month",
                                         period_end=period_end),
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
