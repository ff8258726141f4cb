"""Charts of pricing: the Van Westendorp meter and a price change's before and after."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["before_after", "churn_around_change", "price_ranges", "van_westendorp"]

_DOLLARS = mticker.FuncFormatter(lambda v, _: formats.money(v))


def _price_label() -> str:
    return f"price ({formats.currency_label()} a month)"


def van_westendorp(meter, *, title: str = "Van Westendorp price sensitivity meter",
                   ax=None):
    """The four curves of the meter, the range of acceptable prices and its four points.

    Parameters
    ----------
    meter : PriceSensitivity
        The output of :func:`cpo_kit.analyses.pricing.price_sensitivity`.
    title : str
        The chart's title.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.6))
    c = sns.color_palette(PALETTE)
    curves = meter.curves
    # "Not cheap" and "not expensive" cross where "cheap" and "expensive" do, so these
    # four curves show all four points.
    lines = (("too_cheap", "too cheap", c[0], "-"), ("not_cheap", "not cheap", c[0], "--"),
             ("not_expensive", "not expensive", c[3], "--"),
             ("too_expensive", "too expensive", c[3], "-"))
    for column, label, colour, style in lines:
        ax.plot(curves["price"], curves[column], color=colour, linestyle=style, label=label,
                linewidth=2)
    low, high = meter.acceptable_range
    if not (np.isnan(low) or np.isnan(high)):
        ax.axvspan(low, high, color="grey", alpha=0.1, linewidth=0,
                   label="range of acceptable prices")
    heights = _point_heights(meter)
    # Labels alternate above and below their point, so close points do not collide.
    places = {"pmc": (-8, 4, "right"), "opp": (8, 8, "left"),
              "ipp": (8, 4, "left"), "pme": (8, 4, "left")}
    for name, price in meter.points.items():
        if np.isnan(price):
            continue
        ax.plot(price, heights[name], marker="o", color="black", markersize=6, zorder=5)
        dx, dy, ha = places[name]
        ax.annotate(f"{name.upper()} {formats.money(price, decimals=2)}",
                    (price, heights[name]), xytext=(dx, dy),
                    textcoords="offset points", ha=ha, fontweight="bold", fontsize="small",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.8})
    ax.set(title=title, xlabel=_price_label(), ylabel="share of respondents")
    ax.yaxis.set_major_formatter(FORMATS["share"])
    ax.xaxis.set_major_formatter(_DOLLARS)
    ax.set_ylim(0, 1.02)
    # Beyond the price nearly everyone finds too expensive the curves are flat: cut there.
    top = curves.loc[curves["too_expensive"] >= 0.98, "price"]
    if len(top) and top.iloc[0] > curves["price"].iloc[0]:
        ax.set_xlim(curves["price"].iloc[0], top.iloc[0] * 1.05)
    ax.legend(frameon=False, fontsize="small", loc="center left", bbox_to_anchor=(1, 0.5))
    return ax


#: The curve drawn through each point (IPP is shown where "not cheap" meets "not expensive").
_DRAWN_ON = {"pmc": "too_cheap", "opp": "too_cheap", "ipp": "not_expensive",
             "pme": "not_expensive"}


def _point_heights(meter) -> dict:
    """Where each point sits on the curves drawn."""
    prices = meter.curves["price"].to_numpy()
    return {name: float(np.interp(meter.points[name], prices, meter.curves[curve]))
            if not np.isnan(meter.points[name]) else np.nan
            for name, curve in _DRAWN_ON.items()}


def price_ranges(points: pd.DataFrame, *, current_price: float | None = None, ax=None):
    """Each segment's range of acceptable prices, with its optimal and indifference points.

    Parameters
    ----------
    points : DataFrame
        The output of :func:`cpo_kit.analyses.pricing.price_points_by_segment`.
    current_price : float, optional
        Today's list price, drawn as a vertical line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * len(points) + 1.6))
    c = sns.color_palette(PALETTE)
    labels = [f"{s} ({formats.count(n)} answers)"
              for s, n in zip(points["segment"], points["respondents"])]
    y = np.arange(len(points))
    ax.hlines(y, points["pmc"], points["pme"], color=c[0], linewidth=9, alpha=0.35,
              label="PMC to PME: acceptable range")
    ax.plot(points["opp"], y, "D", color=c[3], markersize=8, label="OPP: optimal price")
    ax.plot(points["ipp"], y, "o", color=c[2], markersize=8,
            label="IPP: indifference price")
    for yi, (_, row) in zip(y, points.iterrows()):
        for column, ha, dx in (("pmc", "right", -6), ("pme", "left", 6)):
            if pd.notna(row[column]):
                ax.annotate(formats.money(row[column]), (row[column], yi), xytext=(dx, 0),
                            textcoords="offset points", ha=ha, va="center", fontsize="small")
    if current_price is not None:
        ax.axvline(current_price, color="black", linestyle=":", linewidth=1.2,
                   label=f"list price today ({formats.money(current_price)})")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_ylim(len(points) - 0.5, -0.5)
    ax.set(xlabel=_price_label(), ylabel="")
    ax.set_title("Acceptable prices by segment", pad=42)
    ax.xaxis.set_major_formatter(_DOLLARS)
    low = np.nanmin(points[["pmc", "opp", "ipp"]].to_numpy()) if len(points) else 0
    high = np.nanmax(points[["pme", "opp", "ipp"]].to_numpy()) if len(points) else 1
    span = max(high - low, 1)
    ax.set_xlim(low - 0.15 * span, high + 0.15 * span)
    ax.legend(frameon=False, fontsize="small", loc="lower left", ncols=2,
              bbox_to_anchor=(0, 1.0), borderaxespad=0.2, handlelength=1.5)
    return ax


def churn_around_change(monthly: pd.DataFrame, *, change, comparison: pd.DataFrame | None = None,
                        window_months: int | None = None, ax=None):
    """Monthly logo churn, with the change marked and each window's pooled rate drawn.

    Parameters
    ----------
    monthly : DataFrame
        Columns ``month`` and ``logo_churn_rate`` (the output of
        :func:`cpo_kit.metrics.revenue.churn_rates` without a breakdown).
    change : date-like
        The day of the change.
    comparison : DataFrame, optional
        The ``All`` row of :func:`cpo_kit.analyses.price_change.churn_before_after`: its two
        rates are drawn across their windows.
    window_months : int, optional
        The windows' length, needed with ``comparison``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    c = sns.color_palette(PALETTE)
    ax.plot(monthly["month"], monthly["logo_churn_rate"], marker="o", markersize=4,
            color=c[0], label="logo churn in the month")
    change = pd.Timestamp(change)
    ax.axvline(change, color="black", linestyle="--", linewidth=1.2)
    ax.annotate(f"price change\n{change:%d %b %Y}", (change, 1),
                xycoords=("data", "axes fraction"), xytext=(5, -4), textcoords="offset points",
                va="top", fontsize="small")
    if comparison is not None and window_months is not None:
        row = comparison.iloc[0]
        month = change.to_period("M").to_timestamp()
        spans = {"before": (month - pd.DateOffset(months=window_months), month),
                 "after": (month, month + pd.DateOffset(months=window_months))}
        for side, colour in (("before", c[2]), ("after", c[3])):
            start, stop = spans[side]
            # A month's point sits on its first day: the window's last point is a month
            # before its stop.
            stop = stop - pd.DateOffset(months=1)
            ax.hlines(row[f"{side}_rate"], start, stop, color=colour, linewidth=3,
                      label=f"{side}: {formats.share(row[f'{side}_rate'])} a month on average")
    ax.set(title="Monthly logo churn of paying accounts", xlabel="",
           ylabel="accounts lost in the month")
    ax.yaxis.set_major_formatter(formats.axis("share", decimals=1))
    ax.set_ylim(bottom=0, top=max(monthly["logo_churn_rate"].max() * 1.3, 0.01))
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax


def before_after(comparison: pd.DataFrame, *, group: str, title: str, ylabel: str,
                 ax=None):
    """Each group's rate before and after a change, with the interval around each.

    Parameters
    ----------
    comparison : DataFrame
        The output of :func:`cpo_kit.analyses.price_change.conversion_before_after` or
        :func:`cpo_kit.analyses.price_change.churn_before_after`.
    group : str
        Its column of groups (``segment``, or ``group`` without a breakdown).
    title, ylabel : str
        The chart's title and the value axis label.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    c = sns.color_palette(PALETTE)
    x = np.arange(len(comparison))
    for shift, side, colour in ((-0.12, "before", c[2]), (0.12, "after", c[3])):
        rate = comparison[f"{side}_rate"].to_numpy(dtype=float)
        below = np.clip(rate - comparison[f"{side}_low"].to_numpy(dtype=float), 0, None)
        above = np.clip(comparison[f"{side}_high"].to_numpy(dtype=float) - rate, 0, None)
        ax.errorbar(x + shift, rate, yerr=[below, above], fmt="o", color=colour, capsize=4,
                    markersize=7, label=side)
        # The before label goes left of its point and the after label right, apart.
        dx, ha = (-7, "right") if side == "before" else (7, "left")
        for xi, value, n in zip(x + shift, rate, comparison[f"{side}_base"]):
            if not np.isnan(value):
                ax.annotate(f"{formats.share(value)}\nn={formats.count(n)}", (xi, value),
                            xytext=(dx, 0),
                            textcoords="offset points", va="center", ha=ha,
                            fontsize="x-small")
    ax.set_xticks(x, comparison[group])
    ax.set_xlim(-0.6, len(comparison) - 0.4)
    ax.set(xlabel="", ylabel=ylabel)
    ax.set_title(title, pad=22)  # room for the legend between the title and the chart
    ax.yaxis.set_major_formatter(FORMATS["share"])
    top = min(1.05, max(comparison[["before_high", "after_high"]].max().max() * 1.15, 0.05))
    ax.set_ylim(-0.08 * top, top)  # below zero, so a rate of 0 and its label clear the axis
    ax.legend(frameon=False, fontsize="small", loc="lower left", ncols=2,
              bbox_to_anchor=(0, 1.0), borderaxespad=0.1)
    return ax
