"""Roadmap and delivery: scores, the exact plan against the greedy one, predictability.

Every expected value is worked out by hand in the comments beside it.
"""
from __future__ import annotations

import itertools
import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cpo_kit.analyses.delivery import delivery, predictability, timeline
from cpo_kit.analyses.roadmap import (NO_OBJECTIVE, best_plan, capacity_curve, effort_by_objective,
                                      greedy, knapsack, score_initiatives)

END = "2026-10-31"
NAN = math.nan


def day(offset: int) -> pd.Timestamp:
    """A day ``offset`` days after the period end."""
    return pd.Timestamp(END) + pd.Timedelta(days=offset)


def backlog() -> pd.DataFrame:
    return pd.DataFrame({
        "initiative_id": ["I1", "I2", "I3", "I4"],
        "reach": [1000.0, 200.0, 10.0, 50.0],
        "impact": [2.0, 1.0, 3.0, 1.0],
        "confidence": [0.5, 1.0, 0.8, 1.0],
        "effort": [4.0, 0.0, 2.0, 1.0],
        "expected_benefit": [50_000.0, 100_000.0, None, 25_000.0],
        "okr_id": ["K1", None, "K9", "K1"],
        "due_date": [day(90), pd.NaT, day(-10), day(200)],
        "status": ["idea", "planned", "idea", "in_progress"],
    }).astype({"reach": "Float64", "expected_benefit": "Float64"})


def test_score_initiatives():
    out = score_initiatives(backlog(), period_end=END, key_results=["K1"])
    # RICE: 1000*2*0.5/4; 200*1*1 / 0.1 (zero effort counts as the minimum); 10*3*0.8/2; 50/1
    assert out["rice_value"].tolist() == pytest.approx([1000.0, 200.0, 24.0, 50.0])
    assert out["rice"].tolist() == pytest.approx([250.0, 2000.0, 12.0, 50.0])
    # Value against the largest benefit, 100,000; no benefit counts 0.
    assert out["business_value"].tolist() == pytest.approx([5.0, 10.0, 0.0, 2.5])
    # Due in 90 of 180 days: 5; no date: 0; overdue: 10; beyond the horizon: 0.
    assert out["time_criticality"].tolist() == pytest.approx([5.0, 0.0, 10.0, 0.0])
    # 10 x confidence for a known key result; K9 is unknown.
    assert out["risk_reduction"].tolist() == pytest.approx([5.0, 0.0, 0.0, 10.0])
    assert out["cost_of_delay"].tolist() == pytest.approx([15.0, 10.0, 10.0, 12.5])
    assert out["wsjf"].tolist() == pytest.approx([3.75, 100.0, 5.0, 12.5])


def test_score_initiatives_counts_any_key_result_without_the_okrs_and_weighs_the_parts():
    out = score_initiatives(backlog(), period_end=END, weights=(2.0, 1.0, 0.0))
    # Without the okrs, K9 counts: 10 x 0.8 (weighted 0 here, so only visible in its column).
    assert out["risk_reduction"].tolist() == pytest.approx([5.0, 0.0, 8.0, 10.0])
    # 2 x value + time criticality
    assert out["cost_of_delay"].tolist() == pytest.approx([15.0, 20.0, 10.0, 5.0])


def test_score_initiatives_on_the_period_end_and_without_benefits():
    work = pd.DataFrame({"reach": [1.0, 1.0], "impact": [1.0, 1.0], "confidence": [1.0, 1.0],
                         "effort": [1.0, 1.0], "due_date": [day(0), day(36)]})
    out = score_initiatives(work, period_end=END, horizon_days=72)
    assert out["time_criticality"].tolist() == pytest.approx([10.0, 5.0])
    assert out["business_value"].tolist() == [0.0, 0.0]
    assert out["risk_reduction"].tolist() == [0.0, 0.0]


@pytest.mark.parametrize("kwargs, message", [
    ({"horizon_days": 0}, "horizon_days must be above 0, not 0"),
    ({"min_effort": 0}, "min_effort must be above 0, not 0"),
    ({"weights": (1.0, 1.0)}, r"weights must be three numbers of at least 0, not \(1.0, 1.0\)"),
    ({"weights": (1.0, -1.0, 1.0)}, "weights must be three numbers of at least 0"),
])
def test_score_initiatives_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        score_initiatives(backlog(), period_end=END, **kwargs)


def test_score_initiatives_names_missing_columns():
    with pytest.raises(ValueError,
                       match=r"the initiatives table lacks the column\(s\) impact, effort"):
        score_initiatives(backlog().drop(columns=["impact", "effort"]), period_end=END)


# --- the knapsack ----------------------------------------------------------------------

def test_knapsack_beats_greedy_where_greedy_is_wrong():
    # Ratios 60, 50, 40: greedy takes the first two (weight 3, value 160) and the third
    # no longer fits; the best is the last two (weight 5, value 220).
    values, weights = [60, 100, 120], [1, 2, 3]
    assert knapsack(values, weights, capacity=5, resolution=1).tolist() == [False, True, True]
    assert greedy(values, weights, capacity=5, resolution=1).tolist() == [True, True, False]


@pytest.mark.parametrize("values, weights, capacity, chosen", [
    ([1, 1, 1], [0.1 * 3, 0.3, 0.4], 1.0, [True, True, True]),  # 0.1*3 is 0.30000000000000004
    ([1, 1], [0.25, 0.25], 0.5, [True, False]),  # 0.25 rounds up to 0.3: both would be 0.6
    ([5, 0, -3], [1, 1, 1], 3, [True, False, False]),  # no value, not chosen
    ([5, 2], [0, 7], 0, [True, False]),  # zero effort fits even no capacity
    ([5], [2.5], 2.4, [False]),
    ([], [], 10, []),
])
def test_knapsack_edges(values, weights, capacity, chosen):
    assert knapsack(values, weights, capacity=capacity).tolist() == chosen


def test_knapsack_matches_a_brute_force_search():
    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(1, 9))
        values = rng.integers(0, 50, n).astype(float)
        weights = rng.integers(0, 40, n) / 10  # tenths of a person-month
        capacity = float(rng.integers(0, 60)) / 10
        best = max(sum(values[list(s)]) for k in range(n + 1)
                   for s in itertools.combinations(range(n), k)
                   if sum(weights[list(s)]) <= capacity + 1e-9)
        chosen = knapsack(values, weights, capacity=capacity)
        assert weights[chosen].sum() <= capacity + 1e-9
        assert values[chosen].sum() == best


def test_greedy_breaks_ties_by_value_then_order():
    # All ratios 2: the larger value first, then the earlier item.
    assert greedy([2, 4, 2], [1, 2, 1], capacity=3, resolution=1).tolist() == [True, True,
                                                                                False]


@pytest.mark.parametrize("values, weights, kwargs, message", [
    ([1, 2], [1], {}, "values and weights must be two sequences of the same length"),
    ([1, NAN], [1, 1], {}, r"values and weights must not be missing \(NaN\)"),
    ([1], [-1], {}, "weights must be at least 0"),
    ([1], [1], {"resolution": 0}, "resolution must be above 0, not 0"),
    ([1], [1], {"capacity": -1}, "capacity must be at least 0, not -1"),
])
def test_knapsack_refuses_bad_arguments(values, weights, kwargs, message):
    for solver in (knapsack, greedy):
        with pytest.raises(ValueError, match=message):
            solver(values, weights, **{"capacity": 1, **kwargs})


def plan_backlog() -> pd.DataFrame:
    """Value (reach, impact and confidence 1) and effort chosen so that greedy is wrong."""
    return pd.DataFrame({
        "initiative_id": ["A", "B", "C", "D", "E"],
        "reach": [60.0, 100.0, 120.0, 500.0, 1.0],
        "impact": [1.0] * 5, "confidence": [1.0] * 5,
        "effort": [1.0, 2.0, 3.0, 1.0, 1.0],
        "status": ["idea", "planned", "idea", "in_progress", "dropped"],
    })


def test_best_plan_takes_only_the_candidates():
    plan = best_plan(score_initiatives(plan_backlog(), period_end=END), capacity=5)
    # D is in progress and E dropped; among A, B, C: as in the knapsack test above.
    assert plan.candidates["initiative_id"].tolist() == ["A", "B", "C"]  # RICE 60, 50, 40
    assert plan.candidates["exact"].tolist() == [False, True, True]
    assert plan.candidates["greedy"].tolist() == [True, True, False]
    assert (plan.exact_value, plan.greedy_value, plan.gap) == (220.0, 160.0, 60.0)
    assert (plan.exact_effort, plan.greedy_effort) == (5.0, 3.0)


def test_best_plan_by_wsjf_maximises_the_cost_of_delay():
    work = plan_backlog().assign(expected_benefit=[10.0, 10.0, 40.0, 0.0, 0.0])
    plan = best_plan(score_initiatives(work, period_end=END), capacity=3, score="wsjf")
    # Cost of delay is the value alone (no dates, no key results): 2.5, 2.5 and 10.
    # WSJF 2.5, 1.25, 3.33: greedy takes C (3) and nothing else fits; exact also takes C.
    assert plan.candidates["initiative_id"].tolist() == ["C", "A", "B"]
    assert plan.exact_value == pytest.approx(10.0)
    assert plan.candidates["exact"].tolist() == [True, False, False]


def test_best_plan_refuses_an_unknown_score():
    with pytest.raises(ValueError, match="score must be one of rice, wsjf, not 'ice'"):
        best_plan(score_initiatives(plan_backlog(), period_end=END), capacity=5, score="ice")


def test_capacity_curve():
    plan = best_plan(score_initiatives(plan_backlog(), period_end=END), capacity=5)
    curve = capacity_curve(plan, step=1)
    # capacity: exact (best set) / greedy (by ratio A, B, C)
    # 1: A 60 / A 60;  2: B 100 / A 60;  3: A+B 160 / A+B 160;  4: A+C 180 / A+B 160;
    # 5: B+C 220 / A+B 160;  6: all 280 / all 280
    assert_frame_equal(curve, pd.DataFrame({
        "capacity": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "exact": [0.0, 60.0, 100.0, 160.0, 180.0, 220.0, 280.0],
        "greedy": [0.0, 60.0, 60.0, 160.0, 160.0, 160.0, 280.0]}))


def test_effort_by_objective():
    okrs = pd.DataFrame({"okr_id": ["K1", "K2", "K3"], "objective": ["A", "A", "B"]})
    doing = pd.DataFrame({"okr_id": ["K1", "K3", "K7"], "effort": [1.0, 2.0, 4.0]})
    plan = pd.DataFrame({"okr_id": ["K2", "K2", None], "effort": [0.5, 1.5, 3.0]})
    out = effort_by_objective(okrs, doing=doing, plan=plan)
    assert_frame_equal(out, pd.DataFrame({"objective": ["A", "B", NO_OBJECTIVE],
                                          "doing": [1.0, 2.0, 4.0],
                                          "plan": [2.0, 0.0, 3.0]}))


# --- the timeline and delivery -----------------------------------------------------------

def dated() -> pd.DataFrame:
    rows = [
        # id, status, start, due, done (offsets from the period end)
        ("early", "done", -60, -20, -25),  # done 5 days early
        ("on the day", "done", -60, -15, -15),
        ("late", "done", -90, -40, -30),  # 10 days late
        ("overdue", "in_progress", -80, -12, None),  # 12 days so far
        ("due today", "planned", -30, 0, None),  # due on the period end: not yet late
        ("future", "planned", -5, 30, None),
        ("done later", "done", -50, -3, 6),  # done after the period end: overdue then
        ("done later, due later", "done", -50, 4, 6),
        ("dropped", "dropped", -50, -20, None),
        ("no dates", "idea", None, None, None),
    ]
    frame = pd.DataFrame(rows, columns=["initiative_id", "status", "start", "due", "done"])
    for column in ("start", "due", "done"):
        frame[f"{column}_date"] = [pd.NaT if pd.isna(v) else day(int(v)) for v in frame[column]]
    frame["title"] = frame["initiative_id"].str.upper()
    return frame.drop(columns=["start", "due", "done"])


def test_timeline_keeps_dated_committed_work_in_start_order():
    out = timeline(dated())
    assert out["initiative_id"].tolist() == [
        "late", "overdue", "early", "on the day", "done later", "done later, due later",
        "due today", "future"]


def test_delivery():
    out = delivery(dated(), period_end=END)
    assert out["initiative_id"].tolist() == [
        "late", "early", "on the day", "overdue", "done later", "due today",
        "done later, due later", "future"]
    assert out["outcome"].tolist() == ["late", "on time", "on time", "overdue", "overdue",
                                       "not yet due", "not yet due", "not yet due"]
    assert out["slippage_days"].tolist() == pytest.approx(
        [10.0, -5.0, 0.0, 12.0, 3.0, NAN, NAN, NAN], nan_ok=True)
    assert out["done_after_period_end"].tolist() == [False, False, False, False, True, False,
                                                     True, False]


def test_predictability():
    summary = predictability(delivery(dated(), period_end=END))
    # Due: late, early, on the day, overdue, done later. On time: 2 of 5.
    assert (summary.due, summary.on_time, summary.late, summary.overdue) == (5, 2, 1, 2)
    assert summary.on_time_share == pytest.approx(0.4)
    # Delivered: +10, -5, 0
    assert summary.mean_slippage == pytest.approx(5 / 3)
    assert summary.median_slippage == 0.0


def test_predictability_with_nothing_due():
    summary = predictability(delivery(dated().iloc[[5]], period_end=END))
    assert summary.due == 0
    assert math.isnan(summary.on_time_share) and math.isnan(summary.median_slippage)


def test_roadmap_notebook_on_the_sample(run_notebook):
    out = run_notebook("roadmap")
    plan = pd.read_csv(out / "roadmap_results" / "plan.csv")
    # Candidates (idea, planned) of the sample by RICE value and effort: within 15
    # person-months the exact plan is I001, I006, I002, I012, I021, I008 (14.5 pm, value
    # 3,840 + 1,120 + 2,160 + 800 + 560 + 400 = 8,880); greedy by RICE takes the daily
    # digest (I003, 1 pm, 375) in place of the seat expansion nudges (14 pm, 8,855).
    assert plan.loc[plan["exact"], "initiative_id"].tolist() == ["I001", "I006", "I002",
                                                                 "I012", "I021", "I008"]
    assert plan.loc[plan["greedy"], "initiative_id"].tolist() == ["I001", "I006", "I002",
                                                                  "I003", "I012", "I021"]
    outcomes = pd.read_csv(out / "roadmap_results" / "delivery.csv")
    assert outcomes.loc[outcomes["outcome"] == "overdue", "initiative_id"].tolist() == [
        "I022", "I010", "I019", "I007"]
    notebook = nbformat.read(out / "roadmap.ipynb", as_version=4)
    assert len([o for c in notebook.cells for o in c.get("outputs", [])
                if "image/png" in o.get("data", {})]) == 4
