"""The events benchmark's contenders, run on the sample company: their counts must agree,
or the figures the benchmark prints compare different work."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"

# bench/ is scripts, not a package: load the benchmark from its file, leaving sys.path alone.
_spec = importlib.util.spec_from_file_location("bench_kpi", ROOT / "bench" / "kpi.py")
kpi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kpi)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    frame = pd.read_parquet(SAMPLE / "events.parquet")
    return frame[frame["timestamp"] < pd.Timestamp(kpi.PERIOD_END) + pd.Timedelta(days=1)]


@pytest.fixture(scope="module")
def bound() -> pd.DataFrame:
    return kpi.bound(SAMPLE)["bound"]


def test_the_floor_counts_the_events_and_their_users():
    counts = kpi.floor(SAMPLE)["floor"]
    everything = pd.read_parquet(SAMPLE / "events.parquet", columns=["user_id"])
    assert counts["events"].iat[0] == len(everything)
    assert counts["users"].iat[0] == everything["user_id"].nunique()


def test_the_bound_counts_the_user_days_and_the_closed_funnel_entries(events, bound):
    days = events.assign(day=events["timestamp"].dt.floor("D"))[["user_id", "day"]]
    entries = events[events["event"] == kpi.FUNNEL[0]].groupby("user_id")["timestamp"].min()
    closed = entries <= pd.Timestamp(kpi.PERIOD_END) + pd.Timedelta(days=1) - pd.Timedelta(
        kpi.WINDOW)
    assert bound["user_days"].iat[0] == len(days.drop_duplicates())
    assert bound["entries"].iat[0] == closed.sum()
    assert 0 < closed.sum() < len(entries)  # the sample has windows still open at its end


def test_the_bound_and_the_suite_count_the_same_work(bound):
    suite = kpi.suite_cpo_kit(SAMPLE)
    assert kpi.bound_agrees(suite, bound) == []
    off = bound.assign(entries=bound["entries"] + 1)
    assert kpi.bound_agrees(suite, off) == [
        f"the bound counts {off['entries'].iat[0]:,} funnel entries, the suite "
        f"{int(suite['funnel']['users'].iat[0]):,}"]
