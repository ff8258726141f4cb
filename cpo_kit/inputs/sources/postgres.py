"""PostgreSQL as a run's data, read through psycopg: no DuckDB extension, nothing downloaded.

``postgresql://analyst:${PGPASSWORD}@db.internal:5432/product?schema=app`` names a
database and the schema whose tables are read (``public`` when ``schema=`` is left
out). Every other option of the URL is libpq's own (``sslmode=require``,
``connect_timeout=5``, ``host=/var/run/postgresql`` for a Unix socket ...) and is
passed on as written. ``postgres://`` is the same.

How the database is read, and why:

- One connection and one transaction, ``REPEATABLE READ`` and ``READ ONLY``: every
  table is read as of the same moment, so the events and the accounts agree even
  while the product writes, and nothing can be written. A read replica serves it
  as well as the primary.
- Each contract table is streamed by ``COPY (SELECT ...) TO STDOUT (FORMAT csv)``:
  the server sends the rows as it reads them, pyarrow's CSV reader parses them
  block by block with every column's type stated (never guessed), and each block
  is written into the snapshot's Parquet file as it comes (pyarrow's
  ``ParquetWriter``), so a table of billions of events is never held in memory.
  COPY's CSV tells a NULL (nothing) from an empty text (``""``), and pyarrow parses
  it in C++ rather than value by value in Python, which is why it is used rather
  than a cursor's rows.
- Column types, read from the catalogue (a domain as its base type):

  ==========================================  ===============================
  PostgreSQL                                  snapshot (Arrow)
  ==========================================  ===============================
  ``smallint``, ``integer``, ``bigint``       int64
  ``real``, ``double precision``              float64
  ``numeric``, ``money``                      float64: exact to 15 significant
                                              digits, which amounts and rates
                                              fit; the contract's numbers are
                                              floating point all the same
  ``boolean``                                 bool
  ``date``                                    date
  ``timestamp``                               timestamp (microseconds)
  ``timestamp with time zone``                timestamp in UTC, as the
                                              contract holds times
  anything else (text, varchar, uuid, enums)  text, as PostgreSQL writes it
  ==========================================  ===============================

  A value that the snapshot's type cannot hold (a date of ``infinity``, a year
  before Christ) stops the copy with one line naming the table and column.
- The session writes its text as these types are parsed: UTF-8, ISO dates, and
  floating-point numbers written in full, so that they read back exactly.

Credentials stay ``${VARIABLE}``. Each value is percent-encoded as it is put into
the URL, so a password holding ``@``, ``/`` or ``%`` reaches the server as it is set;
no message shows it, nor a password written out in the URL.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

import importlib.util
import io
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.sources.connection import Connection, Opener
from cpo_kit.inputs.sources.url import SourceURL, expand_variables, without_secrets

#: The schema read when the URL's ``schema=`` leaves it out.
DEFAULT_SCHEMA = "public"
#: The options of the URL that are cpo-kit's; libpq refuses options it does not know.
OWN_OPTIONS = ("schema",)
#: libpq's options that cpo-kit sets unless the URL does: a server that does not answer
#: is given up after 10 seconds, and the database's administrator sees who reads.
DEFAULTS = {"connect_timeout": "10", "application_name": "cpo-kit"}
#: Bytes of CSV parsed at a time, and so the most one row may hold.
BLOCK_BYTES = 16 << 20

#: The relations of a schema that hold rows: tables, partitioned tables (not their
#: partitions, which the parent already holds), views, materialized and foreign tables.
_TABLES = """
SELECT c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
ORDER BY c.relname
"""
#: A relation's columns, in order, with the name of their type (a domain's base type).
_COLUMNS = """
SELECT a.attname, COALESCE(base.typname, t.typname)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type base ON t.typtype = 'd' AND base.oid = t.typbasetype
WHERE a.attrelid = (SELECT c.oid FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = %s AND c.relname = %s)
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
#: The session's settings that shape the text COPY writes (see the module's docstring).
_SETTINGS = ("SET client_encoding = 'UTF8'", "SET DateStyle = 'ISO, YMD'",
             "SET TimeZone = 'UTC'", "SET extra_float_digits = 1")
#: PostgreSQL's types (by catalogue name) that are not read as text: the snapshot's
#: type, and the SQL that selects the column ({} is the column).
_TYPES = {
    "int2": ("integer", "{}"), "int4": ("integer", "{}"), "int8": ("integer", "{}"),
    "float4": ("number", "{}"), "float8": ("number", "{}"), "numeric": ("number", "{}"),
    # money is written with the server's currency sign and separators: as numeric, not.
    "money": ("number", "{}::numeric"),
    "bool": ("boolean", "{}"),
    "date": ("date", "{}"),
    "timestamp": ("timestamp", "{}"),
    "timestamptz": ("timestamp", "{} AT TIME ZONE 'UTC'"),
}
#: What each Arrow type, as pyarrow's messages name it, is called in ours.
_TYPE_WORDS = {"int64": "a whole number", "double": "a number", "bool": "true or false",
               "date32[day]": "a date", "timestamp[us]": "a date and time"}


class PostgresDatabase(Connection):
    """A PostgreSQL database, read in one read-only transaction through psycopg.

    Parameters
    ----------
    url : SourceURL
        ``postgresql://user:${PGPASSWORD}@host:port/database?schema=name&<libpq options>``.

    Raises
    ------
    ParamsError
        The server cannot be reached, refuses the user or the password, has no such
        database, or the database has no such schema: one line, no secret in it.
    """

    #: The names of the columns of the table being read, for messages.
    _columns: list[str] = []

    def __init__(self, url: SourceURL):
        import psycopg

        super().__init__(url)
        self.schema = url.options.get("schema", DEFAULT_SCHEMA)
        options = {k: v for k, v in DEFAULTS.items() if k not in url.options}
        with self._refused("cannot open the database"):
            self.con = psycopg.connect(conninfo(url), **options)
        try:
            # Before the first statement, which begins the transaction.
            self.con.read_only = True
            self.con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with self._refused("cannot open the database"):
                for setting in _SETTINGS:
                    self.con.execute(setting)
                found = self.con.execute("SELECT 1 FROM pg_catalog.pg_namespace "
                                         "WHERE nspname = %s", [self.schema]).fetchone()
            if found is None:
                raise ParamsError(url.shown, f"the database has no schema {self.schema!r} "
                                  "(name another with ?schema=<name>)")
        except BaseException:
            self.con.close()
            raise

    @property
    def place(self) -> str:
        return f" in its schema {self.schema!r}"

    def table_names(self) -> list[str]:
        with self._refused("cannot list the tables"):
            return [name for (name,) in self.con.execute(_TABLES, [self.schema])]

    def table(self, name: str):
        """The table ``name``, read whole into memory: for small tables."""
        import ibis
        import pyarrow as pa

        with self._refused("cannot read it", name), self._batches(name) as (schema, batches):
            return ibis.memtable(pa.Table.from_batches(list(batches), schema))

    def write_parquet(self, name: str, path: Path) -> None:
        """Stream the table ``name`` into the Parquet file ``path``, a block at a time."""
        import pyarrow.parquet as pq

        with self._refused("cannot read it", name), self._batches(name) as (schema, batches):
            with pq.ParquetWriter(path, schema) as writer:
                for batch in batches:
                    writer.write_batch(batch)

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def _batches(self, name: str):
        """The table's Arrow schema, and its rows as record batches read in a stream."""
        import pyarrow as pa
        import pyarrow.csv as csv
        from psycopg import sql

        columns = self.con.execute(_COLUMNS, [self.schema, name]).fetchall()
        self._columns = [column for column, _ in columns]
        kinds = [_TYPES.get(type_name, ("text", "{}"))[0] for _, type_name in columns]
        schema = pa.schema([(column, _arrow_type(kind))
                            for column, kind in zip(self._columns, kinds)])
        if not columns:
            yield schema, iter(())
            return
        select = sql.SQL(", ").join(
            sql.SQL(_TYPES.get(type_name, ("text", "{}"))[1]).format(sql.Identifier(column))
            for column, type_name in columns)
        statement = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv)").format(
            select, sql.Identifier(self.schema, name))
        with self.con.cursor().copy(statement) as copy:
            rows = iter(copy)
            first = next(rows, None)
            if first is None:  # pyarrow refuses an empty CSV
                yield schema, iter(())
                return
            reader = csv.open_csv(
                io.BufferedReader(_CopyFile(itertools.chain([first], rows)), BLOCK_BYTES),
                read_options=csv.ReadOptions(column_names=self._columns,
                                             block_size=BLOCK_BYTES),
                # A text holding a line break is quoted, and read whole.
                parse_options=csv.ParseOptions(newlines_in_values=True),
                # COPY writes NULL as nothing and an empty text as "".
                convert_options=csv.ConvertOptions(
                    column_types=schema, null_values=[""], strings_can_be_null=True,
                    quoted_strings_can_be_null=False, true_values=["t"],
                    false_values=["f"]))
            yield reader.schema, reader

    @contextmanager
    def _refused(self, what: str, table: str | None = None) -> Iterator[None]:
        """psycopg's and pyarrow's errors as one line naming the source (and table)."""
        import psycopg
        import pyarrow as pa

        try:
            yield
        except (psycopg.Error, pa.ArrowException) as error:
            where = self.url.shown if table is None else f"{self.url.shown} (table {table})"
            raise ParamsError(where, f"{what}: {self._reason(error)}") from None

    def _reason(self, error: Exception) -> str:
        """The first line of a driver's or pyarrow's message, in the table's terms."""
        text = re.sub(r"\s+", " ", (str(error).strip() or type(error).__name__).split("\n")[0])
        text = re.sub(r"^connection (failed|is bad): ", "", text)
        parsed = re.match(r"In CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to "
                          r"(\S+): invalid value (.*)$", text)
        if parsed:
            column, arrow, value = parsed.groups()
            text = (f"column {self._columns[int(column)]}: {value} cannot be read as "
                    f"{_TYPE_WORDS.get(arrow, arrow)}")
        return without_secrets(text, self.url.text)


class _CopyFile(io.RawIOBase):
    """The rows that a ``COPY ... TO STDOUT`` sends, as a file for pyarrow to read."""

    def __init__(self, rows: Iterator[bytes]):
        self._rows = rows
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        wanted = len(buffer)
        data = bytearray(self._left)
        for row in self._rows:  # psycopg gives a row at a time; the loop resumes there
            data += row
            if len(data) >= wanted:
                break
        given = min(wanted, len(data))
        buffer[:given] = data[:given]
        self._left = bytes(data[given:])
        return given


def _arrow_type(kind: str):
    """The Arrow type of a snapshot's column of ``kind`` (a kind of :data:`_TYPES`, or text)."""
    import pyarrow as pa

    return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
            "date": pa.date32(), "timestamp": pa.timestamp("us")}.get(kind, pa.string())


def conninfo(url: SourceURL) -> str:
    """The URL as libpq reads it: ``postgresql://``, cpo-kit's own options left out,
    and each ``${VARIABLE}`` replaced by its value, percent-encoded.

    Raises
    ------
    ParamsError
        A variable of the URL is not set.

    Examples
    --------
    >>> import os
    >>> from cpo_kit.inputs.sources import parse
    >>> os.environ["CPO_DOCTEST_PASSWORD"] = "p@ss/word"
    >>> conninfo(parse("PostgreSQL://ana:${CPO_DOCTEST_PASSWORD}@db/product?schema=app"
    ...                "&sslmode=require"))
    'postgresql://ana:p%40ss%2Fword@db/product?sslmode=require'
    """
    base, _, query = url.text.partition("?")
    kept = [part for part in query.split("&")
            if part and unquote(part.partition("=")[0]) not in OWN_OPTIONS]
    text = "postgresql" + base[len(url.scheme):] + ("?" + "&".join(kept) if kept else "")
    return expand_variables(text, url.shown, encode=lambda value: quote(value, safe=""))


def check_postgres(url: SourceURL) -> None:
    """Refuse a PostgreSQL URL that cannot work, without connecting.

    Raises
    ------
    ParamsError
        psycopg is not installed, or a ``${VARIABLE}`` of the URL is not set.
    """
    if importlib.util.find_spec("psycopg") is None:
        raise ParamsError(url.shown, "PostgreSQL is read through psycopg, which is not "
                          "installed: pip install 'psycopg[binary]'")
    conninfo(url)


#: The registry's way to open a PostgreSQL database as a run's data.
POSTGRES = Opener(check=check_postgres, connect=PostgresDatabase)
