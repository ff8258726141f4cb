"""The text of a CSV file: its header as written, its check as UTF-8, and the line on
which each of its records starts (in the decompressed text of a compressed file).

pandas reads a CSV file's records but does not say where they are: it skips blank
lines, and a quoted value may run over several lines, so a record's place in the
frame is not the line an editor shows it on. :func:`scan` reads the file once, in
blocks, checks that it is UTF-8 and finds with numpy where every record starts;
the :class:`Lines` it returns turns pandas's row index into those lines. A file
without blank lines or line breaks inside quotes costs no more than counting its
lines, and its rows keep the plain numbering (index + 2).

Quotes are read as pandas's parser reads them: a quote opens a quoted value only
as the first character of a field, and inside one a doubled quote stands for a
quote. A file that quotes as RFC 4180 says is read with vectorised parity
counting; where a quote stands elsewhere (``27" screen``), the quotes of that block
are walked one by one instead.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.compression import decompression_errors, open_bytes

#: A block read at a time: a gigabyte file costs no more memory than a small one.
BLOCK = 1 << 22
#: Bytes of a record kept to name the column of a quote that is never closed.
RECORD_KEPT = 1 << 16
_BOM = codecs.BOM_UTF8
_QUOTE, _COMMA, _LF, _CR, _SPACE, _TAB = 34, 44, 10, 13, 32, 9
_TERMINATOR = re.compile(rb"\r\n|\r|\n")


def header_names(path: Path, compression: str | None, *, limit: int = 1 << 20
                 ) -> list[str] | None:
    """The column names of a CSV file's header as written, or None when it cannot be read.

    The header is the first record that is not a blank line; it is looked for in the
    first ``limit`` bytes only, so that a quote never closed does not read the
    whole file. Problems of the text itself are :func:`scan`'s to report.
    """
    try:
        with open_bytes(path, compression) as f:
            head = f.read(limit)
            whole = not f.read(1)
    except (DataError, *decompression_errors()):
        return None
    records = csv.reader(io.StringIO(head.decode("utf-8-sig", errors="replace"), newline=""))
    try:
        for record in records:
            if record and (len(record) > 1 or record[0].strip(" \t")):
                # Complete only if the text goes on after it.
                return record if whole or next(records, None) is not None else None
    except csv.Error:  # a field longer than the csv module takes
        return None
    return None


@dataclass
class Lines:
    """Where the records of a CSV file start, as the lines an editor numbers from 1.

    Records are counted as pandas counts them: blank lines (empty, or spaces and
    tabs only) are no record, the first other record is the header (record 0).
    The line of record ``j`` is ``j + 1 + shift``, where ``shift`` is the value of
    ``shifts`` at the last of ``starts`` not after ``j`` (0 before the first).
    """

    #: Non-blank records, the header included.
    records: int = 0
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    shifts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: The same for every record, blank ones included, as pandas numbers the
    #: lines of its own error messages.
    all_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    all_shifts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    #: A line holding only spaces or tabs, which other readers take for a record.
    space_lines: bool = False
    #: A blank line above the header.
    blank_before_header: bool = False
    #: A line break inside a quoted value.
    quoted_newlines: bool = False
    #: A quote that is not where RFC 4180 puts one, read as pandas reads it.
    stray_quotes: bool = False
    #: The line endings between records: any of "\n", "\r\n", "\r".
    endings: set[str] = field(default_factory=set)

    @property
    def header(self) -> int:
        """The line of the header."""
        return int(self.rows(np.array([-1]))[0])

    def rows(self, index: np.ndarray) -> np.ndarray:
        """The line of each data row, by its index in the frame (0 is the first row)."""
        index = np.asarray(index, dtype=np.int64)
        return index + 2 + _shift(self.starts, self.shifts, index + 1)

    def pandas_line(self, line: int) -> int:
        """The line of the record that pandas's tokenizer calls ``line`` in an error."""
        record = np.array([line - 1])
        return int(line + _shift(self.all_starts, self.all_shifts, record)[0])

    @property
    def plain(self) -> bool:
        """Whether any CSV reader reads the records alike: one kind of line ending, no
        line of spaces, no blank line above the header, quotes only where they belong."""
        return not (self.space_lines or self.blank_before_header or self.stray_quotes
                    or len(self.endings) > 1)


def _shift(starts: np.ndarray, shifts: np.ndarray, records: np.ndarray) -> np.ndarray:
    if not len(starts):
        return np.zeros(len(records), np.int64)
    at = np.searchsorted(starts, records, side="right") - 1
    return np.where(at >= 0, shifts[np.maximum(at, 0)], 0)


def scan(path: Path, *, compression: str | None = None, header: list[str] | None = None,
         block: int = BLOCK) -> Lines:
    """Read a CSV file once: check it is UTF-8 and find the line of every record.

    Parameters
    ----------
    path : Path
        The file.
    compression : {None, "gzip", "zstd"}
        How the file is compressed; lines are counted in its decompressed text.
    header : list of str, optional
        The header's column names, to name the column of a quote never closed.
    block : int
        Bytes read at a time (small in tests, to put block ends everywhere).

    Raises
    ------
    DataError
        With one problem: the text is not UTF-8, a quoted value is never closed,
        or the file cannot be decompressed.
    """
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, compression, block)
    if key in _SCANNED:  # loading a company reads the file once to check, once to open it
        return _SCANNED[key]
    scanner = _Scanner(path, header)
    try:
        with open_bytes(path, compression) as f:
            while data := f.read(block):
                scanner.feed(data)
    except decompression_errors() as error:
        text = str(error).strip().splitlines()
        raise DataError([DataProblem(
            str(path), f"cannot be decompressed as {compression}",
            found=text[0][:200] if text else type(error).__name__,
            expected=f"a complete {compression} file")]) from None
    lines = scanner.finish()
    if len(_SCANNED) >= 4:
        _SCANNED.pop(next(iter(_SCANNED)))
    _SCANNED[key] = lines
    return lines


#: The last files scanned whole and found readable, by path, size, time and how read.
_SCANNED: dict[tuple, Lines] = {}


class _Scanner:
    """The state carried from one block of a CSV file to the next."""

    def __init__(self, path: Path, header: list[str] | None):
        self.path, self.header = path, header
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.out = Lines()
        self.first = True
        #: Trailing \r and quotes, held until the next byte shows what they are.
        self.pending = b""
        #: The byte before the block (a line end at the start of the file).
        self.prev = _LF
        self.line = 0  # lines ended so far
        self.inside = False  # within a quoted value
        self.line_starts_record = True  # the last line end also ended a record
        self.tail_blank = True  # the line begun so far holds only spaces and tabs
        self.tail_spaces = False  # ... and at least one
        self.last_end_line = 0  # the line on which the last record ended
        self.records = self.all_records = 0
        self.shift = self.all_shift = 0
        self.breaks: list[tuple[np.ndarray, np.ndarray]] = []
        self.all_breaks: list[tuple[np.ndarray, np.ndarray]] = []
        #: The unfinished record at the end of the last block, when short.
        self.record_tail: bytes | None = b""
        #: Where the last quoted value still open begins: (line, column, text after it).
        self.opened: tuple[int, str | None, bytes] | None = None

    def feed(self, data: bytes, final: bool = False) -> None:
        data = self.pending + data
        self.pending = b""
        if self.first:
            if not final and len(data) < len(_BOM) and _BOM.startswith(data):
                self.pending = data  # perhaps a byte-order mark, cut by the block's end
                return
            self.first = False
            data = data.removeprefix(_BOM)
        virtual = False
        if final:
            if (data[-1] if data else self.prev) not in (_LF, _CR):
                # The last record ends with the file: a line end of ours says so.
                data, virtual = data + b"\n", True
        elif data and data[-1] in (_CR, _QUOTE):
            kept = len(data) - len(data.rstrip(b'\r"'))
            self.pending, data = data[-kept:], data[:-kept]
        if data:
            self._check_utf8(data, final=False)
            self._block(data, virtual)

    def finish(self) -> Lines:
        self.feed(b"", final=True)
        self._check_utf8(b"", True)
        if self.inside:
            line, column, text = self.opened
            rest = text.split(b"\n")[0].split(b"\r")[0]
            shown = rest[:40].decode("utf-8", "replace")
            # The line goes on beyond what is shown (or beyond what was kept of it).
            cut = len(rest) > 40 or (rest == text and len(text) == 200)
            raise DataError([DataProblem(
                str(self.path), "a quoted value is never closed", row=line, column=column,
                found=repr(shown + "..." * cut),
                expected='a closing quote (a quote inside a quoted value is written twice: "")')])
        out = self.out
        out.records = self.records
        for target, breaks in (("", self.breaks), ("all_", self.all_breaks)):
            if breaks:
                setattr(out, target + "starts", np.concatenate([b[0] for b in breaks]))
                setattr(out, target + "shifts", np.concatenate([b[1] for b in breaks]))
        return out

    def _check_utf8(self, data: bytes, final: bool) -> None:
        try:
            self.decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            # The error's bytes start with any the decoder held back from the block
            # before: parts of a character, never a line end.
            before = error.object[:error.start]
            line = self.line + 1 + len(_TERMINATOR.findall(before))
            raise DataError([DataProblem(
                str(self.path), "the file is not UTF-8 text", row=line,
                found=f"byte 0x{error.object[error.start]:02x}",
                expected="UTF-8: save the file as 'CSV UTF-8'")]) from None

    def _block(self, data: bytes, virtual: bool) -> None:
        n = None if self.inside else self._plain(data)
        if n is None:
            self._slow(data, virtual)
            return
        # Every line end ends a record of one line: the numbering goes on as it was.
        self.line += n
        self.records += n
        self.all_records += n
        self.last_end_line = self.line
        last = data.rfind(b"\n")
        self._keep_tail(data, last)
        self._note_tail(data, last, True if n else None)
        if b"\r" in data:
            self.out.endings.add("\r\n")
        elif n and not (virtual and n == 1):
            self.out.endings.add("\n")
        self.prev = data[-1]

    def _plain(self, data: bytes) -> int | None:
        """The number of line ends of a block of one-line records, with no quote and no
        blank line and only one kind of line end; None for any other block."""
        if b'"' in data or self.last_end_line != self.line:
            return None  # a quote, or a record begun on an earlier line
        if (self.line - self.records, self.line - self.all_records) != (self.shift,
                                                                          self.all_shift):
            return None  # the next record's line shifts, after a blank line
        if self.tail_blank and data.lstrip(b" \t")[:1] in (b"\n", b"\r"):
            return None  # a blank line begun in the block before
        # numpy rather than bytes.find: five searches for two bytes cost five times more.
        a = np.frombuffer(data, np.uint8)
        lf = np.flatnonzero(a == _LF)
        following = a[lf[lf < len(a) - 1] + 1]
        if ((following == _LF) | (following == _CR) | (following == _SPACE)
                | (following == _TAB)).any():
            return None  # a line that is blank, or begins with a space or a lone \r
        if b"\r" in data:
            cr = np.flatnonzero(a == _CR)
            # Only \r\n, and only it: a lone \r or a mix of endings needs a closer look.
            if len(cr) != len(lf) or cr[-1] == len(a) - 1 or (a[cr + 1] != _LF).any():
                return None
        return len(lf)

    def _slow(self, data: bytes, virtual: bool) -> None:
        a = np.frombuffer(data, np.uint8)
        n = len(a)
        lf = np.flatnonzero(a == _LF)
        cr = np.flatnonzero(a == _CR)
        # A \r is a line end of its own unless a \n follows (no \r ends a block).
        lone = cr[a[np.minimum(cr + 1, n - 1)] != _LF] if len(cr) else cr
        ends = np.union1d(lf, lone) if len(lone) else lf
        crlf = (a[ends] == _LF) & (ends > 0) & (a[np.maximum(ends - 1, 0)] == _CR)
        toggles = self._toggles(a)
        inside0 = int(self.inside)
        if len(toggles):
            in_quotes = ((np.searchsorted(toggles, ends) + inside0) & 1).astype(bool)
        else:
            in_quotes = np.full(len(ends), self.inside)
        if in_quotes.any():
            self.out.quoted_newlines = True
        record_end = ~in_quotes
        # A record is blank when it is one line of nothing but spaces and tabs.
        seg_start = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
        seg_end = ends - crlf
        blank = record_end & np.concatenate([[self.line_starts_record], record_end[:-1]])
        white = seg_end == seg_start
        first = a[np.minimum(seg_start, n - 1)]
        for i in np.flatnonzero(blank & ~white & ((first == _SPACE) | (first == _TAB))):
            white[i] = _blank(data[seg_start[i]:seg_end[i]])
        if len(ends):
            # The first line began in the block before.
            white[0] = self.tail_blank and _blank(data[:seg_end[0]])
        blank &= white
        spaces = blank & (seg_end > seg_start)
        if len(ends):
            spaces[0] = blank[0] and (self.tail_spaces or seg_end[0] > 0)
        if spaces.any():
            self.out.space_lines = True
        # pandas drops the comma that begins the line after a blank line ended by a lone
        # \r, shifting that row's values one column left (or losing the row).
        misread = blank & (a[ends] == _CR) & (a[np.minimum(ends + 1, n - 1)] == _COMMA)
        if misread.any():
            raise DataError([DataProblem(
                str(self.path), "a line begins with a comma after a blank line that ends "
                "with a carriage return alone, which is misread",
                row=self.line + 2 + int(np.argmax(misread)),
                expected="Windows or Unix line endings: save the file as 'CSV UTF-8', "
                "not 'CSV (Macintosh)'")])
        lines = self.line + 1 + np.arange(len(ends))
        self._count_records(lines[record_end], blank[record_end])
        kinds = np.where(a[ends] == _CR, 2, crlf.astype(int))[record_end]
        if virtual and len(kinds):
            kinds = kinds[:-1]
        self.out.endings.update(("\n", "\r\n", "\r")[k] for k in np.unique(kinds))
        if self.inside ^ bool(len(toggles) & 1):
            self._remember_open(data, int(toggles[-1]) if len(toggles) else None, ends,
                                record_end)
        self.inside ^= bool(len(toggles) & 1)
        last = int(ends[-1]) if len(ends) else -1
        self._keep_tail(data, int(ends[record_end][-1]) if record_end.any() else -1)
        self._note_tail(data, last, bool(record_end[-1]) if len(ends) else None)
        self.line += len(ends)
        self.prev = data[-1]

    def _toggles(self, a: np.ndarray) -> np.ndarray:
        """Where the block goes into or out of a quoted value."""
        q = np.flatnonzero(a == _QUOTE)
        if not len(q):
            return q
        before = np.where(q > 0, a[np.maximum(q - 1, 0)], self.prev)
        after = a[np.minimum(q + 1, len(a) - 1)]  # a block never ends with a quote
        opens = ((np.arange(len(q)) + int(self.inside)) & 1) == 0
        at_start = (before == _COMMA) | (before == _LF) | (before == _CR) | (before == _QUOTE)
        closes = (after == _QUOTE) | (after == _COMMA) | (after == _LF) | (after == _CR)
        if np.where(opens, at_start, closes).all():
            return q  # each quote opens or closes, a doubled one twice
        self.out.stray_quotes = True
        toggles, inside, skip = [], self.inside, False
        for p, b, c in zip(q.tolist(), before.tolist(), after.tolist()):
            if skip:
                skip = False
            elif inside:
                if c == _QUOTE:
                    skip = True  # a doubled quote: a quote in the value
                else:
                    inside = False
                    toggles.append(p)
            elif b in (_COMMA, _LF, _CR):
                inside = True
                toggles.append(p)
            # any other quote is a character of an unquoted value
        return np.array(toggles, dtype=np.int64)

    def _count_records(self, lines: np.ndarray, blank: np.ndarray) -> None:
        """Note the records that end on ``lines``, and where their numbering shifts."""
        if not len(lines):
            return
        starts = np.concatenate([[self.last_end_line], lines[:-1]]) + 1
        self.last_end_line = int(lines[-1])
        if self.records == 0 and blank.any() and not blank.all():
            self.out.blank_before_header |= bool(blank[:np.argmin(blank)].any())
        elif self.records == 0 and blank.all():
            self.out.blank_before_header = True
        for kept, attr in ((~blank, ""), (np.ones(len(lines), bool), "all_")):
            first = getattr(self, attr + "records")
            begin = starts[kept]
            index = first + np.arange(len(begin))
            shift = begin - index - 1
            previous = np.concatenate([[getattr(self, attr + "shift")], shift[:-1]])
            changed = shift != previous
            if changed.any():
                getattr(self, attr + "breaks").append((index[changed], shift[changed]))
            setattr(self, attr + "records", first + len(begin))
            if len(shift):
                setattr(self, attr + "shift", int(shift[-1]))

    def _note_tail(self, data: bytes, last_end: int, ended_record: bool | None) -> None:
        """Note what the line left unfinished at the end of the block holds so far."""
        tail = data[last_end + 1:]
        if ended_record is None:  # no line ended in the block: the line goes on
            self.tail_blank = self.tail_blank and _blank(tail)
            self.tail_spaces = self.tail_spaces or bool(tail)
        else:
            self.line_starts_record = ended_record
            self.tail_blank, self.tail_spaces = _blank(tail), bool(tail)

    def _keep_tail(self, data: bytes, last_record_end: int) -> None:
        if last_record_end >= 0:
            tail = data[last_record_end + 1:]
        elif self.record_tail is not None:
            tail = self.record_tail + data
        else:
            tail = None
        self.record_tail = tail if tail is not None and len(tail) <= RECORD_KEPT else None

    def _remember_open(self, data: bytes, quote: int | None, ends: np.ndarray,
                       record_end: np.ndarray) -> None:
        """Note where the quoted value left open at the end of the block begins."""
        if quote is None:
            return  # opened in an earlier block, and noted there
        line = self.line + 1 + int(np.searchsorted(ends, quote))
        before = ends[record_end & (ends < quote)]
        if len(before):
            record = data[int(before[-1]) + 1:quote]
        else:
            record = None if self.record_tail is None else self.record_tail + data[:quote]
        column = None
        # No column in the header itself, nor where the header is not known.
        if record is not None and self.header is not None and self.records:
            place = _field_index(record)
            if place < len(self.header):
                column = self.header[place]
        self.opened = (line, column, data[quote:quote + 200])


def _blank(text: bytes) -> bool:
    return not text.strip(b" \t")


def _field_index(record: bytes) -> int:
    """The place (from 0) of the field that begins after ``record``, the start of a record."""
    place, inside, start, quote_seen = 0, False, True, False
    for byte in record:
        if inside:
            if byte == _QUOTE:
                inside, quote_seen = False, True
            continue
        if byte == _QUOTE and (start or quote_seen):
            inside = True  # opens a value, or a doubled quote goes on with it
        elif byte == _COMMA:
            place += 1
            start = True
            quote_seen = False
            continue
        else:
            quote_seen = False
        start = False
    return place
