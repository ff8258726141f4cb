"""Funnels in plain pandas, from the definition, over raw events in memory.

Same options and same output as :func:`cpo_kit.metrics.funnel.funnel`, with pandas
frames in place of ibis tables. An entry is a (user, entry time) pair, whether
users or attempts are counted. In sequential order each step is found with
``merge_asof`` (the first step event at or after the step before); in strict
order by walking each entry's chain over the user's numbered instants in Python
(the ranks step k - 1 can stand at, and the ranks of step-k events at one of those
or just after); in any order an entry reaches step k when the first events of
steps 1 to k all fall in its window.
"""
from __future__ import annotations

import pandas as pd

HOUR = pd.Timedelta(hours=1)
PERIOD_FREQ = {"day": "D", "week": "W-SUN", "month": "M"}


def funnel(events: pd.DataFrame, *, steps, window, period_end, order: str = "sequential",
           count: str = "users", by: str | None = None, period: str | None = None, start=None,
           dimensions: pd.DataFrame | None = None, user: str = "user_id",
           ts: str = "timestamp", event: str = "event",
           session: str = "session_id") -> pd.DataFrame:
    """The funnel table: see :func:`cpo_kit.metrics.funnel.funnel`."""
    window = pd.Timedelta(window)
    end = pd.Timestamp(period_end).normalize() + pd.Timedelta(days=1)
    keep = events[ts] < end
    if start is not None:
        keep &= events[ts] >= pd.Timestamp(start)
    events = events[keep]

    entries = _entries(events, steps[0], by if dimensions is None else None, count=count,
                       user=user, ts=ts, event=event,
                       session=session if session in events.columns else None)
    if dimensions is not None:
        values = dimensions[[user, by]].rename(columns={user: "user", by: "value"})
        entries = entries.merge(values, on="user", how="left")
    if period is None:
        entries = entries[entries["entry"] + window <= end]
    else:
        entries["period"] = (entries["entry"].dt.to_period(PERIOD_FREQ[period]).dt.start_time
                             .astype("datetime64[us]"))
    keys = [k for k, wanted in (("period", period), ("value", by)) if wanted is not None]

    in_window = events[events[event].isin(steps[1:])].rename(
        columns={user: "user", ts: "ts", event: "event"})[["user", "ts", "event"]]
    in_window = in_window.merge(entries[["user", "entry"]], on="user")
    in_window = in_window[(in_window["ts"] >= in_window["entry"])
                          & (in_window["ts"] < in_window["entry"] + window)]
    if order == "sequential":
        reached = _sequential(entries, in_window, steps)
    elif order == "strict":
        instants = events.groupby(user)[ts].agg(lambda times: sorted(set(times)))
        reached = _strict(entries, in_window, steps, instants)
    else:
        reached = _any_order(entries, in_window, steps)

    rows = []
    for k, name in enumerate(steps, start=1):
        hours = (reached[k] - entries["entry"]) / HOUR
        frame = entries[keys].assign(hours=hours)
        stats = frame.groupby(keys, dropna=False)["hours"].agg(["count", "median", "mean"]) \
            if keys else frame["hours"].agg(["count", "median", "mean"]).to_frame().T
        rows.append(stats.reset_index().assign(step=k, event=name) if keys
                    else stats.assign(step=k, event=name))
    long = pd.concat(rows, ignore_index=True)
    return _finish(long, entries, steps, keys, by=by, period=period, start=start,
                   period_end=period_end, end=end, window=window)


def _entries(events, first_step, by, *, count, user, ts, event, session) -> pd.DataFrame:
    firsts = events[events[event] == first_step]
    if count == "users":
        entry = firsts.groupby(user, as_index=False)[ts].min()
    else:
        in_session = (firsts[session].notna() if session is not None
                      else pd.Series(False, index=firsts.index))
        session_starts = firsts[in_session].groupby([user, session], as_index=False)[ts].min()
        entry = pd.concat([session_starts[[user, ts]], firsts.loc[~in_session, [user, ts]]])
        entry = entry.drop_duplicates().sort_values([user, ts], ignore_index=True)
    entry = entry.rename(columns={user: "user", ts: "entry"})
    if by is None:
        return entry
    at_entry = firsts.merge(entry, left_on=[user, ts], right_on=["user", "entry"])
    value = at_entry.groupby(["user", "entry"], as_index=False)[by].min()
    return entry.merge(value.rename(columns={by: "value"}), on=["user", "entry"], how="left")


def _sequential(entries, in_window, steps) -> dict[int, pd.Series]:
    """Step number to each entry's time of reaching it (NaT when not reached)."""
    reached = {1: entries["entry"]}
    current = entries[["user", "entry"]].assign(reached=entries["entry"])
    for k, name in enumerate(steps[1:], start=2):
        done = in_window.loc[in_window["event"] == name, ["user", "entry", "ts"]]
        current = current.dropna(subset=["reached"]).sort_values("reached")
        current = pd.merge_asof(current, done.sort_values("ts"), left_on="reached",
                                right_on="ts", by=["user", "entry"], direction="forward",
                                allow_exact_matches=True)
        current = current[["user", "entry", "ts"]].rename(columns={"ts": "reached"})
        reached[k] = entries[["user", "entry"]].merge(
            current, on=["user", "entry"], how="left")["reached"].set_axis(entries.index)
    return reached


def _strict(entries, in_window, steps, instants) -> dict[int, pd.Series]:
    """Step number to each entry's time of reaching it (NaT when not reached)."""
    reached = {1: entries["entry"]}
    times = {k: [] for k in range(2, len(steps) + 1)}
    for row in entries.itertuples():
        rank = {moment: i for i, moment in enumerate(instants[row.user])}
        mine = in_window[(in_window["user"] == row.user) & (in_window["entry"] == row.entry)]
        standing = {rank[row.entry]}  # the ranks at which the step before can stand
        for k, name in enumerate(steps[1:], start=2):
            hits = [t for t in mine.loc[mine["event"] == name, "ts"]
                    if rank[t] in standing or rank[t] - 1 in standing]
            standing = {rank[t] for t in hits}
            times[k].append(min(hits) if hits else pd.NaT)
    for k, found in times.items():
        reached[k] = pd.Series(found, index=entries.index, dtype="datetime64[us]")
    return reached


def _any_order(entries, in_window, steps) -> dict[int, pd.Series]:
    """Step number to each entry's time of reaching it (NaT when not reached)."""
    firsts = in_window.groupby(["user", "entry", "event"])["ts"].min().unstack()
    firsts = firsts.reindex(columns=steps[1:]).astype("datetime64[us]")
    index = pd.MultiIndex.from_frame(entries[["user", "entry"]])
    times = pd.concat([pd.Series(entries["entry"].to_numpy(), index=index, name="entry"),
                       firsts.reindex(index)], axis=1)
    reached = {}
    for k in range(1, len(steps) + 1):
        upto = times.iloc[:, :k]
        when = upto.max(axis=1).where(upto.notna().all(axis=1))
        reached[k] = pd.Series(when.to_numpy(), index=entries.index, dtype="datetime64[us]")
    return reached


def _finish(long, entries, steps, keys, *, by, period, start, period_end, end, window):
    """Fill in empty periods, then work out the ratios within each funnel."""
    if period is not None:
        freq = PERIOD_FREQ[period]
        first = pd.Timestamp(start) if start is not None else entries["entry"].min()
        periods = (pd.period_range(first.to_period(freq), pd.Timestamp(period_end).to_period(freq),
                                   freq=freq) if pd.notna(first) else pd.PeriodIndex([], freq=freq))
        grid = pd.DataFrame({"period": periods.start_time.astype("datetime64[us]")})
        if by is not None:
            grid = grid.merge(entries[["value"]].drop_duplicates(), how="cross")
        grid = grid.merge(pd.DataFrame({"step": range(1, len(steps) + 1), "event": steps}),
                          how="cross")
        long = grid.merge(long.drop(columns="event"), on=[*keys, "step"], how="left")
    long = long.sort_values([*keys, "step"], na_position="last", ignore_index=True)
    users = long["count"].fillna(0).astype("int64")
    if keys:
        funnels = users.groupby([long[k] for k in keys], dropna=False, sort=False)
        before, first = funnels.shift(1), funnels.transform("first")
    else:
        before, first = users.shift(1), pd.Series(users.iloc[0], index=users.index)
    before = before.fillna(users)
    out = long[keys].copy()
    out["step"] = long["step"].astype("int64")
    out["event"] = long["event"].astype("str")
    out["users"] = users
    out["step_conversion"] = users / before.where(before > 0)
    out["overall_conversion"] = users / first.where(first > 0)
    out["drop_off"] = (before - users).astype("int64")
    out["median_hours_to_convert"] = long["median"].astype("float64")
    out["mean_hours_to_convert"] = long["mean"].astype("float64")
    if period is not None:
        closes = (pd.PeriodIndex(long["period"], freq=PERIOD_FREQ[period]) + 1).start_time
        out["complete"] = (closes + window <= end).astype(bool)
    return out.rename(columns={"value": by})
