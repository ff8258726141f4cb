"""Usage metrics: how many people use the product, and how often.

Every events metric here is an ibis expression run where the events live: it reads
the raw events once, the engine reduces them to distinct (user, period) pairs, and
only small aggregates come back to pandas. A table of one row per user and active day
(:func:`daily_activity`, or :func:`cpo_kit.metrics.features.feature_use` by day) can
stand in for the events, with ``ts`` naming its day column, so that a suite reads the
events once; tables of one row per user and period (such as
:func:`cpo_kit.metrics.event_tables.coarser_use` makes) spare the engine the distinct
step with ``distinct_rows=True``. Periods are those of :mod:`cpo_kit.metrics.periods`;
every period from the first with activity to the last one reported appears, with
zeros where nobody was active, and a ratio whose denominator is zero is NaN. Which
features people use is in :mod:`cpo_kit.metrics.features`.
"""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
from ibis import _

from cpo_kit.metrics.event_tables import (coarser_use, complete_months, empty, execute,
                                          last_day_reported, on_periods, until)
from cpo_kit.metrics.periods import (check_period, last_complete, next_start, periods_between,
                                     truncate)
from cpo_kit.metrics.registry import metric

_ACTIVITY = {"events": ("user_id", "timestamp")}
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
    kept = until(events, period_end, user, ts)
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
    kept = until(events, period_end, user, ts)
    users = kept.count() if distinct_rows else kept[user].nunique()
    counts = execute(kept.group_by(period=truncate(kept[ts], period)).aggregate(users=users))
    if counts.empty:
        return empty(period="datetime64[us]", users="int64", complete="bool")
    starts = periods_between(counts["period"].min(), period_end, period, complete_only=False)
    out = on_periods(counts, starts, ["users"])
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
    counts = complete_months(execute(monthly.group_by("period").aggregate(
        mau=_.count(), active_days=_.days.sum())), period_end)
    if counts.empty:
        return empty(month="datetime64[us]", avg_dau="float64", mau="int64",
                      stickiness="float64")
    out = on_periods(counts, periods_between(counts["period"].min(), period_end, "month"),
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
    counts = complete_months(
        execute(monthly.group_by("period", "days").aggregate(users_exactly=_.count())),
        period_end)
    if counts.empty:
        return empty(month="datetime64[us]", days="int64", users_exactly="int64",
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
    kept = until(events, last_day_reported(period_end, period), user, ts)
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
    counts = execute(marked.group_by("period", kind=kind, leaves=leaves)
                      .aggregate(users=_.count()))
    columns = ["new", "returning", "resurrecting", "dormant"]
    if counts.empty:
        return empty(period="datetime64[us]", **dict.fromkeys(columns + ["active"], "int64"))
    split = counts.pivot_table(index="period", columns="kind", values="users", aggfunc="sum")
    gone = counts[counts["leaves"]].groupby("period")["users"].sum()
    dormant = pd.DataFrame({"period": [next_start(p, period) for p in gone.index],
                            "dormant": gone.to_numpy()})
    merged = split.reset_index().merge(dormant, on="period", how="outer")
    starts = periods_between(counts["period"].min(), period_end, period)
    out = on_periods(merged.reindex(columns=["period"] + columns), starts, columns)
    out["active"] = out["new"] + out["returning"] + out["resurrecting"]
    return out


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
    daily = daily_activity(events, period_end=last_day_reported(period_end, "month"),
                           user=user, ts=ts)
    return coarser_use(daily.rename(period="day"), period="month")
