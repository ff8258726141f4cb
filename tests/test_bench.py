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


# The generator of benchmark shapes (bench/shapes.py), at a tiny size.
_spec = importlib.util.spec_from_file_location("bench_shapes", ROOT / "bench" / "shapes.py")
shapes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shapes)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture(scope="module", params=shapes.SHAPES)
def shaped(request, tmp_path_factory) -> tuple[str, Path, pd.DataFrame]:
    out = tmp_path_factory.mktemp(request.param)
    path = shapes.write(request.param, "20k", out, seed=3, threads=1)
    return request.param, out, pd.read_parquet(path)


@pytest.mark.parametrize("size, events", [("20k", 20_000), ("10M", 10_000_000),
                                          ("1.5M", 1_500_000), ("300", 300)])
def test_sizes_read_as_numbers_of_events(size, events):
    assert shapes.parse_size(size) == events


def test_a_size_that_is_not_a_number_says_how_to_write_one():
    with pytest.raises(ValueError, match="size '10 million': write a number with k or M"):
        shapes.parse_size("10 million")


def test_the_shapes_are_time_ordered_logs_of_uuid_users(shaped):
    _, _, events = shaped
    assert 18_000 <= len(events) <= 22_000  # about the size asked for
    assert list(events.columns) == ["user_id", "timestamp", "event", "feature", "platform",
                                    "session_id"]
    assert events["timestamp"].is_monotonic_increasing
    assert events["user_id"].str.fullmatch(UUID).all()
    # users interleaved: the first 10% of the rows already hold several users' rows,
    # and a user's rows are not one block
    assert events["user_id"].head(len(events) // 10).nunique() > 10
    runs = (events["user_id"] != events["user_id"].shift()).sum()
    assert runs > 2 * events["user_id"].nunique()


def test_every_users_first_event_is_a_signup_and_the_funnels_events_exist(shaped):
    _, _, events = shaped
    assert (events.groupby("user_id")["event"].first() == "signup").all()
    assert set(kpi.FUNNEL) <= set(events["event"])
    assert events.loc[events["event"] == "create_report", "feature"].eq("reports").all()
    assert events.loc[events["event"] == "login", "feature"].isna().all()


def test_events_per_active_user_day(shaped):
    shape, _, events = shaped
    per_day = events.groupby(["user_id", events["timestamp"].dt.floor("D")]).size()
    if shape == "realistic":
        assert 4.5 <= per_day.mean() <= 5.5  # sessions of several events, five a day on average
        assert (events.groupby("user_id")["timestamp"].agg(lambda t: t.dt.floor("D").nunique())
                == 1).mean() > 0.2  # users who never came back
    else:
        assert (per_day == 1).all()  # nothing reduces


def test_the_same_seed_writes_the_same_file(shaped, tmp_path):
    shape, out, _ = shaped
    again = shapes.write(shape, "20k", tmp_path, seed=3, threads=1)
    assert again.read_bytes() == (out / "events.parquet").read_bytes()
    other = shapes.write(shape, "20k", tmp_path / "other", seed=4, threads=1)
    assert other.read_bytes() != again.read_bytes()


def test_an_unknown_shape_is_named():
    with pytest.raises(ValueError, match="shape 'sorted': choose one of realistic, pathological"):
        shapes.query("sorted", 100)


def test_the_suite_and_the_pandas_reference_agree_on_a_realistic_file(tmp_path):
    import sys

    shapes.write("realistic", "3k", tmp_path, seed=1, threads=1)
    sys.path.insert(0, str(ROOT / "bench"))  # the reference imports itself as pandas_reference
    try:
        ours, theirs = kpi.suite_cpo_kit(tmp_path), kpi.suite_reference(tmp_path)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    assert kpi.agree(ours, theirs) == []
    events = pd.read_parquet(tmp_path / "events.parquet")
    signups = events.loc[events["event"] == "signup", "timestamp"]
    closed = signups <= pd.Timestamp(kpi.PERIOD_END) + pd.Timedelta(days=1) - pd.Timedelta(
        kpi.WINDOW)
    assert ours["funnel"]["users"].iat[0] == closed.sum()


@pytest.mark.parametrize("row, missed", [
    ({"shape": "realistic", "size": "10M", "speedup": 6.5, "memory_ratio": 0.25}, []),
    ({"shape": "realistic", "size": "10M", "speedup": 4.2, "memory_ratio": 0.45},
     ["realistic 10M: 4.20 x faster than pandas, the target is at least 6",
      "realistic 10M: 0.45 of pandas' peak memory, the target is at most 0.3"]),
    ({"shape": "pathological", "size": "100M", "bound_multiple": 6.1, "cpo_kit_gb": 2.5},
     ["pathological 100M: 6.10 x the bound, the target is at most 3"]),
    ({"shape": "sample", "size": "100M", "bound_multiple": 2.4}, []),
    ({"shape": "sample", "size": "1M", "bound_multiple": 9.0}, []),  # no target at 1M
])
def test_the_targets_missed(row, missed):
    assert kpi.check_targets([row]) == missed
