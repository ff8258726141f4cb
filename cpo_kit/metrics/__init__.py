"""The metric registry: each metric defined once, with its definition, formula and needs.

The notebooks compute metrics through :func:`compute`, the book's glossary is
written from :data:`METRICS`, and the tests check each against hand-made data.
Events-heavy metrics are ibis expressions run where the events live; only
aggregates come back as pandas DataFrames.
"""
from cpo_kit.metrics.registry import METRICS, Metric, MissingTables, compute, metric
# Importing a family registers its metrics.
from cpo_kit.metrics import (  # noqa: F401,E402
    funnel, headline, retention, revenue, targets, unit_economics, usage, voice)

__all__ = ["METRICS", "Metric", "MissingTables", "compute", "metric"]
