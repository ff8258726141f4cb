"""Charts of the business case: NPV ranking, payback curves, the tornado and the MRR fan chart."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["fan_chart", "npv_ranking", "payback_curves", "tornado"]

_COLOURS = sns.color_palette(PALETTE).as_hex()
#: Value created in blue, value destroyed in vermillion (readable with colour blindness).
GAIN, LOSS = _COLOURS[0], _COLOURS[3]
#: The low and the high setting of a driver in the tornado.
LOW, HIGH = _COLOURS[1], _COLOURS[0]


_MONEY = mticker.FuncFormatter(lambda v, _: formats.money(v, compact=True))
#: How a driver of the tornado is named, and how its values are written.
_DRIVERS = {
    "discount_rate": ("discount rate", lambda v: formats.share(v, decimals=0)),
    "horizon_years": ("horizon", lambda v: f"{v:g} y"),
    "ramp_up": ("first-year ramp-up", lambda v: formats.share(v, decimals=0)),
    "default_build_months": ("build time (undated)", lambda v: f"{v:g} mo"),
    "delay_months": ("delivery slip", lambda v: f"+{v:g} mo"),
    "benefit_scale": ("benefit", lambda v: f"×{v:g}"),
    "cost_scale": ("cost", lambda v: f"×{v:g}"),
}


def npv_ranking(appraisal: pd.DataFrame, *, title: str, label: str = "title",
                ax=None):
    """One bar per initiative, its NPV, best first; value-destroying ones in vermillion.

    Parameters
    ----------
    appraisal : DataFrame
        The output of :func:`cpo_kit.analyses.finance.appraise` (``npv``, ``payback_months``).
    title : str
        The chart's title.
    label : str
        Column naming each bar.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.5, 0.38 * len(appraisal) + 1)))
    names = appraisal[label].astype(str).tolist()
    values = appraisal["npv"].to_numpy(dtype=float)
    ax.barh(names, values, color=[GAIN if v >= 0 else LOSS for v in values])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    span = (max(values.max(), 0) - min(values.min(), 0)) if len(values) else 1.0
    for y, (v, months) in enumerate(zip(values, appraisal["payback_months"])):
        payback = "no payback" if pd.isna(months) else f"payback {formats.count(months)} mo"
        ax.annotate(f"{formats.money(v, compact=True)} · {payback}", (max(v, 0), y),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize="small")
    ax.set_xlim(min(values.min(), 0) - 0.02 * span if len(values) else -1,
                max(values.max(), 0) + 0.45 * span if len(values) else 1)
    ax.xaxis.set_major_formatter(_MONEY)
    ax.set(title=title, xlabel=f"net present value ({formats.currency_label()})", ylabel="")
    ax.grid(axis="y", visible=False)
    return ax


def payback_curves(flows: pd.DataFrame, *, title: str, names: dict | None = None,
                   key: str = "initiative_id", ax=None):
    """Cumulative undiscounted cash flow of each initiative by month: where it crosses
    zero is its payback.

    Parameters
    ----------
    flows : DataFrame
        The output of :func:`cpo_kit.analyses.finance.cash_flows`.
    title : str
        The chart's title.
    names : dict, optional
        Identifier -> name shown in the legend.
    key : str
        Column of the initiative's identifier.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2))
    names = names or {}
    colours = sns.color_palette(PALETTE, n_colors=max(1, flows[key].nunique()))
    for colour, (initiative, group) in zip(colours, flows.groupby(key, sort=False)):
        ax.plot(group["month"], group["flow"].cumsum(), color=colour, linewidth=1.6,
                label=names.get(initiative, initiative))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(_MONEY)
    ax.set(title=title, xlabel="months from the start of work",
           ylabel=f"cumulative cash flow ({formats.currency_label()})")
    ax.legend(frameon=False, fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def tornado(sensitivity: pd.DataFrame, *, title: str, ax=None):
    """The portfolio NPV with each driver set low and high, widest swing on top.

    Parameters
    ----------
    sensitivity : DataFrame
        The output of :func:`cpo_kit.analyses.finance.sensitivity`.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.5, 0.55 * len(sensitivity) + 1.2)))
    base = float(sensitivity["base_npv"].iloc[0]) if len(sensitivity) else 0.0
    rows = sensitivity.reset_index(drop=True)
    labels = []
    for y, r in rows.iterrows():
        name, fmt = _DRIVERS.get(r["driver"], (r["driver"], lambda v: f"{v:g}"))
        labels.append(f"{name}\n{fmt(r['low'])} / {fmt(r['high'])}")
        for value, colour in ((r["npv_low"], LOW), (r["npv_high"], HIGH)):
            ax.barh(y, value - base, left=base, color=colour, height=0.6)
        for value in (r["npv_low"], r["npv_high"]):
            if np.isclose(value, base):
                continue  # a setting equal to the base case has no bar to label
            side = 1 if value >= base else -1
            ax.annotate(formats.money(value, compact=True), (value, y), xytext=(4 * side, 0),
                        textcoords="offset points", va="center",
                        ha="left" if side > 0 else "right", fontsize="small")
    ax.set_yticks(range(len(rows)), labels, fontsize="small")
    ax.invert_yaxis()
    ax.axvline(base, color="black", linewidth=1)
    low_edge = min(rows["npv_low"].min(), rows["npv_high"].min(), base)
    high_edge = max(rows["npv_low"].max(), rows["npv_high"].max(), base)
    pad = 0.22 * (high_edge - low_edge or abs(base) or 1.0)
    ax.set_xlim(low_edge - pad, high_edge + pad)
    ax.xaxis.set_major_formatter(_MONEY)
    ax.set(title=title,
           xlabel=f"portfolio NPV ({formats.currency_label()}); line: base case "
                  f"{formats.money(base, compact=True)}",
           ylabel="")
    ax.grid(axis="y", visible=False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=LOW), plt.Rectangle((0, 0), 1, 1, color=HIGH)]
    ax.legend(handles, ["driver at its low value", "driver at its high value"],
              frameon=False, fontsize="small", ncols=2, loc="upper center",
              bbox_to_anchor=(0.5, -0.16))
    return ax


def fan_chart(history: pd.DataFrame, forecast: pd.DataFrame, *, title: str,
              actual: pd.DataFrame | None = None, levels: tuple[float, ...] = (0.8, 0.95),
              ax=None):
    """MRR history, the forecast's median line and its shaded prediction intervals.

    Parameters
    ----------
    history : DataFrame
        ``month`` and ``mrr`` of the months the model saw.
    forecast : DataFrame
        The output of :func:`cpo_kit.analyses.forecast.forecast_mrr`.
    title : str
        The chart's title.
    actual : DataFrame, optional
        ``month`` and ``mrr`` of held-out months, drawn as points (for a backtest).
    levels : tuple of float
        The intervals to shade, as in the forecast's columns.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.2))
    colour = _COLOURS[0]
    ax.plot(history["month"], history["mrr"], color="0.2", marker="o", markersize=3,
            label="history")
    for level, alpha in zip(sorted(levels, reverse=True), np.linspace(0.18, 0.36, len(levels))):
        name = f"{round(level * 100):d}"
        ax.fill_between(forecast["month"], forecast[f"lower_{name}"], forecast[f"upper_{name}"],
                        color=colour, alpha=alpha, linewidth=0,
                        label=f"{name}% prediction interval")
    # Join the forecast to the last month seen, so the line does not start in mid-air.
    joined = pd.concat([history[["month", "mrr"]].tail(1).rename(columns={"mrr": "forecast"}),
                        forecast[["month", "forecast"]]])
    ax.plot(joined["month"], joined["forecast"], color=colour, linestyle="--",
            linewidth=2, label="forecast (median)")
    if actual is not None:
        ax.plot(actual["month"], actual["mrr"], linestyle="none", marker="D", markersize=5,
                color=_COLOURS[3], label="actual (held out)")
    last = forecast.iloc[-1]
    ax.annotate(formats.money(last["forecast"], compact=True), (last["month"], last["forecast"]),
                xytext=(6, 0), textcoords="offset points", va="center", fontweight="bold")
    ax.yaxis.set_major_formatter(FORMATS["currency"])
    ax.set_ylim(bottom=0)
    ax.set(title=title, xlabel="month", ylabel=f"MRR ({formats.currency_label()} a month)")
    ax.legend(frameon=False, fontsize="small", loc="upper left")
    return ax
