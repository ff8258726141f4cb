"""What a notebook leaves behind for other tools: its key tables and headline numbers.

Each notebook writes, into its ``results_dir``, a folder ``<notebook>_results/`` holding
one CSV file per key table and ``headline.json`` with the headline numbers, so that the
stakeholder report (and anything else) reads numbers, not notebook outputs.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# The formatters live with the company's currency and locale; they are named here too,
# where the notebooks and the report have always found them.
from cpo_kit.core.files import write_atomically
from cpo_kit.core.formats import UNITS, current, format_change, format_value, is_missing
from cpo_kit.metrics.kpis import KPIS

__all__ = ["UNITS", "Headline", "Results", "format_change", "format_value", "is_missing",
           "read_results"]


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
        The notebook's name, as in :data:`cpo_kit.running.notebooks.NOTEBOOKS`.
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
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path | None:
        """The folder the results go to, or None when they are not written."""
        return Path(self.folder) / f"{self.notebook}_results" if self.folder else None

    def table(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Record a key table as ``<name>.csv``; returns the frame, to show it on."""
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path / f"{name}.csv", frame.to_csv(index=False))
            self.tables[name] = f"{name}.csv"
            self._write_summary()
        return frame

    def text(self, name: str, text: str) -> str:
        """Record a document the notebook wrote, such as ``qbr.md``; returns the text."""
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path / name, text)
        return text

    def headline(self, key: str, value, *, label: str | None = None, unit: str | None = None,
                 basis: str | None = None) -> None:
        """Record one headline number.

        Parameters
        ----------
        key : str
            A KPI's key in the catalogue (:data:`cpo_kit.metrics.kpis.KPIS`), whose
            label and unit are then the catalogue's; or any other name, given with
            ``label`` and ``unit``.
        value : number or str
            The number (or a short text, such as a theme's name).
        label, unit : str, optional
            How people name it and one of :data:`UNITS`; needed for a key the catalogue
            does not hold.
        basis : str, optional
            For a KPI of the catalogue, what this number is taken over when it is not
            the usual: "October 2026", "3-month pool".
        """
        kpi = KPIS.get(key)
        if kpi is not None:
            label = label or kpi.labelled(basis)
            unit = unit or kpi.unit
        if label is None or unit is None:
            raise ValueError(f"{key!r} is no KPI of the catalogue: give its label and unit")
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
        self.headlines[key] = Headline(key, label, _plain(value), unit)
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_summary()

    def note(self, text: str) -> None:
        """Record what the run's reader must know that is no result, such as a file not made.

        ``cpo-kit run`` prints each note after the notebook's line and writes it in
        the run's log and manifest; the notebook's page need not say it.
        """
        self.notes.append(text)
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_summary()

    def show(self) -> None:
        """Print the headline numbers, one a line: the cell nbval checks for regressions.

        The results are written even when there is no number: the run then shows
        that the notebook ran and had nothing to record.
        """
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self._write_summary()
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
            # The amounts' currency and the locale they are written in, for whoever
            # writes these numbers again (the report, the book).
            "currency": current().currency,
            "locale": current().locale,
            "headlines": {k: {"label": h.label, "value": h.value, "unit": h.unit}
                          for k, h in self.headlines.items()},
            "tables": self.tables,
            "notes": self.notes,
        }
        write_atomically(self.path / "headline.json", json.dumps(summary, indent=2) + "\n")


def read_results(folder: str | Path, notebook: str) -> dict:
    """The ``headline.json`` a notebook wrote into ``folder``, as a dict."""
    path = Path(folder) / f"{notebook}_results" / "headline.json"
    return json.loads(path.read_text(encoding="utf-8"))


def written_in(folder: str | Path) -> dict:
    """The ``currency`` and ``locale`` a run's notebooks wrote their numbers in.

    The first notebook's ``headline.json`` that records them decides; a run made
    before they were recorded gives neither.
    """
    for path in sorted(Path(folder).glob("*_results/headline.json")):
        summary = json.loads(path.read_text(encoding="utf-8"))
        if summary.get("currency") or summary.get("locale"):
            return {"currency": summary.get("currency"), "locale": summary.get("locale")}
    return {"currency": None, "locale": None}


def _plain(value):
    """A JSON-ready number: numpy scalars become Python ones, NaN becomes None."""
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
