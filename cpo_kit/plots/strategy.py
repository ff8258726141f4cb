"""Charts of vision and strategy: key result progress and the growth-share matrix."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["growth_share_matrix", "kr_progress_bars"]

_COLOURS = sns.color_palette(PALETTE)
#: Status colours: green, amber and red from the colourblind palette, grey when unknown.
STATUS_COLOURS = {"on track": _COLOURS[2], "at risk": _COLOURS[1], "off track": _COLOURS[3],
                  "not measured": _COLOURS[7]}
RECOMMENDATION_COLOURS = {"invest": _COLOURS[2], "invest selectively": _COLOURS[9],
                          "maintain": _COLOURS[0], "harvest": _COLOURS[1],
                          "retire": _COLOURS[3], "review": _COLOURS[7]}


def kr_progress_bars(progress: pd.DataFrame, *, title: str = "Key results: progress to target",
                     ax=None):
    """One bar per key result, grouped under its objective, coloured by status.

    A black tick on each bar's track marks the progress expected by now (the share
    of the quarter passed); the bar's label gives the progress and the status.

    Parameters
    ----------
    progress : DataFrame
        The output of :func:`cpo_kit.analyses.strategy.kr_progress`.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    rows, labels, headers = [], [], []
    for objective, group in progress.groupby("objective", sort=False):
        headers.append(len(labels))
        labels.append(textwrap.shorten(str(objective), 60, placeholder="…"))
        rows.append(None)
        for row in group.itertuples(index=False):
            result = textwrap.shorten(str(row.key_result), 42, placeholder="…")
            labels.append(f"{row.okr_id}  {result}")
            rows.append(row)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.32 * len(labels) + 1.2))
    y = np.arange(len(labels))
    ax.barh(y, [1.0 if r else 0 for r in rows], color="#eeeeee", height=0.6)
    for position, row in zip(y, rows):
        if row is None:
            continue
        value = 0.0 if pd.isna(row.progress) else row.progress
        ax.barh(position, value, color=STATUS_COLOURS[row.status], height=0.6)
        ax.plot([row.expected] * 2, [position - 0.38, position + 0.38], color="black",
                linewidth=1.6)
        text = "n/a" if pd.isna(row.progress) else formats.share(row.progress, decimals=0)
        ax.annotate(f"{text}  {row.status}", (1.0, position), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize="small")
    ax.set_yticks(y, labels)
    for index in headers:
        label = ax.get_yticklabels()[index]
        label.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 1.32)
    ax.set_xticks(np.linspace(0, 1, 5))
    ax.xaxis.set_major_formatter(FORMATS["share"])
    ax.set(title=title, xlabel="progress from baseline to target (%)", ylabel="")
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=STATUS_COLOURS[s], label=s) for s in STATUS_COLOURS
               if (progress["status"] == s).any()]
    handles.append(Line2D([], [], color="black", linewidth=1.6, label="expected by now"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.45, -0.1),
              ncols=len(handles), fontsize="small", frameon=False)
    return ax


def growth_share_matrix(portfolio: pd.DataFrame, *, growth_split: float = 0.10,
                        share_split: float = 1.0,
                        title: str = "Product portfolio: the growth-share matrix", ax=None):
    """Products as bubbles: relative market share across (log scale), market growth up.

    Bubble area is proportional to the product's MRR (equal bubbles when MRR is
    unknown); the colour is the recommendation. Grey lines split the four quadrants,
    named in their corners.

    Parameters
    ----------
    portfolio : DataFrame
        The output of :func:`cpo_kit.analyses.strategy.portfolio`.
    growth_split, share_split : float
        Where the quadrants are split, as in the analysis.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    placed = portfolio.dropna(subset=["market_growth", "relative_share"])
    placed = placed[placed["relative_share"] > 0]
    shares = np.append(placed["relative_share"].to_numpy(dtype=float), share_split)
    growths = np.append(placed["market_growth"].to_numpy(dtype=float), growth_split)
    left, right = shares.min() / 2.2, shares.max() * 2.2
    bottom = growths.min() - 0.12 * max(np.ptp(growths), 0.1)
    top = growths.max() + 0.12 * max(np.ptp(growths), 0.1)
    mrr = placed["mrr"].to_numpy(dtype=float)
    if np.isfinite(mrr).any() and np.nanmax(mrr) > 0:
        sizes = 150 + 3800 * np.nan_to_num(mrr) / np.nanmax(mrr)
    else:
        sizes = np.full(len(placed), 900.0)
    colours = [RECOMMENDATION_COLOURS.get(r, _COLOURS[7]) for r in placed["recommendation"]]
    ax.scatter(placed["relative_share"], placed["market_growth"], s=sizes, c=colours,
               alpha=0.75, edgecolors="white", linewidths=1.5, zorder=3)
    for row, size in zip(placed.itertuples(index=False), sizes):
        offset = np.sqrt(size) / 2 + 4  # clear of the bubble's edge, in points
        ax.annotate(f"{row.name}\n{row.recommendation}", (row.relative_share, row.market_growth),
                    xytext=(offset, 0), textcoords="offset points", va="center",
                    fontsize="small", zorder=4)
    ax.set_xscale("log")
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.axvline(share_split, color="grey", linewidth=1)
    ax.axhline(growth_split, color="grey", linewidth=1)
    corners = (("question mark", left, top, "left", "top"),
               ("star", right, top, "right", "top"),
               ("dog", left, bottom, "left", "bottom"),
               ("cash cow", right, bottom, "right", "bottom"))
    for name, x, y, ha, va in corners:
        pad = (6 if ha == "left" else -6, -6 if va == "top" else 6)
        ax.annotate(name.upper(), (x, y), xytext=pad, textcoords="offset points", ha=ha,
                    va=va, color="#808080", fontsize="large", fontweight="bold", zorder=1)
    ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10, 20, 50, 100)
             if left <= t <= right]
    ax.xaxis.set_major_locator(mticker.FixedLocator(ticks))
    ax.xaxis.set_minor_locator(mticker.NullLocator())
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}×"))
    ax.yaxis.set_major_formatter(formats.axis("share", decimals=0))
    ax.set(title=title, xlabel="relative market share (× the largest rival, log scale)",
           ylabel="market growth (% a year)")
    used = [r for r in RECOMMENDATION_COLOURS if (placed["recommendation"] == r).any()]
    if used:
        ax.legend(handles=[Patch(color=RECOMMENDATION_COLOURS[r], alpha=0.75, label=r)
                           for r in used], title="recommendation", loc="upper center",
                  bbox_to_anchor=(0.5, -0.13), ncols=len(used), fontsize="small",
                  title_fontsize="small", frameon=False)
    return ax
