"""Headline metrics on a hand-made company whose answers are worked out by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from cpo_kit import load_company
from cpo_kit.core.errors import MissingTables
from cpo_kit.metrics import METRICS, compute
from cpo_kit.metrics.headline import headline_numbers
from cpo_kit.metrics.registry import FAMILIES, UNITS


@pytest.fixture
def company(company_dir):
    return load_company(company_dir)


def test_monthly_active_users(company):
    mau = compute("mau", company, period_end="2026-10-31")
    assert mau.to_dict("list") == {"period": [pd.Timestamp("2026-09-01"),
                                              pd.Timestamp("2026-10-01")],
                                   "users": [2, 3], "complete": [True, True]}


def test_monthly_active_users_stop_at_the_period_end(company):
    mau = compute("mau", company, period_end="2026-09-30")
    assert mau["users"].tolist() == [2]
    assert compute("mau", company, period_end="2026-10-30")["complete"].tolist() == [True, False]


def test_mrr_and_paying_accounts(company):
    mrr = compute("mrr", company, period_end="2026-10-31")
    assert mrr["mrr"].tolist() == [1500.0, 1120.0]
    assert mrr["accounts"].tolist() == [3, 2]


@pytest.mark.parametrize("start, end, expected", [
    ("2026-08-03", "2026-10-31", {"nps": 25.0, "responses": 4, "promoters": 2, "passives": 1,
                                  "detractors": 1}),
    ("2026-10-01", "2026-10-31", {"nps": 100 * 2 / 3, "responses": 3, "promoters": 2,
                                  "passives": 1, "detractors": 0}),
    ("2026-09-04", "2026-09-04", {"nps": -100.0, "responses": 1, "promoters": 0, "passives": 0,
                                  "detractors": 1}),
    ("2025-01-01", "2025-12-31", {"nps": None, "responses": 0, "promoters": 0, "passives": 0,
                                  "detractors": 0}),
])
def test_nps(company, start, end, expected):
    assert compute("nps", company, start=start, end=end) == pytest.approx(expected)


def test_headline_numbers(company):
    table = headline_numbers(company, period_end="2026-10-31").set_index("kpi")
    assert table.loc["Monthly active users", ["value", "previous"]].tolist() == [3, 2]
    assert table.loc["Monthly active users", "change"] == pytest.approx(0.5)
    assert table.loc["MRR", ["value", "previous"]].tolist() == [1120, 1500]
    assert table.loc["ARR (MRR × 12)", "value"] == 13440
    assert table.loc["Paying accounts", "change"] == pytest.approx(-1 / 3)
    # NPS: 25 over the 90 days to 31 October, -100 over the 90 days to 30 September.
    assert table.loc["NPS (last 90 days)", ["value", "previous", "change"]].tolist() == [
        25, -100, 125]


def test_headline_numbers_leave_out_what_the_data_lacks(company_dir):
    (company_dir / "mrr.csv").unlink()
    (company_dir / "surveys.csv").unlink()
    table = headline_numbers(load_company(company_dir), period_end="2026-10-31")
    assert table["kpi"].tolist() == ["Monthly active users"]


def test_a_metric_names_the_tables_it_lacks(company_dir):
    (company_dir / "mrr.csv").unlink()
    with pytest.raises(MissingTables, match=r"Monthly recurring revenue \(MRR\) needs the "
                                            r"table\(s\) mrr"):
        compute("mrr", load_company(company_dir), period_end="2026-10-31")


def test_every_metric_is_documented():
    for m in METRICS.values():
        assert m.title and m.definition.endswith(".") and "=" in m.formula
        assert m.needs and m.family in FAMILIES and m.unit in UNITS


def test_a_time_zone_moves_events_into_local_days(company_dir):
    # u4's login at 23:59:59 UTC on 31 October is 08:59:59 on 1 November in Tokyo.
    company = load_company(company_dir, timezone="Asia/Tokyo")
    assert compute("mau", company, period_end="2026-10-31")["users"].tolist() == [2, 2]
    surveys = company.tables["surveys"].set_index("response_id")
    assert surveys.loc["r1", "submitted_at"] == pd.Timestamp("2026-10-02 19:00:00")


def test_an_unknown_time_zone_is_refused(company_dir):
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        load_company(company_dir, timezone="Mars/Olympus")
