"""Reading company tables from CSV, Parquet and Excel files into typed frames.

Reading never raises on bad content: every problem becomes a
:class:`~cpo_kit.core.errors.DataProblem` naming file, row and column, and the caller
decides what to do with the list. Large tables are read in chunks. The lines of
CSV files are found by :mod:`cpo_kit.inputs.csv_text`.
"""
from __future__ import annotations

import difflib
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs import csv_text
from cpo_kit.inputs.contract import TYPE_NAMES, TYPE_WORDS, Table
from cpo_kit.inputs.table_files import file_format, normalise

#: How far down an Excel sheet to look for a header that is not on the first row.
HEADER_SEARCH_ROWS = 20
CHUNK_ROWS = 1_000_000


@dataclass
class Chunk:
    """Part of a table, typed to the contract, with the problems found reading it.

    ``frame`` holds the contract's columns (missing optional ones added empty)
    and ``rows`` the row number the user sees for each of its rows.
    """

    frame: pd.DataFrame
    rows: pd.Series
    problems: list[DataProblem] = field(default_factory=list)
    #: (row number, column) pairs that already have a problem, so that a value
    #: which could not be read is not reported a second time as missing.
    bad_cells: set[tuple[int, str]] = field(default_factory=set)
    #: Problems left out of ``problems`` to keep it short: (file, column, message) -> count.
    more: Counter = field(default_factory=Counter)


def read_chunks(table: Table, path: Path, *, mapping: dict[str, str] | None = None,
                chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read a table file chunk by chunk, typed to the contract.

    Parameters
    ----------
    table : Table
        The contract of the table.
    path : Path
        A CSV, Parquet or Excel file.
    mapping : dict, optional
        The company's column names to the contract's, from the params file.
    chunk_rows : int
        Rows per chunk for CSV and Parquet files.

    Yields
    ------
    Chunk
        Typed rows with their problems. A file that cannot be read at all, or
        whose header lacks a required column, yields one empty chunk holding the
        problems.
    """
    mapping = mapping or {}
    reader = {"csv": _csv_frames, "parquet": _parquet_frames, "excel": _excel_frames}
    raw = reader[file_format(path)[0]](path, chunk_rows, table, mapping)
    checked = any_rows = False
    try:
        for frame, rows, header_row in raw:
            frame = _rename(frame, mapping)
            if not checked:
                checked = True
                if problems := _header_problems(table, path, frame, header_row):
                    yield _empty(table, problems)
                    return
            if len(frame):
                any_rows = True
                yield _typed(table, path, frame, rows)
    except _Unreadable as error:
        yield _empty(table, [error.problem])
        return
    if not any_rows:
        yield _empty(table, [DataProblem(str(path), "has a header but no rows",
                                         expected="at least one row of data")])


def read_table(table: Table, path: Path, *, mapping: dict[str, str] | None = None) -> Chunk:
    """Read a whole (small) table: :func:`read_chunks` joined into one chunk."""
    return join_chunks(list(read_chunks(table, path, mapping=mapping)))


def join_chunks(chunks: list[Chunk]) -> Chunk:
    """Several chunks of one table as one, rows and problems in file order."""
    if len(chunks) == 1:
        return chunks[0]
    return Chunk(pd.concat([c.frame for c in chunks], ignore_index=True),
                 pd.concat([c.rows for c in chunks], ignore_index=True),
                 [p for c in chunks for p in c.problems],
                 set().union(*(c.bad_cells for c in chunks)),
                 sum((c.more for c in chunks), Counter()))


class _Unreadable(Exception):
    # Control flow inside this module only: a file that cannot be read stops its
    # reading, and read_chunks catches it and reports its DataProblem; it never leaves
    # loaders, so it does not join the user-facing errors in core/errors.py.
    def __init__(self, problem: DataProblem):
        self.problem = problem


def _empty(table: Table, problems: list[DataProblem]) -> Chunk:
    frame = pd.DataFrame({name: pd.Series(dtype=c.dtype.type) for name, c in
                          table.columns.items()})
    return Chunk(frame, pd.Series(dtype="int64"), problems)


# --- readers: each yields (raw frame, the row number of each of its rows, header row) ---

def _csv_frames(path: Path, chunk_rows: int, table: Table, mapping: dict[str, str]):
    compression = file_format(path)[1]
    # The header as written: pandas renames a second "user_id" to "user_id.1", which
    # would hide that the column appears twice.
    names = csv_text.header_names(path, compression)
    wanted = {normalise(k): normalise(v) for k, v in mapping.items()}
    try:
        lines = csv_text.scan(path, compression=compression, header=names and [
            wanted.get(normalise(n), normalise(n)) or None for n in names])
    except DataError as error:
        raise _Unreadable(error.problems[0]) from None
    if not lines.records:
        raise _Unreadable(DataProblem(str(path), "the file is empty",
                                      expected="a header row and rows of data"))
    # Before pandas reads a row: a row with a comma would be longer than a header
    # joined by semicolons, and refused for that instead.
    _refuse_other_separators(path, names, lines.header)
    # index_col=False: a first row longer than the header would otherwise make pandas
    # take the first column for the index, and read every column one place off.
    reader = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                         chunksize=chunk_rows, encoding="utf-8-sig", compression=compression,
                         index_col=False)
    try:
        with reader:
            while True:
                with warnings.catch_warnings():
                    # ... and with it, pandas drops that row's last values with a warning.
                    warnings.simplefilter("error", pd.errors.ParserWarning)
                    frame = next(reader, None)
                if frame is None:
                    return
                if names is not None and len(names) == len(frame.columns):
                    frame.columns = names
                # pandas calls a blank header cell "Unnamed: 3"; blank names are named in
                # one place for every format (_rename).
                frame.columns = ["" if re.fullmatch(r"Unnamed: \d+", c) else c
                                 for c in frame.columns]
                yield frame, lines.rows(frame.index.to_numpy()), lines.header
    except pd.errors.ParserWarning:
        raise _Unreadable(_longer_row(path, int(lines.rows(np.zeros(1))[0]))) from None
    except pd.errors.ParserError as error:
        line = re.search(r"Expected \d+ fields in line (\d+)", str(error))
        if line is None:  # what the scan did not foresee, said as pandas says it
            raise _Unreadable(DataProblem(str(path), "cannot be read as CSV",
                                          found=_first_line(error),
                                          expected="a comma-separated file")) from None
        raise _Unreadable(_longer_row(path, lines.pandas_line(int(line.group(1))))) from None


def _longer_row(path: Path, row: int) -> DataProblem:
    return DataProblem(str(path), "a row has more fields than the header", row=row,
                       expected="one field per column (quote values that contain commas)")


def _refuse_other_separators(path: Path, names: list[str] | None, header_row: int) -> None:
    # One problem, not one per missing column: the columns are all there, joined by
    # another sign (a spreadsheet set to a European locale saves with semicolons).
    if not names:
        return
    header = str(names[0])
    if len(names) == 1 and (sep := next((s for s in ";\t|" if s in header), None)):
        label = {";": "semicolons", "\t": "tabs", "|": "pipes"}[sep]
        raise _Unreadable(DataProblem(
            str(path), f"the columns are separated by {label}", row=header_row,
            found=f"one column {show_value(header)}",
            expected="columns separated by commas: save the file as comma-separated CSV"))


def _parquet_frames(path: Path, chunk_rows: int, table: Table, mapping: dict[str, str]):
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        if not parquet.schema_arrow.names:
            raise _Unreadable(DataProblem(
                str(path), "the file has no columns",
                expected=f"columns {', '.join(table.required_columns)}"))
        if parquet.metadata.num_rows == 0:
            yield _parquet_frame(parquet.schema_arrow.empty_table()), np.zeros(0, int), None
            return
        start = 0
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            _check_parquet_text(path, batch, start)
            frame = _parquet_frame(batch)
            # A record's number, from 1: Parquet has no lines.
            yield frame, np.arange(start + 1, start + len(frame) + 1), None
            start += len(frame)
    except (OSError, ValueError) as error:  # pyarrow's errors derive from these
        raise _Unreadable(DataProblem(str(path), "cannot be read as a Parquet file",
                                      found=_first_line(error),
                                      expected="a complete Parquet file")) from None


def _check_parquet_text(path: Path, batch, start: int) -> None:
    """Name the first value of a text column that is not UTF-8, like a CSV file's first."""
    import pyarrow as pa

    # pyarrow reads text without checking it, and pandas fails on it later.
    for name, column in zip(batch.schema.names, batch.columns):
        try:
            column.validate(full=True)
        except pa.ArrowInvalid:
            # A categorical's values are read whole, whichever rows use them: no row to name.
            values = column.dictionary if pa.types.is_dictionary(column.type) else column
            if values.type not in (pa.string(), pa.large_string()):
                raise  # damage of another kind
            raw = values.view(pa.binary() if values.type == pa.string() else pa.large_binary())
            texts = raw.to_pylist()
            first = next((i for i, v in enumerate(texts) if v and _utf8(v) is None), None)
            if first is None:
                raise
            raise _Unreadable(DataProblem(
                str(path), "the text is not UTF-8",
                row=start + first + 1 if values is column else None,
                column=normalise(name) or None, found=show_value(texts[first]),
                expected="text saved as UTF-8")) from None


def _parquet_frame(data) -> pd.DataFrame:
    names = data.schema.names
    if len(set(names)) < len(names):
        # pyarrow gives each column the pandas type of the first of its name, and fails
        # when that type cannot hold it: convert them by place, then name them back.
        frame = data.rename_columns([str(i) for i in range(len(names))]).to_pandas(
            ignore_metadata=True, date_as_object=False).set_axis(names, axis=1)
    else:
        # Days as datetime64, not Python's dates, which end at year 9999 and fail beyond.
        frame = data.to_pandas(date_as_object=False)
        # pandas saves a frame's named index (df.set_index("account_id").to_parquet()) and
        # makes it the index again when reading: it is one of the file's columns all the
        # same, unless it was kept as a column too (set_index(..., drop=False)).
        index = [n for n in frame.index.names if n is not None and n not in frame.columns]
        frame = frame.reset_index(level=index) if index else frame
    # Times with a zone are checked in UTC, and after year 9999 pandas cannot even write
    # them out with their zone (it fails where a message quotes one): read them in UTC.
    for i, dtype in enumerate(frame.dtypes):
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame.isetitem(i, frame.iloc[:, i].dt.tz_convert(None))
    return frame


def _excel_frames(path: Path, chunk_rows: int, table: Table, mapping: dict[str, str]):
    with warnings.catch_warnings():
        # openpyxl warns of what it leaves out (styles, extensions) and of dates beyond
        # Excel's, which it reads as #VALUE!: the cell's problem is reported all the same.
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        rows = _excel_rows(path, table)
    if not any(v is not None for r in rows for v in r):
        raise _Unreadable(DataProblem(str(path), "the sheet is empty",
                                      expected="a header row and rows of data"))
    _refuse_low_header(table, path, rows, mapping)
    width = max(len(r) for r in rows)
    header = rows[0] + [None] * (width - len(rows[0]))
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows[1:]], dtype=object,
                         columns=["" if v is None else str(v) for v in header])
    # Blank rows are formatting, not data; the index keeps every other row's place.
    frame = frame.dropna(how="all")
    yield frame, frame.index.to_numpy() + 2, 1


def _excel_rows(path: Path, table: Table) -> list[list]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike
        raise _Unreadable(DataProblem(str(path), "cannot be read as an Excel workbook",
                                      found=_first_line(error),
                                      expected="an .xlsx file")) from None
    try:
        names = book.sheetnames
        named = [n for n in names if normalise(n) == table.name]
        if len(names) > 1 and not named:
            raise _Unreadable(DataProblem(
                str(path), "the workbook has several sheets and none is named after the table",
                found=", ".join(names), expected=f"one sheet, or a sheet named {table.name}"))
        sheet = book[(named or names)[0]]
        # The read-only mode reads no further than the used range the file states, which
        # some writers leave at A1: measure it from the cells instead.
        sheet.reset_dimensions()
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _refuse_low_header(table: Table, path: Path, rows: list[list], mapping: dict[str, str]):
    """A title or notes above the header is common in Excel; say where the header is."""
    wanted = set(table.required_columns)
    wanted_map = {normalise(k): normalise(v) for k, v in mapping.items()}

    def names(row):
        return {wanted_map.get(normalise(v), normalise(v)) for v in row if v is not None}

    if wanted <= names(rows[0]):
        return
    for number, row in enumerate(rows[1:HEADER_SEARCH_ROWS], start=2):
        if wanted <= names(row):
            raise _Unreadable(DataProblem(
                str(path), "the header is not on the first row", row=number,
                found=f"column names on row {number}",
                expected="the header on row 1: delete the rows above it"))


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


# --- header and types ---

def _rename(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    wanted = {normalise(k): normalise(v) for k, v in mapping.items()}
    names = [wanted.get(normalise(c), normalise(c)) for c in frame.columns]
    # A blank name (an empty header cell, a Parquet column named "") would be named by
    # nothing in messages: name it by its place instead.
    return frame.set_axis([n or f"unnamed_{i}" for i, n in enumerate(names, start=1)], axis=1)


def _header_problems(table: Table, path: Path, frame: pd.DataFrame,
                     header_row: int | None) -> list[DataProblem]:
    names = list(frame.columns)
    problems = []
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(DataProblem(str(path), "the column appears more than once",
                                    row=header_row, column=name, expected="unique column names"))
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    unknown = [n for n in names if n not in table.columns]
    for name in table.required_columns:
        if name not in names:
            expected = f"a column named {name}"
            if like := _looks_like(name, unknown):
                expected += (f"; {like} looks like it: rename it, or map it under columns: "
                             "in the params file")
            problems.append(DataProblem(
                str(path), "missing required column", row=header_row, column=name,
                found=f"columns {shown}", expected=expected))
    return problems


def _looks_like(name: str, candidates: list[str]) -> str | None:
    """The company's column that is most likely the contract's ``name`` under another spelling."""
    def squashed(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    # A column without a name (unnamed_2) is nobody's other spelling.
    forms = {squashed(c): c for c in candidates
             if squashed(c) and not re.fullmatch(r"unnamed_\d+", c)}
    wanted = squashed(name)
    match = difflib.get_close_matches(wanted, list(forms), n=1, cutoff=0.8)
    if not match:  # event_name for event, user for user_id
        match = [f for f in forms
                 if min(len(f), len(wanted)) >= 3 and (wanted in f or f in wanted)]
    return forms[match[0]] if match else None


def _typed(table: Table, path: Path, frame: pd.DataFrame, rows: np.ndarray) -> Chunk:
    rows = pd.Series(rows, dtype="int64")
    frame = frame.reset_index(drop=True)
    chunk = Chunk(pd.DataFrame(index=frame.index), rows)
    for name, column in table.columns.items():
        kind = column.metadata["kind"]
        if name not in frame:
            chunk.frame[name] = pd.Series(pd.NA, index=frame.index, dtype=column.dtype.type)
            continue
        values, bad = _coerce(frame[name], kind)
        chunk.frame[name] = values.astype(column.dtype.type)
        message = f"not a valid {TYPE_NAMES[kind]}"
        for i in bad[:_MAX_BAD].tolist():
            chunk.problems.append(DataProblem(
                str(path), message, row=int(rows.iat[i]), column=name,
                found=show_value(frame[name].iat[i]), expected=TYPE_WORDS[kind]))
        if len(bad) > _MAX_BAD:
            chunk.more[(str(path), name, message)] += len(bad) - _MAX_BAD
        chunk.bad_cells.update((int(rows.iat[i]), name) for i in bad.tolist())
    return chunk


_MAX_BAD = 10
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def _coerce(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Index]:
    """Convert raw values to the column's kind; return them and the positions that failed."""
    present = values.notna()
    if values.dtype == object:
        # A Parquet column of binary, as some writers save text: bytes that are not
        # UTF-8 are no value of any kind (pandas fails on them).
        values = values.map(_utf8, na_action="ignore")
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        stripped = values.astype("str").where(present).str.strip()
        present = present & (stripped != "")
        values = stripped.where(present)
    if kind == "string":
        whole = values.dropna()
        # 1001.0 from Excel is the id 1001; a float beyond Int64 (1e19) stays as it is.
        if pd.api.types.is_float_dtype(values) and ((whole % 1 == 0)
                                                    & (whole.abs() < 2**63)).all():
            values = values.astype("Int64")
        out = values.astype("str").where(present)
    elif kind in ("integer", "number"):
        if pd.api.types.is_bool_dtype(values):
            values = values.astype("Int64")
        elif values.dtype.kind in "mM":
            # pandas would take a date or a duration for its count of units since 1970.
            values = values.astype("str").where(present)
        out = pd.to_numeric(values, errors="coerce")
        # 1e309 reads as infinity, and 40 digits overflow a whole number: not numbers here.
        out = out.where(out.isna() | (out.abs() < (2**63 if kind == "integer" else math.inf)))
        if kind == "integer":
            fractional = out.notna() & (out % 1 != 0)
            out = out.where(~fractional)
    elif kind == "boolean":
        if pd.api.types.is_bool_dtype(values):
            out = values.astype("boolean")
        elif pd.api.types.is_numeric_dtype(values):
            # 1 and 0 are true and false as in text, also as 1.0 and 0.0 from a float column.
            out = values.map({1: True, 0: False}).astype("boolean")
        else:
            text = values.astype("str").str.lower()
            out = pd.Series(pd.NA, index=values.index, dtype="boolean")
            out[text.isin(_TRUE)] = True
            out[text.isin(_FALSE)] = False
    else:
        if pd.api.types.is_datetime64_any_dtype(values):
            out = values.dt.tz_convert(None) if values.dt.tz is not None else values
        else:
            if not pd.api.types.is_string_dtype(values):
                # Numbers, true/false and durations are read as text, as from a CSV file:
                # pandas fails on true/false and durations, and will take numbers for epochs.
                values = values.astype("str").where(present)
            out = pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")
            out = out.dt.tz_convert(None)
        # ISO 8601 allows years such as -5 or 9999, which no column can hold: not a date.
        out = out.where(out.isna() | out.dt.year.between(1678, 2261))
        if kind == "date":
            out = out.dt.floor("D")
    bad = values.index[present & out.isna()]
    return out.where(present), bad


def _utf8(value: object) -> object:
    """The text of UTF-8 bytes, None for other bytes; any other value as it is."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return value


def show_value(value: object) -> str:
    """A value as messages quote it: short, and numbers and dates without noise."""
    if isinstance(value, float):
        value = f"{value:g}"
    if isinstance(value, pd.Timestamp):
        value = value.isoformat(sep=" ").removesuffix(" 00:00:00")
    if isinstance(value, bytes):  # from a Parquet column of binary: its text if it has one
        value = _utf8(value) or f"bytes {value.hex(' ')}"
    text = str(value)
    return repr(text[:60] + "..." if len(text) > 60 else text)
