"""Metrics: conversion funnels, the share of users who go on from a first step to later ones.

A user enters the funnel at their first step-1 event and reaches later steps
within a conversion window measured from that entry. The work runs where the
events live: they are reduced to one entry per user, then joined to the events
of the later steps within each entry's window, then to the moment each user
reached each step; only counts per group come back to pandas.
"""
from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd

from cpo_kit.metrics.periods import (check_period, end_exclusive, next_start, periods_between,
                                     truncate)
from cpo_kit.metrics.registry import metric

ORDERS = ("strict", "any")
#: The columns of a funnel table, after the optional ``period`` and breakdown columns.
COLUMNS = ("step", "event", "users", "step_conversion", "overall_conversion", "drop_off",
           "median_hours_to_convert", "mean_hours_to_convert")
_MICROSECONDS_PER_HOUR = 3_600_000_000


def funnel(events, *, steps, window, period_end, order="strict", by=None, period=None,
           start=None, dimensions=None, user="user_id", ts="timestamp", event="event"
           ) -> pd.DataFrame:
    """How many users go from the first step of a funnel to each of the next ones.

    A user enters at their first ``steps[0]`` event from ``start`` to
    ``period_end``; one entry per user, so a user who repeats step 1 is counted
    from the first time only. A later step counts when it happens within
    ``window`` of the entry (from the entry, up to but excluding entry +
    ``window``). The funnel is cumulative: a user reaches step k only if they
    reached step k - 1. Events after ``period_end`` (and before ``start``) are
    ignored.

    Parameters
    ----------
    events : ibis Table
        The events, with the columns named by ``user``, ``ts`` and ``event``.
    steps : list of str
        Two or more distinct event names, in funnel order.
    window : str or Timedelta
        The conversion window from entry, such as ``"7D"`` or ``"12h"``.
    period_end : date-like
        The last day counted.
    order : {"strict", "any"}
        ``"strict"``: step k counts at its first event at or after the moment
        step k - 1 was reached (an equal timestamp counts, since one action often
        logs several events in the same instant). ``"any"``: step k counts if its
        event happened at any time in the window, before or after the other
        steps; the user reaches it at the moment every step up to k has been done.
    by : str, optional
        Break the funnel down by this column: a column of ``events``, taken at
        the entry event (the smallest value if several step-1 events share the
        entry time), or, with ``dimensions``, a column of ``dimensions``.
    period : {"day", "week", "month"}, optional
        One funnel per period of entry, from the period of ``start`` (or of the
        first entry) to the period of ``period_end``, periods without entries
        included with zero users. Without it, one funnel for all entries.
    start : date-like, optional
        The first day counted; by default the beginning of the data.
    dimensions : ibis Table, optional
        One row per user, with the ``user`` column and the ``by`` column, such as
        users joined to accounts for ``segment``. Users without a row get a
        missing value.
    user, ts, event : str
        The names of the user, timestamp and event name columns of ``events``.

    Returns
    -------
    DataFrame
        One row per step (per period and breakdown value, if asked), sorted:
        ``period`` (datetime64, the first day of the entry period; with
        ``period`` only), the ``by`` column (with ``by`` only), ``step`` (1 to
        k), ``event``, ``users`` (who reached the step), ``step_conversion``
        (users / users at the step before; step 1 is users / users),
        ``overall_conversion`` (users / users at step 1), ``drop_off`` (users at
        the step before - users; 0 for step 1), ``median_hours_to_convert`` and
        ``mean_hours_to_convert`` (from entry to reaching the step among the
        users who reached it: 0.0 for step 1), and, with ``period``, ``complete``.
        Ratios and hours are NaN where there is nobody to divide by or measure.

        Entries whose window is still open at the end of ``period_end`` could
        still convert. Without ``period`` they are left out; with ``period`` they
        are kept and their period has ``complete`` False (True only when every
        entry the period can hold has had its whole window by ``period_end``).

    Raises
    ------
    ValueError
        For fewer than two or repeated steps, a window that is not a positive
        duration, an unknown ``order`` or ``period``, ``start`` after
        ``period_end``, or a ``by`` column that is not there.

    Examples
    --------
    >>> funnel(company.table("events"), steps=["signup", "create_report", "share_report"],
    ...        window="14D", period_end="2026-10-31", period="week")  # doctest: +SKIP
    """
    steps, span = _check_steps(steps), _check_window(window)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if period is not None:
        check_period(period)
    end = end_exclusive(period_end)
    if start is not None:
        start = pd.Timestamp(start)
        if start >= end:
            raise ValueError(f"start ({start.date()}) must be on or before period_end "
                             f"({pd.Timestamp(period_end).date()})")
    _check_by(events, by, dimensions, user)

    in_range = events[ts] < end
    if start is not None:
        in_range &= events[ts] >= start
    entries = _entries(events, in_range, steps[0], by if dimensions is None else None,
                       user=user, ts=ts, event=event)
    if dimensions is not None:
        values = dimensions.select(user=dimensions[user], value=dimensions[by])
        entries = entries.left_join(values, "user").select("user", "entry", "value")
    if period is None:
        # An entry whose window is still open could yet convert: counting it as lost would
        # understate the funnel, so the overall table keeps closed windows only.
        entries = entries.filter(entries.entry <= end - span)
    else:
        entries = entries.mutate(period=truncate(entries.entry, period))
    keys = [k for k, wanted in (("period", period), ("value", by)) if wanted is not None]

    later = _later_steps(events, in_range, steps, user=user, ts=ts, event=event)
    windows = entries.select("user", "entry", until=entries.entry + _interval(span))
    later = later.join(windows, "user")
    later = later.filter(later.ts >= later.entry, later.ts < later.until)
    reach = _reach_in_order if order == "strict" else _reach_in_any_order
    per_user = reach(entries, later, steps)

    counts = _count(per_user, keys, len(steps)).execute()
    return _table(counts, steps, keys, by=by, period=period, start=start,
                  period_end=period_end, span=span)


def _check_steps(steps) -> list[str]:
    if isinstance(steps, str) or len(steps) < 2:
        raise ValueError(f"steps must be a list of two or more event names, not {steps!r}")
    steps = list(steps)
    repeated = sorted({s for s in steps if steps.count(s) > 1})
    if repeated:
        raise ValueError(f"steps must be distinct event names; repeated: {', '.join(repeated)}")
    return steps


def _check_window(window) -> pd.Timedelta:
    span = None
    # A bare number would be read as nanoseconds, which nobody means.
    if isinstance(window, (str, dt.timedelta)):
        try:
            span = pd.Timedelta(window)
        except ValueError:
            pass
    if span is None or pd.isna(span) or span <= pd.Timedelta(0):
        raise ValueError(f"window must be a positive duration such as '7D' or '12h', "
                         f"not {window!r}")
    return span


def _check_by(events, by, dimensions, user) -> None:
    if by is None:
        if dimensions is not None:
            raise ValueError("dimensions is used only with by: name the column to break down by")
        return
    taken = ("period", "complete", *COLUMNS)
    if by in taken:
        raise ValueError(f"by cannot be {by!r}, a column of the funnel table itself")
    if dimensions is None:
        if by not in events.columns:
            raise ValueError(f"by must be a column of events ({', '.join(events.columns)}), "
                             f"not {by!r}; pass dimensions for a column of another table")
        return
    for column in (user, by):
        if column not in dimensions.columns:
            raise ValueError(f"dimensions has no column {column!r}")
    size = dimensions.agg(rows=ibis._.count(), users=dimensions[user].nunique()).execute()
    if size["rows"].iloc[0] != size["users"].iloc[0]:
        raise ValueError(f"dimensions must have one row per user; some {user} appear twice")


def _interval(span: pd.Timedelta):
    return ibis.interval(microseconds=int(span / pd.Timedelta(microseconds=1)))


def _entries(events, in_range, first_step, by, *, user, ts, event):
    """Each user's first step-1 event: ``user``, ``entry`` and, with ``by``, ``value``."""
    # A conditional minimum over every event, not a filter on the step and then a minimum:
    # DuckDB 2 splits an aggregate by user into ranges of the file's row groups when the
    # events are stored by user, and with a filter on the event name every range read the
    # whole file again (at 100M events, 7 s instead of under 1 s). On events stored in time
    # order the filter would be quicker (0.8 s against 3.3 s), but never by that much.
    kept = events.filter(in_range)
    first = kept[ts].min(where=kept[event] == first_step)
    if by is None:
        entries = kept.group_by(user=kept[user]).agg(entry=first)
        return entries.filter(entries.entry.notnull())
    # Reduce to (user, value) pairs first, then find the entry and its value in them: the
    # pairs are read twice (a shared CTE, through view()), the step-1 events only once.
    pairs = kept.group_by(user=kept[user], value=kept[by]).agg(entry=first)
    pairs = pairs.filter(pairs.entry.notnull())
    entries = pairs.group_by("user").agg(entry=pairs.entry.min())
    at_entry = entries.join(pairs.view(), ["user", "entry"])
    return at_entry.group_by("user", "entry").agg(value=at_entry.value.min())


def _later_steps(events, in_range, steps, *, user, ts, event):
    """The events of steps 2 to k: ``user``, ``ts`` and ``step`` (the step's number)."""
    # Numbering the steps with one CASE is much cheaper on the engine than an IN filter on
    # the event names followed by a comparison of names per step.
    number = events[event].cases(*((name, k) for k, name in enumerate(steps[1:], start=2)))
    later = events.filter(in_range).select(user=events[user], ts=events[ts], step=number)
    return later.filter(later.step.notnull())


def _reach_in_order(entries, later, steps):
    """Each entry with ``reach_k``: when step k was first done at or after step k - 1."""
    # Made distinct (an aggregate) and joined through a fresh view() per step, the later
    # steps become one shared CTE that the engine computes once; joined directly, ibis
    # repeats their scan of the events and join to the entries for every step.
    later = later.group_by("user", "step", "ts").agg()
    per_user, previous = entries, entries.select("user", reached=entries.entry)
    for k in range(2, len(steps) + 1):
        # A filter on the step here would be pushed by DuckDB into the shared CTE as one OR
        # per step, evaluated on every event scanned; a conditional minimum is not.
        done = previous.join(later.view(), "user")
        previous = done.group_by("user").agg(
            reached=done.ts.min(where=(done.step == k) & (done.ts >= done.reached)))
        previous = previous.filter(previous.reached.notnull())
        per_user = per_user.left_join(previous, "user").select(
            *per_user.columns, **{f"reach_{k}": previous.reached})
    return per_user


def _reach_in_any_order(entries, later, steps):
    """Each entry with ``reach_k``: when every step up to k had been done in the window."""
    firsts = later.group_by("user").agg(**{
        f"first_{k}": later.ts.min(where=later.step == k) for k in range(2, len(steps) + 1)})
    per_user = entries.left_join(firsts, "user")
    reached = {}
    previous = per_user.entry
    for k in range(2, len(steps) + 1):
        first = per_user[f"first_{k}"]
        # greatest() skips nulls, so a step not done must stop the user explicitly.
        previous = ibis.ifelse(previous.notnull() & first.notnull(),
                               ibis.greatest(previous, first), ibis.null("timestamp"))
        reached[f"reach_{k}"] = previous
    return per_user.select(*entries.columns, **reached)


def _count(per_user, keys, n_steps):
    """Per group: entries, and the users reaching each later step with their hours."""
    measures = {"users_1": per_user.count()}
    for k in range(2, n_steps + 1):
        reached = per_user[f"reach_{k}"]
        hours = reached.delta(per_user.entry, unit="microsecond") / _MICROSECONDS_PER_HOUR
        measures |= {f"users_{k}": reached.count(), f"median_{k}": hours.median(),
                     f"mean_{k}": hours.mean()}
    return per_user.group_by(keys).agg(**measures) if keys else per_user.agg(**measures)


def _table(counts, steps, keys, *, by, period, start, period_end, span) -> pd.DataFrame:
    """The long funnel table from the engine's wide counts, with empty periods filled in."""
    counts = counts.copy()
    if period is not None:
        counts["period"] = counts["period"].astype("datetime64[us]")
        first = start if start is not None else counts["period"].min()
        periods = (periods_between(first, period_end, period, complete_only=False)
                   if pd.notna(first) else pd.DatetimeIndex([], dtype="datetime64[us]"))
        grid = pd.DataFrame({"period": periods})
        if by is not None:
            grid = grid.merge(counts[["value"]].drop_duplicates(), how="cross")
        counts = grid.merge(counts, how="left", on=keys)
    users = [counts[f"users_{k}"].fillna(0).astype("int64") for k in range(1, len(steps) + 1)]
    parts = []
    for k, step in enumerate(steps, start=1):
        part = counts[keys].copy()
        before = users[k - 2] if k > 1 else users[0]
        part["step"] = k
        part["event"] = step
        part["users"] = users[k - 1]
        part["step_conversion"] = users[k - 1] / before.where(before > 0)
        part["overall_conversion"] = users[k - 1] / users[0].where(users[0] > 0)
        part["drop_off"] = before - users[k - 1]
        if k == 1:
            part["median_hours_to_convert"] = part["mean_hours_to_convert"] = (
                pd.Series(0.0, index=part.index).where(users[0] > 0))
        else:
            part["median_hours_to_convert"] = counts[f"median_{k}"]
            part["mean_hours_to_convert"] = counts[f"mean_{k}"]
        parts.append(part)
    table = pd.concat(parts, ignore_index=True).sort_values(
        [*keys, "step"], na_position="last", ignore_index=True)
    table = table.astype({"step": "int64", "event": "str", "users": "int64",
                          "drop_off": "int64", "step_conversion": "float64",
                          "overall_conversion": "float64", "median_hours_to_convert": "float64",
                          "mean_hours_to_convert": "float64"})
    if period is not None:
        closes = table["period"].map(lambda p: next_start(p, period)) + span
        table["complete"] = (closes <= end_exclusive(period_end)).astype("bool")
    return table.rename(columns={"value": by})


@metric("funnel", family="funnel", title="Conversion funnel",
        definition="Of the users entering at their first step-1 event (one entry per user), "
                   "the share reaching each later step before the conversion window from "
                   "entry closes, either in order (a step counts at or after the moment the "
                   "step before was reached) or in any order (a user reaches step k once every "
                   "step up to k was done in the window); entries whose window is still open "
                   "at period_end are left out, or flagged in funnels per period.",
        formula="conversion(k) = users reaching step k / users reaching step k − 1; "
                "overall(k) = users reaching step k / users entering at step 1",
        needs={"events": ("user_id", "timestamp", "event")}, unit="share")
def funnel_metric(company, *, steps, window, period_end, order="strict", by=None, period=None,
                  start=None) -> pd.DataFrame:
    """The funnel of a company's events; see :func:`funnel`.

    Parameters
    ----------
    company : Company
        The company; ``by`` may name a column of its events, users or accounts.
    steps, window, period_end, order, by, period, start
        As for :func:`funnel`.

    Returns
    -------
    DataFrame
        As for :func:`funnel`.
    """
    events = company.table("events")
    dimensions = None
    if by is not None and by not in events.columns:
        dimensions = _dimensions(company, by)
    return funnel(events, steps=steps, window=window, period_end=period_end, order=order, by=by,
                  period=period, start=start, dimensions=dimensions)


def _dimensions(company, by: str):
    """``user_id`` and ``by`` from the users table, or from accounts through users."""
    if company.has("users"):
        users = company.table("users")
        if by in users.columns:
            return users.select("user_id", by)
        if company.has("accounts"):
            accounts = company.table("accounts")
            if by in accounts.columns:
                joined = users.left_join(accounts, "account_id")
                return joined.select(user_id=joined.user_id, **{by: accounts[by]})
    raise ValueError(f"by must be a column of events, or of users or accounts when they are "
                     f"provided, not {by!r}")
