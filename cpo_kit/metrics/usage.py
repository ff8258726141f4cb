"""Usage metrics: how many people use the product, how often, and which features.

Every events metric here is an ibis expression run where the events live: it reads
the raw events once, the engine reduces them to distinct (user, period) pairs or to
per-user first times, and only small aggregates come back to pandas. A table of
one row per user and active day (:func:`daily_activity`, or :func:`feature_use`
by day, which also flags the features used) can stand in for the events, with
``ts`` naming its day column, in every metric but time to first use, so that a suite
reads the events once; tables of one row per user and period (such as
:func:`coarser_use` makes) spare the engine the distinct step with
``distinct_rows=True``. Periods are those of :mod:`cpo_kit.metrics.periods`;
every period from the first with activity to the last one reported appears, with
zeros where nobody was active, and a ratio whose denominator is zero is NaN.
"""
from __future__ import annotations

from collections.abc import Sequence

import ibis
import numpy as np
import pandas as pd
from ibis import _

from cpo_kit.metrics.periods import (check_period, end_exclusive, last_complete, next_start,
                                     periods_between, truncate)
from cpo_kit.metrics.registry import metric

_ACTIVITY = {"events": ("user_id", "timestamp")}
_MICROSECONDS_PER_DAY = 86_400_000_000
_PERIOD_DAYS = {"day": 1, "week": 7}


def daily_activity(events, *, period_end, user: str = "user_id", ts: str = "timestamp"):
    """The days on which each user was active, up to ``period_end``.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period_end : date-like
        The last day counted; later events are ignored.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp (naive UTC).

    Returns
    -------
    ibis.Table
        An expression (not executed) with columns ``user_id`` and ``day`` (date):
        one row per user and day with at least one event. Cached, it can stand in
        for the events, with ``ts="day"``, in the metrics that only need activity.
    """
    kept = _until(events, period_end, user, ts)
    return kept.select(user_id=kept[user], day=truncate(kept[ts], "day")).distinct()


def active_users(events, *, period: str = "day", period_end, user: str = "user_id",
                 ts: str = "timestamp", distinct_rows: bool = False) -> pd.DataFrame:
    """Distinct active users per day, ISO week or calendar month (DAU, WAU, MAU).

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period : {"day", "week", "month"}
        The length of a period.
    period_end : date-like
        The last day counted; later events are ignored.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp.
    distinct_rows : bool
        True when ``events`` already holds one row per user and ``period`` (such as
        the events suite's tables), which spares the engine making them distinct.

    Returns
    -------
    DataFrame
        Columns ``period`` (first day), ``users`` (int64) and ``complete`` (bool): one
        row per period from the first with an event to the one holding ``period_end``,
        which is included and flagged ``complete=False`` unless ``period_end`` is its
        last day. Periods without events have 0 users.
    """
    check_period(period)
    # Straight from the events: one distinct count is cheaper than going through days.
    kept = _until(events, period_end, user, ts)
    users = kept.count() if distinct_rows else kept[user].nunique()
    counts = _execute(kept.group_by(period=truncate(kept[ts], period)).aggregate(users=users))
    if counts.empty:
        return _empty(period="datetime64[us]", users="int64", complete="bool")
    starts = periods_between(counts["period"].min(), period_end, period, complete_only=False)
    out = _on_periods(counts, starts, ["users"])
    out["complete"] = out["period"] <= last_complete(period_end, period)
    return out


def stickiness(events, *, period_end, user: str = "user_id", ts: str = "timestamp"
               ) -> pd.DataFrame:
    """DAU/MAU per calendar month: average daily active users over monthly active users.

    The average is over every day of the month, days without any user counting as 0,
    so a product used every day by all its monthly users scores 1.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period_end : date-like
        The last day counted; only complete months are reported.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp.

    Returns
    -------
    DataFrame
        Columns ``month`` (first day), ``avg_dau`` (float64), ``mau`` (int64) and
        ``stickiness`` (float64, NaN for a month without users), one row per complete
        month from the first with an event.
    """
    return stickiness_of(monthly_activity(events, period_end=period_end, user=user, ts=ts),
                         period_end=period_end)


def stickiness_of(monthly, *, period_end) -> pd.DataFrame:
    """:func:`stickiness` from a table of months such as :func:`monthly_activity`.

    Months that are not complete by ``period_end`` are left out.
    """
    # The sum of DAU over a month's days is the sum, over its users, of their active days.
    counts = _complete_months(_execute(monthly.group_by("period").aggregate(
        mau=_.count(), active_days=_.days.sum())), period_end)
    if counts.empty:
        return _empty(month="datetime64[us]", avg_dau="float64", mau="int64",
                      stickiness="float64")
    out = _on_periods(counts, periods_between(counts["period"].min(), period_end, "month"),
                      ["mau", "active_days"])
    out["avg_dau"] = out.pop("active_days") / out["period"].dt.days_in_month
    out["stickiness"] = out["avg_dau"] / out["mau"].replace(0, np.nan)
    return out.rename(columns={"period": "month"})[["month", "avg_dau", "mau", "stickiness"]]


def active_days_distribution(events, *, period_end, user: str = "user_id",
                             ts: str = "timestamp") -> pd.DataFrame:
    """How many users were active on exactly, and on at least, N days of each month.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period_end : date-like
        The last day counted; only complete months are reported.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp.

    Returns
    -------
    DataFrame
        Columns ``month`` (first day), ``days`` (N, from 1 to the days in the month),
        ``users_exactly`` and ``users_at_least`` (int64) and ``share_at_least``
        (float64: ``users_at_least`` over the month's MAU, NaN for a month without
        users); one row per complete month from the first with an event and N.
    """
    return active_days_distribution_of(
        monthly_activity(events, period_end=period_end, user=user, ts=ts), period_end=period_end)


def active_days_distribution_of(monthly, *, period_end) -> pd.DataFrame:
    """:func:`active_days_distribution` from a table of months such as :func:`monthly_activity`.

    Months that are not complete by ``period_end`` are left out.
    """
    counts = _complete_months(
        _execute(monthly.group_by("period", "days").aggregate(users_exactly=_.count())),
        period_end)
    if counts.empty:
        return _empty(month="datetime64[us]", days="int64", users_exactly="int64",
                      users_at_least="int64", share_at_least="float64")
    months = periods_between(counts["period"].min(), period_end, "month")
    lengths = months.days_in_month
    grid = pd.DataFrame({"period": months.repeat(lengths),
                         "days": np.concatenate([np.arange(1, n + 1) for n in lengths])})
    out = grid.merge(counts, on=["period", "days"], how="left")
    out["users_exactly"] = out["users_exactly"].fillna(0).astype("int64")
    # Counting down from the last day of the month gives "on at least N days".
    out["users_at_least"] = (out.iloc[::-1].groupby("period")["users_exactly"].cumsum()
                             .iloc[::-1].astype("int64"))
    mau = out.groupby("period")["users_at_least"].transform("first")
    out["share_at_least"] = out["users_at_least"] / mau.replace(0, np.nan)
    out["days"] = out["days"].astype("int64")
    return out.rename(columns={"period": "month"})


def lifecycle(events, *, period: str = "week", period_end, user: str = "user_id",
              ts: str = "timestamp", distinct_rows: bool = False) -> pd.DataFrame:
    """Active users of each period split into new, returning and resurrecting; and the dormant.

    A user active in a period is *new* if it is the first period in which they have an
    event at all (in the data, not from ``users.signup_at``), *returning* if they were
    also active in the previous period, and *resurrecting* otherwise (active before,
    but not in the previous period). *Dormant* users were active in the previous
    period but not in this one; they are not part of the period's active users.

    Parameters
    ----------
    events : ibis.Table
        One row per event.
    period : {"day", "week", "month"}
        The length of a period.
    period_end : date-like
        The last day counted; only complete periods are reported.
    user : str
        The column naming the user.
    ts : str
        The column holding the event's timestamp.
    distinct_rows : bool
        True when ``events`` already holds one row per user and ``period`` (such as
        the events suite's tables), which spares the engine making them distinct.

    Returns
    -------
    DataFrame
        Columns ``period`` (first day), ``new``, ``returning``, ``resurrecting``,
        ``dormant`` (a positive count) and ``active`` (``new + returning +
        resurrecting``), all int64; one row per complete period from the first with an
        event, periods without events included.
    """
    check_period(period)
    kept = _until(events, _last_day_reported(period_end, period), user, ts)
    active = kept.select(user_id=kept[user], period=truncate(kept[ts], period))
    if not distinct_rows:
        active = active.distinct()
    # Number the periods so that consecutive ones are `step` apart, whatever the months' lengths.
    if period == "month":
        number, step = _.period.year() * 12 + _.period.month(), 1
    else:
        number, step = _.period.delta(ibis.date(1970, 1, 1), unit="day"), _PERIOD_DAYS[period]
    by_user = dict(group_by="user_id", order_by="period")
    marked = active.mutate(number=number).mutate(previous=_.number.lag().over(**by_user),
                                                 following=_.number.lead().over(**by_user))
    kind = ibis.cases((marked.previous.isnull(), "new"),
                      (marked.previous == marked.number - step, "returning"),
                      else_="resurrecting")
    # Dormant in the next period: the user is not seen in it.
    leaves = marked.following.isnull() | (marked.following != marked.number + step)
    counts = _execute(marked.group_by("period", kind=kind, leaves=leaves)
                      .aggregate(users=_.count()))
    columns = ["new", "returning", "resurrecting", "dormant"]
    if counts.empty:
        return _empty(period="datetime64[us]", **dict.fromkeys(columns + ["active"], "int64"))
    split = counts.pivot_table(index="period", columns="kind", values="users", aggfunc="sum")
    gone = counts[counts["leaves"]].groupby("period")["users"].sum()
    dormant = pd.DataFrame({"period": [next_start(p, period) for p in gone.index],
                            "dormant": gone.to_numpy()})
    merged = split.reset_index().merge(dormant, on="period", how="outer")
    starts = periods_between(counts["period"].min(), period_end, period)
    out = _on_periods(merged.reindex(columns=["period"] + columns), starts, columns)
    out["active"] = out["new"] + out["returning"] + out["resurrecting"]
    return out


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
    wanted = _check_features(features)
    names = wanted if wanted is not None else feature_names(
        events, period=period, period_end=period_end, user=user, ts=ts, feature=feature)
    last_day = _last_day_reported(period_end, period)
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
    kept = _until(events, _last_day_reported(period_end, period), user, ts, feature)
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
    kept = _until(events, period_end, user, ts, feature)
    # One conditional flag per feature, not distinct (user, period, feature) rows: the
    # engine then groups the events by user and period only, once for every metric.
    # An event without a feature compares as null, which any() skips; a period with no
    # feature at all gets null, filled with False after the aggregate, not on every
    # event (at 100M events, 1 s less).
    flags = {f"used_{i}": (kept[feature] == name).any().fill_null(False)
             for i, name in enumerate(features)}
    return kept.group_by(user_id=kept[user], period=truncate(kept[ts], period)).agg(**flags)


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


def adoption(use, features: Sequence[str], *, period: str, period_end) -> pd.DataFrame:
    """:func:`feature_adoption` from a :func:`feature_use` table of ``period``."""
    check_period(period)
    measures = {f"users_{i}": use[f"used_{i}"].sum() for i in range(len(features))}
    counts = _execute(use.group_by("period").aggregate(active_users=_.count(), **measures))
    if counts.empty or not features:
        return _empty(period="datetime64[us]", feature="str", users="int64",
                      active_users="int64", adoption="float64")
    starts = periods_between(counts["period"].min(), period_end, period)
    wide = _on_periods(counts, starts, ["active_users", *measures])
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
    wanted = _check_features(features)
    kept = _until(events, period_end, user, ts, feature)
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
        _check_columns(users, user, signup)
        signups = users.select(user_id=users[user], signup=users[signup])
        starts = starts.left_join(signups, "user_id").select(
            "user_id", start=ibis.coalesce(_.signup, _.start))
    days = firsts.join(starts, "user_id").mutate(
        days=(_.first.delta(_.start, unit="microsecond") / _MICROSECONDS_PER_DAY).clip(lower=0))
    out = _execute(days.group_by("feature").aggregate(
        adopters=_.count(), median_days=_.days.median(), mean_days=_.days.mean()))
    out = out.dropna(subset=["feature"])
    return out.astype({"feature": "str", "adopters": "int64", "median_days": "float64",
                       "mean_days": "float64"}).sort_values("feature", ignore_index=True)


# --- registered metrics ------------------------------------------------------------------

@metric("dau", family="usage", title="Active users per day (DAU)",
        definition="Distinct users with at least one event on each day (UTC).",
        formula="DAU(d) = |{user : user has an event on day d}|",
        needs=_ACTIVITY, unit="users")
def dau(company, *, period_end) -> pd.DataFrame:
    """DAU per day up to ``period_end``; see :func:`active_users`."""
    return active_users(company.table("events"), period="day", period_end=period_end)


@metric("wau", family="usage", title="Active users per week (WAU)",
        definition="Distinct users with at least one event in each ISO week, Monday to "
                   "Sunday (UTC); the week holding the period end is flagged incomplete "
                   "unless it ends on it.",
        formula="WAU(w) = |{user : user has an event in week w}|",
        needs=_ACTIVITY, unit="users")
def wau(company, *, period_end) -> pd.DataFrame:
    """WAU per ISO week up to ``period_end``; see :func:`active_users`."""
    return active_users(company.table("events"), period="week", period_end=period_end)


@metric("mau", family="usage", title="Active users per month (MAU)",
        definition="Distinct users with at least one event in each calendar month (UTC); "
                   "the month holding the period end is flagged incomplete unless it "
                   "ends on it.",
        formula="MAU(m) = |{user : user has an event in month m}|",
        needs=_ACTIVITY, unit="users")
def mau(company, *, period_end) -> pd.DataFrame:
    """MAU per calendar month up to ``period_end``; see :func:`active_users`."""
    return active_users(company.table("events"), period="month", period_end=period_end)


@metric("stickiness", family="usage", title="Stickiness (DAU/MAU)",
        definition="Average daily active users over the calendar days of a month, days "
                   "without users counting as zero, divided by that month's MAU (rather "
                   "than one day's DAU over the trailing 30 days' users).",
        formula="stickiness(m) = (sum of DAU(d) over days d of m / days in m) / MAU(m)",
        needs=_ACTIVITY, unit="ratio")
def _stickiness(company, *, period_end) -> pd.DataFrame:
    return stickiness(company.table("events"), period_end=period_end)


@metric("active_days_distribution", family="usage", title="Active days per month",
        definition="Number of users active on exactly N days of a calendar month and on "
                   "at least N days, with the latter's share of the month's MAU.",
        formula="users_at_least(m, N) = |{user : active on N or more days of month m}|",
        needs=_ACTIVITY, unit="users")
def _active_days_distribution(company, *, period_end) -> pd.DataFrame:
    return active_days_distribution(company.table("events"), period_end=period_end)


@metric("lifecycle", family="usage", title="User lifecycle (growth accounting)",
        definition="Each period's active users split into new (first period with an event "
                   "in the data, not the signup date), returning (also active the period "
                   "before) and resurrecting (active earlier, not the period before), "
                   "and the dormant users active the period before but not in this one.",
        formula="active(p) = new(p) + returning(p) + resurrecting(p); "
                "dormant(p) = active(p-1) - returning(p)",
        needs=_ACTIVITY, unit="users")
def _lifecycle(company, *, period_end, period: str = "week") -> pd.DataFrame:
    return lifecycle(company.table("events"), period=period, period_end=period_end)


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


# --- helpers -----------------------------------------------------------------------------

def monthly_activity(events, *, period_end, user: str = "user_id", ts: str = "timestamp"):
    """On how many days each user was active in each complete month.

    Returns
    -------
    ibis.Table
        An expression (not executed): ``user_id``, ``period`` (the month's first day)
        and ``days``, one row per user and complete month with an event: what
        :func:`stickiness_of` and :func:`active_days_distribution_of` read. A
        :func:`coarser_use` table of months has these columns too.
    """
    daily = daily_activity(events, period_end=_last_day_reported(period_end, "month"),
                           user=user, ts=ts)
    return coarser_use(daily.rename(period="day"), period="month")


def _complete_months(counts: pd.DataFrame, period_end) -> pd.DataFrame:
    """The rows of ``counts`` whose ``period`` is a month complete by ``period_end``."""
    return counts[counts["period"] <= last_complete(period_end, "month")]


def _last_day_reported(period_end, period: str) -> pd.Timestamp:
    """The last day of the last complete period: events after it cannot change the result."""
    return next_start(last_complete(period_end, period), period) - pd.Timedelta(days=1)


def _until(events, period_end, user: str, ts: str, *others: str):
    """The events up to ``period_end``, once the columns used are known to be there."""
    _check_columns(events, user, ts, *others)
    return events.filter(events[ts] < end_exclusive(period_end))


def _check_columns(table, *names: str) -> None:
    missing = [n for n in names if n not in table.columns]
    if missing:
        raise ValueError(f"the table has no column {', '.join(map(repr, missing))}; "
                         f"its columns are {', '.join(table.columns)}")


def _check_features(features) -> list[str] | None:
    if features is None:
        return None
    if isinstance(features, str):
        raise ValueError(f"features must be a list of names, not the string {features!r}")
    if not features:
        raise ValueError("features must name at least one feature, or be None for all")
    return list(dict.fromkeys(features))


def _execute(expr) -> pd.DataFrame:
    out = expr.execute()
    if "period" in out:
        out["period"] = out["period"].astype("datetime64[us]")
    return out


def _on_periods(frame: pd.DataFrame, starts: pd.DatetimeIndex, counts: list[str]
                ) -> pd.DataFrame:
    """``frame`` on every period of ``starts``, counts of missing periods set to 0."""
    out = pd.DataFrame({"period": starts}).merge(frame, on="period", how="left")
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def _empty(**dtypes: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in dtypes.items()})
