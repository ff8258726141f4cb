"""Checking a folder of company data against the contract.

:func:`check_folder` reads every table present once, checks it against its
schema, its key, its row rules and the keys of the tables it refers to, and
returns the typed small tables with a report. Large tables are checked chunk
by chunk and not kept.
"""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from cpo_kit.core import formats
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.contract import TABLES, TYPE_NAMES, Table, describe_check
from cpo_kit.inputs.loaders import Chunk, join_chunks, read_chunks
from cpo_kit.inputs.loaders import show_value as _show
from cpo_kit.inputs.table_files import find_files

#: Problems of one kind in one column shown before the rest are counted.
MAX_EXAMPLES = 10


@dataclass
class TableSummary:
    """What was read of one table."""

    name: str
    path: Path
    rows: int = 0
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None


@dataclass
class Checked:
    """The outcome of :func:`check_folder`.

    Attributes
    ----------
    tables : dict
        Each small table present, typed to the contract (only when it had no problem).
    summaries : dict
        Rows and date range of every table present.
    problems : list of DataProblem
        Everything wrong, in table order.
    files : dict
        The file of every table present; large tables are read from here.
    ignored : list of Path
        Files in the folder that are not named after a table.
    """

    tables: dict[str, pd.DataFrame]
    summaries: dict[str, TableSummary]
    problems: list[DataProblem]
    files: dict[str, Path]
    ignored: list[Path]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_folder(folder: Path, *, columns: dict | None = None, progress: bool = False,
                 large_rows: int | None = None, only: tuple[str, ...] | None = None,
                 today: str | pd.Timestamp | None = None,
                 categories: dict | None = None) -> Checked:
    """Read and check every table in a data folder.

    Parameters
    ----------
    folder : Path
        A folder holding files named after the contract's tables.
    columns : dict, optional
        The ``columns:`` mapping of a params file: either ``{their_name: contract_name}``
        for every table, or ``{table: {their_name: contract_name}}``, or both.
    progress : bool
        Show a progress bar while large tables are read.
    large_rows : int, optional
        Check only about this many rows of each large table (its header and first
        rows): for data that was checked whole before, such as by ``cpo-kit validate``
        at the start of a run. By default every row is checked.
    only : tuple of str, optional
        Check only these tables of the folder.
    today : str or Timestamp, optional
        The day against which dates of things that have happened (signups, events)
        must not be in the future; today's date in UTC by default.
    categories : dict, optional
        The ``categories:`` of a params file, ``{table: {column: [allowed, ...]}}``:
        the company's own lists of values for its category columns (segments,
        channels, platforms). A value outside its list is a problem; columns
        without a list take any value.

    Returns
    -------
    Checked
    """
    folder = Path(folder)
    if not folder.is_dir():
        what = "a file, not a folder" if folder.exists() else "no such data folder"
        problem = DataProblem(str(folder), what,
                              expected="a folder of table files such as events.csv")
        return Checked({}, {}, [problem], {}, [])
    files, ignored, problems = find_files(folder, TABLES)
    if not files and not problems:
        problems.append(DataProblem(str(folder), "holds no table of the contract",
                                    found=", ".join(p.name for p in ignored[:8]) or "no files",
                                    expected="files named after tables, such as events.csv"))
    if only is not None:
        files = {name: path for name, path in files.items() if name in only}
    checked = Checked({}, {}, problems, files, ignored)
    today = pd.Timestamp(today if today is not None else pd.Timestamp.now("UTC").date())
    keys: dict[tuple[str, str], pa.Array] = {}
    for name in _referenced_first():
        table = TABLES[name]
        if name not in files:
            continue
        _check_table(table, files[name], column_mapping(columns, name), checked, keys,
                     today=today, progress=progress and table.large,
                     limit=large_rows if table.large else None,
                     allowed=(categories or {}).get(name) or {})
    return checked


def data_range(checked: Checked) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last day the data covers: the events' when present, else every table's.

    A month of ``mrr`` counts to its last day. None when no table has dates.
    """
    summaries = checked.summaries
    if "events" in summaries and summaries["events"].first is not None:
        chosen = [summaries["events"]]
    else:
        chosen = [s for s in summaries.values() if s.first is not None]
    if not chosen:
        return None
    first = min(s.first for s in chosen).normalize()
    last = max(s.last + pd.offsets.MonthEnd(0) if s.name == "mrr" else s.last
               for s in chosen).normalize()
    return first, last


def period_end_problem(period_end, checked: Checked) -> str | None:
    """What is wrong with ``period_end`` for this data, or None when it falls inside it.

    A period end before the data leaves every metric empty; one after it makes the
    months without data look like a collapse.
    """
    covered = data_range(checked)
    if covered is None:
        return None
    first, last = covered
    day = pd.Timestamp(period_end)
    if first <= day <= last:
        return None
    side = "before" if day < first else "after"
    return (f"period_end: {day:%Y-%m-%d} is {side} the data, which runs from "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")


def column_mapping(columns: dict | None, table: str) -> dict[str, str]:
    """The renames of a params file's ``columns:`` that apply to one table."""
    columns = columns or {}
    flat = {k: v for k, v in columns.items() if not isinstance(v, dict)}
    return {**flat, **(columns.get(table) or {})}


def _check_table(table: Table, path: Path, mapping: dict[str, str], checked: Checked,
                 keys: dict[tuple[str, str], pa.Array], *, today: pd.Timestamp,
                 progress: bool = False, limit: int | None = None,
                 allowed: dict[str, list[str]]) -> None:
    summary = TableSummary(table.name, path)
    checked.summaries[table.name] = summary
    log = _Log()
    frames = []
    chunks = read_chunks(table, path, mapping=mapping, **({"chunk_rows": limit} if limit else {}))
    if limit:
        chunks = itertools.islice(chunks, 1)
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc=f"checking {path.name}", unit=" chunks", leave=False)
    for chunk in chunks:
        log.extend(chunk.problems)
        log.counts.update(chunk.more)
        if not len(chunk.frame):
            continue
        log.extend(_schema_problems(table, path, chunk))
        log.extend(_rule_problems(table, path, chunk))
        log.extend(_future_problems(table, path, chunk, today))
        log.extend(_category_problems(path, chunk, allowed))
        log.extend(_reference_problems(table, path, chunk, keys))
        _summarise(table, chunk.frame, summary)
        if not table.large:
            frames.append(chunk)
    if frames:
        chunk = join_chunks(frames)
        log.extend(_key_problems(table, path, chunk))
        for column, (other, other_column) in table.references.items():
            if other == table.name:  # refers to itself: known only once it is read whole
                keys[(other, other_column)] = _key_set(chunk.frame[other_column])
                log.extend(_reference_problems(table, path, chunk, keys, only=column))
        # Keys are remembered even when the table has problems, so that rows of
        # other tables are not all reported as unknown because of one bad row.
        for (other, other_column) in _referenced(table.name):
            keys[(other, other_column)] = _key_set(chunk.frame[other_column])
        if not log.problems:
            checked.tables[table.name] = chunk.frame
    checked.problems.extend(log.done())


def _key_set(values: pd.Series) -> pa.Array:
    """A table's keys, made once into what :func:`_is_known` looks values up in."""
    return pa.array(values.dropna().unique(), type=pa.string())


def _is_known(values: pd.Series, keys: pa.Array) -> np.ndarray:
    # Series.isin would turn the keys into Python objects again for every chunk: with a
    # million users that was 3 s of each million events checked.
    found = pc.is_in(pa.array(values, type=pa.string(), from_pandas=True), value_set=keys)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _referenced_first() -> list[str]:
    """The tables in the contract's order, except that a table comes after those it
    refers to, whose keys must be known to check its references (mrr names products)."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for other, _ in TABLES[name].references.values():
            if other != name:
                visit(other)
        order.append(name)

    for name in TABLES:
        visit(name)
    return order


def _referenced(name: str) -> set[tuple[str, str]]:
    return {ref for t in TABLES.values() for ref in t.references.values() if ref[0] == name}


def _summarise(table: Table, frame: pd.DataFrame, summary: TableSummary) -> None:
    summary.rows += len(frame)
    dates = [n for n in table.required_columns if table.kind(n) in ("date", "timestamp")]
    if dates:
        values = frame[dates[0]]
        low, high = values.min(), values.max()
        if pd.notna(low):
            summary.first = low if summary.first is None else min(summary.first, low)
            summary.last = high if summary.last is None else max(summary.last, high)


def _schema_problems(table: Table, path: Path, chunk: Chunk) -> list[DataProblem]:
    try:
        table.schema.validate(chunk.frame, lazy=True)
        return []
    except SchemaErrors as error:
        cases = error.failure_cases
    problems = []
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index) or case.column not in table.columns:
            continue
        row = int(chunk.rows.iat[int(case.index)])
        if (row, case.column) in chunk.bad_cells:
            continue  # already reported as unreadable
        column = table.columns[case.column]
        if case.check == "not_nullable":
            problems.append(DataProblem(str(path), "missing value", row=row,
                                        column=case.column, expected="a value"))
        elif case.check_number is not None and not pd.isna(case.check_number):
            check = column.checks[int(case.check_number)]
            word = "not an allowed value" if check.name == "isin" else "out of range"
            problems.append(DataProblem(str(path), word, row=row, column=case.column,
                                        found=_show(case.failure_case),
                                        expected=describe_check(check)))
    return problems


def _rule_problems(table: Table, path: Path, chunk: Chunk) -> list[DataProblem]:
    problems = []
    for rule in table.rules:
        left, right = chunk.frame[rule.left], chunk.frame[rule.right]
        broken = (left < right).fillna(False)
        for i in broken[broken].index[:MAX_EXAMPLES + 1]:
            problems.append(DataProblem(
                str(path), rule.message, row=int(chunk.rows.iat[i]), column=rule.left,
                found=_show(left.iat[i]), expected=f"on or after {rule.right} "
                f"{_show(right.iat[i])}"))
    return problems


def _future_problems(table: Table, path: Path, chunk: Chunk, today: pd.Timestamp
                     ) -> list[DataProblem]:
    # A day of grace: a company ahead of UTC is already living tomorrow.
    limit = today + pd.Timedelta(days=2)
    problems = []
    for name in table.columns:
        if not table.past(name):
            continue
        values = chunk.frame[name]
        future = (values >= limit).fillna(False)
        for i in future[future].index[:MAX_EXAMPLES + 1]:
            problems.append(DataProblem(
                str(path), "in the future", row=int(chunk.rows.iat[i]), column=name,
                found=_show(values.iat[i]),
                expected=f"a {TYPE_NAMES[table.kind(name)]} on or before today, "
                f"{today:%Y-%m-%d}"))
    return problems


def _category_problems(path: Path, chunk: Chunk, allowed: dict[str, list[str]]
                       ) -> list[DataProblem]:
    problems = []
    for name, values in allowed.items():
        column = chunk.frame[name]
        outside = (~column.isin(values) & column.notna()).to_numpy()
        for i in np.flatnonzero(outside)[:MAX_EXAMPLES + 1]:
            problems.append(DataProblem(
                str(path), "not one of the company's values", row=int(chunk.rows.iat[i]),
                column=name, found=_show(column.iat[i]),
                expected="one of " + ", ".join(values) + " (categories: in the params file)"))
    return problems


def _key_problems(table: Table, path: Path, chunk: Chunk) -> list[DataProblem]:
    if not table.key:
        return []
    frame = chunk.frame[list(table.key)]
    repeated = frame.duplicated(keep="first") & frame.notna().all(axis=1)
    if not repeated.any():
        return []
    first_row = {}
    for i, key in enumerate(frame.itertuples(index=False, name=None)):
        first_row.setdefault(key, int(chunk.rows.iat[i]))
    problems = []
    for i in repeated[repeated].index:
        key = tuple(frame.iloc[i])
        shown = ", ".join(f"{c}={_show(v)}" for c, v in zip(table.key, key))
        problems.append(DataProblem(
            str(path), "duplicate key", row=int(chunk.rows.iat[i]), column=table.key[0],
            found=f"{shown}, first on row {first_row[key]}", expected="each key once"))
    return problems


def _reference_problems(table: Table, path: Path, chunk: Chunk,
                        keys: dict[tuple[str, str], pa.Array], only: str | None = None
                        ) -> list[DataProblem]:
    problems = []
    for column, target in table.references.items():
        if target not in keys or (only is not None and column != only):
            continue
        if target[0] == table.name and only is None:
            continue
        values = chunk.frame[column]
        unknown = values.notna() & ~_is_known(values, keys[target])
        for i in unknown[unknown].index[:MAX_EXAMPLES + 1]:
            problems.append(DataProblem(
                str(path), f"unknown {target[0]} key", row=int(chunk.rows.iat[i]),
                column=column, found=_show(values.iat[i]),
                expected=f"a {target[1]} listed in the {target[0]} table"))
    return problems


class _Log:
    """Collects problems, keeping at most MAX_EXAMPLES of one kind in one column."""

    def __init__(self):
        self.problems: list[DataProblem] = []
        self.counts: Counter = Counter()

    def extend(self, problems: list[DataProblem]) -> None:
        for p in problems:
            kind = (p.file, p.column, p.message)
            self.counts[kind] += 1
            if self.counts[kind] <= MAX_EXAMPLES:
                self.problems.append(p)

    def done(self) -> list[DataProblem]:
        more = [DataProblem(file, f"and {formats.count(n - MAX_EXAMPLES)} more rows: {message}",
                            column=column)
                for (file, column, message), n in self.counts.items() if n > MAX_EXAMPLES]
        return self.problems + more


# Printing the outcome of a check for people: a summary table or the problems.

def summary_lines(checked: Checked, folder: Path | str) -> list[str]:
    """A table of what was read: rows and date range of each table present."""
    lines = [f"{folder}: {len(checked.summaries)} of {len(TABLES)} tables present, all valid",
             "", f"  {'table':<13} {'file':<22} {'rows':>12}  {'from':<10}  {'to':<10}"]
    for name in (n for n in TABLES if n in checked.summaries):
        s = checked.summaries[name]
        first = s.first.strftime("%Y-%m-%d") if s.first is not None else ""
        last = s.last.strftime("%Y-%m-%d") if s.last is not None else ""
        lines.append(f"  {name:<13} {s.path.name:<22} {s.rows:>12,}  {first:<10}  {last:<10}")
    absent = [n for n in TABLES if n not in checked.summaries]
    if absent:
        lines += ["", "Not provided (the sections that need them will say so): " + ", ".join(
            absent)]
    if checked.ignored:
        # Files named after a table are read or refused, never ignored: these name none.
        lines += ["", "Ignored, not named after a table: " + ", ".join(
            p.name + "/" * p.is_dir() for p in checked.ignored)]
    return lines


def problem_lines(checked: Checked | DataError) -> list[str]:
    """Every problem on its own line, then a count."""
    lines = [str(p) for p in checked.problems]
    files = len({p.file for p in checked.problems})
    lines.append(f"{len(checked.problems)} problem{'s' * (len(checked.problems) != 1)} in "
                 f"{files} file{'s' * (files != 1)}: nothing was run or written.")
    return lines
