"""The metric registry: :func:`metric` registers a function under its name, with its
definition, formula, unit and the tables it needs; :func:`registered` gives every
registered metric (importing the families that register them); :func:`compute` runs
one by name on a company, refusing it when a table it needs is missing.

Imports only :mod:`cpo_kit.core`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from cpo_kit.core.errors import MissingTables


@dataclass(frozen=True)
class Metric:
    """One metric.

    Parameters
    ----------
    name : str
        Identifier, such as ``mrr``.
    family : str
        One of :data:`FAMILIES`: where the metric is listed in the glossary.
    title : str
        How the metric is named for people.
    definition : str
        One sentence that says what it measures, including any choice made
        where sources disagree.
    formula : str
        The formula as text, for the glossary.
    needs : dict
        Table name to the columns the metric reads.
    unit : str
        One of :data:`UNITS`: how values are written and plotted.
    func : callable
        ``func(company, **options)`` computing it.
    """

    name: str
    family: str
    title: str
    definition: str
    formula: str
    needs: dict[str, tuple[str, ...]]
    unit: str
    func: Callable


METRICS: dict[str, Metric] = {}
#: The modules whose ``@metric`` definitions fill :data:`METRICS`.
FAMILY_MODULES = ("features", "funnel", "headline", "retention", "revenue", "targets",
                  "unit_economics", "usage", "voice")
FAMILIES = ("usage", "retention", "funnel", "revenue", "voice", "targets")
UNITS = ("currency", "users", "accounts", "count", "score", "share", "ratio", "days", "months")


def metric(name: str, *, family: str, title: str, definition: str, formula: str,
           needs: dict[str, tuple[str, ...]], unit: str) -> Callable:
    """Register the decorated function as a metric."""
    def register(func: Callable) -> Callable:
        if name in METRICS:
            raise ValueError(f"metric {name!r} is registered twice")
        if family not in FAMILIES or unit not in UNITS:
            raise ValueError(f"metric {name!r}: unknown family {family!r} or unit {unit!r}")
        METRICS[name] = Metric(name, family, title, definition, formula, needs, unit, func)
        return func
    return register


def registered() -> dict[str, Metric]:
    """:data:`METRICS` with every family's metrics in it.

    The families (and ibis with them) are imported here, when the registry is first
    read, rather than by every import of :mod:`cpo_kit.metrics`: the KPI catalogue and
    the data contract live in this package, and ``cpo-kit --help`` need not load an engine.
    """
    for module in FAMILY_MODULES:
        importlib.import_module(f"cpo_kit.metrics.{module}")
    return METRICS


def compute(name: str, company, **options):
    """Compute a registered metric on a company's data.

    Raises
    ------
    MissingTables
        When a table the metric needs was not provided.
    """
    m = registered()[name]
    missing = [t for t in m.needs if not company.has(t)]
    if missing:
        raise MissingTables(f"{m.title} needs the table(s) {', '.join(missing)}")
    return m.func(company, **options)
