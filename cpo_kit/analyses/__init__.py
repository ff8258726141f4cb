"""Analyses of the small planning tables: strategy, market, pricing, roadmap, finance, team.

Unlike the metrics, which are KPIs defined once in a registry and computed on any
engine, these are the worked methods of the playbook's chapters (a growth-share
matrix, a Van Westendorp meter, an exact roadmap selection): plain functions on
pandas DataFrames.

Imports :mod:`cpo_kit.core`, :mod:`cpo_kit.metrics` and :mod:`cpo_kit.inputs` (the
contract's column sets), nothing after them.
"""
