"""Which file of a data folder holds which table, and in what format.

A file belongs to the table its name names up to the first dot, whatever the case
and spacing (``Events.csv.gz`` holds ``events``); what follows says its format.
Every file or folder named after a table is either read or refused with a reason:
none is passed over in silence.
"""
from __future__ import annotations

import re
from pathlib import Path

from cpo_kit.core.errors import DataProblem
from cpo_kit.inputs.contract import Table

#: The files read, by the end of their name after the table's (``events.csv.gz``):
#: their format and compression.
FORMATS = {"csv": ("csv", None), "csv.gz": ("csv", "gzip"), "csv.zst": ("csv", "zstd"),
           "parquet": ("parquet", None), "pq": ("parquet", None),
           "xlsx": ("excel", None), "xlsm": ("excel", None)}
#: What is read, as a refused file's message says it.
FORMATS_READ = ("CSV (.csv, or compressed: .csv.gz, .csv.zst), Parquet (.parquet, .pq) "
                "or Excel (.xlsx, .xlsm)")


def normalise(name: object) -> str:
    """The form in which column names are compared: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]+", "_", str(name).strip()).lower()


def file_format(path: Path) -> tuple[str, str | None] | None:
    """The format (``csv``, ``parquet``, ``excel``) and compression of a table file, by
    its name: what follows the first dot, in any case. None for a file not read."""
    return FORMATS.get(path.name.partition(".")[2].lower())


def find_files(folder: Path, tables: dict[str, Table]) -> tuple[dict[str, Path], list[Path],
                                                                list[DataProblem]]:
    """Match the files of a data folder to the contract's tables.

    A file belongs to the table its name names up to the first dot
    (``Events.csv.gz`` to ``events``). Hidden files and Excel's lock files
    (``~$...``) are skipped.

    Returns
    -------
    found : dict
        Table name to file.
    ignored : list of Path
        Files and folders that are not named after any table.
    problems : list of DataProblem
        Two files for one table, and every file or folder named after a table that
        is not in a format read (``events.json``, ``events.xls``, ``users.csv.bak``,
        a folder ``events.parquet`` as Spark writes): none is passed over in silence.
    """
    candidates: dict[str, list[Path]] = {}
    ignored, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue  # hidden files and Excel's lock files
        name = normalise(path.name.partition(".")[0])
        if name not in tables:
            ignored.append(path)
        elif path.is_file() and file_format(path):
            candidates.setdefault(name, []).append(path)
        else:
            problems.append(_not_read(path, name))
    found = {}
    for name, paths in candidates.items():
        if len(paths) == 1:
            found[name] = paths[0]
        else:  # which one is meant cannot be guessed: neither is read
            problems.append(DataProblem(
                str(paths[-1]), f"a second file for table {name}",
                found=" and ".join(p.name for p in paths), expected="one file per table"))
    return found, ignored, problems


def _not_read(path: Path, table: str) -> DataProblem:
    """The problem of a file or folder named after ``table`` in a format that is not read."""
    ending = path.name.partition(".")[2]
    if path.is_dir():
        return DataProblem(str(path), f"a folder named after table {table} is not read",
                           found="a folder (Spark writes Parquet tables as folders of parts)",
                           expected=f"one file: {FORMATS_READ}")
    if ending.lower() == "xls":
        return DataProblem(str(path), "an Excel 97-2003 workbook (.xls) is not read",
                           expected="the file saved as .xlsx or CSV")
    return DataProblem(str(path), f"named after table {table} but not in a format that is read",
                       found=f".{ending}" if ending else "no extension",
                       expected=f"{FORMATS_READ}; move other files out of the folder")
