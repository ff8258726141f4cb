"""Where a run's data comes from: a folder of table files, or a database.

A database (a DuckDB file, or a URL that DuckDB can attach, such as
``postgresql://analyst:${PGPASSWORD}@db.internal/product``) is copied once, at the
start of a run, into a temporary folder of Parquet files: every notebook then
reads the same consistent snapshot, checked by the same contract as files.

Credentials never appear in what a run writes: a URL names them as
``${ENVIRONMENT_VARIABLE}``, expanded only when the database is opened, and
every place that shows the source shows it as the user wrote it, with any
password written out literally replaced by ``***``.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from cpo_kit.core.errors import DataProblem, ParamsError
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.loaders import normalise

#: File suffixes read as DuckDB databases.
DATABASE_SUFFIXES = (".duckdb", ".ddb", ".db")
#: URL schemes and the DuckDB extension that attaches them.
URL_TYPES = {"duckdb": None, "postgres": "postgres", "postgresql": "postgres", "mysql": "mysql"}
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
#: Secrets written out literally: a URL's password, or a key=value option naming one.
_LITERAL_SECRETS = (re.compile(r"(://[^:/@]+:)([^@]+)(@)"),
                    re.compile(r"((?:password|encryption_key|token)=)([^&\s]+)", re.I))


@dataclass(frozen=True)
class Source:
    """A run's data, ready to read.

    Attributes
    ----------
    folder : Path
        A folder of table files: the data itself, or the snapshot of a database.
    shown : str
        How the source is shown in messages, logs and the manifest: never a secret.
    database : bool
        Whether ``folder`` is a snapshot of a database.
    """

    folder: Path
    shown: str
    database: bool


def is_database(data: str | Path) -> bool:
    """Whether DATA names a database (a DuckDB file or a URL) rather than a folder."""
    text = str(data)
    return "://" in text or Path(text).suffix.lower() in DATABASE_SUFFIXES


def masked(text: str) -> str:
    """``text`` with every literal secret replaced by ``***``.

    Examples
    --------
    >>> masked("postgresql://ana:hunter2@db/prod")
    'postgresql://ana:***@db/prod'
    >>> masked("postgresql://ana:${PGPASSWORD}@db/prod")
    'postgresql://ana:${PGPASSWORD}@db/prod'
    """
    for pattern in _LITERAL_SECRETS:
        text = pattern.sub(lambda m: m.group(1) + (
            m.group(2) if _VARIABLE.fullmatch(m.group(2)) else "***") + (
            m.group(3) if m.re.groups > 2 else ""), text)
    return text


@contextlib.contextmanager
def open_source(data: str | Path) -> Iterator[Source]:
    """The data of a run, as a folder of table files, for as long as the run lasts.

    Raises
    ------
    ParamsError
        A URL names an environment variable that is not set, has an unknown
        scheme, or the database cannot be opened.
    """
    if not is_database(data):
        yield Source(Path(data), str(data), database=False)
        return
    shown = masked(str(data))
    with tempfile.TemporaryDirectory(prefix="cpo-kit-snapshot-") as folder:
        _snapshot(str(data), shown, Path(folder))
        yield Source(Path(folder), shown, database=True)


def shown_problem(problem: DataProblem, source: Source) -> DataProblem:
    """A problem found in a database's snapshot names the database and table, not the file.

    Its row is the table's row number, counted from 1 in the database's own order.
    """
    if not source.database:
        return problem
    return replace(problem, file=f"{source.shown} (table {Path(problem.file).stem})")


def _snapshot(data: str, shown: str, folder: Path) -> None:
    """Copy every contract table of the database into ``folder`` as Parquet."""
    import duckdb

    target, options = _attach_clause(data, shown)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(target)} AS source ({', '.join(options)})")
    except duckdb.Error as error:
        # The message of a failed ATTACH may quote the URL, secret included: keep
        # only its first words and show the source as the user wrote it.
        reason = str(error).split("\n")[0]
        raise ParamsError(shown, f"cannot open the database: {masked(_no_secrets(reason, data))}"
                          ) from None
    present = {normalise(name): name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source' "
        "UNION SELECT view_name FROM duckdb_views() WHERE database_name = 'source'").fetchall()}
    if not set(present) & set(TABLES):
        raise ParamsError(shown, "holds no table of the contract (expected tables such as "
                          "events, accounts, mrr)")
    for name in TABLES:
        if name in present:
            con.execute(f"COPY (SELECT * FROM source.{_identifier(present[name])}) "
                        f"TO {_literal(str(folder / f'{name}.parquet'))} (FORMAT parquet)")
    con.close()


def _attach_clause(data: str, shown: str) -> tuple[str, list[str]]:
    """What DuckDB's ATTACH needs: the target and its options, variables expanded."""
    options = ["READ_ONLY"]
    if "://" not in data:
        return str(Path(data).resolve()), options
    parts = urlsplit(data)
    scheme = parts.scheme.lower()
    if scheme not in URL_TYPES:
        raise ParamsError(shown, f"unknown kind of database {scheme!r}: use a folder, a DuckDB "
                          f"file or a URL starting {', '.join(s + '://' for s in URL_TYPES)}")
    if scheme == "duckdb":
        for key, value in parse_qsl(parts.query):
            if key.lower() != "encryption_key":
                raise ParamsError(shown, f"unknown option {key!r} of a duckdb:// URL")
            options.append(f"ENCRYPTION_KEY {_literal(expand_variables(value, shown))}")
        return parts.path, options
    options.append(f"TYPE {URL_TYPES[scheme]}")
    return expand_variables(data, shown), options


def expand_variables(text: str, shown: str) -> str:
    """``text`` with each ``${VARIABLE}`` replaced by its value in the environment."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ParamsError(shown, f"the environment variable {name} is not set")
        return os.environ[name]

    return _VARIABLE.sub(value, text)


def _no_secrets(message: str, data: str) -> str:
    """Remove from a database's message every value the URL's variables expand to."""
    for name in _VARIABLE.findall(data):
        secret = os.environ.get(name)
        if secret:
            message = message.replace(secret, "***")
    return message


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
