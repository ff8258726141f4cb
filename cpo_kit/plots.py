"""Charts in one style: one seaborn theme, readable colours, labelled axes with units."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

PALETTE = "colorblind"
FORMATS = {
    "currency": mticker.FuncFormatter(lambda v, _: f"${v / 1000:,.0f}k" if abs(v) >= 1000
                                      else f"${v:,.0f}"),
    "count": mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"),
    "share": mticker.PercentFormatter(1.0),
}


def set_theme() -> None:
    """The playbook's look; call once at the top of a notebook."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook",
                  rc={"figure.figsize": (8, 3.6), "figure.dpi": 110, "axes.titleweight": "bold",
                      "axes.titlelocation": "left", "axes.spines.top": False,
                      "axes.spines.right": False})


def trend(data: pd.DataFrame, *, x: str, y: str, title: str, ylabel: str,
          unit: str = "count", ax=None):
    """A line over time with a marker on the last point and its value written beside it.

    Parameters
    ----------
    data : DataFrame
    x, y : str
        Columns for time and value.
    title, ylabel : str
        The chart's title and the value axis label, with its unit.
    unit : str
        ``count``, ``currency`` or ``share``: how the value axis is formatted.
    """
    if ax is None:
        _, ax = plt.subplots()
    sns.lineplot(data=data, x=x, y=y, ax=ax, marker="o", markersize=4)
    last = data.iloc[-1]
    ax.annotate(FORMATS[unit](last[y], None), (last[x], last[y]), textcoords="offset points",
                xytext=(6, 0), va="center", fontweight="bold")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS[unit])
    ax.set_ylim(bottom=0)
    return ax
