"""The stakeholder report as HTML (for the book and for e-mail) and as PDF.

The page is written by Jinja2 templates (``templates/stakeholder_report.html`` and
``templates/stakeholder_page.html``) with autoescaping on, so nothing in a string that
comes from a company's data or parameters (its name, segment names, initiative
titles, risks, decisions) can add markup or script to the report. This module only
puts the run's results into the words and numbers the templates show. The summary
(scorecard, highlights and lowlights) fills the first printed page; the details
follow on the next. The PDF is printed by Playwright driving the machine's Chromium.

Part of :mod:`cpo_kit.reports`: imports :mod:`cpo_kit.core`.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
from markupsafe import Markup

from cpo_kit.core import formats
from cpo_kit.core.formats import format_change, format_value, is_missing

STATUS_COLOURS = {"green": "#1a7f37", "amber": "#b7791f", "red": "#c53030"}
#: Where Debian's Chromium is; Playwright drives it to print the report's PDF.
CHROMIUM = ("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome")
#: What the report, its slides and the QBR draft say where the run gave them nothing:
#: written once, so the three never word the same absence differently.
EMPTY = {"highlights": "Nothing moved the good way.",
         "lowlights": "Nothing moved the bad way.",
         "risks": "No risk was given or found.",
         "decisions": "None this period (list them under decisions: in the params file).",
         "roadmap": "The roadmap notebook left no delivery table in this run.",
         "scorecard": "No notebook of this run left a KPI with a target."}
#: The roadmap's states in the order the report counts them.
STATES = ("late", "at risk", "on track", "done late", "done")



@dataclass
class Report:
    """What the report says; every field is read from the run's results."""

    company: str
    period_end: str
    scorecard: pd.DataFrame
    trends: dict[str, pd.Series]
    highlights: list[str]
    lowlights: list[str]
    roadmap: pd.DataFrame | None
    risks: list[str]
    decisions: list[str]
    comparison: pd.DataFrame | None = None
    previous_run: str = ""
    statuses_changed: pd.DataFrame | None = None
    sources: dict[str, list[str]] = field(default_factory=dict)
    #: Notebooks the report reads that gave it nothing, with why (briefing.missing).
    missing: dict[str, str] = field(default_factory=dict)



_TEMPLATES = None


def _templates():
    """The Jinja2 environment of the report's templates, made on first use."""
    global _TEMPLATES
    if _TEMPLATES is None:
        import jinja2

        _TEMPLATES = jinja2.Environment(
            loader=jinja2.PackageLoader("cpo_kit.reports", "templates"),
            autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return _TEMPLATES


def report_html(report: Report, *, link: Callable[[str], str]) -> str:
    """The report as an HTML fragment with its own styles, for a notebook page.

    ``link(notebook)`` gives the address of a notebook's page or file, for the
    appendix and the scorecard's sources.
    """
    return _templates().get_template("stakeholder_report.html").render(
        report=report, link=link, rows=scorecard_rows(report), empty=EMPTY,
        delivery=delivery_summary(report.roadmap), compared=_compared(report))


def standalone_html(report: Report, *, link: Callable[[str], str]) -> str:
    """The report as one self-contained HTML file: no image, script or style fetched."""
    return _templates().get_template("stakeholder_page.html").render(
        report=report, fragment=Markup(report_html(report, link=link)))


def write_pdf(html_file: Path, pdf_file: Path, *, timeout: int = 120) -> str | None:
    """Print ``html_file`` to ``pdf_file``; the reason if it cannot.

    Playwright drives the browser that the environment variable ``CPO_KIT_BROWSER``
    names (Google Chrome in another place, say), else the first of :data:`CHROMIUM`
    found: the machine's own, since Playwright's downloaded browsers need the network.
    The PDF is written beside its place and renamed, so a reader never finds half a PDF.

    Returns None when the PDF was written, else a sentence saying why not (no
    Chromium on this machine, or its error), for the run's log and summary.
    """
    named = os.environ.get("CPO_KIT_BROWSER")
    browser = (shutil.which(named) if named else
               next((shutil.which(name) for name in CHROMIUM if shutil.which(name)), None))
    if named and browser is None:
        return (f"no PDF of the stakeholder report: CPO_KIT_BROWSER names {named}, "
                "which is no program on this machine")
    if browser is None:
        return ("no PDF of the stakeholder report: Chromium, which prints it, is not "
                "installed (on Debian or Ubuntu: sudo apt-get install chromium)")
    partial = pdf_file.with_name(f".{pdf_file.name}.partial")
    failure: list[str] = []
    # Playwright's synchronous API refuses to run where an event loop is running, as
    # one is in a notebook's kernel: it prints from a thread of its own.
    printer = threading.Thread(target=_print, args=(browser, html_file, partial, timeout,
                                                    failure))
    printer.start()
    printer.join()
    if failure or not partial.is_file():
        partial.unlink(missing_ok=True)
        return ("no PDF of the stakeholder report: Chromium failed to print it "
                f"({(failure or ['it wrote no file'])[0][-300:]})")
    partial.replace(pdf_file)
    return None


def _print(browser: str, html_file: Path, pdf_file: Path, timeout: int,
           failure: list[str]) -> None:
    """Print ``html_file`` with the browser at ``browser``; an error goes into ``failure``."""
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=browser, timeout=timeout * 1000,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync", "--disable-quic"])
            try:
                page = chromium.new_page()
                page.goto(html_file.resolve().as_uri(), timeout=timeout * 1000)
                # The page's own @page rule sets the paper (A4) and its margins.
                page.pdf(path=str(pdf_file), prefer_css_page_size=True, print_background=True)
            finally:
                chromium.close()
    except Error as error:
        failure.append(_one_line(error.message))


def _one_line(message: str) -> str:
    """Playwright's error in one line: what failed, and the browser's last complaint."""
    lines = message.splitlines()
    said = [line.split("[err]", 1)[1].strip() for line in lines if "[err]" in line]
    return lines[0] + (f": {said[-1]}" if said and said[-1] else "")


def sparkline(series: pd.Series | None, *, width: int = 90, height: int = 22) -> Markup:
    """A small inline SVG line of a KPI's recent periods; empty without a series.

    Written here rather than as a chart: it is a few points of one line, and an
    inline SVG keeps the e-mailed page self-contained without an image file.
    """
    if series is None or len(series) < 2:
        return Markup("")
    values = [float(v) for v in series]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    points = " ".join(f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                      for i, v in enumerate(values))
    last_x, last_y = points.split()[-1].split(",")
    # Only numbers go into this markup.
    return Markup(f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                  f'role="img" aria-label="trend of the last {len(values)} periods">'
                  f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" '
                  f'points="{points}"/><circle cx="{last_x}" cy="{last_y}" r="2" '
                  'fill="#0969da"/></svg>')


def scorecard_rows(report: Report) -> list[dict]:
    """The scorecard's rows as the report shows them: values written, status named."""
    rows = []
    for row in report.scorecard.itertuples():
        status = row.status if isinstance(row.status, str) else None
        rows.append({
            # The key, unit and target as numbers, for the slides' charts and the QBR.
            "key": getattr(row, "key", None), "unit": row.unit, "target_number": row.target,
            "kpi": row.kpi, "value": _value(row.value, row.unit),
            "target": _value(row.target, row.unit),
            "colour": STATUS_COLOURS[status] if status else None,
            # Without a status: no target, or a month not yet over, not held against it.
            "status": status or ("no target" if is_missing(row.target) else "not rated"),
            "change": format_change(row.previous, row.value, row.unit),
            "trend": sparkline(report.trends.get(row.kpi))})
    return rows


def delivery_summary(roadmap: pd.DataFrame | None) -> dict | None:
    """The committed initiatives counted by state, and those late or at risk."""
    if roadmap is None:
        return None
    counts = roadmap["state"].value_counts()
    slipped = roadmap[roadmap["state"].isin(["late", "at risk"])]
    return {"summary": ", ".join(f"{counts[s]} {s}" for s in STATES if s in counts),
            "slipped": [{"title": str(r.title), "state": r.state, "due": str(r.due_date),
                         "late": "" if is_missing(r.slippage_days)
                         else formats.count(r.slippage_days)}
                        for r in slipped.itertuples()]}


def _compared(report: Report) -> dict | None:
    """The headline numbers that changed since the previous run, and the statuses."""
    comparison = report.comparison
    if comparison is None:
        return None
    both = comparison[(comparison["before"] != "n/a") & (comparison["after"] != "n/a")
                      & comparison["changed"]]
    changed = report.statuses_changed
    return {"counted": f"{len(both)} headline numbers changed" if len(both)
            else "no headline number changed",
            "rows": list(both.itertuples()),
            "statuses": [] if changed is None else list(changed.itertuples())}


def _value(value, unit: str) -> str:
    return "" if is_missing(value) else format_value(value, unit)
