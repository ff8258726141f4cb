"""The MRR forecast and its backtest.

The hand-made series: log MRR = log 1000 + 0.05 t + 0.01 r_t for months t = 0, 1, ...,
where r repeats (+1, -1, -1, +1). Over any whole number of repeats r sums to zero and
is orthogonal to t (4k - (4k+1) - (4k+2) + (4k+3) = 0), so a least-squares line through
the first 12 months is exactly log 1000 + 0.05 t and its residuals are 0.01 r, giving

    sigma² = 12 × 0.01² / (12 - 2)             sigma = 0.0109545
    one month ahead (t = 12): centre = log 1000 + 0.6, forecast = 1000 e^0.6 = 1822.119
    spread = sigma × sqrt(1 + 1/12 + (12 - 5.5)² / 143) = 0.0128629
    80%: t(10 dof, 0.90) = 1.372184 -> 1822.119 × e^(∓0.0176502) = 1790.240 .. 1854.565
    95%: t(10 dof, 0.975) = 2.228139 -> 1770.637 .. 1875.097

Held out, months 12-17 have r = +1, -1, -1, +1, +1, -1 around the same line, so the
forecast misses each by e^(±0.01): errors of 1 - e^-0.01 = 0.0099502 (r = +1) and
e^0.01 - 1 = 0.0100502 (r = -1), a MAPE of 0.0100002, all inside the 80% interval.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cpo_kit.analyses.forecast import METHODS, backtest, compare_methods, forecast_mrr, monthly_mrr

PATTERN = [1, -1, -1, 1]


def series(months: int, *, noise: float = 0.01, start: str = "2025-01-01") -> pd.DataFrame:
    t = np.arange(months)
    r = np.array([PATTERN[i % 4] for i in t])
    return pd.DataFrame({"month": pd.date_range(start, periods=months, freq="MS"),
                         "mrr": 1000 * np.exp(0.05 * t + noise * r)})


# --- monthly totals -------------------------------------------------------------------------

def test_monthly_mrr_sums_accounts_and_products_over_complete_months():
    mrr = pd.DataFrame({
        "account_id": ["A", "A", "B", "A", "B", "A"],
        "product_id": ["P1", "P2", "P1", "P1", "P1", "P1"],
        "month": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-01", "2026-03-01",
                                 "2026-03-01", "2026-04-01"]),
        "mrr": [100.0, 20.0, 50.0, 110.0, 60.0, 999.0]})
    out = monthly_mrr(mrr, period_end="2026-04-15")  # April is not complete
    assert out["month"].dt.strftime("%Y-%m").tolist() == ["2026-01", "2026-02", "2026-03"]
    assert out["mrr"].tolist() == [170.0, 0.0, 170.0]  # a month without rows is zero


# --- forecasts ------------------------------------------------------------------------------

def test_loglinear_forecast_and_intervals_by_hand():
    out = forecast_mrr(series(12), months=1, method="loglinear")
    row = out.iloc[0]
    assert row["month"] == pd.Timestamp("2026-01-01")
    assert row["forecast"] == pytest.approx(1822.1188, abs=1e-3)
    assert row["lower_80"] == pytest.approx(1790.2401, abs=1e-3)
    assert row["upper_80"] == pytest.approx(1854.5652, abs=1e-3)
    assert row["lower_95"] == pytest.approx(1770.6375, abs=1e-3)
    assert row["upper_95"] == pytest.approx(1875.0969, abs=1e-3)


def test_exact_growth_is_continued_exactly():
    history = pd.DataFrame({"month": pd.date_range("2025-01-01", periods=12, freq="MS"),
                            "mrr": [1000.0 * 1.05 ** i for i in range(12)]})
    out = forecast_mrr(history, months=3, method="loglinear", levels=(0.8,))
    assert out["forecast"].tolist() == pytest.approx([1000 * 1.05 ** i for i in (12, 13, 14)])
    assert list(out.columns) == ["month", "forecast", "lower_80", "upper_80"]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_ordered_widening_intervals(method):
    out = forecast_mrr(series(24), months=12, method=method)
    assert len(out) == 12
    assert out["month"].iloc[-1] == pd.Timestamp("2027-12-01")
    assert (out["lower_95"] < out["lower_80"]).all()
    assert (out["lower_80"] < out["forecast"]).all()
    assert (out["forecast"] < out["upper_80"]).all()
    assert (out["upper_80"] < out["upper_95"]).all()
    width = out["upper_80"] - out["lower_80"]
    assert width.is_monotonic_increasing
    # Intervals are symmetric in log: the forecast is the geometric mean of the bounds.
    assert (out["lower_80"] * out["upper_80"]).tolist() == pytest.approx(
        (out["forecast"] ** 2).tolist())


@pytest.mark.parametrize("method", ["ets", "ets_damped"])
def test_ets_is_deterministic(method):
    first = forecast_mrr(series(24), months=6, method=method)
    again = forecast_mrr(series(24), months=6, method=method)
    pd.testing.assert_frame_equal(first, again)


def test_ets_follows_a_steady_growth_and_damping_slows_it():
    # Six months after month 23 the line is at 1000 e^(0.05 × 29) = 4263.1; the last
    # month seen (r = +1) is 1000 e^1.16 = 3189.8.
    steady = forecast_mrr(series(24), months=6, method="ets")["forecast"].iloc[-1]
    damped = forecast_mrr(series(24), months=6, method="ets_damped")["forecast"].iloc[-1]
    assert steady == pytest.approx(4263.1, rel=0.05)
    assert 3189.8 < damped < steady


@pytest.mark.parametrize("history, kwargs, message", [
    (series(11), {}, "a forecast needs at least 12 months of history, got 11"),
    (series(12), {"method": "arima"},
     "method must be one of ets_damped, ets, loglinear, not 'arima'"),
    (series(12), {"levels": (0.8, 1.0)}, "each level must lie between 0 and 1, not 1.0"),
    (series(12), {"months": 0}, "months must be at least 1, not 0"),
    (series(13).drop(index=5), {}, "the history's months must be consecutive"),
    (series(12).assign(mrr=lambda f: f["mrr"].where(f.index != 3, 0.0)), {},
     "every month of the history needs an MRR above 0"),
    (series(12).rename(columns={"mrr": "revenue"}), {}, "history has no column 'mrr'"),
])
def test_forecast_refuses_bad_input(history, kwargs, message):
    with pytest.raises(ValueError, match=message):
        forecast_mrr(history, **kwargs)


# --- backtest -------------------------------------------------------------------------------

def test_backtest_by_hand():
    result = backtest(series(18), holdout=6, method="loglinear")
    table = result.table
    assert table["month"].dt.strftime("%Y-%m").tolist() == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    line = [1000 * math.exp(0.05 * t) for t in range(12, 18)]
    assert table["forecast"].tolist() == pytest.approx(line)
    assert table["actual"].tolist() == pytest.approx(
        [v * math.exp(0.01 * r) for v, r in zip(line, [1, -1, -1, 1, 1, -1])])
    assert result.mape == pytest.approx(0.0100002, abs=1e-7)
    assert result.coverage == {0.8: 1.0, 0.95: 1.0}
    assert table["inside_80"].all() and result.method == "loglinear"


def test_backtest_counts_months_outside_the_interval():
    history = series(18)
    # Month 17 jumps to twice the trend: far outside any interval.
    history.loc[17, "mrr"] = 2 * 1000 * math.exp(0.05 * 17)
    result = backtest(history, holdout=6, method="loglinear", levels=(0.8,))
    assert result.table["inside_80"].tolist() == [True] * 5 + [False]
    assert result.coverage == {0.8: pytest.approx(5 / 6)}


def test_backtest_needs_enough_months_left_to_fit():
    with pytest.raises(ValueError, match="a backtest holding out 6 months needs at least 18 "
                                         "months of history, got 17"):
        backtest(series(17), holdout=6)
    with pytest.raises(ValueError, match="holdout must be at least 1 month, not 0"):
        backtest(series(18), holdout=0)


def test_compare_methods_one_row_each():
    out = compare_methods(series(18), holdout=6)
    assert out["method"].tolist() == list(METHODS)
    assert list(out.columns) == ["method", "mape", "coverage_80", "coverage_95"]
    assert out.loc[out["method"] == "loglinear", "mape"].item() == pytest.approx(0.0100002,
                                                                                 abs=1e-7)
