"""Metrics: conversion funnels, the share of users (or attempts) that go on from a first step.

An entry into the funnel is a user at their first step-1 event, or, counting
attempts, each step-1 event (the first of each session where events carry one);
later steps count within a conversion window measured from the entry. The work
runs where the events live (see :mod:`cpo_kit.metrics.funnel_reach`); only
counts per group come back to pandas. :func:`unknown_steps` checks step names
against the events before anything runs.
"""
from __future__ import annotations

import datetime as dt
import difflib

import ibis
import pandas as pd

from cpo_kit.metrics import funnel_reach
from cpo_kit.metrics.funnel_reach import COUNTS, ORDERS
from cpo_kit.metrics.periods import (check_period, end_exclusive, next_start, periods_between,
                                     truncate)
from cpo_kit.metrics.registry import metric

#: The columns of a funnel table, after the optional ``period`` and breakdown columns.
COLUMNS = ("step", "event", "users", "step_conversion", "overall_conversion", "drop_off",
           "median_hours_to_convert", "mean_hours_to_convert")


def funnel(events, *, steps, window, period_end, order="sequential", count="users", by=None,
           period=None, start=None, dimensions=None, user="user_id", ts="timestamp",
           event="event", session="session_id") -> pd.DataFrame:
    """How many users (or attempts) go from the first step of a funnel to each of the next.

    With ``count="users"`` a user enters at their first ``steps[0]`` event from
    ``start`` to ``period_end``; one entry per user, so a user who repeats step 1
    is counted from the first time only. With ``count="attempts"`` every step-1
    event is an entry of its own, so a returning user who tries again is counted
    again. A later step counts when it happens within ``window`` of the entry
    (from the entry, up to but excluding entry + ``window``). The funnel is
    cumulative: an entry reaches step k only if it reached step k - 1. Events
    after ``period_end`` (and before ``start``) are ignored.

    Parameters
    ----------
    events : ibis Table
        The events, with the columns named by ``user``, ``ts`` and ``event``
        (and ``session``, if the events have it).
    steps : list of str
        Two or more distinct event names, in funnel order.
    window : str or Timedelta
        The conversion window from entry, such as ``"7D"`` or ``"12h"``.
    period_end : date-like
        The last day counted.
    order : {"sequential", "strict", "any"}
        ``"sequential"``: step k counts at its first event at or after the moment
        step k - 1 was reached; other events may come between (an equal timestamp
        counts, since one action often logs several events in the same instant).
        ``"strict"``: the steps are consecutive events of the user, no other event
        of theirs between step k - 1 and step k. Events are ordered by time;
        events of the same instant have no order among themselves, so none of
        them stands between two steps: step k comes at the instant of step k - 1
        or at the user's next instant (their next event time, whatever the
        event), and the user reaches it at the earliest such instant any chain
        from the entry allows. Every event of the user counts as between,
        a repeat of a step too, so a repeated click breaks the chain; counting
        attempts without sessions, the repeated step-1 event is an attempt of
        its own, but by session only the session's first one is. ``"any"``:
        step k counts if its event
        happened at any time in the window, before or after the other steps;
        the entry reaches it at the moment every step up to k has been done.
    count : {"users", "attempts"}
        What one entry is. ``"users"``: a user, at their first step-1 event.
        ``"attempts"``: each step-1 event, with its own window; where an event's
        ``session`` is not null, only the first step-1 event of each session of
        the user (repeated clicks in one visit are one attempt). Step-1 events
        of a user in one instant are one attempt. Later steps of an attempt are
        looked for among all the user's events in its window, in any session: a
        step done in the next visit, inside the window, still counts. Windows of
        one user's attempts may overlap, and one later event then counts for each
        of them.
    by : str, optional
        Break the funnel down by this column: a column of ``events``, taken at
        the entry event (the smallest value if several step-1 events share the
        entry time), or, with ``dimensions``, a column of ``dimensions``.
    period : {"day", "week", "month"}, optional
        One funnel per period of entry (for attempts, the period of the
        attempt's entry), from the period of ``start`` (or of the first entry) to
        the period of ``period_end``, periods without entries included with zero
        users. Without it, one funnel for all entries.
    start : date-like, optional
        The first day counted; by default the beginning of the data.
    dimensions : ibis Table, optional
        One row per user, with the ``user`` column and the ``by`` column, such as
        users joined to accounts for ``segment``. Users without a row get a
        missing value.
    user, ts, event : str
        The names of the user, timestamp and event name columns of ``events``.
    session : str
        The name of the session column, read with ``count="attempts"`` only; if
        ``events`` has no such column, every step-1 event is an attempt.

    Returns
    -------
    DataFrame
        One row per step (per period and breakdown value, if asked), sorted:
        ``period`` (datetime64, the first day of the entry period; with
        ``period`` only), the ``by`` column (with ``by`` only), ``step`` (1 to
        k), ``event``, ``users`` (the entries that reached the step: users, or
        with ``count="attempts"`` attempts), ``step_conversion`` (users / users
        at the step before; step 1 is users / users), ``overall_conversion``
        (users / users at step 1), ``drop_off`` (users at the step before -
        users; 0 for step 1), ``median_hours_to_convert`` and
        ``mean_hours_to_convert`` (from entry to reaching the step among the
        entries that reached it: 0.0 for step 1), and, with ``period``,
        ``complete``. Ratios and hours are NaN where there is nobody to divide
        by or measure. The columns are the same whatever ``count``: with
        ``"attempts"``, ``users`` and ``drop_off`` count attempts.

        Entries whose window is still open at the end of ``period_end`` could
        still convert. Without ``period`` they are left out; with ``period`` they
        are kept and their period has ``complete`` False (True only when every
        entry the period can hold has had its whole window by ``period_end``).

    Raises
    ------
    ValueError
        For fewer than two or repeated steps, a window that is not a positive
        duration, an unknown ``order``, ``count`` or ``period``, ``start`` after
        ``period_end``, or a ``by`` column that is not there.

    See Also
    --------
    unknown_steps : the steps that no event is named after, to refuse before running.

    Examples
    --------
    A weekly trend of attempts, where an incident that hits returning users shows:

    >>> funnel(company.table("events"), steps=["signup", "create_report", "share_report"],
    ...        window="14D", period_end="2026-10-31", period="week",
    ...        count="attempts")  # doctest: +SKIP
    """
    steps, span = _check_steps(steps), _check_window(window)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if count not in COUNTS:
        raise ValueError(f"count must be one of {', '.join(COUNTS)}, not {count!r}")
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
    # The session column is optional in the data contract: without it, no grouping.
    session = session if count == "attempts" and session in events.columns else None
    entries = funnel_reach.entries(events, in_range, steps[0],
                                   by if dimensions is None else None, count=count,
                                   user=user, ts=ts, event=event, session=session)
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

    later = funnel_reach.later_steps(events, in_range, steps, user=user, ts=ts, event=event)
    windows = entries.select("user", "entry", until=entries.entry + _interval(span))
    later = later.join(windows, "user")
    later = later.filter(later.ts >= later.entry, later.ts < later.until)
    instants = (funnel_reach.moments(events, in_range, user=user, ts=ts)
                if order == "strict" else None)
    per_entry = funnel_reach.reach(order, entries, later, steps, funnel_reach.identity(count),
                                   instants)

    counts = funnel_reach.counts(per_entry, keys, len(steps)).execute()
    return _table(counts, steps, keys, by=by, period=period, start=start,
                  period_end=period_end, span=span)


def unknown_steps(events, steps, *, event="event") -> dict[str, list[str]]:
    """The steps that no event is named after, each with the closest names present.

    Parameters
    ----------
    events : ibis Table
        The events, with the column named by ``event``.
    steps : list of str
        The funnel's step names.
    event : str
        The name of the event name column of ``events``.

    Returns
    -------
    dict of str to list of str
        Each step that no event has, in the order of ``steps``, mapped to up to
        three names present in the events that read most like it (closest
        first, by :func:`difflib.get_close_matches`; empty when none is close).
        Empty when every step is present.

    Examples
    --------
    >>> unknown_steps(company.table("events"), ["sign_up", "login"])  # doctest: +SKIP
    {'sign_up': ['signup', 'signin']}
    """
    # One query for the distinct names: they are few even when the events are many.
    names = events.select(name=events[event]).distinct().execute()["name"]
    present = sorted(str(name) for name in names.dropna())
    known = set(present)
    return {step: difflib.get_close_matches(step, present, n=3)
            for step in steps if step not in known}


def unknown_steps_message(unknown: dict[str, list[str]], *, where: str) -> str:
    """The one-line refusal for steps that no event is named after.

    Parameters
    ----------
    unknown : dict of str to list of str
        What :func:`unknown_steps` returned; not empty.
    where : str
        Where the steps were given, such as ``"funnel_steps"`` or
        ``"params.yaml: funnel_steps"``; the line starts with it.

    Returns
    -------
    str
        Such as ``funnel_steps: no event is named 'sign_up' in the events
        (closest: 'signup', 'signin')``; each further step is added as
        ``, nor 'x' (closest: ...)``.

    Raises
    ------
    ValueError
        If ``unknown`` is empty: there is nothing to refuse.
    """
    if not unknown:
        raise ValueError("unknown_steps_message needs at least one unknown step")
    (step, closest), *others = unknown.items()
    line = f"{where}: no event is named {step!r} in the events ({_closest(closest)})"
    return line + "".join(f", nor {name!r} ({_closest(near)})" for name, near in others)


def _closest(names: list[str]) -> str:
    if not names:
        return "no name in the events is close"
    return "closest: " + ", ".join(repr(name) for name in names)


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
        definition="Of the entries into a funnel, the share reaching each later step before "
                   "the conversion window from entry closes. An entry is a user at their first "
                   "step-1 event (count=users, one per user) or an attempt (count=attempts: "
                   "each step-1 event, or the first of each session where events carry one, "
                   "so a returning user's new try counts again). The order of the steps is "
                   "sequential (step k counts at its first event at or after the moment step "
                   "k − 1 was reached, other events allowed between), strict (step k is the "
                   "user's next event after step k − 1, or in the same instant: no other "
                   "event between) or any (step k is reached once every step up to k was "
                   "done in the window, in any order). Entries whose window is still open "
                   "at period_end are left out, or flagged in funnels per period.",
        formula="conversion(k) = entries reaching step k / entries reaching step k − 1; "
                "overall(k) = entries reaching step k / entries at step 1",
        needs={"events": ("user_id", "timestamp", "event")}, unit="share")
def funnel_metric(company, *, steps, window, period_end, order="sequential", count="users",
                  by=None, period=None, start=None) -> pd.DataFrame:
    """The funnel of a company's events; see :func:`funnel`.

    Parameters
    ----------
    company : Company
        The company; ``by`` may name a column of its events, users or accounts.
    steps, window, period_end, order, count, by, period, start
        As for :func:`funnel`.

    Returns
    -------
    DataFrame
        As for :func:`funnel`: with ``count="attempts"``, ``users`` counts attempts.
    """
    events = company.table("events")
    dimensions = None
    if by is not None and by not in events.columns:
        dimensions = _dimensions(company, by)
    return funnel(events, steps=steps, window=window, period_end=period_end, order=order,
                  count=count, by=by, period=period, start=start, dimensions=dimensions)


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
