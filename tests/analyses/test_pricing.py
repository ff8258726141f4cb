"""Pricing: the Van Westendorp meter and a price change's before and after, worked by hand."""
from __future__ import annotations

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cpo_kit.analyses import price_change, pricing
from cpo_kit.core import formats
from cpo_kit.metrics.intervals import wilson_interval
from cpo_kit.plots import pricing as pricing_plots

matplotlib.use("Agg")


# --- crossings --------------------------------------------------------------------------------

@pytest.mark.parametrize("prices, falling, rising, expected", [
    # Pass each other between 20 and 30: gap 0.25 then −1, so 20 + 10 × 0.25 / 1.25.
    ([10, 20, 30], [1.0, 0.5, 0.0], [0.0, 0.25, 1.0], 22.0),
    # Meet exactly at a named price.
    ([10, 20, 30], [1.0, 0.5, 0.0], [0.0, 0.5, 1.0], 20.0),
    # Run together from 20 to 30: the middle of the stretch.
    ([10, 20, 30, 40], [1.0, 0.5, 0.5, 0.0], [0.0, 0.5, 0.5, 1.0], 25.0),
    # Never meet within the prices named.
    ([10, 20], [1.0, 0.8], [0.0, 0.5], math.nan),
    # Already crossed below the lowest price.
    ([10, 20], [0.2, 0.1], [0.5, 0.6], math.nan),
])
def test_crossing(prices, falling, rising, expected):
    result = pricing.crossing(prices, falling, rising)
    assert (math.isnan(result) and math.isnan(expected)) or result == pytest.approx(expected)


def test_crossing_needs_curves_as_long_as_the_prices():
    with pytest.raises(ValueError, match="non-empty and of equal length"):
        pricing.crossing([10, 20], [1.0], [0.0])


# --- Van Westendorp ---------------------------------------------------------------------------

@pytest.fixture
def survey():
    return pd.DataFrame({
        "respondent_id": ["r1", "r2", "r3", "r4"],
        "segment": ["A", "A", "B", "B"],
        "too_cheap": [10.0, 20.0, 10.0, 20.0],
        "cheap": [20.0, 30.0, 20.0, 30.0],
        "expensive": [30.0, 40.0, 40.0, 50.0],
        "too_expensive": [40.0, 50.0, 60.0, 60.0],
    })


def test_van_westendorp_curves(survey):
    curves = pricing.price_sensitivity(survey).curves
    assert curves["price"].tolist() == [10, 20, 30, 40, 50, 60]
    # Too cheap / cheap: answer at the price or above; (not) expensive / too expensive:
    # answer at the price or below.
    assert curves["too_cheap"].tolist() == [1, 0.5, 0, 0, 0, 0]
    assert curves["cheap"].tolist() == [1, 1, 0.5, 0, 0, 0]
    assert curves["not_cheap"].tolist() == [0, 0, 0.5, 1, 1, 1]
    assert curves["expensive"].tolist() == [0, 0, 0.25, 0.75, 1, 1]
    assert curves["not_expensive"].tolist() == [1, 1, 0.75, 0.25, 0, 0]
    assert curves["too_expensive"].tolist() == [0, 0, 0, 0.25, 0.5, 1]


def test_van_westendorp_points(survey):
    meter = pricing.price_sensitivity(survey)
    # PMC: too cheap − not cheap = 1, 0.5, −0.5: between 20 and 30, at 25.
    # OPP: too cheap − too expensive = 1, 0.5, 0 (at 30), −0.25: exactly 30.
    # IPP: cheap − expensive = 1, 1, 0.25, −0.75: 30 + 10 × 0.25 = 32.5.
    # PME: not expensive − too expensive = 1, 1, 0.75, 0 (at 40), −0.5: exactly 40.
    assert meter.points == pytest.approx({"pmc": 25.0, "opp": 30.0, "ipp": 32.5, "pme": 40.0})
    assert meter.acceptable_range == pytest.approx((25.0, 40.0))
    assert (meter.respondents, meter.dropped) == (4, 0)


def test_the_meters_points_are_labelled_in_the_companys_currency(survey):
    with formats.using(currency="EUR", locale="en_IE"):
        ax = pricing_plots.van_westendorp(pricing.price_sensitivity(survey))
        labels = sorted(text.get_text() for text in ax.texts)
    plt.close("all")
    assert labels == ["IPP €32.50", "OPP €30.00", "PMC €25.00", "PME €40.00"]


def test_ipp_is_the_same_with_not_cheap_and_not_expensive(survey):
    curves = pricing.price_sensitivity(survey).curves
    assert pricing.crossing(curves["price"], curves["not_expensive"],
                            curves["not_cheap"]) == pytest.approx(32.5)


def test_answers_out_of_order_or_missing_are_left_out(survey):
    odd = pd.DataFrame({"respondent_id": ["r5", "r6"], "segment": ["A", "B"],
                        "too_cheap": [30.0, 10.0], "cheap": [20.0, None],
                        "expensive": [40.0, 30.0], "too_expensive": [50.0, 40.0]})
    meter = pricing.price_sensitivity(pd.concat([survey, odd], ignore_index=True))
    assert (meter.respondents, meter.dropped) == (4, 2)
    assert meter.points == pytest.approx({"pmc": 25.0, "opp": 30.0, "ipp": 32.5, "pme": 40.0})


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"too_cheap": [30.0], "cheap": [20.0], "expensive": [40.0],
                   "too_expensive": [50.0]}), "no respondent with four answers in order"),
    (pd.DataFrame({"too_cheap": [10.0], "cheap": [20.0]}),
     "lacks the column.s. expensive, too_expensive"),
])
def test_van_westendorp_errors(frame, message):
    with pytest.raises(ValueError, match=message):
        pricing.price_sensitivity(frame)


def test_price_points_by_segment(survey):
    points = pricing.price_points_by_segment(survey)
    assert points["segment"].tolist() == ["All", "A", "B"]
    assert points["respondents"].tolist() == [4, 2, 2]
    # A (r1, r2): too cheap 1, .5, 0; not cheap 0, 0, .5, 1; expensive 0, 0, .5, 1;
    #   too expensive 0, 0, 0, .5, 1 at 10 ... 50.
    # B (r3, r4): too expensive is 0 up to 50 and too cheap 0 from 30, so OPP is the
    #   middle of 30 to 50; expensive 0, 0, 0, .5, 1 gives IPP 35 and PME 50.
    expected = {"pmc": [25.0, 25.0, 25.0], "opp": [30.0, 30.0, 40.0],
                "ipp": [32.5, 30.0, 35.0], "pme": [40.0, 35.0, 50.0]}
    for column, values in expected.items():
        assert points[column].tolist() == pytest.approx(values), column


def test_select_respondents(survey):
    assert len(pricing.select_respondents(survey, "all")) == 4
    assert pricing.select_respondents(survey, "B")["respondent_id"].tolist() == ["r3", "r4"]
    with pytest.raises(ValueError, match="no respondent is in the segment 'C'; choose 'all' "
                                         "or one of: A, B"):
        pricing.select_respondents(survey, "C")


# --- intervals --------------------------------------------------------------------------------

@pytest.mark.parametrize("events, base, low, high", [
    (5, 10, 0.2366, 0.7634),
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
])
def test_wilson_interval(events, base, low, high):
    result = wilson_interval(events, base)
    assert [float(v) for v in result] == pytest.approx([low, high], abs=1e-4)


def test_wilson_interval_of_nothing_is_empty():
    low, high = wilson_interval(0, 0)
    assert np.isnan(low) and np.isnan(high)


def test_compare_shares():
    # 10% of 100 against 20% of 100: se = sqrt(.09/100 + .16/100) = .05, ±1.96 × .05.
    result = price_change.compare_shares(10, 100, 20, 100)
    assert result["difference"] == pytest.approx(0.1)
    assert (result["difference_low"], result["difference_high"]) == pytest.approx(
        (0.1 - 0.098, 0.1 + 0.098), abs=1e-4)
    assert result["rough"] is False
    assert price_change.compare_shares(3, 10, 5, 10)["rough"] is True
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        price_change.compare_shares(1, 2, 1, 2, confidence=95)


@pytest.mark.parametrize("counts, low, high", [
    ((0, 10, 0, 20), 0.0, 0.0),      # shares of 0 on both sides: no spread
    ((10, 10, 20, 20), 0.0, 0.0),    # shares of 1 on both sides
    # 0 of 10 against 2 of 10: ±1.96 × sqrt(.2 × .8 / 10) = ±0.2479.
    ((0, 10, 2, 10), -0.047918, 0.447918),
    ((0, 0, 3, 10), math.nan, math.nan),   # no base before: no difference to bound
])
def test_compare_shares_at_the_edges(counts, low, high):
    result = price_change.compare_shares(*counts)
    assert result["difference_low"] == pytest.approx(low, abs=1e-6, nan_ok=True)
    assert result["difference_high"] == pytest.approx(high, abs=1e-6, nan_ok=True)


# --- before and after a price change ------------------------------------------------------

CHANGE = "2025-09-01"


@pytest.fixture
def accounts():
    return pd.DataFrame({
        "account_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        "segment": ["SMB", "SMB", "Enterprise", "SMB", "Enterprise", "SMB", "SMB", "SMB"],
        "signup_date": pd.to_datetime(["2025-07-15", "2025-08-20", "2025-08-01", "2025-09-05",
                                       "2025-10-30", "2025-06-30", "2025-11-01",
                                       "2025-09-10"]),
    })


@pytest.fixture
def first_payments():
    # a1 pays in its signup month; a2 two months after; a3 never; a4 one month after;
    # a5 in its signup month; a6 and a7 sign up outside the windows; a8 has a zero row.
    rows = [("a1", "2025-07-01", 10.0), ("a2", "2025-10-01", 10.0), ("a4", "2025-10-01", 10.0),
            ("a5", "2025-10-01", 10.0), ("a6", "2025-06-01", 10.0), ("a7", "2025-11-01", 10.0),
            ("a8", "2025-09-01", 0.0)]
    return pd.DataFrame({"account_id": [r[0] for r in rows], "product_id": "p",
                         "month": pd.to_datetime([r[1] for r in rows]),
                         "mrr": [r[2] for r in rows]})


def test_conversion_before_and_after(accounts, first_payments):
    out = price_change.conversion_before_after(accounts, first_payments, change=CHANGE,
                                          period_end="2026-10-31", window_months=2,
                                          by="segment")
    assert out["segment"].tolist() == ["All", "SMB", "Enterprise"]
    # Before: a1 (paid), a2 (too late), a3 (never); after: a4 (paid), a5 (paid), a8 (zero).
    assert out[["before_base", "before_events", "after_base", "after_events"]].values.tolist() \
        == [[3, 1, 3, 2], [2, 1, 2, 1], [1, 0, 1, 1]]
    assert out["difference"].tolist() == pytest.approx([1 / 3, 0.0, 1.0])


def test_conversion_allows_more_months_to_pay(accounts, first_payments):
    out = price_change.conversion_before_after(accounts, first_payments, change=CHANGE,
                                          period_end="2026-10-31", window_months=2,
                                          within_months=2)
    assert out["group"].tolist() == ["All"]
    assert (out.loc[0, "before_events"], out.loc[0, "before_base"]) == (2, 3)


def test_conversion_leaves_out_accounts_that_may_still_pay(accounts, first_payments):
    # On 31 October a5 (signed up in October) still has November to pay: left out.
    out = price_change.conversion_before_after(accounts, first_payments, change=CHANGE,
                                          period_end="2025-10-31", window_months=2)
    assert (out.loc[0, "after_base"], out.loc[0, "after_events"]) == (2, 1)


@pytest.mark.parametrize("options, message", [
    ({"within_months": -1}, "within_months must be a whole number of at least 0"),
    ({"window_months": 0}, "window_months must be a whole number of at least 1"),
    ({"window_months": 1.5}, "window_months must be a whole number"),
    ({"by": "region"}, "the accounts table has no column 'region'"),
])
def test_conversion_errors(accounts, first_payments, options, message):
    with pytest.raises(ValueError, match=message):
        price_change.conversion_before_after(accounts, first_payments, change=CHANGE,
                                        period_end="2026-10-31", **options)


@pytest.fixture
def paying():
    # x pays June to October; y June and July (churns in August); z June to September
    # (churns in October); w August and September (churns in October).
    months = {"x": ["06", "07", "08", "09", "10"], "y": ["06", "07"],
              "z": ["06", "07", "08", "09"], "w": ["08", "09"]}
    rows = [(a, pd.Timestamp(f"2025-{m}-01")) for a, ms in months.items() for m in ms]
    return pd.DataFrame({"account_id": [r[0] for r in rows], "product_id": "p",
                         "month": [r[1] for r in rows], "mrr": 10.0})


def test_churn_before_and_after(paying):
    out = price_change.churn_before_after(paying, change=CHANGE, period_end="2025-10-31",
                                     window_months=2)
    # Before (July, August): 3 + 3 account-months at risk, y lost.
    # After (September, October): 3 + 3 at risk, z and w lost.
    row = out.iloc[0]
    assert (row["before_base"], row["before_events"], row["after_base"],
            row["after_events"]) == (6, 1, 6, 2)
    assert (row["before_rate"], row["after_rate"]) == pytest.approx((1 / 6, 1 / 3))


def test_churn_by_segment(paying):
    accounts = pd.DataFrame({"account_id": ["x", "y", "z", "w"],
                             "segment": ["SMB", "SMB", "Enterprise", "Enterprise"]})
    out = price_change.churn_before_after(paying, change=CHANGE, period_end="2025-10-31",
                                     window_months=2, accounts=accounts, by="segment")
    # Segments by their accounts at risk, the largest first: 6 each, so by name.
    assert out["segment"].tolist() == ["All", "Enterprise", "SMB"]
    # Enterprise: July 1, August 1, September 2, October 2 (z and w lost).
    # SMB: July 2 at risk, August 2 (y lost), September 1, October 1.
    assert out[["before_base", "before_events", "after_base", "after_events"]].values.tolist() \
        == [[6, 1, 6, 2], [2, 0, 4, 2], [4, 1, 2, 0]]


def test_starting_mrr_before_and_after():
    accounts = pd.DataFrame({"account_id": ["a", "b", "c", "d"],
                             "signup_date": pd.to_datetime(["2025-08-10", "2025-09-10",
                                                            "2025-09-20", "2025-08-12"])})
    # a pays 6 + 4 on two products; d never pays and is left out.
    mrr = pd.DataFrame({"account_id": ["a", "a", "b", "c", "a"],
                        "product_id": ["p", "q", "p", "p", "p"],
                        "month": pd.to_datetime(["2025-08-01", "2025-08-01", "2025-09-01",
                                                 "2025-09-01", "2025-09-01"]),
                        "mrr": [6.0, 4.0, 12.0, 20.0, 99.0]})
    out = price_change.starting_mrr_before_after(accounts, mrr, change=CHANGE)
    row = out.iloc[0]
    assert (row["before_accounts"], row["before_median_mrr"]) == (1, 10.0)
    assert (row["after_accounts"], row["after_median_mrr"]) == (2, 16.0)
    assert row["relative_change"] == pytest.approx(0.6)


# --- charts ---------------------------------------------------------------------------------

def test_charts_draw_with_titles_and_labelled_axes(survey, accounts, first_payments, paying):
    from cpo_kit.metrics.revenue import churn_rates
    from cpo_kit.plots import pricing as pricing_plots

    churn = price_change.churn_before_after(paying, change=CHANGE, period_end="2025-10-31",
                                       window_months=2)
    conversion = price_change.conversion_before_after(accounts, first_payments, change=CHANGE,
                                                 period_end="2026-10-31", by="segment")
    axes = [pricing_plots.van_westendorp(pricing.price_sensitivity(survey)),
            pricing_plots.price_ranges(pricing.price_points_by_segment(survey),
                                       current_price=35),
            pricing_plots.churn_around_change(churn_rates(paying, period_end="2025-10-31"),
                                              change=CHANGE, comparison=churn,
                                              window_months=2),
            pricing_plots.before_after(conversion, group="segment", title="Conversion",
                                       ylabel="converted")]
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() + ax.get_ylabel()
    assert "USD" in axes[0].get_xlabel() and "USD" in axes[1].get_xlabel()


# --- the notebook -----------------------------------------------------------------------------

def test_pricing_notebook_reports_the_points_for_each_segment(run_notebook):
    folder = run_notebook("pricing") / "pricing_results"
    points = pd.read_csv(folder / "price_points.csv")
    assert points["segment"].tolist() == ["All", "SMB", "Mid-Market", "Enterprise"]
    assert (points["pmc"] < points["opp"]).all() and (points["opp"] < points["pme"]).all()
    churn = pd.read_csv(folder / "churn.csv")
    assert churn["segment"].tolist() == ["All", "SMB", "Mid-Market", "Enterprise"]
    # The sample's lost trials: 18 of 54 sign-ups paid in the six months before the price
    # change, 22 of 126 after it; the interval of the drop stays below zero.
    conversion = pd.read_csv(folder / "conversion.csv").set_index("segment").loc["All"]
    assert (conversion["before_events"], conversion["before_base"]) == (18, 54)
    assert (conversion["after_events"], conversion["after_base"]) == (22, 126)
    assert conversion["difference_high"] < 0
