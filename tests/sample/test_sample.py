"""The sample company: reproducible to the byte, valid, and realistic in its shape."""
from __future__ import annotations

import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT

from cpo_kit.inputs.validate import check_folder
from cpo_kit.sample import write_sample


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


# Tidewell, the consumer sample: committed in data/tidewell/, written by seed 0.

TIDEWELL = ROOT / "data" / "tidewell"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def tidewell_regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("tidewell")
    return out, write_sample(out, company="tidewell", seed=0)


@pytest.fixture(scope="module")
def tidewell():
    return check_folder(TIDEWELL).tables


@pytest.fixture(scope="module")
def tidewell_events():
    return pd.read_parquet(TIDEWELL / "events.parquet")


def test_committed_tidewell_is_exactly_what_seed_0_writes(tidewell_regenerated):
    out, _ = tidewell_regenerated
    committed = sorted(p.name for p in TIDEWELL.iterdir())
    assert sorted(p.name for p in out.iterdir()) == committed
    for name in committed:
        assert (out / name).read_bytes() == (TIDEWELL / name).read_bytes(), name


def test_tidewell_is_small_enough_to_commit(tidewell_regenerated):
    _, rows = tidewell_regenerated
    assert sum(p.stat().st_size for p in TIDEWELL.iterdir()) < 5 * 2**20
    assert 150_000 <= rows["events"] <= 300_000 * 1.1


def test_tidewell_passes_its_contract():
    checked = check_folder(TIDEWELL)
    assert checked.problems == []
    assert len(checked.summaries) == 13


def test_an_unknown_company_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="no sample company 'acme'; expected one of: "
                                         "brightlane, tidewell"):
        write_sample(tmp_path, company="acme")


def test_sample_command_writes_the_company_asked_for(tmp_path, cli):
    code, out, _ = cli("sample", tmp_path, "--company", "tidewell", "--scale", "0.05")
    assert code == 0
    assert "products                 2 rows" in out
    assert list(pd.read_csv(tmp_path / "products.csv")["name"]) == ["Tidewell Premium",
                                                                    "Tidewell Family"]


def test_sample_help_says_what_each_company_is(cli, capsys):
    with pytest.raises(SystemExit):
        cli("sample", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "the one --company names: brightlane, a B2B SaaS firm" in text
    assert "; tidewell, a consumer sleep and meditation app sold in Europe" in text


def test_tidewell_events_are_an_export_in_time_order(tidewell_events):
    events = tidewell_events
    assert list(events.columns) == ["user_id", "timestamp", "event", "platform", "session_id"]
    assert events["timestamp"].is_monotonic_increasing
    # Not grouped by user: the next event is mostly someone else's.
    assert (events["user_id"] != events["user_id"].shift()).mean() > 0.2
    assert events["user_id"].str.match(UUID.pattern).all()
    assert events["session_id"].map(type).eq(str).all()
    assert set(events["platform"]) == {"ios", "android", "web"}
    assert set(events["event"]) == {
        "app_open", "browse_library", "start_meditation", "finish_meditation",
        "play_sleep_story", "set_reminder", "paywall_view", "start_trial", "subscribe"}
    # The first event is the first user's first app_open, at their signup.
    assert events.iloc[0][["timestamp", "event"]].tolist() == [
        pd.Timestamp("2025-01-01 07:14:45"), "app_open"]
    assert events["timestamp"].max() < pd.Timestamp("2026-12-01")
    assert events.groupby("session_id").size().median() >= 3


def test_tidewell_events_stay_in_time_order_across_row_groups(tmp_path, monkeypatch):
    from cpo_kit.sample.tidewell import activity

    # Row groups of a few weeks each, as at a large scale, with sessions crossing weeks.
    monkeypatch.setattr(activity, "ROWS_PER_GROUP", 5_000)
    rows = write_sample(tmp_path, company="tidewell", seed=2, scale=0.1)
    meta = pq.ParquetFile(tmp_path / "events.parquet").metadata
    assert meta.num_row_groups > 3
    events = pd.read_parquet(tmp_path / "events.parquet", columns=["timestamp"])
    assert len(events) == rows["events"]
    assert events["timestamp"].is_monotonic_increasing


def test_tidewell_users_free_and_in_households(tidewell):
    users, accounts = tidewell["users"], tidewell["accounts"]
    assert users["user_id"].str.match(UUID.pattern).all()
    assert users["account_id"].isna().mean() > 0.8  # most people never pay
    assert set(accounts["segment"]) == {"Individual", "Family", "Student"}
    assert set(accounts["channel"]) == {"app_store", "google_play", "paid_social",
                                        "influencer", "web_search"}
    # The loader adds the contract's optional columns; the file has no industry.
    assert "industry" not in (TIDEWELL / "accounts.csv").read_text().splitlines()[0]
    assert accounts["account_id"].str.match(r"^acct_[a-z0-9]{12}$").all()
    assert accounts["name"].iloc[0] == "Household 0001"
    assert set(accounts["country"]) <= {"DE", "FR", "NL", "ES", "IT", "IE", "SE", "BE", "AT",
                                        "DK", "PL", "FI", "PT"}
    # A family household's members share its id.
    per_household = users.groupby("account_id").size()
    family = accounts.loc[accounts["segment"] == "Family", "account_id"]
    assert per_household[family].median() >= 2


def test_a_yearly_plan_is_spread_over_its_months(tidewell):
    # Household 0008 took the yearly Individual plan (59.99 EUR) on 28 January 2025
    # and renewed it a year later: 5.00 a month from January 2025 to November 2026.
    mrr = tidewell["mrr"]
    rows = mrr[mrr["account_id"] == "acct_1p5khmxa3xtm"]
    assert list(rows["product_id"].unique()) == ["P1"]
    assert list(rows["mrr"]) == [5.0] * 23
    assert (rows["month"].min(), rows["month"].max()) == (pd.Timestamp("2025-01-01"),
                                                          pd.Timestamp("2026-11-01"))


@pytest.mark.parametrize("amount", [9.99, 5.0, 14.99, 7.5, 4.99, 2.5])
def test_each_plan_price_appears_as_monthly_revenue(tidewell, amount):
    assert (tidewell["mrr"]["mrr"] == amount).sum() > 10


def test_households_upgrade_downgrade_and_cancel(tidewell):
    mrr = tidewell["mrr"].sort_values(["account_id", "month"])
    before = mrr.groupby("account_id")["product_id"].shift()
    assert ((before == "P1") & (mrr["product_id"] == "P2")).sum() >= 3  # to Family
    amount_before = mrr.groupby("account_id")["mrr"].shift()
    contraction = (mrr["product_id"] == "P1") & (mrr["mrr"] < amount_before) & (
        mrr["mrr"].isin([4.99, 2.5]))
    assert contraction.sum() >= 2  # to Student
    assert tidewell["accounts"]["churn_date"].notna().mean() > 0.2


def test_tidewell_data_runs_past_its_period_end(tidewell):
    params = yaml.safe_load((TIDEWELL.parent / "tidewell.yml").read_text())
    assert str(params["period_end"]) == "2026-11-22"
    assert tidewell["users"]["signup_at"].max() > pd.Timestamp("2026-11-23")
    assert tidewell["mrr"]["month"].max() == pd.Timestamp("2026-11-01")


def test_signups_peak_in_january_and_dip_in_summer(tidewell):
    signup = tidewell["users"]["signup_at"]
    per_month = signup.groupby(signup.dt.to_period("M")).size()
    assert per_month["2026-01"] > 1.3 * per_month["2025-12"]
    assert per_month["2026-08"] < per_month["2026-06"]


def _weekly_finish_rate(events, users, returning: bool) -> pd.Series:
    """Finished over started meditations per week, counted per attempt."""
    signup = events["user_id"].map(users.set_index("user_id")["signup_at"])
    old = (events["timestamp"] - signup) > pd.Timedelta(days=14)
    picked = events[(old == returning) & events["event"].isin(["start_meditation",
                                                               "finish_meditation"])]
    week = picked["timestamp"].dt.to_period("W")
    counts = picked.groupby([week, "event"]).size().unstack()
    return counts["finish_meditation"] / counts["start_meditation"]


@pytest.mark.parametrize("returning, lowest, highest", [
    # Returning users finish about 30% of what they usually do during the bug.
    (True, 0.15, 0.40),
    # New users (14 days or younger) are not touched.
    (False, 0.65, 0.95),
])
def test_the_incident_shows_per_attempt(tidewell, tidewell_events, returning, lowest,
                                        highest):
    rate = _weekly_finish_rate(tidewell_events, tidewell["users"], returning)
    weeks = [pd.Period(week, "W") for week in ("2026-09-07", "2026-09-14", "2026-09-21")]
    usual = rate[pd.Period("2026-08-10", "W"):pd.Period("2026-08-31", "W")]
    assert ((0.7 < usual) & (usual < 0.95)).all()
    assert all(lowest < rate[week] < highest for week in weeks)


def test_the_incident_hides_from_the_funnel_of_first_entries(tidewell_events):
    # The activation funnel by hand: a user's first app_open, then a start and a
    # finish of a meditation, in order, within a day.
    events = tidewell_events
    entry = events[events["event"] == "app_open"].groupby("user_id")["timestamp"].min()

    def reached(since: pd.Series, name: str) -> pd.Series:
        step = events[events["event"] == name].join(since.rename("since"), on="user_id",
                                                     how="inner")
        step = step[(step["timestamp"] >= step["since"])
                    & (step["timestamp"] < step["user_id"].map(entry) + pd.Timedelta("1D"))]
        return step.groupby("user_id")["timestamp"].min()

    finished = reached(reached(entry, "start_meditation"), "finish_meditation")
    week = entry.dt.to_period("W")
    activation = entry.index.isin(finished.index)
    rate = pd.Series(activation, index=entry.index).groupby(week).mean()
    during = rate[pd.Period("2026-09-07", "W"):pd.Period("2026-09-21", "W")].mean()
    before = rate[pd.Period("2026-08-17", "W"):pd.Period("2026-08-31", "W")].mean()
    assert 0.4 < before < 0.6
    assert abs(during - before) < 0.08


def test_initiatives_are_of_a_scale_a_practitioner_would_believe(tables, sample_dir):
    work = tables["initiatives"]
    events = pd.read_parquet(sample_dir / "events.parquet", columns=["user_id", "timestamp"])
    # Users active in the last quarter, August to October 2026: reach cannot exceed them.
    active = events.loc[events["timestamp"] >= "2026-08-01", "user_id"].nunique()
    assert active == 3034
    assert work["reach"].max() == 2700 <= active
    # A person-month costs $14,500; a year's benefit is never more than the build costs
    # twice over, nor so small that paying it back takes more than six years.
    payback = work["cost"] / (work["expected_benefit"] / 12)
    assert 6 < payback.min() < 6.5 and 62 < payback.max() < 64
    builder = work.set_index("title").loc["Report builder redesign"]
    assert builder[["reach", "impact", "confidence", "effort", "cost",
                    "expected_benefit"]].tolist() == [2400, 2.0, 0.8, 4.0, 58000, 88300]
    # Nothing planned lies in the past, and nothing was done in the future.
    planned = work[work["status"] == "planned"]
    assert (pd.to_datetime(planned["start_date"]) > "2026-10-31").all()
    assert (pd.to_datetime(work["done_date"].dropna()) <= "2026-10-31").all()
