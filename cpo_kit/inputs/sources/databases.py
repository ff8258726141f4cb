"""Databases that DuckDB attaches, as a run's data: DuckDB files, and MySQL.

A database (a DuckDB file, a ``duckdb://`` URL, or a ``mysql://`` one) is copied
once, at the start of a run, into a temporary folder of Parquet files: every
notebook then reads the same consistent snapshot, checked by the same contract as
files. The copy is DuckDB's ``COPY``, which keeps every column's type as the
database has it. PostgreSQL is read through its own driver instead
(:mod:`~cpo_kit.inputs.sources.postgres`).

MySQL is reached through DuckDB's ``mysql`` extension, which DuckDB downloads
from its own extension site the first time it is used: on a machine that cannot
reach that site (offline, or behind a proxy that blocks it) a MySQL URL is refused
with a message saying so, and how to install the extension where it can be
downloaded. It is kept this way, rather than read through a MySQL driver, because
no MySQL server is part of the tests: a driver that was never run against a server
would be worse than an extension that DuckDB's own project tests.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

from pathlib import Path

from cpo_kit.core import sql
from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.sources.connection import Connection, Opener
from cpo_kit.inputs.sources.url import SourceURL, without_secrets

#: File suffixes read as DuckDB databases.
DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db")
#: URL schemes and the DuckDB extension that attaches them (none: DuckDB's own files).
ATTACHED_TYPES = {"duckdb": None, "mysql": "mysql"}
#: How messages name the databases that an extension attaches.
_PRODUCTS = {"mysql": "MySQL"}


class AttachedDatabase(Connection):
    """A database attached, read-only, to an in-memory DuckDB as ``source``."""

    def __init__(self, url: SourceURL):
        import duckdb

        super().__init__(url)
        target, options = _attach_clause(url)
        self.con = duckdb.connect()
        extension = ATTACHED_TYPES.get(url.scheme) if "://" in url.text else None
        if extension:
            _install_extension(self.con, extension, url)
        try:
            self.con.execute(f"ATTACH {sql.string(target)} AS source ({', '.join(options)})")
        except duckdb.Error as error:
            self.con.close()
            # The message of a failed ATTACH may quote the URL, secret included: keep
            # only its first words and show the source as the user wrote it.
            reason = str(error).split("\n")[0]
            raise ParamsError(url.shown, "cannot open the database: "
                              f"{without_secrets(reason, url.text)}") from None

    def table_names(self) -> list[str]:
        return [name for (name,) in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source' "
            "UNION SELECT view_name FROM duckdb_views() WHERE database_name = 'source'"
        ).fetchall()]

    def table(self, name: str):
        import ibis

        # Through a view of the in-memory database: ibis 12 reads the schema of a table
        # of another catalog (.table(name, database="source")) by a call DuckDB 2 lacks.
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {sql.identifier(name)} AS "
                         f"SELECT * FROM source.{sql.identifier(name)}")
        return ibis.duckdb.from_connection(self.con).table(name)

    def write_parquet(self, name: str, path: Path) -> None:
        self.con.execute(f"COPY (SELECT * FROM source.{sql.identifier(name)}) "
                         f"TO {sql.string(path)} (FORMAT parquet)")

    def close(self) -> None:
        self.con.close()


def _install_extension(con, extension: str, url: SourceURL) -> None:
    """Install DuckDB's ``extension`` unless it is, or refuse the source saying why it cannot be."""
    import duckdb

    installed = con.execute("SELECT installed FROM duckdb_extensions() WHERE extension_name "
                            "IN (?, ?)", [extension, f"{extension}_scanner"]).fetchone()
    if installed and installed[0]:
        return
    try:
        con.execute(f"INSTALL {extension}")
    except duckdb.Error:
        con.close()
        raise ParamsError(url.shown, f"DuckDB reads {_PRODUCTS[url.scheme]} through its "
                          f"{extension} extension, which it downloads on first use and could "
                          "not download here (DuckDB's extension site cannot be reached): run "
                          f"python -c \"import duckdb; duckdb.install_extension('{extension}')\" "
                          "once on a network that reaches it, or export the tables into a "
                          "folder of files") from None


def is_database(data: str | Path) -> bool:
    """Whether DATA names a database (a DuckDB file or a URL) rather than a folder."""
    text = str(data)
    return "://" in text or Path(text).suffix.lower() in DATABASE_SUFFIXES


def check_attachable(url: SourceURL) -> None:
    """Refuse a database that DuckDB cannot attach, without attaching it.

    Raises
    ------
    ParamsError
        An unknown option of a ``duckdb://`` URL, or a ``${VARIABLE}`` that is not set.
    """
    _attach_clause(url)


def _attach_clause(url: SourceURL) -> tuple[str, list[str]]:
    """What DuckDB's ATTACH needs: the target and its options, variables expanded."""
    options = ["READ_ONLY"]
    if not url.scheme or "://" not in url.text:
        return str(Path(url.text).resolve()), options
    if url.scheme == "duckdb":
        for key, value in url.options.items():
            if key.lower() != "encryption_key":
                raise ParamsError(url.shown, f"unknown option {key!r} of a duckdb:// URL")
            options.append(f"ENCRYPTION_KEY {sql.string(url.expanded(value))}")
        return url.where, options
    options.append(f"TYPE {ATTACHED_TYPES[url.scheme]}")
    return url.expanded(), options


#: The registry's way to open an attached database as a run's data.
ATTACHED = Opener(check=check_attachable, connect=AttachedDatabase)
