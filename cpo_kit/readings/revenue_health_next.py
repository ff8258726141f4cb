"""What to do next after revenue health: the next steps whose condition holds.

:func:`recommendations` reads the tables that :mod:`cpo_kit.readings.revenue_health`
reads (the scored revenue KPIs, the MRR movements, churn, the segments and products)
and keeps the steps whose condition holds on this company's numbers; :func:`checked`
says what it looked at, for when none holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import in_unit, join, literal, month_name
from cpo_kit.readings.revenue_health import (AMPLE, MIN_COHORT, MONTHS, PAYBACK_MARK, RATIO_MARK,
                                             _finite)

#: Defaults of the conditions of :func:`recommendations`, shared with :func:`checked`; the
#: other defaults are the marks and spans of :mod:`cpo_kit.readings.revenue_health`.
NRR_FLOOR = 1.0
EXPANSION_SHARE = 0.25
SPIKE = 1.25
PRODUCT_GAP = 0.10


def recommendations(*, status: pd.DataFrame | None = None, moves: pd.DataFrame | None = None,
                    monthly: pd.DataFrame | None = None, pooled: pd.DataFrame | None = None,
                    segments: pd.DataFrame | None = None,
                    products: pd.DataFrame | None = None, months: int = MONTHS,
                    nrr_floor: float = NRR_FLOOR, expansion_share: float = EXPANSION_SHARE,
                    spike: float = SPIKE, ratio_mark: float = RATIO_MARK,
                    payback_mark: float = PAYBACK_MARK, product_gap: float = PRODUCT_GAP,
                    ample: float = AMPLE, min_cohort: int = MIN_COHORT) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving at most one sentence:

    - NRR or GRR (trailing twelve months) is red or amber against its target, or, without
      a target, NRR is below ``nrr_floor``: find the reasons shared by the accounts that
      left or pay less;
    - over the last ``months`` movements, expansion brought less than
      ``expansion_share`` of what new accounts brought: make paying more easier;
    - the last month's logo churn is ``spike`` times the pooled rate or more: find what
      the accounts lost that month share;
    - a segment's LTV : CAC is below its target (``ratio_mark`` without one) or its CAC
      payback over its target (``payback_mark`` months without one);
    - a product resting on ``min_cohort`` accounts of a year before or more keeps
      ``product_gap`` (as a share of the year-old MRR) less than the company (GRR);
    - the company's LTV : CAC is ``ample`` or more: spend more on winning accounts;
    - a KPI is red against its target: put it first in the next revenue review.

    Parameters
    ----------
    status : DataFrame, optional
        :func:`~cpo_kit.metrics.kpis.score` of the revenue KPIs (``key``, ``kpi``, ``unit``,
        ``value``, ``target``, ``status``).
    moves : DataFrame, optional
        :func:`~cpo_kit.metrics.revenue.mrr_movements` without ``by``.
    monthly, pooled : DataFrame, optional
        :func:`~cpo_kit.metrics.revenue.churn_rates` and its
        :func:`~cpo_kit.analyses.revenue.pooled_churn`.
    segments, products : DataFrame, optional
        :func:`~cpo_kit.analyses.revenue.health_table` by segment and by product.
    months, nrr_floor, expansion_share, spike, ratio_mark, payback_mark, product_gap, ample, \
min_cohort
        The thresholds of the conditions above.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    rows = status.set_index("key") if status is not None else pd.DataFrame()
    out = [_retention_step(rows, nrr_floor)]
    if moves is not None and len(moves):
        out.append(_expansion_step(moves.sort_values("month").tail(months), expansion_share))
    if monthly is not None and pooled is not None and len(monthly) and len(pooled):
        out.append(_spike_step(monthly.sort_values("month").iloc[-1],
                               pooled.sort_values("month").iloc[-1], spike))
    if segments is not None:
        out.append(_segment_step(segments, _target(rows, "ltv_to_cac", ratio_mark),
                                 _target(rows, "cac_payback", payback_mark)))
    if products is not None and "grr_t12m" in rows.index and _finite(
            rows.loc["grr_t12m", "value"]):
        out.append(_product_step(products, rows.loc["grr_t12m", "value"], product_gap,
                                 min_cohort))
    if "ltv_to_cac" in rows.index and _finite(rows.loc["ltv_to_cac", "value"]) and (
            rows.loc["ltv_to_cac", "value"] >= ample):
        out.append(f"LTV : CAC is {in_unit(rows.loc['ltv_to_cac', 'value'], 'ratio')}, "
                   f"{formats.number(ample, decimals=0)} or more: the company can probably "
                   "afford to spend more on winning accounts; test a larger budget in the "
                   "channel that pays back fastest.")
    if len(rows) and (rows["status"] == "red").any():
        red = rows[rows["status"] == "red"]
        out.append(f"{join(red['kpi'])} {'is' if len(red) == 1 else 'are'} in red against "
                   f"{'its target' if len(red) == 1 else 'their targets'}: put "
                   f"{'it' if len(red) == 1 else 'them'} first in the next revenue review, "
                   "with a line on why and what is being done.")
    return [step for step in out if step]


def _target(rows: pd.DataFrame, key: str, default: float) -> float:
    if key in rows.index and _finite(rows.loc[key, "target"]):
        return float(rows.loc[key, "target"])
    return default


def _retention_step(rows: pd.DataFrame, nrr_floor: float) -> str | None:
    short = []
    for key in ("nrr_t12m", "grr_t12m"):
        if key not in rows.index or not _finite(rows.loc[key, "value"]):
            continue
        row = rows.loc[key]
        if row["status"] in ("red", "amber"):
            short.append(f"{row['kpi']} is {in_unit(row['value'], 'share')} against a target "
                         f"of {in_unit(row['target'], 'share')}")
        elif key == "nrr_t12m" and row["status"] == "no target" and row["value"] < nrr_floor:
            short.append(f"{row['kpi']} is {in_unit(row['value'], 'share')}, below "
                         f"{formats.share(nrr_floor, decimals=0)}")
    if not short:
        return None
    return (f"{join(short)}: list the accounts that cancelled or moved to a cheaper plan in "
            "the last three months, with whoever hears from them (support, customer success, "
            "a cancellation survey), and find the reasons they share (a missing feature, a "
            "competitor, a price step); each shared reason is a roadmap candidate.")


def _expansion_step(recent: pd.DataFrame, expansion_share: float) -> str | None:
    new, grown = recent["new"].sum(), recent["expansion"].sum()
    if new <= 0 or grown >= expansion_share * new:
        return None
    return (f"Expansion brought {in_unit(grown, 'currency')} over the last "
            f"{formats.count(len(recent))} months against {in_unit(new, 'currency')} from new "
            "accounts "
            f"({formats.share(grown / new)}, under {formats.share(expansion_share, decimals=0)}"
            "): look at what the accounts that do pay more bought (a higher plan, a second "
            "product, more people) and make that path easier for the others.")


def _spike_step(last, pooled, spike: float) -> str | None:
    rate, usual = last["logo_churn_rate"], pooled["logo_churn_rate"]
    if not (_finite(rate) and _finite(usual)) or usual <= 0 or rate < spike * usual:
        return None
    return (f"In {month_name(last['month'])}, {formats.share(rate)} of the paying accounts "
            f"stopped paying ({formats.count(last['churned_accounts'])} of "
            f"{formats.count(last['starting_accounts'])}), against {formats.share(usual)} a "
            "month pooled: find what they share (plan, segment, channel, the month they "
            "joined, a fault in the product) before the next month closes.")


def _segment_step(segments: pd.DataFrame, ratio_bar: float, payback_bar: float
                  ) -> str | None:
    short = []
    for row in segments.to_dict("records"):
        said = []
        if _finite(row.get("ltv_to_cac")) and row["ltv_to_cac"] < ratio_bar:
            said.append(f"LTV : CAC {in_unit(row['ltv_to_cac'], 'ratio')}")
        if _finite(row.get("payback_months")) and row["payback_months"] > payback_bar:
            said.append(f"payback {in_unit(row['payback_months'], 'months')}")
        if said:
            short.append(f"{literal(row['segment'])} ({', '.join(said)})")
    if not short:
        return None
    return (f"{join(short)} {'falls' if len(short) == 1 else 'fall'} short of an LTV : CAC of "
            f"{formats.number(ratio_bar)} or a payback within "
            f"{in_unit(payback_bar, 'months')}: bring the numbers to whoever sets the "
            "acquisition budget; either winning accounts there costs too much or the product "
            "does not keep them yet.")


def _product_step(products: pd.DataFrame, grr: float, gap: float, min_cohort: int
                  ) -> str | None:
    judged = products[(products["cohort_accounts"].fillna(0) >= min_cohort)
                      & (products["grr"] <= grr - gap)]
    if judged.empty:
        return None
    said = join(f"{literal(r['product'])} keeps {formats.share(r['grr'])} of its year-old MRR"
                for r in judged.to_dict("records"))
    return (f"{said}, against {formats.share(grr)} for the company (GRR): talk to the "
            "accounts that left it before the next planning round, and decide whether to "
            "fix, reposition or retire it.")


def checked(*, nrr_floor: float = NRR_FLOOR, expansion_share: float = EXPANSION_SHARE,
            spike: float = SPIKE, ratio_mark: float = RATIO_MARK,
            payback_mark: float = PAYBACK_MARK, product_gap: float = PRODUCT_GAP,
            ample: float = AMPLE, months: int = MONTHS) -> str:
    """What :func:`recommendations` looks at, for the sentence shown when nothing holds.

    Parameters
    ----------
    nrr_floor, expansion_share, spike, ratio_mark, payback_mark, product_gap, ample, months
        As given to :func:`recommendations`.

    Returns
    -------
    str
        The end of "None of these holds on this data: ...".
    """
    return (f"NRR or GRR short of its target (NRR under "
            f"{formats.share(nrr_floor, decimals=0)} without one), expansion under "
            f"{formats.share(expansion_share, decimals=0)} of new revenue over "
            f"{formats.count(months)} months, a month's logo churn "
            f"{formats.number(spike, decimals=2)} times the pooled rate or more, a segment "
            f"short of its LTV : CAC or payback target ({formats.number(ratio_mark)} and "
            f"{formats.format_value(payback_mark, 'months')} without one), a product keeping "
            f"{formats.number(product_gap * 100, decimals=0)} points less of its revenue than "
            f"the company, an LTV : CAC of {formats.number(ample, decimals=0)} or more, and a "
            "KPI in red")
