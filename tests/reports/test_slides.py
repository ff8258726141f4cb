"""The stakeholder report as slides: opened by LibreOffice, each slide says what the report says.

LibreOffice Impress (headless) converts the deck to PDF, as a presenter's machine would
open it, and each page's text is read back with pypdf.
"""
from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest
from pypdf import PdfReader

from cpo_kit.core import formats
from cpo_kit.reports.slides import write_slides
from cpo_kit.reports.stakeholder import Report


def _pages(deck, tmp_path) -> list[str]:
    """Each slide's text as LibreOffice prints it, its white space made single spaces."""
    profile = tmp_path / "libreoffice-profile"  # its own, so tests never share one
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
                   check=True, capture_output=True, timeout=180)
    reader = PdfReader(tmp_path / deck.with_suffix(".pdf").name)
    return [re.sub(r"\s+", " ", page.extract_text()).strip() for page in reader.pages]


@pytest.fixture
def report():
    scorecard = pd.DataFrame({
        "key": ["mrr", "activation", "nps"], "kpi": ["MRR", "Activation (whole funnel)", "NPS"],
        "value": [2400.0, 0.15, 12.0], "previous": [2300.0, 0.18, None],
        "target": [2000.0, 0.2, None], "status": ["green", "red", None],
        "unit": ["currency", "share", "score"]})
    roadmap = pd.DataFrame({
        "title": ["Billing export", "Team invites", "Dark mode"],
        "state": ["late", "at risk", "done"], "due_date": ["2026-09-01", "2026-11-20",
                                                           "2026-07-01"],
        "slippage_days": [60.0, None, 0.0]})
    return Report(
        company="Harbour & Pine", period_end="2026-10-31", scorecard=scorecard,
        trends={"MRR": pd.Series([2100.0, 2300.0, 2400.0],
                                 index=["2026-08-01", "2026-09-01", "2026-10-01"]),
                "Activation (whole funnel)": pd.Series([0.2, 0.18, 0.15],
                                                       index=["2026-09-28", "2026-10-05",
                                                              "2026-10-12"])},
        highlights=["MRR rose from €2,300 to €2,400, ahead of its target of €2,000."],
        lowlights=["Activation fell from 18.0% to 15.0%, short of its target of 20.0%."],
        roadmap=roadmap, risks=["Billing export is 60 days late."], decisions=[])


def test_each_slide_says_what_the_report_says(report, tmp_path):
    with formats.using(currency="EUR", locale="en_IE"):
        deck = write_slides(report, tmp_path / "stakeholder_report.pptx")
    pages = _pages(deck, tmp_path)
    # Title, scorecard, highlights and lowlights, roadmap, risks, decisions, and one chart
    # for each KPI with a trend: NPS has none.
    assert len(pages) == 8
    assert pages[0] == "Harbour & Pine: product report Period ending 2026-10-31"
    assert pages[1] == ("Scorecard KPI Value Target Status Change MRR €2,400 €2,000 green +€100 "
                        "Activation (whole funnel) 15.0% 20.0% red −3.0 pts NPS 12.0 no target")
    assert pages[2] == (
        "Highlights and lowlights Highlights • MRR rose from €2,300 to €2,400, ahead of its "
        "target of €2,000. Lowlights • Activation fell from 18.0% to 15.0%, short of its "
        "target of 20.0%.")
    assert pages[3] == ("Roadmap Committed initiatives: 1 late, 1 at risk, 1 done. Initiative "
                        "State Due Days late Billing export late 2026-09-01 60 Team invites at "
                        "risk 2026-11-20")
    assert pages[4] == "Top risks 1. Billing export is 60 days late."
    assert pages[5] == ("Decisions asked for • None this period (list them under decisions: "
                        "in the params file).")
    # The charts: the caption is the scorecard's row; the axis names the periods.
    assert pages[6].startswith("MRR €2,400 against a target of €2,000 (green); +€100 since "
                               "the previous period.")
    assert "Aug 2026" in pages[6] and "Oct 2026" in pages[6] and "Target" in pages[6]
    assert pages[7].startswith("Activation (whole funnel) 15.0% against a target of 20.0% "
                               "(red); −3.0 pts since the previous period.")
    assert "28 Sep" in pages[7] and "12 Oct" in pages[7]


def test_the_deck_opens_with_the_quarter_when_told_it(report, tmp_path):
    quarter = ["What went well: MRR grew from €2,000 to €2,400 over the quarter.",
               "What did not: 1 KPI is red (activation).",
               "We ask for no decision this quarter."]
    with formats.using(currency="EUR", locale="en_IE"):
        deck = write_slides(report, tmp_path / "stakeholder_report.pptx", quarter=quarter)
    pages = _pages(deck, tmp_path)
    # The slide after the title; the rest of the deck follows as before.
    assert len(pages) == 9
    assert pages[1] == ("The quarter • What went well: MRR grew from €2,000 to €2,400 over "
                        "the quarter. • What did not: 1 KPI is red (activation). • We ask for "
                        "no decision this quarter.")
    assert pages[2].startswith("Scorecard KPI Value Target Status")


def test_the_deck_replaces_an_earlier_one_only_once_written(report, tmp_path):
    deck = tmp_path / "stakeholder_report.pptx"
    deck.write_bytes(b"an earlier run's deck")
    write_slides(report, deck)
    assert deck.read_bytes()[:2] == b"PK"  # a zip, as every .pptx is
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stakeholder_report.pptx"]
