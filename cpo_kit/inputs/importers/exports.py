"""A tool's export as DuckDB reads it: its files, their format, and the place of a fault.

An export is a file or a folder of files (CSV, Parquet or JSON lines, each maybe
gzipped). DuckDB reads them in a stream, never whole: CSV without its sniffer
(which can take a broken file for an empty one), with every column as text and the
header read here; JSON lines and Parquet as their own types. A fault DuckDB finds
(a malformed line, a ragged row, a file that is not Parquet) and a value an importer
refuses are turned into one :class:`~cpo_kit.core.errors.DataProblem` naming the
file, the line (or record) and the field. The line of a refused value is found by
reading that one file again, only when there is a refusal to make.

Part of :mod:`cpo_kit.inputs`: imports :mod:`cpo_kit.core` and the CSV header reader.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cpo_kit.core import sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.csv_text import header_names

#: Suffixes read, by format.
SUFFIXES = {"csv": (".csv", ".csv.gz"), "parquet": (".parquet",),
            "jsonl": (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")}


@dataclass(frozen=True)
class Export:
    """The files of one export (or of one of its tables), all of one format."""

    files: tuple[Path, ...]
    format: str
    #: How messages name the export: the file or folder the user gave.
    shown: str

    def relation(self, columns: dict[str, str] | None = None) -> str:
        """The DuckDB table function reading every file, with a ``filename`` column."""
        files = "[" + ", ".join(sql.string(f) for f in self.files) + "]"
        if self.format == "parquet":
            return f"read_parquet({files}, union_by_name = true, filename = true)"
        if self.format == "jsonl":
            typed = "" if columns is None else ", columns = " + _struct(columns)
            return (f"read_json({files}, format = 'newline_delimited', filename = true, "
                    f"union_by_name = true, maximum_object_size = 67108864{typed})")
        names = self.header()
        return (f"read_csv({files}, header = true, auto_detect = false, delim = ',', "
                "quote = '\"', escape = '\"', strict_mode = true, filename = true, "
                f"columns = {_struct({n: 'VARCHAR' for n in names})})")

    def header(self) -> list[str]:
        """The columns of a CSV export, from its first file (the others must agree)."""
        names = None
        for f in self.files:
            found = header_names(f, "gzip" if f.name.endswith(".gz") else None)
            if names is not None and found != names:
                raise DataError([DataProblem(str(f), "has other columns than "
                                             f"{self.files[0].name}", found=", ".join(found),
                                             expected=", ".join(names))])
            names = found
        return names or []


def find_export(path: Path, *, formats: tuple[str, ...], tool: str, name: str | None = None
                ) -> Export:
    """The export at ``path``: a file, or the files of a folder (those named ``name.*``).

    Raises
    ------
    DataError
        Nothing there, no file of the formats the tool exports, or files of two formats.
    """
    if not path.exists():
        raise DataError([DataProblem(str(path), "no such file or folder")])
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and _kind(p) is not None
                       and (name is None or p.name.split(".")[0] == name))
        if not files:
            wanted = ", ".join(s for f in formats for s in SUFFIXES[f])
            what = f"no {name} file" if name else "no file"
            raise DataError([DataProblem(str(path), f"{what} of a {tool} export in it",
                                         expected=f"files ending {wanted}")])
    else:
        files = [path]
    kinds = {_kind(f) for f in files}
    if None in kinds or not kinds <= set(formats):
        odd = next(f for f in files if _kind(f) not in formats)
        raise DataError([DataProblem(str(odd), f"not a format {tool} exports",
                                     expected=" or ".join(formats))])
    if len(kinds) > 1:
        raise DataError([DataProblem(str(path), "holds files of more than one format",
                                     found=", ".join(sorted(kinds)))])
    return Export(tuple(files), kinds.pop(), str(path))


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    return next((k for k, suffixes in SUFFIXES.items() if name.endswith(suffixes)), None)


def columns_of(con, export: Export) -> dict[str, str]:
    """The export's columns and their DuckDB types."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {export.relation()}").fetchall()
    except Exception as error:  # duckdb.Error; a broken file is the user's, not ours
        raise DataError([read_problem(error, export)]) from None
    return {name: kind for name, kind, *_ in rows if name != "filename"}


def require(columns: dict[str, str], needed: dict[str, str], export: Export, tool: str) -> None:
    """Refuse an export without a field the tool always writes (the wrong tool's, say).

    ``needed`` maps each field to what it holds, for the message.
    """
    missing = [f for f in needed if f not in columns]
    if missing:
        raise DataError([DataProblem(
            str(export.files[0]), f"has no field {missing[0]!r} ({needed[missing[0]]}), "
            f"which every {tool} export has: is it another tool's export?",
            found=", ".join(sorted(columns)[:12]) or "no fields")])


def read_problem(error: Exception, export: Export) -> DataProblem:
    """A fault DuckDB found while reading, as one problem naming file, line and what."""
    text = str(error)
    if m := re.search(r'Malformed JSON in file "(.*?)", at byte \d+ in (?:line|record) (\d+)',
                      text):
        file = Path(m.group(1))
        return DataProblem(str(file), "is not valid JSON", row=_bad_json_line(file)
                           or int(m.group(2)), expected="one JSON object per line")
    if m := re.search(r"CSV Error on Line: (\d+)", text):
        file = re.search(r"file = (.*)", text)
        found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        return DataProblem(file.group(1).strip() if file else export.shown,
                           "has a row that does not fit the header", row=int(m.group(1)),
                           found=f"{found.group(2)} fields" if found else None,
                           expected=f"{found.group(1)} fields, as in the header" if found
                           else None)
    if m := re.search(r"(?:No magic bytes found at end of file|Invalid Parquet file) '?(.*?)'?$",
                      text.splitlines()[0] if text else ""):
        return DataProblem(m.group(1) or export.shown, "is not a Parquet file",
                           expected="a complete Parquet file")
    first = text.splitlines()[0] if text else type(error).__name__
    return DataProblem(export.shown, "cannot be read", found=first[:200])


def _bad_json_line(file: Path) -> int | None:
    """The first line of a JSON-lines file that does not parse (None if all do)."""
    with open_text(file) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except ValueError:
                return number
    return None


def line_where(file: Path, fmt: str, field: tuple[str, ...], value) -> int | None:
    """The line (CSV, JSON lines) or record number (Parquet) of the first row of ``file``
    whose ``field`` (a path into nested objects) is written ``value``; None if none is."""
    wanted = str(value)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        seen = 0
        for batch in pq.ParquetFile(file).iter_batches(columns=[field[0]]):
            for i, item in enumerate(batch.column(0).to_pylist()):
                if str(_dig(item, field[1:])) == wanted:
                    return seen + i + 1
            seen += batch.num_rows
        return None
    with open_text(file) as lines:
        if fmt == "jsonl":
            for number, line in enumerate(lines, start=1):
                try:
                    record = json.loads(line) if line.strip() else None
                except ValueError:
                    continue
                if str(_dig(record, field)) == wanted:
                    return number
            return None
        reader = csv.DictReader(lines)
        for record in reader:
            if str(_dig(record, field)) == wanted:
                return reader.line_num
    return None


def _dig(record, path: tuple[str, ...]):
    for key in path:
        if isinstance(record, str) and record.startswith("{"):
            try:
                record = json.loads(record)
            except ValueError:
                return None
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def refuse(export: Export, file: str, field: tuple[str, ...], value, message: str, *,
           expected: str | None = None) -> DataError:
    """The one-line refusal of ``value`` in ``field`` of ``file``, with its line."""
    path = Path(file)
    return DataError([DataProblem(str(path), message, row=line_where(path, export.format,
                                                                     field, value),
                                  column=".".join(field), found=repr(str(value))[:120],
                                  expected=expected)])


def open_text(file: Path):
    """A file of the export as lines of text (gunzipped if it ends ``.gz``); bytes that
    are not UTF-8 read as U+FFFD, for finding a line rather than refusing one."""
    raw = gzip.open(file, "rb") if file.name.endswith(".gz") else open(file, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"{sql.string(n)}: {sql.string(t)}" for n, t in columns.items()) + "}"
