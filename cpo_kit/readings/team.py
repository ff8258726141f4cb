"""Readings of the team notebook: rungs, the skills matrix, hire-or-train gaps, onboarding.

Each function takes a frame the notebook computed with :mod:`cpo_kit.analyses.team` and
writes what it shows for this company; :func:`recommendations` keeps the next steps
whose condition holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, names, shows


def _skill(name: str) -> str:
    return literal(str(name).removeprefix("skill_"))


def _members(who) -> list[str]:
    """The members of a ``who`` cell, which lists them joined by ", "."""
    return [m for m in str(who).split(", ") if m]


def rungs(held_to: pd.Series, *, company: str) -> str:
    """How many members are held to each rung, and how many to none.

    Parameters
    ----------
    held_to : Series
        Each member's rung (missing: not assessed), as ``assign_rungs`` returns it.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    counts = held_to.dropna().value_counts()
    if counts.empty:
        return shows(company, ["No member is held to a rung of the ladder."])
    sentences = [f"The {formats.count(len(held_to))} members are held to "
                 + join(f"{literal(rung)} ({formats.count(n)})" for rung, n in counts.items())
                 + "."]
    missing = int(held_to.isna().sum())
    if missing:
        sentences.append(f"{formats.count(missing)} "
                         f"{'is' if missing == 1 else 'are'} held to no rung and not assessed.")
    return shows(company, sentences)


def matrix(frame: pd.DataFrame, *, company: str, threshold: float = 0.5) -> str:
    """The skill furthest below the bar across the team, and the members most often short.

    Parameters
    ----------
    frame : DataFrame
        ``skills_matrix``' result, one row per member and skill: ``member_id``,
        ``skill``, ``gap`` (score minus expected).
    company : str
        The company, as named in titles.
    threshold : float
        A gap this far below zero or further is a shortfall.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if frame.empty:
        return shows(company, ["No member has a skill score."])
    mean = frame.groupby("skill")["gap"].mean()
    sentences = [f"Against the bar, the team scores lowest in {_skill(mean.idxmin())} "
                 f"({formats.number(mean.min(), decimals=2, signed=True)} on average) and "
                 f"highest in {_skill(mean.idxmax())} "
                 f"({formats.number(mean.max(), decimals=2, signed=True)})."]
    short = frame[frame["gap"] <= -threshold].groupby("member_id").size()
    skills = frame["skill"].nunique()
    if len(short):
        most = short.max()
        sentences.append(f"{names(short[short == most].index)} "
                         f"{'falls' if (short == most).sum() == 1 else 'fall'} short in "
                         f"{formats.count(most)} of {formats.count(skills)} skills.")
    clear = frame.groupby("member_id")["gap"].min()
    above = clear[clear >= 0]
    if len(above):
        sentences.append(f"{names(above.index)} "
                         f"{'meets' if len(above) == 1 else 'meet'} the bar in every skill.")
    return shows(company, sentences)


def gaps(frame: pd.DataFrame, *, company: str) -> str:
    """How many skills call for hiring and for training, and the widest gap.

    Parameters
    ----------
    frame : DataFrame
        ``skill_gaps``' result: ``skill``, ``members_short``, ``assessed``,
        ``share_short``, ``recommendation``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    counts = frame["recommendation"].value_counts()
    answers = {"hire": "hiring", "train": "training", "none": "nothing"}
    sentences = [f"Of {formats.count(len(frame))} skills, "
                 + join(f"{formats.count(counts[k])} call{'s' if counts[k] == 1 else ''} for "
                        f"{word}" for k, word in answers.items() if counts.get(k)) + "."]
    if frame["members_short"].max() > 0:
        top = frame.loc[frame["share_short"].idxmax()]
        sentences.append(f"The widest gap is {_skill(top['skill'])}: "
                         f"{formats.count(top['members_short'])} of "
                         f"{formats.count(top['assessed'])} members are short "
                         f"({formats.share(top['share_short'], decimals=0)}).")
    return shows(company, sentences)


def advice(frame: pd.DataFrame) -> str:
    """The skills to hire for and to train, with how many are short, in plain words.

    For a headline the chapters quote (the book escapes it), so names are not
    marked up; "nothing" when no one falls short.

    >>> frame = pd.DataFrame({"skill": ["skill_analytics", "skill_discovery"],
    ...                       "members_short": [14, 6], "assessed": [14, 14],
    ...                       "recommendation": ["hire", "train"], "coach": [None, "M10"]})
    >>> advice(frame)
    'hiring for analytics (14 of 14 short), and training for discovery (6 of 14 short, coach M10)'
    """
    def listed(kind: str) -> str:
        rows = frame[frame["recommendation"] == kind].sort_values("members_short",
                                                                 ascending=False, kind="stable")
        return join(
            f"{str(r['skill']).removeprefix('skill_')} ({formats.count(r['members_short'])} "
            f"of {formats.count(r['assessed'])}"
            + " short" + (f", coach {r['coach']}" if isinstance(r["coach"], str) and r["coach"]
                          else "") + ")"
            for _, r in rows.iterrows())
    parts = [f"{word} for {listed(kind)}" for kind, word in (("hire", "hiring"),
                                                              ("train", "training"))
             if (frame["recommendation"] == kind).any()]
    return ", and ".join(parts) if parts else "nothing: no one falls short"


def onboarding(status: pd.DataFrame, *, company: str) -> str:
    """Who is onboarding, who is behind or ahead, and whose milestone comes next.

    Parameters
    ----------
    status : DataFrame
        ``onboarding``'s result: ``member_id``, ``status``, ``next_milestone``,
        ``days_to_next``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if status.empty:
        return shows(company, ["Nobody is onboarding."])
    counts = status["status"].value_counts()
    sentences = [f"{formats.count(len(status))} "
                 f"{'member is' if len(status) == 1 else 'members are'} onboarding, "
                 + (f"all {counts.index[0]}" if len(counts) == 1 else
                    join(f"{formats.count(n)} {s}" for s, n in counts.items())) + "."]
    coming = status.dropna(subset=["days_to_next"])
    if len(coming):
        soon = coming.loc[coming["days_to_next"].idxmin()]
        sentences.append(f"The next milestone is {literal(soon['member_id'])}'s "
                         f"“{literal(soon['next_milestone'])}”, in "
                         f"{formats.counted(soon['days_to_next'], 'day')}.")
    return shows(company, sentences)


def recommendations(*, gaps: pd.DataFrame | None = None, status: pd.DataFrame | None = None,
                    held_to: pd.Series | None = None, check_in_days: int = 14) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - a skill's recommendation is to hire;
    - a skill's recommendation is to train (one sentence per skill, naming the coach);
    - an onboarding member is behind the plan;
    - an onboarding member's next milestone is at most ``check_in_days`` days away;
    - a member is held to no rung.

    Parameters
    ----------
    gaps : DataFrame, optional
        ``skill_gaps``' result (``skill``, ``share_short``, ``who``, ``recommendation``,
        ``coach``).
    status : DataFrame, optional
        ``onboarding``'s result (``member_id``, ``status``, ``next_milestone``,
        ``days_to_next``).
    held_to : Series, optional
        Each member's rung, missing when not assessed.
    check_in_days : int
        A milestone this many days away or fewer asks for a check-in now.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if gaps is not None:
        hire = gaps[gaps["recommendation"] == "hire"]
        if len(hire):
            each = [f"{_skill(r['skill'])} ({literal(r['reason'])})"
                    for _, r in hire.iterrows()]
            out.append(f"Hire for {join(each)}: write the skill into the next job "
                       "descriptions and score candidates on the same 1-5 scale.")
        for _, row in gaps[gaps["recommendation"] == "train"].iterrows():
            coach = f"with {literal(row['coach'])}" if row["coach"] else "with a coach"
            out.append(f"Pair {names(_members(row['who']))} {coach} on {_skill(row['skill'])}, "
                       "set a "
                       "goal for the quarter and score the skill again at the next review.")
    if status is not None and len(status):
        behind = status[status["status"] == "behind"]
        if len(behind):
            out.append(f"{names(behind['member_id'])} "
                       f"{'is' if len(behind) == 1 else 'are'} behind the onboarding plan: "
                       "find out this week whether the plan, the manager's time or the role "
                       "is the cause.")
        soon = status[status["days_to_next"] <= check_in_days]
        if len(soon):
            each = [f"{literal(r['member_id'])} (“{literal(r['next_milestone'])}” in "
                    f"{formats.counted(r['days_to_next'], 'day')})" for _, r in soon.iterrows()]
            out.append(f"Put a check-in in the calendar before the next milestone of "
                       f"{join(each)}.")
    if held_to is not None and held_to.isna().any():
        missing = int(held_to.isna().sum())
        out.append(f"{formats.count(missing)} "
                   f"{'member is' if missing == 1 else 'members are'} held to no rung: add "
                   "their role to `role_rungs` so their skills are measured.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("skills to hire or train for, onboarding members behind plan or near a "
           "milestone, and members held to no rung")
