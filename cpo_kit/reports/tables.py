"""Tables for people: formatted, captioned and safe to show company strings in."""
from __future__ import annotations

import html

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.formats import format_change, format_value


def kpi_table(headline: pd.DataFrame, *, caption: str):
    """Format the output of :func:`~cpo_kit.metrics.headline.headline_numbers` for reading.

    Values are written in their unit; the change is a signed percentage, or signed
    points for scores. Text is HTML-escaped, so a company name cannot inject markup.
    """
    rows = []
    for r in headline.itertuples(index=False):
        change = "" if pd.isna(r.change) else (
            f"{formats.number(r.change, signed=True)} pts" if r.unit == "score"
            else formats.share(r.change, signed=True))
        rows.append({"KPI": r.kpi,
                     "This month": format_value(r.value, r.unit),
                     "Month before": format_value(r.previous, r.unit),
                     "Change": change})
    frame = pd.DataFrame(rows)
    # A fixed id keeps the HTML identical from run to run (nbval compares it).
    return (frame.style.hide(axis="index").set_caption(html.escape(caption)).set_uuid("kpis")
            .format(escape="html")
            .set_table_styles([{"selector": "th, td", "props": "padding: 4px 14px;"},
                               {"selector": "caption", "props": "font-weight: bold;"}])
            .set_properties(subset=["This month", "Month before", "Change"],
                            **{"text-align": "right"}))


def basis_note(headline: pd.DataFrame) -> str:
    """One markdown line saying what each row of the headline table compares.

    KPIs compared on the same basis share a clause: "Monthly active users:
    October 1-22 against the same days of September (1-22) ...; MRR, ARR (MRR × 12)
    and paying accounts: October 2026 against September 2026."
    """
    from cpo_kit.core.text import markdown_literal

    clauses = []
    for basis, rows in headline.groupby("basis", sort=False):
        names = list(rows["kpi"])
        named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        clauses.append(f"{markdown_literal(named)}: {markdown_literal(basis)}")
    return "**What is compared:** " + "; ".join(clauses) + "." if clauses else ""


#: Background colours of the red / amber / green statuses, light enough for black text,
#: and the neutral grey of a KPI that has no target.
STATUS_COLOURS = {"green": "#b7e1b0", "amber": "#fbd88a", "red": "#f4a6a0",
                  "no target": "#e4e6ea"}


def status_table(status: pd.DataFrame, *, caption: str, units: dict[str, str] | None = None):
    """Format :func:`~cpo_kit.metrics.targets.status_against_targets` for reading.

    Parameters
    ----------
    status : DataFrame
        Its output: ``kpi``, ``value``, ``previous``, ``change``, ``target``,
        ``direction`` and ``status``.
    units : dict, optional
        Each KPI's unit, as :func:`cpo_kit.core.formats.format_value` knows them; by
        default the ``unit`` column of ``status`` (as :func:`cpo_kit.metrics.kpis.score` gives).
    caption : str
        The table's caption.
    """
    rows = []
    for r in status.itertuples(index=False):
        unit = units[r.kpi] if units else r.unit
        change = format_change(r.previous, r.value, unit)
        rows.append({"KPI": r.kpi, "Now": format_value(r.value, unit),
                     "Before": format_value(r.previous, unit), "Change": change,
                     "Target": "no target set" if pd.isna(r.target) else
                     ("≥ " if r.direction == "higher" else "≤ ") + format_value(r.target, unit),
                     "Status": r.status if isinstance(r.status, str) else "n/a"})
    frame = pd.DataFrame(rows)
    return (frame.style.hide(axis="index").set_caption(html.escape(caption)).set_uuid("status")
            .format(escape="html")
            .map(lambda s: f"background-color: {STATUS_COLOURS[s]}" if s in STATUS_COLOURS
                 else "", subset=["Status"])
            .set_table_styles([{"selector": "th, td", "props": "padding: 4px 14px;"},
                               {"selector": "caption", "props": "font-weight: bold;"}])
            .set_properties(subset=["Now", "Before", "Change", "Target"],
                            **{"text-align": "right"}))
