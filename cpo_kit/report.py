"""Printing the outcome of a check for people: a summary table or the problems."""
from __future__ import annotations

from pathlib import Path

from cpo_kit.errors import DataError
from cpo_kit.schemas import TABLES
from cpo_kit.validate import Checked


def summary_lines(checked: Checked, folder: Path | str) -> list[str]:
    """A table of what was read: rows and date range of each table present."""
    lines = [f"{folder}: {len(checked.summaries)} of {len(TABLES)} tables present, all valid",
             "", f"  {'table':<13} {'file':<22} {'rows':>12}  {'from':<10}  {'to':<10}"]
    for name in (n for n in TABLES if n in checked.summaries):
        s = checked.summaries[name]
        first = s.first.strftime("%Y-%m-%d") if s.first is not None else ""
        last = s.last.strftime("%Y-%m-%d") if s.last is not None else ""
        lines.append(f"  {name:<13} {s.path.name:<22} {s.rows:>12,}  {first:<10}  {last:<10}")
    absent = [n for n in TABLES if n not in checked.summaries]
    if absent:
        lines += ["", "Not provided (the sections that need them will say so): " + ", ".join(
            absent)]
    if checked.ignored:
        # Files named after a table are read or refused, never ignored: these name none.
        lines += ["", "Ignored, not named after a table: " + ", ".join(
            p.name + "/" * p.is_dir() for p in checked.ignored)]
    return lines


def problem_lines(checked: Checked | DataError) -> list[str]:
    """Every problem on its own line, then a count."""
    lines = [str(p) for p in checked.problems]
    files = len({p.file for p in checked.problems})
    lines.append(f"{len(checked.problems)} problem{'s' * (len(checked.problems) != 1)} in "
                 f"{files} file{'s' * (files != 1)}: nothing was run or written.")
    return lines
