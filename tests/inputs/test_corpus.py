"""The bad-input corpus: every rule of every table broken once, in every format.

Each case is a small valid company with one thing spoiled (see ``tests/corpus.py``).
``cpo-kit run`` must refuse it with exit status 2 and exactly one problem line, naming
file, row and column where there is one, and write nothing: the folder of runs,
holding an earlier run, is left as it was.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import CPO_KIT, ROOT, SAMPLE

from corpus import ACCEPTED, TABLES, cell_cases, file_cases, needed, small_company, write_company

BASE = small_company(SAMPLE)
CELL_CASES = cell_cases(BASE, "csv")


def _first_of_each_rule(cases):
    """Each kind of rule once per table: its case for the first column it applies to."""
    first = {}
    for case in cases:
        first.setdefault((case.table, case.rule), case)
    return list(first.values())


#: In Parquet and Excel, each kind of rule once per table.
OTHER_FORMAT_CASES = [case for fmt in ("parquet", "excel")
                      for case in _first_of_each_rule(cell_cases(BASE, fmt))]
FILE_CASES = [case for fmt in ("csv", "parquet", "excel") for case in file_cases(fmt)]
CASES = CELL_CASES + OTHER_FORMAT_CASES + FILE_CASES


def _state(folder):
    """Every entry under a folder with its size, time and link target: any write shows."""
    state = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        state[path.relative_to(folder)] = (stat.st_size, stat.st_mtime_ns,
                                           os.readlink(path) if path.is_symlink() else None)
    return state


@pytest.fixture(scope="module")
def earlier_runs(tmp_path_factory, sample_run):
    """A folder of runs holding a copy of a complete earlier run and its ``latest`` link."""
    runs, _ = sample_run
    out = tmp_path_factory.mktemp("earlier")
    run = (runs / "latest").resolve()
    shutil.copytree(run, out / run.name, symlinks=True)
    (out / "latest").symlink_to(run.name)
    return out


def test_the_corpus_covers_every_table_and_kind_of_rule():
    rules = {c.rule for c in CELL_CASES}
    assert {c.table for c in CELL_CASES} == set(TABLES)
    assert {"missing-column", "renamed-column", "empty", "wrong-type-0", "future",
            "not-allowed", "below-range", "above-range", "negative", "unknown-key",
            "duplicate-key"} <= rules
    assert sum(c.rule == "duplicate-key" for c in CELL_CASES) == sum(
        bool(t.key) for t in TABLES.values())
    assert sum(c.rule == "unknown-key" for c in CELL_CASES) == sum(
        len(t.references) for t in TABLES.values())
    assert sum(c.rule.startswith("before-") for c in CELL_CASES) == sum(
        len(t.rules) for t in TABLES.values())
    assert len(CASES) > 400
    assert all(len(frame) >= 4 for frame in BASE.values())


@pytest.mark.parametrize("fmt", ["csv", "parquet", "excel"])
@pytest.mark.parametrize("table", list(TABLES))
def test_the_unspoiled_small_company_is_valid(tmp_path, cli, table, fmt):
    write_company(tmp_path, BASE, needed(table), fmt)
    code, out, err = cli("validate", tmp_path)
    assert (code, err) == (0, ""), err
    assert f"{len(needed(table))} of 13 tables present, all valid" in out


@pytest.mark.parametrize("label", list(ACCEPTED))
@pytest.mark.parametrize("table", list(TABLES))
def test_odd_but_valid_files_are_accepted(tmp_path, cli, table, label):
    fmt, write = ACCEPTED[label]
    write_company(tmp_path, BASE, needed(table), fmt, write=write)
    code, out, err = cli("validate", tmp_path)
    assert (code, err) == (0, ""), err


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_broken_rule_is_refused_in_one_line_and_nothing_is_written(
        tmp_path, cli, earlier_runs, case):
    frames = {name: frame.copy() for name, frame in BASE.items()}
    if case.spoil:
        case.spoil(frames)
    data = tmp_path / "data"
    data.mkdir()
    write_company(data, frames, case.tables, case.fmt, write=case.write)
    before = _state(earlier_runs)

    code, out, err = cli("run", data, "--out", earlier_runs)

    lines = err.splitlines()
    assert code == 2, err
    assert len(lines) == 2, err
    assert lines[0].startswith(f"{data}/{case.file}{case.where}"), lines[0]
    if case.found:
        assert case.found in lines[0], lines[0]
    assert lines[1] == "1 problem in 1 file: nothing was run or written."
    assert "Traceback" not in err + out
    assert _state(earlier_runs) == before


# --- a gigabyte ----------------------------------------------------------------------------

GIGABYTE = 1 << 30
#: Peak memory allowed to check the gigabyte file: reading it whole would need several times it.
MEMORY_LIMIT = 1.5 * GIGABYTE


def _write_big_events(path, users: int, *, size: int, seed: int = 9) -> int:
    """An events CSV of at least ``size`` bytes, written in blocks; returns its rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    block = 2_000_000
    names = np.array(["login", "view_dashboard", "create_report", "share_report"])
    rows = 0
    schema = pa.schema([("user_id", pa.string()), ("timestamp", pa.string()),
                        ("event", pa.string())])
    options = pacsv.WriteOptions(quoting_style="none")
    with pacsv.CSVWriter(path, schema, write_options=options) as writer:
        while path.stat().st_size < size:
            seconds = rng.integers(0, 270 * 86400, block).astype("timedelta64[s]")
            writer.write_table(pa.table({
                "user_id": np.char.add("u", rng.integers(0, users, block).astype(str)),
                "timestamp": np.datetime_as_string(np.datetime64("2026-02-01") + seconds),
                "event": names[rng.integers(0, len(names), block)]}, schema=schema))
            rows += block
    return rows


def test_a_gigabyte_csv_is_checked_whole_in_little_memory_and_its_last_bad_row_named(
        tmp_path, earlier_runs):
    data = tmp_path / "data"
    data.mkdir()
    users = 5000
    (data / "users.csv").write_text("user_id,signup_at\n" + "".join(
        f"u{i},2026-01-{1 + i % 28:02d} 09:00:00\n" for i in range(users)))
    events = data / "events.csv"
    rows = _write_big_events(events, users, size=GIGABYTE)
    with events.open("a") as f:  # one impossible timestamp, on the very last row
        f.write("u7,2026-02-30T10:00:00,login\n")
    before = _state(earlier_runs)

    # A process of its own measures the peak memory of cpo-kit alone.
    measure = ("import resource, subprocess, sys; "
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "sys.stdout.write(done.stderr); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
               "sys.exit(done.returncode)")
    done = subprocess.run([sys.executable, "-c", measure, *CPO_KIT, "run", str(data),
                           "--out", str(earlier_runs)], capture_output=True, text=True,
                          cwd=ROOT)

    *lines, peak_kb = done.stdout.splitlines()
    assert done.returncode == 2, done.stdout + done.stderr
    assert lines == [f"{events}:{rows + 2}: timestamp: not a valid date and time (found "
                     "'2026-02-30T10:00:00', expected a date and time such as "
                     "2026-01-31 14:05:00)",
                     "1 problem in 1 file: nothing was run or written."]
    assert events.stat().st_size > GIGABYTE
    assert int(peak_kb) * 1024 < MEMORY_LIMIT
    assert _state(earlier_runs) == before
