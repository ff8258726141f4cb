"""Feature metrics: which features people use, how widely, and how soon after signup.

Like the usage metrics (:mod:`cpo_kit.metrics.usage`), these are ibis expressions run
where the events live. :func:`feature_use` reduces the events to one row per user and
period with a flag per feature, which :func:`adoption` and the usage metrics can read
in place of the events, so that a suite reads the events once; time to first use reads
per-user first times.
"""
from __future__ import annotations

from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd
from ibis import _

from cpo_kit.metrics.event_tables import (check_columns, check_features, empty, execute,
                                          last_day_reported, on_periods, until)
from cpo_kit.metrics.periods import check_period, periods_between, truncate
from cpo_kit.metrics.registry import metric

_MICROSECONDS_PER_DAY = 86_400_000_000


def feature_adoption(events, *, period: str = "month", period_end,
                     features: Sequence[str] | None = None, user: str = "user_id",
                     ts: str = "timestamp", feature: str = "feature") -> pd.DataFrame:
    """The share of each period's active users who used each feature.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period : {"day", "week", "month"}
        The length of a period.
    period_end : date-like
        The last day counted; only complete periods are reported.
    features : list of str, optional
        The values of ``feature`` to report; by default every non-null value found.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp.
    feature : str
        The column naming the feature an event belongs to; ``"event"`` reports
        event names instead (pass ``features`` to pick some).

    Returns
    -------
    DataFrame
        Columns ``period`` (first day), ``feature`` (str), ``users`` (users of the
        feature in the period) and ``active_users`` (users with any event in the
        period), int64, and ``adoption`` (their ratio, float64, NaN when nobody was
        active); one row per complete period from the first with an event and
        feature, sorted by period and feature.
    """
    check_period(period)
    wanted = check_features(features)
    names = wanted if wanted is not None else feature_names(
        events, period=period, period_end=period_end, user=user, ts=ts, feature=feature)
    last_day = last_day_reported(period_end, period)
    use = feature_use(events, names, period=period, period_end=last_day, user=user, ts=ts,
                      feature=feature)
    return adoption(use, names, period=period, period_end=period_end)


def feature_names(events, *, period: str = "month", period_end, user: str = "user_id",
                  ts: str = "timestamp", feature: str = "feature") -> list[str]:
    """The features used in the complete periods up to ``period_end``, sorted.

    These are the features :func:`feature_adoption` reports when it is not given a
    list: the distinct non-null values of ``feature`` up to the last day of the last
    complete ``period``.
    """
    check_period(period)
    kept = until(events, last_day_reported(period_end, period), user, ts, feature)
    found = kept.select(name=kept[feature]).distinct().execute()["name"]
    return sorted(found.dropna().astype(str))


def feature_use(events, features: Sequence[str], *, period: str, period_end,
                user: str = "user_id", ts: str = "timestamp", feature: str = "feature"):
    """Which features each user used in each period in which they were active.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    features : list of str
        The values of ``feature`` to follow.
    period : {"day", "week", "month"}
        The length of a period.
    period_end : date-like
        The last day counted; later events are ignored.
    user, ts, feature : str
        The columns naming the user, holding the timestamp and naming the feature.

    Returns
    -------
    ibis.Table
        An expression (not executed): ``user_id``, ``period`` and one boolean
        ``used_<i>`` per feature (``features[i]``), one row per user and period with
        at least one event of any kind. It can stand in for the events in
        :func:`active_users` and the other activity metrics (with ``ts="period"``),
        and, made coarser by :func:`coarser_use`, in :func:`adoption`.
    """
    kept = until(events, period_end, user, ts, feature)
    # One conditional flag per feature, not distinct (user, period, feature) rows: the
    # engine then groups the events by user and period only, once for every metric.
    # An event without a feature compares as null, which any() skips; a period with no
    # feature at all gets null, filled with False after the aggregate, not on every
    # event (at 100M events, 1 s less).
    flags = {f"used_{i}": (kept[feature] == name).any().fill_null(False)
             for i, name in enumerate(features)}
    return kept.group_by(user_id=kept[user], period=truncate(kept[ts], period)).agg(**flags)


def adoption(use, features: Sequence[str], *, period: str, period_end) -> pd.DataFrame:
    """:func:`feature_adoption` from a :func:`feature_use` table of ``period``."""
    check_period(period)
    measures = {f"users_{i}": use[f"used_{i}"].sum() for i in range(len(features))}
    counts = execute(use.group_by("period").aggregate(active_users=_.count(), **measures))
    if counts.empty or not features:
        return empty(period="datetime64[us]", feature="str", users="int64",
                      active_users="int64", adoption="float64")
    starts = periods_between(counts["period"].min(), period_end, period)
    wide = on_periods(counts, starts, ["active_users", *measures])
    out = wide.melt(id_vars=["period", "active_users"], value_vars=list(measures),
                    var_name="measure", value_name="users")
    out["feature"] = out.pop("measure").map(dict(zip(measures, features))).astype("str")
    out["adoption"] = out["users"] / out["active_users"].replace(0, np.nan)
    return (out.sort_values(["period", "feature"], ignore_index=True)
            [["period", "feature", "users", "active_users", "adoption"]])


def time_to_first_use(events, users=None, *, period_end, features: Sequence[str] | None = None,
                      user: str = "user_id", ts: str = "timestamp", feature: str = "feature",
                      signup: str = "signup_at") -> pd.DataFrame:
    """Days from a user's start to their first use of each feature.

    A user's start is their ``signup`` time when a users table is given (users missing
    from it start at their first event), else their first event of any kind. A first
    use before the start (an event logged before signup) counts as 0 days.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    users : ibis.Table, optional
        One row per user, with columns ``user`` and ``signup``.
    period_end : date-like
        The last day counted; later events are ignored.
    features : list of str, optional
        The values of ``feature`` to report; by default every non-null value found.
    user : str
        The column naming the user, in both tables.
    ts : str
        The column holding the event's timestamp.
    feature : str
        The column naming the feature an event belongs to.
    signup : str
        The column of ``users`` holding the signup time.

    Returns
    -------
    DataFrame
        Columns ``feature`` (str), ``adopters`` (int64: users who used it),
        ``median_days`` and ``mean_days`` (float64); one row per feature used at
        least once, sorted by feature.
    """
    wanted = check_features(features)
    kept = until(events, period_end, user, ts, feature)
    used = kept[feature]
    if wanted is not None:
        used = ibis.ifelse(used.isin(wanted), used, ibis.null("string"))
    # One pass: first time per user and feature, the null "feature" holding the other
    # events, so that a user's first event of any kind is the earliest of their rows.
    # Both uses below read the same expression, which the engine computes once; a
    # filter or a window here would make it read the events twice.
    firsts = kept.group_by(user_id=kept[user], feature=used).aggregate(first=kept[ts].min())
    starts = firsts.group_by("user_id").aggregate(start=_.first.min())
    if users is not None:
        check_columns(users, user, signup)
        signups = users.select(user_id=users[user], signup=users[signup])
        starts = starts.left_join(signups, "user_id").select(
            "user_id", start=ibis.coalesce(_.signup, _.start))
    days = firsts.join(starts, "user_id").mutate(
        days=(_.first.delta(_.start, unit="microsecond") / _MICROSECONDS_PER_DAY).clip(lower=0))
    out = execute(days.group_by("feature").aggregate(
        adopters=_.count(), median_days=_.days.median(), mean_days=_.days.mean()))
    out = out.dropna(subset=["feature"])
    return out.astype({"feature": "str", "adopters": "int64", "median_days": "float64",
                       "mean_days": "float64"}).sort_values("feature", ignore_index=True)


# --- registered metrics ------------------------------------------------------------------

@metric("feature_adoption", family="usage", title="Feature adoption",
        definition="Share of a period's active users (any event) who had at least one "
                   "event of the feature in that period.",
        formula="adoption(f, p) = users of f in p / active users in p",
        needs={"events": ("user_id", "timestamp", "feature")}, unit="share")
def _feature_adoption(company, *, period_end, period: str = "month",
                      features: Sequence[str] | None = None) -> pd.DataFrame:
    return feature_adoption(company.table("events"), period=period, period_end=period_end,
                            features=features)


@metric("time_to_first_use", family="usage", title="Time to first use of a feature",
        definition="Days from a user's signup (their first event when no users table is "
                   "given) to their first event of the feature, a use before signup "
                   "counting as zero days; median and mean over the feature's adopters.",
        formula="days(u, f) = max(0, first event of f by u - signup of u)",
        needs={"events": ("user_id", "timestamp", "feature")}, unit="days")
def _time_to_first_use(company, *, period_end,
                       features: Sequence[str] | None = None) -> pd.DataFrame:
    users = company.table("users") if company.has("users") else None
    return time_to_first_use(company.table("events"), users, period_end=period_end,
                             features=features)
