"""Metrics: funnel (being written)."""
