"""Readings of the pricing notebook: the price meter, the segments, and the last price change.

Each function takes what the notebook computed (the meter's points, the frame of price
points per segment, the before-and-after comparisons) and writes what it shows for
this company; :func:`recommendations` keeps the next steps whose condition holds.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, money_safe, moved, names, shows

#: The row of a comparison that takes every group together.
ALL = "All"
_POINTS = ["segment", "respondents", "pmc", "opp", "ipp", "pme"]


def _price(value) -> str:
    return money_safe(formats.money(value, decimals=2))


def meter(points: Mapping[str, float], *, company: str, list_price: float | None = None,
          close_within: float = 0.02) -> str:
    """What the Van Westendorp meter shows: the width of the range, OPP against IPP, the price.

    Parameters
    ----------
    points : mapping
        The four price points, ``pmc``, ``opp``, ``ipp`` and ``pme``.
    company : str
        The company, as named in titles.
    list_price : float, optional
        Today's list price; None or 0 when there is none to compare.
    close_within : float
        The indifference price point within this share of the optimal one reads as the
        same price.

    Returns
    -------
    str
        A markdown paragraph.
    """
    pmc, opp, ipp, pme = (points[k] for k in ("pmc", "opp", "ipp", "pme"))
    width = (pme - pmc) / opp
    sentences = [f"The acceptable range spans {_price(pme - pmc)}, "
                 f"{formats.share(width, decimals=0)} of the optimal price point."]
    if abs(ipp - opp) <= close_within * opp:
        sentences.append(f"The two middle points nearly coincide ({_price(opp)} and "
                         f"{_price(ipp)}): the price that puts off the fewest buyers is the "
                         "one they see as normal.")
    elif ipp > opp:
        sentences.append(f"The indifference price point is {_price(ipp - opp)} above the "
                         "optimal price point: buyers see a higher price as normal than the "
                         "one that puts off the fewest of them.")
    elif ipp < opp:
        sentences.append(f"The indifference price point is {_price(opp - ipp)} below the "
                         "optimal price point: buyers see a lower price as normal, so there "
                         "is little room to charge more.")
    if list_price:
        if list_price > pme:
            where = f"above the whole range, {_price(list_price - pme)} over its top"
        elif list_price < pmc:
            where = f"below the whole range, {_price(pmc - list_price)} under its bottom"
        elif list_price < min(opp, ipp):
            where = "inside the range, below both middle points"
        elif list_price > max(opp, ipp):
            where = "inside the range, above both middle points"
        else:
            where = "inside the range, between the two middle points"
        sentences.append(f"Today's list price, {_price(list_price)}, is {where}.")
    return shows(company, sentences)


def _segments(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["segment"] != ALL].dropna(subset=["pmc", "opp", "pme"])


def segments(frame: pd.DataFrame, *, company: str, list_price: float | None = None) -> str:
    """Which segment would pay most and least, whether their ranges overlap, who is priced out.

    Parameters
    ----------
    frame : DataFrame
        One row per segment (an ``All`` row is skipped): ``segment``, ``respondents``,
        ``pmc``, ``opp``, ``ipp``, ``pme``.
    company : str
        The company, as named in titles.
    list_price : float, optional
        Today's list price; None or 0 when there is none to compare.

    Returns
    -------
    str
        A markdown paragraph.
    """
    rows = _segments(frame)
    if len(rows) < 2:
        return shows(company, ["The respondents form fewer than two segments, so there is "
                               "nothing to compare."])
    high = rows.loc[rows["opp"].idxmax()]
    low = rows.loc[rows["opp"].idxmin()]
    sentences = [f"{literal(high['segment'])} would pay most (optimal price point "
                 f"{_price(high['opp'])}, {formats.count(high['respondents'])} respondents) "
                 f"and {literal(low['segment'])} least ({_price(low['opp'])}, "
                 f"{formats.count(low['respondents'])} respondents)."]
    if low["pme"] < high["pmc"]:
        sentences.append(f"Their ranges do not overlap: {literal(low['segment'])}'s ends at "
                         f"{_price(low['pme'])}, below where {literal(high['segment'])}'s "
                         f"starts ({_price(high['pmc'])}), so one price cannot suit both.")
    else:
        sentences.append(f"Their ranges overlap from {_price(high['pmc'])} to "
                         f"{_price(min(low['pme'], high['pme']))}.")
    if list_price:
        out = rows[rows["pme"] < list_price]
        if len(out):
            sentences.append(f"Today's list price, {_price(list_price)}, is above the whole "
                             f"range of {names(out['segment'])}.")
        under = rows[rows["opp"] > list_price]
        if len(under):
            sentences.append(f"The optimal price point of {names(under['segment'])} is above "
                             "today's price.")
    return shows(company, sentences)


def first_bill(frame: pd.DataFrame, *, company: str) -> str:
    """How the median first-month MRR of new accounts moved around the price change.

    Parameters
    ----------
    frame : DataFrame
        ``starting_mrr_before_after``'s result: a first column naming the group (the
        ``All`` row first), ``before_median_mrr``, ``after_median_mrr``,
        ``relative_change``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    group = frame.columns[0]
    known = frame.dropna(subset=["before_median_mrr", "after_median_mrr"])
    if known.empty:
        return shows(company, ["No window has new accounts on both sides of the change, so "
                               "their first bills cannot be compared."])
    everyone = known.iloc[0]
    sentences = ["The median first bill of new accounts "
                 + moved(everyone["before_median_mrr"], everyone["after_median_mrr"],
                         "currency") + "."]
    parts = known[known[group] != everyone[group]]
    if len(parts):
        top = parts.loc[parts["relative_change"].idxmax()]
        sentences.append(f"It changed most in {literal(top[group])} "
                         f"({formats.share(top['relative_change'], decimals=0, signed=True)}).")
        fell = parts[parts["relative_change"] < 0]
        if len(fell):
            sentences.append(f"It fell in {names(fell[group])}: there the new prices may not "
                             "have reached buyers.")
    return shows(company, sentences)


def _interval(row) -> str:
    return (f"{formats.points(row['difference_low'])} to "
            f"{formats.points(row['difference_high'])}")


def before_after(frame: pd.DataFrame, *, company: str, measure: str) -> str:
    """How a rate moved around the price change, whether its interval excludes zero, and where.

    Parameters
    ----------
    frame : DataFrame
        A comparison of ``cpo_kit.analyses.price_change``: a first column naming the
        group (the ``All`` row first), ``before_rate``, ``after_rate``, ``difference``,
        ``difference_low``, ``difference_high``, ``rough``.
    company : str
        The company, as named in titles.
    measure : str
        What the rate is, as a sentence's subject: "Conversion of sign-ups".

    Returns
    -------
    str
        A markdown paragraph.
    """
    group = frame.columns[0]
    known = frame.dropna(subset=["before_rate", "after_rate"])
    if known.empty:
        return shows(company, [f"{measure} cannot be compared: a window has no base."])
    everyone = known.iloc[0]
    sentences = [f"{measure} " + moved(everyone["before_rate"], everyone["after_rate"],
                                        "share") + "."]
    sentences.append(_verdict(everyone))
    parts = known[(known[group] != everyone[group]) & (known["difference"] != 0)]
    if len(parts):
        top = parts.loc[parts["difference"].abs().idxmax()]
        sentences.append(f"The largest move is in {literal(top[group])}: "
                         + moved(top["before_rate"], top["after_rate"], "share")
                         + (", on few events" if top["rough"] else "") + ".")
    return shows(company, sentences)


def _verdict(row) -> str:
    if row["difference_low"] > 0:
        return f"The interval of the difference, {_interval(row)}, lies above zero."
    if row["difference_high"] < 0:
        return f"The interval of the difference, {_interval(row)}, lies below zero."
    return (f"The interval of the difference, {_interval(row)}, spans zero: the data "
            "cannot tell the two windows apart.")


def recommendations(points: pd.DataFrame | None, *, list_price: float | None = None,
                    conversion: pd.DataFrame | None = None, churn: pd.DataFrame | None = None,
                    min_respondents: int = 50) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a segment's range holds today's list price but its indifference price point is
      above it: test a higher price for that segment;
    - a segment's whole range is below today's list price: it is priced out;
    - conversion of all sign-ups fell after the change, its interval below zero;
    - churn rose after the change in exactly one segment, its interval above zero;
    - a segment's price points rest on fewer than ``min_respondents`` answers.

    Parameters
    ----------
    points : DataFrame or None
        Price points per segment (an ``All`` row is skipped): ``segment``,
        ``respondents``, ``pmc``, ``ipp``, ``pme``; None without a price survey.
    list_price : float, optional
        Today's list price; None or 0: the price checks are skipped.
    conversion, churn : DataFrame, optional
        The comparisons around the price change (group column first, ``All`` row
        first); None when there was no change to study.
    min_respondents : int
        Fewer answers than this in a segment ask for a larger survey.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    rows = _segments(points if points is not None else pd.DataFrame(columns=_POINTS))
    if list_price:
        room = rows[(rows["pmc"] <= list_price) & (rows["pme"] >= list_price)
                    & (rows["ipp"] > list_price)]
        for _, row in room.iterrows():
            out.append(f"Today's price, {_price(list_price)}, is below the indifference price "
                       f"point of {literal(row['segment'])} ({_price(row['ipp'])}): test a "
                       "higher price for its new customers, with a random half seeing it, "
                       "for long enough to count conversions.")
        for _, row in rows[rows["pme"] < list_price].iterrows():
            out.append(f"{literal(row['segment'])} finds any price above {_price(row['pme'])} "
                       f"too expensive to consider, and today's is {_price(list_price)}: offer "
                       "it a plan of its own (fewer features, or a discount it qualifies "
                       "for) or stop spending to acquire it.")
    if conversion is not None and len(conversion):
        everyone = conversion.iloc[0]
        if everyone["difference_high"] < 0:
            out.append(f"Conversion of sign-ups fell from "
                       f"{formats.share(everyone['before_rate'])} to "
                       f"{formats.share(everyone['after_rate'])} after the price change: ask "
                       "the sign-ups who did not pay what stopped them before the next "
                       "change of price.")
    if churn is not None and len(churn) > 1:
        group = churn.columns[0]
        rose = churn[(churn[group] != churn.iloc[0][group]) & (churn["difference_low"] > 0)]
        if len(rose) == 1:
            row = rose.iloc[0]
            out.append(f"Churn in {literal(row[group])} rose from "
                       f"{formats.share(row['before_rate'])} to "
                       f"{formats.share(row['after_rate'])} a month after the change"
                       + (", on few events," if row["rough"] else "")
                       + " and in no other segment: talk to its customers who left in their "
                       "renewal "
                       "months, and offer the ones at risk a plan that fits before they "
                       "renew.")
    few = rows[rows["respondents"] < min_respondents]
    if len(few):
        each = [f"{literal(r['segment'])} ({formats.count(r['respondents'])})"
                for _, r in few.iterrows()]
        out.append(f"The price points of {join(each)} rest on fewer than "
                   f"{formats.count(min_respondents)} answers each: survey more of their "
                   "buyers before pricing them on their own.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("today's price against each segment's range and indifference price, conversion "
           "and churn around the last price change, and the number of answers per segment")
