"""The machinery of the data contract: column types and the description of a table.

The tables themselves are declared in :mod:`cpo_kit.schemas`; this module holds
what every declaration is made of, so a new table is a few lines there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pandera.pandas import Check, Column, DataFrameSchema

#: The contract's column types and the pandas dtype each is held in.
TYPES = {
    "string": "str",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[us]",
    "timestamp": "datetime64[us]",
}

#: How each type is named in messages: "not a valid date".
TYPE_NAMES = {
    "string": "text value",
    "integer": "whole number",
    "number": "number",
    "boolean": "true or false value",
    "date": "date",
    "timestamp": "date and time",
}

#: What each type looks like, in messages and in the book.
TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date such as 2026-01-31",
    "timestamp": "a date and time such as 2026-01-31 14:05:00",
}


def col(kind: str, description: str, *checks: Check, nullable: bool = False,
        required: bool = True, past: bool = False) -> Column:
    """Declare one column of the contract.

    Parameters
    ----------
    kind : str
        One of :data:`TYPES`.
    description : str
        One line that says what the column holds, shown in messages and the book.
    *checks : pandera.Check
        Allowed values or range.
    nullable : bool
        Whether a row may leave the column empty.
    required : bool
        Whether the file must have the column at all. A missing optional column
        is added, empty, when the table is loaded.
    past : bool
        Whether the column records something that has happened (a signup, an event),
        so that a date after today is a mistake in the data. Plans and due dates
        leave it False.
    """
    return Column(TYPES[kind], checks=list(checks), nullable=nullable or not required,
                  required=required, description=description,
                  metadata={"kind": kind, "past": past})


def one_of(*values: str) -> Check:
    """Allowed values of a text column."""
    return Check.isin(list(values))


def between(low: float, high: float) -> Check:
    """An inclusive range."""
    return Check.in_range(low, high)


def at_least(low: float) -> Check:
    """A lower bound, inclusive."""
    return Check.ge(low)


@dataclass(frozen=True)
class Rule:
    """A check that compares two columns of the same row: ``left >= right``.

    Empty values on either side pass; nullability is the column's own check.
    """

    left: str
    right: str
    message: str


@dataclass(frozen=True)
class Table:
    """One table of company data.

    Parameters
    ----------
    name : str
        The table's name, which is also the stem of its file (``accounts.csv``).
    description : str
        What one row is.
    schema : pandera.DataFrameSchema
        Columns with their types, nullability, allowed values and descriptions.
    key : tuple of str
        The columns that identify a row; no two rows may share them.
    references : dict
        ``column -> (table, column)``: foreign keys, checked when both tables are present.
    rules : tuple of Rule
        Checks across the columns of one row.
    large : bool
        Whether the table can run to billions of rows; it is then read in chunks
        and queried in place rather than held in memory.
    """

    name: str
    description: str
    schema: DataFrameSchema
    key: tuple[str, ...] = ()
    references: dict[str, tuple[str, str]] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    large: bool = False

    @property
    def columns(self) -> dict[str, Column]:
        return self.schema.columns

    def kind(self, column: str) -> str:
        return self.columns[column].metadata["kind"]

    def past(self, column: str) -> bool:
        return self.columns[column].metadata.get("past", False)

    @property
    def required_columns(self) -> list[str]:
        return [name for name, c in self.columns.items() if c.required]


def describe_check(check: Check) -> str:
    """Say in words what a check allows, for messages and the book."""
    stats = check.statistics
    if check.name == "isin":
        return "one of " + ", ".join(str(v) for v in stats["allowed_values"])
    if check.name == "in_range":
        return f"{_num(stats['min_value'])} to {_num(stats['max_value'])}"
    if check.name == "greater_than_or_equal_to":
        return f"{_num(stats['min_value'])} or more"
    return check.error or check.name


def _num(value: float) -> str:
    return f"{value:g}"
