"""Alt text written from each chart's data: its kind, title, measure, span and movement."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cpo_kit import plots
from cpo_kit.core import formats
from cpo_kit.plots.describe import describe


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _drawn(figure):
    figure.canvas.draw()  # the tick labels are read, as when the PNG is saved
    return describe(figure)


def test_a_line_says_its_periods_and_where_it_starts_and_ends():
    data = pd.DataFrame({"period": pd.date_range("2025-11-01", periods=12, freq="MS"),
                         "users": [912, 930, 950, 940, 960, 980, 990, 1000, 1010, 1020, 1030,
                                   1034]})
    ax = plots.trend(data, x="period", y="users", title="Weekly active users", ylabel="users")
    assert _drawn(ax.figure) == (
        # The measure is in the title already, so it is not said twice.
        "Line chart: Weekly active users. It covers November 2025 to October 2026. The line "
        "runs from 912 to 1,034.")


def test_money_is_written_as_the_axis_writes_it():
    data = pd.DataFrame({"month": pd.date_range("2026-01-01", periods=3, freq="MS"),
                         "mrr": [80_000.0, 95_000.0, 114_801.0]})
    with formats.using(currency="EUR", locale="en_IE"):
        ax = plots.trend(data, x="month", y="mrr", title="MRR", ylabel="EUR", unit="currency")
        said = _drawn(ax.figure)
    assert said.endswith("The line runs from €80K to €115K.")


def test_bars_name_their_groups_and_range():
    figure, ax = plt.subplots()
    ax.bar(["SMB", "Mid-Market", "Enterprise"], [4.0, 9.5, 12.0])
    ax.set(title="LTV to CAC by segment", ylabel="times")
    assert _drawn(figure) == ("Bar chart: LTV to CAC by segment (times). 3 bars (SMB, "
                              "Mid-Market, Enterprise), from 4 to 12.")


def test_two_panels_are_told_in_order_and_a_target_line_is_not_data():
    figure, (left, right) = plt.subplots(1, 2)
    left.plot([1, 2], [10, 20], label="NRR")
    left.axhline(15, label="target")
    left.legend()
    right.imshow([[1, 2, 3], [4, 5, 6]])
    right.set_title("Retention")
    assert _drawn(figure) == (
        "2 charts. First: Line chart. It covers 0.75 to 2.25. NRR runs from 10 to 20. Second: "
        "Heatmap: Retention. 2 rows by 3 columns. It covers −0.5 to 1.5.")
    assert "target runs" not in _drawn(figure)


def test_an_empty_figure_has_no_description():
    figure, _ = plt.subplots()
    assert _drawn(figure) == ""
