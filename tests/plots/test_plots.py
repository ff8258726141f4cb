"""The shared pieces of the charts and tables: reading tables, the retention heatmap,
and charts given nothing to draw."""
from __future__ import annotations

import re
import warnings

import IPython.display
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cpo_kit import plots
from cpo_kit.plots import styled_table

matplotlib.use("Agg")
NAN = float("nan")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_a_reading_table_shows_company_text_as_text_everywhere():
    frame = pd.DataFrame({"<b>rival</b>_name": ["<script>x()</script>"], "list_price": [12.5]})
    page = styled_table(frame, uuid="t", formats={"list_price": "${:,.2f}"},
                        caption="Prices of <i>rivals</i>").to_html()
    assert "&lt;b&gt;rival&lt;/b&gt; name" in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "Prices of &lt;i&gt;rivals&lt;/i&gt;" in page
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert ">list price</th>" in page and ">$12.50</td>" in page
    assert 'id="T_t' in page and "row0" in page and "level0_row0" not in page  # no index


# --- the retention heatmap ------------------------------------------------------------------

def retention_wide(sizes=(412, 2, 1)) -> pd.DataFrame:
    """Three weekly cohorts: 412 users (24% back in week 1, none in week 2), 2 and 1."""
    cohorts = pd.DatetimeIndex(["2026-01-05", "2026-01-12", "2026-01-19"], name="cohort")
    index = (cohorts if sizes is None else
             pd.MultiIndex.from_arrays([cohorts, list(sizes)], names=["cohort", "cohort_size"]))
    return pd.DataFrame([[1.0, 0.24, 0.0], [1.0, 1.0, NAN], [1.0, NAN, NAN]], index=index,
                        columns=pd.Index([0, 1, 2], name="period_number"))


def greyed_cells(ax) -> list[tuple[float, float]]:
    return sorted(p.get_xy() for p in ax.patches if p.get_hatch())


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def test_the_heatmap_shows_each_cohort_size_and_greys_the_small_ones():
    ax = plots.retention_heatmap(retention_wide(), title="Retention", period="week")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "2026-01-05 · 412 users", "2026-01-12 · 2 users", "2026-01-19 · 1 user"]
    # The three complete cells of the two small cohorts, at (column, row).
    assert greyed_cells(ax) == [(0, 1), (0, 2), (1, 1)]
    assert legend_texts(ax) == ["cohorts under 20 users are greyed",
                                "blank: period not yet complete"]
    # Greyed shares stay written; blank cells have no text.
    cells = {t.get_position(): t.get_text() for t in ax.texts}
    assert cells == {(0.5, 0.5): "100%", (1.5, 0.5): "24%", (2.5, 0.5): "0%",
                     (0.5, 1.5): "100%", (1.5, 1.5): "100%", (0.5, 2.5): "100%"}
    assert ax.get_xlabel() == "weeks since the cohort's first week"


def test_a_zero_cell_is_coloured_and_a_blank_cell_is_not():
    ax = plots.retention_heatmap(retention_wide(), title="Retention")
    mesh = ax.collections[0]
    shares = mesh.get_array()  # the cohorts of 412, 2 and 1 users down, weeks across
    assert shares.mask.tolist() == [[False, False, False], [True, True, True],
                                    [True, True, True]]
    assert shares[0, 2] == 0.0
    # The colour of 0% is tinted, so a real 0% does not look like an empty cell.
    red, green, blue, _ = mesh.cmap(mesh.norm(0.0))
    assert max(red, green, blue) - min(red, green, blue) > 0.05


@pytest.mark.parametrize("min_cohort, greyed, legend", [
    (0, [], ["blank: period not yet complete"]),
    (2, [(0, 2)], ["cohorts under 2 users are greyed", "blank: period not yet complete"]),
    (413, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)],
     ["cohorts under 413 users are greyed", "blank: period not yet complete"]),
])
def test_min_cohort(min_cohort, greyed, legend):
    ax = plots.retention_heatmap(retention_wide(), title="Retention", min_cohort=min_cohort)
    assert greyed_cells(ax) == greyed
    assert legend_texts(ax) == legend


def test_the_heatmap_of_a_table_without_sizes_still_draws():
    # The notebooks' older call: retention_table(long) carries no sizes.
    ax = plots.retention_heatmap(retention_wide(sizes=None), title="Retention", period="month")
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "2026-01-05", "2026-01-12", "2026-01-19"]
    assert greyed_cells(ax) == []
    assert ax.get_ylabel() == "cohort (month of first activity)"


def test_a_long_heatmap_writes_no_shares():
    wide = pd.DataFrame([[1.0] + [0.5] * 26], index=pd.MultiIndex.from_arrays(
        [pd.DatetimeIndex(["2026-01-05"]), [40]], names=["cohort", "cohort_size"]))
    ax = plots.retention_heatmap(wide, title="Retention")
    assert len(ax.texts) == 0 and len(ax.get_xticklabels()) == 27


@pytest.mark.parametrize("min_cohort", [-1, 2.5, True, "20"])
def test_min_cohort_must_be_a_whole_number(min_cohort):
    with pytest.raises(ValueError, match=rf"^min_cohort must be a whole number of at least 0, "
                                         rf"not {re.escape(repr(min_cohort))}$"):
        plots.retention_heatmap(retention_wide(), title="Retention", min_cohort=min_cohort)


# --- no rows: no chart, no warning ----------------------------------------------------------

DAYS = pd.to_datetime(["2026-01-05", "2026-01-12"])
#: Each chart with the columns it reads and no row, or only rows without a value.
EMPTY = {
    "trend": lambda ax: plots.trend(
        pd.DataFrame({"period": DAYS[:0], "users": []}), x="period", y="users",
        title="Weekly active users", ylabel="users", ax=ax),
    "trend, no value": lambda ax: plots.trend(
        pd.DataFrame({"period": DAYS, "users": [NAN, NAN]}), x="period", y="users",
        title="Weekly active users", ylabel="users", ax=ax),
    "lifecycle_bars": lambda ax: plots.lifecycle_bars(
        pd.DataFrame({"period": DAYS[:0], "new": [], "returning": [], "resurrecting": [],
                      "dormant": []}), title="Lifecycle", ax=ax),
    "retention_heatmap": lambda ax: plots.retention_heatmap(
        pd.DataFrame(index=pd.DatetimeIndex([], name="cohort")), title="Retention", ax=ax),
    "retention_heatmap, sizes": lambda ax: plots.retention_heatmap(
        retention_wide().iloc[:0], title="Retention", ax=ax),
    "funnel_bars": lambda ax: plots.funnel_bars(
        pd.DataFrame({"step": [], "event": [], "users": [], "overall_conversion": []}),
        title="Funnel", ax=ax),
    "share_lines": lambda ax: plots.share_lines(
        pd.DataFrame({"period": DAYS[:0], "adoption": [], "feature": []}), x="period",
        y="adoption", hue="feature", title="Feature adoption", ylabel="of users", ax=ax),
    "share_lines, no value": lambda ax: plots.share_lines(
        pd.DataFrame({"period": DAYS, "adoption": [NAN, NAN], "feature": ["export", "api"]}),
        x="period", y="adoption", hue="feature", title="Feature adoption",
        ylabel="of users", ax=ax),
    "range_band": lambda ax: plots.range_band(
        pd.DataFrame({"period": DAYS[:0], "value": [], "low": [], "high": [],
                      "unusual": pd.Series([], dtype=bool)}), x="period",
        title="Weekly active users", ylabel="users", ax=ax),
}


@pytest.mark.parametrize("chart", EMPTY.values(), ids=EMPTY.keys())
def test_no_rows_draw_no_figure_and_warn_nothing(chart):
    plt.close("all")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert chart(None) is None
    assert [str(w.message) for w in caught] == []
    assert plt.get_fignums() == []


@pytest.mark.parametrize("chart", EMPTY.values(), ids=EMPTY.keys())
def test_no_rows_on_a_given_axes_switch_it_off(chart):
    _, (ax, other) = plt.subplots(1, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert chart(ax) is None
    assert [str(w.message) for w in caught] == []
    assert (ax.axison, other.axison) == (False, True)


def test_a_funnel_nobody_entered_has_an_axis_and_no_warning():
    data = pd.DataFrame({"step": [1, 2], "event": ["signup", "invite"], "users": [0, 0],
                         "overall_conversion": [NAN, NAN]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plots.funnel_bars(data, title="Funnel")
    assert [str(w.message) for w in caught] == []
    assert ax.get_xlim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.texts] == ["0", "0"]


def test_a_trend_writes_its_last_value_not_a_missing_one():
    data = pd.DataFrame({"period": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"]),
                         "users": [1200.0, 1350.0, NAN]})
    ax = plots.trend(data, x="period", y="users", title="Weekly active users", ylabel="users")
    assert [t.get_text() for t in ax.texts] == ["1,350"]


def test_nothing_to_draw_says_what_and_why(monkeypatch):
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    assert plots.nothing_to_draw(
        "Feature adoption", "the events have no `feature` column. Add one to see which "
        "features are used.") is None
    assert [s.data for s in shown] == [
        "**Feature adoption is not drawn:** the events have no `feature` column. Add one to "
        "see which features are used."]


def test_the_waterfall_signs_each_movement_and_not_the_totals():
    from cpo_kit.core import formats
    from cpo_kit.plots.revenue import mrr_waterfall

    # Brightlane's October 2026: contraction did not move, and is written ±$0.
    steps = pd.DataFrame({
        "step": ["starting MRR", "new", "contraction", "churned", "ending MRR"],
        "amount": [106947.01, 5864.81, 0.0, -296.0, 112515.82],
        "bottom": [0.0, 106947.01, 112811.82, 112515.82, 0.0],
        "top": [106947.01, 112811.82, 112811.82, 112811.82, 112515.82],
        "kind": ["total", "increase", "increase", "decrease", "total"]})
    with formats.using(currency="USD"):
        ax = mrr_waterfall(steps, title="MRR")
        labels = [text.get_text() for text in ax.texts]
        ticks = [ax.yaxis.get_major_formatter()(v, 0) for v in (100_000, -2_500)]
    assert labels == ["$107K", "+$5.9K", "±$0", "−$296", "$113K"]
    assert ticks == ["$100K", "−$2.5K"]
