"""Customer voice: NPS within a window of time and around a dated event.

The scores themselves (NPS, CSAT, SUS) and their intervals are in
:mod:`cpo_kit.metrics.voice`; this module adds what the customer voice notebook needs
around them: the rows of a recent window, and NPS before and after a dated event with
the change's interval. What the feedback is about is in :mod:`cpo_kit.analyses.feedback`.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cpo_kit.metrics.intervals import Z_95, nps_adjusted
from cpo_kit.metrics.periods import end_exclusive, last_complete
from cpo_kit.metrics.voice import nps_by_period


def window(frame: pd.DataFrame, *, column: str, period_end, days: int | None = None,
           months: int | None = None) -> pd.DataFrame:
    """The rows of ``frame`` in the last ``days`` days, or ``months`` complete months, to
    ``period_end``.

    Parameters
    ----------
    frame : DataFrame
    column : str
        Its timestamp column.
    period_end : date-like
        The last day counted.
    days, months : int
        The window's length: one of the two.

    Returns
    -------
    DataFrame
        The rows inside the window, in their order.

    Examples
    --------
    >>> frame = pd.DataFrame({"at": pd.to_datetime(["2026-08-31 00:00", "2026-09-01 00:00",
    ...                                             "2026-10-31 18:00"])})
    >>> len(window(frame, column="at", period_end="2026-10-31", days=61))
    2
    """
    if (days is None) == (months is None):
        raise ValueError("give the window's length as days or as months, not both or neither")
    length = days if days is not None else months
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"the window must be a whole number of at least 1, not {length!r}")
    end = end_exclusive(period_end)
    if days is not None:
        start = end - pd.Timedelta(days=days)
    else:
        end = last_complete(period_end, "month") + pd.offsets.MonthBegin(1)
        start = end - pd.DateOffset(months=months)
    return frame[(frame[column] >= start) & (frame[column] < end)]


# --- NPS over a window ------------------------------------------------------------------

def nps_window(surveys: pd.DataFrame, *, start, end) -> dict:
    """NPS of the answers from ``start`` to ``end`` (both days counted), with its interval.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table.
    start, end : date-like
        The first and last day counted.

    Returns
    -------
    dict
        ``responses``, ``promoters``, ``detractors``, ``nps``, ``ci_low``, ``ci_high``,
        and ``adjusted`` and ``variance``: the NPS and its variance (points squared)
        with the adjusted Wald interval's pseudo-answers added; NaN scores without
        answers.

    Examples
    --------
    >>> surveys = pd.DataFrame({"survey": "nps", "nps": [10, 9, 7, 3],
    ...     "submitted_at": pd.to_datetime(["2026-01-02", "2026-01-03", "2026-01-04",
    ...                                     "2026-02-01"])})
    >>> round(nps_window(surveys, start="2026-01-01", end="2026-01-31")["nps"], 1)
    66.7
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise ValueError(f"end {end:%Y-%m-%d} is before start {start:%Y-%m-%d}")
    if "submitted_at" not in surveys.columns:
        raise ValueError("the surveys table lacks the column(s) submitted_at")
    inside = surveys[surveys["submitted_at"] >= start]
    row = nps_by_period(inside, period_end=end, period="overall")
    if row.empty:
        return {"responses": 0, "promoters": 0, "detractors": 0, "nps": float("nan"),
                "ci_low": float("nan"), "ci_high": float("nan"),
                "adjusted": float("nan"), "variance": float("nan")}
    r = row.iloc[0]
    adjusted, variance = nps_adjusted(r["promoters"], r["detractors"], r["responses"])
    return {"responses": int(r["responses"]), "promoters": int(r["promoters"]),
            "detractors": int(r["detractors"]), "nps": float(r["nps"]),
            "ci_low": float(r["ci_low"]), "ci_high": float(r["ci_high"]),
            "adjusted": float(adjusted), "variance": float(variance)}


def nps_change(surveys: pd.DataFrame, *, milestones: dict, months: int = 3,
               period_end) -> pd.DataFrame:
    """NPS in the months before and after each dated event, and the change with its interval.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table.
    milestones : dict
        A label (such as ``"price change"``) to the day it happened.
    months : int
        The length of each window; the one after is cut at ``period_end``.
    period_end : date-like
        The last day counted.

    Returns
    -------
    DataFrame
        One row per milestone: ``milestone``, ``date``, ``responses_before``,
        ``nps_before``, ``responses_after``, ``nps_after``, ``change`` (points) and
        ``change_low`` / ``change_high`` (its 95% interval, the two windows taken as
        independent samples). The interval is the adjusted Wald one of NPS carried
        to a difference: it is centred on the difference of the two adjusted NPS, with
        the sum of their variances, and widened where needed to take in the change
        observed. A window whose answers all agree still has a width, so one answer
        after an event does not give a narrow interval. It is written here, as
        :func:`cpo_kit.metrics.intervals.nps_interval` is, because no kept library has
        an interval of NPS: statsmodels' two-sample intervals are for one share in each
        sample, and an NPS is a difference of two shares of the same answers.

    Examples
    --------
    >>> surveys = pd.DataFrame({"survey": "nps", "nps": [10, 10, 0, 0],
    ...     "submitted_at": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-02-05",
    ...                                     "2026-02-06"])})
    >>> nps_change(surveys, milestones={"launch": "2026-02-01"}, months=1,
    ...            period_end="2026-02-28")["change"].tolist()
    [-200.0]
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a whole number of at least 1, not {months!r}")
    last = end_exclusive(period_end) - pd.Timedelta(days=1)
    rows = []
    for label, day in milestones.items():
        day = pd.Timestamp(day)
        before = nps_window(surveys, start=day - pd.DateOffset(months=months),
                            end=day - pd.Timedelta(days=1))
        after = nps_window(surveys, start=day, end=min(
            day + pd.DateOffset(months=months) - pd.Timedelta(days=1), last))
        change = after["nps"] - before["nps"]
        centre = after["adjusted"] - before["adjusted"]
        half = Z_95 * math.sqrt(before["variance"] + after["variance"])
        if math.isnan(change):  # no answers on one side: no change, and no interval
            low = high = float("nan")
        else:
            low = min(max(centre - half, -200.0), change)
            high = max(min(centre + half, 200.0), change)
        rows.append((str(label), day, before["responses"], before["nps"], after["responses"],
                     after["nps"], change, low, high))
    return pd.DataFrame(rows, columns=["milestone", "date", "responses_before", "nps_before",
                                       "responses_after", "nps_after", "change",
                                       "change_low", "change_high"]).astype(
        {"date": "datetime64[us]", "responses_before": "int64", "responses_after": "int64"})
