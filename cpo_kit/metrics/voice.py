"""Metrics: voice (being written)."""
