"""Readings of what changed lately in the product KPIs: feature adoption and the unusual weeks.

Like :mod:`cpo_kit.readings.product_kpis`, whose shared parameter blocks and names of
series these use, each function takes what the notebook computed (monthly feature
adoption; the weeks of :func:`~cpo_kit.metrics.changes.recent_unusual`) and writes
what it shows for this company.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, shows
from cpo_kit.readings.product_kpis import (APART, PER_ATTEMPT, PER_USER, STEADY, flag_sentence,
                                           shared_doc)


def _complete_months(frame: pd.DataFrame, period_end) -> pd.DataFrame:
    done = frame.dropna(subset=["adoption"])
    return done[done["period"] + pd.offsets.MonthEnd(0) <= pd.Timestamp(period_end)]


def _adoption_change(done: pd.DataFrame, month, months: int) -> pd.Series | None:
    """Each feature's change of adoption from ``months`` months before, in points, ascending."""
    then = month - pd.DateOffset(months=months)
    wide = done.pivot(index="period", columns="feature", values="adoption")
    if then not in wide.index:
        return None
    return (wide.loc[month] - wide.loc[then].fillna(0)).dropna().sort_values()


@shared_doc
def adoption(frame: pd.DataFrame, *, company: str, period_end, months: int = 3) -> str:
    """What feature adoption shows: the most and least used features, who rose or fell most.

    Only months complete by ``period_end`` are read, so a month under way is not set
    against whole ones; a move under 2 points (:data:`APART`) is not named.

    Parameters
    ----------
    frame : DataFrame
        Monthly feature adoption: ``period``, ``feature`` and ``adoption``.
    {company}
    period_end : date-like
        The last day counted.
    months : int
        Months back that the last month is compared with.

    {returns}
    """
    done = _complete_months(frame, period_end)
    if done.empty:
        return shows(company, ["No complete month has feature use yet."])
    month = done["period"].max()
    now = done[done["period"] == month].set_index("feature")["adoption"].sort_values()
    if len(now) == 1:
        sentences = [f"In {month:%B %Y}, {literal(now.index[0])} reached "
                     f"{formats.share(now.iloc[0])} of the active users."]
    else:
        sentences = [f"In {month:%B %Y}, {literal(now.index[-1])} reached the most active "
                     f"users ({formats.share(now.iloc[-1])}) and {literal(now.index[0])} the "
                     f"fewest ({formats.share(now.iloc[0])})."]
    change = _adoption_change(done, month, months)
    if change is not None and len(change):
        top, bottom = change.index[-1], change.index[0]
        moves = [f"{literal(feature)} {verb} most ({formats.points(change[feature])}, to "
                 f"{formats.share(now[feature])})"
                 for feature, verb, holds in ((top, "rose", change[top] >= APART),
                                              (bottom, "fell", change[bottom] <= -APART))
                 if holds]
        then = f"{month - pd.DateOffset(months=months):%B %Y}"
        sentences.append(f"Since {then}, {' and '.join(moves)}." if moves else
                         f"No feature's adoption moved by "
                         f"{formats.number(APART * 100, decimals=0)} points or more since {then}.")
    return shows(company, sentences)


@shared_doc
def unusual(frame: pd.DataFrame, *, company: str, last: int = 12,
            shares=(PER_USER, PER_ATTEMPT), steady=STEADY) -> str:
    """What the unusual weeks show: each series that left its range, when and how far.

    Parameters
    ----------
    frame : DataFrame
        The unusual weeks, as ``unusual`` of :func:`funnel`.
    {company}
    last : int
        The latest weeks searched.
    shares : sequence of str
        The series whose values are shares; the others are counts.
    steady : sequence of str
        The series that seldom leave their range.

    {returns}
    """
    if frame.empty:
        return shows(company, [f"No week of the last {formats.count(last)} left its usual "
                               "range."])
    sentences = [f"{kpi} {flag_sentence(rows, 'share' if kpi in shares else 'count')}."
                 for kpi, rows in frame.groupby("kpi", sort=False)]
    flagged = [k for k in steady if k in set(frame["kpi"])]
    sentences.append(f"{join(flagged)} seldom leave their range: a flag there needs an "
                     "explanation before the review." if flagged else
                     "New users and activation swing with campaigns and small numbers: ask "
                     "whether a campaign started or stopped in those weeks.")
    return shows(company, sentences)
