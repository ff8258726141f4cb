"""The metric registry: each metric defined once, with its definition, formula and needs.

The notebooks compute metrics through :func:`compute`, the book's glossary is
written from :data:`METRICS`, and the tests check each against hand-made data.
"""
from cpo_kit.metrics.registry import METRICS, Metric, compute, metric
from cpo_kit.metrics import headline  # noqa: F401  (registers the headline metrics)

__all__ = ["METRICS", "Metric", "compute", "metric"]
