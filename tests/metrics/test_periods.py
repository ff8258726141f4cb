"""Weeks start on the company's day: Monday by default, any other day when set."""
from __future__ import annotations

import pandas as pd
import pytest

from cpo_kit.metrics import periods
from cpo_kit.metrics.periods import start_of, use_week_start
from cpo_kit.metrics.retention import retention
from cpo_kit.metrics.usage import active_users
from tests.companies import company_from_frames


@pytest.fixture
def sunday_weeks():
    use_week_start("sunday")
    yield
    use_week_start("monday")


@pytest.fixture
def events():
    """Sunday 1 November 2026 and the Saturday and Sunday after it."""
    frame = pd.DataFrame({"user_id": ["a", "b", "a", "c"],
                          "timestamp": ["2026-11-01 10:00", "2026-11-02 10:00",
                                        "2026-11-07 23:00", "2026-11-08 09:00"],
                          "event": "open"}).astype({"timestamp": "datetime64[us]"})
    return company_from_frames({"events": frame}).table("events")


def test_monday_weeks_by_default(events):
    out = active_users(events, period="week", period_end="2026-11-15")
    # Week of Monday 26 October: a (Sunday 1st); of 2 November: b, a, c.
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-10-26", "2026-11-02",
                                                              "2026-11-09"]
    assert out["users"].tolist() == [1, 3, 0]


def test_sunday_weeks_when_the_company_starts_them_on_sunday(events, sunday_weeks):
    out = active_users(events, period="week", period_end="2026-11-14")
    # Week of Sunday 1 November: a, b, a again; of Sunday 8 November: c.
    assert out["period"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-01", "2026-11-08"]
    assert out["users"].tolist() == [2, 1]
    assert out["complete"].tolist() == [True, True]
    assert start_of("2026-11-04", "week") == pd.Timestamp("2026-11-01")


def test_retention_cohorts_follow_the_week_start(events, sunday_weeks):
    out = retention(events, period="week", period_end="2026-11-14")
    cohorts = out[out["period_number"] == 0].set_index("cohort")["cohort_size"]
    assert {d.strftime("%Y-%m-%d"): n for d, n in cohorts.items()} == {"2026-11-01": 2,
                                                                      "2026-11-08": 1}
    # a and b joined in the week of 1 November; neither came back in the next.
    week_one = out[(out["period_number"] == 1)]
    assert week_one["users"].tolist() == [0]


@pytest.mark.parametrize("name", ["Sun", "funday", 6])
def test_a_week_start_that_is_no_day_is_refused(name):
    with pytest.raises(ValueError, match="is not a day of the week: expected one of monday"):
        periods.check_week_start(name)
