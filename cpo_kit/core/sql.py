"""Names and strings written into SQL that DuckDB or PostgreSQL runs.

A path, a column or a time zone comes from the user (an output folder named
``o'brien analytics``, a column ``"Event" Name``); written into a statement bare, a
quote in it would end the string or the name early. Both quote by doubling, as the SQL
standard says.
"""
from __future__ import annotations

import os


def string(text: str | os.PathLike) -> str:
    """``text`` (or a path) as a SQL string literal.

    Examples
    --------
    >>> string("/data/o'brien/events.csv")
    "'/data/o''brien/events.csv'"
    """
    return "'" + str(text).replace("'", "''") + "'"


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (a column or table name).

    Examples
    --------
    >>> identifier('the "big" event')
    '"the ""big"" event"'
    """
    return '"' + name.replace('"', '""') + '"'
