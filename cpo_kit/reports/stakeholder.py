"""The stakeholder report as HTML (for the book and for e-mail) and as PDF.

Every string that can come from a company's data or parameters (its name, segment
names, initiative titles, risks, decisions) is escaped, so nothing in them can
add markup or script to the report. The summary (scorecard, highlights and
lowlights) fills the first printed page; the details follow on the next.
"""
from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.formats import format_change, format_value, is_missing

STATUS_COLOURS = {"green": "#1a7f37", "amber": "#b7791f", "red": "#c53030"}
#: Where Debian's Chromium is; its print-to-PDF writes the report's PDF.
CHROMIUM = ("chromium", "/usr/bin/chromium", "chromium-browser", "google-chrome")

CSS = """
.cpo-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  font-size: 10pt; color: #1f2328; line-height: 1.35; max-width: 980px; }
.cpo-report h1 { font-size: 17pt; margin: 0 0 2pt; }
.cpo-report h2 { font-size: 12.5pt; margin: 12pt 0 4pt; border-bottom: 1px solid #d0d7de; }
.cpo-report .cpo-sub { color: #57606a; margin: 0 0 6pt; }
.cpo-report table { border-collapse: collapse; width: 100%; margin: 2pt 0 4pt; }
.cpo-report th, .cpo-report td { text-align: left; padding: 2.5pt 6pt;
  border-bottom: 1px solid #eaeef2; vertical-align: middle; }
.cpo-report th { background: #f6f8fa; font-weight: 600; }
.cpo-report td.cpo-num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.cpo-report .cpo-status { display: inline-block; min-width: 44pt; text-align: center;
  border-radius: 8pt; color: #fff; font-size: 8.5pt; padding: 0.5pt 6pt; }
.cpo-report .cpo-none { background: #8c959f; }
.cpo-report .cpo-missing { border-left: 3pt solid #cf222e; padding: 1pt 0 1pt 6pt;
  margin: 4pt 0; }
.cpo-report .cpo-missing p { margin: 0; }
.cpo-report ul, .cpo-report ol { margin: 2pt 0 4pt 14pt; padding: 0; }
.cpo-report li { margin: 1.5pt 0; }
.cpo-report .cpo-details { break-before: page; page-break-before: always; }
@page { size: A4; margin: 13mm 12mm; }
"""


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


def report_html(report: Report, *, link: Callable[[str], str]) -> str:
    """The report as an HTML fragment with its own styles, for a notebook page.

    ``link(notebook)`` gives the address of a notebook's page or file, for the
    appendix and the scorecard's sources.
    """
    e = html.escape
    parts = [f"<style>{CSS}</style>", '<div class="cpo-report">',
             f"<h1>{e(report.company)}: product report</h1>",
             f'<p class="cpo-sub">Period ending {e(report.period_end)}. Numbers from the '
             f"playbook's notebooks; each is traced in the appendix.</p>",
             "<h2>Scorecard</h2>", _scorecard(report, link), _missing(report, link)]
    parts += ["<h2>Highlights</h2>", _list(report.highlights, "Nothing moved the good way.")]
    parts += ["<h2>Lowlights</h2>", _list(report.lowlights, "Nothing moved the bad way.")]
    parts += ['<div class="cpo-details">', "<h2>Roadmap</h2>", _roadmap(report.roadmap),
              "<h2>Top risks</h2>", _list(report.risks, "No risk was given or found.",
                                          ordered=True),
              "<h2>Decisions asked for</h2>",
              _list(report.decisions, "None this period (list them under decisions: in the "
                                      "params file).", ordered=True),
              "<h2>Since the previous run</h2>", _comparison(report),
              "<h2>Where each number comes from</h2>", _appendix(report, link),
              "</div></div>"]
    return "\n".join(parts)


def standalone_html(report: Report, *, link: Callable[[str], str]) -> str:
    """The report as one self-contained HTML file: no image, script or style fetched."""
    title = html.escape(f"{report.company}: product report, {report.period_end}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head><body>\n{report_html(report, link=link)}\n"
            "</body></html>\n")


def write_pdf(html_file: Path, pdf_file: Path, *, timeout: int = 120) -> str | None:
    """Print ``html_file`` to ``pdf_file`` with Chromium; the reason if it cannot.

    The browser is the one the environment variable ``CPO_KIT_BROWSER`` names
    (Google Chrome in another place, say), else the first of :data:`CHROMIUM` found.

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
    with tempfile.TemporaryDirectory(prefix="cpo-pdf-") as profile:
        # Written beside the target and renamed, so a reader never finds half a PDF.
        partial = pdf_file.with_name(f".{pdf_file.name}.partial")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--disable-quic", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={partial}",
                   html_file.resolve().as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode or not partial.is_file():
            partial.unlink(missing_ok=True)
            return ("no PDF of the stakeholder report: Chromium failed to print it "
                    f"({result.stderr.strip()[-300:]})")
        partial.replace(pdf_file)
    return None


def sparkline(series: pd.Series | None, *, width: int = 90, height: int = 22) -> str:
    """A small inline SVG line of a KPI's recent periods; empty without a series."""
    if series is None or len(series) < 2:
        return ""
    values = [float(v) for v in series]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 4) / (len(values) - 1)
    points = " ".join(f"{2 + i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
                      for i, v in enumerate(values))
    last_x, last_y = points.split()[-1].split(",")
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="trend of the last {len(values)} periods">'
            f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{points}"/>'
            f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="#0969da"/></svg>')


def _scorecard(report: Report, link) -> str:
    e = html.escape
    if report.scorecard.empty:
        return "<p>No notebook of this run left a KPI with a target.</p>"
    rows = ["<table><thead><tr><th>KPI</th><th>Value</th><th>Target</th><th>Status</th>"
            "<th>Change</th><th>Trend</th></tr></thead><tbody>"]
    for row in report.scorecard.itertuples():
        status = row.status if isinstance(row.status, str) else None
        if status:
            badge = (f'<span class="cpo-status" style="background:{STATUS_COLOURS[status]}">'
                     f"{status}</span>")
        elif is_missing(row.target):
            badge = '<span class="cpo-status cpo-none">no target</span>'
        else:  # a target, but a month not yet over is not held against it
            badge = '<span class="cpo-status cpo-none">not rated</span>'
        rows.append(
            f"<tr><td>{e(row.kpi)}</td><td class=\"cpo-num\">{_value(row.value, row.unit)}</td>"
            f"<td class=\"cpo-num\">{_value(row.target, row.unit)}</td><td>{badge}</td>"
            f"<td class=\"cpo-num\">{e(format_change(row.previous, row.value, row.unit))}</td>"
            f"<td>{sparkline(report.trends.get(row.kpi))}</td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def _missing(report: Report, link) -> str:
    """The notebooks whose numbers the report lacks, so that no gap passes unseen."""
    if not report.missing:
        return ""
    e = html.escape
    items = "".join(f'<li><a href="{e(link(name))}">{e(name)}</a> {e(why)}</li>'
                    for name, why in report.missing.items())
    return (f'<div class="cpo-missing"><p>Missing from this report, with why:</p>'
            f"<ul>{items}</ul></div>")


def _roadmap(roadmap: pd.DataFrame | None) -> str:
    e = html.escape
    if roadmap is None:
        return "<p>The roadmap notebook left no delivery table in this run.</p>"
    counts = roadmap["state"].value_counts()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("late", "at risk", "on track",
                                                     "done late", "done") if s in counts)
    lines = [f"<p>Committed initiatives: {e(summary)}.</p>"]
    slipped = roadmap[roadmap["state"].isin(["late", "at risk"])]
    if len(slipped):
        lines.append("<table><thead><tr><th>Initiative</th><th>State</th><th>Due</th>"
                     "<th>Days late</th></tr></thead><tbody>")
        for row in slipped.itertuples():
            late = "" if is_missing(row.slippage_days) else formats.count(row.slippage_days)
            lines.append(f"<tr><td>{e(str(row.title))}</td><td>{e(row.state)}</td>"
                         f"<td>{e(str(row.due_date))}</td><td class=\"cpo-num\">{late}</td></tr>")
        lines.append("</tbody></table>")
    return "".join(lines)


def _comparison(report: Report) -> str:
    e = html.escape
    if report.comparison is None:
        return "<p>This is the first complete run: there is nothing to compare with yet.</p>"
    both = report.comparison[(report.comparison["before"] != "n/a")
                             & (report.comparison["after"] != "n/a")
                             & report.comparison["changed"]]
    counted = f"{len(both)} headline numbers changed" if len(both) else \
        "no headline number changed"
    lines = [f"<p>Against run {e(report.previous_run)}: {counted}.</p>"]
    if len(both):
        lines.append("<table><thead><tr><th>Number</th><th>Before</th><th>Now</th>"
                     "<th>Change</th></tr></thead><tbody>")
        lines += [f"<tr><td>{e(r.label)}</td><td class=\"cpo-num\">{e(r.before)}</td>"
                  f"<td class=\"cpo-num\">{e(r.after)}</td><td class=\"cpo-num\">"
                  f"{e(r.change)}</td></tr>" for r in both.itertuples()]
        lines.append("</tbody></table>")
    changed = report.statuses_changed
    if changed is not None and len(changed):
        lines.append("<p>Status changes: " + "; ".join(
            f"{e(r.kpi)} {e(r.before)} → {e(r.after)}" for r in changed.itertuples()) + ".</p>")
    return "".join(lines)


def _appendix(report: Report, link) -> str:
    e = html.escape
    if not report.sources:
        return "<p>No notebook results were found.</p>"
    rows = ["<table><thead><tr><th>Notebook</th><th>Numbers taken from it</th></tr>"
            "</thead><tbody>"]
    rows += [f'<tr><td><a href="{e(link(notebook))}">{e(notebook)}</a></td>'
             f"<td>{e(', '.join(what))}</td></tr>" for notebook, what in report.sources.items()]
    return "".join(rows) + "</tbody></table>"


def _list(items: list[str], empty: str, *, ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    if not items:
        return f"<p>{html.escape(empty)}</p>"
    return f"<{tag}>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + f"</{tag}>"


def _value(value, unit: str) -> str:
    return "" if is_missing(value) else html.escape(format_value(value, unit))
