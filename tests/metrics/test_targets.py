"""KPI status against targets: green, amber and red worked out by hand."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cpo_kit.metrics.targets import status_against_targets


@pytest.mark.parametrize("value, spec, status", [
    (100, {"target": 100}, "green"),  # met exactly
    (130, {"target": 100}, "green"),
    (95.5, {"target": 100}, "amber"),  # just inside the default 5%
    (95, {"target": 100}, "amber"),  # on the edge of the tolerance: still amber
    (94.9, {"target": 100}, "red"),
    (40, {"target": 100}, "red"),  # far off
    (91, {"target": 100, "amber_within": 0.1}, "amber"),
    (99.9, {"target": 100, "amber_within": 0}, "red"),
    # Lower is better (churn, costs): the right side is below the target.
    (0.02, {"target": 0.02, "higher_is_better": False}, "green"),
    (0.015, {"target": 0.02, "higher_is_better": False}, "green"),
    (0.0209, {"target": 0.02, "higher_is_better": False}, "amber"),
    (0.03, {"target": 0.02, "higher_is_better": False}, "red"),
    # A negative target: the tolerance is 5% of its size.
    (-10.4, {"target": -10}, "amber"),
    (-10.6, {"target": -10}, "red"),
    # A target of 0: the tolerance is read as an absolute distance.
    (0, {"target": 0}, "green"),
    (-0.04, {"target": 0}, "amber"),
    (-0.2, {"target": 0}, "red"),
    (3, {"target": 0, "higher_is_better": False, "amber_within": 5}, "amber"),
    (6, {"target": 0, "higher_is_better": False, "amber_within": 5}, "red"),
])
def test_status(value, spec, status):
    out = status_against_targets({"kpi": {"value": value, "previous": value}}, {"kpi": spec})
    assert out["status"].tolist() == [status]


def test_the_whole_table():
    values = pd.DataFrame({"kpi": ["MRR", "NPS", "Logo churn", "Activation"],
                           "value": [120_000.0, 37.0, 0.012, None],
                           "previous": [110_000.0, None, 0.02, 0.4]})
    targets = {"Logo churn": {"target": 0.01, "higher_is_better": False, "amber_within": 0.5},
               "NPS": {"target": 40},
               "MRR": {"target": 100_000},
               "Activation": {"target": 0.5}}
    assert_frame_equal(status_against_targets(values, targets), pd.DataFrame({
        "kpi": ["Logo churn", "NPS", "MRR", "Activation"],
        "value": [0.012, 37.0, 120_000.0, math.nan],
        "previous": [0.02, math.nan, 110_000.0, 0.4],
        "change": [0.012 - 0.02, math.nan, 10_000.0, math.nan],
        "target": [0.01, 40.0, 100_000.0, 0.5],
        "direction": ["lower", "higher", "higher", "higher"],
        "status": ["amber", "red", "green", math.nan],
    }).astype({"kpi": "str", "direction": "str", "status": "str"}))


def test_values_as_a_mapping_of_numbers():
    out = status_against_targets({"NPS": 41, "Churn": {"value": 0.03, "previous": 0.025}},
                                 {"NPS": {"target": 40},
                                  "Churn": {"target": 0.02, "higher_is_better": False}})
    assert out[["kpi", "status"]].values.tolist() == [["NPS", "green"], ["Churn", "red"]]
    assert math.isnan(out.loc[0, "previous"]) and math.isnan(out.loc[0, "change"])
    assert out.loc[1, "change"] == pytest.approx(0.005)


def test_the_headline_table_fits(company_dir):
    from cpo_kit import load_company
    from cpo_kit.metrics.headline import headline_numbers

    headline = headline_numbers(load_company(company_dir), period_end="2026-10-31")
    out = status_against_targets(headline, {"MRR": {"target": 1150},
                                            "NPS (last 90 days)": {"target": 30}})
    # MRR 1120 is 2.6% short of 1150; NPS 25 is 5 points (17%) short of 30.
    assert out[["kpi", "value", "previous", "change", "status"]].values.tolist() == [
        ["MRR", 1120.0, 1500.0, -380.0, "amber"],
        ["NPS (last 90 days)", 25.0, -100.0, 125.0, "red"]]


@pytest.mark.parametrize("values, targets, message", [
    ({"NPS": 40}, {"MRR": {"target": 1}}, "no value for the KPI 'MRR'; values are given for: NPS"),
    ({"NPS": 40}, {"NPS": 40}, "the target of 'NPS' must be a mapping with a 'target'"),
    ({"NPS": 40}, {"NPS": {"goal": 40}}, "the target of 'NPS' must be a mapping with a 'target'"),
    ({"NPS": 40}, {"NPS": {"target": 40, "amber": 0.1}},
     "the target of 'NPS' has unknown key(s): amber"),
    ({"NPS": 40}, {"NPS": {"target": 40, "amber_within": -0.1}},
     "amber_within of 'NPS' must be zero or more, not -0.1"),
    ({"NPS": 40}, {"NPS": {"target": 40, "higher_is_better": "no"}},
     "higher_is_better of 'NPS' must be True or False, not 'no'"),
    ({"NPS": 40}, {"NPS": {"target": math.inf}},
     "the target of 'NPS' must be a finite number, not inf"),
    (pd.DataFrame({"name": ["NPS"], "value": [40]}), {"NPS": {"target": 40}},
     "values must have the columns kpi and value (and optionally previous)"),
    (pd.DataFrame({"kpi": ["NPS", "NPS"], "value": [40, 41]}), {"NPS": {"target": 40}},
     "values give a KPI twice: NPS"),
    ({"NPS": {"previous": 40}}, {"NPS": {"target": 40}},
     "values must map each KPI to a number or to a dict with a value (and optionally a "
     "previous)"),
])
def test_bad_input(values, targets, message):
    with pytest.raises(ValueError) as error:
        status_against_targets(values, targets)
    assert str(error.value) == message
