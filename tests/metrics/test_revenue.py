"""Revenue metrics on a hand-made MRR table whose movements are worked out by hand.

Account MRR summed over products (P1 has a 0.8 gross margin, P2 0.5):

    account  segment      Jan  Feb  Mar  Apr  May   notes
    A        SMB          100  100  150  150  130   expands in Mar, contracts in May
    B        Enterprise   250  250  250  200  200   Feb: P1 +50 and P2 -50 (explicit 0) net out
    C        SMB          300    0    0  120  120   churns (no row), explicit 0, comes back
    D        Mid-Market     0   80   80    0    0   new in Feb, churns in Apr
    E        SMB            0    0    0   60  100   new in Apr on two products (P1 40 + P2 20)
    F        Mid-Market     0    0   90   90    0   explicit zeros in Jan and Feb, new in Mar

Totals: 650, 430, 570, 620, 550. January is the first month of data: its accounts
are the starting base, so movements start in February.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cpo_kit import load_company
from cpo_kit.core.errors import MissingTables
from cpo_kit.metrics import METRICS, compute
from cpo_kit.metrics.revenue import (churn_rates, mrr_movements, quick_ratio, recurring_revenue,
                                     revenue_retention)
from cpo_kit.metrics.unit_economics import cac_payback, lifetime_value
from tests.companies import company_from_frames

MONTHS = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"]
END = "2026-05-31"
MOVEMENT_COLUMNS = ["new", "expansion", "reactivated", "contraction", "churned"]


def mrr_table(rows) -> pd.DataFrame:
    """An mrr table typed as the loaders type it."""
    frame = pd.DataFrame(rows, columns=["account_id", "product_id", "month", "mrr"])
    return frame.astype({"account_id": "str", "product_id": "str", "month": "datetime64[ns]",
                         "mrr": "Float64"})


def expected(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for key in ("month", "period"):
        if key in frame:
            frame[key] = pd.to_datetime(frame[key]).astype("datetime64[us]")
    return frame.astype({c: "str" for c in ("segment",) if c in frame})


@pytest.fixture
def mrr():
    jan, feb, mar, apr, may = MONTHS
    return mrr_table([
        ("A", "P1", jan, 100), ("A", "P1", feb, 100), ("A", "P1", mar, 150),
        ("A", "P1", apr, 150), ("A", "P1", may, 130),
        ("B", "P1", jan, 200), ("B", "P2", jan, 50), ("B", "P1", feb, 250), ("B", "P2", feb, 0),
        ("B", "P1", mar, 250), ("B", "P1", apr, 200), ("B", "P1", may, 200),
        ("C", "P1", jan, 300), ("C", "P1", mar, 0), ("C", "P1", apr, 120), ("C", "P1", may, 120),
        ("D", "P1", feb, 80), ("D", "P1", mar, 80),
        ("E", "P1", apr, 40), ("E", "P2", apr, 20), ("E", "P1", may, 40), ("E", "P2", may, 60),
        ("F", "P1", jan, 0), ("F", "P1", feb, 0), ("F", "P1", mar, 90), ("F", "P1", apr, 90),
    ])


@pytest.fixture
def accounts():
    return pd.DataFrame({
        "account_id": list("ABCDEF"),
        "segment": ["SMB", "Enterprise", "SMB", "Mid-Market", "SMB", "Mid-Market"],
        "acquisition_cost": [1000.0, 5000.0, 2000.0, 400.0, 600.0, 900.0],
    }).astype({"account_id": "str", "segment": "str", "acquisition_cost": "Float64"})


@pytest.fixture
def products():
    return pd.DataFrame({"product_id": ["P1", "P2"], "gross_margin": [0.8, 0.5]}).astype(
        {"product_id": "str", "gross_margin": "Float64"})


@pytest.fixture
def company(mrr, accounts, products):
    return company_from_frames({"mrr": mrr, "accounts": accounts, "products": products})


@pytest.fixture(scope="module")
def sample(sample_dir):
    return load_company(sample_dir)


# --- movements ------------------------------------------------------------------------------

def test_mrr_movements(mrr):
    assert_frame_equal(mrr_movements(mrr, period_end=END), expected(
        month=MONTHS[1:],
        starting_mrr=[650.0, 430.0, 570.0, 620.0],
        new=[80.0, 90.0, 60.0, 0.0],
        expansion=[0.0, 50.0, 0.0, 40.0],
        reactivated=[0.0, 0.0, 120.0, 0.0],
        contraction=[0.0, 0.0, -50.0, -20.0],
        churned=[-300.0, 0.0, -80.0, -90.0],
        ending_mrr=[430.0, 570.0, 620.0, 550.0],
        new_accounts=[1, 1, 1, 0],
        churned_accounts=[1, 0, 1, 1],
        reactivated_accounts=[0, 0, 1, 0],
    ))


def test_mrr_movements_by_segment(mrr, accounts):
    out = mrr_movements(mrr, period_end=END, accounts=accounts, by="segment")
    assert_frame_equal(out, expected(
        month=[m for m in MONTHS[1:] for _ in range(3)],
        segment=["Enterprise", "Mid-Market", "SMB"] * 4,
        starting_mrr=[250.0, 0.0, 400.0, 250.0, 80.0, 100.0, 250.0, 170.0, 150.0,
                      200.0, 90.0, 330.0],
        new=[0.0, 80.0, 0.0, 0.0, 90.0, 0.0, 0.0, 0.0, 60.0, 0.0, 0.0, 0.0],
        expansion=[0.0, 0.0, 0.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0],
        reactivated=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 120.0, 0.0, 0.0, 0.0],
        contraction=[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -50.0, 0.0, 0.0, 0.0, 0.0, -20.0],
        churned=[0.0, 0.0, -300.0, 0.0, 0.0, 0.0, 0.0, -80.0, 0.0, 0.0, -90.0, 0.0],
        ending_mrr=[250.0, 80.0, 100.0, 250.0, 170.0, 150.0, 200.0, 90.0, 330.0,
                    200.0, 0.0, 350.0],
        new_accounts=[0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0],
        churned_accounts=[0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0],
        reactivated_accounts=[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0],
    ))


def test_an_account_without_a_segment_is_labelled_missing(mrr, accounts):
    accounts.loc[accounts["account_id"] == "B", "segment"] = None
    out = mrr_movements(mrr, period_end=END, accounts=accounts[accounts["account_id"] != "A"],
                        by="segment")
    # A is not in the accounts table and B has no segment: both land in "(missing)".
    missing = out[out["segment"] == "(missing)"]
    assert missing["starting_mrr"].tolist() == [350.0, 350.0, 400.0, 350.0]
    assert missing["expansion"].tolist() == [0.0, 50.0, 0.0, 0.0]


def test_the_first_month_of_data_has_no_movements(mrr):
    out = mrr_movements(mrr[mrr["month"] <= "2026-02-01"], period_end=END)
    # January's accounts (A, B, C) are February's starting base, not new accounts.
    assert out[["month", "starting_mrr", "new", "new_accounts"]].to_dict("list") == {
        "month": [pd.Timestamp("2026-02-01")], "starting_mrr": [650.0], "new": [80.0],
        "new_accounts": [1]}


@pytest.mark.parametrize("zero_rows", [True, False])
def test_an_explicit_zero_and_a_missing_row_are_the_same(zero_rows):
    rows = [("X", "P1", "2026-01-01", 50), ("X", "P1", "2026-04-01", 70),
            ("Y", "P1", "2026-01-01", 10), ("Y", "P1", "2026-02-01", 10),
            ("Y", "P1", "2026-03-01", 10), ("Y", "P1", "2026-04-01", 10)]
    if zero_rows:
        rows += [("X", "P1", "2026-02-01", 0), ("X", "P1", "2026-03-01", 0)]
    out = mrr_movements(mrr_table(rows), period_end="2026-04-30")
    assert_frame_equal(out[["month", "churned", "reactivated", "new", "churned_accounts",
                            "reactivated_accounts"]], expected(
        month=["2026-02-01", "2026-03-01", "2026-04-01"],
        churned=[-50.0, 0.0, 0.0], reactivated=[0.0, 0.0, 70.0], new=[0.0, 0.0, 0.0],
        churned_accounts=[1, 0, 0], reactivated_accounts=[0, 0, 1]))


def test_an_upgrade_and_a_downgrade_in_the_same_month_net_out():
    out = mrr_movements(mrr_table([
        ("X", "P1", "2026-01-01", 100), ("X", "P2", "2026-01-01", 60),
        ("X", "P1", "2026-02-01", 140), ("X", "P2", "2026-02-01", 30),  # +40 and -30
        ("X", "P1", "2026-03-01", 170),  # P2 dropped: a swap within the account, not churn
    ]), period_end="2026-03-31")
    assert out[["expansion", "contraction", "churned", "new"]].to_dict("list") == {
        "expansion": [10.0, 0.0], "contraction": [0.0, 0.0], "churned": [0.0, 0.0],
        "new": [0.0, 0.0]}


def test_a_month_without_any_rows_is_a_month_nobody_paid():
    out = mrr_movements(mrr_table([("X", "P1", "2026-01-01", 10), ("X", "P1", "2026-03-01", 10),
                                   ("Y", "P1", "2026-03-01", 5)]), period_end="2026-03-31")
    assert_frame_equal(out, expected(
        month=["2026-02-01", "2026-03-01"], starting_mrr=[10.0, 0.0], new=[0.0, 5.0],
        expansion=[0.0, 0.0], reactivated=[0.0, 10.0], contraction=[0.0, 0.0],
        churned=[-10.0, 0.0], ending_mrr=[0.0, 15.0], new_accounts=[0, 1],
        churned_accounts=[1, 0], reactivated_accounts=[0, 1]))


@pytest.mark.parametrize("period_end, complete_only, last", [
    ("2026-05-31", True, "2026-05-01"),
    ("2026-05-30", True, "2026-04-01"),
    ("2026-05-30", False, "2026-05-01"),
    ("2026-05-01", False, "2026-05-01"),
    ("2026-12-31", True, "2026-05-01"),  # months after the data are unknown, not zero
])
def test_the_last_month_counted(mrr, period_end, complete_only, last):
    out = mrr_movements(mrr, period_end=period_end, complete_only=complete_only)
    assert out["month"].iloc[-1] == pd.Timestamp(last)


def test_no_data_before_the_period_end_gives_empty_frames_with_the_columns(mrr):
    out = mrr_movements(mrr, period_end="2025-12-31")
    assert out.empty and out.columns[0] == "month" and out["new_accounts"].dtype == "int64"


def test_movements_add_up_on_the_sample(sample):
    out = compute("mrr_movements", sample, period_end="2026-10-31")
    assert len(out) == 23  # November 2024 to October 2026, less the first month
    explained = out["starting_mrr"] + out[MOVEMENT_COLUMNS].sum(axis=1)
    np.testing.assert_allclose(explained, out["ending_mrr"], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(out["starting_mrr"].iloc[1:], out["ending_mrr"].iloc[:-1])
    by_segment = compute("mrr_movements", sample, period_end="2026-10-31", by="segment")
    totals = by_segment.groupby("month")[MOVEMENT_COLUMNS + ["new_accounts"]].sum()
    np.testing.assert_allclose(totals.to_numpy(),
                               out.set_index("month")[MOVEMENT_COLUMNS + ["new_accounts"]],
                               atol=1e-6)


# --- retention and churn --------------------------------------------------------------------

def test_monthly_revenue_retention(mrr):
    assert_frame_equal(revenue_retention(mrr, period_end=END), expected(
        month=MONTHS[1:],
        cohort_accounts=[3, 3, 4, 5],
        cohort_mrr=[650.0, 430.0, 570.0, 620.0],
        retained_mrr=[350.0, 480.0, 440.0, 550.0],
        gross_retained_mrr=[350.0, 430.0, 440.0, 510.0],
        # April: C comes back with 120 but was not paying in March, so it is not retained.
        nrr=[350 / 650, 480 / 430, 440 / 570, 550 / 620],
        grr=[350 / 650, 1.0, 440 / 570, 510 / 620],
    ))


def test_retention_over_three_months_counts_a_returning_account(mrr):
    out = revenue_retention(mrr, period_end=END, months=3)
    # April against January: A 150 (then 100), B 200 (250), C 120 (300, churned and back).
    assert_frame_equal(out, expected(
        month=["2026-04-01", "2026-05-01"], cohort_accounts=[3, 3],
        cohort_mrr=[650.0, 430.0], retained_mrr=[470.0, 330.0],
        gross_retained_mrr=[420.0, 300.0], nrr=[470 / 650, 330 / 430],
        grr=[420 / 650, 300 / 430]))


def test_trailing_twelve_month_retention():
    out = revenue_retention(mrr_table([
        ("X", "P1", "2025-01-01", 100), ("X", "P1", "2026-01-01", 150),
        ("Y", "P1", "2025-01-01", 200), ("Y", "P1", "2025-12-01", 40),
        ("Y", "P1", "2026-01-01", 50),
        ("Z", "P1", "2025-06-01", 300), ("Z", "P1", "2026-01-01", 300),  # not in the cohort
    ]), period_end="2026-01-31", months=12)
    assert_frame_equal(out, expected(
        month=["2026-01-01"], cohort_accounts=[2], cohort_mrr=[300.0], retained_mrr=[200.0],
        gross_retained_mrr=[150.0], nrr=[2 / 3], grr=[0.5]))


def test_churn_rates(mrr):
    assert_frame_equal(churn_rates(mrr, period_end=END), expected(
        month=MONTHS[1:],
        starting_accounts=[3, 3, 4, 5],
        churned_accounts=[1, 0, 1, 1],
        logo_churn_rate=[1 / 3, 0.0, 0.25, 0.2],
        starting_mrr=[650.0, 430.0, 570.0, 620.0],
        lost_mrr=[300.0, 0.0, 130.0, 110.0],
        revenue_churn_rate=[300 / 650, 0.0, 130 / 570, 110 / 620],
    ))


# --- MRR, ARR, ARPA -------------------------------------------------------------------------

def test_recurring_revenue(mrr):
    assert_frame_equal(recurring_revenue(mrr, period_end=END), expected(
        month=MONTHS,
        mrr=[650.0, 430.0, 570.0, 620.0, 550.0],
        arr=[7800.0, 5160.0, 6840.0, 7440.0, 6600.0],
        paying_accounts=[3, 3, 4, 5, 4],
        arpa=[650 / 3, 430 / 3, 142.5, 124.0, 137.5],
    ))


def test_arr_is_twelve_times_the_headline_mrr_on_the_sample(sample):
    arr = compute("arr", sample, period_end="2026-10-31")
    mrr = compute("mrr", sample, period_end="2026-10-31")
    np.testing.assert_allclose(arr["arr"], 12 * mrr["mrr"])
    assert arr.columns.tolist() == ["month", "mrr", "arr"]


# --- LTV and CAC payback --------------------------------------------------------------------

def test_lifetime_value_with_the_margins_of_the_products(mrr, products):
    out = lifetime_value(mrr, period_end=END, products=products, window=2)
    # April: ARPA 124 × margin (600 × 0.8 + 20 × 0.5) / 620 = 98; churn (0 + 130) / (430 + 570).
    assert_frame_equal(out, expected(
        month=MONTHS[2:],
        arpa=[142.5, 124.0, 137.5],
        gross_margin=[0.8, 490 / 620, 422 / 550],
        revenue_churn_rate=[300 / 1080, 130 / 1000, 240 / 1190],
        ltv=[142.5 * 0.8 * 1080 / 300, 98 / 0.13, 105.5 * 1190 / 240],
    ))


def test_lifetime_value_is_infinite_without_lost_revenue(mrr):
    out = lifetime_value(mrr, period_end=END, gross_margin=0.5, window=1)
    assert out["month"].tolist() == [pd.Timestamp(m) for m in MONTHS[1:]]
    assert out["ltv"].tolist() == pytest.approx(
        [430 / 3 * 0.5 * 650 / 300, math.inf, 62 * 570 / 130, 68.75 * 620 / 110])


def test_lifetime_value_needs_a_full_window(mrr):
    assert lifetime_value(mrr, period_end=END, gross_margin=0.5, window=5).empty


@pytest.mark.parametrize("window, expected_frame", [
    (1, dict(month=MONTHS[1:], new_accounts=[1, 1, 1, 0], cac=[400.0, 900.0, 600.0, np.nan],
             new_arpa=[80.0, 90.0, 60.0, np.nan], gross_margin=[0.8, 0.8, 0.7, np.nan],
             payback_months=[400 / 64, 900 / 72, 600 / 42, np.nan])),
    # March pools D (Feb) and F (Mar): costs 1300, first-month MRR 170, gross profit 136.
    (2, dict(month=MONTHS[2:], new_accounts=[2, 2, 1], cac=[650.0, 750.0, 600.0],
             new_arpa=[85.0, 75.0, 60.0], gross_margin=[0.8, 114 / 150, 0.7],
             payback_months=[1300 / 136, 1500 / 114, 600 / 42])),
])
def test_cac_payback(mrr, accounts, products, window, expected_frame):
    out = cac_payback(mrr, accounts, period_end=END, products=products, window=window)
    assert_frame_equal(out, expected(**expected_frame))


def test_cac_payback_leaves_out_new_accounts_without_a_cost(mrr, accounts):
    accounts.loc[accounts["account_id"] == "F", "acquisition_cost"] = pd.NA
    out = cac_payback(mrr, accounts, period_end=END, gross_margin=0.5, window=1)
    assert out["new_accounts"].tolist() == [1, 0, 1, 0]
    assert out["payback_months"].tolist()[0] == 10.0 and math.isnan(out["payback_months"][1])


def test_cac_payback_does_not_count_reactivations(mrr, accounts):
    out = cac_payback(mrr, accounts, period_end=END, gross_margin=1.0, window=1)
    # April has E (new, 60) and C (back, 120): only E's cost and MRR count.
    assert out.loc[out["month"] == "2026-04-01", ["cac", "new_arpa"]].values.tolist() == [
        [600.0, 60.0]]


# --- the registry and bad input -------------------------------------------------------------

@pytest.mark.parametrize("name, columns", [
    ("arr", ["month", "mrr", "arr"]),
    ("arpa", ["month", "mrr", "paying_accounts", "arpa"]),
    ("nrr", ["month", "cohort_accounts", "cohort_mrr", "retained_mrr", "nrr"]),
    ("grr", ["month", "cohort_accounts", "cohort_mrr", "gross_retained_mrr", "grr"]),
    ("logo_churn_rate", ["month", "starting_accounts", "churned_accounts", "logo_churn_rate"]),
    ("revenue_churn_rate", ["month", "starting_mrr", "lost_mrr", "revenue_churn_rate"]),
    ("ltv", ["month", "arpa", "gross_margin", "revenue_churn_rate", "ltv"]),
    ("cac_payback", ["month", "new_accounts", "cac", "new_arpa", "gross_margin",
                     "payback_months"]),
])
def test_registered_metrics(company, name, columns):
    options = {"window": 2} if name == "ltv" else {}  # six months by default: more than the data
    assert METRICS[name].family == "revenue"
    out = compute(name, company, period_end=END, **options)
    assert out.columns.tolist() == columns and not out.empty
    assert compute(name, company, period_end=END, by="segment", **options).columns[1] == "segment"


def test_registered_metrics_agree_with_the_functions(company, mrr, products):
    assert_frame_equal(compute("mrr_movements", company, period_end=END),
                       mrr_movements(mrr, period_end=END))
    assert compute("nrr", company, period_end=END, months=3)["nrr"].tolist() == [
        470 / 650, 330 / 430]
    assert_frame_equal(compute("ltv", company, period_end=END, window=2),
                       lifetime_value(mrr, period_end=END, products=products, window=2))


def test_a_breakdown_without_the_accounts_table(mrr):
    with pytest.raises(MissingTables, match=r"a breakdown by 'segment' needs the table\(s\) "
                                            r"accounts"):
        compute("mrr_movements", company_from_frames({"mrr": mrr}), period_end=END, by="segment")


def test_ltv_without_margins(mrr):
    with pytest.raises(ValueError, match="gross_margin is required when there is no products "
                                         "table"):
        compute("ltv", company_from_frames({"mrr": mrr}), period_end=END)


@pytest.mark.parametrize("call, message", [
    (lambda m, a, p: mrr_movements(m, period_end=END, by="segment"),
     "by='segment' needs the accounts table"),
    (lambda m, a, p: mrr_movements(m, period_end=END, accounts=a, by="colour"),
     "by must be a column of the accounts table other than account_id, not 'colour'"),
    (lambda m, a, p: mrr_movements(m.drop(columns="product_id"), period_end=END),
     "the mrr table lacks the column(s) product_id"),
    (lambda m, a, p: revenue_retention(m, period_end=END, months=0),
     "months must be a whole number of months of at least 1, not 0"),
    (lambda m, a, p: revenue_retention(m, period_end=END, months=1.5),
     "months must be a whole number of months of at least 1, not 1.5"),
    (lambda m, a, p: lifetime_value(m, period_end=END, gross_margin=0.8, window=0),
     "window must be a whole number of months of at least 1, not 0"),
    (lambda m, a, p: lifetime_value(m, period_end=END, gross_margin=80),
     "gross_margin must be a share between -1 and 1, not 80"),
    (lambda m, a, p: lifetime_value(m, period_end=END, products=p[p["product_id"] == "P1"]),
     "no gross margin for the product(s) P2; add them to the products table or pass "
     "gross_margin"),
    (lambda m, a, p: cac_payback(m, a.drop(columns="acquisition_cost"), period_end=END,
                                 products=p),
     "the accounts table lacks the column acquisition_cost"),
])
def test_bad_input(mrr, accounts, products, call, message):
    with pytest.raises(ValueError) as error:
        call(mrr, accounts, products)
    assert str(error.value) == message


# --- properties on random MRR tables --------------------------------------------------------

@st.composite
def mrr_tables(draw) -> pd.DataFrame:
    """A few accounts and products over a few months, with gaps, explicit zeros and cents."""
    cells = draw(st.lists(st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e"]), st.sampled_from(["P1", "P2"]),
        st.integers(0, 7), st.one_of(st.just(0), st.integers(1, 50_000))),
        min_size=1, max_size=40, unique_by=lambda c: c[:3]))
    return mrr_table([(a, p, pd.Timestamp("2026-01-01") + pd.DateOffset(months=m), cents / 100)
                      for a, p, m, cents in cells])


@settings(max_examples=60, deadline=None)
@given(mrr_tables())
def test_movements_explain_every_month(mrr):
    moves = mrr_movements(mrr, period_end="2026-08-31")
    explained = moves["starting_mrr"] + moves[MOVEMENT_COLUMNS].sum(axis=1)
    np.testing.assert_allclose(explained, moves["ending_mrr"], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(moves["starting_mrr"].iloc[1:], moves["ending_mrr"].iloc[:-1])
    assert (moves[["new", "expansion", "reactivated"]] >= 0).all().all()
    assert (moves[["contraction", "churned"]] <= 0).all().all()
    revenue = recurring_revenue(mrr, period_end="2026-08-31")
    np.testing.assert_allclose(moves["ending_mrr"], revenue["mrr"].iloc[1:])


@settings(max_examples=60, deadline=None)
@given(mrr_tables())
def test_monthly_retention_and_churn_agree_with_the_movements(mrr):
    moves = mrr_movements(mrr, period_end="2026-08-31")
    retention = revenue_retention(mrr, period_end="2026-08-31")
    churn = churn_rates(mrr, period_end="2026-08-31")
    start = moves["starting_mrr"].where(moves["starting_mrr"] > 0)
    nrr = (moves["starting_mrr"] + moves["expansion"] + moves["contraction"]
           + moves["churned"]) / start
    grr = (moves["starting_mrr"] + moves["contraction"] + moves["churned"]) / start
    np.testing.assert_allclose(retention["nrr"], nrr)
    np.testing.assert_allclose(retention["grr"], grr)
    np.testing.assert_allclose(churn["revenue_churn_rate"], 1 - grr)
    assert (retention["grr"].dropna() <= 1 + 1e-12).all()
    np.testing.assert_array_equal(churn["churned_accounts"], moves["churned_accounts"])


def test_the_quick_ratio_is_mrr_won_over_mrr_lost_and_none_without_a_loss():
    moves = pd.DataFrame({
        "month": pd.to_datetime(["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]),
        "starting_mrr": [1000.0, 1060.0, 920.0, 1240.0],
        "new": [100.0, 50.0, 300.0, 80.0], "expansion": [20.0, 10.0, 40.0, 0.0],
        "reactivated": [0.0, 0.0, 25.0, 0.0], "contraction": [-10.0, 0.0, -15.0, 0.0],
        "churned": [-50.0, -200.0, -30.0, 0.0], "ending_mrr": [1060.0, 920.0, 1240.0, 1320.0]})
    out = quick_ratio(moves)
    assert list(out.columns) == ["month", "gained", "lost", "quick_ratio"]
    assert out["gained"].tolist() == [120.0, 60.0, 365.0, 80.0]
    assert out["lost"].tolist() == [60.0, 200.0, 45.0, 0.0]
    # 120 / 60, 60 / 200, 365 / 45; November lost nothing: no ratio rather than infinity.
    assert out["quick_ratio"].tolist()[:3] == pytest.approx([2.0, 0.3, 8.111111])
    assert math.isnan(out["quick_ratio"].iloc[3])


def test_the_quick_ratio_is_registered_and_computed_from_the_mrr_table(sample):
    assert METRICS["mrr_quick_ratio"].unit == "ratio"
    out = compute("mrr_quick_ratio", sample, period_end="2026-10-31")
    # October 2026 of the committed sample: $8,149.81 won against $296.00 lost.
    last = out.iloc[-1]
    assert (last["month"], round(last["gained"], 2), round(last["lost"], 2)) == (
        pd.Timestamp("2026-10-01"), 8149.81, 296.0)
    assert last["quick_ratio"] == pytest.approx(27.533142, abs=1e-6)
