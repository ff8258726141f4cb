"""Delivery: the roadmap's timeline, each commitment against its due date, predictability.

The initiatives are the same table that :mod:`cpo_kit.analyses.roadmap` scores and
plans; here they are judged, on a given day, by whether they arrived when promised.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpo_kit.analyses.roadmap import _require

#: What :func:`delivery` says of each initiative with a due date.
OUTCOMES = ("on time", "late", "overdue", "not yet due")


def timeline(initiatives: pd.DataFrame) -> pd.DataFrame:
    """The initiatives with a start and a due date that are planned, in progress or done.

    Parameters
    ----------
    initiatives : DataFrame
        The initiatives table (``start_date``, ``due_date``, ``done_date``, ``status``).

    Returns
    -------
    DataFrame
        Those rows, sorted by start date, then due date.

    Examples
    --------
    >>> work = pd.DataFrame({"initiative_id": ["I1", "I2"], "status": ["planned", "idea"],
    ...                      "start_date": pd.to_datetime(["2026-01-01", None]),
    ...                      "due_date": pd.to_datetime(["2026-03-01", None]),
    ...                      "done_date": pd.to_datetime([None, None])})
    >>> timeline(work)["initiative_id"].tolist()
    ['I1']
    """
    _require(initiatives, ("status", "start_date", "due_date"))
    rows = initiatives[initiatives["status"].isin(["planned", "in_progress", "done"])
                       & initiatives["start_date"].notna() & initiatives["due_date"].notna()]
    return rows.sort_values(["start_date", "due_date"], kind="stable").reset_index(drop=True)


def delivery(initiatives: pd.DataFrame, *, period_end) -> pd.DataFrame:
    """Whether each committed initiative was delivered by its due date, as seen on ``period_end``.

    Every initiative with a due date that is not dropped is one of:

    - *on time*: done by ``period_end``, on or before its due date;
    - *late*: done by ``period_end``, after its due date;
    - *overdue*: not done by ``period_end`` although due before it;
    - *not yet due*: not done, due on ``period_end`` or later.

    A done date after ``period_end`` is not known on ``period_end``: such work counts as
    not done (``done_after_period_end`` flags it). ``slippage_days`` is done date minus
    due date (negative: early) for delivered work and ``period_end`` minus due date, the
    delay so far, for overdue work.

    Parameters
    ----------
    initiatives : DataFrame
        The initiatives table (``initiative_id``, ``title``, ``status``, ``due_date``,
        ``done_date``).
    period_end : date-like
        The day delivery is judged on.

    Returns
    -------
    DataFrame
        ``initiative_id``, ``title``, ``status``, ``due_date``, ``done_date``,
        ``outcome`` (one of :data:`OUTCOMES`), ``slippage_days`` and
        ``done_after_period_end``, sorted by due date.

    Examples
    --------
    >>> work = pd.DataFrame({"initiative_id": ["I1"], "title": ["x"], "status": ["done"],
    ...                      "due_date": pd.to_datetime(["2026-09-01"]),
    ...                      "done_date": pd.to_datetime(["2026-09-11"])})
    >>> delivery(work, period_end="2026-10-31")[["outcome", "slippage_days"]].values.tolist()
    [['late', 10.0]]
    """
    _require(initiatives, ("initiative_id", "title", "status", "due_date"))
    end = pd.Timestamp(period_end).normalize()
    rows = initiatives[initiatives["due_date"].notna() & (initiatives["status"] != "dropped")]
    out = rows[["initiative_id", "title", "status", "due_date"]].copy()
    out["due_date"] = pd.to_datetime(out["due_date"])
    done = (pd.to_datetime(rows["done_date"]) if "done_date" in rows
            else pd.Series(pd.NaT, index=rows.index))
    out["done_date"] = done
    finished = (rows["status"] == "done") & done.notna()
    known = finished & (done <= end)
    out["outcome"] = np.select(
        [known & (done <= out["due_date"]), known, out["due_date"] < end],
        ["on time", "late", "overdue"], default="not yet due")
    slip = np.where(known, (done - out["due_date"]).dt.days,
                    np.where(out["outcome"] == "overdue", (end - out["due_date"]).dt.days,
                             np.nan))
    out["slippage_days"] = slip.astype("float64")
    out["done_after_period_end"] = finished & (done > end)
    return out.sort_values(["due_date", "initiative_id"], kind="stable").reset_index(drop=True)


@dataclass
class Predictability:
    """How reliably committed work arrives on time.

    ``due`` counts the initiatives on time, late or overdue; ``on_time_share`` is
    ``on_time / due`` (NaN when nothing was due); the slippage is in days, of the
    delivered work only (early work counts negative; NaN without any).
    """

    due: int
    on_time: int
    late: int
    overdue: int
    on_time_share: float
    mean_slippage: float
    median_slippage: float


def predictability(outcomes: pd.DataFrame) -> Predictability:
    """Sum up the output of :func:`delivery`.

    Parameters
    ----------
    outcomes : DataFrame
        The output of :func:`delivery`.

    Returns
    -------
    Predictability

    Examples
    --------
    >>> outcomes = pd.DataFrame({"outcome": ["on time", "late", "overdue"],
    ...                          "slippage_days": [-2.0, 10.0, 30.0]})
    >>> predictability(outcomes).median_slippage
    4.0
    """
    counts = outcomes["outcome"].value_counts()
    on_time, late, overdue = (int(counts.get(k, 0)) for k in ("on time", "late", "overdue"))
    due = on_time + late + overdue
    delivered = outcomes.loc[outcomes["outcome"].isin(["on time", "late"]), "slippage_days"]
    return Predictability(due, on_time, late, overdue,
                          on_time / due if due else math.nan,
                          float(delivered.mean()) if len(delivered) else math.nan,
                          float(delivered.median()) if len(delivered) else math.nan)
