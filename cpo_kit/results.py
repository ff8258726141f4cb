"""What a notebook leaves behind for other tools: its key tables and headline numbers.

Each notebook writes, into its ``results_dir``, a folder ``<notebook>_results/`` holding
one CSV file per key table and ``headline.json`` with the headline numbers, so that the
stakeholder report (and anything else) reads numbers, not notebook outputs.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

#: How a headline number of each unit is written for people.
_FORMATS = {
    "count": lambda v: f"{v:,.0f}",
    "share": lambda v: f"{v:.1%}",
    "currency": lambda v: f"${v:,.0f}",
    "score": lambda v: f"{v:,.1f}",
    "ratio": lambda v: f"{v:,.2f}",
    "months": lambda v: f"{v:,.1f} months",
    "days": lambda v: f"{v:,.1f} days",
}
UNITS = tuple(_FORMATS)


def is_missing(value) -> bool:
    """Whether a value is absent: None, or NaN (numpy's included)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value, unit: str) -> str:
    """A number as a reader expects it in ``unit``; ``n/a`` where it cannot be computed.

    Examples
    --------
    >>> format_value(0.4127, "share")
    '41.3%'
    >>> format_value(None, "currency")
    'n/a'
    """
    if is_missing(value):
        return "n/a"
    return _FORMATS[unit](value)


def format_change(before, after, unit: str) -> str:
    """The change from ``before`` to ``after`` as a reader expects it; empty if not numeric.

    Shares change in percentage points; other units in their own terms.

    Examples
    --------
    >>> format_change(0.104, 0.101, "share")
    '−0.3 pts'
    >>> format_change(106947.0, 114800.8, "currency")
    '+$7,854'
    """
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and not is_missing(v)
               for v in (before, after)):
        return ""
    difference = after - before
    sign = "+" if difference >= 0 else "−"
    if unit == "share":
        return f"{sign}{abs(difference) * 100:.1f} pts"
    return sign + format_value(abs(difference), unit)


@dataclass
class Headline:
    """One headline number: a key for programs, a label for people and a unit."""

    key: str
    label: str
    value: float | int | str | None
    unit: str


@dataclass
class Results:
    """The results of one notebook run, written as they are recorded.

    Parameters
    ----------
    notebook : str
        The notebook's name, as in :data:`cpo_kit.notebooks.NOTEBOOKS`.
    folder : str or Path or None
        Where ``<notebook>_results/`` is written; nothing is written when empty or None
        (a reader exploring the notebook by hand).
    period_end, company : str, optional
        Recorded in ``headline.json`` so a reader of the file knows what it describes.

    Examples
    --------
    >>> results = Results("product_kpis", None)
    >>> results.headline("mau", 1234, label="Monthly active users", unit="count")
    >>> results.show()
    Monthly active users  1,234
    """

    notebook: str
    folder: str | Path | None
    period_end: str | None = None
    company: str | None = None
    headlines: dict[str, Headline] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        """The folder the results go to, or None when they are not written."""
        return Path(self.folder) / f"{self.notebook}_results" if self.folder else None

    def table(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Record a key table as ``<name>.csv``; returns the frame, to show it on."""
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path / f"{name}.csv", frame.to_csv(index=False))
            self.tables[name] = f"{name}.csv"
            self._write_summary()
        return frame

    def headline(self, key: str, value, *, label: str, unit: str) -> None:
        """Record one headline number; ``unit`` is one of :data:`UNITS`."""
        if unit not in _FORMATS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        self.headlines[key] = Headline(key, label, _plain(value), unit)
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_summary()

    def show(self) -> None:
        """Print the headline numbers, one a line: the cell nbval checks for regressions."""
        if not self.headlines:
            print("No headline numbers: the tables they need were not provided.")
            return
        width = max(len(h.label) for h in self.headlines.values())
        for h in self.headlines.values():
            shown = h.value if isinstance(h.value, str) else format_value(h.value, h.unit)
            print(f"{h.label:<{width}}  {shown}")

    def _write_summary(self) -> None:
        summary = {
            "notebook": self.notebook,
            "company": self.company,
            "period_end": self.period_end,
            "headlines": {k: {"label": h.label, "value": h.value, "unit": h.unit}
                          for k, h in self.headlines.items()},
            "tables": self.tables,
        }
        _write_atomically(self.path / "headline.json", json.dumps(summary, indent=2) + "\n")


def read_results(folder: str | Path, notebook: str) -> dict:
    """The ``headline.json`` a notebook wrote into ``folder``, as a dict."""
    path = Path(folder) / f"{notebook}_results" / "headline.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _plain(value):
    """A JSON-ready number: numpy scalars become Python ones, NaN becomes None."""
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _write_atomically(path: Path, text: str) -> None:
    # A reader never sees half a file, even if the kernel dies mid-write.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
