"""Exceptions that carry what a user needs to fix their input.

Every problem with company data is a :class:`DataProblem` that knows its file,
row and column; the command line prints each in one line and exits with 2.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong with one place in one file.

    Parameters
    ----------
    file : str
        The file's path as the user gave it (or the table name when there is no file).
    message : str
        What is wrong, in plain words.
    row : int, optional
        The row as the user sees it: the line of a CSV file, the row of an Excel
        sheet, the record number (from 1) of a Parquet file.
    column : str, optional
        The column, by the name the contract gives it.
    found, expected : str, optional
        The offending value and what the contract expects instead.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    found: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = self.message if self.column is None else f"{self.column}: {self.message}"
        details = []
        if self.found is not None:
            details.append(f"found {self.found}")
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        suffix = f" ({', '.join(details)})" if details else ""
        return f"{where}: {what}{suffix}"


class CpoKitError(Exception):
    """Base class of the errors that the command line reports without a traceback."""

    exit_code = 2


class DataError(CpoKitError):
    """Company data breaks its contract; ``problems`` lists every finding."""

    def __init__(self, problems: list[DataProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ParamsError(CpoKitError):
    """A params file cannot be read or holds a value that cannot be used."""

    def __init__(self, file: str | Path, message: str, line: int | None = None):
        self.file, self.line = str(file), line
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {message}")


class MissingTables(CpoKitError):
    """A metric was asked of a company that lacks a table it needs."""


class RunLocked(CpoKitError):
    """Another ``cpo-kit run`` is writing into the same folder of runs."""


class RunWriteError(CpoKitError):
    """The run could not be written (a full disk, a folder without permission); nothing kept."""


class KernelCannotStart(CpoKitError):
    """The notebooks' kernel does not start, so no notebook can run; nothing was kept."""


class CompareError(CpoKitError):
    """A folder given to compare is not a run."""


class PublishError(CpoKitError):
    """The run cannot be published (exit 2), or the book failed to build (exit 1)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code
