"""Cohort retention in plain pandas, from the definition, over raw events in memory.

Same options and same output as :func:`cpo_kit.metrics.retention.retention`, with
pandas frames in place of ibis tables. Periods are pandas ``Period`` objects
(``W-SUN`` weeks run Monday to Sunday), and period numbers are differences of them.
"""
from __future__ import annotations

import pandas as pd

FREQ = {"day": "D", "week": "W-SUN", "month": "M"}
COLUMNS = ["cohort", "cohort_size", "period_number", "users", "retention"]


def retention(events: pd.DataFrame, *, period: str = "week", period_end, users=None,
              cohort_event=None, return_event=None, form: str = "bounded",
              user: str = "user_id", ts: str = "timestamp") -> pd.DataFrame:
    """Cohort retention: see :func:`cpo_kit.metrics.retention.retention`."""
    freq = FREQ[period]
    period_end = pd.Timestamp(period_end).normalize()
    events = events[events[ts] < period_end + pd.Timedelta(days=1)]

    # The cohort of each user, as a Period.
    if users is None:
        starters = events if cohort_event is None else events[events["event"] == cohort_event]
        cohort = starters.groupby(user)[ts].min().dt.to_period(freq)
    else:
        signed = users[users["signup_at"] < period_end + pd.Timedelta(days=1)]
        cohort = signed.set_index(user)["signup_at"].dt.to_period(freq)
    cohort = cohort.rename("cohort").reset_index()

    # Every (user, period number) in which the user came back.
    returning = events if return_event is None else events[events["event"] == return_event]
    active = returning.assign(active=returning[ts].dt.to_period(freq))[[user, "active"]]
    active = active.drop_duplicates().merge(cohort, on=user)
    active["n"] = _ordinal(active["active"]) - _ordinal(active["cohort"])
    if users is None:
        # Everybody is in their cohort period, whatever the returning event.
        active = pd.concat([active[active["n"] > 0], cohort.assign(n=0)])
    else:
        active = active[active["n"] >= 0]

    # The last complete period: the one holding period_end, unless it ends later.
    last = pd.Period(period_end, freq)
    if last.end_time.normalize() > period_end:
        last -= 1
    sizes = cohort[cohort["cohort"] <= last].groupby("cohort").size().rename("cohort_size")
    grid = sizes.reset_index()
    grid["top"] = last.ordinal - _ordinal(grid["cohort"])
    grid = grid.merge(pd.DataFrame({"n": range(grid["top"].max() + 1 if len(grid) else 0)}),
                      how="cross")
    grid = grid[grid["n"] <= grid["top"]]

    if form == "bounded":
        counts = active.groupby(["cohort", "n"])[user].nunique().rename("users").reset_index()
    else:
        # Active in N or later = the last period number the user was active in is N or more.
        last_n = active.groupby([user, "cohort"])["n"].max()
        at = last_n.rename("last_n").reset_index().groupby(["cohort", "last_n"]).size()
        pairs = grid[["cohort", "n"]].merge(at.rename("users").reset_index(), on="cohort")
        counts = (pairs[pairs["last_n"] >= pairs["n"]]
                  .groupby(["cohort", "n"], as_index=False)["users"].sum())
    out = grid.merge(counts, how="left", on=["cohort", "n"]).fillna({"users": 0})
    out = out.sort_values(["cohort", "n"], ignore_index=True)
    return pd.DataFrame({
        "cohort": out["cohort"].dt.start_time.astype("datetime64[us]"),
        "cohort_size": out["cohort_size"].astype("int64"),
        "period_number": out["n"].astype("int64"),
        "users": out["users"].astype("int64"),
        "retention": (out["users"] / out["cohort_size"]).astype("float64"),
    }, columns=COLUMNS)


def _ordinal(periods: pd.Series):
    """Each Period's position on its frequency's calendar: differences count periods."""
    return periods.array.asi8
