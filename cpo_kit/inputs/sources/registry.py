"""The registry of sources, and the one way in: :func:`check` and :func:`connect`.

Every kind of source is an entry of :data:`SCHEMES`, by its URL scheme, saying
how it is opened as a run's data and as the engine of the events (as papermill
registers its engines by name). A scheme that the table does not open as the
events' engine is left to ``ibis.connect``, which keeps its own registry of
backends. A new kind of source (an importer of exports, a database driver) is a
:class:`~cpo_kit.inputs.sources.connection.Connection` and one entry here.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from cpo_kit.core.errors import DataProblem, ParamsError
from cpo_kit.core.text import did_you_mean
from cpo_kit.inputs.params_file import one_line
from cpo_kit.inputs.sources.connection import USES, Connection, Opener, Scheme
from cpo_kit.inputs.sources.databases import ATTACHED, is_database
from cpo_kit.inputs.sources.engines import (SPARK, SPARK_ENGINE, IbisEngine, check_ibis_engine,
                                            check_table_named, ibis_backend, ibis_backends)
from cpo_kit.inputs.sources.postgres import POSTGRES
from cpo_kit.inputs.sources.url import SourceURL, masked, parse

#: Every kind of source by its URL scheme; a path (a DuckDB file) has the empty scheme.
SCHEMES: dict[str, Scheme] = {
    "": Scheme("", data=ATTACHED),
    "duckdb": Scheme("duckdb://", data=ATTACHED),
    "postgres": Scheme("postgres://", data=POSTGRES),
    "postgresql": Scheme("postgresql://", data=POSTGRES),
    "mysql": Scheme("mysql://", data=ATTACHED),
    SPARK: Scheme(f"{SPARK}:", events=SPARK_ENGINE),
}


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


def check(url: str | Path, *, use: str) -> SourceURL:
    """Refuse a source that cannot work for ``use``, without connecting to anything.

    Parameters
    ----------
    url : str or Path
        The source, in the grammar of :func:`~cpo_kit.inputs.sources.url.parse`.
    use : {"data", "events"}
        A run's data (a database whose contract tables are copied), or the engine
        that holds the events.

    Returns
    -------
    SourceURL
        The source, parsed.

    Raises
    ------
    ParamsError
        Naming the source (its passwords masked) and saying what to do.
    """
    source, opener = _opener(url, use)
    opener.check(source)
    return source


def connect(url: str | Path, *, use: str) -> Connection:
    """Open the source that ``url`` names, once :func:`check` passes it.

    Parameters
    ----------
    url : str or Path
        The source: ``duckdb:///srv/product.duckdb?table=events``,
        ``pyspark:?master=local[2]&parquet=/data/events``, ``company.duckdb`` ...
    use : {"data", "events"}
        What the connection is for (see :func:`check`).

    Returns
    -------
    Connection
        Its :meth:`~Connection.events` for the notebooks' metrics, its
        :meth:`~Connection.snapshot` for a run's data.

    Raises
    ------
    ParamsError
        Whatever :func:`check` refuses, or the source cannot be opened.
    """
    source, opener = _opener(url, use)
    opener.check(source)
    return opener.connect(source)


def _opener(url: str | Path, use: str) -> tuple[SourceURL, Opener]:
    """The source parsed, and the registry's way to open it for ``use``."""
    if use not in USES:
        raise ValueError(f"use must be one of {USES}, not {use!r}")
    if use == "data":
        source = parse(url)
        if "://" not in source.text:  # a path: a DuckDB file
            source = replace(source, scheme="")
        entry = SCHEMES.get(source.scheme)
        if entry is None or entry.data is None:
            starts = [s.start for s in SCHEMES.values() if s.data and s.start]
            raise ParamsError(source.shown, f"unknown kind of database {source.scheme!r}: use "
                              f"a folder, a DuckDB file or a URL starting {', '.join(starts)}")
        return source, entry.data
    shown = one_line(masked(str(url)))
    if not str(url).isprintable():
        raise ParamsError(shown, "not a URL: it holds a line break or another control character")
    source = parse(url, shown=shown)
    entry = SCHEMES.get(source.scheme)
    if entry is not None and entry.events is not None:
        return source, entry.events
    return source, _IBIS


def _check_ibis(source: SourceURL) -> None:
    """Refuse an engine that ibis does not know, has not installed, or cannot reach."""
    check_table_named(source)
    backend = ibis_backend(source)
    if backend is None:
        known = ibis_backends()
        scheme = source.scheme
        wanted = scheme.replace("postgresql", "postgres")
        what = f"unknown kind of engine {scheme!r}" if scheme else "not the URL of an engine"
        own = [s.start for s in SCHEMES.values() if s.events]
        starts = own + [f"{name}://" for name in sorted(known - {s.rstrip(":/") for s in own})]
        raise ParamsError(source.one_line, f"{what}{did_you_mean(wanted, known) if scheme else ''}"
                          f": start it with one of {', '.join(starts)}")
    check_ibis_engine(source, backend)


#: Any engine ibis connects to, for a scheme the table does not open as the events' engine.
_IBIS = Opener(check=_check_ibis, connect=IbisEngine)


@contextlib.contextmanager
def open_source(data: str | Path) -> Iterator[Source]:
    """The data of a run, as a folder of table files, for as long as the run lasts.

    A folder is read where it is; a database is copied once into a temporary
    folder of Parquet files, removed when the run ends.

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
        with connect(data, use="data") as connection:
            connection.snapshot(Path(folder))
        yield Source(Path(folder), shown, database=True)


def shown_problem(problem: DataProblem, source: Source) -> DataProblem:
    """A problem found in a database's snapshot names the database and table, not the file.

    Its row is the table's row number, counted from 1 in the database's own order.
    """
    if not source.database:
        return problem
    return replace(problem, file=f"{source.shown} (table {Path(problem.file).stem})")


def check_events_source(url: str) -> None:
    """Refuse an ``events_source`` that cannot work, without connecting to its engine.

    Checked: that the URL names the events' table (or Parquet files), that its
    engine is one ibis knows and that what it needs is installed (for Spark:
    pyspark, and Java), that each ``${VARIABLE}`` is set, and that a DuckDB
    database file exists; ibis would create an empty one where it does not.
    Spark itself is not started: that takes seconds.

    Raises
    ------
    ParamsError
        Naming the URL (its passwords masked) and saying what to do.
    """
    check(url, use="events")


def connect_events(url: str):
    """The events table of the engine that ``url`` names, as an ibis table.

    Raises
    ------
    ParamsError
        Whatever :func:`check_events_source` refuses.
    """
    return connect(url, use="events").events()
