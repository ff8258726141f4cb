"""The KPI catalogue and the metric registry: each KPI and each metric described once.

:mod:`~cpo_kit.metrics.kpis` lists the KPIs the playbook scores against a company's
targets; :data:`METRICS` holds every metric with its definition, formula, unit and the
tables it needs, from which the book's glossary is written. A metric is computed by
calling its function (``metrics.revenue.mrr_movements(company, ...)``), as the
notebooks do, or by name through :func:`compute`, as the KPI overview does; both run
the same code, and the tests check each against hand-made data. Events metrics are
ibis expressions run where the events live; only aggregates come back as pandas
DataFrames.

Imports only :mod:`cpo_kit.core`.
"""
from cpo_kit.metrics.registry import Metric, compute, metric, registered

__all__ = ["METRICS", "Metric", "compute", "metric"]


def __getattr__(name: str):
    # METRICS is filled when first asked for (see registered), not on import.
    if name == "METRICS":
        return registered()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
