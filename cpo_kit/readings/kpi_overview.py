"""Readings of the KPI overview: the headline table's moves, and users against revenue.

Each function takes what the notebook computed (the headline table of
:func:`~cpo_kit.metrics.headline.headline_numbers`, the monthly active users and the
MRR by month) and writes what it shows for this company; :func:`recommendations`
keeps the next steps whose condition holds.
"""
from __future__ import annotations

import math

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import in_unit, join, shows

#: Defaults of the conditions of :func:`recommendations`, shared with :func:`checked`.
MOVED_BY = 0.10
NPS_DROP = 5.0
USERS_FALL = 0.05
TREND_MONTHS = 3

#: Where each KPI of the headline table is broken down, for the step "find out why".
_WHERE = {"mau": "the product KPI notebook breaks active users down by cohort, lifecycle "
                 "and feature",
          "mrr": "the revenue notebook splits MRR into new, expansion, contraction and churn",
          "paying_accounts": "the revenue notebook counts the accounts won, lost and "
                             "reactivated each month"}


def _known(value) -> bool:
    return not formats.is_missing(value) and not (isinstance(value, float) and math.isinf(value))


def _move(row) -> str:
    """"rose 18.2% (from 1,921 to 2,271)", in points for a score, "held at 21.6"."""
    previous, value, unit = row["previous"], row["value"], row["unit"]
    then, now = in_unit(previous, unit), in_unit(value, unit)
    if then == now:
        return f"held at {now}"
    verb = "rose" if value > previous else "fell"
    if unit == "score":
        size = f"{formats.number(abs(value - previous))} points"
    elif previous:
        size = formats.share(abs(value / previous - 1))
    else:
        return f"{verb} from {then} to {now}"
    return f"{verb} {size} (from {then} to {now})"


def headline(frame: pd.DataFrame, *, company: str) -> str:
    """What the headline table shows: each KPI's move, the largest, and revenue per account.

    ARR is left out of the sentences: it is twelve times MRR and moves with it.

    Parameters
    ----------
    frame : DataFrame
        :func:`~cpo_kit.metrics.headline.headline_numbers`' output: ``key``, ``kpi``,
        ``unit``, ``value``, ``previous`` and ``change`` (relative, or in points for a
        score).
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    rows = frame[frame["key"] != "arr"]
    known = rows[[_known(v) and _known(p) for v, p in zip(rows["value"], rows["previous"])]]
    if known.empty:
        return shows(company, ["No KPI has a value in both months, so nothing can be "
                               "compared yet."])
    relative = known[(known["unit"] != "score") & (known["previous"] != 0)]
    largest = (relative["change"].abs().idxmax()
               if len(relative) > 1 and relative["change"].abs().max() > 0 else None)
    sentences = []
    for index, row in known.iterrows():
        sentence = f"{row['kpi']} {_move(row)}"
        if index == largest:
            sentence += ", the largest move in the table"
        sentences.append(sentence + ".")
    missing = rows.loc[~rows.index.isin(known.index), "kpi"]
    if len(missing):
        sentences.append(f"{join(missing)} cannot be compared: a month has no value.")
    sentences.append(_per_account(known))
    return shows(company, sentences)


def _per_account(known: pd.DataFrame) -> str | None:
    """How revenue per paying account moved, when MRR and paying accounts both moved apart."""
    by_key = known.set_index("key")
    if not {"mrr", "paying_accounts"} <= set(by_key.index):
        return None
    mrr, accounts = by_key.loc["mrr"], by_key.loc["paying_accounts"]
    if not (accounts["value"] and accounts["previous"]):
        return None
    then = mrr["previous"] / accounts["previous"]
    now = mrr["value"] / accounts["value"]
    if in_unit(then, "currency") == in_unit(now, "currency"):
        return None
    if now < then:
        why = "the accounts won or kept pay less than the average, or some pay less than before"
        verb = "fell"
    else:
        why = "accounts pay more each, through expansion or larger new accounts"
        verb = "rose"
    return (f"Revenue per paying account {verb} from {in_unit(then, 'currency')} to "
            f"{in_unit(now, 'currency')}: {why}.")


def _complete(mau: pd.DataFrame) -> pd.Series:
    """Monthly active users of the complete months, by month."""
    done = mau[mau["complete"]] if "complete" in mau else mau
    return done.set_index("period")["users"]


def trends(mau: pd.DataFrame, mrr: pd.DataFrame, *, company: str, months: int = 12) -> str:
    """How active users and MRR moved over the last ``months`` months, and which grew faster.

    Only months complete for both count, so a month still under way is not set
    against whole ones.

    Parameters
    ----------
    mau : DataFrame
        Monthly active users: ``period``, ``users`` and ``complete``.
    mrr : DataFrame
        MRR by month: ``month`` and ``mrr``.
    company : str
        The company, as named in titles.
    months : int
        How far back the span starts.

    Returns
    -------
    str
        A markdown paragraph.
    """
    both = pd.concat([_complete(mau).rename("users"), mrr.set_index("month")["mrr"]],
                     axis=1, join="inner").sort_index().tail(months + 1)
    both = both[(both["users"] > 0) & (both["mrr"] > 0)]
    if len(both) < 2:
        return shows(company, ["Fewer than two complete months have both active users and "
                               "MRR, so there is no trend to read yet."])
    first, last = both.index[0], both.index[-1]
    users = both["users"].iloc[-1] / both["users"].iloc[0] - 1
    revenue = both["mrr"].iloc[-1] / both["mrr"].iloc[0] - 1
    span = len(both) - 1
    sentences = [f"Over the {formats.count(span)} months from {first:%B %Y} to {last:%B %Y}, "
                 f"monthly active users {_change(users)} (from "
                 f"{formats.count(both['users'].iloc[0])} to "
                 f"{formats.count(both['users'].iloc[-1])}) and MRR {_change(revenue)} (from "
                 f"{in_unit(both['mrr'].iloc[0], 'currency')} to "
                 f"{in_unit(both['mrr'].iloc[-1], 'currency')})."]
    gap = users - revenue
    if abs(gap) < 0.05:
        sentences.append("The two moved by about the same share.")
    elif gap > 0:
        sentences.append("Users grew faster than revenue: use that is not paid for yet "
                         "(free users, or more people in the same accounts), or new "
                         "customers who pay less.")
    else:
        sentences.append("Revenue grew faster than users: more of the users pay, or each "
                         "pays more.")
    for name, series in (("Monthly active users", both["users"]), ("MRR", both["mrr"])):
        peak = series.idxmax()
        if peak != last and series.iloc[-1] < series.max():
            unit = "count" if name != "MRR" else "currency"
            sentences.append(f"{name} is {formats.share(1 - series.iloc[-1] / series.max())} "
                             f"below its peak of {in_unit(series.max(), unit)} in "
                             f"{peak:%B %Y}.")
    return shows(company, sentences)


def _change(relative: float) -> str:
    if round(relative, 3) == 0:
        return "held"
    return f"{'rose' if relative > 0 else 'fell'} {formats.share(abs(relative))}"


def recommendations(frame: pd.DataFrame, mau: pd.DataFrame | None = None,
                    mrr: pd.DataFrame | None = None, *, moved_by: float = MOVED_BY,
                    nps_drop: float = NPS_DROP, users_fall: float = USERS_FALL,
                    trend_months: int = TREND_MONTHS) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - monthly active users, MRR or paying accounts moved by ``moved_by`` or more (either
      way) since the month before: find out why before the review;
    - NPS fell by ``nps_drop`` points or more: read the detractors' comments;
    - monthly active users fell by ``users_fall`` or more over the last
      ``trend_months`` complete months while MRR did not fall: the use that fades
      shows in revenue at renewal.

    Parameters
    ----------
    frame : DataFrame
        The headline table: ``key``, ``kpi``, ``unit``, ``value``, ``previous``,
        ``change``.
    mau : DataFrame, optional
        Monthly active users (``period``, ``users``, ``complete``); None without events.
    mrr : DataFrame, optional
        MRR by month (``month``, ``mrr``); None without an MRR table.
    moved_by : float
        A relative change at least this large asks for an explanation.
    nps_drop : float
        A fall of NPS of at least these points asks for the detractors' comments.
    users_fall : float
        A relative fall of active users at least this large over ``trend_months``.
    trend_months : int
        Months over which active users and MRR are compared with each other.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    rows = frame.set_index("key")
    for key, where in _WHERE.items():
        if key not in rows.index:
            continue
        row = rows.loc[key]
        if _known(row["change"]) and abs(row["change"]) >= moved_by:
            out.append(f"{row['kpi']} {_move(row)} in a month, a move of "
                       f"{formats.share(moved_by, decimals=0)} or more: find out why before "
                       f"the review; {where}.")
    if "nps" in rows.index:
        row = rows.loc["nps"]
        if _known(row["change"]) and row["change"] <= -nps_drop:
            out.append(f"NPS {_move(row)}: read the detractors' comments of the last "
                       "90 days and set them beside the feedback themes of the same weeks "
                       "(the customer voice notebook).")
    if mau is not None and mrr is not None:
        both = pd.concat([_complete(mau).rename("users"), mrr.set_index("month")["mrr"]],
                         axis=1, join="inner").sort_index().tail(trend_months + 1)
        if len(both) == trend_months + 1 and both["users"].iloc[0] > 0:
            users = both["users"].iloc[-1] / both["users"].iloc[0] - 1
            if users <= -users_fall and both["mrr"].iloc[-1] >= both["mrr"].iloc[0]:
                out.append(f"Monthly active users fell {formats.share(-users)} over the last "
                           f"{formats.count(trend_months)} complete months (from "
                           f"{formats.count(both['users'].iloc[0])} to "
                           f"{formats.count(both['users'].iloc[-1])}) while MRR did not: "
                           "accounts that use the product less contract or leave at renewal, "
                           "so ask customer success which accounts' use fell most.")
    return out


def checked(*, moved_by: float = MOVED_BY, nps_drop: float = NPS_DROP,
            users_fall: float = USERS_FALL, trend_months: int = TREND_MONTHS) -> str:
    """What :func:`recommendations` looks at, for the sentence shown when nothing holds.

    Parameters
    ----------
    moved_by, nps_drop, users_fall, trend_months
        As given to :func:`recommendations`.

    Returns
    -------
    str
        The end of "None of these holds on this data: ...".
    """
    return (f"a move of {formats.share(moved_by, decimals=0)} or more in active users, MRR "
            f"or paying accounts since the month before, a fall of NPS by "
            f"{formats.number(nps_drop, decimals=0)} points or more, and active users falling "
            f"{formats.share(users_fall, decimals=0)} or more over "
            f"{formats.count(trend_months)} months while MRR did not")
