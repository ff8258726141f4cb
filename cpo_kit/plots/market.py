"""Charts of the market and the competition: sizing, growth, coverage, positioning."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap

from cpo_kit.core import formats
from cpo_kit.plots.core import PALETTE

__all__ = ["coverage_heatmap", "positioning_map", "segment_sizes", "sizing_bars"]

_LEVELS = {"tam": "TAM: total addressable", "sam": "SAM: serviceable",
           "som": "SOM: obtainable"}


_MONEY = formats.axis("currency")


def sizing_bars(sizes: pd.DataFrame, *, level: str = "sam", legend: bool = True, ax=None):
    """One market level sized two ways: bottom-up and top-down bars, stacked by segment.

    Parameters
    ----------
    sizes : DataFrame
        The output of :func:`cpo_kit.analyses.market.market_sizes` (segments and a
        ``Total`` row, which is not drawn but written above the bars).
    level : str
        ``tam``, ``sam`` or ``som``.
    legend : bool
        Draw the segments' legend (once per figure is enough).
    """
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}, not {level!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.8))
    segments = sizes[sizes["segment"] != "Total"]
    colours = sns.color_palette(PALETTE, len(segments))
    methods = (("bottom-up", level), ("top-down", f"reported_{level}"))
    for x, (name, column) in enumerate(methods):
        bottom = 0.0
        for colour, (_, row) in zip(colours, segments.iterrows()):
            value = 0.0 if pd.isna(row[column]) else row[column]
            ax.bar(x, value, bottom=bottom, color=colour, width=0.6,
                   label=row["segment"] if x == 0 else None)
            bottom += value
        shown = formats.money(bottom, compact=True) if bottom > 0 else "not reported"
        ax.annotate(shown, (x, bottom), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom", fontweight="bold", fontsize="small")
    ax.set_xticks([0, 1], [m for m, _ in methods])
    ax.set(title=_LEVELS[level], ylabel=f"market size ({formats.currency_label()} a year)",
           xlabel="")
    ax.yaxis.set_major_formatter(_MONEY)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.12)  # room for the totals
    ax.set_xlim(-0.6, 1.6)
    if legend:
        ax.legend(title="", frameon=False, fontsize="small", loc="upper left",
                  bbox_to_anchor=(0, -0.12), ncols=len(segments))
    return ax


def segment_sizes(sizes: pd.DataFrame, *, current_year: int, growth: pd.DataFrame | None = None,
                  ax=None):
    """Each segment's bottom-up market size over the years; forecast years dashed.

    Parameters
    ----------
    sizes : DataFrame
        The output of :func:`cpo_kit.analyses.market.market_sizes_by_year`.
    current_year : int
        The last year that is not a forecast.
    growth : DataFrame, optional
        The output of :func:`cpo_kit.analyses.market.segment_growth`: its CAGR is
        written at the end of each line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    colours = sns.color_palette(PALETTE)
    rates = {} if growth is None else dict(zip(growth["segment"], growth["cagr"]))
    for colour, (segment, rows) in zip(colours, sizes.groupby("segment", sort=False)):
        rows = rows.sort_values("year")
        known = rows[rows["year"] <= current_year]
        ahead = rows[rows["year"] >= current_year]
        ax.plot(known["year"], known["tam"], marker="o", color=colour, label=segment)
        if len(ahead) > 1:
            ax.plot(ahead["year"], ahead["tam"], marker="o", color=colour, linestyle="--",
                    markerfacecolor="white")
        last = rows.iloc[-1]
        text = f"{segment}: {formats.money(last['tam'], compact=True)}"
        if pd.notna(rates.get(segment, np.nan)):
            text += f" ({formats.share(rates[segment], signed=True)} a year)"
        ax.annotate(text, (last["year"], last["tam"]), xytext=(6, 0),
                    textcoords="offset points", va="center", color=colour,
                    fontweight="bold", fontsize="small")
    years = sorted(sizes["year"].unique())
    if years and years[-1] > current_year:
        ax.axvspan(current_year, years[-1] + 0.3, color="grey", alpha=0.08, linewidth=0)
        ax.annotate("forecast", (current_year, 1), xycoords=("data", "axes fraction"),
                    xytext=(4, -4), textcoords="offset points", va="top", fontsize="small",
                    color="dimgrey")
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.3, years[-1] + 1.6)
    ax.set(title="Total addressable market by segment (bottom-up)", xlabel="year",
           ylabel=f"TAM ({formats.currency_label()} a year)")
    ax.yaxis.set_major_formatter(_MONEY)
    ax.set_ylim(bottom=0)
    return ax


# Coverage 0, 0.5 and 1 as three steps of one colourblind-safe hue, unknown as grey.
_COVERAGE_COLOURS = ListedColormap(["#f0f0f0", "#9ecae1", "#2171b5"])
_COVERAGE_TEXT = {0.0: "none", 0.5: "partial", 1.0: "full"}


def coverage_heatmap(matrix: pd.DataFrame, *, us: str, standing: pd.DataFrame | None = None,
                     ax=None):
    """Feature coverage, competitors down and features across, the company's row on top.

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`cpo_kit.analyses.market.coverage_matrix`.
    us : str
        The company's name: its row is labelled and framed.
    standing : DataFrame, optional
        The output of :func:`cpo_kit.analyses.market.feature_standing`: gap features
        are labelled in red with ▼, leads in green with ▲.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.45 * len(matrix) + 2.6))
    values = matrix.to_numpy(dtype=float)
    # Bin to the three levels so that a stray 0.4 still gets a colour and a word.
    levels = np.where(np.isnan(values), np.nan, np.digitize(values, [0.25, 0.75]))
    sns.heatmap(levels, ax=ax, cmap=_COVERAGE_COLOURS, vmin=-0.5, vmax=2.5, cbar=False,
                linewidths=1, linecolor="white")
    for (i, j), value in np.ndenumerate(values):
        text = ("?" if np.isnan(value)
                else _COVERAGE_TEXT.get(value, formats.share(value, decimals=0)))
        dark = not np.isnan(value) and value >= 0.75
        ax.text(j + 0.5, i + 0.5, text, ha="center", va="center", fontsize="x-small",
                color="white" if dark else "black")
    rows = [f"{name} (us)" if name == us else name for name in matrix.index]
    ax.set_yticks(np.arange(len(rows)) + 0.5, rows, rotation=0)
    marks = {} if standing is None else dict(zip(standing["feature"], standing["standing"]))
    status = {"gap": ("▼ ", "#d55e00"), "lead": ("▲ ", "#009e73")}
    labels = [status.get(marks.get(f), ("", ""))[0] + f for f in matrix.columns]
    ax.set_xticks(np.arange(len(labels)) + 0.5, labels, rotation=35, ha="right")
    for tick, feature in zip(ax.get_xticklabels(), matrix.columns):
        if marks.get(feature) in status:
            tick.set_color(status[marks[feature]][1])
            tick.set_fontweight("bold")
    for tick, name in zip(ax.get_yticklabels(), matrix.index):
        if name == us:
            tick.set_fontweight("bold")
    if us in matrix.index:
        row = list(matrix.index).index(us)
        ax.add_patch(plt.Rectangle((0, row), len(matrix.columns), 1, fill=False,
                                   edgecolor="black", linewidth=2, clip_on=False))
    ax.set(xlabel="", ylabel="")
    ax.set_title("Feature coverage: us against each rival", pad=20 if standing is not None
                 else 6)
    ax.tick_params(length=0)
    if standing is not None:
        ax.annotate("▼ red: a rival covers it better (gap)    ▲ green: we cover it better "
                    "than every rival (lead)", (0, 1), xycoords="axes fraction",
                    xytext=(0, 5), textcoords="offset points", fontsize="small",
                    color="dimgrey", va="bottom")
    return ax


def positioning_map(points: pd.DataFrame, *, ax=None):
    """Competitors placed by feature coverage (across) and list price (up), us highlighted.

    Parameters
    ----------
    points : DataFrame
        The output of :func:`cpo_kit.analyses.market.positioning`; competitors without
        a list price are left out.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.6))
    points = points.dropna(subset=["coverage", "list_price"])
    colours = sns.color_palette(PALETTE)
    rivals, ours = points[~points["is_us"]], points[points["is_us"]]
    ax.scatter(rivals["coverage"], rivals["list_price"], s=70, color=colours[0],
               label="rivals", zorder=3)
    ax.scatter(ours["coverage"], ours["list_price"], s=160, color=colours[3], marker="*",
               label="us", zorder=4)
    for _, row in points.iterrows():
        ax.annotate(f"{row['competitor']} ({formats.money(row['list_price'])})",
                    (row["coverage"], row["list_price"]), xytext=(7, 5),
                    textcoords="offset points", fontsize="small",
                    fontweight="bold" if row["is_us"] else "normal")
    if len(points) > 1:
        # Medians split the map into four: the lower right is more product for less money.
        ax.axvline(points["coverage"].median(), color="grey", linestyle=":", linewidth=1)
        ax.axhline(points["list_price"].median(), color="grey", linestyle=":", linewidth=1)
        ax.annotate("more features,\nlower price", (1, 0), xycoords="axes fraction",
                    xytext=(-6, 6), textcoords="offset points", ha="right", va="bottom",
                    fontsize="small", color="dimgrey")
        ax.annotate("fewer features,\nhigher price", (0, 1), xycoords="axes fraction",
                    xytext=(6, -6), textcoords="offset points", ha="left", va="top",
                    fontsize="small", color="dimgrey")
    ax.set(title="Positioning: what each product covers and what it costs",
           xlabel="mean feature coverage (share of the features compared)",
           ylabel=f"list price ({formats.currency_label()} a month)")
    ax.xaxis.set_major_formatter(formats.axis("share"))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: formats.money(v)))
    ax.set_xlim(0, 1.1)
    ax.set_ylim(0, points["list_price"].max() * 1.2 if len(points) else 1)
    ax.legend(frameon=False, fontsize="small", loc="upper center", ncols=2)
    return ax
