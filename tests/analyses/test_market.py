"""Market sizing, growth and the competitive landscape, on small tables worked by hand."""
from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

from cpo_kit.analyses import market

matplotlib.use("Agg")


def _market(rows):
    columns = ["segment", "year", "companies", "annual_value", "serviceable_share",
               "obtainable_share", "reported_size"]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture
def two_segments():
    # SMB: TAM 1000 × 2000 = 2,000,000; SAM × 0.5 = 1,000,000; SOM × 0.1 = 100,000.
    # Enterprise: TAM 10 × 50,000 = 500,000; SAM × 0.2 = 100,000; SOM × 0.1 = 10,000.
    return _market([("SMB", 2026, 1000, 2000.0, 0.5, 0.1, 3_000_000.0),
                    ("Enterprise", 2026, 10, 50_000.0, 0.2, 0.1, 500_000.0)])


def test_sizes_bottom_up_and_top_down(two_segments):
    sizes = market.market_sizes_by_year(two_segments)
    smb = sizes.iloc[0]
    assert (smb["tam"], smb["sam"], smb["som"]) == (2_000_000, 1_000_000, 100_000)
    assert (smb["reported_tam"], smb["reported_sam"], smb["reported_som"]) == pytest.approx(
        (3_000_000, 1_500_000, 150_000))


def test_market_sizes_adds_a_total_and_the_gap(two_segments):
    sizes = market.market_sizes(two_segments, year=2026)
    assert sizes["segment"].tolist() == ["SMB", "Enterprise", "Total"]
    total = sizes.iloc[2]
    assert (total["tam"], total["sam"], total["som"]) == (2_500_000, 1_100_000, 110_000)
    assert total["reported_sam"] == pytest.approx(1_600_000)
    # SMB: 1.5m / 1.0m − 1; Enterprise: 0.1m / 0.1m − 1; total: 1.6m / 1.1m − 1 = 5/11.
    assert sizes["gap"].tolist() == pytest.approx([0.5, 0.0, 5 / 11])


def test_a_missing_reported_size_leaves_the_top_down_total_empty(two_segments):
    two_segments.loc[1, "reported_size"] = None
    sizes = market.market_sizes(two_segments, year=2026)
    assert math.isnan(sizes.loc[1, "gap"]) and math.isnan(sizes.loc[2, "reported_sam"])
    assert sizes.loc[2, "sam"] == 1_100_000


def test_market_without_the_reported_size_column_sizes_bottom_up_only(two_segments):
    sizes = market.market_sizes(two_segments.drop(columns="reported_size"), year=2026)
    assert sizes["sam"].tolist() == [1_000_000, 100_000, 1_100_000]
    assert sizes["gap"].isna().all()


@pytest.mark.parametrize("period_end, year", [("2026-10-31", 2026), ("2027-01-01", 2027),
                                               ("2030-06-30", 2028)])
def test_sizing_year_is_the_latest_not_after_period_end(period_end, year):
    table = pd.DataFrame({"year": [2024, 2025, 2026, 2027, 2028]})
    assert market.sizing_year(table, period_end=period_end) == year


@pytest.mark.parametrize("call, message", [
    (lambda t: market.sizing_year(t, period_end="2020-12-31"), "no year up to 2020"),
    (lambda t: market.market_sizes(t, year=2019), "no rows for the year 2019"),
    (lambda t: market.market_sizes(pd.concat([t, t]), year=2026), "more than one row"),
    (lambda t: market.market_sizes(t.drop(columns="companies"), year=2026),
     "lacks the column(s) companies"),
    (lambda t: market.segment_growth(t, first_year=2026, last_year=2025),
     "must come after first_year"),
])
def test_market_errors_say_what_is_wrong(two_segments, call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(two_segments)


@pytest.mark.parametrize("first, last, years, expected", [
    (100.0, 121.0, 2, 0.1),
    (100.0, 100.0, 3, 0.0),
    (100.0, 50.0, 1, -0.5),
    (100.0, 800.0, 3, 1.0),
    (0.0, 10.0, 2, math.nan),
    (100.0, 200.0, 0, math.nan),
])
def test_cagr(first, last, years, expected):
    result = market.cagr(first, last, years)
    assert (math.isnan(result) and math.isnan(expected)) or result == pytest.approx(expected)


def _growth_table():
    # TAM = companies (annual value 1): SMB 100 → 121, Enterprise 100 → 144 over 2024-2026.
    rows = [("SMB", 2024, 100), ("SMB", 2025, 110), ("SMB", 2026, 121),
            ("Enterprise", 2024, 100), ("Enterprise", 2025, 120), ("Enterprise", 2026, 144)]
    return _market([(s, y, c, 1.0, 1.0, 1.0, 2.0 * c) for s, y, c in rows])


def test_segment_growth_sorts_fastest_first_and_adds_the_total():
    growth = market.segment_growth(_growth_table())
    assert growth["segment"].tolist() == ["Enterprise", "SMB", "Total"]
    # Enterprise: (144/100)^(1/2) − 1 = 0.2; SMB: (121/100)^(1/2) − 1 = 0.1;
    # total: (265/200)^(1/2) − 1.
    assert growth["cagr"].tolist() == pytest.approx([0.2, 0.1, 1.325 ** 0.5 - 1])
    assert growth["reported_cagr"].tolist() == pytest.approx([0.2, 0.1, 1.325 ** 0.5 - 1])
    assert growth[["first_year", "last_year"]].iloc[0].tolist() == [2024, 2026]


def test_segment_growth_between_chosen_years():
    growth = market.segment_growth(_growth_table(), first_year=2025, last_year=2026)
    # One year: Enterprise 120 → 144 is +20%, SMB 110 → 121 is +10%.
    assert growth["cagr"].tolist()[:2] == pytest.approx([0.2, 0.1])
    assert growth["first_tam"].tolist() == [120, 110, 230]


def test_total_growth_uses_only_the_years_every_segment_has():
    table = _growth_table()
    table = table[~((table["segment"] == "SMB") & (table["year"] == 2024))]
    total = market.segment_growth(table).iloc[-1]
    # 2025: 110 + 120 = 230; 2026: 121 + 144 = 265.
    assert (total["first_year"], total["first_tam"], total["last_tam"]) == (2025, 230, 265)
    assert total["cagr"] == pytest.approx(265 / 230 - 1)


# --- competitors -----------------------------------------------------------------------------

@pytest.fixture
def rivals():
    # Us:  a full, b partial, c none, d full.
    # R1:  a partial, b full, c none, d full     (mean 2.5 / 4 = 0.625)
    # R2:  a none, b full, (no row for c), d partial   (mean 1.5 / 3 = 0.5)
    rows = [("Us", True, "a", 1.0, 30.0), ("Us", True, "b", 0.5, 30.0),
            ("Us", True, "c", 0.0, 30.0), ("Us", True, "d", 1.0, 30.0),
            ("R2", False, "a", 0.0, 10.0), ("R2", False, "b", 1.0, 20.0),
            ("R2", False, "d", 0.5, 30.0),
            ("R1", False, "a", 0.5, 50.0), ("R1", False, "b", 1.0, 50.0),
            ("R1", False, "c", 0.0, 50.0), ("R1", False, "d", 1.0, 50.0)]
    return pd.DataFrame(rows, columns=["competitor", "is_us", "feature", "coverage",
                                       "list_price"])


def test_our_name_comes_from_is_us_or_the_fallback(rivals):
    assert market.our_name(rivals) == "Us"
    unmarked = rivals.assign(is_us=None)
    assert market.our_name(unmarked, fallback="R1") == "R1"


@pytest.mark.parametrize("change, message", [
    (lambda t: t.assign(is_us=False), "does not say which rows are the company's"),
    (lambda t: t.assign(is_us=t["competitor"] != "R2"), "more than one competitor as the company: Us, R1"),
])
def test_our_name_errors(rivals, change, message):
    with pytest.raises(ValueError, match=message):
        market.our_name(change(rivals), fallback="Nobody")


def test_coverage_matrix_puts_us_first_and_rivals_broadest_first(rivals):
    matrix = market.coverage_matrix(rivals, us="Us")
    assert matrix.index.tolist() == ["Us", "R1", "R2"]
    assert matrix.columns.tolist() == ["a", "b", "c", "d"]
    assert math.isnan(matrix.loc["R2", "c"])
    assert matrix.loc["R1"].tolist() == [0.5, 1.0, 0.0, 1.0]


def test_feature_standing(rivals):
    standing = market.feature_standing(rivals, us="Us")
    expected = pd.DataFrame({
        "feature": ["a", "b", "c", "d"],
        "ours": [1.0, 0.5, 0.0, 1.0],
        "best_rival": [0.5, 1.0, 0.0, 1.0],
        "rivals_ahead": [0, 2, 0, 0],
        "rivals_behind": [2, 0, 0, 1],
        "ahead": ["", "R1, R2", "", ""],
        "standing": ["lead", "gap", "parity", "parity"],
    })
    pd.testing.assert_frame_equal(standing, expected, check_dtype=False)


def test_gaps_sort_by_how_many_rivals_beat_us(rivals):
    # Add a feature e that only R2 covers better: one rival ahead, listed after b.
    extra = pd.DataFrame([("Us", True, "e", 0.0, 30.0), ("R1", False, "e", 0.0, 50.0),
                          ("R2", False, "e", 0.5, 30.0)], columns=rivals.columns)
    table = pd.concat([rivals.iloc[:4], extra, rivals.iloc[4:]], ignore_index=True)
    gaps = market.feature_gaps(table, us="Us")
    assert gaps["feature"].tolist() == ["b", "e"]
    assert gaps["rivals_ahead"].tolist() == [2, 1]


def test_leads_carry_their_margin(rivals):
    leads = market.feature_leads(rivals, us="Us")
    assert leads["feature"].tolist() == ["a"]
    assert leads["margin"].tolist() == [0.5]


def test_positioning(rivals):
    points = market.positioning(rivals, us="Us")
    assert points["competitor"].tolist() == ["Us", "R1", "R2"]
    assert points["is_us"].tolist() == [True, False, False]
    assert points["coverage"].tolist() == pytest.approx([0.625, 0.625, 0.5])
    assert points["features"].tolist() == [4, 4, 3]
    # R2 lists 10, 20 and 30: the median is taken.
    assert points["list_price"].tolist() == [30.0, 50.0, 20.0]


def test_positioning_without_prices(rivals):
    points = market.positioning(rivals.drop(columns="list_price"), us="Us")
    assert points["list_price"].isna().all()


@pytest.mark.parametrize("us, copies, message", [
    ("Them", 1, "'Them' is not a competitor of the competitors table"),
    ("Us", 2, "more than one row for a competitor and feature"),
])
def test_competitor_errors(rivals, us, copies, message):
    with pytest.raises(ValueError, match=message):
        market.coverage_matrix(pd.concat([rivals] * copies), us=us)


# --- charts ---------------------------------------------------------------------------------

def test_charts_draw_with_titles_and_labelled_axes(two_segments, rivals):
    from cpo_kit.plots import market as market_plots

    axes = [market_plots.sizing_bars(market.market_sizes(two_segments, year=2026), level="som"),
            market_plots.segment_sizes(market.market_sizes_by_year(_growth_table()),
                                       current_year=2025,
                                       growth=market.segment_growth(_growth_table())),
            market_plots.coverage_heatmap(market.coverage_matrix(rivals, us="Us"), us="Us",
                                          standing=market.feature_standing(rivals, us="Us")),
            market_plots.positioning_map(market.positioning(rivals, us="Us"))]
    for ax in axes:
        assert ax.get_title()
    for ax in (axes[0], axes[1], axes[3]):
        assert ax.get_ylabel() and (ax.get_xlabel() or ax.get_xticklabels())
    with pytest.raises(ValueError, match="level must be one of tam, sam, som"):
        market_plots.sizing_bars(market.market_sizes(two_segments, year=2026), level="x")


# --- the notebook -----------------------------------------------------------------------------

def test_market_notebook_finds_the_sample_gaps(run_notebook):
    folder = run_notebook("market") / "market_results"
    gaps = pd.read_csv(folder / "feature_gaps.csv")
    assert gaps["feature"].tolist() == ["mobile app", "embedded analytics", "automation",
                                        "audit log", "AI summaries"]
    sizes = pd.read_csv(folder / "market_sizes.csv")
    assert sizes["segment"].tolist() == ["SMB", "Mid-Market", "Enterprise", "Total"]
