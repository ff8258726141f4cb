"""Where an import is written before it is kept: a staging folder, its tally, and the move.

An importer writes each contract table into a staging folder beside ``OUT_DIR``
(DuckDB's ``COPY`` to Parquet, streamed) and tallies what it kept and what it
dropped, and why. Only when every table is written are the files moved into
``OUT_DIR``, one rename each on the same disk; a refusal or a failure on the way
leaves ``OUT_DIR`` as it was. A table file already in ``OUT_DIR`` is never
overwritten: two files of one table would make the company ambiguous.

Part of :mod:`cpo_kit.inputs`: imports :mod:`cpo_kit.core` and the contract.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from cpo_kit.core import formats, sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.table_files import file_format, normalise

#: DuckDB's memory for one import: the 10M-event benchmark stays under 2 GB with it.
MEMORY_LIMIT = "1GB"
#: The column of each table whose range an import reports.
DATED = {"events": "timestamp", "users": "signup_at", "accounts": "signup_date",
         "mrr": "month"}


@dataclass
class Written:
    """One table written: its rows and the range of its dates."""

    rows: int
    first: object = None
    last: object = None


@dataclass
class Imported:
    """What an import wrote and what it dropped, for the command to print."""

    tool: str
    out_dir: Path
    tables: dict[str, Written] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary a user reads: each table with its rows and dates, then the drops."""
        out = [f"Imported the {self.tool} export into {self.out_dir}:"]
        for name, w in self.tables.items():
            dates = f", {_day(w.first)} to {_day(w.last)}" if w.first is not None else ""
            out.append(f"  {name + '.parquet':<17} {formats.count(w.rows):>12} rows{dates}")
        if self.dropped:
            out.append("Dropped:")
            out += [f"  {formats.count(n):>12} {why}" for why, n in self.dropped.items()]
        else:
            out.append("Nothing was dropped.")
        out += self.notes
        return out


def _day(value) -> str:
    return str(value)[:10]


class Staging:
    """A staging folder and a DuckDB connection for one import.

    Parameters
    ----------
    tool : str
        The tool's name, for messages.
    out_dir : Path
        Where the tables go once every one is written.
    progress : bool
        Whether DuckDB shows its progress bar on long statements.
    """

    def __init__(self, tool: str, out_dir: Path, *, progress: bool = False):
        import duckdb

        self.imported = Imported(tool, out_dir)
        self.out_dir = out_dir
        parent = out_dir.resolve().parent
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.import-", dir=parent))
        self.con = duckdb.connect()
        self.con.execute(f"SET enable_progress_bar = {str(progress).lower()}")
        self.con.execute("SET TimeZone = 'UTC'")
        # DuckDB would take most of the machine's memory for its buffers; an import streams,
        # and spills what it must hold beyond this to the staging folder.
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        # Spilled intermediate results go with the staging folder, not into the system's /tmp.
        self.con.execute(f"SET temp_directory = {sql.string(self.folder / '.spill')}")

    def write(self, table: str, query: str) -> Written:
        """Write the rows of ``query`` as the contract table ``table`` (Parquet)."""
        path = self.folder / f"{table}.parquet"
        self.con.execute(f"COPY ({query}) TO {sql.string(path)} "
                         "(FORMAT parquet, COMPRESSION zstd)")
        rows, first, last = self.con.execute(
            f"SELECT count(*), min({DATED[table]}), max({DATED[table]}) "
            f"FROM read_parquet({sql.string(path)})").fetchone()
        written = Written(rows, first, last)
        self.imported.tables[table] = written
        return written

    def drop(self, why: str, count: int) -> None:
        """Tally ``count`` rows dropped, and why (rows of none are not tallied)."""
        if count:
            self.imported.dropped[why] += int(count)

    def keep(self) -> Imported:
        """Move every table written into ``out_dir``; refuse if one is there already."""
        names = sorted(p.name for p in self.folder.glob("*.parquet"))
        if self.out_dir.is_dir():
            taken = {}
            for p in self.out_dir.iterdir():
                known = file_format(p)
                if known and p.is_file():
                    taken.setdefault(normalise(p.name.split(".")[0]), p.name)
            clash = [taken[Path(n).stem] for n in names if Path(n).stem in taken]
            if clash:
                raise DataError([DataProblem(
                    str(self.out_dir / clash[0]), "is already there: import into a new "
                    "folder, or move the file away first (a table in two files would be "
                    "ambiguous)")])
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.replace(self.folder / name, self.out_dir / name)
        return self.imported

    def close(self) -> None:
        self.con.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self.close()
