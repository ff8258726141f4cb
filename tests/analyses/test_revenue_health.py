"""The revenue health analyses and notebook, on hand-made tables worked out by hand.

MRR per account and product (period end 30 April 2026):

    account  product  Jan  Feb  Mar  Apr   notes
    A        P1       100  100  100    0   moves to P2 in April (no P1 row)
    A        P2         .    .   50   80   P2's first month of data is March
    B        P1       200  200  200  200
    C        P1         .    .    .   40   new in April

Summed per account, April starts at 350 (A 150, B 200), gains 40 (C, new), loses 70
(A's contraction from 150 to 80) and ends at 320.
"""
from __future__ import annotations

import json
import math

import matplotlib
import pandas as pd
import pytest

from cpo_kit import load_company
from cpo_kit.analyses.revenue import (WATERFALL_STEPS, by_product, health_table, latest,
                                      pooled_churn, unit_economics, waterfall)
from cpo_kit.metrics.revenue import (churn_rates, mrr_movements, recurring_revenue,
                                     revenue_retention)
from cpo_kit.plots import revenue as revenue_plots

matplotlib.use("Agg")

JAN, FEB, MAR, APR = "2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"
END = "2026-04-30"


def months(*days) -> list:
    return list(pd.to_datetime(list(days)).astype("datetime64[us]"))


@pytest.fixture
def mrr() -> pd.DataFrame:
    rows = [("A", "P1", JAN, 100), ("A", "P1", FEB, 100), ("A", "P1", MAR, 100),
            ("A", "P2", MAR, 50), ("A", "P2", APR, 80),
            ("B", "P1", JAN, 200), ("B", "P1", FEB, 200), ("B", "P1", MAR, 200),
            ("B", "P1", APR, 200), ("C", "P1", APR, 40)]
    frame = pd.DataFrame(rows, columns=["account_id", "product_id", "month", "mrr"])
    return frame.astype({"account_id": "str", "product_id": "str", "month": "datetime64[ns]",
                         "mrr": "Float64"})


@pytest.fixture
def names() -> pd.DataFrame:
    # P2 has no row: it is labelled by its id.
    return pd.DataFrame({"product_id": ["P1"], "name": ["Core"]}).astype("str")


# --- waterfall ------------------------------------------------------------------------------

def test_waterfall_of_the_last_month(mrr):
    steps = waterfall(mrr_movements(mrr, period_end=END))
    assert steps["step"].tolist() == list(WATERFALL_STEPS)
    assert steps["amount"].tolist() == [350.0, 40.0, 0.0, 0.0, -70.0, 0.0, 320.0]
    assert steps["bottom"].tolist() == [0.0, 350.0, 390.0, 390.0, 320.0, 320.0, 0.0]
    assert steps["top"].tolist() == [350.0, 390.0, 390.0, 390.0, 390.0, 320.0, 320.0]
    assert steps["kind"].tolist() == ["total", "increase", "increase", "increase", "decrease",
                                      "increase", "total"]
    assert steps.attrs["month"] == pd.Timestamp(APR)


def test_waterfall_of_a_chosen_month(mrr):
    steps = waterfall(mrr_movements(mrr, period_end=END), month=MAR)
    # March: A expands from 100 to 150 by buying P2.
    assert steps["amount"].tolist() == [300.0, 0.0, 50.0, 0.0, 0.0, 0.0, 350.0]


def test_waterfall_ends_are_the_mrr_of_the_two_months(mrr):
    steps = waterfall(mrr_movements(mrr, period_end=END))
    revenue = recurring_revenue(mrr, period_end=END).set_index("month")["mrr"]
    assert steps["amount"].iloc[0] == revenue[pd.Timestamp(MAR)] == 350.0
    assert steps["amount"].iloc[-1] == revenue[pd.Timestamp(APR)] == 320.0


def test_waterfall_adds_up_on_the_sample(sample_dir):
    mrr = load_company(sample_dir, tables=("mrr",)).tables["mrr"]
    moves = mrr_movements(mrr, period_end="2026-10-31")
    revenue = recurring_revenue(mrr, period_end="2026-10-31").set_index("month")["mrr"]
    for month in moves["month"]:
        steps = waterfall(moves, month=month)
        before = month - pd.offsets.MonthBegin(1)
        assert steps["amount"].iloc[0] == pytest.approx(revenue[before], abs=1e-6)
        assert steps["amount"].iloc[-1] == pytest.approx(revenue[month], abs=1e-6)
        # The last movement's bar ends where the ending bar does.
        assert steps["amount"].iloc[:-1].sum() == pytest.approx(steps["amount"].iloc[-1],
                                                                abs=1e-6)


@pytest.mark.parametrize("month, message", [
    ("2025-12-01", "movements has no month 2025-12-01"),
    (None, "movements is empty"),
])
def test_waterfall_refuses_a_month_it_does_not_have(mrr, month, message):
    moves = mrr_movements(mrr, period_end=END)
    if month is None:
        moves = moves.iloc[:0]
    with pytest.raises(ValueError, match=message):
        waterfall(moves, month=month)


def test_waterfall_refuses_a_breakdown(mrr):
    accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "segment": ["SMB", "SMB", "Ent"]})
    moves = mrr_movements(mrr, period_end=END, accounts=accounts, by="segment")
    with pytest.raises(ValueError, match="several rows per month: pass the table without by"):
        waterfall(moves)


# --- pooled churn ---------------------------------------------------------------------------

@pytest.fixture
def churn() -> pd.DataFrame:
    return pd.DataFrame({
        "month": months(JAN, FEB, MAR, APR),
        "starting_accounts": [10, 10, 12, 8], "churned_accounts": [1, 0, 3, 2],
        "logo_churn_rate": [0.1, 0.0, 0.25, 0.25],
        "starting_mrr": [1000.0, 1000.0, 1200.0, 800.0], "lost_mrr": [50.0, 0.0, 120.0, 100.0],
        "revenue_churn_rate": [0.05, 0.0, 0.1, 0.125]})


def test_pooled_churn_over_two_months(churn):
    out = pooled_churn(churn, months=2)
    assert out["month"].tolist() == months(FEB, MAR, APR)
    assert out["churned_accounts"].tolist() == [1, 3, 5]
    assert out["starting_accounts"].tolist() == [20, 22, 20]
    assert out["logo_churn_rate"].tolist() == pytest.approx([0.05, 3 / 22, 0.25])
    assert out["revenue_churn_rate"].tolist() == pytest.approx([0.025, 120 / 2200, 0.11])


def test_pooling_one_month_gives_each_months_own_rates(churn):
    out = pooled_churn(churn, months=1)
    assert out["logo_churn_rate"].tolist() == pytest.approx([0.1, 0.0, 0.25, 0.25])
    assert out["revenue_churn_rate"].tolist() == pytest.approx([0.05, 0.0, 0.1, 0.125])


def test_pooled_churn_by_group_pools_each_group_alone(churn):
    other = churn.assign(starting_accounts=[5, 5, 5, 5], churned_accounts=[0, 0, 0, 5],
                         starting_mrr=[10.0] * 4, lost_mrr=[0.0, 0.0, 0.0, 10.0])
    both = pd.concat([churn.assign(segment="SMB"), other.assign(segment="Enterprise")])
    out = pooled_churn(both.sort_values("month"), months=2, by="segment")
    assert out["segment"].tolist() == ["Enterprise", "SMB"] * 3
    assert out["logo_churn_rate"].tolist() == pytest.approx([0.0, 0.05, 0.0, 3 / 22,
                                                             0.5, 0.25])


def test_an_empty_start_gives_no_rate():
    churn = pd.DataFrame({"month": months(JAN), "starting_accounts": [0],
                          "churned_accounts": [0], "starting_mrr": [0.0], "lost_mrr": [0.0]})
    out = pooled_churn(churn, months=1)
    assert math.isnan(out["logo_churn_rate"].iloc[0])
    assert math.isnan(out["revenue_churn_rate"].iloc[0])


@pytest.mark.parametrize("months_, by, message", [
    (0, None, "months must be a whole number of at least 1, not 0"),
    (True, None, "months must be a whole number of at least 1, not True"),
    (1.5, None, "months must be a whole number of at least 1, not 1.5"),
    (2, "segment", "by='segment' is not a column of churn"),
])
def test_pooled_churn_refuses_bad_arguments(churn, months_, by, message):
    with pytest.raises(ValueError, match=message):
        pooled_churn(churn, months=months_, by=by)


# --- unit economics -------------------------------------------------------------------------

def test_unit_economics_joins_ltv_and_cac_on_the_months_both_have():
    ltv = pd.DataFrame({"month": months(JAN, FEB), "arpa": [100.0, 120.0],
                        "gross_margin": [0.8, 0.8], "revenue_churn_rate": [0.02, 0.03],
                        "ltv": [4000.0, 3200.0]})
    cac = pd.DataFrame({"month": months(FEB, MAR), "new_accounts": [2, 0],
                        "cac": [800.0, float("nan")], "new_arpa": [90.0, float("nan")],
                        "gross_margin": [0.75, float("nan")], "payback_months": [11.9, None]})
    out = unit_economics(ltv, cac)
    assert out["month"].tolist() == months(FEB)
    assert out["ltv_to_cac"].tolist() == [4.0]
    assert out["cac"].tolist() == [800.0]
    # The margin is that of all MRR (LTV's), not that of the new accounts.
    assert out["gross_margin"].tolist() == [0.8]


def test_a_cac_of_zero_gives_no_ratio():
    ltv = pd.DataFrame({"month": months(JAN), "arpa": [100.0], "gross_margin": [0.8],
                        "revenue_churn_rate": [0.02], "ltv": [4000.0]})
    cac = pd.DataFrame({"month": months(JAN), "new_accounts": [1], "cac": [0.0],
                        "payback_months": [0.0]})
    assert math.isnan(unit_economics(ltv, cac)["ltv_to_cac"].iloc[0])


def test_unit_economics_says_which_table_lacks_the_group():
    frame = pd.DataFrame({"month": months(JAN)})
    with pytest.raises(ValueError, match="ltv lacks the column"):
        unit_economics(frame, frame, by="segment")


# --- by product -----------------------------------------------------------------------------

def test_by_product_counts_each_products_movements(mrr, names):
    out = by_product(mrr_movements, mrr, names=names, period_end=END)
    assert out["product"].tolist() == ["Core"] * 3 + ["P2"] * 3
    assert out["month"].tolist() == months(FEB, MAR, APR) * 2
    assert out["starting_mrr"].tolist() == [300.0, 300.0, 300.0, 0.0, 0.0, 50.0]
    # A leaving P1 for P2 is churn in one and new revenue, then expansion, in the other.
    assert out["new"].tolist() == [0.0, 0.0, 40.0, 0.0, 50.0, 0.0]
    assert out["expansion"].tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 30.0]
    assert out["churned"].tolist() == [0.0, 0.0, -100.0, 0.0, 0.0, 0.0]
    assert out["ending_mrr"].tolist() == [300.0, 300.0, 240.0, 0.0, 50.0, 80.0]


def test_a_product_started_later_counts_its_first_customers_as_new(mrr):
    out = by_product(mrr_movements, mrr, period_end=END)
    first = out[(out["product"] == "P2") & (out["month"] == pd.Timestamp(MAR))]
    assert first["new_accounts"].tolist() == [1]
    assert first["starting_mrr"].tolist() == [0.0]


def test_by_product_passes_options_to_the_metric(mrr, names):
    out = by_product(recurring_revenue, mrr, names=names, period_end=END)
    april = out[out["month"] == pd.Timestamp(APR)]
    assert april["product"].tolist() == ["Core", "P2"]
    assert april["mrr"].tolist() == [240.0, 80.0]
    assert april["paying_accounts"].tolist() == [2, 1]
    assert april["arpa"].tolist() == [120.0, 80.0]
    retained = by_product(revenue_retention, mrr, period_end=END, months=3)
    # Core's cohort of January (A 100, B 200) keeps 200 in April.
    core = retained[retained["product"] == "P1"]
    assert core["nrr"].tolist() == pytest.approx([200 / 300])


@pytest.mark.parametrize("frame, options, message", [
    ("mrr", {"by": "segment"}, "by_product breaks a metric down by product; pass no by"),
    ("bare", {}, "the mrr table lacks the column"),
])
def test_by_product_refuses_bad_arguments(mrr, frame, options, message):
    data = mrr if frame == "mrr" else mrr.drop(columns=["product_id"])
    with pytest.raises(ValueError, match=message):
        by_product(recurring_revenue, data, period_end=END, **options)


# --- small helpers --------------------------------------------------------------------------

def test_latest_reads_the_last_two_months():
    frame = pd.DataFrame({"month": months(FEB, JAN), "nrr": [1.05, 0.98]})
    assert latest(frame, "nrr") == {"value": 1.05, "previous": 0.98}
    one = latest(frame.iloc[:1], "nrr")
    assert one["value"] == 1.05 and math.isnan(one["previous"])
    with pytest.raises(ValueError, match="'grr' is not a column of the table"):
        latest(frame, "grr")


def test_health_table_reads_each_table_in_its_last_month():
    revenue = pd.DataFrame({"month": months(JAN, JAN, FEB, FEB),
                            "segment": ["SMB", "Enterprise"] * 2,
                            "mrr": [90.0, 300.0, 100.0, 300.0],
                            "paying_accounts": [4, 1, 4, 1],
                            "arpa": [22.5, 300.0, 25.0, 300.0]})
    retention = pd.DataFrame({"month": months(FEB, FEB), "segment": ["SMB", "Enterprise"],
                              "cohort_accounts": [3, 1], "nrr": [0.9, 1.2],
                              "grr": [0.8, 1.0]})
    churn = pd.DataFrame({"month": months(FEB), "segment": ["SMB"],
                          "logo_churn_rate": [0.03], "revenue_churn_rate": [0.04]})
    out = health_table(revenue, key="segment", retention=retention, churn=churn)
    assert out["segment"].tolist() == ["Enterprise", "SMB"]
    assert out["mrr"].tolist() == [300.0, 100.0]
    assert out["mrr_share"].tolist() == [0.75, 0.25]
    assert out["nrr"].tolist() == [1.2, 0.9]
    assert out["logo_churn_rate"].iloc[1] == 0.03 and math.isnan(out["logo_churn_rate"].iloc[0])
    assert "ltv" not in out.columns
    with pytest.raises(ValueError, match="the churn table has no column 'segment'"):
        health_table(revenue, key="segment", retention=retention,
                     churn=churn.drop(columns=["segment"]))


# --- charts ---------------------------------------------------------------------------------

def test_the_charts_draw_on_the_hand_made_data(mrr, names):
    import matplotlib.pyplot as plt

    moves = mrr_movements(mrr, period_end=END)
    assert revenue_plots.mrr_waterfall(waterfall(moves), title="t").get_title() == "t"
    assert revenue_plots.movement_bars(moves, title="m").get_ylabel() == "change in MRR (USD)"
    churn = churn_rates(mrr, period_end=END)
    revenue_plots.ratio_lines(churn, x="month", lines={"logo_churn_rate": "logo churn"},
                              title="c", ylabel="share", targets={"target": 0.02})
    per_product = by_product(recurring_revenue, mrr, names=names, period_end=END)
    revenue_plots.mrr_area(per_product, x="month", y="mrr", hue="product", title="a")
    revenue_plots.group_lines(per_product, x="month", y="arpa", hue="product", title="g",
                              ylabel="USD", unit="currency", order=["P2", "Core"])
    bars = revenue_plots.group_bars(
        pd.DataFrame({"segment": ["SMB", "Enterprise"], "ltv_to_cac": [2.0, float("inf")]}),
        x="ltv_to_cac", y="segment", title="b", xlabel="times", target=3.0)
    assert "target 3.0×" in bars.get_xlabel()
    plt.close("all")


def test_the_health_table_is_escaped_and_writes_no_loss_for_infinite_ltv():
    table = pd.DataFrame({"product": ["<b>Core</b>"], "mrr": [100.0], "mrr_share": [1.0],
                          "ltv": [float("inf")]})
    html = revenue_plots.format_health(table, key="product", caption="c", uuid="u").to_html()
    assert "&lt;b&gt;Core&lt;/b&gt;" in html and "no loss" in html and "100.0%" in html


# --- the notebook ---------------------------------------------------------------------------

def test_the_notebooks_waterfall_matches_its_mrr_table(run_notebook):
    folder = run_notebook("revenue_health") / "revenue_health_results"
    steps = pd.read_csv(folder / "mrr_waterfall.csv")
    mrr = pd.read_csv(folder / "mrr_by_month.csv", parse_dates=["month"]).set_index("month")
    assert steps["amount"].iloc[0] == pytest.approx(mrr.loc["2026-09-01", "mrr"])
    assert steps["amount"].iloc[-1] == pytest.approx(mrr.loc["2026-10-01", "mrr"])


def test_the_notebook_breaks_revenue_down_and_rates_it(run_notebook):
    folder = run_notebook("revenue_health") / "revenue_health_results"
    segments = pd.read_csv(folder / "by_segment.csv")
    assert sorted(segments["segment"]) == ["Enterprise", "Mid-Market", "SMB"]
    assert segments["mrr_share"].sum() == pytest.approx(1.0)
    products = pd.read_csv(folder / "by_product.csv")
    assert sorted(products["product"]) == ["Automation", "Brightlane Core", "Legacy Connect",
                                           "Reports Pro"]
    status = pd.read_csv(folder / "status.csv")
    assert status["kpi"].tolist() == ["NRR (trailing 12 months)", "GRR (trailing 12 months)",
                                      "Logo churn per month", "LTV : CAC", "CAC payback",
                                      "MRR quick ratio"]
    # The sample's params file sets no target for the quick ratio: it is shown, unrated.
    assert set(status["status"][:5]) <= {"green", "amber", "red"}
    assert status["status"].iloc[5] == "no target"
    headlines = json.loads((folder / "headline.json").read_text())["headlines"]
    assert list(headlines) == ["mrr", "arr", "arpa", "mrr_quick_ratio", "nrr_t12m", "grr_t12m",
                               "logo_churn", "ltv_to_cac", "cac_payback"]
    assert headlines["arr"]["value"] == pytest.approx(12 * headlines["mrr"]["value"])
