"""The shared chart style and the charts of product KPIs."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

PALETTE = "colorblind"
#: How the last value of a line is written beside it.
_LABELS = {
    "currency": lambda v: f"${v / 1000:,.0f}k" if abs(v) >= 1000 else f"${v:,.0f}",
    "count": lambda v: f"{v:,.0f}",
    "share": lambda v: f"{v:.0%}",
}


FORMATS = {
    "currency": mticker.FuncFormatter(lambda v, _: _LABELS["currency"](v)),
    "count": mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"),
    "share": mticker.PercentFormatter(1.0),
}

def set_theme() -> None:
    """The playbook's look; call once at the top of a notebook."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook",
                  rc={"figure.figsize": (8, 3.6), "figure.dpi": 110, "axes.titleweight": "bold",
                      "axes.titlelocation": "left", "axes.spines.top": False,
                      "axes.spines.right": False,
                      # Names from a company's data are text: a "$" in one must not
                      # start a formula (or fail the chart on a malformed one).
                      "text.parse_math": False})


def styled_table(frame: pd.DataFrame, *, uuid: str, formats: dict | None = None,
                 caption: str | None = None):
    """A table for reading: no index, numbers formatted, the company's text escaped.

    Parameters
    ----------
    frame : DataFrame
        The rows to show, with columns named for the reader; underscores in the
        names are shown as spaces.
    uuid : str
        A stable id for the table's HTML, so a rerun gives the same page.
    formats : dict, optional
        Column to format string (``"{:,.0f}"``) or function.
    caption : str, optional
        A line above the table.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    # Cells, headers and caption may all hold company text: each is escaped, as pandas
    # would otherwise write it into the page as markup.
    style = (frame.style.hide(axis="index")
             .format(formats or {}, na_rep="–", escape="html")
             .format_index(lambda c: html.escape(str(c).replace("_", " ")), axis=1)
             .set_uuid(uuid)
             .set_table_styles([{"selector": "th, td", "props": "padding: 3px 10px;"}]))
    return style.set_caption(html.escape(caption)) if caption else style


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
    ax.annotate(_LABELS[unit](last[y]), (last[x], last[y]), textcoords="offset points",
                xytext=(6, 0), va="center", fontweight="bold")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS[unit])
    ax.set_ylim(bottom=0)
    return ax


def lifecycle_bars(data: pd.DataFrame, *, title: str, ax=None):
    """Growth accounting per period: new, returning and resurrecting users above zero,
    dormant users below it, so a period's net change in active users reads at a glance.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.usage.lifecycle`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    colours = sns.color_palette(PALETTE)
    x = data["period"]
    width = (x.diff().median() if len(x) > 1 else pd.Timedelta(days=7)) * 0.8
    bottom = 0
    for column, colour in (("returning", colours[0]), ("new", colours[2]),
                           ("resurrecting", colours[1])):
        ax.bar(x, data[column], width=width, bottom=bottom, color=colour, label=column)
        bottom = bottom + data[column]
    ax.bar(x, -data["dormant"], width=width, color=colours[3], label="dormant (left)")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(title=title, xlabel="", ylabel="users")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{abs(v):,.0f}"))
    ax.legend(ncols=4, loc="upper left", frameon=False, fontsize="small")
    return ax


def retention_heatmap(table: pd.DataFrame, *, title: str, period: str = "week",
                      ax=None):
    """Cohorts down, periods since the cohort across, the retained share in each cell.

    Parameters
    ----------
    table : DataFrame
        The wide table of :func:`cpo_kit.metrics.retention.retention_table`.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, max(3.0, 0.22 * len(table))))
    labels = [d.strftime("%Y-%m-%d") for d in table.index]
    sns.heatmap(table.to_numpy(dtype=float), ax=ax, cmap="Blues", vmin=0, vmax=1,
                cbar_kws={"label": "share of the cohort active", "format": FORMATS["share"]},
                yticklabels=labels, xticklabels=list(table.columns))
    ax.set(title=title, xlabel=f"{period}s since the cohort's first {period}",
           ylabel=f"cohort ({period} of first activity)")
    ax.tick_params(axis="y", labelsize="x-small")
    ax.tick_params(axis="x", labelsize="small")
    return ax


def funnel_bars(data: pd.DataFrame, *, title: str, ax=None):
    """Users reaching each step, with the overall conversion written on each bar.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.funnel.funnel` without periods.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    labels = [f"{s}. {e}" for s, e in zip(data["step"], data["event"])]
    ax.barh(labels, data["users"], color=sns.color_palette(PALETTE)[0])
    ax.invert_yaxis()
    for y, (users, share) in enumerate(zip(data["users"], data["overall_conversion"])):
        ax.annotate(f"{users:,.0f} ({share:.0%})", (users, y), xytext=(4, 0),
                    textcoords="offset points", va="center")
    ax.set(title=title, xlabel="users", ylabel="")
    ax.xaxis.set_major_formatter(FORMATS["count"])
    ax.set_xlim(right=data["users"].max() * 1.25 if len(data) else 1)
    return ax


def share_lines(data: pd.DataFrame, *, x: str, y: str, hue: str, title: str, ylabel: str,
                ax=None):
    """Shares over time, one line per group (feature adoption, conversion by week).

    Parameters
    ----------
    data : DataFrame
    x, y, hue : str
        Columns for time, the share (0 to 1) and the group.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    sns.lineplot(data=data, x=x, y=y, hue=hue, ax=ax, marker="o", markersize=3)
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS["share"])
    ax.set_ylim(bottom=0)
    ax.legend(title="", frameon=False, fontsize="small", ncols=2)
    return ax


def range_band(data: pd.DataFrame, *, x: str, title: str, ylabel: str, unit: str = "count",
               ax=None):
    """A series with the band of its usual range, and its unusual points in red.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.changes.unusual_changes`.
    x : str
        Its period column.
    title, ylabel, unit
        As in :func:`trend`.
    """
    if ax is None:
        _, ax = plt.subplots()
    ax.fill_between(data[x], data["low"].clip(lower=0), data["high"], color="0.85",
                    label="usual range")
    ax.plot(data[x], data["value"], marker="o", markersize=4, label="value")
    odd = data[data["unusual"]]
    ax.scatter(odd[x], odd["value"], s=60, color="#c0392b", zorder=3, label="unusual")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS[unit])
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", frameon=False, ncols=3)
    return ax
