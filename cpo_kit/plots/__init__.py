"""Charts in one style: one seaborn theme, readable colours, labelled axes with units.

The shared theme and the product KPI charts are reached as ``plots.<chart>``; each
other part of the playbook keeps its charts in a module of its own, imported as
``from cpo_kit.plots import pricing as pricing_plots``.
"""
from cpo_kit.plots.core import (FORMATS, PALETTE, funnel_bars, lifecycle_bars, range_band,
                                retention_heatmap, set_theme, share_lines, styled_table, trend)

__all__ = ["FORMATS", "PALETTE", "funnel_bars", "lifecycle_bars", "range_band",
           "retention_heatmap", "set_theme", "share_lines", "styled_table", "trend"]
