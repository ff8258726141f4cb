"""Charts of revenue health: the MRR waterfall, movements, retention and unit economics."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from cpo_kit.core import formats
from cpo_kit.core.formats import format_value
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["group_bars", "format_health", "group_lines", "mrr_area", "mrr_waterfall",
           "movement_bars", "ratio_lines"]

_COLOURS = sns.color_palette(PALETTE).as_hex()
#: Gains in blue and green, losses in orange and vermillion, totals in grey.
MOVEMENT_COLOURS = {"new": _COLOURS[2], "expansion": _COLOURS[9], "reactivated": _COLOURS[0],
                    "contraction": _COLOURS[1], "churned": _COLOURS[3]}
TOTAL_COLOUR = "#5f6b7a"
#: Bars of a KPI against its target: on the right side or not.
TARGET_COLOURS = {True: _COLOURS[2], False: _COLOURS[3]}
_AXIS = {**FORMATS,
         "ratio": mticker.FuncFormatter(lambda v, _: f"{formats.number(v)}×"),
         "months": formats.axis("count")}


def _label(value, unit: str) -> str:
    """A value written beside its bar; ratios as multiples."""
    if unit == "ratio" and value is not None and np.isfinite(value):
        return f"{formats.number(value)}×"
    return format_value(value, unit)


def _colours(groups, order) -> dict:
    """The same colour for a group on every chart that is given the same ``order``."""
    names = [str(g) for g in (order if order is not None else sorted(set(map(str, groups))))]
    names += sorted(set(map(str, groups)) - set(names))
    return {name: _COLOURS[i % len(_COLOURS)] for i, name in enumerate(names)}


def mrr_waterfall(steps: pd.DataFrame, *, title: str, ax=None):
    """One month's MRR bridge: starting MRR, each movement, ending MRR.

    The value axis starts near the lowest level reached, not at zero, so that
    movements of a few percent of MRR are visible; the two totals carry their values.

    Parameters
    ----------
    steps : DataFrame
        The output of :func:`cpo_kit.analyses.revenue.waterfall`.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    colours = [TOTAL_COLOUR if kind == "total" else MOVEMENT_COLOURS.get(step, TOTAL_COLOUR)
               for step, kind in zip(steps["step"], steps["kind"])]
    labels = [s.replace(" MRR", "\nMRR") for s in steps["step"]]
    changes = steps[steps["kind"] != "total"]
    low = min(changes["bottom"].min(), steps["top"].iloc[[0, -1]].min())
    high = max(changes["top"].max(), steps["top"].iloc[[0, -1]].max())
    span = max(high - low, 0.02 * high, 1.0)
    floor = max(0.0, low - 1.2 * span)
    heights = steps["top"] - steps["bottom"].clip(lower=floor)
    ax.bar(labels, heights, bottom=steps["bottom"].clip(lower=floor), color=colours, width=0.6)
    for i, r in enumerate(steps.itertuples(index=False)):
        # A movement carries its sign, ± where nothing moved; a total is a level.
        text = formats.money(r.amount, compact=True,
                             signed="always" if r.kind != "total" else False)
        ax.annotate(text, (i, r.top), xytext=(0, 3), textcoords="offset points", ha="center",
                    va="bottom", fontsize="small", fontweight="bold" if r.kind == "total"
                    else "normal")
    # Dotted connectors show that each bar starts where the one before ended.
    level = steps["top"].iloc[0]
    for i, r in enumerate(steps.iloc[1:-1].itertuples(index=False), start=1):
        ax.plot([i - 1.3, i + 0.3], [level, level], color="grey", linewidth=0.6, linestyle=":")
        level += r.amount
    ax.set_ylim(floor, high + 0.35 * span)
    ax.yaxis.set_major_formatter(_AXIS["currency"])
    ax.set(title=title, xlabel="", ylabel=f"MRR ({formats.currency_label()}, axis not from zero)")
    return ax


def movement_bars(movements: pd.DataFrame, *, title: str, ax=None):
    """MRR movements per month: gains stacked above zero, losses below, net change as a line.

    Parameters
    ----------
    movements : DataFrame
        The output of :func:`cpo_kit.metrics.revenue.mrr_movements` without ``by``.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    x = movements["month"]
    width = pd.Timedelta(days=22)
    up, down = 0.0, 0.0
    for name in ("new", "expansion", "reactivated"):
        ax.bar(x, movements[name], width=width, bottom=up, color=MOVEMENT_COLOURS[name],
               label=name)
        up = up + movements[name]
    for name in ("contraction", "churned"):
        ax.bar(x, movements[name], width=width, bottom=down, color=MOVEMENT_COLOURS[name],
               label=name)
        down = down + movements[name]
    net = movements["ending_mrr"] - movements["starting_mrr"]
    ax.plot(x, net, color="black", marker="o", markersize=4, linewidth=1.2,
            label="net change")
    ax.axhline(0, color="black", linewidth=0.8)
    # Set by hand: the bars' bases are sticky edges that would cancel a margin.
    low = min(np.min(np.asarray(down, dtype=float), initial=0.0),
              np.min(net.to_numpy(dtype=float), initial=0.0))
    high = np.max(np.asarray(up, dtype=float), initial=0.0)
    pad = 0.08 * (high - low) if high > low else 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.yaxis.set_major_formatter(_AXIS["currency"])
    ax.set(title=title, xlabel="", ylabel=f"change in MRR ({formats.currency_label()})")
    ax.legend(ncols=6, loc="upper left", frameon=False, fontsize="small",
              bbox_to_anchor=(0, -0.12))
    return ax


def _no_data(ax, title: str):
    """An axes that says there is nothing to draw yet, rather than an empty frame."""
    ax.text(0.5, 0.5, "not enough months of data yet", transform=ax.transAxes, ha="center",
            va="center", color="dimgrey")
    ax.set(title=title, xticks=[], yticks=[])
    return ax


def _finish_lines(ax, *, unit, title, ylabel, targets, zero):
    for label, value in (targets or {}).items():
        ax.axhline(value, color="black", linestyle="--", linewidth=0.9)
        ax.annotate(label, (0, value), xycoords=("axes fraction", "data"), xytext=(4, 3),
                    textcoords="offset points", ha="left", va="bottom", fontsize="small")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(_AXIS[unit])
    if zero:
        ax.set_ylim(bottom=0)
    if len(ax.get_legend_handles_labels()[0]) > 1:
        ax.legend(title="", frameon=False, fontsize="small")
    elif ax.get_legend() is not None:
        ax.get_legend().remove()
    return ax


def ratio_lines(data: pd.DataFrame, *, x: str, lines: dict[str, str], title: str, ylabel: str,
                unit: str = "share", targets: dict[str, float] | None = None,
                zero: bool = False, ax=None):
    """Several measures of the same unit over time, one line each (NRR and GRR, churn rates).

    Parameters
    ----------
    data : DataFrame
    x : str
        The time column.
    lines : dict
        Column to the label of its line.
    title, ylabel : str
        The chart's title and the value axis label, with its unit.
    unit : str
        ``share``, ``currency``, ``count``, ``ratio`` or ``months``: how values are written.
    targets : dict, optional
        Label to value of each target, drawn as a dashed line.
    zero : bool
        Start the value axis at zero.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    if not data[list(lines)].notna().any().any():
        return _no_data(ax, title)
    for i, (column, label) in enumerate(lines.items()):
        ax.plot(data[x], data[column], marker="o", markersize=3, color=_COLOURS[i], label=label)
    return _finish_lines(ax, unit=unit, title=title, ylabel=ylabel, targets=targets,
                         zero=zero)


def group_lines(data: pd.DataFrame, *, x: str, y: str, hue: str, title: str, ylabel: str,
                unit: str = "share", targets: dict[str, float] | None = None,
                zero: bool = False, order: list | None = None, ax=None):
    """One measure over time, one line per segment or product.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per time and group.
    x, y, hue : str
        Columns for time, the value and the group.
    title, ylabel, unit, targets, zero, ax
        As in :func:`ratio_lines`.
    order : list, optional
        The groups in the order of their colours (and of the legend); give every chart
        of a notebook the same order so a group keeps its colour.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    if not data[y].notna().any():
        return _no_data(ax, title)
    colours = _colours(data[hue], order)
    for name, colour in colours.items():
        rows = data[data[hue].astype("str") == name]
        if len(rows):
            ax.plot(rows[x], rows[y], marker="o", markersize=3, color=colour, label=name)
    return _finish_lines(ax, unit=unit, title=title, ylabel=ylabel, targets=targets,
                         zero=zero)


def mrr_area(data: pd.DataFrame, *, x: str, y: str, hue: str, title: str,
             order: list | None = None, ax=None):
    """MRR stacked by segment or product: the whole, and the part each group holds.

    Parameters
    ----------
    data : DataFrame
        Long data: one row per month and group.
    x, y, hue : str
        Columns for the month, MRR and the group.
    title : str
        The chart's title.
    order : list, optional
        The groups from the bottom of the stack up, and their colours (see
        :func:`group_lines`); by default by name.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6))
    wide = data.pivot_table(index=x, columns=hue, values=y, aggfunc="sum", fill_value=0.0)
    wide.columns = wide.columns.astype("str")
    colours = _colours(wide.columns, order)
    wide = wide[[name for name in colours if name in wide.columns]]
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=list(wide.columns),
                 colors=[colours[c] for c in wide.columns], alpha=0.85)
    ax.yaxis.set_major_formatter(_AXIS["currency"])
    ax.set(title=title, xlabel="", ylabel=f"MRR ({formats.currency_label()})")
    # Reversed, so the legend lists the groups top down as the stack shows them.
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", frameon=False, fontsize="small")
    ax.set_ylim(bottom=0)
    return ax


def group_bars(data: pd.DataFrame, *, x: str, y: str, title: str, xlabel: str,
               unit: str = "ratio", target: float | None = None,
               higher_is_better: bool = True, ax=None):
    """One value per segment or product as horizontal bars, each written at its end.

    With a target, bars on its right side are green and the others vermillion, and
    the target is a dashed line.

    Parameters
    ----------
    data : DataFrame
        One row per group.
    x : str
        The value column.
    y : str
        The group column.
    title, xlabel : str
        The chart's title and the value axis label, with its unit.
    unit : str
        How values are written: ``ratio``, ``months``, ``currency``, ``share`` or ``count``.
    target : float, optional
        The target to compare each bar with.
    higher_is_better : bool
        Which side of the target is good.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 * len(data) + 1.2))
    values = data[x].astype("float64").to_numpy()
    shown = np.where(np.isfinite(values), values, 0.0)
    if target is None:
        colours = [_COLOURS[0]] * len(values)
    else:
        good = values >= target if higher_is_better else values <= target
        colours = [TARGET_COLOURS[bool(g)] for g in good]
    labels = data[y].astype("str").tolist()
    ax.barh(labels, shown, color=colours)
    ax.invert_yaxis()
    for i, value in enumerate(values):
        ax.annotate(_label(value if np.isfinite(value) else None, unit), (shown[i], i),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize="small")
    right = max([v for v in shown] + [target or 0.0]) * 1.3 or 1.0
    ax.set_xlim(0, right)
    if target is not None:
        ax.axvline(target, color="black", linestyle="--", linewidth=1)
        # In the axis label, where it cannot hide a bar's value.
        xlabel = f"{xlabel}  (dashed: target {_label(target, unit)})"
    ax.xaxis.set_major_formatter(_AXIS[unit])
    ax.set(title=title, xlabel=xlabel, ylabel="")
    ax.grid(axis="y", visible=False)
    return ax


#: How each column of :func:`cpo_kit.analyses.revenue.health_table` is shown.
_HEALTH_COLUMNS = {"mrr": ("MRR", "currency"), "mrr_share": ("share of MRR", "share"),
                   "paying_accounts": ("paying accounts", "count"),
                   "arpa": ("ARPA", "currency"), "cohort_accounts": ("T12M cohort", "count"),
                   "nrr": ("NRR T12M", "share"), "grr": ("GRR T12M", "share"),
                   "logo_churn_rate": ("logo churn / month", "share"),
                   "revenue_churn_rate": ("revenue churn / month", "share"),
                   "ltv": ("LTV", "currency"), "cac": ("CAC", "currency"),
                   "ltv_to_cac": ("LTV:CAC", "ratio"),
                   "payback_months": ("CAC payback", "months")}


def format_health(table: pd.DataFrame, *, key: str, caption: str, uuid: str,
                  min_cohort: int = 1):
    """The table of :func:`cpo_kit.analyses.revenue.health_table`, formatted for reading.

    Parameters
    ----------
    table : DataFrame
        Its output.
    key : str
        Its group column, shown first.
    caption : str
        The table's caption.
    uuid : str
        A fixed id for the HTML, so that two runs give the same output.
    min_cohort : int
        The fewest accounts a group's twelve-month retention is shown on, as the
        notebook's retention lines draw it: a group's NRR and GRR resting on fewer
        read "too few (N)", so the table never states what the chart beside it
        leaves out.

    Returns
    -------
    pandas Styler
    """
    shown = {key: table[key].astype("str")}
    few = (table["cohort_accounts"].fillna(0) < min_cohort if "cohort_accounts" in table
           else pd.Series(False, index=table.index))
    for column, (label, unit) in _HEALTH_COLUMNS.items():
        if column in table.columns:
            shown[label] = [
                f"too few ({format_value(n, 'count')})" if thin and column in ("nrr", "grr")
                else _cell(v, unit)
                for v, thin, n in zip(table[column], few, table.get("cohort_accounts", few))]
    frame = pd.DataFrame(shown)
    return (frame.style.hide(axis="index").set_caption(html.escape(caption)).set_uuid(uuid)
            .format(escape="html")
            .set_table_styles([{"selector": "th, td", "props": "padding: 3px 10px;"},
                               {"selector": "caption", "props": "font-weight: bold;"}])
            .set_properties(subset=list(frame.columns[1:]), **{"text-align": "right"}))


def _cell(value, unit: str) -> str:
    if isinstance(value, float) and np.isinf(value):
        return "no loss"
    return format_value(value, unit)
