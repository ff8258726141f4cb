"""The QBR draft of a run: the template's eight sections, filled from the report and the run."""
from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.reports.briefing import RunResults
from cpo_kit.reports.qbr import qbr_markdown
from cpo_kit.reports.stakeholder import Report


def _results(folder, notebook, tables=(), headlines=None):
    results = folder / f"{notebook}_results"
    results.mkdir(parents=True)
    for name, frame in dict(tables).items():
        pd.DataFrame(frame).to_csv(results / f"{name}.csv", index=False)
    (results / "headline.json").write_text(json.dumps({"headlines": headlines or {}}))


@pytest.fixture
def run(tmp_path):
    _results(tmp_path, "revenue_health", {"mrr_movements": {
        "month": ["2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01"],
        "starting_mrr": [900.0, 1000.0, 1040.0, 1070.0], "new": [100.0, 50.0, 40.0, 30.0],
        "expansion": [0.0, 10.0, 0.0, 20.0], "reactivated": [0.0, 0.0, 5.0, 0.0],
        "contraction": [0.0, -5.0, 0.0, -10.0], "churned": [0.0, -15.0, -15.0, -30.0],
        "ending_mrr": [1000.0, 1040.0, 1070.0, 1080.0]}})
    _results(tmp_path, "roadmap", {"plan": {
        "title": ["Team invites", "*Beta* {{ x }}", "Dark mode"], "effort": [2.5, 1.0, 4.0],
        "exact": [True, True, False]}})
    _results(tmp_path, "customer_voice", headlines={"top_detractor_theme": {
        "label": "Theme that moves most with detractors", "value": "billing", "unit": "score"}})
    return RunResults(tmp_path)


@pytest.fixture
def report():
    return Report(
        company="Harbour & Pine", period_end="2026-10-31",
        scorecard=pd.DataFrame({
            "key": ["mrr", "activation"], "kpi": ["MRR", "Activation (whole funnel)"],
            "value": [1080.0, 0.15], "previous": [1070.0, 0.18], "target": [1000.0, 0.2],
            "status": ["green", "red"], "unit": ["currency", "share"]}),
        trends={}, highlights=["MRR rose from €1,070 to €1,080."],
        lowlights=["Activation fell from 18.0% to 15.0%."],
        roadmap=pd.DataFrame({
            "title": ["Billing export", "SSO", "Old work"], "state": ["done late", "done", "done"],
            "due_date": ["2026-08-01", "2026-09-01", "2026-05-01"],
            "done_date": ["2026-08-21", "2026-09-01", "2026-05-01"],
            "slippage_days": [20.0, 0.0, 0.0]}),
        risks=["Billing export depends on one engineer."],
        decisions=["Fund SSO (recommended), or wait a quarter."])


def test_the_draft_fills_the_templates_sections_from_the_report_and_the_run(report, run):
    drivers = {"activation": "only 20% of those who reach invite go on to share"}
    with formats.using(currency="EUR", locale="en_IE"):
        text = qbr_markdown(report, run, drivers=drivers)
    assert text == """\
## Example: Harbour \\& Pine, quarter ending 31 October 2026

Drafted by `cpo-kit run` from the same run as the {ref}`stakeholder report \
<nb-stakeholder-report>`: the decisions, KPIs and statuses are the report's.

**1. Decisions we ask for**

1. Fund SSO \\(recommended\\)\\, or wait a quarter\\.

**2. The quarter:** What went well: MRR grew from €1\\,000 to €1\\,080 over the quarter \
(+8.0%): €155 gained, most of it new MRR (€120), against €75 lost to contraction and \
churn, and 1 of the 2 KPIs with a target is on target. What did not: 1 KPI is red \
(activation \\(whole funnel\\)); behind activation \\(whole funnel\\), only 20\\% of those \
who reach invite go on to share. What we change is in the decision above.

**3. KPIs against targets** (G: on target; A: short by at most 5% of it; R: further off)

| KPI | Target | Actual | Status | Comment |
|---|---:|---:|---|---|
| MRR | €1\\,000 | €1\\,080 | G | \\+€10\\.00 since the previous period |
| Activation \\(whole funnel\\) | 20\\.0\\% | 15\\.0\\% | R | −3\\.0 pts since the previous \
period\\; only 20\\% of those who reach invite go on to share |

**4. MRR movements, August 2026 to October 2026:** starting MRR €1\\,000 + new €120 + \
expansion €30 + reactivated €5 − contraction €15 − churned €60 = ending MRR €1\\,080 (the \
revenue health notebook's MRR movements of the quarter's three months, added up).

**5. Shipped:** Billing export (20 days late); SSO (on time).

**6. Learned:** Only 20\\% of those who reach invite go on to share in the activation funnel. \
Billing is the feedback theme that moves most with detractors (customer voice notebook).

**7. Risks**

1. Billing export depends on one engineer\\.

**8. Next quarter:** the roadmap notebook's best plan within capacity, 3.5 person-months: \
Team invites, \\*Beta\\* \\{\\{ x \\}\\}. Left out, so not started next quarter: Dark \
mode.
"""


def test_a_run_without_the_quarters_results_says_what_it_lacks(report, tmp_path):
    report.decisions, report.roadmap = [], None
    text = qbr_markdown(report, RunResults(tmp_path), drivers={})
    assert ("**1. Decisions we ask for**\n\nNone asked for in this run: list them under "
            "`decisions:` for the stakeholder report in the params file.") in text
    assert ("**4. MRR movements, August 2026 to October 2026:** the revenue health notebook "
            "left no MRR movements in this run.") in text
    assert "**5. Shipped:** the roadmap notebook left no delivery table in this run." in text
    assert "**6. Learned:** this run's notebooks named no driver." in text
    assert "**8. Next quarter:** the roadmap notebook left no plan in this run." in text


def test_the_quarter_counts_falling_revenue_among_what_did_not_go_well(report, tmp_path):
    _results(tmp_path, "revenue_health", {"mrr_movements": {
        "month": ["2026-08-01", "2026-09-01", "2026-10-01"],
        "starting_mrr": [1000.0, 990.0, 970.0], "new": [10.0, 0.0, 0.0],
        "expansion": [0.0, 0.0, 0.0], "reactivated": [0.0, 0.0, 0.0],
        "contraction": [0.0, -10.0, 0.0], "churned": [-20.0, -10.0, -20.0],
        "ending_mrr": [990.0, 970.0, 950.0]}})
    report = dataclasses.replace(report, scorecard=report.scorecard.iloc[:1], decisions=[])
    with formats.using(currency="EUR", locale="en_IE"):
        text = qbr_markdown(report, RunResults(tmp_path), drivers={})
    quarter = next(part for part in text.split("\n\n") if part.startswith("**2."))
    assert quarter == (
        "**2. The quarter:** What went well: every KPI with a target is on target. What did "
        "not: MRR fell from €1\\,000 to €950 over the quarter (−5.0%): €10 gained, most of it "
        "new MRR (€10), against €60 lost to contraction and churn; activation fell from "
        "18\\.0\\% to 15\\.0\\%\\. We ask for no decision this quarter.")


def test_movements_that_miss_a_month_of_the_quarter_are_not_added_up(report, tmp_path):
    _results(tmp_path, "revenue_health", {"mrr_movements": {
        "month": ["2026-09-01", "2026-10-01"], "starting_mrr": [1040.0, 1070.0],
        "new": [40.0, 30.0], "expansion": [0.0, 20.0], "reactivated": [5.0, 0.0],
        "contraction": [0.0, -10.0], "churned": [-15.0, -30.0],
        "ending_mrr": [1070.0, 1080.0]}})
    with formats.using(currency="EUR", locale="en_IE"):
        text = qbr_markdown(report, RunResults(tmp_path), drivers={})
    assert ("**4. MRR movements, August 2026 to October 2026:** the run's MRR movements do "
            "not cover the whole quarter.") in text
    # Without the quarter's revenue, what went well is the scorecard's alone.
    assert ("**2. The quarter:** What went well: 1 of the 2 KPIs with a target is on target. "
            "What did not: 1 KPI is red (activation \\(whole funnel\\)).") in text
