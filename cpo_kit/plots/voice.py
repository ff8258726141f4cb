"""Charts of the customer voice: scores with their intervals, feedback themes and sources."""
from __future__ import annotations

import html

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from cpo_kit.core import formats
from cpo_kit.plots.core import FORMATS, PALETTE

__all__ = ["detractors_and_theme", "feedback_bars", "link_bars", "quotes_table",
           "score_band", "sentiment_bars", "theme_area", "voice_table"]

_COLOURS = sns.color_palette(PALETTE).as_hex()
_AXIS = {"share": FORMATS["share"], "score": formats.axis("count"),
         "count": FORMATS["count"]}
#: Negative tone in vermillion, positive in blue: readable by the colour blind.
NEGATIVE, POSITIVE = _COLOURS[3], _COLOURS[0]


def _milestones(ax, milestones: dict | None) -> None:
    """Dated events as dotted vertical lines, labelled at the top of the axes."""
    for label, day in (milestones or {}).items():
        day = pd.Timestamp(day)
        ax.axvline(day, color="grey", linestyle=":", linewidth=1.2)
        ax.annotate(str(label), (day, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -3), textcoords="offset points", va="top", fontsize="small",
                    color="dimgrey")


def score_band(data: pd.DataFrame, *, x: str, y: str, low: str, high: str, n: str,
               title: str, ylabel: str, unit: str = "score", min_responses: int = 20,
               milestones: dict | None = None, limits: tuple | None = None,
               references: dict | None = None, connect: bool = True, ax=None):
    """A score over time with its confidence interval as a shaded band.

    Periods resting on fewer than ``min_responses`` answers get a hollow marker, so a
    reader does not take their swings for news. Periods without a score are skipped
    and the line joins the periods around them; for scores measured only now and then
    (a usability study twice a year) pass ``connect=False``, which draws each period
    as a point with its interval as an error bar instead.

    Parameters
    ----------
    data : DataFrame
    x, y, low, high, n : str
        Columns for time, the score, the interval's bounds and the answers behind it.
    title, ylabel : str
        The chart's title and the value axis label, with its unit.
    unit : {"score", "share"}
        How the value axis is written.
    min_responses : int
        Fewer answers than this make a hollow marker.
    milestones : dict, optional
        Label to day of events drawn as dotted vertical lines.
    limits : tuple, optional
        The value axis' lower and upper bounds.
    references : dict, optional
        Label to value of reference levels (a benchmark, zero), drawn dashed.
    connect : bool
        Join the periods with a line and a band, or draw separate error bars.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    rows = data.dropna(subset=[y])
    if rows.empty:
        ax.text(0.5, 0.5, "no answers yet", transform=ax.transAxes, ha="center",
                va="center", color="dimgrey")
        ax.set(title=title, xticks=[], yticks=[])
        return ax
    if connect:
        ax.fill_between(rows[x], rows[low], rows[high], color=_COLOURS[0], alpha=0.18,
                        linewidth=0, label="95% interval")
        ax.plot(rows[x], rows[y], color=_COLOURS[0], linewidth=1.6)
    else:
        spread = [(rows[y] - rows[low]).fillna(0), (rows[high] - rows[y]).fillna(0)]
        ax.errorbar(rows[x], rows[y], yerr=spread, fmt="none", ecolor=_COLOURS[0],
                    capsize=4, linewidth=1.2, label="95% interval")
    for label, value in (references or {}).items():
        ax.axhline(value, color="black", linestyle="--", linewidth=0.8)
        # Below the line, where the latest (right-most) points are least likely to be.
        ax.annotate(label, (1, value), xycoords=("axes fraction", "data"), xytext=(-4, -3),
                    textcoords="offset points", ha="right", va="top", fontsize="small")
    few = rows[n] < min_responses
    ax.scatter(rows.loc[~few, x], rows.loc[~few, y], color=_COLOURS[0], s=22, zorder=3,
               label=f"{min_responses} answers or more")
    if few.any():
        ax.scatter(rows.loc[few, x], rows.loc[few, y], facecolor="white",
                   edgecolor=_COLOURS[0], s=26, zorder=3, linewidth=1.3,
                   label=f"fewer than {min_responses} answers")
    _milestones(ax, milestones)
    if limits is not None:
        ax.set_ylim(*limits)
    ax.yaxis.set_major_formatter(_AXIS[unit])
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.legend(loc="lower left", frameon=False, fontsize="small", ncols=3)
    return ax


def theme_area(volume: pd.DataFrame, *, title: str, milestones: dict | None = None, ax=None):
    """Feedback items per month, stacked by theme, the largest theme at the bottom.

    Parameters
    ----------
    volume : DataFrame
        :func:`cpo_kit.analyses.feedback.feedback_volume` by theme.
    title : str
        The chart's title.
    milestones : dict, optional
        As in :func:`score_band`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 4))
    wide = volume.pivot_table(index="period", columns="theme", values="items",
                              aggfunc="sum", fill_value=0)
    wide = wide[wide.sum().sort_values(ascending=False).index]
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=[str(c) for c in wide.columns],
                 colors=_COLOURS[:len(wide.columns)], alpha=0.9)
    _milestones(ax, milestones)
    ax.set(title=title, xlabel="", ylabel="feedback items per month")
    ax.yaxis.set_major_formatter(FORMATS["count"])
    ax.set_ylim(bottom=0, top=wide.sum(axis=1).max() * 1.15 if len(wide) else 1)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1),
              frameon=False, fontsize="small", title="theme")
    return ax


def feedback_bars(data: pd.DataFrame, *, y: str, title: str, ax=None):
    """Items per source (or theme), split into negative and other items.

    Parameters
    ----------
    data : DataFrame
        One row per group: ``y``, ``items`` and ``negative_share`` (of items with a
        sentiment below zero), as :func:`cpo_kit.analyses.feedback.sentiment_by` gives.
    y : str
        The group column.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(data) + 1.4))
    data = data.sort_values(["items", y], ascending=[False, True])
    labels = data[y].astype("str").tolist()
    negative = (data["items"] * data["negative_share"]).round()
    ax.barh(labels, negative, color=NEGATIVE, label="negative")
    ax.barh(labels, data["items"] - negative, left=negative, color=POSITIVE,
            alpha=0.55, label="neutral or positive")
    for i, total in enumerate(data["items"]):
        ax.annotate(formats.count(total), (total, i), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(data["items"].max()) * 1.15, 1.0) if len(data) else 1)
    ax.xaxis.set_major_formatter(FORMATS["count"])
    ax.set(title=title, xlabel="feedback items", ylabel="")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", frameon=False, fontsize="small")
    return ax


def sentiment_bars(data: pd.DataFrame, *, y: str, title: str, ax=None):
    """Mean sentiment per theme with its interval, negative means in vermillion.

    Parameters
    ----------
    data : DataFrame
        :func:`cpo_kit.analyses.feedback.sentiment_by`.
    y : str
        Its group column.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(data) + 1.4))
    labels = data[y].astype("str").tolist()
    mean = data["sentiment"].to_numpy(dtype=float)
    below = np.nan_to_num(mean - data["ci_low"].to_numpy(dtype=float))
    above = np.nan_to_num(data["ci_high"].to_numpy(dtype=float) - mean)
    ax.barh(labels, mean, color=[NEGATIVE if m < 0 else POSITIVE for m in mean],
            xerr=[below, above], error_kw={"ecolor": "black", "capsize": 3, "linewidth": 1})
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlim(-1, 1)
    ax.set(title=title, xlabel="mean sentiment (−1 negative to +1 positive)", ylabel="")
    ax.grid(axis="y", visible=False)
    return ax


def link_bars(themes: pd.DataFrame, *, title: str, ax=None):
    """Each theme's rank correlation with the detractor share, its lift written beside it.

    Parameters
    ----------
    themes : DataFrame
        :attr:`cpo_kit.analyses.feedback.DetractorThemes.themes`.
    title : str
        The chart's title.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(themes) + 1.4))
    rho = themes["rho"].fillna(0.0).to_numpy(dtype=float)
    labels = themes["theme"].astype("str").tolist()
    ax.barh(labels, rho, color=[NEGATIVE if r > 0 else _COLOURS[7] for r in rho])
    for i, (r, lift) in enumerate(zip(rho, themes["lift"])):
        text = "lift n/a" if pd.isna(lift) else f"lift {formats.number(lift)}×"
        ax.annotate(text, (r, i), xytext=(4 if r >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if r >= 0 else "right", va="center", fontsize="small")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlim(-1, 1)
    ax.set(title=title, xlabel="Spearman correlation with the detractor share", ylabel="")
    ax.grid(axis="y", visible=False)
    return ax


def detractors_and_theme(months: pd.DataFrame, volume: pd.DataFrame, *, theme: str,
                         title: str, milestones: dict | None = None, ax=None):
    """The share of NPS detractors and one theme's share of feedback, month by month.

    Both are shares of their month (of NPS answers, of feedback items), so they share
    one axis; the months counted as the worst are shaded.

    Parameters
    ----------
    months : DataFrame
        :attr:`cpo_kit.analyses.feedback.DetractorThemes.months`.
    volume : DataFrame
        :func:`cpo_kit.analyses.feedback.feedback_volume` by theme.
    theme : str
        The theme to draw.
    title : str
        The chart's title.
    milestones : dict, optional
        As in :func:`score_band`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    for day in months.loc[months["worst"], "period"]:
        # From halfway to the month before to halfway to the next: centred on the point,
        # which sits on the month's first day, and touching the next month's shade.
        before, after = day - pd.offsets.MonthBegin(1), day + pd.offsets.MonthBegin(1)
        ax.axvspan(day - (day - before) / 2, day + (after - day) / 2, color=NEGATIVE,
                   alpha=0.1, linewidth=0)
    share = volume[volume["theme"] == theme]
    ax.plot(months["period"], months["detractor_share"], color=NEGATIVE, marker="o",
            markersize=3, label="detractors, of NPS answers")
    ax.plot(share["period"], share["share"], color=_COLOURS[0], marker="s", markersize=3,
            label=f"{theme}, of feedback items")
    _milestones(ax, milestones)
    ax.yaxis.set_major_formatter(FORMATS["share"])
    ax.set_ylim(0, max(months["detractor_share"].max(), share["share"].max(), 0.1) * 1.2)
    ax.set(title=title, xlabel="", ylabel="share of the month")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    return ax


def voice_table(frame: pd.DataFrame, *, formats: dict, caption: str, uuid: str):
    """A small table for reading: columns renamed and formatted, text HTML-escaped.

    Parameters
    ----------
    frame : DataFrame
    formats : dict
        Column to ``(label, format)``: a format string such as ``"{:%Y-%m-%d}"`` or a
        function; only these columns are shown, in this order.
    caption : str
        The table's caption.
    uuid : str
        A fixed id for the HTML, so that two runs give the same output.

    Returns
    -------
    pandas Styler
    """
    shown = frame[list(formats)].rename(columns={c: label for c, (label, _) in formats.items()})
    styles = {label: fmt for label, fmt in formats.values() if fmt is not None}
    numeric = [label for c, (label, _) in formats.items()
               if pd.api.types.is_numeric_dtype(frame[c])]
    text = [label for label in shown.columns if label not in styles]
    styler = shown.style.hide(axis="index").set_caption(html.escape(caption)).set_uuid(uuid)
    styler = styler.format(styles, na_rep="n/a")
    if text:  # company strings, shown as text even if they look like markup
        styler = styler.format(escape="html", subset=text, na_rep="n/a")
    return (styler
            .set_table_styles([{"selector": "th, td", "props": "padding: 3px 10px;"},
                               {"selector": "caption", "props": "font-weight: bold;"}])
            .set_properties(subset=numeric, **{"text-align": "right"}))


def quotes_table(quotes: pd.DataFrame, *, caption: str, uuid: str):
    """Verbatim comments, HTML-escaped, with how often and when each was last said.

    Parameters
    ----------
    quotes : DataFrame
        :func:`cpo_kit.analyses.feedback.theme_quotes` or ``detractor_comments``.
    caption : str
        The table's caption.
    uuid : str
        A fixed id for the HTML.

    Returns
    -------
    pandas Styler
    """
    return voice_table(quotes, caption=caption, uuid=uuid, formats={
        "said": ("what they wrote", None), "times": ("times", formats.count),
        "last": ("last said", lambda d: f"{d:%Y-%m-%d}")})
