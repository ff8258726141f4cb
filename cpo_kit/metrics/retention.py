"""Retention: of the users who started in a period, how many came back N periods later.

A *cohort* is the users whose first qualifying event (or signup) falls in the same
period; *period N* is the N-th whole period after the cohort's own (N = 0). Two forms:

- **bounded** (classic): the share of the cohort active *in* period N;
- **unbounded** (rolling): the share active in period N *or any later period* up to
  ``period_end``; it never rises with N.

Periods are calendar periods (days, ISO weeks, calendar months), not windows of 7 or
30 days after each user's first event, so every member of a cohort shares the same
calendar. A cell (cohort, N) is shown only once period N is complete.

The events are read once. The unbounded form needs, per user, only the cohort and
the last active period: one grouping by user, whose conditions (period end, cohort
and returning events) are aggregate filters because a WHERE clause before it makes
DuckDB's grouping of Parquet strings many times slower (17 s against 1 s on 100M
events). The bounded form reduces the events to distinct (user, period) pairs and
joins them to each user's cohort. Periods are numbered after the reduction, on far
fewer rows than the events. Only counts per (cohort, period number) come back.
"""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from cpo_kit.metrics.periods import (check_period, end_exclusive, last_complete, truncate,
                                     week_start)
from cpo_kit.metrics.registry import metric

FORMS = ("bounded", "unbounded")
COLUMNS = ["cohort", "cohort_size", "period_number", "users", "retention"]
#: A Monday: periods are numbered from it, so whole ISO weeks since it are exact.
_EPOCH = pd.Timestamp("1969-12-29")


def retention(events, *, period: str = "week", period_end, users=None,
              cohort_event: str | None = None, return_event: str | None = None,
              form: str = "bounded", user: str = "user_id", ts: str = "timestamp",
              distinct_rows: bool = False) -> pd.DataFrame:
    """Cohort retention, one row per complete cell (cohort, period number).

    Parameters
    ----------
    events : ibis.Table
        The events, with the columns named by ``user`` and ``ts`` and an ``event``
        column (read only when ``cohort_event`` or ``return_event`` is given).
    period : {"day", "week", "month"}
        The length of cohorts and of period numbers; weeks are ISO weeks (Monday
        to Sunday).
    period_end : date-like
        The last day counted; later events are ignored.
    users : ibis.Table, optional
        When given, cohorts are signup cohorts: the period of each user's
        ``signup_at`` (the table's user column is named by ``user`` as well).
        Users who signed up but never had an event count in the cohort size; events
        of users missing from this table are ignored. When omitted, a user's cohort
        is the period of their first event (or first ``cohort_event``).
    cohort_event : str, optional
        The event that puts a user in a cohort (such as ``signup_completed``):
        the cohort is the period of the user's first such event, and users who never
        had it are in no cohort. Default: any event. Not allowed with ``users``.
    return_event : str, optional
        The event that counts as coming back (such as ``create_report``).
        Default: any event.
    form : {"bounded", "unbounded"}
        ``"bounded"``: active in period N; ``"unbounded"``: active in period N or
        in any later period up to ``period_end``, including the part of the
        current, incomplete period that lies on or before it.
    user, ts : str
        The names of the user and timestamp columns.
    distinct_rows : bool
        True when ``events`` already holds one row per user and ``period`` (such as
        the events suite's tables), which spares the engine making them distinct.

    Returns
    -------
    DataFrame
        Columns ``cohort`` (first day of the cohort's period), ``cohort_size``,
        ``period_number`` (N, from 0), ``users`` (retained in N) and ``retention``
        (``users / cohort_size``), sorted by cohort then period number. Only cells
        whose period N is complete (its last day on or before ``period_end``) are
        listed, so cohorts whose own period is incomplete are left out; a cell with
        nobody retained has ``users`` 0.

        With event cohorts, everybody is active in period 0 by definition (100%),
        even when ``return_event`` differs from the cohort's event. With signup
        cohorts, period 0 counts the users who had a returning event in their
        signup period (even earlier in that period than the signup itself), and
        events in periods before the signup period are ignored.

    Raises
    ------
    ValueError
        For an unknown ``period`` or ``form``, or ``cohort_event`` given with ``users``.
    """
    check_period(period)
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
    if users is not None and cohort_event is not None:
        raise ValueError("cohort_event cannot be used with users: signup cohorts are "
                         "defined by signup_at; leave out users to start cohorts at an event")
    last_start = last_complete(period_end, period)
    last = _number(last_start, period)
    columns = {"u": events[user], "day": truncate(events[ts], period),
               "ok": events[ts] < end_exclusive(period_end)}
    if cohort_event is not None or return_event is not None:
        columns["event"] = events.event
    rows = events.select(**columns)
    signed = sizes = None
    if users is not None:
        signed = users.filter(users.signup_at < end_exclusive(period_end))
        signed = signed.select(u=signed[user],
                               c=_numbered(truncate(signed.signup_at, period), period))
        sizes = signed.group_by("c").agg(size=ibis._.count()).execute()

    if form == "unbounded":
        cells = _last_active(rows, signed, period=period, cohort_event=cohort_event,
                             return_event=return_event)
    else:
        cells = _active_in(rows, signed, period=period, cohort_event=cohort_event,
                           return_event=return_event, last_start=last_start,
                           distinct_rows=distinct_rows)
    if sizes is None:
        # Everybody is active in their cohort period, so the users counted at N = 0
        # (bounded), or at any N (unbounded: N is each user's last), make the cohort.
        at = cells if form == "unbounded" else cells[cells["n"] == 0]
        sizes = at.groupby("c", as_index=False)["users"].sum().rename(columns={"users": "size"})
    return _complete_cells(cells, sizes, last=last, period=period, form=form)


def _last_active(rows, signed, *, period, cohort_event, return_event) -> pd.DataFrame:
    """Users per cohort ``c`` and last active period number ``n``.

    One grouping by user alone. With event cohorts, users who never came back, or
    only before their cohort's period, are at ``n`` = 0; with signup cohorts, they
    are left out.
    """
    starts, returns = _counted(rows, cohort_event), _counted(rows, return_event)
    if signed is None:
        per_user = rows.group_by("u").agg(first=rows.day.min(where=starts),
                                          last=rows.day.max(where=returns))
        per_user = per_user.filter(per_user["first"].notnull())
        per_user = per_user.mutate(c=_numbered(per_user["first"], period))
        n = ibis.greatest((_numbered(per_user["last"], period) - per_user.c).coalesce(0), 0)
    else:
        per_user = rows.group_by("u").agg(last=rows.day.max(where=returns))
        per_user = per_user.join(signed, "u")
        n = _numbered(per_user["last"], period) - per_user.c
        per_user = per_user.filter(n >= 0)
    return per_user.group_by(c=per_user.c, n=n).agg(users=ibis._.count()).execute()


def _active_in(rows, signed, *, period, cohort_event, return_event, last_start,
               distinct_rows=False) -> pd.DataFrame:
    """Users per cohort ``c`` active in period number ``n``, up to the period that
    starts on ``last_start``.

    The events become distinct (user, period) pairs, flagged by whether they hold
    the cohort's event or a returning one. With event cohorts, every member is
    counted at ``n`` = 0, whatever the returning event.
    """
    flags = {name: (rows.event == event).any()
             for name, event in (("starts", cohort_event), ("returns", return_event))
             if event is not None}
    if flags:
        pairs = rows.group_by("u", "day").agg(**flags)
    else:
        pairs = rows.select("u", "day")
        if not distinct_rows:
            pairs = pairs.distinct()
    # Nothing after the last complete period is shown, nor changes a cohort shown.
    pairs = pairs.filter(pairs.day <= last_start.date())
    pairs = pairs.mutate(p=_numbered(pairs.day, period))
    if signed is None:
        starts = pairs.starts if cohort_event is not None else None
        joined = pairs.join(pairs.group_by("u").agg(c=pairs.p.min(where=starts)), "u")
    else:
        joined = pairs.join(signed, "u")
    n = joined.p - joined.c
    back = joined.returns if return_event is not None else ibis.literal(True)
    if signed is None:
        keep = (n == 0) | ((n > 0) & back)
    else:
        keep = (n >= 0) & back
    return joined.filter(keep).group_by(c=joined.c, n=n).agg(users=ibis._.count()).execute()


def _counted(rows, event):
    """Which rows count: all up to the period end, or only those of ``event``."""
    return rows.ok if event is None else rows.ok & (rows.event == event)


def _complete_cells(cells, sizes, *, last, period, form) -> pd.DataFrame:
    """Every complete cell of every complete cohort, with its count (0 when none)."""
    sizes = sizes[sizes["c"] <= last].astype("int64")
    # One row per cell: cohort c has the complete periods N = 0 .. last - c.
    grid = sizes.loc[sizes.index.repeat(last - sizes["c"] + 1)].reset_index(drop=True)
    grid["n"] = grid.groupby("c").cumcount()
    counts = cells.astype("int64")
    if form == "unbounded":
        # A last active period beyond the complete ones still counts in every cell.
        counts["n"] = np.minimum(counts["n"], last - counts["c"])
        counts = counts.groupby(["c", "n"], as_index=False)["users"].sum()
    out = grid.merge(counts, on=["c", "n"], how="left")
    out["users"] = out["users"].fillna(0).astype("int64")
    if form == "unbounded":
        out["users"] = out[::-1].groupby("c")["users"].cumsum()[::-1]
    out = out.sort_values(["c", "n"], ignore_index=True)
    return pd.DataFrame({
        "cohort": _period_start(out["c"], period),
        "cohort_size": out["size"].astype("int64"),
        "period_number": out["n"].astype("int64"),
        "users": out["users"],
        "retention": (out["users"] / out["size"]).astype("float64"),
    }, columns=COLUMNS)


def _numbered(day, period: str):
    """Whole periods from the epoch to the period starting on ``day`` (ibis)."""
    if period == "month":
        return day.year() * 12 + day.month() - 1
    days = day.delta(ibis.date(_EPOCH.date()), unit="day")
    return days if period == "day" else (days - week_start()) // 7


def _number(start: pd.Timestamp, period: str) -> int:
    """:func:`_numbered` for one period start, in pandas."""
    if period == "month":
        return start.year * 12 + start.month - 1
    days = (start - _EPOCH).days
    return days if period == "day" else (days - week_start()) // 7


def _period_start(numbers: pd.Series, period: str) -> pd.Series:
    """The first day of each numbered period, as datetime64[us]."""
    numbers = numbers.to_numpy(dtype="int64")
    if period == "month":
        starts = pd.to_datetime(pd.DataFrame(
            {"year": numbers // 12, "month": numbers % 12 + 1, "day": 1}))
    else:
        first = _EPOCH + pd.Timedelta(days=week_start() if period == "week" else 0)
        starts = first + pd.to_timedelta(numbers * (1 if period == "day" else 7), unit="D")
    return pd.Series(starts, dtype="datetime64[us]")


def retention_table(long: pd.DataFrame, *, values: str = "retention",
                    sizes: bool = False) -> pd.DataFrame:
    """The long retention frame as a cohort x period-number grid, for heatmaps.

    Parameters
    ----------
    long : DataFrame
        What :func:`retention` returns.
    values : str
        The column shown in the cells: ``"retention"`` or ``"users"``.
    sizes : bool
        Carry each cohort's size in the index, beside its first day, so that
        :func:`cpo_kit.plots.retention_heatmap` can show it and grey small cohorts;
        the sizes stay with their rows when rows or columns are cut.

    Returns
    -------
    DataFrame
        One row per cohort (index ``cohort``, or ``cohort`` and ``cohort_size`` with
        ``sizes``), one column per period number (columns ``period_number``); cells
        not yet complete are NaN.

    Raises
    ------
    ValueError
        For ``values`` other than ``"retention"`` or ``"users"``.

    Examples
    --------
    >>> long = retention(events, period="month", period_end="2026-10-31")
    >>> table = retention_table(long)
    >>> table.loc["2026-06-01", 3]  # share of the June cohort active in September
    >>> retention_table(long, sizes=True).index.names
    FrozenList(['cohort', 'cohort_size'])
    """
    if values not in ("retention", "users"):
        raise ValueError(f"values must be retention or users, not {values!r}")
    index = ["cohort", "cohort_size"] if sizes else "cohort"
    return long.pivot(index=index, columns="period_number", values=values)


_NEEDS = {"events": ("user_id", "timestamp", "event")}


@metric("retention", family="retention", title="Cohort retention",
        definition="Share of a cohort (users whose first event, or signup, falls in the same "
                   "calendar day, ISO week or month) active in the N-th calendar period after "
                   "their cohort's, counted only once that period is complete; this is the "
                   "bounded (classic) form, and period 0 is 100% for event cohorts.",
        formula="retention(c, N) = |{u in c : u active in period c + N}| / |c|",
        needs=_NEEDS, unit="share")
def cohort_retention(company, *, period_end, period: str = "week",
                     cohort_event: str | None = None, return_event: str | None = None,
                     form: str = "bounded", signup_cohorts: bool = False) -> pd.DataFrame:
    """Cohort retention of a company's events.

    Parameters
    ----------
    company : Company
        The company; its ``users`` table is read when ``signup_cohorts`` is true.
    period_end : date-like
        The last day counted.
    period, cohort_event, return_event, form
        As in :func:`retention`.
    signup_cohorts : bool
        Start cohorts at the users' ``signup_at`` instead of their first event.

    Returns
    -------
    DataFrame
        As :func:`retention` returns it.
    """
    return retention(company.table("events"), period=period, period_end=period_end,
                     users=company.table("users") if signup_cohorts else None,
                     cohort_event=cohort_event, return_event=return_event, form=form)


@metric("retention_unbounded", family="retention", title="Unbounded (rolling) retention",
        definition="Share of a cohort active in the N-th calendar period after their cohort's "
                   "or in any later one up to the period end (the current, incomplete period "
                   "included), so it never rises with N; also called rolling or "
                   "'on or after' retention.",
        formula="unbounded(c, N) = |{u in c : u active in some period c + k, k >= N}| / |c|",
        needs=_NEEDS, unit="share")
def unbounded_retention(company, *, period_end, period: str = "week",
                        cohort_event: str | None = None, return_event: str | None = None,
                        signup_cohorts: bool = False) -> pd.DataFrame:
    """Unbounded cohort retention of a company's events: ``retention`` with ``form="unbounded"``.

    Parameters
    ----------
    company : Company
        The company; its ``users`` table is read when ``signup_cohorts`` is true.
    period_end : date-like
        The last day counted.
    period, cohort_event, return_event
        As in :func:`retention`.
    signup_cohorts : bool
        Start cohorts at the users' ``signup_at`` instead of their first event.

    Returns
    -------
    DataFrame
        As :func:`retention` returns it.
    """
    return cohort_retention(company, period_end=period_end, period=period,
                            cohort_event=cohort_event, return_event=return_event,
                            form="unbounded", signup_cohorts=signup_cohorts)
