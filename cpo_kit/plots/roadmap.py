"""Charts of the roadmap: scores, the plan against capacity, the timeline and slippage."""
from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["capacity_curve", "gantt", "score_bars", "slippage_bars"]

_COLOURS = sns.color_palette(PALETTE)
#: Delivery outcomes as a status: green, amber, red, and grey for what is not yet due.
OUTCOME_COLOURS = {"on time": _COLOURS[2], "late": _COLOURS[1], "overdue": _COLOURS[3],
                   "not yet due": _COLOURS[7]}
STATUS_COLOURS = {"planned": _COLOURS[9], "in_progress": _COLOURS[0], "done": _COLOURS[2]}


def _short(text, width: int = 34) -> str:
    return textwrap.shorten(str(text), width, placeholder="…")


def score_bars(scored: pd.DataFrame, *, score: str, title: str, xlabel: str,
               chosen: str | None = None, label: str = "title", log: bool = False, ax=None):
    """The initiatives ranked by a score, best on top, with the score written on each bar.

    Parameters
    ----------
    scored : DataFrame
        Initiatives with the ``score`` column (such as the candidates of a plan).
    score : str
        The column to rank by.
    title, xlabel : str
        The chart's title and the score axis label, with its unit.
    chosen : str, optional
        A boolean column; its initiatives are drawn in the strong colour, the others pale.
    label : str
        The column naming each initiative.
    log : bool
        A log scale, for scores that span several orders of magnitude (RICE).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    data = scored.sort_values(score, ascending=False, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.3 * len(data) + 1.2))
    if data.empty:
        ax.text(0.5, 0.5, "no initiatives to rank", ha="center", va="center",
                transform=ax.transAxes)
        ax.set(title=title, xlabel=xlabel)
        return ax
    taken = data[chosen].to_numpy(dtype=bool) if chosen else np.ones(len(data), dtype=bool)
    colours = [_COLOURS[0] if t else "#c9c9c9" for t in taken]
    y = np.arange(len(data))
    ax.barh(y, data[score], color=colours, height=0.65)
    for position, value in zip(y, data[score]):
        ax.annotate(formats.number(value, decimals=1 if value < 100 else 0), (value, position),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize="x-small")
    ax.set_yticks(y, [_short(t) for t in data[label]], fontsize="small")
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(formats.axis("count"))
    ax.set_xlim(right=data[score].max() * (4 if log else 1.2))
    ax.set(title=title, xlabel=xlabel, ylabel="")
    ax.grid(axis="y", visible=False)
    if chosen:
        ax.legend(handles=[Patch(color=_COLOURS[0], label="in the best plan"),
                           Patch(color="#c9c9c9", label="not in it")],
                  loc="lower right", fontsize="x-small", frameon=True, framealpha=0.9)
    return ax


def capacity_curve(curve: pd.DataFrame, *, capacity: float, ylabel: str,
                   title: str = "Value of the plan at each capacity", ax=None):
    """The value of the exact and the greedy plan as the capacity grows.

    Parameters
    ----------
    curve : DataFrame
        The output of :func:`cpo_kit.analyses.roadmap.capacity_curve`.
    capacity : float
        The capacity chosen, marked by a vertical line.
    ylabel : str
        What the value is, with its unit.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.8))
    ax.step(curve["capacity"], curve["exact"], where="post", color=_COLOURS[0], linewidth=2,
            label="exact (knapsack)")
    ax.step(curve["capacity"], curve["greedy"], where="post", color=_COLOURS[1], linewidth=2,
            linestyle="--", label="greedy (top of the ranking first)")
    ax.fill_between(curve["capacity"], curve["greedy"], curve["exact"], step="post",
                    color=_COLOURS[0], alpha=0.15, label="value greedy leaves behind")
    ax.axvline(capacity, color="black", linewidth=1)
    ax.annotate(f"capacity {capacity:g}", (capacity, 0), xytext=(4, 4),
                textcoords="offset points", fontsize="small")
    ax.set(title=title, xlabel="capacity (person-months)", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS["count"])
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.legend(loc="lower right", fontsize="small", frameon=True, framealpha=0.9)
    return ax


def gantt(timeline: pd.DataFrame, *, period_end, label: str = "title",
          title: str = "Roadmap timeline", ax=None):
    """One bar per initiative from its start to its due date, coloured by status.

    A black diamond marks the done date; a red edge marks work overdue on
    ``period_end`` (due before it and not done by it); a dashed line marks ``period_end``.

    Parameters
    ----------
    timeline : DataFrame
        The output of :func:`cpo_kit.analyses.delivery.timeline`.
    period_end : date-like
        The day the roadmap is read on.
    label : str
        The column naming each initiative.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 0.3 * len(timeline) + 1.6))
    end = pd.Timestamp(period_end)
    start = pd.to_datetime(timeline["start_date"])
    due = pd.to_datetime(timeline["due_date"])
    done = pd.to_datetime(timeline["done_date"]) if "done_date" in timeline else pd.Series(
        pd.NaT, index=timeline.index)
    overdue = (due < end) & ~(done.notna() & (done <= end))
    y = np.arange(len(timeline))
    ax.barh(y, mdates.date2num(due) - mdates.date2num(start), left=mdates.date2num(start),
            color=[STATUS_COLOURS.get(s, _COLOURS[7]) for s in timeline["status"]],
            edgecolor=[_COLOURS[3] if o else "none" for o in overdue], linewidth=2, height=0.6)
    marked = done.notna()
    ax.scatter(mdates.date2num(done[marked]), y[marked.to_numpy()], marker="D", s=28,
               color="black", zorder=3)
    ax.axvline(mdates.date2num(end), color="black", linestyle="--", linewidth=1)
    ax.annotate(f"period end {end:%Y-%m-%d}", (mdates.date2num(end), 1.0),
                xycoords=("data", "axes fraction"), xytext=(4, -2),
                textcoords="offset points", va="top", fontsize="small")
    ax.set_yticks(y, [_short(t) for t in timeline[label]], fontsize="small")
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set(title=title, xlabel="date (start to due date)", ylabel="")
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=c, label=s.replace("_", " ")) for s, c in STATUS_COLOURS.items()]
    handles += [Patch(facecolor="white", edgecolor=_COLOURS[3], linewidth=2,
                      label="overdue"),
                Line2D([], [], marker="D", color="black", linestyle="", label="done date")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncols=len(handles), fontsize="small", frameon=False)
    return ax


def slippage_bars(outcomes: pd.DataFrame, *, label: str = "title",
                  title: str = "Delivery against due dates", ax=None):
    """Days late of each initiative due by now: delivered work solid, open work hatched.

    Parameters
    ----------
    outcomes : DataFrame
        The output of :func:`cpo_kit.analyses.delivery.delivery`; rows that are not yet
        due are left out.
    label : str
        The column naming each initiative.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    data = outcomes[outcomes["outcome"] != "not yet due"]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.35 * len(data) + 1.4))
    y = np.arange(len(data))
    ax.barh(y, data["slippage_days"], height=0.6,
            color=[OUTCOME_COLOURS[o] for o in data["outcome"]],
            hatch=["//" if o == "overdue" else "" for o in data["outcome"]],
            edgecolor="white")
    for position, (days, outcome) in enumerate(zip(data["slippage_days"], data["outcome"])):
        text = (f"{formats.count(days, signed=True)} days"
                + (" so far, still open" if outcome == "overdue" else ""))
        ax.annotate(text, (max(days, 0), position), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize="small")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [_short(t) for t in data[label]], fontsize="small")
    ax.invert_yaxis()
    longest = data["slippage_days"].abs().max() if len(data) else 1
    ax.set_xlim(min(data["slippage_days"].min() * 1.2, 0) if len(data) else 0,
                max(longest, 1) * 1.6)
    ax.set(title=title, xlabel="days after the due date (negative: early)", ylabel="")
    ax.grid(axis="y", visible=False)
    used = [o for o in ("on time", "late", "overdue") if (data["outcome"] == o).any()]
    ax.legend(handles=[Patch(facecolor=OUTCOME_COLOURS[o], hatch="//" if o == "overdue" else "",
                             edgecolor="white", label=o) for o in used],
              loc="lower right", fontsize="small", frameon=True, framealpha=0.9)
    return ax
