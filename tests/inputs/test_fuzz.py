"""Fuzzing the loaders and the validator: random files around the contract.

Whatever a folder holds, ``cpo-kit validate`` either accepts it (exit 0) or says
what is wrong, one problem a line, naming the file (exit 2). A traceback, an
"internal error" or any other exit status is a defect.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import io
import re
import reprlib
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cpo_kit.cli import main
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.loaders import normalise

#: Cell values a messy export holds: plausible ones, near misses and garbage.
CELLS = st.one_of(
    st.sampled_from(["", "0", "-5", "3.5", "1e309", "nan", "NULL", "2026-10-31",
                     "2026-02-30", "2126-01-01", "31/10/2026", "2026-10-31 25:61:00",
                     "SMB", "Enterprise", "nps", "true", "maybe", "P1", "A1", "u1",
                     "login", "\"quoted, comma\"", "<b>x</b>", "é€😀", "9" * 40]),
    st.text(min_size=0, max_size=12),
)


@st.composite
def contract_headers(draw):
    """A table's name and a header for it: its contract's columns, or some of them and others."""
    table = draw(st.sampled_from(sorted(TABLES)))
    contract = list(TABLES[table].columns)
    header = draw(st.lists(st.sampled_from(contract + ["extra", "Account ID", ""]),
                           min_size=0, max_size=len(contract) + 2))
    if draw(st.booleans()):
        header = contract
    return table, header


@st.composite
def table_files(draw):
    """A table's name and the bytes of a CSV file for it, more or less to contract."""
    table, header = draw(contract_headers())
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)),
                         max_size=6))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    text = "\n".join(delimiter.join(_quoted(c) for c in row) for row in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    return table, text.encode(encoding, errors="replace")


def _quoted(cell: str) -> str:
    if any(ch in cell for ch in ",;\t\n\r\""):
        return '"' + cell.replace('"', '""') + '"'
    return cell


#: Failing examples shown short: a cell of 33,000 characters is cut to 80.
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother = 6, 20, 20, 80, 80


class Made(NamedTuple):
    """A file the strategies made, with what reading it must show."""

    table: str
    content: bytes
    #: The row numbers a problem of the file may name.
    rows: set[int]
    #: Whether the file is whole (not cut, garbled or something else), so it can be read.
    whole: bool
    #: Whether the header has every required column where the reader looks for it.
    header: bool
    #: What went into the file, to show instead of its bytes when an example fails.
    source: object = None

    def __repr__(self) -> str:
        return (f"Made({self.table!r}, {SHORT.repr(self.source)}, rows={sorted(self.rows)}, "
                f"whole={self.whole}, header={self.header})")


def has_required(table: str, header: list[str]) -> bool:
    """Whether ``header`` names every column that ``table`` requires, in any spelling."""
    return set(TABLES[table].required_columns) <= {normalise(name) for name in header}


#: Cells that make a record span lines, or look like something else at a line's start.
MULTILINE_CELLS = st.one_of(CELLS, st.sampled_from([
    "two\nlines", 'say "hi"\r\nthere', "\n", "#note", "# 2026-10-31", '"', " \t "]))


@st.composite
def csv_files_with_lines(draw):
    """A CSV file with blank lines, line breaks inside quoted values, CRLF or a byte-order
    mark, maybe compressed: its table, file name and the lines on which records start."""
    table, header = draw(contract_headers())
    width = max(len(header), 1)
    records = [header, *draw(st.lists(st.lists(MULTILINE_CELLS, min_size=width,
                                                max_size=width), max_size=6))]
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text, line, starts = "\ufeff" if draw(st.booleans()) else "", 1, set()
    for record in records:
        for _ in range(draw(st.integers(0, 2))):  # blank lines, empty or of spaces
            text += draw(st.sampled_from(["", " ", "\t "])) + end
            line += 1
        starts.add(line)
        written = ",".join(_quoted(c) for c in record) + end
        text += written
        line += len(re.findall(r"\r\n|\r|\n", written))
    ending = draw(st.sampled_from(["csv", "csv", "csv.gz"]))
    content = text.encode()
    if ending == "csv.gz":
        content = gzip.compress(content, mtime=0)
    return f"{table}.{ending}", Made(table, content, starts, whole=True,
                                     header=has_required(table, header), source=text)


#: Datetimes from year 1 to 9999, most of them where a company's data lies.
DATETIMES = st.one_of(
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2027, 12, 31)),
    st.datetimes())
#: Dates a nanosecond timestamp can hold (pandas' old unit, still what many tools write).
NANOSECOND_TIMES = st.datetimes(min_value=dt.datetime(1678, 1, 1),
                                max_value=dt.datetime(2261, 12, 31))

#: Values of the right type for each kind of column of the contract, so that some
#: tables pass and the checks behind the types (keys, ranges, references) are reached.
PLAUSIBLE = {
    "string": st.sampled_from(["A1", "A2", "u1", "u2", "P1", "M1", "Acme"]),
    "boolean": st.booleans(),
    "date": st.dates(dt.date(2020, 1, 1), dt.date(2026, 10, 31)),
    "timestamp": st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2026, 10, 31)),
}


def plausible(table: str, column: str) -> st.SearchStrategy:
    """Values that the contract allows in ``column``, mostly; text for a column it does not know."""
    columns = TABLES[table].columns
    if column not in columns:
        return CELLS
    checks = {check.name: check.statistics for check in columns[column].checks}
    if "isin" in checks:
        return st.sampled_from(checks["isin"]["allowed_values"])
    low = min((c["min_value"] for c in checks.values() if "min_value" in c), default=0)
    high = max((c["max_value"] for c in checks.values() if "max_value" in c), default=low + 10)
    kind = columns[column].metadata["kind"]
    if kind == "integer":
        return st.integers(low, high)
    if kind == "number":
        return st.sampled_from([float(low), (low + high) / 2, float(high)])
    return PLAUSIBLE[kind]


#: The typed columns of Parquet files that tools write: an Arrow type and one cell's values.
ARROW_COLUMNS = {
    "int64": (pa.int64(), st.one_of(st.integers(0, 10), st.integers(-2**63, 2**63 - 1))),
    "uint64": (pa.uint64(), st.integers(2**63, 2**64 - 1)),  # beyond a signed 64-bit int
    "float64": (pa.float64(), st.one_of(st.sampled_from([0.5, 1.0, 3.0, 2026.0]), st.floats())),
    "bool": (pa.bool_(), st.booleans()),
    "timestamp": (pa.timestamp("us"), DATETIMES),
    "timestamp ns": (pa.timestamp("ns"), NANOSECOND_TIMES),
    "timestamp utc": (pa.timestamp("us", tz="UTC"), DATETIMES),
    "timestamp paris": (pa.timestamp("ms", tz="Europe/Paris"), NANOSECOND_TIMES),
    "date": (pa.date32(), st.dates()),
    "time": (pa.time64("us"), st.times()),
    "duration": (pa.duration("s"), st.timedeltas(min_value=dt.timedelta(days=-10**6),
                                                  max_value=dt.timedelta(days=10**6))),
    "decimal": (pa.decimal128(38, 6), st.decimals(min_value=-10**30, max_value=10**30,
                                                  places=6)),
    "string": (pa.string(), CELLS),
    # A pandas object column of mixed values: pyarrow cannot store it until it is text.
    "mixed": (pa.string(), st.one_of(st.integers(), st.floats(), st.booleans(), st.dates(),
                                     CELLS).map(str)),
    "category": (pa.string(), CELLS),  # dictionary-encoded, as pandas saves categoricals
    # Text as bytes, as some writers save it, and bytes that are no text at all.
    "binary": (pa.binary(), st.one_of(CELLS.map(str.encode), st.binary(max_size=8))),
    # Text columns whose writer did not check that the bytes are UTF-8 (made as binary).
    "unchecked text": (pa.binary(), st.one_of(CELLS.map(str.encode), st.binary(max_size=8))),
    # Any day or instant that a count of days or microseconds can hold, as writers save
    # far-off dates such as "never" (made as whole numbers).
    "any day": (pa.int32(), st.integers(-2**31 + 1, 2**31 - 1)),
    "any instant": (pa.int64(), st.one_of(st.sampled_from([2**63 - 1, 253_402_300_800_000_000]),
                                          st.integers(-2**63 + 1, 2**63 - 1))),
    "list": (pa.list_(pa.string()), st.lists(CELLS, max_size=2)),
    "null": (pa.null(), st.none()),
}


#: Columns made as one type and saved as another, which no check of pyarrow's stops.
SAVED_AS = {"unchecked text": pa.string(), "any day": pa.date32(),
            "any instant": pa.timestamp("us", tz="UTC")}


@st.composite
def parquet_files(draw):
    """A Parquet file for a table: its records are the rows a problem may name.

    The columns are all text, or typed as pandas infers them from text, or of the
    contract's types, or typed each its own way; now and then the file is cut
    short, garbled or empty.
    """
    table, header = draw(contract_headers())
    rows = draw(st.integers(0, 4))
    how = draw(st.sampled_from(["text", "inferred", "plausible", "typed", "typed", "cut",
                                "garbled", "empty"]))
    out = pa.BufferOutputStream()
    if how == "inferred":
        frame = _inferred_frame(draw, header, rows)
        if len(frame.columns) and draw(st.booleans()):
            # to_parquet keeps the index, and read back it is the index again, not a column.
            frame = frame.set_index(frame.columns[0], drop=draw(st.booleans()))
        frame.to_parquet(out)
        source = [how, frame.index.name, frame.to_dict("list")]
    else:
        source = [how]
        complete = how == "plausible" and draw(st.booleans())
        arrays = []
        for name in header:
            kind = {"text": "string", "plausible": "plausible"}.get(how) or draw(
                st.sampled_from(["plausible", *sorted(ARROW_COLUMNS)]))
            # Arrow infers the type of plausible values: dates as date32, and so on.
            arrow_type, values = ARROW_COLUMNS.get(kind, (None, plausible(table, name)))
            cells = draw(st.lists(values if complete else st.none() | values,
                                  min_size=rows, max_size=rows))
            source.append((name, kind, cells))
            array = pa.array(cells, type=arrow_type)
            if kind in SAVED_AS:
                array = array.view(SAVED_AS[kind])
            if kind == "category" or (kind == "unchecked text" and draw(st.booleans())):
                array = array.dictionary_encode()
            arrays.append(array)
        pq.write_table(pa.Table.from_arrays(arrays, names=header), out,
                       row_group_size=draw(st.sampled_from([None, 1, 2])))
    content = out.getvalue().to_pybytes()
    if how == "cut":
        content = content[:draw(st.integers(0, len(content) - 1))]
    elif how == "garbled":
        at = draw(st.integers(0, len(content) - 1))
        content = content[:at] + draw(st.binary(min_size=1, max_size=8)) + content[at + 8:]
    elif how == "empty":
        content = b""
    whole = how not in ("cut", "garbled", "empty")
    return Made(table, content, set(range(1, rows + 1)), whole,
                header=whole and has_required(table, header),
                source=source if content else "no bytes")


def _inferred_frame(draw, header: list[str], rows: int) -> pd.DataFrame:
    """What pandas makes of a CSV file: numbers, true/false and dates typed, the rest text."""
    if not header:
        return pd.DataFrame(index=range(rows))
    text = io.StringIO()
    csv.writer(text).writerows([header, *draw(st.lists(
        st.lists(CELLS, min_size=len(header), max_size=len(header)),
        min_size=rows, max_size=rows))])
    frame = pd.read_csv(io.StringIO(text.getvalue()))
    for name in frame.columns:
        if frame[name].dtype == object:  # 40 digits read as Python ints: saved as text
            frame[name] = frame[name].map(str, na_action="ignore")
        with contextlib.suppress(ValueError, TypeError, OverflowError):
            if frame[name].dtype == "str":
                frame[name] = pd.to_datetime(frame[name], format="ISO8601")
    return frame


#: Cell values of a workbook: text as in CSV files, and whatever Python type a cell can hold.
EXCEL_CELLS = st.one_of(
    st.none(),
    CELLS,
    st.integers(0, 10),
    st.integers(-2**70, 2**70),
    st.floats(),  # not a number and infinity are saved, and read back as empty cells
    st.booleans(),
    DATETIMES,
    st.dates(),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-999), max_value=dt.timedelta(days=999)),
    # Formulas have no saved value (openpyxl does not compute them); error values are text.
    # Text beyond the 32,767 characters Excel allows a cell, and Excel's last day.
    st.sampled_from(["=SUM(A1:A3)", "=1/0", "=", "#N/A", "#DIV/0!", " SMB ", "x" * 33_000,
                     "2026-10-31T10:00:00Z", dt.datetime(9999, 12, 31),
                     dt.datetime(9999, 12, 31, 23, 59, 59, 999_999)]),
)


@st.composite
def excel_files(draw):
    """An .xlsx file for a table: the rows with something in them may be named by a problem.

    The sheet may have a title above the header, blank rows, rows longer or
    shorter than the header, and other sheets beside it; now and then the file is
    no workbook at all.
    """
    table, header = draw(contract_headers())
    if draw(st.integers(0, 9)) == 0:
        content = draw(st.sampled_from([
            b"", b"account_id,name\nA1,Acme\n", b"PK\x03\x04 not really a zip",
            _workbook([("Sheet", [header])])[:200], bytes(range(256))]))
        return Made(table, content, set(), whole=False, header=False, source=content)
    width = len(header)
    if draw(st.booleans()):
        rows = draw(st.lists(st.lists(EXCEL_CELLS, min_size=max(width - 1, 0),
                                      max_size=width + 1), max_size=4))
    else:
        complete = draw(st.booleans())
        rows = draw(st.lists(st.tuples(*(
            plausible(table, name) if complete else st.none() | plausible(table, name)
            for name in header)).map(list), max_size=4))
    above = draw(st.lists(st.sampled_from([[], ["Customer list, exported 2026-11-01"],
                                           [None, "notes"]]), max_size=2))
    body = []
    for row in rows:
        if draw(st.integers(0, 4)) == 0:
            body.append([])  # a blank row, as left between groups of rows
        body.append(row)
    cells = [*above, header, *body] if header or body or above else []
    title = draw(st.sampled_from([table, table.title(), f" {table.upper()} ", "Sheet1", "Data"]))
    others = draw(st.lists(st.sampled_from(["Sheet2", "Notes", "README"]), max_size=2,
                           unique=True))
    sheets = [(name, draw(st.lists(st.lists(EXCEL_CELLS, max_size=3), max_size=2)))
              for name in others]
    sheets.insert(draw(st.integers(0, len(sheets))), (title, cells))
    content = {number for number, row in enumerate(cells, start=1)
               if any(v is not None for v in row)}
    read = normalise(title) == table or not others
    used = draw(st.sampled_from([None, None, "A1"]))
    return Made(table, _workbook(sheets, used=used), content | {1}, whole=True,
                header=read and not above and has_required(table, header),
                source=[f"used range {used}", *sheets])


def _workbook(sheets: list[tuple[str, list[list]]], *, used: str | None = None) -> bytes:
    """An .xlsx file of ``sheets`` (title and rows), each claiming ``used`` as its used range."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            # openpyxl refuses control characters, which no workbook can hold either.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                          for v in row])
    out = io.BytesIO()
    book.save(out)
    if used is None:
        return out.getvalue()
    # Some writers, streaming ones in particular, save a wrong used range such as A1.
    fixed = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{used}"'.encode(),
                              data)
            target.writestr(item, data)
    return fixed.getvalue()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(table_files(), min_size=1, max_size=3,
                      unique_by=lambda f: f[0]))
def test_validate_either_accepts_or_explains_any_folder(files):
    accepts_or_explains({f"{table}.csv": content for table, content in files})


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(csv_files_with_lines(), min_size=1, max_size=3,
                      unique_by=lambda f: f[1].table))
def test_csv_problems_name_the_lines_where_records_start(files):
    # Blank lines, quoted line breaks, CRLF and a byte-order mark move no problem off the
    # line its record starts on.
    accepts_or_explains(dict(files))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(parquet_files(), min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_validate_either_accepts_or_explains_any_parquet_files(files):
    # A Parquet file's rows are numbered by record, from 1.
    accepts_or_explains({f"{f.table}.parquet": f for f in files})


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(excel_files(), min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_validate_either_accepts_or_explains_any_workbooks(files):
    # An Excel sheet's rows are numbered as Excel shows them, the header's being 1.
    accepts_or_explains({f"{f.table}.xlsx": f for f in files})


#: The warnings Python does not show unless asked to.
HIDDEN_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def accepts_or_explains(files: dict[str, bytes | Made]):
    """Validate a folder of ``files``; fail unless it is accepted or explained.

    Parameters
    ----------
    files : dict
        File name to the bytes it holds, or to a :class:`Made` file, whose
        problems must name only its rows, and if it is whole, not say that it
        cannot be read, and if its header is complete, no missing column.
    """
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(getattr(content, "content", content))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = main(["validate", folder])
    said = err.getvalue()
    assert code in (0, 2), said
    # A warning Python shows by default would be printed among the problems.
    shown = [w for w in caught if not issubclass(w.category, HIDDEN_WARNINGS)]
    assert not shown, [f"{w.category.__name__}: {w.message}" for w in shown]
    assert "Traceback" not in said and "internal error" not in said, said
    if code == 2:
        problems = [line for line in said.splitlines() if line.startswith(folder)]
        assert problems, said
        for line in problems:
            # A column's name or the message follows the place: never a blank or a colon.
            where = re.match(re.escape(folder)
                             + r"/(\w+\.(?:csv|csv\.gz|parquet|xlsx))(?::(\d+))?: [^\s:]", line)
            assert where and where[1] in files, line
            made = files[where[1]]
            if isinstance(made, Made):
                assert where[2] is None or int(where[2]) in made.rows, line
                assert not (made.whole and "cannot be read" in line), line
                assert not (made.header and "missing required column" in line), line


# The defects the fuzzing found, kept as plain cases.

@pytest.mark.parametrize("file, content, message", [
    ("initiatives.csv",
     "initiative_id,title,reach,impact,confidence,effort,status,due_date\n"
     "I1,Dark mode,100,1,0.5,1e309,planned,-5\n",
     ["initiatives.csv:2: effort: not a valid number (found '1e309', expected a number)",
      "initiatives.csv:2: due_date: not a valid date (found '-5', expected a date such as "
      "2026-01-31)"]),
    ("surveys.csv",
     "response_id,survey,submitted_at,sus_q10\n" + "R1,sus,2026-10-01," + "9" * 40 + "\n",
     [f"surveys.csv:2: sus_q10: not a valid whole number (found '{'9' * 40}', expected a "
      "whole number)"]),
])
def test_numbers_and_dates_no_column_can_hold_are_reported(tmp_path, cli, file, content,
                                                           message):
    (tmp_path / file).write_text(content)
    code, _, err = cli("validate", tmp_path)
    assert code == 2
    assert sorted(err.splitlines()[:-1]) == sorted(f"{tmp_path}/{line}" for line in message)


def test_a_character_cut_short_at_the_end_of_a_csv_file_is_reported(tmp_path, cli):
    # Was: internal error (UnicodeDecodeError). The é of Café lost its second byte.
    (tmp_path / "accounts.csv").write_bytes(b"account_id,name,segment,signup_date\nA1,Caf\xc3")
    code, _, err = cli("validate", tmp_path)
    assert code == 2
    assert err.splitlines()[:-1] == [
        f"{tmp_path}/accounts.csv:2: the file is not UTF-8 text (found byte 0xc3, expected "
        "UTF-8: save the file as 'CSV UTF-8')"]


def _parquet(path: Path, columns: dict, **options) -> None:
    pq.write_table(pa.table(columns), path, **options)


# Each was an internal error, a wrong or unclear message, or a library's warning.

def true_false_and_durations_for_dates(path):
    # Was: internal error (TypeError). One record a row group: the second is still row 2.
    _parquet(path, {"account_id": ["A1", "A2"], "name": ["Acme", "Birch"],
                    "segment": ["SMB", "SMB"], "signup_date": [True, False],
                    "churn_date": pa.array([dt.timedelta(days=1), None], pa.duration("s"))},
             row_group_size=1)


def dates_and_durations_for_numbers(path):
    # Was: taken for their counts of units since 1970 ("out of range (found '1.57e+15')").
    _parquet(path, {"segment": ["SMB"], "year": [2026],
                    "companies": pa.array([dt.timedelta(days=1)], pa.duration("s")),
                    "annual_value": [100.0],
                    "serviceable_share": pa.array([dt.datetime(2020, 1, 1, 10)],
                                                  pa.timestamp("us", tz="UTC")),
                    # 0 microseconds since 1970: it passed as the number 0.
                    "obtainable_share": pa.array([dt.datetime(1970, 1, 1)], pa.timestamp("us"))})


def a_day_after_year_9999(path):
    # Was: "cannot be read as a Parquet file (found year 5881580 is out of range)".
    days = pa.array([20_458, 2**31 - 1], pa.int32()).view(pa.date32())  # 2026-01-05, and the last
    _parquet(path, {"account_id": ["A1", "A2"], "name": ["Acme", "Birch"],
                    "segment": ["SMB", "SMB"], "signup_date": days})


def a_time_with_a_zone_after_year_9999(path):
    # Was: internal error (NotImplementedError) quoting it. The largest count of
    # microseconds: "never", as some writers save it.
    never = pa.array([1_790_000_000_000_000, 2**63 - 1]).view(pa.timestamp("us", tz="UTC"))
    _parquet(path, {"user_id": ["u1", "u2"], "timestamp": never, "event": ["login"] * 2})


def ids_beyond_a_whole_number(path):
    # Was: internal error (TypeError: cannot safely cast non-equivalent float64 to int64).
    _parquet(path, {"account_id": [1e19, 1e19], "name": ["Acme", "Birch"],
                    "segment": ["SMB", "SMB"], "signup_date": [dt.date(2026, 1, 5)] * 2})


def bytes_that_are_no_text(path):
    # Was: internal error (UnicodeDecodeError).
    _parquet(path, {"account_id": pa.array([b"A1", b"\xff\x00"], pa.binary()),
                    "name": ["Acme", "Birch"], "segment": ["SMB", "SMB"],
                    "signup_date": [dt.date(2026, 1, 5)] * 2})


def text_that_is_not_utf8(path, *, categorical=False):
    # Was: internal error (ArrowInvalid, or ArrowException for a categorical). Made as
    # bytes: pyarrow writes text without checking it, as some writers do.
    ids = pa.array([b"A1", b"\xff\xfe"], pa.binary()).view(pa.string())
    _parquet(path, {"account_id": ids.dictionary_encode() if categorical else ids,
                    "name": ["Acme", "Birch"], "segment": ["SMB", "SMB"],
                    "signup_date": [dt.date(2026, 1, 5)] * 2}, row_group_size=1)


def categorical_text_that_is_not_utf8(path):
    text_that_is_not_utf8(path, categorical=True)


def blank_column_names(path):
    # Was: "competitors.parquet: : the column appears more than once".
    _parquet(path, {"competitor": ["Us"], "": ["x"], "coverage": [1.0], " ": ["y"]})


def one_name_for_columns_of_two_types(path):
    # Was: internal error (ArrowNotImplementedError: Unsupported cast from list).
    pq.write_table(pa.table([["Us"], ["reports"], [1.0], ["x"], [["a", "b"]]],
                            names=["competitor", "feature", "coverage", "extra", "extra"]), path)


def no_columns(path):
    # Was: "missing required column (found columns , expected ...)", once per column.
    _parquet(path, {})


def ones_and_zeros_as_floats_for_true_false(path):
    # Was: "not a valid true or false value (found '1')", though "1" is true in text.
    _parquet(path, {"competitor": ["Us", "Them"], "feature": ["reports", "reports"],
                    "coverage": [1.0, 0.5], "is_us": [1.0, 0.5]})


def saved_with_its_index_by_pandas(path):
    # Was: "account_id: missing required column": pandas reads it back as the index.
    pd.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "Birch"],
                  "segment": ["SMB", "SMB"], "signup_date": ["2026-01-05", "2026-02-30"]}
                 ).set_index("account_id").to_parquet(path)


def saved_with_its_index_kept_as_a_column_too(path):
    # Was (with the fix above alone): "cannot be read (found cannot insert account_id)".
    pd.DataFrame({"account_id": ["A1", "A2"], "name": ["Acme", "Birch"],
                  "segment": ["SMB", "SMB"], "signup_date": ["2026-01-05", "2026-02-30"]}
                 ).set_index("account_id", drop=False).to_parquet(path)


def blank_header_cells(path):
    # Was: "team.xlsx:1: : the column appears more than once".
    path.write_bytes(_workbook([("team", [["member_id", " ", "role", "level", " "],
                                          ["M1", None, "cpo", 8, None]])]))


def used_range_left_at_a1(path):
    # Was: only cell A1 read, so "missing required column" for every other column.
    path.write_bytes(_workbook([("accounts", [
        ["account_id", "name", "segment", "signup_date"],
        ["A1", "Acme", "SMB", dt.datetime(2026, 1, 5)],
        ["A2", "Birch", "SMB", "2026-02-30"]])], used="A1"))


def a_date_beyond_excels(path):
    # Was: the problem, and openpyxl's UserWarning printed among the problems.
    path.write_bytes(_workbook([("team", [
        ["member_id", "role", "level", "start_date"],
        ["M1", "cpo", 8, dt.datetime(2021, 1, 4)],
        ["M2", "pm", 4, dt.datetime(9999, 12, 31, 23, 59, 59, 999_999)]])]))


EXPECTED_DATE = "expected a date such as 2026-01-31"
TYPED_CASES = [
    (true_false_and_durations_for_dates, "accounts.parquet", [
        f"accounts.parquet:1: signup_date: not a valid date (found 'True', {EXPECTED_DATE})",
        f"accounts.parquet:2: signup_date: not a valid date (found 'False', {EXPECTED_DATE})",
        "accounts.parquet:1: churn_date: not a valid date (found '1 days 00:00:00', "
        f"{EXPECTED_DATE})"]),
    (dates_and_durations_for_numbers, "market.parquet", [
        "market.parquet:1: companies: not a valid whole number (found '1 days 00:00:00', "
        "expected a whole number)",
        "market.parquet:1: serviceable_share: not a valid number (found "
        "'2020-01-01 10:00:00', expected a number)",
        "market.parquet:1: obtainable_share: not a valid number (found '1970-01-01', "
        "expected a number)"]),
    (a_day_after_year_9999, "accounts.parquet", [
        "accounts.parquet:2: signup_date: not a valid date (found '5881580-07-11', "
        f"{EXPECTED_DATE})"]),
    (a_time_with_a_zone_after_year_9999, "events.parquet", [
        "events.parquet:2: timestamp: not a valid date and time (found "
        "'294247-01-10 04:00:54.775807', expected a date and time such as "
        "2026-01-31 14:05:00)"]),
    (ids_beyond_a_whole_number, "accounts.parquet", [
        "accounts.parquet:2: account_id: duplicate key (found account_id='1e+19', first on "
        "row 1, expected each key once)"]),
    (bytes_that_are_no_text, "accounts.parquet", [
        "accounts.parquet:2: account_id: not a valid text value (found 'bytes ff 00', "
        "expected text)"]),
    (text_that_is_not_utf8, "accounts.parquet", [
        "accounts.parquet:2: account_id: the text is not UTF-8 (found 'bytes ff fe', expected "
        "text saved as UTF-8)"]),
    (categorical_text_that_is_not_utf8, "accounts.parquet", [
        "accounts.parquet: account_id: the text is not UTF-8 (found 'bytes ff fe', expected "
        "text saved as UTF-8)"]),
    (blank_column_names, "competitors.parquet", [
        "competitors.parquet: feature: missing required column (found columns competitor, "
        "unnamed_2, coverage, unnamed_4, expected a column named feature)"]),
    (one_name_for_columns_of_two_types, "competitors.parquet", [
        "competitors.parquet: extra: the column appears more than once (expected unique "
        "column names)"]),
    (no_columns, "competitors.parquet", [
        "competitors.parquet: the file has no columns (expected columns competitor, feature, "
        "coverage)"]),
    (ones_and_zeros_as_floats_for_true_false, "competitors.parquet", [
        "competitors.parquet:2: is_us: not a valid true or false value (found '0.5', "
        "expected true or false)"]),
    (saved_with_its_index_by_pandas, "accounts.parquet", [
        f"accounts.parquet:2: signup_date: not a valid date (found '2026-02-30', "
        f"{EXPECTED_DATE})"]),
    (saved_with_its_index_kept_as_a_column_too, "accounts.parquet", [
        f"accounts.parquet:2: signup_date: not a valid date (found '2026-02-30', "
        f"{EXPECTED_DATE})"]),
    (blank_header_cells, "team.xlsx", [
        "team.xlsx:1: start_date: missing required column (found columns member_id, "
        "unnamed_2, role, level, unnamed_5, expected a column named start_date)"]),
    (used_range_left_at_a1, "accounts.xlsx", [
        f"accounts.xlsx:3: signup_date: not a valid date (found '2026-02-30', "
        f"{EXPECTED_DATE})"]),
    (a_date_beyond_excels, "team.xlsx", [
        f"team.xlsx:3: start_date: not a valid date (found '#VALUE!', {EXPECTED_DATE})"]),
]


@pytest.mark.parametrize("write, file, message", TYPED_CASES,
                         ids=[case[0].__name__ for case in TYPED_CASES])
def test_typed_and_damaged_parquet_and_excel_files_are_reported(tmp_path, cli, recwarn, write,
                                                               file, message):
    write(tmp_path / file)
    code, _, err = cli("validate", tmp_path)
    assert code == 2
    assert sorted(err.splitlines()[:-1]) == sorted(f"{tmp_path}/{line}" for line in message)
    assert [str(w.message) for w in recwarn if not issubclass(w.category, HIDDEN_WARNINGS)] == []
