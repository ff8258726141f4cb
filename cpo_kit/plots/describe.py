"""What a chart shows, in words: the alt text of every chart in the book.

A reader who cannot see a chart (a screen reader, an image that did not load) is told
its kind, its title, what it measures, the periods or groups it covers and, for a line,
where it starts and ends, all read from the drawn figure itself, so the words follow the
data of whichever company the notebook ran on. :func:`register_alt_text` makes every
figure a notebook shows carry its description in the output's metadata, and the book
sets it as the image's ``alt`` (:mod:`cpo_kit.site.book_ext`).

Kept here rather than taken from a library: no kept library describes a matplotlib
figure, and the description must use the chart's own number formats.
"""
from __future__ import annotations

import importlib
import math

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axis import Axis
from matplotlib.category import StrCategoryFormatter
from matplotlib.collections import PolyCollection, QuadMesh
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter

#: The longest alt text written, in characters: screen readers read it all at once.
LONGEST = 600


def describe(figure: Figure) -> str:
    """The chart ``figure`` draws, in a few sentences.

    Parameters
    ----------
    figure : Figure
        A drawn figure (its tick labels are read, so draw it first, as saving does).

    Returns
    -------
    str
        For each panel: kind, title, measure, the span of its axis and, for lines,
        each line's first and last value. Empty for a figure with nothing drawn.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> figure, ax = plt.subplots()
    >>> _ = ax.plot([1, 2, 3], [912, 990, 1034]); _ = ax.set(title="Weekly active users")
    >>> _ = ax.set_xticks([1, 2, 3])
    >>> figure.canvas.draw(); describe(figure)
    'Line chart: Weekly active users. It covers 1 to 3. The line runs from 912 to 1034.'
    >>> plt.close(figure)
    """
    panels = [_panel(ax) for ax in figure.axes if _drawn(ax)]
    panels = [p for p in panels if p]
    suptitle = figure.get_suptitle() if hasattr(figure, "get_suptitle") else ""
    if len(panels) > 1:
        text = (f"{len(panels)} charts" + (f", {suptitle}" if suptitle else "") + ". "
                + " ".join(f"{_ordinal(n)}: {p}" for n, p in enumerate(panels, 1)))
    else:
        text = (f"{suptitle}. " if suptitle else "") + "".join(panels)
    text = " ".join(text.split())  # a label's line breaks are spaces when read
    return text if len(text) <= LONGEST else text[:LONGEST - 1].rstrip() + "…"


def register_alt_text() -> None:
    """Make every figure a notebook shows carry :func:`describe` as its PNG's ``alt``.

    The PNG is drawn by the printer the notebook's backend registered (the inline
    backend's, with its settings); only the metadata is added. Outside IPython this
    does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every notebook
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib

    if "inline" in matplotlib.get_backend():
        # The inline backend registers its PNG printer when its module is first
        # imported, which matplotlib otherwise leaves to the first figure.
        importlib.import_module("matplotlib_inline.backend_inline")
    png = shell.display_formatter.formatters["image/png"]
    printer = png.lookup_by_type(Figure) if Figure in png.type_printers else None
    if printer is None or getattr(printer, "with_alt_text", False):
        return

    def with_alt_text(figure: Figure):
        data = printer(figure)
        return (data, {"alt": describe(figure)}) if data else data

    with_alt_text.with_alt_text = True
    png.for_type(Figure, with_alt_text)


def _drawn(ax) -> bool:
    """Whether ``ax`` is a panel with data (not a colour bar, not an empty grid cell)."""
    return ax.get_visible() and ax.get_label() != "<colorbar>" and ax.has_data()


def _ordinal(number: int) -> str:
    return {1: "First", 2: "Second", 3: "Third"}.get(number, f"Chart {number}")


def _title(ax) -> str:
    return next((t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right"))
                 if t), "")


def _labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def _numeric(axis: Axis) -> bool:
    """Whether ``axis`` reads as numbers, not as names of groups."""
    return not isinstance(axis.get_major_formatter(), (FixedFormatter, StrCategoryFormatter))


def _value(axis, value: float) -> str:
    """``value`` as the axis writes its ticks: $1,234, 12.5%, 1,034."""
    value = float(f"{value:.4g}")  # as many digits as a reader takes in
    try:
        said = axis.get_major_formatter()(value, 0)
    except (TypeError, ValueError):  # pragma: no cover - every formatter takes a number
        said = ""
    return said.replace("\u2212", "−") if said else f"{value:,.4g}"


def _panel(ax) -> str:
    """One panel: ``Kind chart: title, measure. Span. Movement.``"""
    title, measure = _title(ax), ax.get_ylabel()
    bars = [patch for container in ax.containers if isinstance(container, BarContainer)
            for patch in container]
    # Lines in data units; a reference line across the panel (a target) is not data.
    lines = [line for line in ax.get_lines()
             if len(line.get_xdata()) > 1 and line.get_transform() == ax.transData]
    if ax.images or any(isinstance(c, QuadMesh) for c in ax.collections):
        kind, rest = "Heatmap", _heatmap(ax)
    elif bars:
        horizontal = len({round(p.get_x(), 6) for p in bars}) == 1 and len(bars) > 1
        kind, rest = "Bar chart", _bars(ax, bars, horizontal)
        measure = ax.get_xlabel() if horizontal else measure
    elif lines:
        kind, rest = "Line chart", _lines(ax, lines)
    elif any(isinstance(c, PolyCollection) for c in ax.collections):
        kind, rest = "Area chart", _span(ax.xaxis)
    elif ax.collections:
        kind, rest = "Chart of points", _span(ax.xaxis)
    else:
        return ""
    head = f"{kind}: {title}" if title else kind
    if measure and measure.lower() not in title.lower():
        head += f" ({measure})"
    return f"{head}. {rest}".strip()


def _named(line) -> bool:
    return not line.get_label().startswith("_")


def _span(axis) -> str:
    labels = _labels(axis)
    return f"It covers {labels[0]} to {labels[-1]}." if len(labels) > 1 else ""


def _dates(values) -> str:
    """The first and last of dated ``values`` as a reader names them; empty if undated."""
    import pandas as pd

    try:
        dates = pd.to_datetime(pd.Series(list(values)))
    except (TypeError, ValueError):
        return ""
    if not pd.api.types.is_datetime64_any_dtype(dates) or dates.isna().all():
        return ""
    first, last = dates.min(), dates.max()
    shape = "%B %Y" if (dates.dt.day == 1).all() else "%d %B %Y"
    return f"It covers {first.strftime(shape).lstrip('0')} to {last.strftime(shape).lstrip('0')}."


def _lines(ax, lines) -> str:
    xs = np.asarray(lines[0].get_xdata())
    if np.issubdtype(xs.dtype, np.number):
        # Numbers are dates only where the axis writes them as dates.
        dated_axis = isinstance(ax.xaxis.get_major_formatter(), (
            mdates.AutoDateFormatter, mdates.ConciseDateFormatter, mdates.DateFormatter))
        xs = [d.replace(tzinfo=None) for d in mdates.num2date(xs)] if dated_axis else []
    dated = _dates(xs) if len(xs) else ""
    said = [dated or _span(ax.xaxis)]
    if not _numeric(ax.yaxis):  # points placed by group: no level to run between
        return said[0]
    named = [line for line in lines if _named(line)]
    for line in (named or lines[:1])[:4]:
        values = [float(v) for v in line.get_ydata() if _finite(v)]
        if len(values) < 2:
            continue
        first, last = _value(ax.yaxis, values[0]), _value(ax.yaxis, values[-1])
        name = f"{line.get_label()} runs" if named else "The line runs"
        said.append(f"{name} from {first} to {last}.")
    return " ".join(s for s in said if s)


def _bars(ax, bars, horizontal: bool) -> str:
    sizes = [p.get_width() if horizontal else p.get_height() for p in bars]
    sizes = [s for s in sizes if _finite(s)]
    axis, groups = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
    labels = _labels(groups)
    said = f"{len(sizes)} bars"
    if labels and len(labels) <= 8:
        said += f" ({', '.join(labels)})"
    if sizes and min(sizes) != max(sizes) and _numeric(axis):
        said += f", from {_value(axis, min(sizes))} to {_value(axis, max(sizes))}"
    return said + "."


def _heatmap(ax) -> str:
    grid = ax.images[0] if ax.images else next(c for c in ax.collections
                                                if isinstance(c, QuadMesh))
    shape = grid.get_array().shape
    said = f"{shape[0]} rows by {shape[1]} columns. " if len(shape) >= 2 else ""
    return (said + _span(ax.yaxis)).strip()


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
