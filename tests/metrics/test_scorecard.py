"""The product scorecard, on hand-made suite tables."""
import pandas as pd
import pytest

from cpo_kit.metrics.scorecard import product_scorecard


@pytest.fixture
def suite():
    weeks = pd.date_range("2026-09-07", periods=4, freq="7D")
    return {
        "wau": pd.DataFrame({"period": weeks, "users": [90, 100, 110, 40],
                             "complete": [True, True, True, False]}),
        "stickiness": pd.DataFrame({"month": pd.to_datetime(["2026-08-01", "2026-09-01"]),
                                    "stickiness": [0.20, 0.25]}),
        # Week-1 retention of five cohorts; the last cohort has not reached week 1.
        "retention": pd.DataFrame({
            "cohort": list(pd.date_range("2026-08-03", periods=5, freq="7D")) * 2,
            "cohort_size": [10, 20, 10, 20, 30] * 2,
            "period_number": [0] * 5 + [1] * 5,
            "users": [10, 20, 10, 20, 30] + [5, 4, 5, 6, 0],
        }).query("not (period_number == 1 and cohort == cohort.max())"),
    }


@pytest.fixture
def weekly_funnel():
    weeks = pd.date_range("2026-09-07", periods=5, freq="7D")
    return pd.DataFrame({
        "period": list(weeks) * 2,
        "step": [1] * 5 + [2] * 5,
        "users": [10, 10, 20, 20, 50] + [2, 3, 4, 6, 40],
        "complete": [True] * 4 + [False] + [True] * 4 + [False],
    })


def test_scorecard_takes_the_last_complete_periods_and_pools_cohorts(suite, weekly_funnel):
    out = product_scorecard(suite, weekly_funnel, retention_period=1, pooled=2)
    expected = pd.DataFrame({
        "key": ["wau", "stickiness", "week_1_retention", "activation"],
        "kpi": ["Weekly active users", "Stickiness (DAU / MAU)", "Week-1 retention",
                "Activation (whole funnel)"],
        "unit": ["count", "share", "share", "share"],
        # Retention pools cohorts 3 and 4: (5 + 6) / (10 + 20); before them 1 and 2:
        # (5 + 4) / (10 + 20). Activation pools complete weeks 3 and 4: (4 + 6) / (20 + 20);
        # weeks 1 and 2: (2 + 3) / (10 + 10).
        "value": [110, 0.25, 11 / 30, 10 / 40],
        "previous": [100, 0.20, 9 / 30, 5 / 20],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_too_little_history_leaves_the_previous_value_missing(suite, weekly_funnel):
    out = product_scorecard(suite, weekly_funnel, retention_period=1, pooled=3)
    # Four cohorts reached week 1: one pool of three, not two.
    assert out.loc[2, "value"] == pytest.approx((4 + 5 + 6) / 50)
    assert pd.isna(out.loc[2, "previous"]) and pd.isna(out.loc[3, "previous"])
