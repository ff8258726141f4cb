"""A bad-input corpus generated from the data contract.

For every table it makes a small valid company (cut from the sample so that keys and
references hold), then one case per rule the contract states: each required column
missing or renamed, each typed column holding something of another type, impossible and
future dates, values outside the allowed ones or the range, empty required cells,
duplicate keys, unknown references, broken row rules, and the ways a whole file goes
wrong in each format. A case knows the one problem line it must produce; the line is
written out here from the rule, not taken from the validator.
"""
from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from cpo_kit.inputs.contract import TABLES

#: Rows of each table in the small valid company (all rows of the tiny ones).
ROWS = {"accounts": 12, "users": 40, "events": 12, "mrr": 8, "surveys": 8, "feedback": 6,
        "competitors": 8, "market": 6, "price_survey": 6}
#: The row (0-based, in the data) each cell-level case spoils.
ROW = 1
#: Formats a table file can be in, with their suffix.
SUFFIX = {"csv": "csv", "parquet": "parquet", "excel": "xlsx"}

#: How the validator names each type in "not a valid ..." (the contract's own words).
TYPE_WORDS = {"integer": "whole number", "number": "number", "boolean": "true or false value",
              "date": "date", "timestamp": "date and time"}
#: Values of the wrong type, by the column's type.
WRONG_TYPE = {
    "integer": ["3.5", "many"],
    "number": ["lots", "12,5 EUR"],
    "boolean": ["maybe"],
    "date": ["31/12/2025", "yesterday", "2026-02-30", "2026-13-01"],
    "timestamp": ["31/12/2025 10:00", "yesterday", "2026-02-30 10:00:00",
                  "2026-06-01 25:00:00"],
}
FUTURE = {"date": "2031-06-01", "timestamp": "2031-06-01 10:00:00"}


@dataclass
class Case:
    """One spoiled company and the one problem it must be reported with.

    ``where`` is the problem line's start after the file's path: ``:3: mrr: out of range``
    (row and column where there is one), and ``found`` a part the line must hold,
    such as the value it quotes: ``found '-0.5'``.
    """

    name: str
    #: The kind of rule broken, such as ``unknown-key``, shared by the cases of every column.
    rule: str
    table: str
    fmt: str
    spoil: Callable[[dict[str, pd.DataFrame]], None] | None
    where: str
    found: str | None = None
    write: Callable[[Path, pd.DataFrame], None] | None = None
    tables: tuple[str, ...] = ()
    #: The end of the file's name, where the writer names it otherwise (``xls``).
    ending: str | None = None

    @property
    def file(self) -> str:
        return f"{self.table}.{self.ending or SUFFIX[self.fmt]}"

    def __str__(self) -> str:
        return f"{self.fmt}-{self.table}-{self.name}"


#: The steps of the notebooks' default funnel, which a run checks the events for.
FUNNEL = ("signup", "login", "create_report", "share_report")


def _with_funnel(events: pd.DataFrame) -> pd.DataFrame:
    """The first events, with one of each default funnel step among them, in file order.

    Like ``cpo-kit run``, validate refuses events in which a funnel step has no event.
    A step none of the few users took (their sign-ups predate the sample's events) is
    given to the last events, whose names nothing else depends on.
    """
    steps = events[events["event"].isin(FUNNEL)].drop_duplicates("event")
    rest = events.drop(steps.index).head(ROWS["events"] - len(steps))
    chosen = pd.concat([steps, rest]).sort_index().copy()
    missing = [step for step in FUNNEL if step not in set(chosen["event"])]
    if missing:
        chosen.iloc[-len(missing):, chosen.columns.get_loc("event")] = missing
    return chosen


def small_company(sample: Path) -> dict[str, pd.DataFrame]:
    """A few rows of every sample table, as text, with every reference kept whole."""
    def read(name):
        path = sample / f"{name}.csv"
        if path.exists():
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        frame = pd.read_parquet(sample / f"{name}.parquet")
        frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
        return frame.astype(str).replace({"None": "", "nan": ""})

    def within(frame, column, keys):
        return frame[(frame[column] == "") | frame[column].isin(keys)]

    frames = {name: read(name) for name in TABLES}
    accounts = frames["accounts"].head(ROWS["accounts"])
    users = within(frames["users"], "account_id", set(accounts["account_id"])).head(
        ROWS["users"])
    user_ids, account_ids = set(users["user_id"]), set(accounts["account_id"])
    small = {
        "accounts": accounts, "users": users,
        "events": _with_funnel(frames["events"][frames["events"]["user_id"].isin(user_ids)]),
        "mrr": frames["mrr"][frames["mrr"]["account_id"].isin(account_ids)],
        "surveys": within(within(frames["surveys"], "user_id", user_ids), "account_id",
                          account_ids),
        "feedback": within(frames["feedback"], "account_id", account_ids),
    }
    for name, frame in frames.items():
        small.setdefault(name, frame)
    return {name: frame.head(ROWS.get(name, len(frame))).reset_index(drop=True)
            for name, frame in small.items()}


def needed(table: str) -> tuple[str, ...]:
    """The table and every table it refers to, directly or through another."""
    out = [table]
    for other, _ in TABLES[table].references.values():
        for name in needed(other) if other != table else ():
            if name not in out:
                out.append(name)
    return tuple(out)


# --- writing a company in a format ---------------------------------------------------------

def write_company(folder: Path, frames: dict[str, pd.DataFrame], tables: tuple[str, ...],
                  fmt: str, write: Callable | None = None) -> None:
    """The listed tables into ``folder``: the first (the spoiled one) in ``fmt``, the others
    as CSV; ``write`` replaces the writer of the first."""
    for i, name in enumerate(tables):
        kind = fmt if i == 0 else "csv"
        path = folder / f"{name}.{SUFFIX[kind]}"
        (write if i == 0 and write else WRITERS[kind])(path, frames[name])


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(path, index=False)


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    # Typed as a company's tools would type it: numbers as numbers, text where any is text.
    typed = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    typed.to_parquet(path, index=False)


def write_excel(path: Path, frame: pd.DataFrame, *, sheets: tuple[str, ...] = ("Sheet1",),
                above: list[list] = ()) -> None:
    typed = pd.read_csv(io.StringIO(frame.to_csv(index=False)))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheets[0]
    for row in [*above, list(typed.columns), *typed.astype(object).values.tolist()]:
        sheet.append([None if isinstance(v, float) and pd.isna(v) else v for v in row])
    for extra in sheets[1:]:
        book.create_sheet(extra).append(["notes"])
    book.save(path)


WRITERS = {"csv": write_csv, "parquet": write_parquet, "excel": write_excel}


# --- the cases -----------------------------------------------------------------------------

def _set(table: str, column: str, value: str, row: int = ROW):
    def spoil(frames):
        frames[table].loc[row, column] = value
    return spoil


def _row_for(table: str, column: str, frames: dict[str, pd.DataFrame]) -> int:
    """A row where spoiling ``column`` breaks nothing else: no row rule besides the one
    under test, and no reference of the table to its own key (a team's managers)."""
    partners = [r.right if r.left == column else r.left for r in TABLES[table].rules
                if column in (r.left, r.right)]
    frame = frames[table]
    for row in _unreferenced(table, frames):
        if all(frame.at[row, p] == "" for p in partners):
            return row
    return ROW


def _unreferenced(table: str, frames: dict[str, pd.DataFrame]) -> list[int]:
    """Rows from ROW on whose key no other row of the same table refers to."""
    frame = frames[table]
    referred = {v for column, (other, _) in TABLES[table].references.items()
                if other == table for v in frame[column]}
    key = TABLES[table].key
    return [row for row in range(ROW, len(frame))
            if not key or frame.at[row, key[0]] not in referred]


def _line(row: int | None, column: str | None, message: str) -> str:
    return (f":{row}" if row is not None else "") + ": " + (
        f"{column}: " if column else "") + message


def _data_row(fmt: str, row: int) -> int:
    """The row number a user sees for a row of data: sheet and CSV rows count the header."""
    return row + 1 if fmt == "parquet" else row + 2


def _header_row(fmt: str) -> int | None:
    return None if fmt == "parquet" else 1


def cell_cases(frames: dict[str, pd.DataFrame], fmt: str) -> list[Case]:
    """Every rule of every column, key, reference and row rule, broken once."""
    cases = []
    for name, table in TABLES.items():
        def case(column, rule, spoil, where, value=None, hint=None):
            found = f"found '{value}'" if value is not None else hint
            label = f"{column}-{rule}" if column else rule
            cases.append(Case(label, rule, name, fmt, spoil, where, found, tables=needed(name)))

        for column, spec in table.columns.items():
            kind = table.kind(column)
            row = _row_for(name, column, frames)
            at = _data_row(fmt, row)
            if spec.required:
                case(column, "missing-column",
                     lambda f, n=name, c=column: f.__setitem__(n, f[n].drop(columns=c)),
                     _line(_header_row(fmt), column, "missing required column"))
                renamed = f"old {column}"
                case(column, "renamed-column",
                     lambda f, n=name, c=column, r=renamed: f.__setitem__(
                         n, f[n].rename(columns={c: r})),
                     _line(_header_row(fmt), column, "missing required column"),
                     hint=renamed.replace(" ", "_") + " looks like it")
            if not spec.nullable:
                case(column, "empty", _set(name, column, "", row),
                     _line(at, column, "missing value"))
            for i, value in enumerate(WRONG_TYPE.get(kind, [])):
                case(column, f"wrong-type-{i}", _set(name, column, value, row),
                     _line(at, column, f"not a valid {TYPE_WORDS[kind]}"), value)
            if table.past(column):
                case(column, "future", _set(name, column, FUTURE[kind], row),
                     _line(at, column, "in the future"), FUTURE[kind])
            for check in spec.checks:
                for label, value, message in _breaking(check, kind):
                    case(column, label, _set(name, column, value, row),
                         _line(at, column, message), value)
        if table.key:
            # The key of one row is copied into a later row whose own key nobody refers to.
            first, copy = _unreferenced(name, frames)[:2]

            def duplicate(f, n=name, key=list(table.key), first=first, copy=copy):
                f[n].loc[copy, key] = f[n].loc[first, key].values
            case(None, "duplicate-key", duplicate,
                 _line(_data_row(fmt, copy), table.key[0], "duplicate key"),
                 hint=f"first on row {_data_row(fmt, first)}")
        for column, (other, _) in table.references.items():
            case(column, "unknown-key", _set(name, column, "ZZ-404"),
                 _line(_data_row(fmt, ROW), column, f"unknown {other} key"), "ZZ-404")
        for rule in table.rules:
            def broken(f, n=name, rule=rule, table=table):
                right = pd.Timestamp("2026-01-15")
                f[n].loc[ROW, rule.right] = f"{right:%Y-%m-%d}"
                f[n].loc[ROW, rule.left] = f"{right - pd.Timedelta(days=30):%Y-%m-%d}"
                for other in table.rules:  # so that only the rule under test is broken
                    if other.right == rule.right and other.left != rule.left:
                        f[n].loc[ROW, other.left] = ""
            case(rule.left, f"before-{rule.right}", broken,
                 _line(_data_row(fmt, ROW), rule.left, rule.message), "2025-12-16")
    return cases


def _breaking(check, kind: str) -> list[tuple[str, str, str]]:
    """Values that break one check of the contract: (label, value, message)."""
    stats = check.statistics

    def shown(value):
        return str(int(value)) if kind == "integer" or float(value).is_integer() else str(value)

    if check.name == "isin":
        return [("not-allowed", "Other", "not an allowed value")]
    step = 1 if kind == "integer" else 0.5
    if check.name == "in_range":
        return [("below-range", shown(stats["min_value"] - step), "out of range"),
                ("above-range", shown(stats["max_value"] + step), "out of range")]
    if check.name == "greater_than_or_equal_to":
        return [("negative", shown(stats["min_value"] - step), "out of range")]
    raise ValueError(f"no breaking value for check {check.name}")


def file_cases(fmt: str) -> list[Case]:
    """The ways a whole file goes wrong, for every table, in one format."""
    cases = []
    for name, table in TABLES.items():
        def case(label, write, where, found=None, ending=None):
            cases.append(Case(label, label, name, fmt, None, where, found, write=write,
                              tables=(name,), ending=ending))

        text_column = next(c for c in table.columns if table.kind(c) == "string")
        if fmt == "csv":
            case("empty-file", lambda p, f: p.write_bytes(b""), ": the file is empty")
            case("blank-file", lambda p, f: p.write_text("\n\n  \n"), ": the file is empty")
            case("header-only", lambda p, f: p.write_text(",".join(f.columns) + "\n"),
                 ": has a header but no rows")
            for label, sep, word in (("semicolons", ";", "semicolons"), ("tabs", "\t", "tabs")):
                case(label, lambda p, f, s=sep: f.to_csv(p, index=False, sep=s),
                     _line(1, None, f"the columns are separated by {word}"))

            def latin1(p, f, c=text_column):
                f = f.copy()
                f.loc[ROW, c] = "Café"
                p.write_bytes(f.to_csv(index=False).encode("latin-1"))
            case("latin-1", latin1, _line(ROW + 2, None, "the file is not UTF-8 text"),
                 "found byte 0xe9")
            case("utf-16", lambda p, f: p.write_bytes(f.to_csv(index=False).encode("utf-16")),
                 _line(1, None, "the file is not UTF-8 text"), "found byte 0xff")

            def extra_field(p, f):
                lines = f.to_csv(index=False).splitlines()
                lines[ROW + 1] += ",surplus"
                p.write_text("\n".join(lines) + "\n")
            case("extra-field", extra_field,
                 _line(ROW + 2, None, "a row has more fields than the header"))

            def twice(p, f, c=text_column):
                p.write_text(f.assign(**{f"{c.upper()} ": f[c]}).to_csv(index=False))
            case("column-twice", twice, _line(1, text_column, "the column appears more than once"))

            def same_name_twice(p, f, c=text_column):
                # pandas would read the second as "name.1", and the column pass as once.
                p.write_text(pd.concat([f, f[[c]]], axis=1).to_csv(index=False))
            case("same-column-twice", same_name_twice,
                 _line(1, text_column, "the column appears more than once"))

            def never_closed(p, f, c=text_column):
                # In the last column of the last row: a quote further on would close it.
                f = f.head(ROW + 1)[[x for x in f.columns if x != c] + [c]].copy()
                f.loc[ROW, c] = "\x00"
                p.write_text(f.to_csv(index=False).replace("\x00", '"never closed'))
            case("quote-never-closed", never_closed,
                 _line(ROW + 2, text_column, "a quoted value is never closed"),
                 "found '\"never closed'")

            typed = next((c for c in table.columns if table.kind(c) in WRONG_TYPE), None)
            if typed:
                kind = table.kind(typed)

                def after_blank_lines(p, f, c=typed, value=WRONG_TYPE[kind][-1]):
                    # Rows two lines apart, after a byte-order mark and a blank line: the
                    # header is on line 2, row ROW on line 2 * ROW + 4.
                    f = f.copy()
                    f.loc[ROW, c] = value
                    text = f.to_csv(index=False, lineterminator="\r\n")
                    p.write_bytes(("\ufeff\r\n" + text.replace("\r\n", "\r\n\r\n"))
                                  .encode())
                case("wrong-type-after-blank-lines", after_blank_lines,
                     _line(2 * ROW + 4, typed, f"not a valid {TYPE_WORDS[kind]}"),
                     f"found '{WRONG_TYPE[kind][-1]}'")

            case("xls", lambda p, f: p.with_suffix(".xls").write_bytes(b"\xd0\xcf\x11\xe0"),
                 ": an Excel 97-2003 workbook (.xls) is not read", ending="xls")
            case("json", lambda p, f: p.with_suffix(".json").write_text(f.to_json()),
                 f": named after table {name} but not in a format that is read",
                 "found .json", ending="json")
        elif fmt == "excel":
            case("several-sheets",
                 lambda p, f: write_excel(p, f, sheets=("Sheet1", "Notes")),
                 ": the workbook has several sheets and none is named after the table",
                 "found Sheet1, Notes")
            case("header-lower",
                 lambda p, f: write_excel(p, f, above=[["Exported from the CRM"], []]),
                 _line(3, None, "the header is not on the first row"))
            case("empty-sheet", lambda p, f: openpyxl.Workbook().save(p),
                 ": the sheet is empty")
            case("not-a-workbook", lambda p, f: p.write_bytes(b"account_id,name\nA1,x\n"),
                 ": cannot be read as an Excel workbook")
        else:
            def truncated(p, f):
                write_parquet(p, f)
                p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
            case("truncated", truncated, ": cannot be read as a Parquet file")
            case("zero-bytes", lambda p, f: p.write_bytes(b""),
                 ": cannot be read as a Parquet file")
            case("no-rows", lambda p, f: write_parquet(p, f.head(0)),
                 ": has a header but no rows")
    return cases


def _compressed(compress: Callable[[bytes], bytes], ending: str):
    def write(p, f):
        p.with_name(f"{p.stem}.{ending}").write_bytes(compress(f.to_csv(index=False).encode()))
    return write


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


#: Files that look odd but hold a valid table, by format: each must be accepted.
ACCEPTED = {
    "csv-gz": ("csv", _compressed(gzip.compress, "csv.gz")),
    "csv-zst": ("csv", _compressed(_zstd, "csv.zst")),
    "csv-blank-lines": ("csv", lambda p, f: p.write_text(
        "\n" + f.to_csv(index=False).replace("\n", "\n\n"))),
    "excel-named-sheet": ("excel", lambda p, f: write_excel(p, f, sheets=(p.stem, "Notes"))),
    "csv-with-bom": ("csv", lambda p, f: p.write_bytes(f.to_csv(index=False)
                                                       .encode("utf-8-sig"))),
    "csv-crlf": ("csv", lambda p, f: p.write_bytes(f.to_csv(index=False, lineterminator="\r\n")
                                                   .encode())),
}
