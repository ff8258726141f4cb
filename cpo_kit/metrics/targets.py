"""Metrics: targets (being written)."""
