"""Unusual changes: hand-worked series."""
import pandas as pd
import pytest

from cpo_kit.metrics.changes import recent_unusual, unusual_changes


def _weeks(values):
    return pd.DataFrame({"week": pd.date_range("2026-01-05", periods=len(values), freq="7D"),
                         "users": values})


def test_a_spike_is_flagged_against_the_median_and_robust_spread():
    # Window 100, 102, 98, 101, 99: median 100, absolute deviations 0, 2, 2, 1, 1 so the
    # MAD is 1 and 1.4826 × 1 is below 5% of 100, so the spread is 5: range 85 to 115.
    out = unusual_changes(_weeks([100, 102, 98, 101, 99, 140]), x="week", y="users", window=5)
    last = out.iloc[-1]
    assert (last["expected"], last["low"], last["high"], last["score"]) == (100, 85, 115, 8)
    assert out["unusual"].tolist() == [False] * 5 + [True]
    assert out["low"].iloc[:5].isna().all()


def test_the_spread_of_a_noisy_window_comes_from_its_mad():
    # Window 100, 120, 80, 110, 90: median 100, deviations 0, 20, 20, 10, 10, MAD 10,
    # spread 14.826; 140 is 2.70 spreads away: inside a threshold of 3, outside one of 2.
    series = _weeks([100, 120, 80, 110, 90, 140])
    wide = unusual_changes(series, x="week", y="users", window=5).iloc[-1]
    assert wide["score"] == pytest.approx(40 / 14.826)
    assert not wide["unusual"]
    assert unusual_changes(series, x="week", y="users", window=5, threshold=2)["unusual"].iloc[-1]


def test_a_drop_is_flagged_too_and_the_spike_does_not_widen_the_next_range():
    # The spike at week 5 is flagged; week 6 is judged on 102, 98, 101, 99, 40 (median 99,
    # MAD 2, spread 4.95) and 99 is as expected; week 7 on 98, 101, 99, 40, 99 (median 99,
    # MAD 1, spread 4.95): 60 is a drop of 39 / 4.95.
    out = unusual_changes(_weeks([100, 102, 98, 101, 99, 40, 99, 60]), x="week", y="users",
                          window=5)
    assert out["unusual"].tolist() == [False] * 5 + [True, False, True]
    assert out["score"].iloc[-1] == pytest.approx(-39 / 4.95)


def test_rows_are_judged_in_period_order_whatever_the_input_order():
    series = _weeks([100, 102, 98, 101, 99, 140]).iloc[::-1]
    out = unusual_changes(series, x="week", y="users", window=5)
    assert out["week"].is_monotonic_increasing and out["unusual"].iloc[-1]


@pytest.mark.parametrize("options, message", [
    ({"window": 1}, "window must be a whole number of at least 2 periods, not 1"),
    ({"window": 2.5}, "window must be a whole number of at least 2 periods, not 2.5"),
    ({"threshold": 0}, "threshold must be above zero, not 0"),
])
def test_bad_options_are_refused_with_the_reason(options, message):
    with pytest.raises(ValueError, match=message):
        unusual_changes(_weeks([1, 2, 3]), x="week", y="users", **options)


def test_recent_unusual_lists_the_flagged_periods_of_every_series_newest_first():
    weeks = pd.date_range("2026-01-05", periods=7, freq="7D")
    series = {"active users": pd.Series([100, 102, 98, 101, 99, 140, 100], index=weeks),
              "new users": pd.Series([10, 10, 10, 10, 10, 10, 2], index=weeks)}
    out = recent_unusual(series, last=3, window=5)
    # New users: window of five 10s, spread 0.5 (5% of 10), 2 is 16 spreads below.
    assert out[["kpi", "period", "value", "expected", "direction"]].values.tolist() == [
        ["new users", weeks[6], 2.0, 10.0, "down"],
        ["active users", weeks[5], 140.0, 100.0, "up"]]
    assert recent_unusual(series, last=1, window=5)["kpi"].tolist() == ["new users"]
