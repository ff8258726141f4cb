"""The shared chart style and the charts of product KPIs.

A chart given no row to draw draws nothing: it makes no figure, switches off an
``ax`` it was given, raises no warning and returns None. The notebook then says
what is missing and why with :func:`nothing_to_draw`, instead of showing an empty
frame.
"""
from __future__ import annotations

import html

import matplotlib as mpl
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from cpo_kit.core import formats
from cpo_kit.plots.describe import register_alt_text

PALETTE = "colorblind"
#: How the last value of a line is written beside it.
_LABELS = {
    "currency": lambda v: formats.money(v, compact=True),
    "count": lambda v: formats.count(v),
    "share": lambda v: formats.share(v, decimals=0),
}


FORMATS = {
    "currency": formats.axis("currency"),
    "count": formats.axis("count"),
    "share": formats.axis("share"),
}

def set_theme() -> None:
    """The playbook's look; call once at the top of a notebook.

    In a notebook, every figure shown from then on carries its description as alt
    text (:func:`cpo_kit.plots.describe.register_alt_text`).
    """
    register_alt_text()
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook",
                  rc={"figure.figsize": (8, 3.6), "figure.dpi": 110, "axes.titleweight": "bold",
                      "axes.titlelocation": "left", "axes.spines.top": False,
                      "axes.spines.right": False,
                      # Names from a company's data are text: a "$" in one must not
                      # start a formula (or fail the chart on a malformed one).
                      "text.parse_math": False})


def stacked(n: int, *, height: float = 3.8, width: float = 9.0):
    """A figure of ``n`` charts one above another, each as wide as the figure.

    Charts that belong together are stacked rather than set side by side: side by side,
    each is drawn at half the width and its labels shrink past reading on a phone.

    Parameters
    ----------
    n : int
        Number of charts.
    height : float
        Height of each chart, in inches.
    width : float
        Width of the figure, in inches.

    Returns
    -------
    tuple
        The figure and the list of its ``n`` axes, top first.

    Examples
    --------
    >>> fig, (top, bottom) = stacked(2)
    >>> [ax.get_subplotspec().rowspan.start for ax in (top, bottom)]
    [0, 1]
    """
    fig, axes = plt.subplots(n, 1, figsize=(width, height * n), layout="constrained",
                             squeeze=False)
    return fig, list(axes[:, 0])


def slant_dates(fig) -> None:
    """Slant the date labels of every chart of ``fig``, keeping each chart's own.

    ``Figure.autofmt_xdate`` would hide the labels of all but the bottom chart of a
    stack, whose charts need not share their dates.
    """
    for ax in fig.axes:
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")


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
        Column to format string (``"{:%Y-%m-%d}"``) or function (``formats.count``).
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


# --- what every chart shares ------------------------------------------------------------

#: Docstring parts that every chart below shares, written once and put in by
#: :func:`_shared_doc` (as seaborn's ``_docstrings`` does).
_SHARED_DOCS = {
    "{ax}": """ax : matplotlib Axes, optional
        Where to draw; a new figure by default.""",
    "{returns}": """Returns
    -------
    matplotlib Axes or None
        The axes drawn on; None when there is no row to draw, and then nothing is
        drawn, no warning is raised and a given ``ax`` is switched off. Say why
        with :func:`nothing_to_draw`.""",
}


def _shared_doc(function):
    for marker, text in _SHARED_DOCS.items():
        function.__doc__ = function.__doc__.replace(marker, text)
    return function


def _nothing(ax) -> None:
    """No chart: a given axes is hidden rather than left as an empty frame."""
    if ax is not None:
        ax.set_axis_off()


def nothing_to_draw(what: str, why: str) -> None:
    """Say in the notebook, in place of a chart, what is not drawn and why.

    Parameters
    ----------
    what : str
        The chart, as the reader knows it: ``"Feature adoption"``.
    why : str
        Markdown saying what is missing and how to provide it: ``"the events have no
        `feature` column. Add one to draw the share of users of each feature."``
        Company strings in it should go through :func:`cpo_kit.core.text.markdown_literal`.

    Examples
    --------
    >>> why = "the events have no `feature` column. Add one to see which features are used."
    >>> nothing_to_draw("Feature adoption", why)  # doctest: +SKIP
    """
    # Imported here, as in Company.require: only notebooks display anything.
    from IPython.display import Markdown, display

    display(Markdown(f"**{what} is not drawn:** {why}"))


# --- lines and bars -------------------------------------------------------------------------

@_shared_doc
def trend(data: pd.DataFrame, *, x: str, y: str, title: str, ylabel: str,
          unit: str = "count", ax=None):
    """A line over time with a marker on the last point and its value written beside it.

    Parameters
    ----------
    data : DataFrame
        Rows whose ``y`` is missing are left out.
    x, y : str
        Columns for time and value.
    title, ylabel : str
        The chart's title and the value axis label, with its unit.
    unit : str
        ``count``, ``currency`` or ``share``: how the value axis is formatted.
    {ax}

    {returns}
    """
    rows = data.dropna(subset=[x, y])
    if rows.empty:
        return _nothing(ax)
    if ax is None:
        _, ax = plt.subplots()
    sns.lineplot(data=rows, x=x, y=y, ax=ax, marker="o", markersize=4)
    last = rows.iloc[-1]
    ax.annotate(_LABELS[unit](last[y]), (last[x], last[y]), textcoords="offset points",
                xytext=(6, 0), va="center", fontweight="bold")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS[unit])
    ax.set_ylim(bottom=0)
    return ax


@_shared_doc
def lifecycle_bars(data: pd.DataFrame, *, title: str, ax=None):
    """Growth accounting per period: new, returning and resurrecting users above zero,
    dormant users below it, so a period's net change in active users reads at a glance.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.usage.lifecycle`.
    title : str
        The chart's title.
    {ax}

    {returns}
    """
    if data.empty:
        return _nothing(ax)
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
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: formats.count(abs(v))))
    ax.legend(ncols=4, loc="upper left", frameon=False, fontsize="small")
    return ax


@_shared_doc
def funnel_bars(data: pd.DataFrame, *, title: str, ax=None):
    """Users reaching each step, with the overall conversion written on each bar.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.funnel.funnel` without periods.
    title : str
        The chart's title.
    {ax}

    {returns}
    """
    if data.empty:
        return _nothing(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    labels = [f"{s}. {e}" for s, e in zip(data["step"], data["event"])]
    ax.barh(labels, data["users"], color=sns.color_palette(PALETTE)[0])
    ax.invert_yaxis()
    for y, (users, share) in enumerate(zip(data["users"], data["overall_conversion"])):
        text = (formats.count(users) if pd.isna(share)
                else f"{formats.count(users)} ({formats.share(share, decimals=0)})")
        ax.annotate(text, (users, y), xytext=(4, 0), textcoords="offset points", va="center")
    ax.set(title=title, xlabel="users", ylabel="")
    ax.xaxis.set_major_formatter(FORMATS["count"])
    # A funnel nobody entered still gets an axis from 0 to 1, not one from 0 to 0.
    ax.set_xlim(left=0, right=max(float(data["users"].max()) * 1.25, 1.0))
    return ax


@_shared_doc
def share_lines(data: pd.DataFrame, *, x: str, y: str, hue: str, title: str, ylabel: str,
                ax=None):
    """Shares over time, one line per group (feature adoption, conversion by week).

    Parameters
    ----------
    data : DataFrame
        Rows whose ``x``, ``y`` or ``hue`` is missing are left out.
    x, y, hue : str
        Columns for time, the share (0 to 1) and the group.
    title, ylabel : str
        The chart's title and the value axis label.
    {ax}

    {returns}
    """
    rows = data.dropna(subset=[x, y, hue])
    if rows.empty:
        return _nothing(ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    sns.lineplot(data=rows, x=x, y=y, hue=hue, ax=ax, marker="o", markersize=3)
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS["share"])
    ax.set_ylim(bottom=0)
    ax.legend(title="", frameon=False, fontsize="small", ncols=2)
    return ax


@_shared_doc
def range_band(data: pd.DataFrame, *, x: str, title: str, ylabel: str, unit: str = "count",
               ax=None):
    """A series with the band of its usual range, and its unusual points in red.

    Parameters
    ----------
    data : DataFrame
        The output of :func:`cpo_kit.metrics.changes.unusual_changes`; rows without a
        value are left out.
    x : str
        Its period column.
    title, ylabel, unit
        As in :func:`trend`.
    {ax}

    {returns}
    """
    data = data.dropna(subset=[x, "value"])
    if data.empty:
        return _nothing(ax)
    if ax is None:
        _, ax = plt.subplots()
    ax.fill_between(data[x], data["low"].clip(lower=0), data["high"], color="0.85",
                    label="usual range")
    ax.plot(data[x], data["value"], marker="o", markersize=4, label="value")
    odd = data[data["unusual"].fillna(False).astype(bool)]
    ax.scatter(odd[x], odd["value"], s=60, color="#c0392b", zorder=3, label="unusual")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.yaxis.set_major_formatter(FORMATS[unit])
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left", frameon=False, ncols=3)
    return ax


# --- the retention heatmap ------------------------------------------------------------------

#: Blues without its near-white end, so that a cell at 0% is tinted and does not look
#: like the blank cell of a period not yet complete.
_RETENTION_COLOURS = ListedColormap(mpl.colormaps["Blues"](np.linspace(0.15, 1.0, 256)))
#: Small cohorts: grey and hatched, their shares written but not coloured.
_GREYED = {"facecolor": "0.93", "edgecolor": "0.72", "hatch": "////"}
#: Past this many periods a cell is too narrow for its percentage.
_MOST_WRITTEN = 26


@_shared_doc
def retention_heatmap(table: pd.DataFrame, *, title: str, period: str = "week",
                      min_cohort: int = 20, ax=None):
    """Cohorts down, periods since the cohort across, the retained share in each cell.

    Each row is labelled with its cohort's first day and, when the table carries
    them, its size ("2026-09-07 · 412 users"). A cohort of fewer than ``min_cohort``
    users is greyed and hatched instead of coloured by its shares, which stay written
    in its cells: on a handful of users 100% or 0% says little, and a dark cell would
    say much. A cell whose period is not yet complete is blank, while a complete cell
    where nobody came back has the colour of 0% and reads "0%". A legend above the
    chart says which cohorts are greyed and what the blank cells are. Shares are
    written in the cells up to 26 periods; past that only the colours show.

    Parameters
    ----------
    table : DataFrame
        The wide table of :func:`cpo_kit.metrics.retention.retention_table`, made
        with ``sizes=True`` so that the rows show and weigh their cohort's size;
        without sizes, rows show their first day only and no cohort is greyed. Its
        rows and columns may be cut first (``table.tail(12).iloc[:, :13]``).
    title : str
        The chart's title.
    period : str
        The cohorts' period (``day``, ``week`` or ``month``), for the axis labels.
    min_cohort : int
        Cohorts with fewer users than this are greyed; 0 greys none.
    {ax}

    {returns}

    Raises
    ------
    ValueError
        When ``min_cohort`` is not a whole number of at least 0.

    Examples
    --------
    >>> long = retention(events, period="week", period_end="2026-10-31")
    >>> table = retention_table(long, sizes=True).tail(12).iloc[:, :13]
    >>> retention_heatmap(table, title="Retention of the last 12 cohorts")  # doctest: +SKIP
    """
    if (isinstance(min_cohort, bool) or not isinstance(min_cohort, (int, np.integer))
            or min_cohort < 0):
        raise ValueError(f"min_cohort must be a whole number of at least 0, not {min_cohort!r}")
    values = table.to_numpy(dtype=float)
    if values.size == 0 or np.isnan(values).all():
        return _nothing(ax)
    labels, sizes = _cohort_labels(table.index)
    small = np.zeros(len(table), dtype=bool) if sizes is None else sizes < min_cohort
    blank = np.isnan(values)
    rows, columns = values.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(11, max(3.0, 0.3 * rows + 1.4)))
    coloured = np.ma.masked_invalid(np.where(small[:, None], np.nan, values))
    mesh = ax.pcolormesh(coloured, cmap=_RETENTION_COLOURS, vmin=0, vmax=1)
    for i, j in zip(*np.nonzero(small[:, None] & ~blank)):
        ax.add_patch(Rectangle((j, i), 1, 1, linewidth=0, **_GREYED))
    # White lines between the cells, over the greyed ones too (a patch's edge colour
    # is its hatch's colour, so the patches cannot draw them).
    ax.hlines(np.arange(1, rows), 0, columns, color="white", linewidth=0.8)
    ax.vlines(np.arange(1, columns), 0, rows, color="white", linewidth=0.8)
    if columns <= _MOST_WRITTEN:
        size = "x-small" if columns <= _MOST_WRITTEN // 2 else "xx-small"
        for i, j in zip(*np.nonzero(~blank)):
            share = values[i, j]
            ink = "0.3" if small[i] else ("white" if share > 0.55 else "0.15")
            ax.text(j + 0.5, i + 0.5, formats.share(share, decimals=0), ha="center", va="center",
                    fontsize=size, color=ink)
    ax.figure.colorbar(mesh, ax=ax, label="share of the cohort active",
                       format=FORMATS["share"], fraction=0.04, pad=0.02)
    ax.set_xlim(0, columns)
    ax.set_ylim(rows, 0)  # the oldest cohort on top
    ax.set_xticks(np.arange(columns) + 0.5, labels=[str(c) for c in table.columns])
    ax.set_yticks(np.arange(rows) + 0.5, labels=labels)
    for label, greyed in zip(ax.get_yticklabels(), small):
        if greyed:
            label.set_color("0.45")
    ax.set(title=title, xlabel=f"{period}s since the cohort's first {period}",
           ylabel=f"cohort ({period} of first activity)")
    ax.grid(False)
    ax.spines[:].set_visible(False)
    ax.tick_params(axis="both", length=0)
    ax.tick_params(axis="y", labelsize="x-small")
    ax.tick_params(axis="x", labelsize="small")
    keys = []
    if small.any():
        keys.append(Patch(label=f"cohorts under {min_cohort} users are greyed", **_GREYED))
    if blank.any():
        keys.append(Patch(facecolor="white", edgecolor="0.72",
                          label="blank: period not yet complete"))
    if keys:
        ax.legend(handles=keys, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2,
                  frameon=False, fontsize="x-small", borderaxespad=0.3)
    return ax


def _cohort_labels(index: pd.Index) -> tuple[list[str], np.ndarray | None]:
    """Each row's label, "2026-09-07 · 412 users", and the cohort sizes when the
    index carries them (a ``cohort_size`` level, as ``retention_table(sizes=True)``)."""
    sizes = None
    if isinstance(index, pd.MultiIndex) and "cohort_size" in index.names:
        sizes = index.get_level_values("cohort_size").to_numpy(dtype="int64")
        index = index.droplevel("cohort_size")
    days = [c.strftime("%Y-%m-%d") if hasattr(c, "strftime") else str(c) for c in index]
    if sizes is None:
        return days, None
    return [f"{day} · {formats.count(size)} user{'' if size == 1 else 's'}"
            for day, size in zip(days, sizes)], sizes
