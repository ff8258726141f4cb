"""A company's data, loaded for the notebooks: small tables in memory, events in DuckDB.

Notebooks call :func:`load_company` once and ask it for tables; a section whose
table is missing calls :meth:`Company.require`, which shows what to provide.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from cpo_kit.core import sql
from cpo_kit.core.errors import DataError, MissingTables
from cpo_kit.inputs import csv_text
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.loaders import read_chunks, read_table
from cpo_kit.inputs.table_files import file_format, normalise
from cpo_kit.inputs.validate import check_folder, column_mapping

#: DuckDB's type for each of the contract's column types.
SQL_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN",
             "date": "DATE", "timestamp": "TIMESTAMP"}


@dataclass
class Company:
    """The tables of one company.

    Attributes
    ----------
    tables : dict
        Each small table present, typed to the contract.
    con : duckdb.DuckDBPyConnection
        An in-process database in which ``events`` (when present) is a view over
        the file, read in place, and every small table is registered by name.
    files : dict
        The file each table came from.
    """

    tables: dict[str, pd.DataFrame]
    con: duckdb.DuckDBPyConnection
    files: dict[str, Path]
    engines: dict[str, object] = field(default_factory=dict)
    _ibis: object = field(default=None, repr=False)

    def has(self, *names: str) -> bool:
        """Whether every named table is present, as a file or on another engine."""
        return all(n in self.files or n in self.engines for n in names)

    def require(self, *names: str) -> bool:
        """Whether the named tables are present; if not, show which to provide and how.

        Use it to open a section: ``if company.require("mrr"): ...``.
        """
        missing = [n for n in names if not self.has(n)]
        if missing:
            from IPython.display import Markdown, display

            display(Markdown(missing_tables_text(missing)))
        return not missing

    def sql(self, query: str, **params) -> pd.DataFrame:
        """Run a query on the company's tables and return the result as a DataFrame."""
        return self.con.execute(query, params or None).df()

    def table(self, name: str):
        """A table as an ibis expression on the company's engine.

        Expressions built on it run where the data lives (DuckDB in-process by
        default, or the engine of ``events_source``); only what ``.execute()``
        returns comes back to Python.
        """
        if name in self.engines:
            return self.engines[name]
        if name not in self.files:
            raise MissingTables(f"the {name} table was not provided")
        if self._ibis is None:
            import ibis

            # ibis 12 reads a pandas option that pandas 3 deprecates; the warning is
            # theirs to fix and would otherwise show in every notebook's output.
            warnings.filterwarnings("ignore", message="The 'future.infer_string' option")
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis.table(name)


def missing_tables_text(names: list[str]) -> str:
    """What a reader is told when a section's tables are missing.

    Plain Markdown, a quotation: the book renders a notebook's Markdown outputs as
    CommonMark, where a MyST directive would show as code (and fail the strict build).
    """
    lines = ["> **This section needs data that was not provided:**", ">"]
    for name in names:
        table = TABLES[name]
        lines.append(f"> - **{name}** ({table.description.rstrip('.')}): a file `{name}.csv`, "
                     f"`{name}.parquet` or `{name}.xlsx` with the columns "
                     + ", ".join(f"`{c}`" for c in table.required_columns) + ".")
    lines += [">", "> See the data contract in the reference part of the playbook."]
    return "\n".join(lines)


def load_company(data_dir: str | Path, *, columns: dict | None = None,
                 memory_limit: str = "4GB", check_events: bool = True,
                 tables: tuple[str, ...] | None = None, timezone: str | None = None,
                 events_source: str = "") -> Company:
    """Load and check a company's data folder.

    Parameters
    ----------
    data_dir : str or Path
        The folder of table files.
    columns : dict, optional
        The params file's ``columns:`` mapping (see :func:`cpo_kit.inputs.validate.check_folder`).
    memory_limit : str
        DuckDB's memory limit; beyond it DuckDB spills to disk instead of failing.
    check_events : bool
        Check every row of the large tables. Pass False when the folder was
        checked whole just before (``cpo-kit validate``): only their header and
        first rows are checked then.
    tables : tuple of str, optional
        Load only these tables (those a notebook needs); by default every table present.
    timezone : str, optional
        An IANA time zone such as ``Europe/Berlin``. Timestamps in the data are UTC;
        with a time zone they are shown as local times, so days, weeks and months
        begin at local midnight. Dates (such as ``signup_date``) are left as they are.
    events_source : str, optional
        A URL of the engine that holds the events (see :mod:`cpo_kit.inputs.sources.engines`),
        such as ``pyspark:?master=local[2]&parquet=/data/events``. The events
        metrics then run there; an events file in ``data_dir`` is ignored. The
        engine's table is not checked row by row: it is the engine's to keep valid.

    Raises
    ------
    DataError
        With every problem found, when any table breaks the contract.
    """
    if timezone is not None:
        _check_timezone(timezone)
    if events_source:
        wanted = tables if tables is not None else tuple(TABLES)
        tables = tuple(t for t in wanted if t != "events")
    checked = check_folder(Path(data_dir), columns=columns,
                           large_rows=None if check_events else 10_000, only=tables)
    if checked.problems:
        raise DataError(checked.problems)
    con = duckdb.connect(config={"memory_limit": memory_limit})
    try:  # a progress bar helps nobody in a notebook or a log
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass  # in a kernel without ipywidgets DuckDB refuses the setting, and shows no bar
    tables = {name: _local(TABLES[name], frame, timezone)
              for name, frame in checked.tables.items()}
    for name, frame in tables.items():
        con.register(name, frame)
    for name, path in checked.files.items():
        if TABLES[name].large:
            _register_large(con, name, path, column_mapping(columns, name), timezone)
    engines = {}
    if events_source:
        from cpo_kit.inputs.sources import connect_events

        engines["events"] = connect_events(events_source)
    return Company(tables, con, checked.files, engines)


def _check_timezone(name: str) -> None:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}: expected an IANA name such as "
                         "'Europe/Berlin' or 'America/New_York'") from None


def _local(table, frame: pd.DataFrame, timezone: str | None) -> pd.DataFrame:
    """The table with its UTC timestamps turned into local times of ``timezone``."""
    stamps = [c for c in table.columns if table.kind(c) == "timestamp"]
    if timezone is None or not stamps:
        return frame
    frame = frame.copy()
    for column in stamps:
        frame[column] = (frame[column].dt.tz_localize("UTC").dt.tz_convert(timezone)
                         .dt.tz_localize(None))
    return frame


def _register_large(con, name: str, path: Path, mapping: dict[str, str],
                    timezone: str | None) -> None:
    table = TABLES[name]
    kind, compression = file_format(path)
    renames = {normalise(k): normalise(v) for k, v in mapping.items()}
    if kind == "excel":  # Excel tops out at a million rows: reading it whole is fine
        con.register(name, _local(table, read_table(table, path, mapping=mapping).frame,
                                  timezone))
        return
    if kind == "parquet":
        source = f"read_parquet({sql.string(path.resolve())})"
        original = con.sql(f"SELECT * FROM {source} LIMIT 0").columns
        by_name = {renames.get(normalise(c), normalise(c)): c for c in original}
    else:
        read = _csv_source(path, compression, renames)
        if read is None:
            _load_through_pandas(con, name, path, mapping, timezone)
            return
        source, columns = read
        by_name = {c: c for c in columns if c in table.columns}
    select = []
    for column in table.columns:
        sql_type = SQL_TYPES[table.kind(column)]
        if column not in by_name:
            select.append(f"CAST(NULL AS {sql_type}) AS {column}")
        elif table.kind(column) == "timestamp" and timezone is not None:
            select.append(f"timezone('{timezone}', CAST(\"{by_name[column]}\" AS TIMESTAMP) "
                          f"AT TIME ZONE 'UTC') AS {column}")
        else:
            select.append(f'CAST("{by_name[column]}" AS {sql_type}) AS {column}')
    con.execute(f"CREATE VIEW {name} AS SELECT {', '.join(select)} FROM {source}")


def _csv_source(path: Path, compression: str | None, renames: dict[str, str]
                ) -> tuple[str, list[str]] | None:
    """DuckDB's ``read_csv`` of a CSV file, reading its records as pandas did when the
    file was checked, and the names it gives the columns; None when DuckDB would read
    the records otherwise.

    Everything is stated rather than sniffed: DuckDB's sniffer takes a blank line for
    the header, lines starting with ``#`` for comments, and may choose another
    separator. The columns are named as the contract names them.
    """
    lines = csv_text.scan(path, compression=compression)
    names = csv_text.header_names(path, compression)
    # DuckDB reads a line of spaces as a record, a blank line above the header as the
    # header, and stray quotes and mixed line endings its own way.
    if names is None or not lines.plain:
        return None
    columns = [renames.get(normalise(n), normalise(n)) or f"unnamed_{i}"
               for i, n in enumerate(names, start=1)]
    struct = ", ".join(f"{sql.string(c)}: 'VARCHAR'" for c in columns)
    # null_padding: a short row's missing values are empty, as pandas reads them; with
    # line breaks in quotes, DuckDB can pad only when it reads in one thread.
    return (f"read_csv({sql.string(path.resolve())}, header=true, auto_detect=false, delim=',', "
            f"quote='\"', escape='\"', comment='', null_padding=true, "
            f"compression='{compression or 'none'}', columns={{{struct}}}"
            + (", parallel=false)" if lines.quoted_newlines else ")"), columns)


def _load_through_pandas(con, name: str, path: Path, mapping: dict[str, str],
                         timezone: str | None) -> None:
    """Copy a CSV file that DuckDB would misread into a DuckDB table, chunk by chunk,
    as the loader reads it (beyond the memory limit, DuckDB keeps it on disk)."""
    table = TABLES[name]
    select = ", ".join(f'CAST("{c}" AS {SQL_TYPES[table.kind(c)]}) AS {c}' for c in table.columns)
    verb = f"CREATE TABLE {name} AS"
    for chunk in read_chunks(table, path, mapping=mapping):
        con.register("_cpo_kit_chunk", _local(table, chunk.frame, timezone))
        con.execute(f"{verb} SELECT {select} FROM _cpo_kit_chunk")
        con.unregister("_cpo_kit_chunk")
        verb = f"INSERT INTO {name}"
