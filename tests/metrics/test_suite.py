"""The events suite shares one reduction of the events: it must change no result."""
from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from cpo_kit import load_company
from cpo_kit.metrics.suite import events_suite
from tests.companies import company_from_frames
from tests.strategies import event_logs, period_ends

from pandas_reference.suite import events_suite as reference_suite

STEPS = ["login", "view_dashboard", "create_report", "share_report"]
NAMES = ["dau", "wau", "mau", "stickiness", "active_days_distribution", "lifecycle",
         "retention", "feature_adoption", "funnel"]


def _same(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs) == NAMES
    for name in NAMES:
        assert_frame_equal(ours[name], theirs[name], check_dtype=False, obj=name)


def test_the_suite_on_the_sample_equals_the_pandas_reference(sample_dir):
    company = load_company(sample_dir, check_events=False, tables=("events",))
    ours = events_suite(company, period_end="2026-10-31")
    events = pd.read_parquet(sample_dir / "events.parquet")
    _same(ours, reference_suite(events, period_end="2026-10-31",
                                funnel_steps=["signup", "login", "create_report", "share_report"]))
    # A few figures of the sample, read off once and written down: they must not drift.
    assert ours["mau"]["users"].iloc[-1] == 2271
    assert len(ours["funnel"]) == 4


def test_the_suite_leaves_no_table_behind(sample_dir):
    company = load_company(sample_dir, check_events=False, tables=("events",))
    events_suite(company, period_end="2026-10-31")
    assert company.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary"
                               ).fetchone()[0] == 0


@settings(max_examples=30, deadline=None)
@given(events=event_logs(), period_end=period_ends(),
       period=st.sampled_from(["day", "week", "month"]))
def test_the_suite_equals_each_metric_on_raw_events(events, period_end, period):
    company = company_from_frames({"events": events})
    _same(events_suite(company, period_end=period_end, funnel_steps=STEPS, period=period),
          reference_suite(events, period_end=period_end, funnel_steps=STEPS, period=period))


def test_the_suite_reports_only_features_used_in_complete_months():
    # alerts appear only in February, which is not over on 10 February: like
    # feature_adoption on the raw events, the suite must not report them.
    events = pd.DataFrame({
        "user_id": ["a", "b", "a", "c"],
        "timestamp": pd.to_datetime(["2026-01-05 09:00", "2026-01-10 12:00",
                                     "2026-02-03 08:00", "2026-02-04 10:00"]).astype(
                                         "datetime64[us]"),
        "event": ["login", "login", "login", "login"],
        "feature": ["reports", None, "alerts", "reports"],
        "platform": ["web"] * 4,
        "session_id": ["s1", "s2", "s3", "s4"],
    })
    company = company_from_frames({"events": events})
    adoption = events_suite(company, period_end="2026-02-10", funnel_steps=STEPS,
                            period="month")["feature_adoption"]
    expected = pd.DataFrame({"period": pd.to_datetime(["2026-01-01"]).astype("datetime64[us]"),
                             "feature": ["reports"], "users": [1], "active_users": [2],
                             "adoption": [0.5]})
    assert_frame_equal(adoption, expected, check_dtype=False)
