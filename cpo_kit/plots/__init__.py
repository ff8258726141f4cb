"""Charts in one style: one seaborn theme, readable colours, labelled axes with units.

The shared theme and the product KPI charts are reached as ``plots.<chart>``; each
other part of the playbook keeps its charts in a module of its own, imported as
``from cpo_kit.plots import pricing as pricing_plots``. A chart with no row to draw
draws nothing and returns None; :func:`nothing_to_draw` says why in its place.

Imports only :mod:`cpo_kit.core` (for the company's number formats).
"""
from cpo_kit.plots.core import (FORMATS, PALETTE, funnel_bars, lifecycle_bars, nothing_to_draw,
                                range_band, retention_heatmap, set_theme, share_lines, slant_dates,
                                stacked, styled_table, trend)

__all__ = ["FORMATS", "PALETTE", "funnel_bars", "lifecycle_bars", "nothing_to_draw",
           "range_band", "retention_heatmap", "set_theme", "share_lines", "slant_dates",
           "stacked", "styled_table", "trend"]
