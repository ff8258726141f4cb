"""Every file named after a table is read or refused, and a CSV row is named by the line
an editor shows it on.

Compressed CSV files are read; a legacy .xls workbook and any other file or folder
named after a table are refused by name, with what is read. A problem in a CSV file
names the line where its record starts, whatever blank lines, line breaks inside
quotes, Windows line endings, a byte-order mark or lines starting with ``#`` come
before it. Each refusal is one line, exit status 2, and nothing written.
"""
from __future__ import annotations

import gzip
import os

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import cpo_kit

from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.csv_text import scan
from cpo_kit.inputs.loaders import read_table

zstandard = pytest.importorskip("zstandard")

HEADER = "user_id,timestamp,event\n"
GOOD = "u1,2026-01-05 10:00:00,login\n"
BAD = "u2,yesterday,login\n"
#: What a problem line says of BAD's timestamp, after the file and line.
BAD_SAYS = ("timestamp: not a valid date and time (found 'yesterday', expected a date and "
            "time such as 2026-01-31 14:05:00)")
READ = ("CSV (.csv, or compressed: .csv.gz, .csv.zst), Parquet (.parquet, .pq) or Excel "
        "(.xlsx, .xlsm)")
LAST = "1 problem in 1 file: nothing was run or written."


def _validate(folder):
    """``cpo-kit validate`` as a user runs it: exit status, stdout and the problem lines."""
    done = cpo_kit("validate", folder)
    assert "Traceback" not in done.stderr + done.stdout
    return done.returncode, done.stdout, done.stderr.splitlines()


def _state(folder):
    """Every entry under a folder with its size, time and link target: any write shows."""
    return {path.relative_to(folder): (path.lstat().st_size, path.lstat().st_mtime_ns,
                                       os.readlink(path) if path.is_symlink() else None)
            for path in sorted(folder.rglob("*"))}


@pytest.fixture
def earlier_run(tmp_path):
    """A folder of runs holding an earlier run and its ``latest`` link."""
    runs = tmp_path / "runs"
    (runs / "2026-11-01_090000").mkdir(parents=True)
    (runs / "2026-11-01_090000" / "manifest.json").write_text('{"notebooks": {}}\n')
    (runs / "2026-11-01_090000" / "index.html").write_text("<p>the earlier run</p>\n")
    (runs / "latest").symlink_to("2026-11-01_090000")
    return runs


def _refused_by_run(data, runs, line):
    """``cpo-kit run`` refuses the folder in exactly ``line`` and writes nothing."""
    before = _state(runs)
    done = cpo_kit("run", data, "--out", runs)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [line, LAST]
    assert "Traceback" not in done.stderr + done.stdout
    assert _state(runs) == before


# --- compressed CSV ------------------------------------------------------------------------

COMPRESS = {"csv.gz": gzip.compress, "csv.zst": zstandard.ZstdCompressor().compress}
#: Valid events, whose names and days are those the notebooks' defaults look for.
EVENTS = ("user_id,timestamp,event,feature\n"
          "u1,2026-01-05 10:00:00,signup,\n\n"
          "u1,2026-01-05 10:00:30,login,\n"
          'u1,2026-01-05 10:01:00,create_report,"reports\nand charts"\n'
          "u1,2026-10-31 09:00:00,share_report,reports\n")


@pytest.mark.parametrize("ending, summary", [
    ("csv.gz", "  events        events.csv.gz                     4  2026-01-05  2026-10-31"),
    ("csv.zst", "  events        events.csv.zst                    4  2026-01-05  2026-10-31"),
])
def test_compressed_csv_is_read_and_counted(tmp_path, ending, summary):
    (tmp_path / f"events.{ending}").write_bytes(COMPRESS[ending](EVENTS.encode()))
    code, out, err = _validate(tmp_path)
    assert (code, err) == (0, [])
    assert summary in out.splitlines()


#: Events that DuckDB reads alike, and events it would misread if it read the file itself.
READ_ALIKE = HEADER + "u1,2026-01-05 10:00:00,login\n\n#u2,2026-01-06 09:00:00,\"a\nb\"\n"
MISREAD = HEADER + "u1,2026-01-05 10:00:00,login\r\n  \n#u2,2026-01-06 09:00:00,\"a\nb\"\n"


@pytest.mark.parametrize("ending", ["csv", *COMPRESS])
@pytest.mark.parametrize("text", [READ_ALIKE, MISREAD], ids=["read-alike", "misread"])
def test_csv_events_are_what_the_notebooks_read(tmp_path, ending, text):
    from cpo_kit import load_company

    content = text.encode()
    (tmp_path / f"events.{ending}").write_bytes(COMPRESS.get(ending, bytes)(content))
    company = load_company(tmp_path)
    assert company.sql("select user_id, event from events order by timestamp").values.tolist(
    ) == [["u1", "login"], ["#u2", "a\nb"]]


@pytest.mark.parametrize("ending", list(COMPRESS))
def test_a_problem_in_a_compressed_csv_names_its_line_in_the_text(tmp_path, earlier_run,
                                                                  ending):
    data = tmp_path / "data"
    data.mkdir()
    text = HEADER + GOOD + "\n" + 'u1,2026-01-05 10:01:00,"two\nlines"\n' + BAD
    (data / f"events.{ending}").write_bytes(COMPRESS[ending](text.encode()))
    line = f"{data}/events.{ending}:6: {BAD_SAYS}"
    assert _validate(data) == (2, "", [line, LAST])
    _refused_by_run(data, earlier_run, line)


@pytest.mark.parametrize("ending, content, start, end", [
    ("csv.gz", gzip.compress(EVENTS.encode())[:-12], "cannot be decompressed as gzip",
     "expected a complete gzip file)"),
    ("csv.gz", HEADER.encode(), "cannot be decompressed as gzip",
     "expected a complete gzip file)"),
    ("csv.zst", COMPRESS["csv.zst"](EVENTS.encode())[:-3], "cannot be decompressed as zstd",
     "(found the file ends inside a compressed frame, expected a complete zstd file)"),
    ("csv.zst", HEADER.encode(), "cannot be decompressed as zstd",
     "expected a complete zstd file)"),
], ids=["cut-gzip", "not-gzip", "cut-zstd", "not-zstd"])
def test_a_damaged_compressed_file_is_refused(tmp_path, ending, content, start, end):
    (tmp_path / f"events.{ending}").write_bytes(content)
    code, _, err = _validate(tmp_path)
    assert code == 2
    assert err[0].startswith(f"{tmp_path}/events.{ending}: {start} (found "), err
    assert err[0].endswith(end), err
    assert err[1:] == [LAST]


# --- files named after a table in a format that is not read ---------------------------------

def _file(name, content=b"x"):
    def make(folder):
        (folder / name).write_bytes(content)
    return make


def _folder(name):
    def make(folder):
        (folder / name).mkdir()
        (folder / name / "part-00000.parquet").write_bytes(b"PAR1")
    return make


@pytest.mark.parametrize("make, line", [
    (_file("events.xls", b"\xd0\xcf\x11\xe0"),
     "events.xls: an Excel 97-2003 workbook (.xls) is not read (expected the file saved as "
     ".xlsx or CSV)"),
    (_file("Events.XLS"),
     "Events.XLS: an Excel 97-2003 workbook (.xls) is not read (expected the file saved as "
     ".xlsx or CSV)"),
    (_file("events.json", b"[]"),
     "events.json: named after table events but not in a format that is read (found .json, "
     f"expected {READ}; move other files out of the folder)"),
    (_file("events.tsv"),
     "events.tsv: named after table events but not in a format that is read (found .tsv, "
     f"expected {READ}; move other files out of the folder)"),
    (_file("Events.txt"),
     "Events.txt: named after table events but not in a format that is read (found .txt, "
     f"expected {READ}; move other files out of the folder)"),
    (_file("users.csv.bak"),
     "users.csv.bak: named after table users but not in a format that is read (found "
     f".csv.bak, expected {READ}; move other files out of the folder)"),
    (_file("events.csv.zip"),
     "events.csv.zip: named after table events but not in a format that is read (found "
     f".csv.zip, expected {READ}; move other files out of the folder)"),
    (_file("events"),
     "events: named after table events but not in a format that is read (found no "
     f"extension, expected {READ}; move other files out of the folder)"),
    (_folder("events"),
     "events: a folder named after table events is not read (found a folder (Spark writes "
     f"Parquet tables as folders of parts), expected one file: {READ})"),
    (_folder("events.parquet"),
     "events.parquet: a folder named after table events is not read (found a folder (Spark "
     f"writes Parquet tables as folders of parts), expected one file: {READ})"),
], ids=["xls", "XLS", "json", "tsv", "txt", "bak", "zip", "no-extension", "folder",
        "parquet-folder"])
def test_a_file_named_after_a_table_that_is_not_read_is_refused_by_name(tmp_path, make, line):
    (tmp_path / "products.csv").write_text("product_id,name,launch_date,stage,gross_margin\n"
                                           "P1,Core,2020-01-01,maturity,0.8\n")
    make(tmp_path)
    assert _validate(tmp_path) == (2, "", [f"{tmp_path}/{line}", LAST])


def test_a_refused_file_leaves_an_earlier_run_as_it_was(tmp_path, earlier_run):
    data = tmp_path / "data"
    data.mkdir()
    (data / "events.csv").write_text(HEADER + GOOD)
    (data / "accounts.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    _refused_by_run(data, earlier_run, f"{data}/accounts.xls: an Excel 97-2003 workbook "
                    "(.xls) is not read (expected the file saved as .xlsx or CSV)")


def test_hidden_lock_and_unrelated_files_are_not_refused(tmp_path):
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / ".events.csv").write_text("hidden")
    (tmp_path / "~$events.xlsx").write_text("Excel's lock file")
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "archive").mkdir()
    code, out, err = _validate(tmp_path)
    assert (code, err) == (0, [])
    assert out.splitlines()[-1] == "Ignored, not named after a table: archive/, notes.txt"


def test_a_csv_file_and_its_compressed_copy_are_two_files_for_one_table(tmp_path):
    (tmp_path / "events.csv").write_text(HEADER + GOOD)
    (tmp_path / "events.csv.gz").write_bytes(gzip.compress((HEADER + GOOD).encode()))
    assert _validate(tmp_path) == (2, "", [
        f"{tmp_path}/events.csv.gz: a second file for table events (found events.csv and "
        "events.csv.gz, expected one file per table)", LAST])


# --- line numbers --------------------------------------------------------------------------

BOM = "\ufeff"


@pytest.mark.parametrize("text, line", [
    (HEADER + GOOD + BAD, 3),
    (HEADER + "\n" + GOOD + "\n\n" + BAD, 6),
    (HEADER + GOOD + "  \t\n" + BAD, 4),
    ("\n\n" + HEADER + GOOD + BAD, 5),
    (HEADER + 'u1,2026-01-05 10:00:00,"log\nin"\n' + BAD, 4),
    (HEADER + 'u1,2026-01-05 10:00:00,"say ""hi""\n\nthere"\n' + BAD, 5),
    (HEADER + 'u1,2026-01-05 10:00:00,"a ""quoted"" word"\n' + BAD, 3),
    ((HEADER + GOOD + "\n" + BAD).replace("\n", "\r\n"), 4),
    ((HEADER + GOOD + "\n" + BAD).replace("\n", "\r"), 4),
    (BOM + HEADER + GOOD + BAD, 3),
    (HEADER + "#u1,2026-01-05 10:00:00,login\n" + "#" + BAD, 3),
    (HEADER + 'u1,2026-01-05 10:00:00,27" screen\n' + GOOD + BAD, 4),
    (BOM + ("\n" + HEADER + "#note,2026-01-05 10:00:00,\"x\ny\"\n\n \n" + BAD)
     .replace("\n", "\r\n"), 7),
    (HEADER + GOOD + BAD.rstrip("\n"), 3),
], ids=["plain", "blank-lines", "spaces-line", "blank-above-header", "quoted-newline",
        "escaped-quotes-and-newlines", "escaped-quotes", "crlf", "cr", "bom", "hash-lines",
        "stray-quote", "all-at-once", "no-final-newline"])
def test_a_problem_names_the_line_an_editor_shows(tmp_path, text, line):
    (tmp_path / "events.csv").write_bytes(text.encode())
    assert _validate(tmp_path) == (2, "", [f"{tmp_path}/events.csv:{line}: {BAD_SAYS}", LAST])


def test_a_line_starting_with_a_hash_is_a_row_of_data(tmp_path):
    (tmp_path / "events.csv").write_text(HEADER + GOOD + "# exported by the CRM\n")
    assert _validate(tmp_path) == (2, "", [
        f"{tmp_path}/events.csv:3: timestamp: missing value (expected a value)",
        f"{tmp_path}/events.csv:3: event: missing value (expected a value)",
        "2 problems in 1 file: nothing was run or written."])


@pytest.mark.parametrize("text, line", [
    (HEADER + GOOD + "\n" + 'u1,2026-01-05 10:00:00,"x\ny"\n' + GOOD.rstrip() + ",extra\n",
     6),
    (HEADER + GOOD.rstrip() + ",extra\n" + GOOD, 2),
    ("\n" + HEADER + "\n" + GOOD.rstrip() + ",extra\n" + GOOD.rstrip() + ",extra\n", 4),
], ids=["after-blank-and-quoted-lines", "first-row", "every-row"])
def test_a_row_with_more_fields_than_the_header_names_its_line(tmp_path, text, line):
    (tmp_path / "events.csv").write_text(text)
    assert _validate(tmp_path) == (2, "", [
        f"{tmp_path}/events.csv:{line}: a row has more fields than the header (expected one "
        "field per column (quote values that contain commas))", LAST])


CLOSING = 'expected a closing quote (a quote inside a quoted value is written twice: "")'


@pytest.mark.parametrize("text, where, found", [
    (HEADER + GOOD + GOOD + 'u3,2026-01-05 10:00:00,"login\n' + GOOD * 3, ":4: event",
     '"login'),
    (HEADER + "\n" + 'u3,"2026-01-05 10:00:00,login\n' + GOOD, ":3: timestamp",
     '"2026-01-05 10:00:00,login'),
    (HEADER + '"u1","2026-01-05","a ""b"" c",\n"u2\n' + GOOD, ":3: user_id", '"u2'),
    (HEADER + 'u3,2026-01-05 10:00:00,"a\n\nb"\n' + 'u3,2026-01-05 10:00:00,"abc', ":5: event",
     '"abc'),
    ('"user_id,timestamp,event\n' + GOOD, ":1", '"user_id,timestamp,event'),
    (HEADER + 'u3,"' + "2026-01-05 10:00:00" * 3 + '",login\n' + 'u4,2026,"' + "x" * 50 + "\n",
     ":3: event", '"' + "x" * 39 + "..."),
], ids=["event", "after-a-blank-line", "after-quoted-values", "at-the-end", "header",
        "long-line"])
def test_a_quote_never_closed_names_the_line_where_it_opens(tmp_path, text, where, found):
    (tmp_path / "events.csv").write_text(text)
    assert _validate(tmp_path) == (2, "", [
        f"{tmp_path}/events.csv{where}: a quoted value is never closed (found '{found}', "
        f"{CLOSING})", LAST])


@pytest.mark.parametrize("text, line, column", [
    ("user_id,timestamp,event,User_ID\n" + GOOD.rstrip() + ",u1\n", 1, "user_id"),
    ("user_id,timestamp,event,event\n" + GOOD.rstrip() + ",login\n", 1, "event"),
    ('\n"user_id",timestamp,event,"Event "\n' + GOOD.rstrip() + ",login\n", 2, "event"),
], ids=["case", "same", "quoted-after-a-blank-line"])
def test_a_column_named_twice_in_a_csv_header_is_refused(tmp_path, earlier_run, text, line,
                                                         column):
    (tmp_path / "events.csv").write_text(text)
    problem = (f"{tmp_path}/events.csv:{line}: {column}: the column appears more than once "
               "(expected unique column names)")
    assert _validate(tmp_path) == (2, "", [problem, LAST])
    if column == "event":
        _refused_by_run(tmp_path, earlier_run, problem)


def test_a_row_after_a_blank_line_ended_by_a_lone_carriage_return_is_not_misread(tmp_path):
    # pandas drops the comma that begins such a line: the row would move a column left.
    (tmp_path / "events.csv").write_text("timestamp,user_id,event\r"
                                         "2026-01-05 10:00:00,u1,login\r\r,u2,login\r")
    assert _validate(tmp_path) == (2, "", [
        f"{tmp_path}/events.csv:4: a line begins with a comma after a blank line that ends "
        "with a carriage return alone, which is misread (expected Windows or Unix line "
        "endings: save the file as 'CSV UTF-8', not 'CSV (Macintosh)')", LAST])


def test_a_blank_excel_row_keeps_the_numbers_of_the_rows_after_it(tmp_path):
    book = openpyxl.Workbook()
    for row in [["user_id", "timestamp", "event"], ["u1", "2026-01-05 10:00:00", "login"],
                [None, None, None], [], ["u2", "yesterday", "login"]]:
        book.active.append(row)
    book.save(tmp_path / "events.xlsx")
    assert _validate(tmp_path) == (2, "", [f"{tmp_path}/events.xlsx:5: {BAD_SAYS}", LAST])


# --- the line of every record, unit by unit --------------------------------------------------

#: A text whose records start on lines 1, 3, 4, 9 and 10, with a block end anywhere in it
#: when read a few bytes at a time: a byte-order mark, blank lines, a quoted value over
#: four lines with doubled quotes, \r\n, \n and a lone \r, and no line end at the end.
TEXT = (b"\xef\xbb\xbf" b"a,b\r\n" b"\r\n" b"1,2\n" b'3,"x\r\n' b'""y""\n' b"\n" b'z"\n'
        b" \t\n" b"4,5\r" b"6,7")


@pytest.mark.parametrize("block", [1, 2, 3, 5, 8, 13, 1 << 22])
def test_the_line_of_each_record_whatever_the_blocks(tmp_path, block):
    (tmp_path / "t.csv").write_bytes(TEXT)
    lines = scan(tmp_path / "t.csv", block=block)
    assert lines.records == 5
    assert lines.header == 1
    assert lines.rows(np.arange(4)).tolist() == [3, 4, 9, 10]
    assert (lines.quoted_newlines, lines.space_lines, lines.endings) == (
        True, True, {"\r\n", "\n", "\r"})
    assert not lines.plain


@pytest.mark.parametrize("block", [1, 4, 1 << 22])
def test_a_plain_file_keeps_the_plain_numbering(tmp_path, block):
    (tmp_path / "t.csv").write_bytes(b"a,b\r\n1,2\r\n3,4\r\n")
    lines = scan(tmp_path / "t.csv", block=block)
    assert (lines.records, len(lines.starts), lines.plain) == (3, 0, True)
    assert lines.rows(np.arange(2)).tolist() == [2, 3]


@pytest.mark.parametrize("text, rows", [
    (b'a,b\n"1\n2",x\n3,4\n', [2, 4]),  # a block ends inside the quoted value
    (b'a,b\n1,"say ""hi""\nthere"\n\n5,6\n', [2, 5]),
    (b'a,b\n5" tv,"q\nr"\n7,8\n', [2, 4]),  # a stray quote, then a quoted value
    (b'a,b\n"x"y,"\n"\n9,9\n', [2, 4]),  # text after a closing quote, as pandas reads it
])
@pytest.mark.parametrize("block", [2, 3, 6])
def test_quoted_values_across_block_ends(tmp_path, text, rows, block):
    (tmp_path / "t.csv").write_bytes(text)
    lines = scan(tmp_path / "t.csv", block=block)
    assert lines.rows(np.arange(len(rows))).tolist() == rows
    # pandas reads as many rows from it.
    assert len(pd.read_csv(tmp_path / "t.csv", dtype=str)) == len(rows)


def test_read_table_numbers_rows_by_their_lines(tmp_path):
    (tmp_path / "events.csv").write_text(HEADER + "\n" + GOOD + '"u1",2026-01-06,"a\nb"\n'
                                         + "\n\n" + GOOD)
    chunk = read_table(TABLES["events"], tmp_path / "events.csv")
    assert chunk.problems == []
    assert chunk.rows.tolist() == [3, 4, 8]


def test_every_frame_of_a_zstd_file_is_read(tmp_path):
    # zstd files written in parts (by pzstd, or joined with cat) hold several frames.
    compress = COMPRESS["csv.zst"]
    (tmp_path / "events.csv.zst").write_bytes(compress((HEADER + GOOD).encode())
                                              + compress(("\n" + GOOD + GOOD).encode()))
    chunk = read_table(TABLES["events"], tmp_path / "events.csv.zst")
    assert chunk.problems == []
    assert chunk.rows.tolist() == [2, 4, 5]
