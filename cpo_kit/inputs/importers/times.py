"""Times of an export in UTC, the contract's zone, written as DuckDB SQL.

A time written as text must say its zone (``Z`` or ``+02:00``): a time without
one is refused rather than guessed, unless the params file says in which zone the
tool wrote it (``imports: {timezone: Europe/Berlin}``). A typed timestamp with a
zone is converted; one without a zone (a Parquet column) is taken as UTC, as the
tools that write them do. Epoch numbers (seconds, milliseconds, microseconds) are
read as what their tool documents.

Part of :mod:`cpo_kit.inputs`: imports :mod:`cpo_kit.core`.
"""
from __future__ import annotations

from cpo_kit.core import sql
from cpo_kit.core.errors import ParamsError

#: A zone at the end of a written time: Z, or an offset such as +02:00 or -0500.
ZONED = r"([Zz]|[+-][0-9][0-9](:?[0-9][0-9])?)$"


def utc(column: str, kind: str, *, timezone: str | None = None) -> str:
    """SQL giving ``column`` (of DuckDB type ``kind``) as a UTC ``TIMESTAMP``; NULL where
    the text cannot be read or has no zone (and ``timezone`` is not given)."""
    kind = kind.upper()
    if kind.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"timezone('UTC', {column})"
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return f"CAST({column} AS TIMESTAMP)"
    text = f"trim(CAST({column} AS VARCHAR))"
    zoned = f"timezone('UTC', try_cast({text} AS TIMESTAMPTZ))"
    if timezone is None:
        return f"CASE WHEN regexp_matches({text}, '{ZONED}') THEN {zoned} END"
    local = f"timezone('UTC', timezone({sql.string(timezone)}, try_cast({text} AS TIMESTAMP)))"
    return f"CASE WHEN regexp_matches({text}, '{ZONED}') THEN {zoned} ELSE {local} END"


def from_epoch(column: str, unit: str) -> str:
    """SQL giving an epoch number in ``unit`` (seconds, ms, us) as a UTC ``TIMESTAMP``."""
    scale = {"seconds": 1_000_000, "ms": 1_000, "us": 1}[unit]
    return f"make_timestamp(CAST(round(try_cast({column} AS DOUBLE) * {scale}) AS BIGINT))"


def check_zone(con, timezone, source: str) -> None:
    """Refuse a time zone DuckDB does not know (``con``'s), before any time is read in it.

    Raises
    ------
    ParamsError
        ``timezone`` names no zone; ``source`` is the params file that gave it.
    """
    known = con.execute("SELECT count(*) FROM pg_timezone_names() WHERE name = ?",
                        [str(timezone)]).fetchone()[0]
    if not known:
        raise ParamsError(source, f"imports: timezone: {timezone!r} is not a time zone: "
                          "give one such as America/New_York or UTC")


def why_unread(timezone: str | None) -> str:
    """What a refused time should have been, for the message."""
    if timezone:
        return "a date and time, such as 2026-10-01T09:30:00Z"
    return ("a date and time with its zone, such as 2026-10-01T09:30:00Z (a time without a "
            "zone is refused unless the params file says the tool's zone, as "
            "imports: {timezone: UTC})")
