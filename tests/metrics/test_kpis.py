"""The KPI catalogue and the company's own targets: by key, from params or key results."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from cpo_kit.metrics.kpis import KPIS, check_targets, company_targets, how_to_set, score
from cpo_kit.metrics.targets import AMBER_WITHIN


def test_the_catalogue_and_the_scoring_agree_on_amber():
    from cpo_kit.metrics import kpis

    assert kpis.AMBER_WITHIN == AMBER_WITHIN == 0.05


def test_a_kpi_without_a_target_is_neutral_not_rated():
    values = pd.DataFrame({"key": ["wau", "activation", "cac_payback"],
                           "value": [1099.0, 0.151, 13.0], "previous": [1050.0, 0.16, 12.0]})
    out = score(values, company_targets({"wau": 1100, "cac_payback": 12}))
    assert out["status"].tolist() == ["amber", "no target", "red"]
    assert out["kpi"].tolist() == ["Weekly active users", "Activation (whole funnel)",
                                   "CAC payback"]
    assert out["direction"].tolist() == ["higher", "higher", "lower"]
    assert out["target"].iloc[0] == 1100 and math.isnan(out["target"].iloc[1])
    assert out["change"].tolist() == pytest.approx([49.0, -0.009, 1.0])


def test_rows_picked_out_of_a_larger_table_keep_their_own_status():
    # The overview's rows of MAU and NPS, at rows 0 and 4 of the headline table.
    values = pd.DataFrame({"key": ["mau", "nps"], "value": [2271.0, 21.6],
                           "previous": [1921.0, 20.4]}, index=[0, 4])
    out = score(values, company_targets({"mau": 2000, "nps": 30}))
    assert out["status"].tolist() == ["green", "red"]


def test_no_target_at_all_rates_nothing():
    values = pd.DataFrame({"key": ["nps"], "value": [21.6], "previous": [20.0]})
    assert score(values, company_targets()).loc[0, "status"] == "no target"


def test_a_key_result_naming_a_kpi_sets_its_target_in_its_quarter_only():
    okrs = pd.DataFrame({"okr_id": ["KR1", "KR2", "KR3"],
                         "quarter": ["2026-Q4", "2026-Q3", "2026-Q4"],
                         "kpi": ["activation", "wau", None], "target": [0.25, 900.0, 3.0]})
    goals = company_targets({}, okrs=okrs, period_end="2026-10-31")
    assert goals == {"activation": {"target": 0.25, "amber_within": 0.05,
                                    "source": "key result KR1 (2026-Q4)"}}


def test_the_params_file_wins_over_a_key_result():
    okrs = pd.DataFrame({"okr_id": ["KR1"], "quarter": ["2026-Q4"], "kpi": ["activation"],
                         "target": [0.25]})
    goals = company_targets({"activation": {"target": 0.3, "amber_within": 0.1}}, okrs=okrs,
                            period_end="2026-11-22")
    assert goals["activation"] == {"target": 0.3, "amber_within": 0.1, "source": "params file"}


@pytest.mark.parametrize("targets, message", [
    ({"activaton": 0.2}, "no KPI is called 'activaton' (did you mean 'activation'?)"),
    ({"wau": True}, "wau: expected a number, found True"),
    ({"wau": {"target": 1, "colour": "red"}}, "wau: expected a number or"),
    ([1, 2], "expected a mapping of KPI keys to targets, found [1, 2]"),
])
def test_bad_targets_are_refused_with_what_is_expected(targets, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_targets(targets)


def test_how_to_set_names_the_kpis_and_both_ways():
    assert how_to_set(["wau", "nps"]) == (
        "No target is set for Weekly active users, NPS (last 90 days). Set one under "
        "`targets:` in the params file (`targets: {wau: <target>, nps: <target>}`), or name "
        "the KPI's key in the `kpi` column of a key result in the `okrs` table.")


def test_every_kpi_has_a_unit_the_formatter_knows():
    from cpo_kit.core.formats import UNITS

    assert {k.unit for k in KPIS.values()} <= set(UNITS)


def test_every_kpi_names_a_registered_metric():
    from cpo_kit.metrics import METRICS

    assert {k.key: k.metric for k in KPIS.values() if k.metric not in METRICS} == {}


@pytest.mark.parametrize("key, basis, label", [
    ("activation", None, "Activation (whole funnel)"),
    ("nps", None, "NPS (last 90 days)"),
    ("nps", "last 30 days", "NPS (last 30 days)"),
    ("mrr", None, "MRR"),
    ("mrr", "October 2026", "MRR (October 2026)"),
    ("arr", None, "ARR (MRR × 12)"),
    ("mrr_quick_ratio", None, "MRR quick ratio"),
])
def test_a_label_is_the_name_with_its_basis(key, basis, label):
    assert KPIS[key].labelled(basis) == label


def test_headline_numbers_that_move_with_mrr_take_no_target_of_their_own():
    with pytest.raises(ValueError, match=re.escape(
            "no KPI is called 'arr' (did you mean 'mrr'?); the KPIs are mau, mrr, nps, wau, "
            "stickiness, "
            "week_4_retention, activation, nrr_t12m, grr_t12m, logo_churn, ltv_to_cac, "
            "cac_payback, mrr_quick_ratio")):
        check_targets({"arr": 1_500_000})
    assert check_targets({"mrr_quick_ratio": 4}) == {"mrr_quick_ratio": {"target": 4.0}}


def test_a_headline_of_a_catalogue_kpi_takes_its_label_and_unit_from_the_catalogue():
    from cpo_kit.reports.results import Results

    results = Results("revenue_health", "")
    results.headline("logo_churn", 0.02, basis="3-month pool")
    results.headline("nps_low", 12.0, label="NPS (last 90 days), 95% low", unit="score")
    assert [(h.label, h.unit) for h in results.headlines.values()] == [
        ("Logo churn per month (3-month pool)", "share"), ("NPS (last 90 days), 95% low", "score")]
    with pytest.raises(ValueError, match=re.escape(
            "'signups' is no KPI of the catalogue: give its label and unit")):
        results.headline("signups", 40)
