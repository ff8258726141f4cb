"""Metrics: retention (being written)."""
