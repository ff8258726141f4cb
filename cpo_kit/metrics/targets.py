"""Targets: where each KPI stands against its target, as green, amber or red.

:func:`status_against_targets` is a plain function rather than a registered
metric: it reads no table of the company but KPI values already computed (such
as :func:`cpo_kit.metrics.headline.headline_numbers`' table) and targets that a
team sets, so it has nothing to declare in ``needs`` and nothing to put in the
glossary.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

# Defined with the KPI catalogue, which the contract reads without the metrics package.
from cpo_kit.metrics.kpis import AMBER_WITHIN

STATUSES = ("green", "amber", "red")
COLUMNS = ("kpi", "value", "previous", "change", "target", "direction", "status")


def status_against_targets(values, targets: Mapping[str, Mapping]) -> pd.DataFrame:
    """Compare each KPI with its target.

    A KPI is green when it is on the right side of its target (meeting it exactly
    counts), amber when it is on the wrong side by at most ``amber_within`` times
    the target's size, and red beyond. With a target of 0 a relative tolerance
    means nothing, so ``amber_within`` is then read as an absolute distance in the
    KPI's own unit.

    Parameters
    ----------
    values : DataFrame or mapping
        The KPIs' values: a frame with columns ``kpi``, ``value`` and optionally
        ``previous`` (the table of ``headline_numbers`` fits), or a mapping from
        KPI to ``{"value": ..., "previous": ...}`` or to the value alone.
    targets : mapping
        KPI to ``{"target": x, "higher_is_better": True, "amber_within": 0.05}``;
        only ``target`` is required.

    Returns
    -------
    DataFrame
        One row per KPI of ``targets``, in its order: ``kpi``, ``value``,
        ``previous``, ``change`` (``value - previous`` in the KPI's unit, NaN
        without a previous value), ``target``, ``direction`` (``"higher"`` or
        ``"lower"``: which is better) and ``status`` (``"green"``, ``"amber"`` or
        ``"red"``; missing when the value is).

    Raises
    ------
    ValueError
        When a KPI of ``targets`` has no value, or a target is malformed.

    Examples
    --------
    >>> status_against_targets({"NPS": {"value": 38, "previous": 35}},
    ...                        {"NPS": {"target": 40}})[["kpi", "change", "status"]]
       kpi  change status
    0  NPS     3.0  amber
    """
    known = _values(values)
    rows = []
    for kpi, spec in targets.items():
        if kpi not in known.index:
            raise ValueError(f"no value for the KPI {kpi!r}; values are given for: "
                             + ", ".join(map(str, known.index)))
        target, higher, tolerance = _spec(kpi, spec)
        value, previous = known.loc[kpi, "value"], known.loc[kpi, "previous"]
        rows.append((kpi, value, previous, value - previous, target,
                     "higher" if higher else "lower", _status(value, target, higher, tolerance)))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.astype({"kpi": "str", "value": "float64", "previous": "float64",
                       "change": "float64", "target": "float64", "direction": "str",
                       "status": "str"})


def _values(values) -> pd.DataFrame:
    """The values as a frame indexed by KPI, with float columns ``value`` and ``previous``."""
    if isinstance(values, pd.DataFrame):
        if not {"kpi", "value"} <= set(values.columns):
            raise ValueError("values must have the columns kpi and value (and optionally "
                             "previous)")
        frame = values.set_index("kpi")
    else:
        # A bare number is a value without a previous one.
        rows = {kpi: v if isinstance(v, Mapping) else {"value": v} for kpi, v in values.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        if rows and "value" not in frame.columns:
            raise ValueError("values must map each KPI to a number or to a dict with a value "
                             "(and optionally a previous)")
    if frame.index.duplicated().any():
        raise ValueError("values give a KPI twice: "
                         + ", ".join(map(str, frame.index[frame.index.duplicated()].unique())))
    frame = frame.reindex(columns=["value", "previous"])
    return frame.apply(pd.to_numeric, errors="coerce").astype("float64")


def _spec(kpi: str, spec: Mapping) -> tuple[float, bool, float]:
    if not isinstance(spec, Mapping) or "target" not in spec:
        raise ValueError(f"the target of {kpi!r} must be a mapping with a 'target'")
    unknown = set(spec) - {"target", "higher_is_better", "amber_within"}
    if unknown:
        raise ValueError(f"the target of {kpi!r} has unknown key(s): {', '.join(sorted(unknown))}")
    target = float(spec["target"])
    tolerance = float(spec.get("amber_within", AMBER_WITHIN))
    if not np.isfinite(target):
        raise ValueError(f"the target of {kpi!r} must be a finite number, not {spec['target']!r}")
    if not tolerance >= 0:
        raise ValueError(f"amber_within of {kpi!r} must be zero or more, not "
                         f"{spec['amber_within']!r}")
    higher = spec.get("higher_is_better", True)
    if not isinstance(higher, (bool, np.bool_)):
        raise ValueError(f"higher_is_better of {kpi!r} must be True or False, not {higher!r}")
    return target, bool(higher), tolerance


def _status(value: float, target: float, higher_is_better: bool, tolerance: float):
    if np.isnan(value):
        return None
    shortfall = target - value if higher_is_better else value - target
    if shortfall <= 0:
        return "green"
    allowed = tolerance * abs(target) if target != 0 else tolerance
    return "amber" if shortfall <= allowed else "red"
