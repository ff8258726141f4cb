"""Readings of the strategy notebook: key results against time, their cover, the portfolio.

Each function takes a frame the notebook computed with :mod:`cpo_kit.analyses.strategy`
and writes what it shows for this company; :func:`recommendations` keeps the next
steps whose condition holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, money_safe, names, shows

#: The statuses of a key result behind plan, worst first.
BEHIND = ("off track", "at risk")


def _kr(row) -> str:
    return f"{literal(row['key_result'])} ({literal(row['okr_id'])})"


def key_results(progress: pd.DataFrame, objectives: pd.DataFrame, *, company: str) -> str:
    """How many key results are on track, which is furthest behind, which went backwards.

    Parameters
    ----------
    progress : DataFrame
        ``kr_progress``' result: ``okr_id``, ``key_result``, ``raw_progress``,
        ``progress``, ``expected``, ``status``.
    objectives : DataFrame
        ``objective_progress``' result: ``objective``, ``progress``, ``status``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if progress.empty:
        return shows(company, ["The OKR table holds no key result."])
    counts = progress["status"].value_counts()
    behind = [f"{formats.count(counts[s])} {'is' if counts[s] == 1 else 'are'} {s}"
              for s in reversed(BEHIND) if s in counts]
    sentences = [f"Of {formats.count(len(progress))} key results, {join(behind)}."
                 if behind else
                 "No key result is behind plan."]
    measured = progress.dropna(subset=["progress"])
    if len(measured):
        gap = measured["progress"] - measured["expected"]
        worst = measured.loc[gap.idxmin()]
        if gap.min() < 0:
            sentences.append(f"Furthest behind is {_kr(worst)}: "
                             f"{formats.share(worst['progress'], decimals=0)} of the way, "
                             f"against {formats.share(worst['expected'], decimals=0)} "
                             "expected by now.")
        back = measured[measured["raw_progress"] < 0]
        if len(back):
            sentences.append(f"{join(_kr(r) for _, r in back.iterrows())} went backwards "
                             "from "
                             f"{'its' if len(back) == 1 else 'their'} baseline.")
    scored = objectives.dropna(subset=["progress"])
    if len(scored) > 1:
        low = scored.loc[scored["progress"].idxmin()]
        sentences.append(f"The objective furthest from its target is "
                         f"“{literal(low['objective'])}”, at "
                         f"{formats.share(low['progress'], decimals=0)} on average.")
    return shows(company, sentences)


def coverage(uncovered: pd.DataFrame, orphans: pd.DataFrame, *, company: str) -> str:
    """Which key results have no work, and how much work serves no key result.

    Parameters
    ----------
    uncovered : DataFrame
        The key results with no initiative: ``okr_id``, ``key_result``.
    orphans : DataFrame
        The initiatives serving no key result: ``title``, ``status``, ``effort``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if uncovered.empty:
        sentences = ["Every key result has work behind it."]
    else:
        sentences = [f"{formats.count(len(uncovered))} key "
                     f"{'result has' if len(uncovered) == 1 else 'results have'} no "
                     f"initiative: {join(_kr(r) for _, r in uncovered.iterrows())}."]
    if orphans.empty:
        sentences.append("No initiative works outside the objectives.")
    else:
        still = orphans[orphans["status"] != "done"]
        done = ("all of them are done." if still.empty else
                f"{formats.count(len(still))} of them "
                f"({formats.number(still['effort'].sum())} person-months) "
                f"{'is' if len(still) == 1 else 'are'} not done yet.")
        sentences.append(f"{formats.count(len(orphans))} "
                         f"{'initiative' if len(orphans) == 1 else 'initiatives'}, "
                         f"{formats.number(orphans['effort'].sum())} person-months, serve"
                         f"{'s' if len(orphans) == 1 else ''} no key result; {done}")
    return shows(company, sentences)


def portfolio(products: pd.DataFrame, *, company: str) -> str:
    """Where the money comes from, which quadrants hold the products, what to retire.

    Parameters
    ----------
    products : DataFrame
        ``portfolio``'s result: ``name``, ``mrr`` (may be missing), ``quadrant``,
        ``recommendation``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if products.empty:
        return shows(company, ["The products table holds no product."])
    sentences = []
    earning = products.dropna(subset=["mrr"])
    if len(earning) and earning["mrr"].sum() > 0:
        top = earning.loc[earning["mrr"].idxmax()]
        sentences.append(f"{literal(top['name'])} brings "
                         f"{formats.share(top['mrr'] / earning['mrr'].sum(), decimals=0)} of "
                         f"the products' MRR "
                         f"({money_safe(formats.money(top['mrr']))} a month).")
    per = products.groupby("quadrant", sort=False)["name"].apply(list)
    sentences.append("By quadrant: " + "; ".join(
        f"{q} {names(per[q])}" for q in ("star", "cash cow", "question mark", "dog")
        if q in per) + ".")
    if not (products["quadrant"] == "cash cow").any():
        sentences.append("No product is a cash cow: nothing in the portfolio is a leader "
                         "in a slow market paying for the others.")
    return shows(company, sentences)


def recommendations(*, progress: pd.DataFrame | None = None,
                    uncovered: pd.DataFrame | None = None,
                    orphans: pd.DataFrame | None = None,
                    products: pd.DataFrame | None = None, trend_months: int = 6
                    ) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a key result is off track or at risk;
    - a key result has no initiative;
    - an initiative that serves no key result is not done yet;
    - a product's recommendation is to invest (fully or selectively);
    - a product's recommendation is to retire.

    Parameters
    ----------
    progress : DataFrame, optional
        ``kr_progress``' result (``okr_id``, ``key_result``, ``progress``, ``expected``,
        ``status``).
    uncovered, orphans : DataFrame, optional
        The key results with no initiative and the initiatives serving none
        (``title``, ``status``, ``effort``).
    products : DataFrame, optional
        ``portfolio``'s result (``name``, ``mrr``, ``mrr_growth``, ``recommendation``).
    trend_months : int
        The months over which ``mrr_growth`` was measured, to say so.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if progress is not None:
        behind = progress[progress["status"].isin(BEHIND)].dropna(subset=["progress"])
        if len(behind):
            worst = behind.loc[(behind["progress"] - behind["expected"]).idxmin()]
            counts = behind["status"].value_counts()
            parts = [f"{formats.count(counts[s])} {s}" for s in BEHIND if s in counts]
            are = "key result is" if len(behind) == 1 else "key results are"
            out.append(f"{formats.count(len(behind))} {are} behind plan ({join(parts)}), "
                       f"the furthest behind {_kr(worst)} at "
                       f"{formats.share(worst['progress'], decimals=0)} against "
                       f"{formats.share(worst['expected'], decimals=0)} expected: ask each "
                       "owner whether the work is late, wrong, or the target was a guess, "
                       "then add help, change the bet, or reset the target in writing.")
    if uncovered is not None and len(uncovered):
        out.append(f"{join(_kr(r) for _, r in uncovered.iterrows())} "
                   f"{'has' if len(uncovered) == 1 else 'have'} no initiative: give "
                   f"{'it' if len(uncovered) == 1 else 'each'} an owner and a first "
                   "initiative within a week, or take it out of the OKR set.")
    if orphans is not None:
        still = orphans[orphans["status"] != "done"]
        if len(still):
            out.append(f"{names(still['title'])} serve{'s' if len(still) == 1 else ''} no key "
                       f"result and {'is' if len(still) == 1 else 'are'} not done "
                       f"({formats.number(still['effort'].sum())} person-months): keep what "
                       "you can defend (upkeep, a commitment), tie the rest to a key result "
                       "or stop it and give the capacity back.")
    if products is not None and len(products):
        grow = products[products["recommendation"].str.startswith("invest")]
        if len(grow):
            each = [literal(r["name"]) + (
                "" if pd.isna(r.get("mrr_growth")) else
                f" (MRR {formats.share(r['mrr_growth'], decimals=0, signed=True)} in "
                f"{trend_months} months)")
                for _, r in grow.iterrows()]
            some = grow[grow["recommendation"] != "invest"]
            out.append(f"Make the case for {join(each)} in budget planning"
                       + ("." if some.empty else
                          f", with milestones for {names(some['name'])}, to invest in "
                          "selectively."))
        for _, row in products[products["recommendation"] == "retire"].iterrows():
            earns = "" if pd.isna(row.get("mrr")) else \
                f", earning {money_safe(formats.money(row['mrr']))} a month"
            out.append(f"{literal(row['name'])} is to retire{earns}: write its sunset plan, "
                       "with a date and a way for its customers to move.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("key results behind plan, key results without work, open work outside the "
           "objectives, and products to invest in or retire")
