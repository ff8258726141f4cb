"""Periods shared by every metric: days, weeks and calendar months.

A period is named by its first day. It is *complete* once its last day is on or
before ``period_end``; metrics leave the incomplete period out unless asked.
Weeks start on Monday (ISO weeks) unless a company's week starts on another day:
:func:`use_week_start` sets it for every metric, as a notebook does from its
``week_start`` parameter.
"""
from __future__ import annotations

import pandas as pd

PERIODS = ("day", "week", "month")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IBIS_UNITS = {"day": "D", "week": "W", "month": "M"}
#: Days from Monday to the first day of the week.
_week_start = 0


def check_week_start(name: str) -> int:
    """Days from Monday to ``name``, a day of the week; ``ValueError`` for anything else."""
    if not isinstance(name, str) or name.lower() not in WEEKDAYS:
        raise ValueError(f"{name!r} is not a day of the week: expected one of "
                         + ", ".join(WEEKDAYS))
    return WEEKDAYS.index(name.lower())


def use_week_start(name: str = "monday") -> None:
    """Start every week from now on on ``name`` (``"sunday"``, say)."""
    global _week_start
    _week_start = check_week_start(name)


def week_start() -> int:
    """Days from Monday to the first day of the week in force (0 for Monday)."""
    return _week_start


def check_period(period: str) -> str:
    """Return ``period`` if it is one of :data:`PERIODS`, else raise ``ValueError``."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    return period


def truncate(ts, period: str):
    """The first day of the period holding each timestamp, as an ibis date expression."""
    if check_period(period) != "week" or _week_start == 0:
        return ts.truncate(_IBIS_UNITS[period]).cast("date")
    import ibis

    # Shifted back to Monday, truncated to the ISO week, and forward again.
    shift = ibis.interval(days=_week_start)
    return ((ts - shift).truncate("W").cast("date") + shift).cast("date")


def start_of(day, period: str) -> pd.Timestamp:
    """The first day of the period holding ``day``."""
    day = pd.Timestamp(day).normalize()
    if check_period(period) == "day":
        return day
    if period == "week":
        return day - pd.Timedelta(days=(day.day_of_week - _week_start) % 7)
    return day.replace(day=1)


def next_start(start, period: str) -> pd.Timestamp:
    """The first day of the period after the one that starts on ``start``."""
    start = pd.Timestamp(start)
    if check_period(period) == "day":
        return start + pd.Timedelta(days=1)
    if period == "week":
        return start + pd.Timedelta(days=7)
    return start + pd.offsets.MonthBegin(1)


def end_exclusive(period_end) -> pd.Timestamp:
    """The moment after the last day counted: events before it are in."""
    return pd.Timestamp(period_end).normalize() + pd.Timedelta(days=1)


def last_complete(period_end, period: str) -> pd.Timestamp:
    """The first day of the last period that is complete on ``period_end``."""
    start = start_of(period_end, period)
    if next_start(start, period) <= end_exclusive(period_end):
        return start
    return start_of(start - pd.Timedelta(days=1), period)


def periods_between(first, period_end, period: str, *, complete_only: bool = True
                    ) -> pd.DatetimeIndex:
    """Every period from the one holding ``first`` to the last (complete) one."""
    last = last_complete(period_end, period) if complete_only else start_of(period_end, period)
    out, day = [], start_of(first, period)
    while day <= last:
        out.append(day)
        day = next_start(day, period)
    return pd.DatetimeIndex(out, dtype="datetime64[us]")
