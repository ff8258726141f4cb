"""The events suite shares one reduction of the events: it must change no result."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from pandas.testing import assert_frame_equal

from cpo_kit import load_company
from cpo_kit.company import company_from_frames
from cpo_kit.metrics.suite import events_suite
from tests.reference.suite import events_suite as reference_suite
from tests.strategies import event_logs, period_ends

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


@settings(max_examples=25, deadline=None)
@given(events=event_logs(), period_end=period_ends())
def test_the_suite_equals_each_metric_on_raw_events(events, period_end):
    company = company_from_frames({"events": events})
    _same(events_suite(company, period_end=period_end, funnel_steps=STEPS, period="month"),
          reference_suite(events, period_end=period_end, funnel_steps=STEPS, period="month"))
