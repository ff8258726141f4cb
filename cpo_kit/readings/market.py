"""Readings of the market notebook: sizes, growth, features against rivals, positioning.

Each function takes a frame the notebook computed with :mod:`cpo_kit.analyses.market`
and writes what it shows for this company; :func:`recommendations` keeps the next
steps whose condition holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, money_safe, names, shows

#: The row that adds up every segment, as :mod:`cpo_kit.analyses.market` names it.
TOTAL = "Total"


def _big(value) -> str:
    return money_safe(formats.money(value, compact=True))


def _parts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["segment"] != TOTAL]


def sizes(frame: pd.DataFrame, *, company: str, year: int) -> str:
    """Which segment holds most of the serviceable market, and how much of it is obtainable.

    Parameters
    ----------
    frame : DataFrame
        ``market_sizes``' result: ``segment`` (a ``Total`` row last), ``tam``, ``sam``,
        ``som``.
    company : str
        The company, as named in titles.
    year : int
        The year sized.

    Returns
    -------
    str
        A markdown paragraph.
    """
    parts = _parts(frame).dropna(subset=["sam"])
    total = frame[frame["segment"] == TOTAL]
    if parts.empty or total.empty:
        return shows(company, [f"No segment has a size in {year}."])
    total = total.iloc[0]
    top = parts.loc[parts["sam"].idxmax()]
    sentences = [f"In {year}, {literal(top['segment'])} is the largest serviceable market: "
                 f"{_big(top['sam'])} of {_big(total['sam'])} "
                 f"({formats.share(top['sam'] / total['sam'], decimals=0)})."]
    if total["sam"]:
        sentences.append(f"The obtainable market is {_big(total['som'])}, "
                         f"{formats.share(total['som'] / total['sam'])} of the serviceable "
                         f"one and {formats.share(total['som'] / total['tam'])} of the total.")
    return shows(company, sentences)


def growth(frame: pd.DataFrame, *, company: str) -> str:
    """The fastest- and slowest-growing segments, and whether the fastest overtakes the largest.

    Parameters
    ----------
    frame : DataFrame
        ``segment_growth``'s result: ``segment`` (a ``Total`` row last), ``first_year``,
        ``last_year``, ``first_tam``, ``last_tam``, ``cagr``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    parts = _parts(frame).dropna(subset=["cagr"])
    if parts.empty:
        return shows(company, ["No segment has two years to measure its growth."])
    fast = parts.loc[parts["cagr"].idxmax()]
    sentences = [f"{literal(fast['segment'])} grows fastest, "
                 f"{formats.share(fast['cagr'])} a year from {int(fast['first_year'])} to "
                 f"{int(fast['last_year'])}."]
    if len(parts) > 1:
        slow = parts.loc[parts["cagr"].idxmin()]
        sentences.append(f"{literal(slow['segment'])} grows slowest, "
                         f"{formats.share(slow['cagr'])} a year.")
        first = parts.loc[parts["first_tam"].idxmax()]
        last = parts.loc[parts["last_tam"].idxmax()]
        if first["segment"] != last["segment"]:
            sentences.append(f"{literal(last['segment'])} overtakes "
                             f"{literal(first['segment'])} as the largest segment by "
                             f"{int(last['last_year'])} ({_big(last['last_tam'])}).")
        else:
            sentences.append(f"{literal(first['segment'])} stays the largest, from "
                             f"{_big(first['first_tam'])} to {_big(first['last_tam'])}.")
    return shows(company, sentences)


def features(standing: pd.DataFrame, *, company: str, us: str) -> str:
    """How many features are gaps, leads and parity, the widest gap, the rival ahead most often.

    Parameters
    ----------
    standing : DataFrame
        ``feature_standing``'s result: ``feature``, ``rivals_ahead``, ``ahead`` (the
        rivals ahead, joined by ", "), ``standing`` (``gap``, ``lead`` or ``parity``).
    company : str
        The company, as named in titles.
    us : str
        Our product, as the ``competitors`` table names it.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if standing.empty:
        return shows(company, ["No feature is recorded for both us and a rival."])
    counts = standing["standing"].value_counts()
    sentences = [f"Of {formats.count(len(standing))} features, {literal(us)} trails at least "
                 f"one rival on {formats.count(counts.get('gap', 0))}, leads every rival on "
                 f"{formats.count(counts.get('lead', 0))} and matches the best on "
                 f"{formats.count(counts.get('parity', 0))}."]
    gaps = standing[standing["standing"] == "gap"]
    if len(gaps):
        most = gaps["rivals_ahead"].max()
        widest = gaps.loc[gaps["rivals_ahead"] == most, "feature"]
        sentences.append(f"The widest gaps are {names(widest)}, where "
                         f"{formats.counted(most, 'rival')} {'is' if most == 1 else 'are'} ahead."
                         if len(widest) > 1 else
                         f"The widest gap is {names(widest)}, where "
                         f"{formats.counted(most, 'rival')} {'is' if most == 1 else 'are'} ahead.")
        ahead = gaps["ahead"].str.split(", ").explode().value_counts()
        sentences.append(f"{literal(ahead.index[0])} is ahead of us on the most features "
                         f"({formats.count(ahead.iloc[0])}).")
    return shows(company, sentences)


def positioning(points: pd.DataFrame, *, company: str) -> str:
    """Where we sit against the median coverage and price, and which rival sits closest.

    Closeness is measured with coverage and price each scaled by its range across the
    products, so a point of coverage and a unit of currency weigh alike.

    Parameters
    ----------
    points : DataFrame
        ``positioning``'s result: ``competitor``, ``is_us``, ``coverage``, ``list_price``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    priced = points.dropna(subset=["coverage", "list_price"])
    ours = priced[priced["is_us"]]
    if ours.empty or len(priced) < 2:
        return shows(company, ["Our product and at least one rival need a list price and a "
                               "coverage to be placed."])
    us = ours.iloc[0]
    coverage, price = priced["coverage"].median(), priced["list_price"].median()
    more = "more" if us["coverage"] > coverage else "fewer" if us["coverage"] < coverage \
        else "as many"
    dearer = "higher" if us["list_price"] > price else "lower" \
        if us["list_price"] < price else "the same"
    sentences = [f"{literal(us['competitor'])} covers "
                 f"{formats.share(us['coverage'], decimals=0)} of the features at "
                 f"{money_safe(formats.money(us['list_price'], decimals=2))}, against medians "
                 f"of {formats.share(coverage, decimals=0)} and "
                 f"{money_safe(formats.money(price, decimals=2))}: {more} features than the "
                 f"median product at a {dearer} price."
                 if dearer != "the same" else
                 f"{literal(us['competitor'])} covers "
                 f"{formats.share(us['coverage'], decimals=0)} of the features at the median "
                 f"price, {money_safe(formats.money(price, decimals=2))}."]
    rivals = priced[~priced["is_us"]]
    spread = (priced["coverage"].max() - priced["coverage"].min() or 1,
              priced["list_price"].max() - priced["list_price"].min() or 1)
    distance = (((rivals["coverage"] - us["coverage"]) / spread[0]) ** 2
                + ((rivals["list_price"] - us["list_price"]) / spread[1]) ** 2)
    near = rivals.loc[distance.idxmin()]
    sentences.append(f"The closest rival is {literal(near['competitor'])} "
                     f"({formats.share(near['coverage'], decimals=0)}, "
                     f"{money_safe(formats.money(near['list_price'], decimals=2))}).")
    return shows(company, sentences)


def recommendations(*, sizes: pd.DataFrame | None = None, growth: pd.DataFrame | None = None,
                    standing: pd.DataFrame | None = None, gap_warning: float = 0.25,
                    shared_by: int = 2) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a feature is a gap held by at least ``shared_by`` rivals: buyers expect it;
    - the top-down serviceable market differs from the bottom-up one by more than
      ``gap_warning`` in total;
    - the fastest-growing segment's serviceable share (SAM / TAM) is below the whole
      market's;
    - we lead every rival on no feature.

    Parameters
    ----------
    sizes : DataFrame, optional
        ``market_sizes``' result (``segment``, ``tam``, ``sam``, ``gap``; ``Total`` row).
    growth : DataFrame, optional
        ``segment_growth``'s result (``segment``, ``cagr``).
    standing : DataFrame, optional
        ``feature_standing``'s result (``feature``, ``rivals_ahead``, ``standing``).
    gap_warning : float
        A top-down SAM further than this share from the bottom-up one is called out.
    shared_by : int
        A gap held by at least this many rivals is a feature buyers expect.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if standing is not None and len(standing):
        shared = standing[(standing["standing"] == "gap")
                          & (standing["rivals_ahead"] >= shared_by)]
        if len(shared):
            each = [f"{literal(r['feature'])} ({formats.counted(r['rivals_ahead'], 'rival')})"
                    for _, r in shared.sort_values("rivals_ahead", ascending=False,
                                                   kind="stable").iterrows()]
            out.append(f"Rivals cover {join(each)} better than we do: take these to the next "
                       "roadmap review with what their lack costs (deals lost, or customers "
                       "who name them when they leave).")
    total = None if sizes is None else sizes[sizes["segment"] == TOTAL]
    if total is not None and len(total) and abs(total.iloc[0]["gap"]) > gap_warning:
        gap = total.iloc[0]["gap"]
        out.append(f"The top-down serviceable market is {formats.share(abs(gap))} "
                   f"{'above' if gap > 0 else 'below'} the bottom-up one, more than "
                   f"{formats.share(gap_warning, decimals=0)}: recount the buyers or ask "
                   "the analyst for their market definition before quoting either figure.")
    if (growth is not None and sizes is not None and total is not None and len(total)
            and total.iloc[0]["tam"]):
        parts = _parts(growth).dropna(subset=["cagr"])
        if len(parts):
            fast = parts.loc[parts["cagr"].idxmax()]
            row = sizes[sizes["segment"] == fast["segment"]]
            whole = total.iloc[0]["sam"] / total.iloc[0]["tam"]
            if len(row) and row.iloc[0]["tam"] and \
                    row.iloc[0]["sam"] / row.iloc[0]["tam"] < whole:
                share = row.iloc[0]["sam"] / row.iloc[0]["tam"]
                out.append(f"{literal(fast['segment'])} grows fastest "
                           f"({formats.share(fast['cagr'])} a year) but we can serve "
                           f"{formats.share(share, decimals=0)} of it, against "
                           f"{formats.share(whole, decimals=0)} of the whole market: find "
                           "what keeps that share low (regions, languages, integrations) "
                           "before aiming growth work at it.")
    if standing is not None and len(standing) and not (standing["standing"] == "lead").any():
        out.append(f"We lead every rival on none of the {formats.count(len(standing))} "
                   "features compared: choose the one to be best at, and ask buyers who "
                   "chose a rival which would have won them.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("gaps shared by several rivals, the gap between top-down and bottom-up sizes, "
           "how much of the fastest-growing segment we can serve, and whether we lead on "
           "any feature")
