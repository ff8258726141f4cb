"""Readings of revenue health by group: which segment or product carries the revenue,
keeps it, loses accounts and pays back what winning an account cost.

Like :mod:`cpo_kit.readings.revenue_health`, whose marks and number words these share,
each function takes a table the notebook computed (:func:`cpo_kit.analyses.revenue.health_table`
by segment or by product) and writes what it shows for this company.
"""
from __future__ import annotations

import math

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import in_unit, join, literal, names, shows
from cpo_kit.readings.revenue_health import MIN_COHORT, _accounts, _finite


def breakdown(table: pd.DataFrame, *, company: str, key: str,
              min_cohort: int = MIN_COHORT) -> str:
    """Which segment or product carries the revenue, keeps it, loses accounts, pays back.

    Parameters
    ----------
    table : DataFrame
        :func:`~cpo_kit.analyses.revenue.health_table`: ``key``, ``mrr``, ``mrr_share``,
        ``paying_accounts``, ``arpa``, ``cohort_accounts``, ``nrr``, ``grr``,
        ``logo_churn_rate`` and, when known, ``ltv``, ``ltv_to_cac`` and
        ``payback_months``; sorted by MRR, largest first.
    company : str
        The company, as named in titles.
    key : str
        The group column, as the reader calls it: ``segment`` or ``product``.
    min_cohort : int
        Retention resting on fewer accounts of a year before is not compared.

    Returns
    -------
    str
        A markdown paragraph.
    """
    rows = table.dropna(subset=["mrr"])
    if rows.empty:
        return shows(company, [f"No {key} has MRR in the last month."])
    top, bottom = rows.iloc[0], rows.iloc[-1]
    sentences = [f"{literal(top[key])} carries the most MRR: {formats.share(top['mrr_share'])} "
                 f"({in_unit(top['mrr'], 'currency')} from "
                 f"{_accounts(top['paying_accounts'], 'paying')} at "
                 f"{in_unit(top['arpa'], 'currency')} each)"
                 + (f"; {literal(bottom[key])} the least, {formats.share(bottom['mrr_share'])}"
                    if len(rows) > 1 else "") + "."]
    cohort = rows["cohort_accounts"].fillna(0)
    judged = rows[cohort >= min_cohort].dropna(subset=["grr"])
    if len(judged) > 1:
        low, high = judged.loc[judged["grr"].idxmin()], judged.loc[judged["grr"].idxmax()]
        sentences.append(f"Over twelve months {literal(low[key])} keeps the least of its "
                         f"revenue ({_kept(low)}) and {literal(high[key])} the most "
                         f"({_kept(high)}).")
    young = rows[cohort < min_cohort]
    if len(young):
        verb = "rests" if len(young) == 1 else "rest"
        sentences.append(f"{names(young[key])} {verb} on fewer than {formats.count(min_cohort)} "
                         f"accounts of a year before "
                         f"({join(formats.count(c) for c in cohort[young.index])}), too few to "
                         "judge retention on.")
    losing = rows.dropna(subset=["logo_churn_rate"])
    if len(losing) > 1 and losing["logo_churn_rate"].max() > 0:
        worst = losing.loc[losing["logo_churn_rate"].idxmax()]
        sentences.append(f"{literal(worst[key])} loses the most accounts: "
                         f"{formats.share(worst['logo_churn_rate'])} a month, pooled.")
    sentences.append(_economics(rows, key))
    if "ltv" in rows:
        free = rows[rows["ltv"] == math.inf]
        if len(free):
            sentences.append(f"{names(free[key])} lost no revenue over the window, so "
                             "LTV cannot be estimated there yet.")
    return shows(company, sentences)


def _kept(row) -> str:
    return f"GRR {formats.share(row['grr'])}, NRR {formats.share(row['nrr'])}"


def _economics(rows: pd.DataFrame, key: str) -> str | None:
    """The lowest LTV : CAC and the longest payback among the groups."""
    if not {"ltv_to_cac", "payback_months"} <= set(rows):
        return None
    ratios = rows[rows["ltv_to_cac"].map(_finite)]
    paybacks = rows[rows["payback_months"].map(_finite)]
    if len(ratios) < 2 or len(paybacks) < 2:
        return None
    low = ratios.loc[ratios["ltv_to_cac"].idxmin()]
    long = paybacks.loc[paybacks["payback_months"].idxmax()]
    ratio = formats.format_value(low["ltv_to_cac"], "ratio")
    months = formats.format_value(long["payback_months"], "months")
    if low[key] == long[key]:
        said = (f"{literal(low[key])} has the lowest LTV : CAC ({ratio}) and the longest "
                f"payback ({months})")
    else:
        said = (f"{literal(low[key])} has the lowest LTV : CAC ({ratio}) and "
                f"{literal(long[key])} the longest payback ({months})")
    if low["ltv_to_cac"] < 1:
        said += "; below 1, an account there brings less than it cost to win"
    return said + "."
