"""The files of a Stripe export, read record by record with the line each starts on.

Stripe's API gives its objects as JSON: a list object (``{"object": "list", "data":
[...]}``, what the API and its command-line tool return), a JSON array, or one object
per line. The Dashboard exports CSV with a header. Either way an export is small
(one record per customer, subscription or invoice), so it is read whole with
Python's own readers, which keep the line of each record: a refused value is said
with its file, line and field. DuckDB's readers, which the event importers stream
with, would type Stripe's nested objects by sampling, and lose the line of a record
inside a JSON array.

Part of :mod:`cpo_kit.inputs.importers`: imports :mod:`cpo_kit.core`.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

from cpo_kit.core.errors import DataError, DataProblem

#: What a JSON file of the export may hold, for the message when it holds something else.
JSON_SHAPES = "Stripe objects as JSON: the API's list, an array, or one object per line"


@dataclass(frozen=True)
class Record:
    """One object of the export (a JSON object, a CSV row) and where it is."""

    file: Path
    line: int | None
    data: dict

    def get(self, path: str, default=None):
        """The value at ``path`` (``items.data.0.price``): None where a step is missing."""
        value = self.data
        for step in path.split("."):
            if isinstance(value, dict):
                value = value.get(step)
            elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
                value = value[int(step)]
            else:
                return default
        return default if value is None else value

    def refuse(self, field: str, value, message: str, *, expected: str | None = None
               ) -> DataError:
        """The one-line refusal of ``value`` in ``field`` of this record."""
        found = None if value is None else repr(str(value))[:120]
        return DataError([DataProblem(str(self.file), message, row=self.line,
                                      column=_shown(field), found=found, expected=expected)])


def _shown(field: str) -> str:
    """``items.data.0.price`` as a reader writes it: ``items.data[0].price``."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", field)


@dataclass(frozen=True)
class Table:
    """The records of one file, and its columns when it is a CSV (None for JSON)."""

    file: Path
    records: list[Record]
    columns: list[str] | None = None


def read_table(file: Path, fmt: str) -> Table:
    """Every record of ``file``, a CSV (``fmt`` ``csv``) or JSON export."""
    try:
        with _open(file) as stream:
            text = stream.read()
    except UnicodeDecodeError:
        raise DataError([DataProblem(str(file), "is not UTF-8 text",
                                     expected="the file as Stripe wrote it")]) from None
    except (OSError, EOFError) as error:  # a truncated gzip
        raise DataError([DataProblem(str(file), "cannot be read", found=str(error))]) from None
    return _csv(file, text) if fmt == "csv" else Table(file, _json(file, text))


def _open(file: Path):
    raw = gzip.open(file, "rb") if file.name.endswith(".gz") else open(file, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _csv(file: Path, text: str) -> Table:
    reader = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise DataError([DataProblem(str(file), "is empty", expected="a header and rows")])
    out = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataError([DataProblem(str(file), "has a row that does not fit the header",
                                         row=reader.line_num, found=f"{len(row)} fields",
                                         expected=f"{len(header)} fields, as in the header")])
        out.append(Record(file, reader.line_num, dict(zip(header, row))))
    return Table(file, out, header)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")


def _json(file: Path, text: str) -> list[Record]:
    start = _SPACE.match(text).end()
    if start == len(text):
        return []
    if text[start] == "[":
        values, end = _array(file, text, start)
        _nothing_after(file, text, end)
    else:
        try:
            json.loads(text[start:].split("\n", 1)[0])
        except ValueError:  # one object over many lines: a list object, pretty-printed
            values = _document(file, text)
        else:
            values = _lines(file, text)
    out = []
    for line, value in values:
        if isinstance(value, dict) and value.get("object") == "list" \
                and isinstance(value.get("data"), list):
            out += [Record(file, line, v) for v in value["data"]]
        else:
            out.append(Record(file, line, value))
    for record in out:
        if not isinstance(record.data, dict):
            raise DataError([DataProblem(str(file), "holds a value that is not an object",
                                         row=record.line, found=repr(record.data)[:60],
                                         expected=JSON_SHAPES)])
    return out


def _lines(file: Path, text: str) -> list[tuple[int, object]]:
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                out.append((number, json.loads(line)))
            except ValueError:
                raise _not_json(file, number) from None
    return out


def _document(file: Path, text: str) -> list[tuple[int, object]]:
    """One JSON document; a list object's records with the line each starts on."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise _not_json(file, error.lineno) from None
    listed = re.search(r'"data"\s*:\s*\[', text)
    if isinstance(value, dict) and isinstance(value.get("data"), list) and listed:
        # The document parsed, so the first "data" key opening an array is the list's
        # own: every nested object of a record comes after it.
        return _array(file, text, listed.end() - 1)[0]
    return [(text.count("\n", 0, _SPACE.match(text).end()) + 1, value)]


def _array(file: Path, text: str, at: int) -> tuple[list[tuple[int, object]], int]:
    """The values of the JSON array opening at ``at``, each with its line; and its end."""
    out, line, counted = [], 1 + text.count("\n", 0, at), at
    i = _SPACE.match(text, at + 1).end()
    if text.startswith("]", i):
        return out, i + 1
    while True:
        line += text.count("\n", counted, i)
        counted = i
        try:
            value, end = _DECODER.raw_decode(text, i)
        except json.JSONDecodeError as error:
            raise _not_json(file, error.lineno) from None
        out.append((line, value))
        i = _SPACE.match(text, end).end()
        if text.startswith(",", i):
            i = _SPACE.match(text, i + 1).end()
        elif text.startswith("]", i):
            return out, i + 1
        else:
            raise _not_json(file, 1 + text.count("\n", 0, i))


def _nothing_after(file: Path, text: str, end: int) -> None:
    rest = _SPACE.match(text, end).end()
    if rest < len(text):
        raise _not_json(file, 1 + text.count("\n", 0, rest))


def _not_json(file: Path, line: int) -> DataError:
    return DataError([DataProblem(str(file), "is not valid JSON", row=line,
                                  expected=JSON_SHAPES)])


# Values ----------------------------------------------------------------------

def epoch(record: Record, field: str) -> datetime | None:
    """A time of the API (seconds since 1970) as a UTC datetime; None if not given."""
    value = record.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise record.refuse(field, value, "is not a time of Stripe's API",
                            expected="seconds since 1970-01-01 UTC, such as 1767225600")
    return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)


def written_time(record: Record, field: str) -> datetime | None:
    """A time of the Dashboard's CSV (its columns say UTC) as a UTC datetime."""
    text = (record.get(field) or "").strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise record.refuse(field, text, "cannot be read as a time",
                            expected="a date and time such as 2026-01-31 14:05") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def number(record: Record, field: str, *, default=None, what: str, whole: bool = False
           ) -> Fraction | None:
    """A number at least 0 (an amount, a quantity, a percentage), exactly; refused if not."""
    value = record.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    text = value.strip() if isinstance(value, str) else str(value)
    # A whole number is written with digits only: "49.00" is not 4900 cents, nor 49.
    written = isinstance(value, int) or (isinstance(value, str) and text.isdigit())
    try:
        exact = None if isinstance(value, bool) else Fraction(text)
    except (ValueError, ZeroDivisionError):
        exact = None
    if exact is None or exact < 0 or (whole and not written):
        raise record.refuse(field, value, f"is not {what}", expected=_EXPECTED[what])
    return exact


_EXPECTED = {
    "an amount in the minor unit": "a whole number at least 0 of the currency's minor "
                                   "unit (cents), such as 4900",
    "an amount": "an amount at least 0 such as 49.00",
    "a quantity": "a whole number at least 0",
    "a percentage": "a number from 0 to 100",
    "an interval count": "a whole number at least 1",
}
