"""Fuzzing the loaders and the validator: random files around the contract.

Whatever a folder holds, ``cpo-kit validate`` either accepts it (exit 0) or says
what is wrong, one problem a line, naming the file (exit 2). A traceback, an
"internal error" or any other exit status is a defect.
"""
from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpo_kit.cli import main
from cpo_kit.schemas import TABLES

#: Cell values a messy export holds: plausible ones, near misses and garbage.
CELLS = st.one_of(
    st.sampled_from(["", "0", "-5", "3.5", "1e309", "nan", "NULL", "2026-10-31",
                     "2026-02-30", "2126-01-01", "31/10/2026", "2026-10-31 25:61:00",
                     "SMB", "Enterprise", "nps", "true", "maybe", "P1", "A1", "u1",
                     "login", "\"quoted, comma\"", "<b>x</b>", "é€😀", "9" * 40]),
    st.text(min_size=0, max_size=12),
)


@st.composite
def table_files(draw):
    """A table's name and the bytes of a CSV file for it, more or less to contract."""
    table = draw(st.sampled_from(sorted(TABLES)))
    contract = list(TABLES[table].columns)
    header = draw(st.lists(st.sampled_from(contract + ["extra", "Account ID", ""]),
                           min_size=0, max_size=len(contract) + 2))
    if draw(st.booleans()):
        header = contract
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


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(table_files(), min_size=1, max_size=3,
                      unique_by=lambda f: f[0]))
def test_validate_either_accepts_or_explains_any_folder(files):
    with tempfile.TemporaryDirectory() as folder:
        for table, content in files:
            (Path(folder) / f"{table}.csv").write_bytes(content)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", folder])
    said = err.getvalue()
    assert code in (0, 2), said
    assert "Traceback" not in said and "internal error" not in said, said
    if code == 2:
        problems = [line for line in said.splitlines() if line.startswith(folder)]
        assert problems, said
        for line in problems:
            assert re.match(re.escape(folder) + r"/\w+\.csv(:\d+)?: \S", line), line


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
