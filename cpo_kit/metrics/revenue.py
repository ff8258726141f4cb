"""Metrics: revenue (being written)."""
