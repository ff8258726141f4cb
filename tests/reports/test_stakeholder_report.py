"""The stakeholder report: its parts on hand-made results, and the report of a sample run.

The hand-made results are small ``<notebook>_results/`` folders written here, with
the values each expected figure is worked out from.
"""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import HOSTILE_COMPANY, ROOT, cpo_kit
from pypdf import PdfReader

from cpo_kit.metrics.kpis import company_targets
from cpo_kit.reports import briefing
from cpo_kit.reports.stakeholder import Report, report_html, sparkline, standalone_html, write_pdf
from cpo_kit.running.compare import compare_runs, comparison_lines, status_changes


def _write(folder, notebook, tables=None, headlines=None):
    results = folder / f"{notebook}_results"
    results.mkdir(parents=True, exist_ok=True)
    for name, frame in (tables or {}).items():
        pd.DataFrame(frame).to_csv(results / f"{name}.csv", index=False)
    (results / "headline.json").write_text(json.dumps({
        "notebook": notebook, "period_end": "2026-10-31",
        "headlines": {k: {"label": label, "value": value, "unit": unit}
                      for k, (label, value, unit) in (headlines or {}).items()}}))


@pytest.fixture
def made(tmp_path):
    """A run's results, by hand: the overview, product KPIs, revenue and the roadmap."""
    _write(tmp_path, "kpi_overview", {"headline": {
        "key": ["mau", "mrr", "nps"], "kpi": ["Monthly active users", "MRR", "NPS (last 90 days)"],
        "unit": ["count", "currency", "score"], "value": [2000.0, 100.0, 25.0],
        "previous": [1800.0, 104.0, None], "change": [0.11, -0.04, None]}},
        {"mau": ("Monthly active users", 2000.0, "count")})
    _write(tmp_path, "product_kpis", {"scorecard": {
        "key": ["wau"], "kpi": ["Weekly active users"], "value": [900.0], "previous": [1000.0],
        "change": [-100.0], "target": [1100.0], "direction": ["higher"], "status": ["red"],
        "unit": ["count"]}, "funnel": {
        "step": [1, 2, 3], "event": ["signup", "create_report", "share_report"],
        "step_conversion": [1.0, 0.9, 0.2]}})
    _write(tmp_path, "revenue_health", {
        "status": {"key": ["nrr_t12m"], "kpi": ["NRR (trailing 12 months)"], "unit": ["share"],
                   "value": [0.98], "previous": [1.04], "change": [-0.06], "target": [1.0],
                   "direction": ["higher"], "status": ["amber"]},
        "mrr_movements": {"month": ["2026-10-01"], "starting_mrr": [104.0], "new": [3.0],
                          "expansion": [1.0], "reactivated": [0.0], "contraction": [-6.0],
                          "churned": [-2.0], "ending_mrr": [100.0]},
        "by_segment": {"segment": ["SMB", "Enterprise"], "nrr": [0.91, 1.10],
                       "grr": [0.80, 0.97]}})
    _write(tmp_path, "roadmap", {"delivery": {
        "initiative_id": ["I1", "I2", "I3", "I4", "I5"],
        "title": ["Late one", "Soon, not started", "Later", "Done late", "Done"],
        "status": ["in_progress", "planned", "planned", "done", "done"],
        "due_date": ["2026-09-01", "2026-11-20", "2027-01-10", "2026-08-01", "2026-07-01"],
        "done_date": [None, None, None, "2026-08-11", "2026-07-01"],
        "outcome": ["overdue", "not yet due", "not yet due", "late", "on time"],
        "slippage_days": [60.0, None, None, 10.0, 0.0]}},
        {"overdue": ("Initiatives overdue", 1, "count"),
         "median_slippage": ("Median slippage of delivered work", 5.0, "days")})
    return briefing.RunResults(tmp_path)


def test_the_scorecard_scores_the_overview_and_keeps_the_notebooks_own_statuses(made):
    card = briefing.scorecard(made, company_targets({"mau": 2000, "mrr": 110}))
    assert card[["kpi", "status", "notebook"]].values.tolist() == [
        ["Monthly active users", "green", "kpi_overview"],  # exactly on target
        ["MRR", "red", "kpi_overview"],  # 10 short of 110: beyond 5%
        ["NPS (last 90 days)", None, "kpi_overview"],  # no target given
        ["Weekly active users", "red", "product_kpis"],
        ["NRR (trailing 12 months)", "amber", "revenue_health"]]
    assert card["unit"].tolist() == ["count", "currency", "score", "count", "share"]


def test_active_users_of_a_month_not_yet_over_are_shown_with_their_days_and_not_rated(
        tmp_path):
    _write(tmp_path, "kpi_overview", {"headline": {
        "key": ["mau", "mrr"], "kpi": ["Monthly active users (November 1-22)", "MRR"],
        "unit": ["count", "currency"], "value": [1186.0, 2788.5],
        "previous": [1116.0, 2765.9], "change": [0.063, 0.008],
        "basis": ["November 1-22 against the same days of October (1-22): November is not "
                  "complete", "November 2026 against October 2026"],
        "complete": [False, True]}})
    card = briefing.scorecard(briefing.RunResults(tmp_path),
                              company_targets({"mau": 1300, "mrr": 3000}))
    assert card[["key", "kpi", "target", "status"]].values.tolist() == [
        ["mau", "Monthly active users (November 1-22)", 1300, None],
        ["mrr", "MRR", 3000, "red"]]


def test_a_month_not_yet_over_is_not_set_against_its_target_in_words(tmp_path):
    _write(tmp_path, "kpi_overview", {"headline": {
        "key": ["mau"], "kpi": ["Monthly active users (November 1-22)"], "unit": ["count"],
        "value": [1186.0], "previous": [1116.0], "change": [0.063],
        "basis": ["November 1-22 against the same days of October (1-22)"],
        "complete": [False]}})
    card = briefing.scorecard(briefing.RunResults(tmp_path), company_targets({"mau": 1300}))
    good, bad = briefing.highlights(card, {})
    assert (good, bad) == (["Monthly active users (November 1-22) rose from 1,116 to 1,186."],
                           [])


def test_a_trend_is_found_by_the_kpis_key(tmp_path):
    _write(tmp_path, "revenue_health", {"mrr_by_month": {
        "month": ["2026-08-01", "2026-09-01", "2026-10-01"], "mrr": [90.0, 95.0, 100.0]}})
    run = briefing.RunResults(tmp_path)
    assert briefing.trend(run, "mrr").tolist() == [90.0, 95.0, 100.0]
    assert briefing.trend(run, "MRR") is None


def test_the_pooled_kpis_trend_ends_at_their_scorecard_value(tmp_path):
    _write(tmp_path, "product_kpis", {
        # Five weekly cohorts at week 4 (and one row of week 3, which is not read).
        "retention": {"cohort": ["2026-08-03", "2026-08-10", "2026-08-17", "2026-08-24",
                                 "2026-08-31", "2026-08-31"],
                      "cohort_size": [10, 20, 10, 20, 40, 40], "period_number": [4] * 5 + [3],
                      "users": [5, 10, 6, 12, 16, 30], "retention": [0.5] * 6},
        # Five weeks of a two-step funnel; the last week is not complete and is not read.
        "weekly_funnel": {"period": [w for w in ["2026-09-07", "2026-09-14", "2026-09-21",
                                                 "2026-09-28", "2026-10-05"] for _ in (1, 2)],
                          "step": [1, 2] * 5,
                          "users": [100, 20, 100, 10, 200, 30, 100, 40, 50, 1],
                          "complete": [True] * 8 + [False] * 2}})
    run = briefing.RunResults(tmp_path)
    # Pools of four cohorts: (5+10+6+12)/(10+20+10+20) = 33/60, then (10+6+12+16)/90 = 44/90.
    assert briefing.trend(run, "week_4_retention").round(4).to_dict() == {
        "2026-08-24": 0.55, "2026-08-31": 0.4889}
    # One pool of four complete weeks: (20+10+30+40)/(100+100+200+100) = 100/500.
    assert briefing.trend(run, "activation") is None  # a single pool is no line
    _write(tmp_path, "product_kpis", {"weekly_funnel": {
        "period": ["w1", "w1", "w2", "w2", "w3", "w3", "w4", "w4", "w5", "w5"],
        "step": [1, 2] * 5, "users": [100, 20, 100, 10, 200, 30, 100, 40, 100, 50],
        "complete": [True] * 10}})
    # Then (10+30+40+50)/(100+200+100+100) = 130/500.
    assert briefing.trend(run, "activation").tolist() == [0.2, 0.26]


def test_every_kpi_of_the_revenue_scorecard_has_its_history(tmp_path):
    _write(tmp_path, "revenue_health", {
        "churn_pooled": {"month": ["2026-09-01", "2026-10-01"], "logo_churn_rate": [0.03, 0.02]},
        "unit_economics": {"month": ["2026-09-01", "2026-10-01"], "ltv_to_cac": [2.5, 3.1],
                           "payback_months": [14.0, 12.5]},
        "mrr_quick_ratio": {"month": ["2026-09-01", "2026-10-01"], "quick_ratio": [4.0, 2.0]}})
    run = briefing.RunResults(tmp_path)
    assert {key: briefing.trend(run, key).tolist() for key in
            ("logo_churn", "ltv_to_cac", "cac_payback", "mrr_quick_ratio")} == {
        "logo_churn": [0.03, 0.02], "ltv_to_cac": [2.5, 3.1], "cac_payback": [14.0, 12.5],
        "mrr_quick_ratio": [4.0, 2.0]}


def test_drivers_name_what_the_data_shows(made):
    assert briefing.drivers(made) == {
        # MRR fell by 4: the largest fall among the movements is contraction (-6).
        "mrr": "mostly contraction MRR, −$6 in the last month",
        "nrr_t12m": "lowest in SMB, at 91.0%",
        "grr_t12m": "lowest in SMB, at 80.0%",
        "activation": "only 20% of those who reach create_report go on to share_report"}


def test_highlights_and_lowlights_are_sentences_from_the_numbers(made):
    card = briefing.scorecard(made, company_targets({"mau": 2000, "mrr": 110}))
    good, bad = briefing.highlights(card, briefing.drivers(made))
    assert good == ["Monthly active users rose from 1,800 to 2,000, exactly on its target."]
    assert bad == [
        "Weekly active users fell from 1,000 to 900, short of its target of 1,100.",
        "NRR (trailing 12 months) fell from 104.0% to 98.0%, short of its target of 100.0% "
        "(lowest in SMB, at 91.0%).",
        "MRR fell from $104 to $100, short of its target of $110 (mostly contraction MRR, "
        "−$6 in the last month)."]


def test_the_roadmap_status_of_each_initiative(made):
    status = briefing.roadmap_status(made, period_end="2026-10-31")
    assert status[["title", "state"]].values.tolist() == [
        ["Late one", "late"], ["Soon, not started", "at risk"], ["Later", "on track"],
        ["Done late", "done late"], ["Done", "done"]]


def test_risks_come_from_the_params_and_from_the_numbers(made):
    card = briefing.scorecard(made, {})
    assert briefing.risks(made, card, ["Our only data engineer leaves in March."]) == [
        "Our only data engineer leaves in March.",
        "1 roadmap initiative is overdue; delivered work slipped by a median of 5 days.",
        "Weekly active users is red against its target."]


@pytest.mark.parametrize("overdue, slip, gaps, said", [
    (2, 0.0, 1, ["2 roadmap initiatives are overdue; delivered work arrived on time, at the "
                 "median.", "Rivals cover 1 feature better than we do."]),
    (1, None, 0, ["1 roadmap initiative is overdue."]),
    (3, 12.4, 6, ["3 roadmap initiatives are overdue; delivered work slipped by a median of "
                  "12 days.", "Rivals cover 6 features better than we do."]),
])
def test_the_risks_the_numbers_show_are_worded_for_their_numbers(tmp_path, overdue, slip,
                                                                  gaps, said):
    roadmap = {"overdue": ("Initiatives overdue", overdue, "count")}
    if slip is not None:
        roadmap["median_slippage"] = ("Median slippage of delivered work", slip, "days")
    _write(tmp_path, "roadmap", headlines=roadmap)
    _write(tmp_path, "market", headlines={"gaps": ("Features where a rival covers more",
                                                   gaps, "count")})
    run = briefing.RunResults(tmp_path)
    assert briefing.risks(run, briefing.scorecard(run, {}), []) == said


def test_a_report_from_missing_results_says_so(tmp_path):
    empty = briefing.RunResults(tmp_path)
    card = briefing.scorecard(empty, {"MRR": {"target": 1}})
    assert card.empty and briefing.roadmap_status(empty, period_end="2026-10-31") is None
    page = report_html(Report("Acme", "2026-10-31", card, {}, [], [], None, [], []),
                       link=lambda n: n)
    assert "No notebook of this run left a KPI with a target." in page
    assert "The roadmap notebook left no delivery table in this run." in page
    assert "This is the first complete run" in page


def test_company_strings_cannot_add_markup_to_the_report(made):
    card = briefing.scorecard(made, {})
    report = Report(HOSTILE_COMPANY, "2026-10-31", card, {}, ["<b>rose</b>"], [],
                    briefing.roadmap_status(made, period_end="2026-10-31"),
                    ["<img src=x onerror=alert(1)>"], ["<script>decide()</script>"],
                    sources={"kpi_overview": ["<i>MAU</i>"]})
    page = standalone_html(report, link=lambda n: f"{n}.ipynb")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "<script>decide" not in page and "<b>rose" not in page and "<i>MAU" not in page
    assert "Acme &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; &amp; `Co` | " in page
    assert page.count("<script") == 0


def test_a_sparkline_is_a_line_through_every_period():
    svg = sparkline(pd.Series([1.0, 3.0, 2.0]), width=42, height=22)
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    # x from 2 to 40 in two steps; y from 20 (lowest) to 2 (highest).
    assert points == ["2.0,20.0", "21.0,2.0", "40.0,11.0"]
    assert sparkline(pd.Series([5.0])) == "" and sparkline(None) == ""


# --- On the sample company ---------------------------------------------------------------

def test_a_run_writes_the_report_as_html_and_as_a_two_page_pdf(sample_run):
    runs, result = sample_run
    assert result.returncode == 0, result.stderr[-2000:]
    run = runs / "latest"
    page = (run / "stakeholder_report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    # Self-contained: nothing fetched, and the links go to the notebooks beside it.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert '<a href="product_kpis.ipynb">product_kpis</a>' in page
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    pdf = PdfReader(run / "stakeholder_report.pdf")
    assert len(pdf.pages) == 2
    summary = pdf.pages[0].extract_text()
    for part in ("Scorecard", "Highlights", "Lowlights", "Monthly active users", "CAC payback"):
        assert part in summary
    assert pdf.pages[1].extract_text().startswith("Roadmap")


def test_a_run_writes_the_report_as_slides_with_a_chart_of_every_kpi(sample_run):
    from pptx import Presentation

    runs, _ = sample_run
    deck = Presentation(runs / "latest" / "stakeholder_report.pptx")
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    # The sample's scorecard has 13 KPIs, each with a history of twelve periods.
    assert titles == [
        "Acme <script>alert('pwned')</script> & `Co` | *Analytics*: product report",
        "The quarter", "Scorecard", "Highlights and lowlights", "Roadmap", "Top risks",
        "Decisions asked for",
        "Monthly active users", "MRR", "NPS (last 90 days)", "Weekly active users",
        "Stickiness (DAU / MAU)", "Week-4 retention", "Activation (whole funnel)",
        "NRR (trailing 12 months)", "GRR (trailing 12 months)", "Logo churn per month",
        "LTV : CAC", "CAC payback", "MRR quick ratio"]
    # The deck opens with the quarter's story, plain text, as the QBR draft tells it.
    quarter = " ".join(shape.text_frame.text for shape in deck.slides[1].shapes)
    assert ("What went well: MRR grew from $96,432 to $114,801 over the quarter (+19.0%): "
            "$20,080 gained, most of it new MRR ($13,247)") in quarter
    assert "What we change is in the 3 decisions this deck asks for." in quarter
    charts = [shape.chart for slide in list(deck.slides)[7:] for shape in slide.shapes
              if shape.has_chart]
    assert [len(list(chart.plots[0].categories)) for chart in charts] == [12] * 13
    # The line ends at the scorecard's value: 2,271 monthly active users in October 2026.
    assert list(charts[0].plots[0].series[0].values)[-1] == 2271
    assert list(charts[0].plots[0].categories)[-1] == "Oct 2026"


def test_the_runner_runs_the_report_after_the_notebooks_it_reads(sample_run):
    runs, _ = sample_run
    log = (runs / "latest" / "run.log").read_text().splitlines()
    finished = [line.split()[1] for line in log if " ok " in line]
    assert finished[-1] == "stakeholder_report" and len(finished) == 11


@pytest.fixture(scope="module")
def september(sample_run, sample_dir, tmp_path_factory):
    """A second run of the sample, a month earlier, of the notebooks the report reads most."""
    out = tmp_path_factory.mktemp("september")
    result = cpo_kit("run", sample_dir, "--out", out, "--only", "kpi_overview", "product_kpis",
                     "revenue_health", "--params", ROOT / "data" / "brightlane.yml",
                     "-p", "period_end=2026-09-30")
    assert result.returncode == 0, result.stderr[-2000:]
    return out / "latest"


def test_compare_two_runs_of_the_sample_a_month_apart(september, sample_run):
    runs, _ = sample_run
    october = runs / "latest"
    changes = compare_runs(september, october).set_index(["notebook", "key"])
    # The October run's own "month before" is September: the two runs must agree on it.
    overview = pd.read_csv(october / "kpi_overview_results" / "headline.csv").set_index("key")
    assert overview.loc["mrr", "previous"] == pytest.approx(106947.01)
    assert changes.loc[("kpi_overview", "mrr")][["before", "after", "change"]].tolist() == [
        "$106,947", "$114,801", "+$7,854"]
    assert changes.loc[("kpi_overview", "mau")][["before", "after", "change"]].tolist() == [
        "1,921", "2,271", "+350"]
    # Notebooks the September run left out have numbers on one side only.
    assert changes.loc[("pricing", "opp")][["before", "changed"]].tolist() == ["n/a", True]
    statuses = status_changes(september, october)
    # In the scorecard's order: the product KPIs, then the revenue KPIs.
    assert statuses.values.tolist() == [["Weekly active users", "red", "amber"],
                                        ["Logo churn per month", "amber", "green"]]


def test_the_compare_command_prints_and_writes_the_comparison(september, sample_run, tmp_path):
    runs, _ = sample_run
    out = tmp_path / "october.json"
    result = cpo_kit("compare", september, runs / "latest", "--out", out)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"From {september.resolve().name} to {(runs / 'latest').resolve().name}:"
    assert "18 of 19 headline numbers in both runs changed:" in lines
    assert any(re.fullmatch(r"\s+MRR\s+\$106,947 → \$114,801\s+\+\$7,854", line)
               for line in lines)
    assert "  Weekly active users" in "\n".join(lines) and "red → amber" in result.stdout
    written = json.loads(out.read_text())
    assert written["before"] == september.resolve().name
    assert len(written["headlines"]) == 69 + 4 and len(written["statuses"]) == 2


def test_compare_refuses_a_folder_that_is_not_a_run(tmp_path, sample_run):
    runs, _ = sample_run
    result = cpo_kit("compare", tmp_path, runs / "latest")
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {tmp_path}: no notebook results here; give two run "
                             "folders, such as runs/latest\n")


def test_the_report_compares_with_the_previous_run(sample_run, sample_dir, tmp_path):
    runs, _ = sample_run
    out = tmp_path / "runs"
    # With the sample's targets, so that the KPIs have statuses to change.
    targets = ("--params", sample_dir.parent / "brightlane.yml")
    first = cpo_kit("run", sample_dir, "--out", out, "--only", "kpi_overview", "product_kpis",
                    "stakeholder_report", "-p", "period_end=2026-09-30", *targets)
    second = cpo_kit("run", sample_dir, "--out", out, "--only", "kpi_overview", "product_kpis",
                     "stakeholder_report", *targets)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    earlier = sorted(p for p in out.iterdir() if p.name[0].isdigit()
                     and p.resolve() != (out / "latest").resolve())
    page = (out / "latest" / "stakeholder_report.html").read_text()
    assert f"Against run {earlier[0].name}: 10 headline numbers changed." in page
    assert "<td>MRR</td><td class=\"cpo-num\">$106,947</td><td class=\"cpo-num\">$114,801" \
           "</td><td class=\"cpo-num\">+$7,854</td>" in page
    # The KPIs whose status changed, for the start page of the book (cpo_kit.site.run_examples).
    statuses = pd.read_csv(out / "latest" / "stakeholder_report_results" / "status_changes.csv")
    assert statuses.values.tolist() == [["Weekly active users", "red", "amber"]]


def test_comparison_lines_say_when_nothing_changed():
    frame = pd.DataFrame([{"notebook": "kpi_overview", "key": "mrr", "label": "MRR",
                           "unit": "currency", "before": "$5", "after": "$5", "change": "+$0",
                           "changed": False}])
    assert comparison_lines(frame, pd.DataFrame(columns=["kpi", "before", "after"])) == [
        "0 of 1 headline numbers in both runs changed.", "No KPI changed status."]


# --- A run in which a notebook failed, on a machine that cannot print PDFs -------------------

def test_the_report_names_what_it_lacks(made):
    failed = briefing.RunResults(made.folder, failed={"product_kpis": "cell 3: ValueError: no"})
    assert failed.table("product_kpis", "scorecard") is None  # written, but not read
    assert briefing.missing(failed) == {
        "product_kpis": "failed on this run (cell 3: ValueError: no)",
        "customer_voice": "left no results in this run",
        "market": "left no results in this run"}
    card = briefing.scorecard(failed, company_targets({}))
    assert list(card["key"]) == ["mau", "mrr", "nps", "nrr_t12m"]
    report = Report(company="Acme", period_end="2026-10-31", scorecard=card, trends={},
                    highlights=[], lowlights=[], roadmap=None, risks=[], decisions=[],
                    missing=briefing.missing(failed))
    page = report_html(report, link=lambda name: f"{name}.html")
    assert ('<div class="cpo-missing"><p>Missing from this report, with why:</p><ul>'
            '<li><a href="product_kpis.html">product_kpis</a> failed on this run (cell 3: '
            'ValueError: no)</li><li><a href="customer_voice.html">customer_voice</a> left no '
            'results in this run</li><li><a href="market.html">market</a> left no results in '
            'this run</li></ul></div>') in page
    # Everything there: no such box.
    whole = Report(company="Acme", period_end="2026-10-31", scorecard=card, trends={},
                   highlights=[], lowlights=[], roadmap=None, risks=[], decisions=[])
    assert "cpo-missing\"" not in report_html(whole, link=str)


@pytest.fixture(scope="module")
def failed_run(sample_dir, tmp_path_factory):
    """The product KPIs (failing on a threshold below zero) and the report, no browser."""
    import os

    out = tmp_path_factory.mktemp("failed")
    result = cpo_kit("run", sample_dir, "--out", out, "--only", "product_kpis",
                     "stakeholder_report", "-p", "product_kpis.unusual_threshold=-1",
                     env={**os.environ, "CPO_KIT_BROWSER": "/nowhere/chrome"})
    return out / "latest", result


NO_PDF = ("no PDF of the stakeholder report: CPO_KIT_BROWSER names /nowhere/chrome, which "
          "is no program on this machine")


def test_a_run_says_in_its_log_and_summary_that_it_has_no_pdf(failed_run):
    run, result = failed_run
    assert result.returncode == 1
    assert re.search(rf"^stakeholder_report +ok .*\n +note: {re.escape(NO_PDF)}$",
                     result.stdout, re.MULTILINE)
    assert result.stderr.splitlines()[-2:] == [
        f"Note from stakeholder_report: {NO_PDF}",
        f"1 of 2 notebooks failed: product_kpis; their executed notebooks in {run.resolve()} "
        "show the error."]
    assert f" note: {NO_PDF}\n" in (run / "run.log").read_text()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["notebooks"]["stakeholder_report"]["notes"] == [NO_PDF]
    assert (run / "stakeholder_report.html").is_file()
    assert not (run / "stakeholder_report.pdf").exists()
    # The page offers what there is, and says nothing of a browser.
    import nbformat

    notebook = nbformat.read(run / "stakeholder_report.ipynb", as_version=4)
    said = "".join(o.get("data", {}).get("text/markdown", "") for c in notebook.cells
                   for o in c.get("outputs", []))
    assert ("The report is also in the run folder: `stakeholder_report.html` to send by "
            "e-mail, `stakeholder_report.pptx` to present, and a draft of the quarterly "
            "business review in the template's sections, "
            "`stakeholder_report_results/qbr.md`.") in said
    assert "PDF" not in said and "Chromium" not in said
    # The slides are written without a browser.
    assert (run / "stakeholder_report.pptx").is_file()


def test_the_report_of_a_run_names_the_notebook_that_failed(failed_run):
    run, _ = failed_run
    page = (run / "stakeholder_report.html").read_text()
    assert ('<li><a href="product_kpis.ipynb">product_kpis</a> failed on this run (cell 3: '
            "ValueError: threshold must be above zero, not -1.0)</li>") in page
    assert ('<li><a href="kpi_overview.ipynb">kpi_overview</a> left no results in this run'
            "</li>") in page


def test_the_pdf_prints_where_an_event_loop_runs_as_in_a_kernel(made, tmp_path):
    # A notebook's kernel runs an asyncio loop, where Playwright's synchronous API refuses.
    import asyncio

    card = briefing.scorecard(made, {})
    report = Report("Acme", "2026-10-31", card, {}, ["MAU rose."], [], None, [], [])
    out = tmp_path / "out"
    out.mkdir()
    page = out / "report.html"
    page.write_text(standalone_html(report, link=lambda n: f"{n}.ipynb"))

    async def in_a_loop():
        return write_pdf(page, out / "report.pdf")

    assert asyncio.run(in_a_loop()) is None
    pdf = PdfReader(out / "report.pdf")
    # A4 (210 × 297 mm) as the page's @page rule asks, in points.
    assert [round(float(v)) for v in pdf.pages[0].mediabox[2:]] == [595, 842]
    assert pdf.pages[0].extract_text().startswith("Acme: product report")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.pdf"]


def test_a_browser_that_cannot_print_leaves_no_pdf_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CPO_KIT_BROWSER", "/bin/false")
    page = tmp_path / "report.html"
    page.write_text("<!DOCTYPE html><p>hello</p>")
    problem = write_pdf(page, tmp_path / "report.pdf", timeout=30)
    # /bin/false exits at once: Playwright sees the browser close, and says it in one line.
    assert problem == ("no PDF of the stakeholder report: Chromium failed to print it "
                       "(BrowserType.launch: Target page, context or browser has been closed)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_a_notebook_whose_tables_the_run_lacked_is_named_with_why(made):
    # An import of one tool's events: the market notebook ran, and had nothing to compute.
    _write(made.folder, "market")
    assert briefing.missing(made)["market"] == ("computed nothing: this run's data lacks the "
                                                "tables it needs")
