"""A 12-month forecast of total MRR with prediction intervals, and an honest backtest of it.

Recurring revenue of a growing company grows by a share each month rather than by a
fixed amount, so every method here models the logarithm of MRR and turns its
forecast back into dollars at the end. The forecast line is then the *median*
outcome (half the futures above, half below) and the intervals are lopsided: wider
above than below, as growth compounds.

Methods
-------
``ets_damped`` (the default)
    Exponential smoothing with an additive, damped trend on log MRR (Holt's method
    with Gardner and McKenzie's damping) in statsmodels' state-space form, whose
    prediction intervals are exact for this model. Damping makes the growth rate
    fade slowly instead of compounding for ever, which the forecasting literature
    finds the safer default for a series this short.
``ets``
    The same without damping: the latest growth rate is carried forward for ever.
``loglinear``
    A straight line through log MRR by least squares: one constant growth rate over
    the whole history, with the classical regression prediction intervals.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cpo_kit.metrics.revenue import recurring_revenue

METHODS = ("ets_damped", "ets", "loglinear")
#: Fewer complete months than this leave too little to fit a trend and judge it.
MIN_MONTHS = 12


def monthly_mrr(mrr: pd.DataFrame, *, period_end) -> pd.DataFrame:
    """Total MRR per complete month, over every account and product.

    Parameters
    ----------
    mrr : DataFrame
        The ``mrr`` table (``account_id``, ``product_id``, ``month``, ``mrr``).
    period_end : str or Timestamp
        Last day counted; the month holding it is left out unless it is complete.

    Returns
    -------
    DataFrame
        Columns ``month`` (first day) and ``mrr``, one row per month from the first
        month of data; a month inside the range without any rows has MRR 0.

    Examples
    --------
    >>> mrr = pd.DataFrame({"account_id": ["A", "B", "A"], "product_id": ["P1"] * 3,
    ...                     "month": pd.to_datetime(["2026-01-01"] * 2 + ["2026-02-01"]),
    ...                     "mrr": [100.0, 50.0, 120.0]})
    >>> monthly_mrr(mrr, period_end="2026-02-28")["mrr"].tolist()
    [150.0, 120.0]
    """
    totals = recurring_revenue(mrr, period_end=period_end)
    return totals[["month", "mrr"]].reset_index(drop=True)


def forecast_mrr(history: pd.DataFrame, *, months: int = 12, method: str = "ets_damped",
                 levels: tuple[float, ...] = (0.8, 0.95), month: str = "month",
                 value: str = "mrr") -> pd.DataFrame:
    """Forecast MRR ``months`` ahead, with prediction intervals at each of ``levels``.

    Parameters
    ----------
    history : DataFrame
        One row per consecutive month, as from :func:`monthly_mrr`; every value above 0.
    months : int
        How many months to forecast after the last month of ``history``.
    method : str
        One of :data:`METHODS` (see the module's notes).
    levels : tuple of float
        Coverage of each prediction interval, between 0 and 1.
    month, value : str
        Columns of ``history`` holding the month (its first day) and MRR.

    Returns
    -------
    DataFrame
        Columns ``month``, ``forecast`` (the median) and, for each level such as 0.8,
        ``lower_80`` and ``upper_80``: a range the month's MRR falls in with that
        probability if the model is right.

    Raises
    ------
    ValueError
        On an unknown method, a level outside (0, 1), too short a history, a gap in
        its months or an MRR of 0 or less (its logarithm is undefined).

    Examples
    --------
    >>> history = pd.DataFrame({"month": pd.date_range("2025-01-01", periods=12, freq="MS"),
    ...                         "mrr": [1000.0 * 1.05 ** i for i in range(12)]})
    >>> out = forecast_mrr(history, months=3, method="loglinear")
    >>> list(out.columns)
    ['month', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95']
    >>> round(out["forecast"].iloc[0])
    1796
    """
    series = _log_series(history, month=month, value=value)
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    for level in levels:
        if not 0 < level < 1:
            raise ValueError(f"each level must lie between 0 and 1, not {level}")
    if method == "loglinear":
        centre, scale, dof = _loglinear(series, months)
    elif method in ("ets", "ets_damped"):
        centre, scale, dof = _ets(series, months, damped=method == "ets_damped")
    else:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    out = pd.DataFrame({
        "month": pd.date_range(series.index[-1], periods=months + 1, freq="MS")[1:],
        "forecast": np.exp(centre)})
    for level in levels:
        # Normal quantiles for ETS, Student's t for the regression's estimated variance.
        q = stats.t.ppf(0.5 + level / 2, dof) if dof else stats.norm.ppf(0.5 + level / 2)
        name = f"{round(level * 100):d}"
        out[f"lower_{name}"] = np.exp(centre - q * scale)
        out[f"upper_{name}"] = np.exp(centre + q * scale)
    return out.astype({"month": "datetime64[us]"})


@dataclass
class Backtest:
    """How a method did on months it did not see.

    Attributes
    ----------
    table : DataFrame
        The held-out months: ``month``, ``actual``, ``forecast``, the interval columns
        of :func:`forecast_mrr`, ``error`` (forecast - actual, USD) and, per level,
        ``inside_80`` ... (whether the actual fell inside that interval).
    mape : float
        Mean absolute percentage error over the held-out months.
    coverage : dict
        Per level, the share of held-out months whose actual fell inside the interval.
    method : str
        The method backtested.
    """

    table: pd.DataFrame
    mape: float
    coverage: dict[float, float]
    method: str


def backtest(history: pd.DataFrame, *, holdout: int = 6, method: str = "ets_damped",
             levels: tuple[float, ...] = (0.8, 0.95), month: str = "month",
             value: str = "mrr") -> Backtest:
    """Fit on all but the last ``holdout`` months, forecast those and compare.

    Parameters
    ----------
    history : DataFrame
        As for :func:`forecast_mrr`.
    holdout : int
        Months held out at the end of the history.
    method, levels, month, value
        As for :func:`forecast_mrr`.

    Returns
    -------
    Backtest

    Raises
    ------
    ValueError
        When fewer than :data:`MIN_MONTHS` months are left to fit on, or as
        :func:`forecast_mrr` does.

    Examples
    --------
    >>> history = pd.DataFrame({"month": pd.date_range("2025-01-01", periods=18, freq="MS"),
    ...                         "mrr": [1000.0 * 1.05 ** i for i in range(18)]})
    >>> result = backtest(history, holdout=6, method="loglinear")
    >>> round(result.mape, 6), result.coverage[0.8]
    (0.0, 1.0)
    """
    if holdout < 1:
        raise ValueError(f"holdout must be at least 1 month, not {holdout}")
    if len(history) - holdout < MIN_MONTHS:
        raise ValueError(f"a backtest holding out {holdout} months needs at least "
                         f"{MIN_MONTHS + holdout} months of history, got {len(history)}")
    ordered = history.sort_values(month)
    train, test = ordered.iloc[:-holdout], ordered.iloc[-holdout:]
    table = forecast_mrr(train, months=holdout, method=method, levels=levels, month=month,
                         value=value)
    table.insert(1, "actual", test[value].to_numpy(dtype=float))
    table["error"] = table["forecast"] - table["actual"]
    coverage = {}
    for level in levels:
        name = f"{round(level * 100):d}"
        inside = table["actual"].between(table[f"lower_{name}"], table[f"upper_{name}"])
        table[f"inside_{name}"] = inside
        coverage[level] = float(inside.mean())
    mape = float((table["error"].abs() / table["actual"]).mean())
    return Backtest(table, mape, coverage, method)


def compare_methods(history: pd.DataFrame, *, holdout: int = 6,
                    levels: tuple[float, ...] = (0.8, 0.95), month: str = "month",
                    value: str = "mrr") -> pd.DataFrame:
    """Backtest every method of :data:`METHODS` on the same held-out months.

    Parameters
    ----------
    history, holdout, levels, month, value
        As for :func:`backtest`.

    Returns
    -------
    DataFrame
        One row per method: ``method``, ``mape`` and ``coverage_80`` ... per level.

    Examples
    --------
    >>> history = pd.DataFrame({"month": pd.date_range("2025-01-01", periods=18, freq="MS"),
    ...                         "mrr": [1000.0 * 1.05 ** i for i in range(18)]})
    >>> compare_methods(history, levels=(0.8,))["method"].tolist()
    ['ets_damped', 'ets', 'loglinear']
    """
    rows = []
    for method in METHODS:
        result = backtest(history, holdout=holdout, method=method, levels=levels, month=month,
                          value=value)
        rows.append({"method": method, "mape": result.mape,
                     **{f"coverage_{round(lv * 100):d}": c for lv, c in result.coverage.items()}})
    return pd.DataFrame(rows)


def _log_series(history: pd.DataFrame, *, month: str, value: str) -> pd.Series:
    """Log MRR indexed by month (frequency set, so statsmodels knows the dates)."""
    for column in (month, value):
        if column not in history.columns:
            raise ValueError(f"history has no column {column!r}")
    frame = history.sort_values(month)
    months = pd.DatetimeIndex(frame[month]).to_period("M")
    if len(months) < MIN_MONTHS:
        raise ValueError(f"a forecast needs at least {MIN_MONTHS} months of history, "
                         f"got {len(months)}")
    if (np.diff(months.asi8) != 1).any():
        raise ValueError("the history's months must be consecutive, without gaps or repeats")
    values = frame[value].to_numpy(dtype=float)
    if not (values > 0).all():
        raise ValueError("every month of the history needs an MRR above 0 "
                         "(the forecast models its logarithm)")
    index = pd.date_range(months[0].to_timestamp(), periods=len(months), freq="MS")
    return pd.Series(np.log(values), index=index)


def _loglinear(series: pd.Series, months: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Centre, standard error and degrees of freedom of a least-squares line's predictions.

    statsmodels' OLS fits the line; the standard error of a new month is its
    prediction's ``se_obs``, the noise around the line plus the line's own uncertainty,
    from which ``conf_int(obs=True)`` would make the same intervals as
    :func:`forecast_mrr` does for every method.
    """
    from statsmodels.regression.linear_model import OLS

    n = len(series)
    fitted = OLS(series.to_numpy(), np.column_stack([np.ones(n), np.arange(n, dtype=float)])
                 ).fit()
    ahead = np.column_stack([np.ones(months), np.arange(n, n + months, dtype=float)])
    prediction = fitted.get_prediction(ahead)
    return (np.asarray(prediction.predicted_mean, dtype=float),
            np.asarray(prediction.se_obs, dtype=float), n - 2)


def _ets(series: pd.Series, months: int, *, damped: bool
         ) -> tuple[np.ndarray, np.ndarray, int]:
    """Centre and standard error of an additive-trend ETS model's predictions."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(series, error="add", trend="add", damped_trend=damped)
    with warnings.catch_warnings():
        # On a short series the optimiser may stop at its iteration limit; the
        # estimates it reached are still usable, and the backtest shows how good.
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = model.fit(disp=False)
    # Additive error and additive (damped) trend: statsmodels computes the exact variance.
    prediction = fitted.get_prediction(start=len(series), end=len(series) + months - 1,
                                       method="exact")
    return (np.asarray(prediction.predicted_mean, dtype=float),
            np.sqrt(np.asarray(prediction.forecast_variance, dtype=float)), 0)
