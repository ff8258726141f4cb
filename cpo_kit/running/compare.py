"""Run over run: what changed between two runs of the playbook.

Two runs are compared through what their notebooks left behind: the headline
numbers (``<notebook>_results/headline.json``) and the statuses of the KPIs that
have targets. Nothing is recomputed.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.errors import CompareError
from cpo_kit.core.formats import format_change, format_value
from cpo_kit.reports.briefing import RunResults, scorecard
from cpo_kit.reports.results import written_in
from cpo_kit.running.notebooks import NOTEBOOKS

COLUMNS = ["notebook", "key", "label", "unit", "before", "after", "change", "changed"]




def compare_runs(before: str | Path, after: str | Path) -> pd.DataFrame:
    """Every headline number of two runs side by side, with its change.

    Parameters
    ----------
    before, after : str or Path
        Two run folders (``runs/<date>-<hash>``, or ``runs/latest``).

    Returns
    -------
    DataFrame
        One row per headline number in either run: ``notebook``, ``key``,
        ``label``, ``unit``, ``before`` and ``after`` (as written for people,
        "n/a" where a run lacks it), ``change`` (``+1.2 pts`` for shares, the
        difference in the unit otherwise, empty when not numeric) and ``changed``.

    Raises
    ------
    CompareError
        A folder holds no notebook results.
    """
    runs = [_results(before), _results(after)]
    rows = []
    # Written in the currency and locale of the later run, as its report writes them.
    with formats.using(**written_in(runs[1].folder)):
        for name in NOTEBOOKS:
            rows += _rows(name, *runs)
    return pd.DataFrame(rows, columns=COLUMNS)


def _rows(name: str, before: RunResults, after: RunResults) -> list[dict]:
    """One notebook's headline numbers in two runs, as rows of :func:`compare_runs`."""
    rows = []
    old, new = before.headlines(name), after.headlines(name)
    for key in list(old) + [k for k in new if k not in old]:
        a, b = old.get(key), new.get(key)
        unit = (b or a)["unit"]
        va, vb = (h["value"] if h else None for h in (a, b))
        rows.append({"notebook": name, "key": key, "label": (b or a)["label"],
                     "unit": unit, "before": _shown(va, unit), "after": _shown(vb, unit),
                     "change": format_change(va, vb, unit),
                     "changed": _shown(va, unit) != _shown(vb, unit)})
    return rows


def status_changes(before: str | Path, after: str | Path) -> pd.DataFrame:
    """The KPIs whose red / amber / green status differs between two runs.

    Only the KPIs that their own notebooks score against targets, in both runs,
    are compared.

    Returns
    -------
    DataFrame
        ``kpi``, ``before`` and ``after`` (statuses), one row per KPI that changed.
    """
    cards = [scorecard(_results(run), {}) for run in (before, after)]
    # Only KPIs both runs scored: a notebook one run left out changes no status.
    merged = cards[0][["kpi", "status"]].merge(cards[1][["kpi", "status"]], on="kpi",
                                               suffixes=("_before", "_after"))
    merged = merged.rename(columns={"status_before": "before", "status_after": "after"})
    scored = merged["before"].notna() | merged["after"].notna()
    differs = merged["before"].fillna("none") != merged["after"].fillna("none")
    return merged[scored & differs].fillna("none").reset_index(drop=True)


def comparison_lines(changes: pd.DataFrame, statuses: pd.DataFrame) -> list[str]:
    """The comparison as lines for a terminal: changed numbers, then changed statuses.

    Numbers that only one of the runs has (a notebook left out with ``--only``, or
    new since) are named by notebook rather than listed.
    """
    both = changes[(changes["before"] != "n/a") & (changes["after"] != "n/a")]
    moved = both[both["changed"]]
    width = min(max([len(label) for label in moved["label"]]
                    + [len(kpi) for kpi in statuses["kpi"]] + [10]), 44)
    lines = [f"{len(moved)} of {len(both)} headline numbers in both runs changed"
             + (":" if len(moved) else ".")]
    for row in moved.itertuples():
        lines.append(f"  {row.label[:width]:<{width}}  {row.before:>12} → {row.after:<12} "
                     f"{row.change}".rstrip())
    one_sided = changes[~changes.index.isin(both.index)]
    if len(one_sided):
        lines.append("Only in one of the runs: the numbers of "
                     + ", ".join(one_sided["notebook"].unique()) + ".")
    if statuses.empty:
        lines.append("No KPI changed status.")
    else:
        lines.append(f"{len(statuses)} KPI statuses changed:")
        lines += [f"  {row.kpi[:width]:<{width}}  {row.before} → {row.after}"
                  for row in statuses.itertuples()]
    return lines


def _results(folder: str | Path) -> RunResults:
    path = Path(folder)
    if not any((path / f"{name}_results" / "headline.json").is_file() for name in NOTEBOOKS):
        raise CompareError(f"{path}: no notebook results here; give two run folders, "
                           "such as runs/latest")
    return RunResults(path)


def _shown(value, unit: str) -> str:
    if isinstance(value, str):
        return value
    return format_value(value, unit)
