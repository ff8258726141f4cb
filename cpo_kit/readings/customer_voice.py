"""Readings of the customer-voice notebook: NPS, events, CSAT and SUS, themes and spikes.

Each function takes a frame the notebook computed with :mod:`cpo_kit.metrics.voice`,
:mod:`cpo_kit.analyses.voice` or :mod:`cpo_kit.analyses.feedback` and writes what it
shows for this company; :func:`recommendations` keeps the next steps whose condition
holds.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, month_name, moved, names, shows


def _score(value) -> str:
    return formats.number(value, decimals=0)


def nps_trend(nps: pd.DataFrame, *, company: str, min_responses: int = 20) -> str:
    """How the last month's NPS moved, the lowest month, and the months on few answers.

    Parameters
    ----------
    nps : DataFrame
        NPS per month: ``period``, ``responses``, ``nps``, ``ci_low``, ``ci_high``.
    company : str
        The company, as named in titles.
    min_responses : int
        Months with fewer answers are unreliable.

    Returns
    -------
    str
        A markdown paragraph.
    """
    known = nps.dropna(subset=["nps"])
    if known.empty:
        return shows(company, ["No month has NPS answers."])
    last = known.iloc[-1]
    sentences = [f"NPS was {_score(last['nps'])} in {month_name(last['period'])}"
                 + (f", {_moved_score(known.iloc[-2]['nps'], last['nps'])} since "
                    f"{month_name(known.iloc[-2]['period'])}" if len(known) > 1 else "") + "."]
    if len(known) > 1:
        before = known.iloc[-2]
        inside = before["ci_low"] <= last["nps"] <= before["ci_high"]
        sentences.append("That is inside the band of the month before, so it may be chance."
                         if inside else "That is outside the band of the month before.")
    low = known.loc[known["nps"].idxmin()]
    sentences.append(f"The lowest month was {month_name(low['period'])}, at {_score(low['nps'])}.")
    few = known[known["responses"] < min_responses]
    if len(few):
        sentences.append(f"{formats.count(len(few))} of {formats.count(len(known))} months "
                         f"rest on fewer than {formats.count(min_responses)} answers.")
    return shows(company, sentences)


def _moved_score(before, after) -> str:
    if round(before) == round(after):
        return "level"
    return (f"{'up' if after > before else 'down'} "
            f"{formats.number(abs(after - before), decimals=0)} points")


def milestones(change: pd.DataFrame, *, company: str) -> str:
    """For each dated event, how NPS moved around it and whether the interval excludes zero.

    Parameters
    ----------
    change : DataFrame
        ``nps_change``'s result: ``milestone``, ``nps_before``, ``nps_after``,
        ``change``, ``change_low``, ``change_high``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if change.empty:
        return shows(company, ["No milestone has answers on both sides."])
    sentences = []
    for _, row in change.dropna(subset=["change"]).iterrows():
        verdict = ("the interval excludes zero" if row["change_high"] < 0 or row["change_low"] > 0
                   else "the interval includes zero, so the data cannot tell")
        sentences.append(f"Around the {literal(row['milestone'])}, NPS went from "
                         f"{_score(row['nps_before'])} to {_score(row['nps_after'])} "
                         f"({formats.number(row['change'], decimals=0, signed=True)}); "
                         f"{verdict}.")
    return shows(company, sentences or ["No milestone has answers on both sides."])


def satisfaction(csat: pd.DataFrame, sus: pd.DataFrame, *, company: str) -> str:
    """How CSAT moved in the last month, its lowest month, and the SUS of the last two studies.

    Parameters
    ----------
    csat : DataFrame
        CSAT per month: ``period``, ``csat``.
    sus : DataFrame
        SUS per month: ``period``, ``sus`` (missing in months without a study).
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    sentences = []
    known = csat.dropna(subset=["csat"])
    if len(known) > 1:
        last, before = known.iloc[-1], known.iloc[-2]
        sentences.append(f"CSAT {moved(before['csat'], last['csat'], 'share')} from "
                         f"{month_name(before['period'])} to {month_name(last['period'])}.")
        low = known.loc[known["csat"].idxmin()]
        sentences.append(f"Its lowest month was {month_name(low['period'])}, at "
                         f"{formats.share(low['csat'])}.")
    studies = sus.dropna(subset=["sus"])
    if studies.empty:
        sentences.append("No SUS study is in the data.")
    elif len(studies) == 1:
        sentences.append(f"The one SUS study, in {month_name(studies.iloc[-1]['period'])}, scored "
                         f"{formats.number(studies.iloc[-1]['sus'])}.")
    else:
        last, before = studies.iloc[-1], studies.iloc[-2]
        sentences.append(f"SUS {moved(before['sus'], last['sus'], 'score')} between the "
                         f"studies of {month_name(before['period'])} and "
                         f"{month_name(last['period'])}.")
    return shows(company, sentences or ["No month has CSAT answers."])


def feedback(by_theme: pd.DataFrame, by_source: pd.DataFrame, *, company: str,
             months: int) -> str:
    """The loudest theme, the themes consistently negative, and the source that says most.

    Parameters
    ----------
    by_theme, by_source : DataFrame
        ``sentiment_by``'s results: ``theme`` or ``source``, ``items``, ``sentiment``,
        ``ci_high``.
    company : str
        The company, as named in titles.
    months : int
        The months the two frames cover.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if by_theme.empty:
        return shows(company, ["No feedback came in over those months."])
    loud = by_theme.loc[by_theme["items"].idxmax()]
    total = by_theme["items"].sum()
    sentences = [f"Over the last {formats.count(months)} months, the theme with the most "
                 f"feedback was {literal(loud['theme'])} ({formats.count(loud['items'])} of "
                 f"{formats.counted(total, 'item')})."]
    sore = by_theme[by_theme["ci_high"] < 0].sort_values("sentiment", kind="stable")
    if len(sore):
        worst = formats.number(sore["sentiment"].min(), decimals=2)
        sentences.append(f"Sentiment is negative with its whole interval below zero for "
                         f"{names(sore['theme'])} (down to {worst}).")
    if len(by_source):
        most = by_source.loc[by_source["items"].idxmax()]
        part = most["items"] / by_source["items"].sum()
        sentences.append(f"Most items came from {literal(most['source'])} "
                         f"({formats.share(part, decimals=0)}).")
    return shows(company, sentences)


def detractors(themes: pd.DataFrame, top: str | None, *, company: str) -> str:
    """The theme that moves most with detractors, with its rho, p-value and lift.

    Parameters
    ----------
    themes : DataFrame
        ``detractor_themes``' table: ``theme``, ``rho``, ``p_value``, ``lift``.
    top : str or None
        The theme that moves most with detractors, if any.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if top is None or themes.empty:
        return shows(company, ["No theme takes a larger share of feedback in the months with "
                               "more detractors."])
    row = themes[themes["theme"] == top].iloc[0]
    sentences = [f"The theme that moves most with detractors is {literal(top)}: rho "
                 f"{formats.number(row['rho'], decimals=2, signed=True)} (p = "
                 f"{formats.number(row['p_value'], decimals=3)}), and it takes "
                 f"{formats.number(row['lift'], decimals=1)} times its usual share of "
                 "feedback in the worst months."]
    if row["p_value"] >= 0.05:
        sentences.append("Chance alone would give a rho this far from zero more than one time "
                         "in twenty: a lead, not a finding.")
    return shows(company, sentences)


def spikes(frame: pd.DataFrame, *, company: str,
           milestones: Mapping[str, str] | None = None) -> str:
    """How many spikes, the largest, and which came right after a dated event.

    Parameters
    ----------
    frame : DataFrame
        ``theme_spikes``' result: ``period``, ``theme``, ``items``, ``ratio``.
    company : str
        The company, as named in titles.
    milestones : mapping, optional
        Event name to date.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if frame.empty:
        return shows(company, ["No theme spiked."])
    big = frame.loc[frame["ratio"].idxmax()]
    sentences = [f"{formats.counted(len(frame), 'theme-month')} spiked; the largest spike was "
                 f"{literal(big['theme'])} in {month_name(big['period'])}, "
                 f"{formats.number(big['ratio'])} times its usual volume "
                 f"({formats.counted(big['items'], 'item')})."]
    after = spikes_after(frame, milestones or {})
    if after:
        sentences.append("Spikes right after a dated event: " + join(
            f"{literal(theme)} in {month_name(period)} (the {literal(event)})"
            for event, theme, period in after) + ".")
    return shows(company, sentences)


def spikes_after(frame: pd.DataFrame, milestones: Mapping[str, str], *, months: int = 1
                 ) -> list[tuple[str, str, pd.Timestamp]]:
    """The spikes in an event's month or the ``months`` after it: (event, theme, month).

    Examples
    --------
    >>> frame = pd.DataFrame({"period": pd.to_datetime(["2025-09-01", "2026-01-01"]),
    ...                       "theme": ["pricing", "automation"]})
    >>> spikes_after(frame, {"price change": "2025-09-01"})
    [('price change', 'pricing', Timestamp('2025-09-01 00:00:00'))]
    """
    out = []
    for event, day in milestones.items():
        start = pd.Timestamp(day).to_period("M").to_timestamp()
        end = start + pd.DateOffset(months=months)
        for _, row in frame.iterrows():
            if start <= pd.Timestamp(row["period"]) <= end:
                out.append((event, row["theme"], pd.Timestamp(row["period"])))
    return out


def recommendations(*, nps: pd.DataFrame | None = None, change: pd.DataFrame | None = None,
                    csat: pd.DataFrame | None = None, sus: pd.DataFrame | None = None,
                    themes: pd.DataFrame | None = None, top: str | None = None,
                    spikes: pd.DataFrame | None = None,
                    milestones: Mapping[str, str] | None = None, min_responses: int = 20,
                    recent: int = 6, csat_drop: float = 0.05, sus_months: int = 12
                    ) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a theme moves with detractors (the top theme of ``detractor_themes``);
    - NPS fell around a milestone, its interval below zero;
    - a theme spiked in a milestone's month or the month after (one sentence per
      milestone);
    - some of the last ``recent`` months of NPS have fewer than ``min_responses`` answers;
    - CSAT fell by more than ``csat_drop`` (a share) from one month to the last;
    - no SUS study was run in the last ``sus_months`` months of the NPS or CSAT data.

    Parameters
    ----------
    nps, csat, sus : DataFrame, optional
        The monthly NPS, CSAT and SUS (``period``, ``responses``, ``nps``/``csat``/``sus``).
    change : DataFrame, optional
        ``nps_change``'s result.
    themes : DataFrame, optional
        ``detractor_themes``' table (``theme``, ``rho``, ``lift``).
    top : str, optional
        The theme that moves most with detractors.
    spikes : DataFrame, optional
        ``theme_spikes``' result.
    milestones : mapping, optional
        Event name to date.
    min_responses, recent, csat_drop, sus_months
        The thresholds named in the conditions.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if top is not None and themes is not None and len(themes):
        row = themes[themes["theme"] == top].iloc[0]
        out.append(f"Put {literal(top)} on the agenda of the next product review with its "
                   f"owner (rho {formats.number(row['rho'], decimals=2, signed=True)}, "
                   f"{formats.number(row['lift'], decimals=1)} times its usual share in the "
                   "worst months): the quotes above, the months it spiked, and one proposal "
                   "to reduce it.")
    if change is not None:
        for _, row in change[change["change_high"] < 0].iterrows():
            out.append(f"NPS fell by {formats.number(-row['change'], decimals=0)} points "
                       f"around the {literal(row['milestone'])} (from "
                       f"{_score(row['nps_before'])} to {_score(row['nps_after'])}): write "
                       "down what happened and what was learned, so the next such event is "
                       "planned for.")
    if spikes is not None and milestones:
        found = spikes_after(spikes, milestones)
        for event in dict.fromkeys(e for e, _, _ in found):
            each = [f"{literal(t)} in {month_name(p)}" for e, t, p in found if e == event]
            out.append(f"Right after the {literal(event)}, feedback spiked on {join(each)}: "
                       "write down what customers noticed and what was learned, so the next "
                       "such event is planned for (a notice period, an in-product message, a "
                       "status page).")
    if nps is not None and len(nps):
        last = nps.dropna(subset=["nps"]).tail(recent)
        few = last[last["responses"] < min_responses]
        if len(few):
            out.append(f"{formats.count(len(few))} of the last {formats.count(len(last))} "
                       f"months of NPS have fewer than {formats.count(min_responses)} answers: "
                       "ask more customers, or the intervals stay too wide to see anything "
                       "smaller than a crisis.")
    if csat is not None:
        known = csat.dropna(subset=["csat"])
        if len(known) > 1 and known.iloc[-2]["csat"] - known.iloc[-1]["csat"] > csat_drop:
            before, last = known.iloc[-2], known.iloc[-1]
            out.append(f"CSAT fell from {formats.share(before['csat'])} to "
                       f"{formats.share(last['csat'])} in {month_name(last['period'])}: read that "
                       "month's support contacts for the cause while it is fresh.")
    if sus is not None:
        periods = [f["period"] for f in (nps, csat) if f is not None and len(f)]
        if periods:
            end = max(pd.Timestamp(p.max()) for p in periods)
            studies = sus.dropna(subset=["sus"])
            since = end - pd.DateOffset(months=sus_months)
            if studies.empty or pd.Timestamp(studies["period"].max()) <= since:
                out.append(("No SUS study is in the data" if studies.empty else
                            f"The last SUS study was in {month_name(studies['period'].max())}")
                           + ": run one with the ten standard statements, so usability has a "
                           "score to compare the next study with.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("a theme moving with detractors, NPS falls and spikes around dated events, "
           "months with few answers, a fall in CSAT, and the age of the last SUS study")
