"""Metrics: usage (being written)."""
