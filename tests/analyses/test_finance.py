"""The business case: NPV, IRR, payback, cash flows and sensitivity, against hand-worked cases.

The initiative used throughout (rate 0 unless said, so sums can be checked by eye):
cost 300, benefit 1,200 a year (100 a month), no dates, so a 3-month build; ramp-up 0.5;
horizon 1.5 years (18 months):

    months 0-2    -100 each      (the cost, spread over the build)
    months 3-14     50 each      (first twelve months live, at half the rate)
    months 15-17   100 each      (full rate)

Totals: cost 300, benefit 600 + 300 = 900, NPV at 0% = 600, ROI = 600 / 300 = 2.0.
Cumulative: -300 after month 2, then +50 a month: 0 after month 8, so payback = 8 months.
"""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from cpo_kit.analyses.finance import (Assumptions, appraise, build_months, cash_flows, irr, npv,
                                      payback_months, portfolio_npv, sensitivity)

FLAT = dict(discount_rate=0.0, horizon_years=1.5, ramp_up=0.5, default_build_months=3)


def initiatives(**extra) -> pd.DataFrame:
    frame = pd.DataFrame({
        "initiative_id": ["I1", "I2", "I3"], "title": ["Alpha", "Beta", "Gamma"],
        "status": ["idea", "planned", "idea"],
        "cost": [300.0, 600.0, None], "expected_benefit": [1200.0, 1200.0, 500.0],
        "start_date": pd.to_datetime([None, None, None]),
        "due_date": pd.to_datetime([None, None, None])})
    return frame.assign(**extra)


# --- NPV, IRR and payback on plain cash flows -----------------------------------------------

@pytest.mark.parametrize("flows, rate, per_year, expected", [
    ([-100, 60, 60], 0.10, 1, 4.1322314),          # -100 + 60/1.1 + 60/1.21
    ([-100, 60, 60], 0.0, 1, 20.0),                 # no discounting: the plain sum
    ([-100, 110], 0.10, 1, 0.0),                    # earns exactly the rate
    ([-100] + [0] * 23 + [121], 0.10, 12, 0.0),     # 121 after 24 months: 121 / 1.1**2
    ([-100] + [0] * 11 + [110], 0.10, 12, 0.0),     # 110 after 12 months
    ([50], 0.10, 1, 50.0),                          # the first flow is not discounted
])
def test_npv(flows, rate, per_year, expected):
    assert npv(flows, rate=rate, periods_per_year=per_year) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("flows, per_year, expected", [
    ([-100, 60, 60], 1, 0.1306624),   # root of 3x² + 3x - 5 = 0, x = 1 / (1 + r)
    ([-100, 110], 1, 0.10),
    ([-100, 50, 50], 1, 0.0),         # gets back exactly what it spent
    ([-100] + [0] * 11 + [110], 12, 0.10),  # monthly flows, yearly rate
    ([-100, 90], 1, -0.10),           # a loss has a negative IRR
])
def test_irr(flows, per_year, expected):
    assert irr(flows, periods_per_year=per_year) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("flows", [[-100, 0, 0], [100, 10], [0, 0]])
def test_irr_is_nan_without_a_sign_change(flows):
    assert math.isnan(irr(flows))


@pytest.mark.parametrize("flows, per_year, rate, expected", [
    ([-100, 60, 60], 1, 0.0, 20.0),         # 1 year + 40/60 of the second
    ([-100, 50, 50], 1, 0.0, 24.0),         # back to exactly zero at the end of year 2
    ([-100, 60, 60], 1, 0.10, 23.0),        # discounted: 1 + (500/11) / (6000/121) years
    ([-100] + [25] * 6, 12, 0.0, 4.0),      # monthly: back to zero after month 4
    ([10, 5], 12, 0.0, 0.0),                # never owed anything
])
def test_payback_months(flows, per_year, rate, expected):
    assert payback_months(flows, periods_per_year=per_year, rate=rate) == pytest.approx(expected)


@pytest.mark.parametrize("flows", [[-100, 30, 30], [-100, 150, -100]])
def test_payback_is_nan_when_not_paid_back_at_the_end(flows):
    assert math.isnan(payback_months(flows, periods_per_year=1))


def test_npv_refuses_a_rate_of_minus_100_percent():
    with pytest.raises(ValueError, match=r"rate must be above -1 \(-100%\), not -1"):
        npv([1, 2], rate=-1)


# --- assumptions and build months -----------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("discount_rate", -1.5, "discount_rate must be above -1, not -1.5"),
    ("horizon_years", 0, "horizon_years must be above 0, not 0"),
    ("ramp_up", 1.2, "ramp_up must lie between 0 and 1, not 1.2"),
    ("delay_months", -1, "delay_months must not be negative, not -1"),
    ("cost_scale", -0.5, "cost_scale must not be negative, not -0.5"),
])
def test_assumptions_refuse_impossible_values(field, value, message):
    with pytest.raises(ValueError, match=message):
        Assumptions(**{field: value})


def test_build_months_from_dates_or_the_default():
    frame = pd.DataFrame({
        "start_date": pd.to_datetime(["2026-01-01", "2026-01-01", None, "2026-02-01"]),
        "due_date": pd.to_datetime(["2026-07-01", "2026-01-10", "2026-05-01", None])})
    # 181 days = 5.95 months -> 6; 9 days -> 0 -> at least 1; a date missing -> default.
    assert build_months(frame, default=4).tolist() == [6.0, 1.0, 4.0, 4.0]


def test_build_months_without_date_columns_is_the_default():
    assert build_months(pd.DataFrame({"x": [1, 2]}), default=2).tolist() == [2.0, 2.0]


# --- cash flows -----------------------------------------------------------------------------

def test_cash_flows_month_by_month():
    flows = cash_flows(initiatives().iloc[[0]], assumptions=Assumptions(**FLAT))
    assert flows["month"].tolist() == list(range(18))
    assert flows["flow"].tolist() == [-100.0] * 3 + [50.0] * 12 + [100.0] * 3
    assert flows["cost"].sum() == -300.0 and flows["benefit"].sum() == 900.0


def test_cash_flows_leave_out_initiatives_without_a_cost_or_benefit():
    flows = cash_flows(initiatives(), assumptions=Assumptions(**FLAT))
    assert sorted(flows["initiative_id"].unique()) == ["I1", "I2"]


def test_cash_flows_with_a_build_column_and_a_short_horizon():
    frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [1200.0],
                          "expected_benefit": [2400.0], "build": [2]})
    flows = cash_flows(frame, build="build", assumptions=Assumptions(horizon_years=0.25))
    assert flows["flow"].tolist() == [-600.0, -600.0, 100.0]


@pytest.mark.parametrize("change, expected_npv", [
    ({}, 600.0),
    ({"delay_months": 1}, 500.0),        # 4-month build: -75 × 4, 50 × 12, 100 × 2
    ({"cost_scale": 2.0}, 300.0),        # 900 - 600
    ({"benefit_scale": 0.5}, 150.0),     # 450 - 300
    ({"ramp_up": 1.0}, 1200.0),          # 100 × 15 - 300
    ({"horizon_years": 0.5}, -150.0),    # months 0-5: -300 + 50 × 3
])
def test_portfolio_npv_under_changed_assumptions(change, expected_npv):
    a = Assumptions(**{**FLAT, **change})
    assert portfolio_npv(initiatives().iloc[[0]], assumptions=a) == pytest.approx(expected_npv)


def test_portfolio_npv_is_the_sum_of_the_initiatives_npvs():
    a = Assumptions(discount_rate=0.1, horizon_years=3)
    both = portfolio_npv(initiatives(), assumptions=a)
    one = portfolio_npv(initiatives().iloc[[0]], assumptions=a)
    two = portfolio_npv(initiatives().iloc[[1]], assumptions=a)
    assert both == pytest.approx(one + two)


# --- appraisal ------------------------------------------------------------------------------

def test_appraise_the_hand_worked_initiative():
    out = appraise(initiatives().iloc[[0]], assumptions=Assumptions(**FLAT))
    row = out.iloc[0]
    assert row["build_months"] == 3
    assert row["total_cost"] == 300.0 and row["total_benefit"] == 900.0
    assert row["npv"] == pytest.approx(600.0)
    assert row["roi"] == pytest.approx(2.0)
    assert row["payback_months"] == pytest.approx(8.0)
    assert row["discounted_payback_months"] == pytest.approx(8.0)  # rate 0: the same
    assert row["irr"] > 0 and row["rank"] == 1
    assert row["title"] == "Alpha"  # other columns are kept


def test_appraise_ranks_by_npv_and_drops_unpriced_initiatives():
    # I2 costs 600: NPV at 0% = 900 - 600 = 300, ROI 0.5, payback 14 months
    # (-600 after month 2, +50 a month: zero after month 14).
    out = appraise(initiatives(), assumptions=Assumptions(**FLAT))
    assert out["initiative_id"].tolist() == ["I1", "I2"]
    assert out["rank"].tolist() == [1, 2]
    assert out["npv"].tolist() == pytest.approx([600.0, 300.0])
    assert out["roi"].tolist() == pytest.approx([2.0, 0.5])
    assert out["payback_months"].tolist() == pytest.approx([8.0, 14.0])


def test_appraise_with_a_free_initiative_has_no_roi_and_no_irr():
    frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [0.0], "expected_benefit": [120.0]})
    row = appraise(frame, assumptions=Assumptions(**FLAT)).iloc[0]
    assert math.isnan(row["roi"]) and math.isnan(row["irr"])
    assert row["payback_months"] == 0.0


def test_appraise_an_initiative_that_never_pays_back():
    frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [3000.0], "expected_benefit": [120.0]})
    row = appraise(frame, assumptions=Assumptions(**FLAT)).iloc[0]
    # benefit 5 × 12 + 10 × 3 = 90 against 3,000
    assert row["npv"] == pytest.approx(-2910.0)
    assert math.isnan(row["payback_months"])
    assert row["roi"] == pytest.approx(-0.97)


def test_appraise_nothing_priced_gives_an_empty_table():
    frame = initiatives(cost=[None, None, None])
    assert appraise(frame).empty


# --- sensitivity ----------------------------------------------------------------------------

def test_sensitivity_sorted_by_swing():
    out = sensitivity(initiatives().iloc[[0]], assumptions=Assumptions(**FLAT),
                      ranges={"cost_scale": (0.8, 1.2), "benefit_scale": (0.5, 1.5),
                              "delay_months": (0, 1)})
    assert out["driver"].tolist() == ["benefit_scale", "cost_scale", "delay_months"]
    # benefit: 450 - 300 and 1,350 - 300; cost: 900 - 240 and 900 - 360
    assert out["npv_low"].tolist() == pytest.approx([150.0, 660.0, 600.0])
    assert out["npv_high"].tolist() == pytest.approx([1050.0, 540.0, 500.0])
    assert out["swing"].tolist() == pytest.approx([900.0, 120.0, 100.0])
    assert out["base_npv"].tolist() == pytest.approx([600.0] * 3)
    assert out["base"].tolist() == [1.0, 1.0, 0.0]


def test_sensitivity_refuses_unknown_drivers_and_bad_ranges():
    with pytest.raises(ValueError, match="unknown drivers churn, price: choose from "
                                         "discount_rate, horizon_years"):
        sensitivity(initiatives(), ranges={"price": (1, 2), "churn": (0, 1)})
    with pytest.raises(ValueError, match=r"the range of ramp_up must be a pair \(low, high\)"):
        sensitivity(initiatives(), ranges={"ramp_up": (0.1, 0.2, 0.3)})


# --- the notebook ---------------------------------------------------------------------------

def test_business_case_notebook_ranks_only_the_proposed_initiatives(run_notebook, sample_dir):
    out = run_notebook("business_case") / "business_case_results"
    appraisal = pd.read_csv(out / "appraisal.csv")
    sample = pd.read_csv(sample_dir / "initiatives.csv")
    proposed = sample[sample["status"].isin(["idea", "planned"])]
    assert set(appraisal["initiative_id"]) == set(proposed["initiative_id"])
    assert appraisal["npv"].is_monotonic_decreasing
    assert appraisal["rank"].tolist() == list(range(1, len(proposed) + 1))
    headlines = json.loads((out / "headline.json").read_text())["headlines"]
    assert headlines["portfolio_npv"]["value"] == pytest.approx(appraisal["npv"].sum())
    assert set(pd.read_csv(out / "sensitivity.csv")["driver"]) == {
        "discount_rate", "benefit_scale", "cost_scale", "ramp_up", "horizon_years",
        "delay_months"}
