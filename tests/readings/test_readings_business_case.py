"""The business case's readings: sentences written from hand-made appraisals and forecasts."""
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings import business_case
from cpo_kit.readings.common import next_steps

APPRAISAL = pd.DataFrame({"title": ["Fast *win*", "Slow", "Loss"],
                          "npv": [50000.0, 10000.0, -8000.0],
                          "total_cost": [5000.0, 40000.0, 20000.0],
                          "build_months": [1, 6, 3],
                          "payback_months": [2.5, 30.0, None]})


def swings(base=1000.0):
    return pd.DataFrame({"driver": ["benefit_scale", "horizon_years", "discount_rate"],
                         "npv_low": [-500.0, 400.0, 1100.0], "npv_high": [2500.0, 1500.0, 900.0],
                         "base_npv": [base] * 3, "swing": [3000.0, 1100.0, 200.0]})


HISTORY = pd.DataFrame({"month": pd.to_datetime(["2026-09-01", "2026-10-01"]),
                        "mrr": [900.0, 1000.0]})
AHEAD = pd.DataFrame({"month": pd.to_datetime(["2027-10-01"]), "forecast": [1250.0],
                      "lower_80": [1100.0], "upper_80": [1400.0]})


def methods(mape=0.03, inside=0.8):
    return pd.DataFrame({"method": ["ets_damped", "ets"], "mape": [mape, 0.05],
                         "coverage_80": [inside, 0.5]})


def test_appraisal_names_the_best_the_losing_and_the_total():
    assert business_case.appraisal(APPRAISAL, company="Acme", total=52000.0) == (
        "**What it shows for Acme:** Fast \\*win\\* adds most, \\$50,000 in today's money, and "
        "pays back in 2.5 months. 1 of the 3 initiatives destroys value at this rate and "
        "horizon: Loss. Together the proposed initiatives are worth \\$52,000.")


def test_payback_names_the_deepest_dip_and_what_never_pays_back():
    assert business_case.payback(APPRAISAL, company="Acme") == (
        "**What it shows for Acme:** The deepest dip is \\$40,000, spent over 6 months on "
        "Slow before anything comes back. Loss does not pay back within the horizon.")


def test_sensitivity_names_the_widest_drivers_and_the_one_that_flips_the_sign_in_euros():
    with formats.using(currency="EUR", locale="en_IE"):
        text = business_case.sensitivity(swings(), company="Tidewell")
    assert text == ("**What it shows for Tidewell:** The NPV moves most with the benefit "
                    "estimates (from −€500 to €2,500) and the horizon (from €400 to "
                    "€1,500). "
                    "The benefit estimates could alone, within its range, turn the NPV "
                    "negative.")


def test_forecast_says_where_mrr_is_heading_and_its_band():
    assert business_case.forecast(HISTORY, AHEAD, company="Acme") == (
        "**What it shows for Acme:** MRR is forecast to go from \\$1,000 in October 2026 to "
        "\\$1,250 in October 2027 (+25%). Four times out of five it lands between \\$1,100 "
        "and \\$1,400.")


def test_backtest_says_the_error_and_whether_another_method_did_better():
    assert business_case.backtest(methods(mape=0.08), company="Acme", method="ets_damped",
                                  months=6) == (
        "**What it shows for Acme:** Over the last 6 months, ets\\_damped was off by 8.0% on "
        "average, and 80% of the months fell inside its 80% band. ets did better (5.0%).")


def test_recommendations_name_the_numbers_that_triggered_them():
    assert business_case.recommendations(appraisal=APPRAISAL, swings=swings(), ahead=AHEAD,
                                         methods=methods(mape=0.12, inside=0.5)) == [
        "Fund the top of the NPV ranking first (Fast \\*win\\* (\\$50,000) and Slow "
        "(\\$10,000)), and write each benefit as a metric with a date, to review after "
        "launch.",
        "Loss has a negative NPV (down to −\\$8,000): write down the reason to do it anyway, "
        "or take it off the roadmap.",
        "The benefit estimates alone could turn the portfolio's NPV of \\$1,000 the other "
        "way: ask the owners of those estimates for their evidence before the money is "
        "committed.",
        "The forecast was off by 12.0% on the held-out months, more than 10%: treat it as a "
        "direction, not a number, and plan with what you know is coming.",
        "Only 50% of the held-out months fell inside the 80% band: the real uncertainty is "
        "wider than drawn, so budget with a wider margin.",
        "ets was off by 5.0% against 12.0%: try it as `forecast_method`.",
    ]


def test_a_trusted_forecast_gives_the_revenue_floor():
    assert business_case.recommendations(ahead=AHEAD, methods=methods()) == [
        "Use \\$1,100, the low end of the 80% band for October 2027, as the revenue floor of "
        "the plan, and rerun this each month: a month outside the band is a signal to look "
        "for its cause."]


def test_no_recommendation_when_no_condition_holds():
    found = business_case.recommendations(appraisal=APPRAISAL.iloc[:0],
                                          swings=swings().assign(npv_low=[500.0, 400.0, 1100.0]),
                                          methods=methods())
    assert found == []
    assert next_steps(found, checked=business_case.CHECKED) == (
        "None of these holds on this data: the NPV of each initiative, assumptions that "
        "change the portfolio's sign, and the forecast's backtest error, band and method.")
