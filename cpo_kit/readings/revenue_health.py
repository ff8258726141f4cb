"""Readings of the revenue-health notebook: MRR and its movements, retention, churn,
unit economics and the KPIs against their targets.

Each function takes a table the notebook computed with :mod:`cpo_kit.metrics.revenue`,
:mod:`cpo_kit.metrics.unit_economics` or :mod:`cpo_kit.analyses.revenue` and writes
what it shows for this company; the next steps whose condition holds are in

:mod:`cpo_kit.readings.revenue_health_next`, and those of the segments and products in
:mod:`cpo_kit.readings.revenue_health_groups`. The words are those of any subscription
business ("accounts", "paying less", "plans"), so they hold for a household on a yearly
plan as for a firm.
"""
from __future__ import annotations

import math

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import in_unit, join, literal, month_name, moved, shows

#: The usual marks and spans of the readings; also defaults of the conditions of
#: :mod:`cpo_kit.readings.revenue_health_next`.
RATIO_MARK = 3.0
PAYBACK_MARK = 12.0
AMPLE = 8.0
MONTHS = 12
MIN_COHORT = 5


def _finite(value) -> bool:
    return not formats.is_missing(value) and math.isfinite(float(value))


def _accounts(number, kind: str = "") -> str:
    """"1 new account", "24 churned accounts"."""
    noun = "account" if round(float(number)) == 1 else "accounts"
    return " ".join(part for part in (formats.count(number), kind, noun) if part)


def _grew(before, after, unit: str) -> str:
    """The relative move: "rose 136.9% (from $48,463)"; "held at 74" when nothing shows."""
    if formats.format_value(before, unit) == formats.format_value(after, unit):
        return f"held at {in_unit(after, unit)}"
    verb = "rose" if after > before else "fell"
    return (f"{verb} {formats.share(abs(after / before - 1))} "
            f"(from {in_unit(before, unit)})")


def _moved(before, after, unit: str) -> str:
    """As :func:`~cpo_kit.readings.common.moved`, but a share that moved by less than a
    tenth of a point "held at about" its value, instead of showing a change of "0.0 pts"."""
    said = moved(before, after, unit)
    tiny = unit == "share" and round(abs(after - before) * 100, 1) == 0
    return f"held at about {formats.share(after)}" if tiny and "held" not in said else said


def revenue(by_month: pd.DataFrame, *, company: str, months: int = MONTHS,
            arpa_fall: float = 0.05) -> str:
    """The last month's MRR, and whether more accounts or more per account made it grow.

    Parameters
    ----------
    by_month : DataFrame
        :func:`~cpo_kit.metrics.revenue.recurring_revenue`: ``month``, ``mrr``, ``arr``,
        ``paying_accounts`` and ``arpa``, complete months only.
    company : str
        The company, as named in titles.
    months : int
        How far back the comparison starts (or the first month, if later).
    arpa_fall : float
        A relative fall of ARPA at least this large under a rising MRR is a warning.

    Returns
    -------
    str
        A markdown paragraph.
    """
    known = by_month.dropna(subset=["mrr"]).sort_values("month")
    if known.empty:
        return shows(company, ["No complete month has MRR yet."])
    last = known.iloc[-1]
    if not last["paying_accounts"]:
        return shows(company, [f"No account paid in {month_name(last['month'])}."])
    sentences = [f"MRR was {in_unit(last['mrr'], 'currency')} in {month_name(last['month'])} "
                 f"(ARR {in_unit(last['arr'], 'currency')}), paid by "
                 f"{_accounts(last['paying_accounts'])} at {in_unit(last['arpa'], 'currency')} "
                 "each on average (ARPA)."]
    since = known[known["month"] >= last["month"] - pd.DateOffset(months=months)]
    first = since[since["paying_accounts"] > 0].iloc[0]
    if first["month"] < last["month"]:
        span = ((last["month"].year - first["month"].year) * 12
                + last["month"].month - first["month"].month)
        sentences.append(
            f"Over the {formats.count(span)} months since {month_name(first['month'])}, MRR "
            f"{_grew(first['mrr'], last['mrr'], 'currency')}, paying accounts "
            f"{_grew(first['paying_accounts'], last['paying_accounts'], 'count')} and ARPA "
            f"{_grew(first['arpa'], last['arpa'], 'currency')}.")
        sentences.append(_carried(first, last, arpa_fall))
    return shows(company, sentences)


def _carried(first, last, arpa_fall: float) -> str | None:
    """Which of the two factors of MRR (accounts, ARPA) moved it most."""
    accounts = last["paying_accounts"] / first["paying_accounts"]
    arpa = last["arpa"] / first["arpa"]
    if in_unit(first["mrr"], "currency") == in_unit(last["mrr"], "currency"):
        return None
    if last["mrr"] > first["mrr"]:
        if arpa <= 1 - arpa_fall:
            return ("ARPA fell while MRR rose: the accounts won pay less than those before "
                    "them, or some pay less than they did, and smaller accounts often leave "
                    "sooner.")
        if accounts >= arpa:
            return "More paying accounts carried most of the growth."
        return ("Each account paying more carried most of the growth: higher plans, more "
                "products or larger new accounts.")
    if accounts <= arpa:
        return "Fewer paying accounts carried most of the fall."
    return "Each account paying less carried most of the fall."


def movements(moves: pd.DataFrame, *, company: str, months: int = MONTHS) -> str:
    """The last month's MRR bridge, and over ``months`` months what came in and went out.

    Parameters
    ----------
    moves : DataFrame
        :func:`~cpo_kit.metrics.revenue.mrr_movements` without ``by``: ``month``,
        ``starting_mrr``, ``new``, ``expansion``, ``reactivated``, ``contraction`` and
        ``churned`` (negative), ``ending_mrr``, ``new_accounts``, ``churned_accounts``
        and ``reactivated_accounts``.
    company : str
        The company, as named in titles.
    months : int
        How many of the last months are summed.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if moves.empty:
        return shows(company, ["Movements need two complete months of MRR; the data has "
                               "fewer."])
    recent = moves.sort_values("month").tail(months)
    last = recent.iloc[-1]
    gained = [(last["new"], _accounts(last["new_accounts"], "new")),
              (last["expansion"], "expansion"),
              (last["reactivated"], _accounts(last["reactivated_accounts"], "reactivated"))]
    lost = [(-last["contraction"], "contraction"),
            (-last["churned"], _accounts(last["churned_accounts"], "churned"))]
    nothing = in_unit(0, "currency")
    came = join(f"{in_unit(a, 'currency')} from {what}" for a, what in gained
                if in_unit(a, "currency") != nothing)
    went = join(f"{in_unit(a, 'currency')} to {what}" for a, what in lost
                if in_unit(a, "currency") != nothing)
    sentences = [f"In {month_name(last['month'])} MRR "
                 f"{moved(last['starting_mrr'], last['ending_mrr'], 'currency')}.",
                 f"It gained {came or 'nothing'}, and lost {went or 'nothing'}."]
    if len(recent) > 1:
        sentences.extend(_over(recent))
    return shows(company, sentences)


def _over(recent: pd.DataFrame) -> list[str]:
    """What the months brought in sum, the heaviest month of churn, the months that fell."""
    total = recent[["new", "expansion", "reactivated", "contraction", "churned"]].sum()
    lost = -(total["contraction"] + total["churned"])
    kept = total["expansion"] + total["reactivated"]
    span = formats.count(len(recent))
    out = [f"Over the last {span} months new accounts brought "
           f"{in_unit(total['new'], 'currency')}, expansion "
           f"{in_unit(total['expansion'], 'currency')} and reactivated accounts "
           f"{in_unit(total['reactivated'], 'currency')}, while contraction and churn took "
           f"{in_unit(lost, 'currency')}."]
    if kept >= lost:
        out.append("Expansion and reactivation outweighed the losses by "
                   f"{in_unit(kept - lost, 'currency')}: the accounts already paying grow on "
                   "their own.")
    else:
        out.append("The losses outweighed expansion and reactivation by "
                   f"{in_unit(lost - kept, 'currency')}: growth rests on winning new accounts.")
    worst = recent.loc[recent["churned"].idxmin()]
    if len(recent) > 2 and worst["churned"] < 0:
        out.append(f"The most MRR lost to churn in one month was in {month_name(worst['month'])}: "
                   f"{in_unit(-worst['churned'], 'currency')} with "
                   f"{_accounts(worst['churned_accounts'], 'churned')}, against "
                   f"{in_unit(-recent['churned'].mean(), 'currency')} in an average month.")
    fell = recent[recent["ending_mrr"] < recent["starting_mrr"]]
    if len(fell):
        out.append(f"MRR fell in {formats.count(len(fell))} of the {span} months: "
                   f"{join(month_name(m) for m in fell['month'])}.")
    return out


def retention(yearly: pd.DataFrame, *, company: str) -> str:
    """What the accounts of a year before pay now (NRR), without expansion (GRR), and the trend.

    Parameters
    ----------
    yearly : DataFrame
        :func:`~cpo_kit.metrics.revenue.revenue_retention` with ``months=12``:
        ``month``, ``cohort_accounts``, ``cohort_mrr``, ``retained_mrr``,
        ``gross_retained_mrr``, ``nrr`` and ``grr``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    known = yearly.dropna(subset=["nrr", "grr"]).sort_values("month")
    if known.empty:
        return shows(company, ["Retention over twelve months needs thirteen complete months "
                               "of MRR; the data has fewer, so only the month-on-month lines "
                               "are drawn."])
    last = known.iloc[-1]
    nrr, grr = last["nrr"], last["grr"]
    then = pd.Timestamp(last["month"]) - pd.DateOffset(months=12)
    sentences = [f"The {_accounts(last['cohort_accounts'])} that paid in {month_name(then)} "
                 f"({in_unit(last['cohort_mrr'], 'currency')} of MRR) pay "
                 f"{in_unit(last['retained_mrr'], 'currency')} in "
                 f"{month_name(last['month'])}: NRR {formats.share(nrr)}.",
                 f"Counting none above what it paid then, they keep "
                 f"{in_unit(last['gross_retained_mrr'], 'currency')}: GRR {formats.share(grr)}."]
    if nrr >= 1:
        sentences.append("Above 100%, MRR would grow even without a single new account.")
    else:
        sentences.append(f"Those accounts pay {formats.share(1 - nrr)} less than a year "
                         "before, so new accounts must replace that share of the year-old MRR "
                         "each year before MRR grows.")
    sentences.append(f"Expansion makes the {formats.number((nrr - grr) * 100)} points between "
                     f"NRR and GRR; churn and contraction took {formats.share(1 - grr)} of the "
                     "year-old MRR.")
    if len(known) > 1:
        first = known.iloc[0]
        sentences.append(f"Since {month_name(first['month'])}, NRR "
                         f"{_moved(first['nrr'], nrr, 'share')} and GRR "
                         f"{_moved(first['grr'], grr, 'share')}.")
    return shows(company, sentences)


def churn(monthly: pd.DataFrame, pooled: pd.DataFrame, *, company: str,
          window: int = MONTHS) -> str:
    """The pooled monthly churn, what it means over a year, revenue against logo churn, and
    the month that lost most.

    Parameters
    ----------
    monthly : DataFrame
        :func:`~cpo_kit.metrics.revenue.churn_rates`: ``month``, ``starting_accounts``,
        ``churned_accounts``, ``logo_churn_rate``, ``starting_mrr``, ``lost_mrr``,
        ``revenue_churn_rate``.
    pooled : DataFrame
        :func:`~cpo_kit.analyses.revenue.pooled_churn` of ``monthly`` over ``window``.
    company : str
        The company, as named in titles.
    window : int
        The months pooled; the worst month is looked for among as many last months.

    Returns
    -------
    str
        A markdown paragraph.
    """
    sentences = []
    known = pooled.dropna(subset=["logo_churn_rate"]).sort_values("month")
    if known.empty:
        sentences.append(f"Pooled churn needs {formats.count(window)} months of movements; "
                         "the data has fewer.")
    else:
        last = known.iloc[-1]
        logo, lost = last["logo_churn_rate"], last["revenue_churn_rate"]
        sentences += [
            f"Pooled over the {formats.count(window)} months to {month_name(last['month'])}, "
            f"{formats.share(logo)} of the accounts paying at the start of a month stopped "
            f"paying in it ({formats.count(last['churned_accounts'])} of "
            f"{formats.count(last['starting_accounts'])} account-months), and "
            f"{formats.share(lost)} of the MRR went to churn and contraction.",
            f"At that rate about {formats.share(1 - (1 - logo) ** 12)} of the accounts paying "
            "at the start of a year are gone by its end."]
        if formats.share(lost) == formats.share(logo):
            sentences.append("The two rates are about the same: the accounts lost paid about "
                             "the average.")
        elif lost < logo:
            sentences.append("Revenue churn is below logo churn: the accounts that leave paid "
                             "less than the average.")
        else:
            sentences.append("Revenue churn is above logo churn: the accounts that leave paid "
                             "more than the average, or those that stay pay less; the segment "
                             "and product tables below show where.")
        if len(known) > 1:
            first = known.iloc[0]
            sentences.append(f"Since {month_name(first['month'])}, pooled logo churn "
                             f"{_moved(first['logo_churn_rate'], logo, 'share')}.")
    recent = monthly.sort_values("month").tail(window)
    recent = recent[recent["starting_accounts"] > 0]
    if len(recent) and recent["churned_accounts"].max() > 0:
        worst = recent.loc[recent["logo_churn_rate"].idxmax()]
        sentences.append(f"The month that lost most was {month_name(worst['month'])}: "
                         f"{formats.count(worst['churned_accounts'])} of "
                         f"{_accounts(worst['starting_accounts'])} "
                         f"({formats.share(worst['logo_churn_rate'])}) stopped paying.")
    return shows(company, sentences)


def unit_economics(economics: pd.DataFrame, *, company: str, ratio_mark: float = RATIO_MARK,
                   payback_mark: float = PAYBACK_MARK, ample: float = AMPLE) -> str:
    """What an account is worth and costs, against the usual marks, and how the ratio moved.

    Parameters
    ----------
    economics : DataFrame
        :func:`~cpo_kit.analyses.revenue.unit_economics`: ``month``, ``arpa``,
        ``gross_margin``, ``revenue_churn_rate``, ``ltv``, ``new_accounts``, ``cac``,
        ``payback_months`` and ``ltv_to_cac``.
    company : str
        The company, as named in titles.
    ratio_mark, payback_mark : float
        The usual marks of a sound business: LTV : CAC of at least ``ratio_mark``, paid
        back within ``payback_mark`` months.
    ample : float
        A ratio at least this high suggests too little is spent on winning accounts.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if economics.empty:
        return shows(company, ["Unit economics need a full window of months of revenue "
                               "churn and new accounts; the data has fewer."])
    rows = economics.sort_values("month")
    last = rows.iloc[-1]
    ratio, payback = last["ltv_to_cac"], last["payback_months"]
    if not _finite(last["ltv"]):
        sentences = [f"No revenue was lost over the window to {month_name(last['month'])}, so "
                     "LTV, and LTV : CAC with it, cannot be estimated yet."]
    else:
        sentences = [f"In {month_name(last['month'])} an account brings "
                     f"{in_unit(last['ltv'], 'currency')} of gross profit over its life: ARPA "
                     f"{in_unit(last['arpa'], 'currency')} at a gross "
                     f"margin of {formats.share(last['gross_margin'], decimals=0)}, over a "
                     f"monthly revenue churn of "
                     f"{formats.share(last['revenue_churn_rate'], decimals=2)}."]
    if not _finite(last["cac"]):
        sentences.append("No new account with an acquisition cost paid in the window, so "
                         "there is no CAC.")
        return shows(company, sentences)
    sentences.append(f"Winning one cost {in_unit(last['cac'], 'currency')} on average over "
                     f"{_accounts(last['new_accounts'], 'new')}"
                     + (f": LTV : CAC {formats.format_value(ratio, 'ratio')}"
                        if _finite(ratio) else "")
                     + (f", paid back in {formats.format_value(payback, 'months')}"
                        if _finite(payback) else "") + ".")
    if _finite(ratio) and _finite(payback):
        sentences.append(_marks(ratio, payback, ratio_mark, payback_mark, ample))
    first = rows.iloc[0]
    if len(rows) > 1 and _finite(first["ltv_to_cac"]) and _finite(ratio):
        then = first["ltv_to_cac"]
        move = f"Since {month_name(first['month'])}, LTV : CAC {moved(then, ratio, 'ratio')}"
        churned = last["revenue_churn_rate"] - first["revenue_churn_rate"]
        shown = formats.format_value(then, "ratio") != formats.format_value(ratio, "ratio")
        # Churn moving against the ratio is what moved it: LTV divides by churn.
        if shown and churned * (ratio - then) < 0:
            move += (", as monthly revenue churn "
                     + _moved(first["revenue_churn_rate"], last["revenue_churn_rate"], "share")
                     + ": LTV rests on churn, so read the ratio as an order of magnitude")
        sentences.append(move + ".")
    return shows(company, sentences)


def _marks(ratio, payback, ratio_mark, payback_mark, ample) -> str:
    mark, within = formats.number(ratio_mark, decimals=0), formats.count(payback_mark)
    if ratio < 1:
        return "Below 1, an account brings less gross profit than it cost to win."
    if ratio >= ample:
        return (f"At {formats.number(ample, decimals=0)} or more, the company is probably "
                "spending too little on winning accounts.")
    if ratio >= ratio_mark and payback <= payback_mark:
        return (f"Both meet the usual marks of a sound business: a ratio of {mark} or more "
                f"and a payback within {within} months.")
    if ratio >= ratio_mark:
        return (f"The ratio meets the usual mark of {mark}, but the payback takes over "
                f"{within} months: each new account ties up what it cost for "
                f"{formats.format_value(payback, 'months')}.")
    if payback <= payback_mark:
        return (f"The payback is within {within} months, but the ratio is under {mark}: "
                "accounts leave not long after they have paid back what they cost.")
    return (f"Both miss the usual marks: a ratio under {mark} and a payback over {within} "
            "months.")


def status(table: pd.DataFrame, *, company: str) -> str:
    """Which KPIs are red, amber or on target, which moved the wrong way, which have no target.

    Parameters
    ----------
    table : DataFrame
        :func:`~cpo_kit.metrics.kpis.score`: ``kpi``, ``unit``, ``value``, ``previous``,
        ``target``, ``direction`` and ``status``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    rows = table.dropna(subset=["value"])
    if rows.empty:
        return shows(company, ["No KPI has a value yet."])
    sentences = []
    for state, opening in (("red", "In red"), ("amber", "In amber, short by a little")):
        off = rows[rows["status"] == state]
        if len(off):
            sentences.append(f"{opening}: " + join(
                f"{r.kpi} at {in_unit(r.value, r.unit)} against a target of "
                f"{in_unit(r.target, r.unit)}" for r in off.itertuples()) + ".")
    on = rows[rows["status"] == "green"]
    if len(on):
        sentences.append(f"On target: {join(on['kpi'])}.")
    worse = [r for r in rows.itertuples() if _finite(r.previous)
             and in_unit(r.value, r.unit) != in_unit(r.previous, r.unit)
             and (r.value < r.previous) == (r.direction == "higher")]
    if worse:
        sentences.append("Worse than the month before: " + join(
            f"{r.kpi} {'rose' if r.value > r.previous else 'fell'} from "
            f"{in_unit(r.previous, r.unit)} to {in_unit(r.value, r.unit)}" for r in worse) + ".")
    unset = rows[rows["status"] == "no target"]
    if len(unset):
        sentences.append(f"Without a target: {join(unset['kpi'])}.")
    return shows(company, sentences)


#: The quick ratio above which growth is efficient, and the one below which MRR shrinks.
QUICK_MARK, SHRINKING = 4.0, 1.0


def quick_ratio(ratios: pd.DataFrame, *, company: str, months: int = MONTHS) -> str:
    """What the MRR quick ratio of the last ``months`` months shows.

    Parameters
    ----------
    ratios : DataFrame
        :func:`cpo_kit.metrics.revenue.quick_ratio`: ``month``, ``gained``, ``lost`` and
        ``quick_ratio`` (NaN in a month that lost nothing).
    company : str
        The company, as named in titles.
    months : int
        How many of the latest months the reading looks at.

    Returns
    -------
    str
        A markdown paragraph.
    """
    recent = ratios.tail(months)
    if not len(recent):
        return shows(company, ["There is no complete month of MRR movements yet."])
    last = recent.iloc[-1]
    when = month_name(last["month"])
    if not _finite(last["quick_ratio"]):
        first = (f"In {when} {literal(company)} lost no MRR, so the month has no quick ratio; it "
                 f"won {in_unit(last['gained'], 'currency')}.")
    else:
        verdict = ("growth is efficient" if last["quick_ratio"] >= QUICK_MARK else
                   "recurring revenue shrank" if last["quick_ratio"] < SHRINKING else
                   "MRR grew, but it lost more than a quarter of what it won")
        first = (f"In {when} {literal(company)} won {in_unit(last['gained'], 'currency')} of "
                 f"MRR for {in_unit(last['lost'], 'currency')} lost: a quick ratio of "
                 f"{in_unit(last['quick_ratio'], 'ratio')}, so {verdict}.")
    known = recent["quick_ratio"].dropna()
    above, below = int((known >= QUICK_MARK).sum()), int((known < SHRINKING).sum())
    second = (f"Of the {formats.count(len(known))} months with a ratio since "
              f"{month_name(recent.iloc[0]['month'])}, {_how_many(above)} reached "
              f"{formats.number(QUICK_MARK, decimals=0)} and {_how_many(below)} fell below "
              f"{formats.number(SHRINKING, decimals=0)}." if len(known) > 1 else None)
    return shows(company, [first, second])


def _how_many(number: int) -> str:
    return "none" if number == 0 else formats.count(number)
