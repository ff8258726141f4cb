"""Tables for people: formatted, captioned and safe to show company strings in."""
from __future__ import annotations

import pandas as pd

_FORMATS = {
    "currency": lambda v: f"${v:,.0f}",
    "users": lambda v: f"{v:,.0f}",
    "accounts": lambda v: f"{v:,.0f}",
    "score": lambda v: f"{v:+.0f}" if v < 0 else f"{v:.0f}",
    "share": lambda v: f"{v:.1%}",
}


def kpi_table(headline: pd.DataFrame, *, caption: str):
    """Format the output of :func:`~cpo_kit.metrics.headline.headline_numbers` for reading.

    Values are written in their unit; the change is a signed percentage, or signed
    points for scores. Text is HTML-escaped, so a company name cannot inject markup.
    """
    rows = []
    for r in headline.itertuples(index=False):
        fmt = _FORMATS[r.unit]
        change = "" if pd.isna(r.change) else (
            f"{r.change:+.0f} pts" if r.unit == "score" else f"{r.change:+.1%}")
        rows.append({"KPI": r.kpi,
                     "This month": "n/a" if pd.isna(r.value) else fmt(r.value),
                     "Month before": "n/a" if pd.isna(r.previous) else fmt(r.previous),
                     "Change": change})
    frame = pd.DataFrame(rows)
    # A fixed id keeps the HTML identical from run to run (nbval compares it).
    return (frame.style.hide(axis="index").set_caption(caption).set_uuid("kpis")
            .format(escape="html")
            .set_table_styles([{"selector": "th, td", "props": "padding: 4px 14px;"},
                               {"selector": "caption", "props": "font-weight: bold;"}])
            .set_properties(subset=["This month", "Month before", "Change"],
                            **{"text-align": "right"}))
