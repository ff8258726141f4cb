"""The headline numbers are honest about their periods: nothing after period_end, like for like."""
from __future__ import annotations

import pandas as pd
import pytest

from cpo_kit.metrics.headline import headline_numbers
from tests.companies import company_from_frames


def _events(rows):
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "event"]).astype(
        {"timestamp": "datetime64[us]"})


@pytest.fixture
def month_in_progress():
    """Four users in October; in November (to the 23rd) five, three of them after the 10th.

    On 1-10 October users a and b came; on 1-10 November a, b and c came, so the
    same days show growth although November so far (to the 10th) has fewer users
    than the whole of October.
    """
    return company_from_frames({"events": _events([
        ("a", "2026-10-02 09:00", "login"), ("b", "2026-10-09 09:00", "login"),
        ("c", "2026-10-20 09:00", "login"), ("d", "2026-10-30 09:00", "login"),
        ("a", "2026-11-03 09:00", "login"), ("b", "2026-11-04 09:00", "login"),
        ("c", "2026-11-10 23:59", "login"),
        # After the period end: not counted.
        ("d", "2026-11-11 00:00", "login"), ("e", "2026-11-20 09:00", "login"),
    ])})


def test_a_partial_month_is_compared_with_the_same_days_of_the_month_before(month_in_progress):
    row = headline_numbers(month_in_progress, period_end="2026-11-10").set_index("key").loc["mau"]
    # November 1-10: a, b, c. October 1-10: a, b.
    assert (row["value"], row["previous"]) == (3, 2)
    assert row["change"] == pytest.approx(0.5)
    assert row["basis"] == ("November 1-10 against the same days of October (1-10): November "
                            "is not complete")


def test_a_whole_month_is_compared_with_the_whole_month_before(month_in_progress):
    row = headline_numbers(month_in_progress, period_end="2026-10-31").set_index("key").loc["mau"]
    assert (row["value"], row["change"]) == (4, pytest.approx(float("nan"), nan_ok=True))
    assert row["basis"] == "October 2026 against September 2026"


def _surveys(rows):
    frame = pd.DataFrame(rows, columns=["response_id", "submitted_at", "nps"])
    return frame.assign(survey="nps").astype({"submitted_at": "datetime64[us]",
                                              "nps": "Int64"})


def test_nps_ignores_answers_after_period_end():
    company = company_from_frames({"surveys": _surveys([
        ("r1", "2026-09-01 10:00", 10), ("r2", "2026-10-15 10:00", 10),
        ("r3", "2026-10-20 10:00", 3),
        # After 2026-10-20: two detractors that must not count.
        ("r4", "2026-10-21 00:00", 0), ("r5", "2026-10-30 10:00", 2),
        # Before the previous window (the 90 days to 20 September) began on 23 June.
        ("r6", "2026-06-01 10:00", 0),
    ])})
    row = headline_numbers(company, period_end="2026-10-20").set_index("key").loc["nps"]
    # The 90 days to 20 October: r1, r2 promoters, r3 a detractor: (2 - 1) / 3.
    assert row["value"] == pytest.approx(100 / 3)
    # The 90 days to 20 September: r1 alone, a promoter.
    assert row["previous"] == 100
    assert row["basis"] == "the 90 days to 20 October against the 90 days to 20 September"
