"""Roadmap: RICE and WSJF scores, the best plan within capacity, effort by objective.

Both scores are value per person-month of effort: RICE divides reach × impact ×
confidence by effort, WSJF divides cost of delay by job size. Ranking by either and
filling the capacity from the top is the greedy way to plan; :func:`best_plan` solves
the same choice exactly, as a 0/1 knapsack: it maximises the total *value* (the score's
numerator) within the capacity. Adding up the scores themselves would count effort
twice.

Whether planned work then arrives on time is in :mod:`cpo_kit.analyses.delivery`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: For each score, the column holding its value (numerator) and the score column.
SCORES = {"rice": ("rice_value", "rice"), "wsjf": ("cost_of_delay", "wsjf")}
#: Statuses whose initiatives are still to be chosen: nobody has started them.
CANDIDATES = ("idea", "planned")


def score_initiatives(initiatives: pd.DataFrame, *, period_end, horizon_days: int = 180,
                      weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
                      key_results=None, min_effort: float = 0.1) -> pd.DataFrame:
    """Add RICE and WSJF, with the parts of each, to every initiative.

    RICE = reach × impact × confidence / effort. WSJF = cost of delay / job size, with
    job size = effort and cost of delay the weighted sum of three parts, each 0 to 10:

    - *user-business value*: the expected yearly benefit, relative to the largest
      among the initiatives given (10 for the largest; 0 when unknown);
    - *time criticality*: 10 for work due on or before ``period_end``, falling in a
      straight line to 0 for work due ``horizon_days`` later or more; 0 without a due
      date;
    - *risk reduction and opportunity enablement*: 10 × confidence for work that serves
      a key result (it opens the way to an objective, as sure as we are it works),
      0 otherwise.

    Effort below ``min_effort`` person-months counts as ``min_effort``, so that work
    estimated at zero gets a large but finite score.

    Parameters
    ----------
    initiatives : DataFrame
        The initiatives table: ``reach``, ``impact``, ``confidence``, ``effort``, and
        when present ``expected_benefit``, ``due_date`` and ``okr_id``.
    period_end : date-like
        The day the plan is made on.
    horizon_days : int
        How far ahead a due date still makes work urgent.
    weights : tuple of 3 floats
        Weights of value, time criticality and risk reduction in the cost of delay.
    key_results : collection of str, optional
        The known key results (the okrs' ``okr_id``); without it any ``okr_id`` counts.
    min_effort : float
        The smallest effort counted, in person-months; above 0.

    Returns
    -------
    DataFrame
        The initiatives with ``rice_value``, ``rice``, ``business_value``,
        ``time_criticality``, ``risk_reduction``, ``cost_of_delay`` and ``wsjf`` added.

    Examples
    --------
    >>> work = pd.DataFrame({"reach": [1000.0], "impact": [2.0], "confidence": [0.5],
    ...                      "effort": [4.0]})
    >>> score_initiatives(work, period_end="2026-10-31")["rice"].tolist()
    [250.0]
    """
    if horizon_days <= 0:
        raise ValueError(f"horizon_days must be above 0, not {horizon_days}")
    if min_effort <= 0:
        raise ValueError(f"min_effort must be above 0, not {min_effort}")
    if len(weights) != 3 or any(w < 0 for w in weights):
        raise ValueError(f"weights must be three numbers of at least 0, not {weights!r}")
    _require(initiatives, ("reach", "impact", "confidence", "effort"))
    out = initiatives.copy()
    number = {c: _numbers(out, c) for c in ("reach", "impact", "confidence", "effort",
                                            "expected_benefit")}
    effort = number["effort"].clip(lower=min_effort)
    out["rice_value"] = number["reach"] * number["impact"] * number["confidence"]
    out["rice"] = out["rice_value"] / effort

    benefit = number["expected_benefit"].fillna(0.0)
    out["business_value"] = 10 * benefit / benefit.max() if benefit.max() > 0 else 0.0
    due = pd.to_datetime(out["due_date"]) if "due_date" in out else pd.Series(pd.NaT,
                                                                             index=out.index)
    days = (due - pd.Timestamp(period_end).normalize()).dt.days
    out["time_criticality"] = (10 * (1 - days.clip(lower=0) / horizon_days)).clip(
        lower=0).fillna(0.0).astype("float64")
    links = out["okr_id"] if "okr_id" in out else pd.Series(pd.NA, index=out.index)
    serves = links.notna() & (links.astype("string").str.strip() != "")
    if key_results is not None:
        serves &= links.isin(set(key_results))
    out["risk_reduction"] = np.where(serves.fillna(False), 10 * number["confidence"], 0.0)
    value_w, time_w, risk_w = weights
    out["cost_of_delay"] = (value_w * out["business_value"]
                            + time_w * out["time_criticality"] + risk_w * out["risk_reduction"])
    out["wsjf"] = out["cost_of_delay"] / effort
    return out


def knapsack(values, weights, *, capacity: float, resolution: float = 0.1) -> np.ndarray:
    """The items of largest total value whose total weight fits ``capacity``, found exactly.

    Dynamic programming over weights in steps of ``resolution``: each weight is rounded
    up to a whole number of steps (so the chosen set never exceeds the capacity) and the
    capacity down. Items of zero or negative value are never chosen.

    Parameters
    ----------
    values, weights : sequence of float
        One value and one weight (at least 0) per item.
    capacity : float
        The largest total weight, at least 0.
    resolution : float
        The step of the weights, above 0.

    Returns
    -------
    ndarray of bool
        Whether each item is chosen.

    Examples
    --------
    >>> knapsack([3, 4, 4], [1, 2, 2], capacity=4, resolution=1).tolist()
    [False, True, True]
    """
    values, units, steps = _knapsack_inputs(values, weights, capacity, resolution)
    _, keep = _table(values, units, steps)
    chosen = np.zeros(len(values), dtype=bool)
    room = steps
    for item in range(len(values) - 1, -1, -1):
        if keep[item, room]:
            chosen[item] = True
            room -= units[item]
    return chosen


def greedy(values, weights, *, capacity: float, resolution: float = 0.1) -> np.ndarray:
    """The items taken in order of value per weight, each one that still fits.

    This is what ranking a backlog by RICE or WSJF and filling the capacity from the
    top does; weights are rounded as in :func:`knapsack`, so both see the same items.

    Parameters
    ----------
    values, weights, capacity, resolution
        As in :func:`knapsack`.

    Returns
    -------
    ndarray of bool
        Whether each item is chosen.

    Examples
    --------
    >>> greedy([3, 4, 4], [1, 2, 2], capacity=4, resolution=1).tolist()
    [True, True, False]
    """
    values, units, steps = _knapsack_inputs(values, weights, capacity, resolution)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(units > 0, values / np.maximum(units, 1), np.inf)
    # Stable sort: among equal ratios the larger value, then the earlier item, goes first.
    order = np.lexsort((-values, -ratio))
    chosen = np.zeros(len(values), dtype=bool)
    room = steps
    for item in order:
        if values[item] > 0 and units[item] <= room:
            chosen[item] = True
            room -= units[item]
    return chosen


def _knapsack_inputs(values, weights, capacity, resolution):
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if values.shape != weights.shape or values.ndim != 1:
        raise ValueError("values and weights must be two sequences of the same length")
    if np.isnan(values).any() or np.isnan(weights).any():
        raise ValueError("values and weights must not be missing (NaN)")
    if (weights < 0).any():
        raise ValueError("weights must be at least 0")
    if resolution <= 0:
        raise ValueError(f"resolution must be above 0, not {resolution}")
    if capacity < 0:
        raise ValueError(f"capacity must be at least 0, not {capacity}")
    # Rounding first keeps 0.3 / 0.1 at 3 steps, not 4 after floating-point noise.
    units = np.ceil(np.round(weights / resolution, 6)).astype(np.int64)
    steps = math.floor(round(capacity / resolution, 6))
    return values, units, steps


def _table(values: np.ndarray, units: np.ndarray, steps: int):
    """best[c]: the largest value within c steps; keep[i, c]: item i is in that best set."""
    best = np.zeros(steps + 1)
    keep = np.zeros((len(values), steps + 1), dtype=bool)
    for item, (value, size) in enumerate(zip(values, units)):
        if value <= 0 or size > steps:
            continue
        candidate = best[: steps + 1 - size] + value
        better = candidate > best[size:]
        keep[item, size:] = better
        best[size:] = np.where(better, candidate, best[size:])
    return best, keep


@dataclass
class Plan:
    """The best plan within the capacity, beside the greedy one.

    Attributes
    ----------
    candidates : DataFrame
        The candidate initiatives, best score first, with ``exact`` and ``greedy``:
        whether each plan takes it.
    capacity, score, resolution
        The arguments of :func:`best_plan`.
    exact_value, greedy_value, exact_effort, greedy_effort : float
        The total value and the person-months of each plan.
    """

    candidates: pd.DataFrame
    capacity: float
    score: str
    resolution: float
    exact_value: float
    greedy_value: float
    exact_effort: float
    greedy_effort: float

    @property
    def gap(self) -> float:
        """How much more value the exact plan delivers than the greedy one."""
        return self.exact_value - self.greedy_value


def best_plan(scored: pd.DataFrame, *, capacity: float, score: str = "rice",
              statuses=CANDIDATES, resolution: float = 0.1) -> Plan:
    """Choose the initiatives that deliver the most value within ``capacity`` person-months.

    Parameters
    ----------
    scored : DataFrame
        The output of :func:`score_initiatives`.
    capacity : float
        Person-months available for new work (beyond the work in progress).
    score : str
        ``rice`` (value: reach × impact × confidence) or ``wsjf`` (value: cost of delay).
    statuses : tuple of str
        The statuses of the candidate initiatives.
    resolution : float
        The step of effort in the exact solution, in person-months.

    Returns
    -------
    Plan

    Examples
    --------
    >>> work = pd.DataFrame({"reach": [3.0, 4.0, 4.0], "impact": [1.0] * 3,
    ...                      "confidence": [1.0] * 3, "effort": [1.0, 2.0, 2.0],
    ...                      "status": ["idea"] * 3})
    >>> plan = best_plan(score_initiatives(work, period_end="2026-10-31"), capacity=4)
    >>> plan.exact_value, plan.greedy_value
    (8.0, 7.0)
    """
    if score not in SCORES:
        raise ValueError(f"score must be one of {', '.join(SCORES)}, not {score!r}")
    _require(scored, ("status", "effort", *SCORES[score]))
    value, ratio = SCORES[score]
    pool = scored[scored["status"].isin(statuses)].dropna(subset=[value, "effort"])
    pool = pool.sort_values(ratio, ascending=False, kind="stable").reset_index(drop=True)
    values = pool[value].to_numpy(dtype=float)
    efforts = pool["effort"].to_numpy(dtype=float)
    pool["exact"] = knapsack(values, efforts, capacity=capacity, resolution=resolution)
    pool["greedy"] = greedy(values, efforts, capacity=capacity, resolution=resolution)
    return Plan(pool, float(capacity), score, resolution,
                float(values[pool["exact"]].sum()), float(values[pool["greedy"]].sum()),
                float(efforts[pool["exact"]].sum()), float(efforts[pool["greedy"]].sum()))


def capacity_curve(plan: Plan, *, step: float = 1.0) -> pd.DataFrame:
    """The value of the exact and the greedy plan at every capacity from 0 to all candidates.

    Parameters
    ----------
    plan : Plan
        The output of :func:`best_plan`, whose candidates, score and resolution are used.
    step : float
        The step between capacities, in person-months.

    Returns
    -------
    DataFrame
        ``capacity``, ``exact`` and ``greedy`` (total value of each plan).

    Examples
    --------
    >>> work = pd.DataFrame({"reach": [3.0, 4.0, 4.0], "impact": [1.0] * 3,
    ...                      "confidence": [1.0] * 3, "effort": [1.0, 2.0, 2.0],
    ...                      "status": ["idea"] * 3})
    >>> plan = best_plan(score_initiatives(work, period_end="2026-10-31"), capacity=4)
    >>> capacity_curve(plan, step=1)[["exact", "greedy"]].values.tolist()
    [[0.0, 0.0], [3.0, 3.0], [4.0, 3.0], [7.0, 7.0], [8.0, 7.0], [11.0, 11.0]]
    """
    if step <= 0:
        raise ValueError(f"step must be above 0, not {step}")
    resolution = plan.resolution
    values = plan.candidates[SCORES[plan.score][0]].to_numpy(dtype=float)
    efforts = plan.candidates["effort"].to_numpy(dtype=float)
    total = max(float(efforts.sum()), plan.capacity)
    capacities = np.round(np.arange(0, total + step, step), 6)
    _, units, steps = _knapsack_inputs(values, efforts, capacities[-1], resolution)
    best, _ = _table(values, units, steps)
    rows = []
    for capacity in capacities:
        room = math.floor(round(capacity / resolution, 6))
        taken = greedy(values, efforts, capacity=capacity, resolution=resolution)
        rows.append((float(capacity), float(best[room]), float(values[taken].sum())))
    return pd.DataFrame(rows, columns=["capacity", "exact", "greedy"])


#: The row of :func:`effort_by_objective` for work that serves no known key result.
NO_OBJECTIVE = "(no key result)"


def effort_by_objective(okrs: pd.DataFrame, **work: pd.DataFrame) -> pd.DataFrame:
    """The person-months each objective gets from each named set of initiatives.

    Parameters
    ----------
    okrs : DataFrame
        The okrs table (``okr_id``, ``objective``).
    **work : DataFrame
        Named sets of initiatives (``okr_id``, ``effort``), such as the work in progress
        and the plan; each becomes a column.

    Returns
    -------
    DataFrame
        ``objective`` (in the okrs table's order, then :data:`NO_OBJECTIVE` for work
        without a known key result) and one column of person-months per set.

    Examples
    --------
    >>> okrs = pd.DataFrame({"okr_id": ["K1", "K2"], "objective": ["A", "B"]})
    >>> plan = pd.DataFrame({"okr_id": ["K1", None, "K1"], "effort": [2.0, 1.0, 0.5]})
    >>> effort_by_objective(okrs, plan=plan)["plan"].tolist()
    [2.5, 0.0, 1.0]
    """
    for column in ("okr_id", "objective"):
        if column not in okrs:
            raise ValueError(f"the okrs table lacks the column {column}")
    objective_of = okrs.drop_duplicates("okr_id").set_index("okr_id")["objective"]
    out = pd.DataFrame({"objective": [*pd.unique(okrs["objective"]), NO_OBJECTIVE]})
    for name, frame in work.items():
        _require(frame, ("effort",))
        links = frame["okr_id"] if "okr_id" in frame else pd.Series(pd.NA, index=frame.index)
        objective = links.map(objective_of).fillna(NO_OBJECTIVE)
        effort = pd.to_numeric(frame["effort"], errors="coerce").astype("float64")
        totals = effort.groupby(objective).sum()
        out[name] = out["objective"].map(totals).fillna(0.0).astype("float64")
    return out


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64")


def _require(frame: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the initiatives table lacks the column(s) {', '.join(missing)}")
