"""The engine's side of a funnel: its entries, and when each entry reached each step.

Everything here builds ibis expressions; :func:`cpo_kit.metrics.funnel.funnel`
checks the options, runs the counts and shapes the table. An entry is a user
(``count="users"``: their first step-1 event) or an attempt
(``count="attempts"``: every step-1 event, or the first of each session).
``ident`` names the columns that tell entries apart: ``["user"]`` for users,
``["user", "entry"]`` for attempts (a user has one attempt per instant at most).
"""
from __future__ import annotations

import ibis

ORDERS = ("sequential", "strict", "any")
COUNTS = ("users", "attempts")
_MICROSECONDS_PER_HOUR = 3_600_000_000


def identity(count: str) -> list[str]:
    """The columns that tell one entry from another when counting by ``count``."""
    return ["user"] if count == "users" else ["user", "entry"]


def entries(events, in_range, first_step, by, *, count, user, ts, event, session):
    """The funnel's entries: ``user``, ``entry`` (a time) and, with ``by``, ``value``."""
    if count == "users":
        return _first_entries(events, in_range, first_step, by, user=user, ts=ts, event=event)
    return _attempts(events, in_range, first_step, by, user=user, ts=ts, event=event,
                     session=session)


def _first_entries(events, in_range, first_step, by, *, user, ts, event):
    """Each user's first step-1 event."""
    # A conditional minimum over every event, not a filter on the step and then a minimum:
    # DuckDB 2 splits an aggregate by user into ranges of the file's row groups when the
    # events are stored by user, and with a filter on the event name every range read the
    # whole file again (at 100M events, 7 s instead of under 1 s). On events stored in time
    # order the filter would be quicker (0.8 s against 3.3 s), but never by that much.
    kept = events.filter(in_range)
    first = kept[ts].min(where=kept[event] == first_step)
    if by is None:
        found = kept.group_by(user=kept[user]).agg(entry=first)
        return found.filter(found.entry.notnull())
    # Reduce to (user, value) pairs first, then find the entry and its value in them: the
    # pairs are read twice (a shared CTE, through view()), the step-1 events only once.
    pairs = kept.group_by(user=kept[user], value=kept[by]).agg(entry=first)
    pairs = pairs.filter(pairs.entry.notnull())
    found = pairs.group_by("user").agg(entry=pairs.entry.min())
    at_entry = found.join(pairs.view(), ["user", "entry"])
    return at_entry.group_by("user", "entry").agg(value=at_entry.value.min())


def _attempts(events, in_range, first_step, by, *, user, ts, event, session):
    """Every step-1 event, or the first of each session where the event has one."""
    kept = events.filter(in_range)
    firsts = kept.filter(kept[event] == first_step)
    columns = {"user": firsts[user], "entry": firsts[ts]}
    if by is not None:
        columns["value"] = firsts[by]
    if session is not None:
        columns["session"] = firsts[session]
    firsts = firsts.select(**columns)
    if session is None:
        found = firsts.select("user", "entry").distinct()
    else:
        # A step-1 event without a session is an attempt of its own: grouping by its own
        # time keeps it apart, while the events of one session share a null there.
        alone = ibis.ifelse(firsts.session.isnull(), firsts.entry,
                            ibis.null().cast(firsts.entry.type()))
        starts = firsts.group_by("user", "session", alone=alone).agg(entry=firsts.entry.min())
        found = starts.select("user", "entry").distinct()
    if by is None:
        return found
    # Step-1 events of one instant are one attempt: its value is the smallest among them.
    at_entry = found.join(firsts.select("user", "entry", "value"), ["user", "entry"])
    return at_entry.group_by("user", "entry").agg(value=at_entry.value.min())


def later_steps(events, in_range, steps, *, user, ts, event):
    """The events of steps 2 to k: ``user``, ``ts`` and ``step`` (the step's number)."""
    # Numbering the steps with one CASE is much cheaper on the engine than an IN filter on
    # the event names followed by a comparison of names per step.
    number = events[event].cases(*((name, k) for k, name in enumerate(steps[1:], start=2)))
    later = events.filter(in_range).select(user=events[user], ts=events[ts], step=number)
    return later.filter(later.step.notnull())


def moments(events, in_range, *, user, ts):
    """Each instant at which a user did anything: ``user``, ``ts`` and its ``rank`` (from 1)."""
    kept = events.filter(in_range)
    instants = kept.select(user=kept[user], ts=kept[ts]).distinct()
    return instants.mutate(rank=ibis.row_number().over(group_by=instants.user,
                                                       order_by=instants.ts))


def reach(order, found, later, steps, ident, instants=None):
    """Each entry with ``reach_k`` for k from 2: when it reached step k (null if never).

    ``later`` holds the later steps' events within each entry's window, with the
    entry's ``entry`` column; ``instants`` (from :func:`moments`) only for ``"strict"``.
    """
    if order == "sequential":
        return _reach_in_order(found, later, steps, ident)
    if order == "strict":
        return _reach_consecutively(found, later, steps, ident, instants)
    return _reach_in_any_order(found, later, steps, ident)


def _reach_in_order(found, later, steps, ident):
    """Step k is reached at its first event at or after step k - 1 was reached."""
    # Made distinct (an aggregate) and joined through a fresh view() per step, the later
    # steps become one shared CTE that the engine computes once; joined directly, ibis
    # repeats their scan of the events and join to the entries for every step.
    later = later.group_by(*ident, "step", "ts").agg()
    per_entry, previous = found, found.select(*ident, reached=found.entry)
    for k in range(2, len(steps) + 1):
        # A filter on the step here would be pushed by DuckDB into the shared CTE as one OR
        # per step, evaluated on every event scanned; a conditional minimum is not.
        done = previous.join(later.view(), ident)
        previous = done.group_by(*ident).agg(
            reached=done.ts.min(where=(done.step == k) & (done.ts >= done.reached)))
        previous = previous.filter(previous.reached.notnull())
        per_entry = per_entry.left_join(previous, ident).select(
            *per_entry.columns, **{f"reach_{k}": previous.reached})
    return per_entry


def _reach_consecutively(found, later, steps, ident, instants):
    """Step k is reached at the instant of step k - 1 or at the user's very next instant.

    The user's instants are numbered in time order (``rank``); events of one instant
    have no known order among themselves, so none of them stands between two steps.
    Several chains may start from one entry when a step's event shares an instant with
    others, so every rank at which step k - 1 can stand is kept (``feasible``), not
    only the earliest: the earliest can be a dead end where a later one is not.
    """
    later = later.group_by(*ident, "step", "ts").agg()
    later = later.join(instants, ["user", "ts"])
    start = found.join(instants.select("user", "rank", entry=instants.ts), ["user", "entry"])
    feasible = start.select(*ident, "rank")
    per_entry = found
    for k in range(2, len(steps) + 1):
        at_k = later.view()
        at_k = at_k.filter(at_k.step == k)
        anchors = feasible.select(*ident, anchor=feasible.rank).union(
            feasible.select(*ident, anchor=feasible.rank + 1))
        hits = anchors.join(at_k, [*ident, anchors.anchor == at_k.rank])
        feasible = hits.select(*ident, "rank").distinct()
        times = hits.group_by(*ident).agg(reached=hits.ts.min())
        per_entry = per_entry.left_join(times, ident).select(
            *per_entry.columns, **{f"reach_{k}": times.reached})
    return per_entry


def _reach_in_any_order(found, later, steps, ident):
    """Step k is reached once every step up to k has been done in the window."""
    firsts = later.group_by(*ident).agg(**{
        f"first_{k}": later.ts.min(where=later.step == k) for k in range(2, len(steps) + 1)})
    per_entry = found.left_join(firsts, ident)
    reached = {}
    previous = per_entry.entry
    for k in range(2, len(steps) + 1):
        first = per_entry[f"first_{k}"]
        # greatest() skips nulls, so a step not done must stop the entry explicitly.
        previous = ibis.ifelse(previous.notnull() & first.notnull(),
                               ibis.greatest(previous, first), ibis.null("timestamp"))
        reached[f"reach_{k}"] = previous
    return per_entry.select(*found.columns, **reached)


def counts(per_entry, keys, n_steps):
    """Per group: entries, and the entries reaching each later step with their hours."""
    measures = {"users_1": per_entry.count()}
    for k in range(2, n_steps + 1):
        reached = per_entry[f"reach_{k}"]
        hours = reached.delta(per_entry.entry, unit="microsecond") / _MICROSECONDS_PER_HOUR
        measures |= {f"users_{k}": reached.count(), f"median_{k}": hours.median(),
                     f"mean_{k}": hours.mean()}
    return per_entry.group_by(keys).agg(**measures) if keys else per_entry.agg(**measures)
