"""The sample company: reproducible to the byte, valid, and realistic in its shape."""
from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cpo_kit.sample import write_sample
from cpo_kit.validate import check_folder


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    rows = write_sample(out, seed=0, scale=1)
    return out, rows


def test_committed_sample_is_exactly_what_seed_0_writes(regenerated, sample_dir):
    out, _ = regenerated
    committed = sorted(p.name for p in sample_dir.iterdir())
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (sample_dir / name).read_bytes(), name


def test_sample_is_small_enough_to_commit(sample_dir):
    assert sum(p.stat().st_size for p in sample_dir.iterdir()) < 10 * 2**20


def test_another_seed_gives_another_company(regenerated, tmp_path):
    write_sample(tmp_path, seed=1, scale=1)
    out, _ = regenerated
    assert (tmp_path / "accounts.csv").read_bytes() != (out / "accounts.csv").read_bytes()


def test_scale_multiplies_accounts_users_and_events(tmp_path):
    small = write_sample(tmp_path / "a", seed=3, scale=0.5)
    large = write_sample(tmp_path / "b", seed=3, scale=1.0)
    # Customers scale exactly; the lost trials beside them (no acquisition cost) at random.
    customers = [pd.read_csv(tmp_path / d / "accounts.csv")["acquisition_cost"].notna().sum()
                 for d in ("b", "a")]
    assert customers == [150, 75]
    for table in ("accounts", "users", "events"):
        assert 1.5 < large[table] / small[table] < 3, table
    assert large["okrs"] == small["okrs"] == 11  # plans do not grow with the customer base


def test_events_are_written_in_row_groups_of_bounded_size(regenerated):
    out, rows = regenerated
    meta = pq.ParquetFile(out / "events.parquet").metadata
    assert meta.num_rows == rows["events"]
    assert meta.num_row_groups >= 1


def test_sample_passes_its_contract(sample_dir):
    checked = check_folder(sample_dir)
    assert checked.problems == []
    assert set(checked.summaries) == {"accounts", "users", "events", "mrr", "surveys",
                                      "feedback", "competitors", "market", "price_survey",
                                      "okrs", "products", "initiatives", "team"}


@pytest.fixture(scope="module")
def tables(sample_dir):
    return check_folder(sample_dir).tables


def test_history_spans_two_years(tables):
    months = tables["mrr"]["month"]
    assert (months.min(), months.max()) == (pd.Timestamp("2024-11-01"), pd.Timestamp("2026-10-01"))


def test_three_segments_and_several_products(tables):
    assert set(tables["accounts"]["segment"]) == {"SMB", "Mid-Market", "Enterprise"}
    assert tables["mrr"]["product_id"].nunique() == 4


def test_revenue_moves_every_way(tables):
    mrr = tables["mrr"].groupby(["account_id", "month"])["mrr"].sum().unstack(fill_value=0)
    change = mrr.diff(axis=1).iloc[:, 1:]
    before = mrr.shift(axis=1).iloc[:, 1:]
    assert ((before > 0) & (change > 0)).sum().sum() > 20  # expansion
    assert ((before > 0) & (change < 0) & (mrr.iloc[:, 1:] > 0)).sum().sum() > 5  # contraction
    assert ((before > 0) & (mrr.iloc[:, 1:] == 0)).sum().sum() > 10  # churn
    paid = ["".join("1" if p else "0" for p in row) for row in (mrr > 0).to_numpy()]
    assert any(re.search("10+1", months) for months in paid)  # paid, stopped, paid again


def test_price_change_raises_price_per_seat_for_new_accounts(tables):
    accounts = tables["accounts"].set_index("account_id")
    core = tables["mrr"][tables["mrr"]["product_id"] == "P1"].copy()
    core = core[core["month"] == core.groupby("account_id")["month"].transform("min")]
    core["segment"] = core["account_id"].map(accounts["segment"])
    core["after"] = core["account_id"].map(accounts["signup_date"]) >= "2025-09-01"
    smb = core[(core["segment"] == "SMB") & (core["month"] >= "2025-01-01")]
    # MRR of an SMB account's first month is seats x price: 37 after the change, 32 before.
    assert (smb.loc[smb["after"], "mrr"] % 37 == 0).all()
    assert (smb.loc[~smb["after"], "mrr"] % 32 == 0).all()


def test_sessions_hold_several_events(tables, sample_dir):
    events = pd.read_parquet(sample_dir / "events.parquet", columns=["session_id"])
    per_session = events["session_id"].value_counts()
    assert per_session.median() >= 3


def test_feature_launch_adoption_grows(sample_dir):
    events = pd.read_parquet(sample_dir / "events.parquet", columns=["timestamp", "feature"])
    month = events["timestamp"].dt.to_period("M")
    share = (events["feature"] == "automation").groupby(month).mean()
    assert share[:"2025-05"].sum() == 0
    assert share["2025-07"] < share["2025-10"] < share["2026-06"]


def test_nps_dips_after_the_incident(tables):
    nps = tables["surveys"].query("survey == 'nps'")
    quarter = nps["submitted_at"].dt.to_period("Q")
    score = nps.groupby(quarter)["nps"].apply(lambda s: 100 * ((s >= 9).mean() - (s <= 6).mean()))
    assert score[pd.Period("2026Q1")] < score[pd.Period("2025Q4")] - 15
    assert score[pd.Period("2026Q1")] < score[pd.Period("2026Q3")]
