"""Unusual changes: a period far outside the recent range of its own series.

A weekly review cannot look at every line of every chart. This flags the periods
a reader should look at: those whose value lies far from the median of the periods
just before it, measured in robust units (the median absolute deviation), so one
earlier spike does not widen the range for the weeks after it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The median absolute deviation times this estimates the standard deviation of normal data.
MAD_TO_SD = 1.4826


def unusual_changes(data: pd.DataFrame, *, x: str, y: str, window: int = 8,
                    threshold: float = 3.0, min_relative: float = 0.05) -> pd.DataFrame:
    """Flag each period whose value is far outside the range of the ``window`` before it.

    The range is the median of the previous ``window`` values plus or minus
    ``threshold`` robust standard deviations (1.4826 × their median absolute
    deviation). Where the earlier values barely move, the deviation is taken as at
    least ``min_relative`` of their median, so a flat series does not flag every
    small wobble.

    Parameters
    ----------
    data : DataFrame
        One row per period, in any order.
    x, y : str
        The period column and the value column.
    window : int
        How many earlier periods make the recent range; periods with fewer before
        them are not judged.
    threshold : float
        How many robust standard deviations from the median count as unusual.
    min_relative : float
        The smallest deviation, relative to the median, that the range allows.

    Returns
    -------
    DataFrame
        In period order: ``x``, ``value``, ``expected`` (the median of the window),
        ``low`` and ``high`` (the range), ``score`` (distance from the median in
        robust standard deviations) and ``unusual`` (True outside the range,
        False inside it or where the period has too little history to judge).

    Examples
    --------
    >>> weeks = pd.DataFrame({"week": range(6), "users": [100, 102, 98, 101, 99, 140]})
    >>> unusual_changes(weeks, x="week", y="users", window=5)[["week", "unusual"]].tail(1)
       week  unusual
    5     5     True
    """
    if not (isinstance(window, (int, np.integer)) and window >= 2):
        raise ValueError(f"window must be a whole number of at least 2 periods, not {window!r}")
    if not threshold > 0:
        raise ValueError(f"threshold must be above zero, not {threshold!r}")
    frame = data[[x, y]].sort_values(x).reset_index(drop=True)
    values = frame[y].astype("float64")
    # shift(1): a period's own value never widens the range it is judged against.
    earlier = values.shift(1).rolling(window, min_periods=window)
    expected = earlier.median()
    mad = values.shift(1).rolling(window, min_periods=window).apply(
        lambda w: np.median(np.abs(w - np.median(w))), raw=True)
    spread = np.maximum(MAD_TO_SD * mad, min_relative * expected.abs())
    score = (values - expected) / spread
    return pd.DataFrame({
        x: frame[x], "value": values, "expected": expected,
        "low": expected - threshold * spread, "high": expected + threshold * spread,
        "score": score, "unusual": (score.abs() > threshold).fillna(False).astype(bool),
    })


def recent_unusual(series: dict[str, pd.Series], *, last: int = 12, window: int = 8,
                   threshold: float = 3.0, min_relative: float = 0.05) -> pd.DataFrame:
    """The unusual periods among the last ``last`` of several series, for a review's agenda.

    Parameters
    ----------
    series : dict of Series
        KPI name to its values, indexed by period.
    last : int
        How many of the latest periods of each series are looked at.
    window, threshold, min_relative
        As in :func:`unusual_changes`.

    Returns
    -------
    DataFrame
        One row per unusual period: ``kpi``, ``period``, ``value``, ``expected``,
        ``low``, ``high`` and ``direction`` (``"up"`` or ``"down"``), newest first.
    """
    found = []
    for kpi, values in series.items():
        frame = values.rename_axis("period").rename("value").reset_index()
        judged = unusual_changes(frame, x="period", y="value", window=window,
                                 threshold=threshold, min_relative=min_relative).tail(last)
        flagged = judged[judged["unusual"]].assign(kpi=kpi)
        flagged["direction"] = np.where(flagged["score"] > 0, "up", "down")
        found.append(flagged)
    columns = ["kpi", "period", "value", "expected", "low", "high", "direction"]
    out = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)
    return out[columns].sort_values(["period", "kpi"], ascending=[False, True],
                                    ignore_index=True)
