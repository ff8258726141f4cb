"""Vision and strategy: OKR progress, coverage and the portfolio, worked out by hand."""
from __future__ import annotations

import math

import nbformat
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cpo_kit.analyses.strategy import (kr_progress, objective_progress, okr_coverage, portfolio,
                                       product_mrr, quarter_elapsed)

NAN = math.nan


@pytest.mark.parametrize("quarter, day, share", [
    ("2026-Q4", "2026-10-31", 31 / 92),
    ("2026-Q4", "2026-10-01", 1 / 92),  # the first day counts
    ("2026-Q4", "2026-12-31", 1.0),
    ("2026-Q4", "2027-03-01", 1.0),  # a quarter that is over
    ("2026-Q4", "2026-09-30", 0.0),  # a quarter not yet begun
    ("2026-Q1", "2026-02-14", 45 / 90),  # 31 days of January, 14 of February; 90 in all
    ("2026q2", "2026-05-01", 31 / 91),  # the label's case and dash do not matter
    ("Q4 plan", "2026-10-31", 1.0),  # not a quarter: judged against the whole target
])
def test_quarter_elapsed(quarter, day, share):
    assert quarter_elapsed(quarter, day) == pytest.approx(share)


def okrs_table() -> pd.DataFrame:
    """Q1 2026, judged on 14 February: half the quarter gone, so on track from 45 %,
    off track below 30 % (0.9 and 0.6 times 50 %)."""
    rows = [
        # okr_id, objective, baseline, target, current
        ("K1", "O1", 10.0, 20.0, 15.0),  # half way: on track
        ("K3", "O1", 10.0, 20.0, 8.0),  # went backwards: raw -0.2, counted 0, off track
        ("K2", "O2", 12.0, 2.0, 3.5),  # lower is better: 8.5 of 10 down, on track
        ("K4", "O2", 10.0, 20.0, 25.0),  # overshot: raw 1.5, counted 1
        ("K5", "O3", None, 20.0, 15.0),  # no baseline
        ("K6", "O3", 5.0, 5.0, 6.0),  # target equals baseline: no direction
        ("K7", "O3", 0.0, 100.0, 40.0),  # 40 %: at risk
    ]
    frame = pd.DataFrame(rows, columns=["okr_id", "objective", "baseline", "target",
                                        "current"])
    frame.insert(1, "quarter", "2026-Q1")
    frame.insert(3, "key_result", [f"result {k}" for k in frame["okr_id"]])
    return frame.astype({"baseline": "Float64", "target": "Float64", "current": "Float64"})


def test_kr_progress():
    out = kr_progress(okrs_table(), period_end="2026-02-14")
    assert out["okr_id"].tolist() == ["K1", "K3", "K2", "K4", "K5", "K6", "K7"]
    assert out["raw_progress"].tolist() == pytest.approx(
        [0.5, -0.2, 0.85, 1.5, NAN, NAN, 0.4], nan_ok=True)
    assert out["progress"].tolist() == pytest.approx(
        [0.5, 0.0, 0.85, 1.0, NAN, NAN, 0.4], nan_ok=True)
    assert out["expected"].tolist() == [0.5] * 7
    assert out["status"].tolist() == ["on track", "off track", "on track", "on track",
                                      "not measured", "not measured", "at risk"]


def test_kr_progress_without_period_end_judges_against_the_whole_target():
    out = kr_progress(okrs_table())
    assert out["expected"].tolist() == [1.0] * 7
    # on track from 0.9, off track below 0.6: K2's 0.85 is at risk
    assert out["status"].tolist() == ["off track", "off track", "at risk", "on track",
                                      "not measured", "not measured", "off track"]


def test_objective_progress_averages_the_measured_key_results():
    out = objective_progress(kr_progress(okrs_table(), period_end="2026-02-14"))
    assert_frame_equal(out, pd.DataFrame({
        "objective": ["O1", "O2", "O3"],
        "key_results": [2, 2, 3],
        "measured": [2, 2, 1],
        "krs_on_track": [1, 2, 0],
        "progress": [0.25, 0.925, 0.4],  # (0.5 + 0) / 2; (0.85 + 1) / 2; K7 alone
        "expected": [0.5, 0.5, 0.5],
        "status": ["off track", "on track", "at risk"],
    }), check_dtype=False)


@pytest.mark.parametrize("kwargs, message", [
    ({"on_track": 0.5, "off_track": 0.7}, "need 0 <= off_track <= on_track"),
    ({"off_track": -0.1}, "need 0 <= off_track <= on_track"),
])
def test_kr_progress_refuses_bad_thresholds(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kr_progress(okrs_table(), **kwargs)


def test_kr_progress_names_missing_columns():
    with pytest.raises(ValueError, match="the okrs table lacks the column"
                                         r"\(s\) target"):
        kr_progress(okrs_table().drop(columns="target"))


def coverage_tables():
    okrs = pd.DataFrame({"okr_id": ["K1", "K2", "K3"], "objective": ["O1", "O1", "O2"],
                         "key_result": ["a", "b", "c"]})
    work = pd.DataFrame({
        "initiative_id": ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"],
        "title": ["one", "two", "three", "four", "five", "six", "seven", "eight"],
        "okr_id": ["K1", "K1", "K2", None, "K9", None, " ", "K3"],
        "status": ["planned", "done", "dropped", "in_progress", "idea", "dropped", "planned",
                   "done"],
        "effort": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
    })
    return okrs, work


def test_okr_coverage():
    coverage = okr_coverage(*coverage_tables())
    assert_frame_equal(coverage.key_results, pd.DataFrame({
        "okr_id": ["K1", "K2", "K3"], "objective": ["O1", "O1", "O2"],
        "key_result": ["a", "b", "c"],
        "initiatives": [2, 0, 1], "open": [1, 0, 0], "done": [1, 0, 1], "dropped": [0, 1, 0],
        "covered": [True, False, True],
    }), check_dtype=False)
    assert_frame_equal(coverage.objectives, pd.DataFrame({
        "objective": ["O1", "O2"], "key_results": [2, 1], "covered": [1, 1],
        "initiatives": [2, 1]}), check_dtype=False)
    # K2's only initiative was dropped: nobody works on it.
    assert coverage.uncovered["okr_id"].tolist() == ["K2"]
    # I6 is dropped, so it is not work outside the objectives either.
    assert coverage.orphans["initiative_id"].tolist() == ["I4", "I5", "I7"]
    assert coverage.orphans["reason"].tolist() == [
        "no key result given", "unknown key result K9", "no key result given"]
    assert coverage.orphans["effort"].sum() == 16.0


def test_okr_coverage_without_an_okr_column_makes_every_initiative_an_orphan():
    okrs, work = coverage_tables()
    coverage = okr_coverage(okrs, work.drop(columns="okr_id"))
    assert coverage.uncovered["okr_id"].tolist() == ["K1", "K2", "K3"]
    assert coverage.orphans["initiative_id"].tolist() == ["I1", "I2", "I4", "I5", "I7", "I8"]


def mrr_rows(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account_id", "product_id", "month", "mrr"])
    return frame.astype({"month": "datetime64[ns]", "mrr": "Float64"})


def test_product_mrr():
    mrr = mrr_rows([
        ("A", "P1", "2026-04-01", 60), ("B", "P1", "2026-04-01", 40),  # April: 100
        ("A", "P1", "2026-10-15", 150),  # any day of October means October
        ("A", "P2", "2026-10-01", 80),  # new since April: no growth rate
        ("A", "P3", "2026-04-01", 50), ("A", "P3", "2026-11-01", 70),  # November: too late
    ])
    out = product_mrr(mrr, period_end="2026-10-31")
    assert out["product_id"].tolist() == ["P1", "P2", "P3"]
    assert out["mrr"].tolist() == [150.0, 80.0, 0.0]
    assert out["mrr_before"].tolist() == [100.0, 0.0, 50.0]
    assert out["mrr_growth"].tolist() == pytest.approx([0.5, NAN, -1.0], nan_ok=True)


def test_product_mrr_counts_the_last_complete_month():
    mrr = mrr_rows([("A", "P1", "2026-03-01", 100), ("A", "P1", "2026-09-01", 120),
                    ("A", "P1", "2026-10-01", 999)])
    # On 30 October, October is not complete: September against March.
    out = product_mrr(mrr, period_end="2026-10-30")
    assert out["mrr"].tolist() == [120.0] and out["mrr_growth"].tolist() == pytest.approx([0.2])


@pytest.mark.parametrize("growth, share, stage, before, now, quadrant, recommendation", [
    (0.20, 1.5, "growth", 100, 120, "star", "invest"),
    (0.10, 1.0, "growth", 100, 120, "star", "invest"),  # both splits belong to the top right
    (0.05, 2.0, "maturity", 100, 110, "cash cow", "maintain"),
    (0.05, 2.0, "decline", 100, 110, "cash cow", "harvest"),
    (0.05, 2.0, "maturity", 100, 90, "cash cow", "harvest"),  # revenue shrinking
    (0.30, 0.5, "introduction", 100, 300, "question mark", "invest selectively"),
    # (1.2)^2 - 1 = 44 % a year, above the market's 30 %: winning share
    (0.30, 0.5, "growth", 100, 120, "question mark", "invest"),
    # (1.1)^2 - 1 = 21 % a year, below 30 %: losing share
    (0.30, 0.5, "growth", 100, 110, "question mark", "harvest"),
    (0.30, 0.5, "growth", 0, 110, "question mark", "invest selectively"),  # no trend yet
    (0.02, 0.3, "maturity", 100, 105, "dog", "harvest"),
    (0.02, 0.3, "decline", 100, 105, "dog", "retire"),
    (0.02, 0.3, "maturity", 100, 95, "dog", "retire"),
    (0.20, 1.5, "retired", 100, 120, "star", "retire"),
    (None, 1.5, "growth", 100, 120, "unknown", "review"),
])
def test_portfolio_recommendation(growth, share, stage, before, now, quadrant,
                                  recommendation):
    products = pd.DataFrame({"product_id": ["P"], "name": ["Thing"], "stage": [stage],
                             "market_growth": [growth], "relative_share": [share]})
    mrr = mrr_rows([("A", "P", "2026-04-01", before), ("A", "P", "2026-10-01", now)])
    out = portfolio(products, mrr, period_end="2026-10-31")
    assert out[["quadrant", "recommendation"]].values.tolist() == [[quadrant, recommendation]]


def test_portfolio_reason_is_built_from_the_numbers():
    products = pd.DataFrame({"product_id": ["P"], "name": ["Core"], "stage": ["maturity"],
                             "market_growth": [0.05], "relative_share": [2.0]})
    mrr = mrr_rows([("A", "P", "2026-04-01", 1000), ("A", "P", "2026-10-01", 1100)])
    out = portfolio(products, mrr, period_end="2026-10-31")
    assert out["reason"].tolist() == [
        "Cash cow: 2.00× the share of the largest rival in a market growing 5% a year, in "
        "its maturity stage, MRR $1,100 (+10% in 6 months); keep it healthy and let its "
        "cash fund the others."]


def test_portfolio_without_mrr_uses_the_stage_only():
    products = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["A", "B"],
                             "stage": ["growth", "decline"], "market_growth": [0.3, -0.1],
                             "relative_share": [0.5, 0.2]})
    out = portfolio(products, period_end="2026-10-31", growth_split=0.2)
    assert out["recommendation"].tolist() == ["invest selectively", "retire"]
    assert out["mrr"].isna().all()
    assert out["reason"].tolist()[1] == (
        "Dog: 0.20× the share of the largest rival in a market shrinking 10% a year, in its "
        "decline stage; plan its end of life and move its customers.")


def test_portfolio_gives_a_product_without_revenue_zero_mrr():
    products = pd.DataFrame({"product_id": ["P1", "P2"], "name": ["A", "B"],
                             "stage": ["growth", "growth"], "market_growth": [0.3, 0.3],
                             "relative_share": [1.5, 1.5]})
    out = portfolio(products, mrr_rows([("A", "P1", "2026-10-01", 10)]),
                    period_end="2026-10-31")
    assert out["mrr"].tolist() == [10.0, 0.0]


@pytest.mark.parametrize("call, message", [
    (lambda p: portfolio(p, period_end="2026-10-31", share_split=0),
     "share_split must be above 0, not 0"),
    (lambda p: portfolio(p, mrr_rows([]), period_end="2026-10-31", trend_months=0),
     "months must be at least 1, not 0"),
    (lambda p: portfolio(p.drop(columns="stage"), period_end="2026-10-31"),
     r"the products table lacks the column\(s\) stage"),
])
def test_portfolio_refuses_bad_arguments(call, message):
    products = pd.DataFrame({"product_id": ["P"], "name": ["A"], "stage": ["growth"],
                             "market_growth": [0.3], "relative_share": [0.5]})
    with pytest.raises(ValueError, match=message):
        call(products)


def test_strategy_notebook_on_the_sample(run_notebook):
    out = run_notebook("strategy")
    folder = out / "strategy_results"
    products = pd.read_csv(folder / "portfolio.csv")
    # Worked out from the sample's products and its MRR in April and October 2026.
    assert dict(zip(products["product_id"], products["recommendation"])) == {
        "P1": "maintain", "P2": "invest", "P3": "invest selectively", "P4": "retire"}
    orphans = pd.read_csv(folder / "orphan_initiatives.csv")
    assert orphans["initiative_id"].tolist() == ["I016", "I017", "I020"]
    progress = pd.read_csv(folder / "kr_progress.csv")
    # 34% of the quarter gone. Stickiness fell from its baseline of 10.4% to 10.1%: no
    # progress. NRR went 12 of the 67 points from 125.3% to 132% (18%), and NPS 1.2 of the
    # 9.6 from 20.4 to 30 (12.5%): under 0.6 of the plan, so off track too.
    off = progress[progress["status"] != "on track"]
    assert off[["okr_id", "status"]].values.tolist() == [
        ["KR1.3", "off track"], ["KR2.1", "off track"], ["KR3.1", "off track"]]
    notebook = nbformat.read(out / "strategy.ipynb", as_version=4)
    assert len([o for c in notebook.cells for o in c.get("outputs", [])
                if "image/png" in o.get("data", {})]) == 2
