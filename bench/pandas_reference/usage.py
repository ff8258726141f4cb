"""Usage metrics in plain pandas, from the definitions, over raw events in memory.

Same options and same output as the functions of :mod:`cpo_kit.metrics.usage`, with
pandas frames in place of ibis tables. Periods are pandas ``Period`` objects
(``W-SUN`` weeks run Monday to Sunday); consecutive periods have consecutive ordinals.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FREQ = {"day": "D", "week": "W-SUN", "month": "M"}


def active_users(events: pd.DataFrame, *, period: str = "day", period_end,
                 user: str = "user_id", ts: str = "timestamp") -> pd.DataFrame:
    """DAU, WAU or MAU: see :func:`cpo_kit.metrics.usage.active_users`."""
    freq, period_end = FREQ[period], _day(period_end)
    events = _until(events, period_end, ts)
    counts = events.groupby(events[ts].dt.to_period(freq))[user].nunique()
    if counts.empty:
        return _frame(period=[], users=[], complete=[])
    periods = pd.period_range(counts.index.min(), pd.Period(period_end, freq), freq=freq)
    return _frame(period=periods.start_time, users=counts.reindex(periods, fill_value=0),
                  complete=periods.end_time.normalize() <= period_end)


def stickiness(events: pd.DataFrame, *, period_end, user: str = "user_id",
               ts: str = "timestamp") -> pd.DataFrame:
    """DAU/MAU per complete month: see :func:`cpo_kit.metrics.usage.stickiness`."""
    events = _complete(events, period_end, "month", ts)
    if events.empty:
        return _frame(month=[], avg_dau=[], mau=[], stickiness=[])
    day = events[ts].dt.normalize()
    dau = events.groupby(day)[user].nunique()
    days = pd.date_range(day.min().replace(day=1), _complete_end(period_end, "month"),
                         inclusive="left")
    dau = dau.reindex(days, fill_value=0)
    avg_dau = dau.groupby(dau.index.to_period("M")).mean()
    mau = events.groupby(events[ts].dt.to_period("M"))[user].nunique().reindex(
        avg_dau.index, fill_value=0)
    return _frame(month=avg_dau.index.start_time, avg_dau=avg_dau, mau=mau,
                  stickiness=avg_dau / mau.replace(0, np.nan))


def active_days_distribution(events: pd.DataFrame, *, period_end, user: str = "user_id",
                             ts: str = "timestamp") -> pd.DataFrame:
    """Users active on N days of each month: see
    :func:`cpo_kit.metrics.usage.active_days_distribution`."""
    events = _complete(events, period_end, "month", ts)
    if events.empty:
        return _frame(month=[], days=[], users_exactly=[], users_at_least=[],
                      share_at_least=[])
    active = pd.DataFrame({"month": events[ts].dt.to_period("M"), "user": events[user],
                           "day": events[ts].dt.normalize()}).drop_duplicates()
    active_days = {m: np.sort(group.groupby("user").size().to_numpy())
                   for m, group in active.groupby("month")}
    months = pd.period_range(min(active_days), _complete_end(period_end, "month")
                             - pd.Timedelta(days=1), freq="M")
    parts = []
    for m in months:  # one month at a time: a few dozen iterations, not one per user
        counts = active_days.get(m, np.array([], dtype="int64"))
        n = np.arange(1, m.days_in_month + 1)
        at_least = len(counts) - np.searchsorted(counts, n, side="left")
        exactly = at_least - (len(counts) - np.searchsorted(counts, n, side="right"))
        share = at_least / len(counts) if len(counts) else np.full(len(n), np.nan)
        parts.append(pd.DataFrame({"month": m.start_time, "days": n, "users_exactly": exactly,
                                   "users_at_least": at_least, "share_at_least": share}))
    out = pd.concat(parts, ignore_index=True)
    return _frame(**{c: out[c] for c in out})


def lifecycle(events: pd.DataFrame, *, period: str = "week", period_end,
              user: str = "user_id", ts: str = "timestamp") -> pd.DataFrame:
    """New, returning, resurrecting and dormant users: see
    :func:`cpo_kit.metrics.usage.lifecycle`."""
    freq, period_end = FREQ[period], _day(period_end)
    events = _until(events, period_end, ts)
    active = pd.DataFrame({"user": events[user],
                           "n": events[ts].dt.to_period(freq).array.asi8}).drop_duplicates()
    if active.empty:
        return _frame(period=[], new=[], returning=[], resurrecting=[], dormant=[], active=[])
    before = active.assign(n=active["n"] + 1, was_active=True)
    active = active.merge(before, on=["user", "n"], how="left")
    first = active.groupby("user")["n"].transform("min")
    active["kind"] = np.where(active["n"] == first, "new",
                              np.where(active["was_active"].notna(), "returning",
                                       "resurrecting"))
    # Dormant in n: active in n - 1 and not in n.
    gone = before.merge(active[["user", "n"]], on=["user", "n"], how="left", indicator=True)
    dormant = gone[gone["_merge"] == "left_only"].groupby("n").size()
    split = active.groupby(["n", "kind"]).size().unstack(fill_value=0)

    last = pd.Period(period_end, freq)
    if last.end_time.normalize() > period_end:
        last -= 1
    periods = pd.period_range(pd.Period(ordinal=int(active["n"].min()), freq=freq), last,
                              freq=freq)
    ordinals = periods.asi8
    counts = {k: (split[k] if k in split else pd.Series(dtype="int64")).reindex(
        ordinals, fill_value=0) for k in ("new", "returning", "resurrecting")}
    return _frame(period=periods.start_time, **counts,
                  dormant=dormant.reindex(ordinals, fill_value=0),
                  active=sum(c.to_numpy() for c in counts.values()))


def feature_adoption(events: pd.DataFrame, *, period: str = "month", period_end,
                     features=None, user: str = "user_id", ts: str = "timestamp",
                     feature: str = "feature") -> pd.DataFrame:
    """Share of active users who used each feature: see
    :func:`cpo_kit.metrics.features.feature_adoption`."""
    freq = FREQ[period]
    events = _complete(events, period_end, period, ts)
    p = events[ts].dt.to_period(freq)
    active = events.groupby(p)[user].nunique()
    names = sorted(set(features) if features is not None
                   else events[feature].dropna().unique())
    if active.empty or not names:
        return _frame(period=[], feature=[], users=[], active_users=[], adoption=[])
    used = events[feature].isin(names)
    users = events[used].groupby([p[used], events.loc[used, feature]])[user].nunique()
    periods = pd.period_range(active.index.min(), _complete_end(period_end, period)
                              - pd.Timedelta(days=1), freq=freq)
    grid = pd.MultiIndex.from_product([periods, names])
    users = users.reindex(grid, fill_value=0)
    active = active.reindex(grid.get_level_values(0), fill_value=0).to_numpy()
    return _frame(period=grid.get_level_values(0).start_time,
                  feature=grid.get_level_values(1), users=users, active_users=active,
                  adoption=users.to_numpy() / np.where(active == 0, np.nan, active))


def time_to_first_use(events: pd.DataFrame, users: pd.DataFrame | None = None, *, period_end,
                      features=None, user: str = "user_id", ts: str = "timestamp",
                      feature: str = "feature", signup: str = "signup_at") -> pd.DataFrame:
    """Days from signup (or first event) to first use: see
    :func:`cpo_kit.metrics.features.time_to_first_use`."""
    events = _until(events, _day(period_end), ts)
    start = events.groupby(user)[ts].min()
    if users is not None:
        start = users.set_index(user)[signup].reindex(start.index).fillna(start)
    used = events[feature].notna() if features is None else events[feature].isin(features)
    first = events[used].groupby([feature, user])[ts].min().reset_index()
    if first.empty:
        return _frame(feature=[], adopters=[], median_days=[], mean_days=[])
    days = (first[ts] - first[user].map(start)).dt.total_seconds() / 86400
    first["days"] = days.clip(lower=0)
    out = first.groupby(feature)["days"].agg(["size", "median", "mean"]).reset_index()
    return _frame(feature=out[feature], adopters=out["size"], median_days=out["median"],
                  mean_days=out["mean"])


# --- helpers -----------------------------------------------------------------------------

DTYPES = {"period": "datetime64[us]", "month": "datetime64[us]", "feature": "str",
          "complete": "bool", "avg_dau": "float64", "stickiness": "float64",
          "share_at_least": "float64", "adoption": "float64", "median_days": "float64",
          "mean_days": "float64"}


def _frame(**columns) -> pd.DataFrame:
    """The columns, as plain arrays, typed as cpo_kit types them (int64 unless listed)."""
    return pd.DataFrame({name: pd.Series(np.asarray(values), dtype=DTYPES.get(name, "int64"))
                         for name, values in columns.items()})


def _day(period_end) -> pd.Timestamp:
    return pd.Timestamp(period_end).normalize()


def _until(events: pd.DataFrame, period_end, ts: str) -> pd.DataFrame:
    return events[events[ts] < _day(period_end) + pd.Timedelta(days=1)]


def _complete_end(period_end, period: str) -> pd.Timestamp:
    """The first day after the last complete period."""
    period_end = _day(period_end)
    last = pd.Period(period_end, FREQ[period])
    if last.end_time.normalize() > period_end:
        last -= 1
    return (last + 1).start_time


def _complete(events: pd.DataFrame, period_end, period: str, ts: str) -> pd.DataFrame:
    return events[events[ts] < _complete_end(period_end, period)]
