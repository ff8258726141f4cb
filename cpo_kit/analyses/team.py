"""The product team against a career ladder: skill gaps, what to hire or train for, onboarding.

Skills are scored 1 to 5 (1 learning, 2 practising, 3 proficient on one's own,
4 strong enough to coach others, 5 sets the standard for the company). Each
member is held to the expectations of one rung of the product career ladder:

- a role the ladder names (``ROLE_RUNGS``: product manager, senior product
  manager, director of product, VP of product, CPO and their common variants) gets
  that rung; an associate product manager is held to the PM rung they are growing
  into, a group product manager to the senior PM rung (they still own a product
  area hands-on);
- any other role (designer, researcher, analyst ...) is held to the rung of the same
  career level (``LEVEL_RUNGS``), since the team's skills are shared by every product
  role, even if their weight differs.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.inputs.contract import SKILLS

RUNGS = ("PM", "senior PM", "director", "VP", "CPO")
#: Expected skill score at each rung. Delivery and analytics are expected early;
#: strategy, communication and leadership rise with the rung.
LADDER = {
    "PM": {"skill_strategy": 2.0, "skill_discovery": 2.5, "skill_delivery": 3.0,
           "skill_analytics": 3.0, "skill_communication": 2.5, "skill_leadership": 1.5},
    "senior PM": {"skill_strategy": 2.5, "skill_discovery": 3.0, "skill_delivery": 3.5,
                  "skill_analytics": 3.5, "skill_communication": 3.0, "skill_leadership": 2.0},
    "director": {"skill_strategy": 3.5, "skill_discovery": 3.5, "skill_delivery": 3.5,
                 "skill_analytics": 3.5, "skill_communication": 3.5, "skill_leadership": 3.5},
    "VP": {"skill_strategy": 4.0, "skill_discovery": 3.5, "skill_delivery": 3.5,
           "skill_analytics": 3.5, "skill_communication": 4.0, "skill_leadership": 4.0},
    "CPO": {"skill_strategy": 4.5, "skill_discovery": 3.5, "skill_delivery": 3.5,
            "skill_analytics": 3.5, "skill_communication": 4.5, "skill_leadership": 4.5},
}
#: Roles of the product-management ladder, in lower case, and their rung.
ROLE_RUNGS = {
    "associate product manager": "PM", "product manager": "PM", "product owner": "PM",
    "senior product manager": "senior PM", "group product manager": "senior PM",
    "principal product manager": "senior PM", "director of product": "director",
    "product director": "director", "vp of product": "VP", "vp product": "VP",
    "head of product": "director", "cpo": "CPO", "chief product officer": "CPO",
}
#: For other roles, the rung by career level (1 junior to 8 executive).
LEVEL_RUNGS = {1: "PM", 2: "PM", 3: "PM", 4: "PM", 5: "senior PM", 6: "senior PM",
               7: "director", 8: "VP"}
#: A 30-60-90 day plan: for each milestone, its day and the share of the plan done by then.
PLAN = {"learn": (30, 0.33), "contribute": (60, 0.67), "lead": (90, 1.0)}


def assign_rungs(team: pd.DataFrame, *, role_rungs: dict = ROLE_RUNGS,
                 level_rungs: dict = LEVEL_RUNGS, role: str = "role",
                 level: str = "level") -> pd.Series:
    """The ladder rung each member is held to: by role if the ladder names it, else by level.

    Parameters
    ----------
    team : DataFrame
    role_rungs : dict
        Role in lower case -> rung.
    level_rungs : dict
        Career level (a whole number, or its text) -> rung, for roles ``role_rungs``
        does not name.
    role, level : str
        Columns of the job role and the career level.

    Returns
    -------
    Series
        Rung names aligned with ``team``; NaN where neither the role nor the level maps.

    Examples
    --------
    >>> team = pd.DataFrame({"role": ["Senior Product Manager", "product designer"],
    ...                      "level": [5, 4]})
    >>> assign_rungs(team).tolist()
    ['senior PM', 'PM']
    """
    roles = team[role].astype("str").str.strip().str.lower()
    by_role = roles.map({k.lower(): v for k, v in role_rungs.items()})
    # Keys may arrive as text from a params file ("5": "senior PM").
    levels = {int(k): v for k, v in level_rungs.items()}
    by_level = team[level].map(lambda v: levels.get(int(v)) if pd.notna(v) else None)
    return by_role.fillna(by_level).astype(object).rename("rung")


def skills_matrix(team: pd.DataFrame, *, ladder: dict = LADDER, rungs: pd.Series | None = None,
                  skills: tuple[str, ...] = SKILLS, member: str = "member_id",
                  role: str = "role") -> pd.DataFrame:
    """Each member's score in each skill against what their rung expects.

    Parameters
    ----------
    team : DataFrame
    ladder : dict
        Rung -> {skill: expected score}; every rung named in ``rungs`` must be present.
    rungs : Series, optional
        Each member's rung; by default :func:`assign_rungs` with its defaults.
    skills : tuple of str
        Score columns.
    member, role : str
        Columns of the member's identifier and role.

    Returns
    -------
    DataFrame
        Long form, one row per member and skill with a score: ``member_id``, ``role``,
        ``rung``, ``skill``, ``score``, ``expected`` and ``gap`` (score - expected,
        negative below expectation). Members without a rung are left out.

    Raises
    ------
    ValueError
        When a rung is missing from ``ladder`` or a skill from one of its rungs.

    Examples
    --------
    >>> team = pd.DataFrame({"member_id": ["M1"], "role": ["product manager"], "level": [4],
    ...                      "skill_delivery": [2.0]})
    >>> skills_matrix(team, skills=("skill_delivery",))["gap"].tolist()
    [-1.0]
    """
    rungs = assign_rungs(team) if rungs is None else rungs
    missing = sorted(set(rungs.dropna()) - set(ladder))
    if missing:
        raise ValueError(f"the ladder has no rung {', '.join(map(repr, missing))}: "
                         f"it has {', '.join(map(repr, ladder))}")
    for rung, expected in ladder.items():
        absent = [s for s in skills if s not in expected]
        if absent:
            raise ValueError(f"the ladder's {rung!r} rung has no expected level for "
                             f"{', '.join(absent)}")
    present = [s for s in skills if s in team.columns]
    frame = team[[member, role] + present].assign(rung=rungs.to_numpy())
    frame = frame[frame["rung"].notna()]
    long = frame.melt(id_vars=[member, role, "rung"], value_vars=present, var_name="skill",
                      value_name="score").dropna(subset=["score"])
    long["score"] = long["score"].astype("float64")
    long["expected"] = [float(ladder[r][s]) for r, s in zip(long["rung"], long["skill"])]
    # Rounded so that a score exactly at a threshold (3.1 - 3.6) is not pushed past it
    # by floating-point error.
    long["gap"] = (long["score"] - long["expected"]).round(9)
    # Keep the team's order and the skills' order, as a reader scans the heatmap.
    order = {m: i for i, m in enumerate(team[member])}
    long["_m"] = long[member].map(order)
    long["_s"] = long["skill"].map({s: i for i, s in enumerate(skills)})
    return (long.sort_values(["_m", "_s"]).drop(columns=["_m", "_s"])
            .astype({"rung": "str", "skill": "str"}).reset_index(drop=True))


def skill_gaps(matrix: pd.DataFrame, *, threshold: float = 0.5, hire_share: float = 0.5,
               senior_rungs: tuple[str, ...] = ("director", "VP", "CPO"),
               member: str = "member_id") -> pd.DataFrame:
    """Per skill, who falls short of their rung by ``threshold`` or more, and what to do.

    The rule: a skill short in at least ``hire_share`` of the team, or short in anyone
    at a senior rung, is one to **hire** for (it is missing broadly, so there are too
    few people to learn it from, or it is missing at the top, where nobody above can
    coach it and the whole team feels it). A skill short in fewer members, all at
    junior rungs, is one to **train** for, with a coach from the team. Otherwise no
    action.

    Parameters
    ----------
    matrix : DataFrame
        The output of :func:`skills_matrix` (``member_id``, ``rung``, ``skill``,
        ``score``, ``gap``).
    threshold : float
        How far below expectation counts as a gap (0.5 = half a point).
    hire_share : float
        Share of the team with the gap from which the answer is to hire.
    senior_rungs : tuple of str
        Rungs whose gaps are answered by hiring.
    member : str
        Column of the member's identifier.

    Returns
    -------
    DataFrame
        One row per skill, most members short first: ``skill``, ``assessed`` (members
        with a score), ``members_short``, ``share_short``, ``senior_short``,
        ``mean_gap`` (mean of score - expected over the team), ``who`` (identifiers of
        the members short), ``recommendation`` (hire, train or none), ``reason`` and
        ``coach`` (for train: the highest scorer among those who meet their own rung's
        expectation; empty if nobody does).

    Examples
    --------
    >>> matrix = pd.DataFrame({"member_id": ["M1", "M2", "M3"], "rung": ["PM"] * 3,
    ...                        "skill": ["skill_delivery"] * 3, "score": [2.0, 3.5, 3.0],
    ...                        "gap": [-1.0, 0.5, 0.0]})
    >>> skill_gaps(matrix)[["members_short", "recommendation", "coach"]].values.tolist()
    [[1, 'train', 'M2']]
    """
    if threshold < 0:
        raise ValueError(f"threshold must not be negative, not {threshold}")
    if not 0 < hire_share <= 1:
        raise ValueError(f"hire_share must lie in (0, 1], not {hire_share}")
    rows = []
    for skill, group in matrix.groupby("skill", sort=False):
        short = group[group["gap"] <= -threshold]
        senior = short[short["rung"].isin(senior_rungs)]
        share = len(short) / len(group)
        coach = ""
        if short.empty:
            advice, reason = "none", "everyone within the threshold of their rung"
        elif share >= hire_share:
            advice, reason = "hire", f"short in {formats.share(share, decimals=0)} of the team"
        elif not senior.empty:
            advice = "hire"
            reason = "short at a senior rung (" + ", ".join(
                f"{m}, {r}" for m, r in zip(senior[member], senior["rung"])) + ")"
        else:
            advice = "train"
            reason = f"short in {len(short)} of {len(group)}, none at a senior rung"
            meeting = group[group["gap"] >= 0]
            if not meeting.empty:
                coach = str(meeting.loc[meeting["score"].idxmax(), member])
        rows.append({"skill": skill, "assessed": len(group), "members_short": len(short),
                     "share_short": share, "senior_short": len(senior),
                     "mean_gap": float(group["gap"].mean()),
                     "who": ", ".join(short[member].astype(str)),
                     "recommendation": advice, "reason": reason, "coach": coach})
    columns = ["skill", "assessed", "members_short", "share_short", "senior_short",
               "mean_gap", "who", "recommendation", "reason", "coach"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["members_short", "mean_gap"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def expected_progress(days, *, plan: dict = PLAN) -> np.ndarray:
    """Share of the onboarding plan expected done after ``days`` days.

    The expectation grows in a straight line from 0 on the first day to each
    milestone's share on its day, and stays at the last milestone's share after it.

    Parameters
    ----------
    days : array-like of float
        Days since the start date.
    plan : dict
        Milestone name -> (day, expected share done), as :data:`PLAN`.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> expected_progress([0, 15, 45, 120]).round(3).tolist()
    [0.0, 0.165, 0.5, 1.0]
    """
    points = _milestones(plan)
    return np.interp(np.asarray(days, dtype=float), [0.0] + [d for _, d, _ in points],
                     [0.0] + [p for _, _, p in points])


def onboarding(team: pd.DataFrame, *, period_end, plan: dict = PLAN, window_days: int = 90,
               tolerance: float = 0.1, member: str = "member_id", role: str = "role",
               start: str = "start_date", progress: str = "onboarding_progress"
               ) -> pd.DataFrame:
    """The members onboarding on ``period_end``, against a 30-60-90 day plan.

    A member is onboarding if they started within ``window_days`` days before
    ``period_end`` or their progress is below 1. Members who start after
    ``period_end`` are not counted yet.

    Parameters
    ----------
    team : DataFrame
    period_end : str or Timestamp
        The day progress is measured on.
    plan : dict
        Milestone name -> (day, expected share done), as :data:`PLAN`.
    window_days : int
        How recent a start date makes a member onboarding.
    tolerance : float
        How far above or below the expected progress still counts as on track.
    member, role, start, progress : str
        Columns of the member's identifier, role, first day and progress (0 to 1).

    Returns
    -------
    DataFrame
        ``member_id``, ``role``, ``start_date``, ``days_in`` (days since the start date),
        ``progress``, ``expected``, ``difference`` (progress - expected), ``status``
        (ahead, on track or behind), ``next_milestone`` and ``days_to_next`` (NaN past the
        last milestone); most recent start first.

    Examples
    --------
    >>> team = pd.DataFrame({"member_id": ["M1"], "role": ["product manager"],
    ...                      "start_date": pd.to_datetime(["2026-10-01"]),
    ...                      "onboarding_progress": [0.1]})
    >>> onboarding(team, period_end="2026-10-31")[["days_in", "status"]].values.tolist()
    [[30, 'behind']]
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, not {tolerance}")
    points = _milestones(plan)
    end = pd.Timestamp(period_end).normalize()
    starts = pd.to_datetime(team[start]).dt.normalize()
    days = (end - starts).dt.days
    done = team[progress].astype("float64") if progress in team else pd.Series(np.nan,
                                                                               index=team.index)
    keep = (days >= 0) & ((days <= window_days) | (done < 1))
    out = pd.DataFrame({member: team[member], role: team[role], start: starts,
                        "days_in": days, "progress": done})[keep.to_numpy()]
    out["expected"] = expected_progress(out["days_in"], plan=plan)
    out["difference"] = (out["progress"] - out["expected"]).round(9)  # as the gaps above
    out["status"] = np.select([out["progress"].isna(), out["difference"] >= tolerance,
                               out["difference"] <= -tolerance],
                              ["no progress recorded", "ahead", "behind"], "on track")
    upcoming = [next(((n, d) for n, d, _ in points if d > x), (None, np.nan))
                for x in out["days_in"]]
    out["next_milestone"] = [n if n is not None else "plan complete" for n, _ in upcoming]
    out["days_to_next"] = [d - x for (_, d), x in zip(upcoming, out["days_in"])]
    return (out.astype({"days_in": "int64", "days_to_next": "float64"})
            .sort_values([start, member], ascending=[False, True]).reset_index(drop=True))


def _milestones(plan: dict) -> list[tuple[str, float, float]]:
    """The plan as (name, day, share) sorted by day, checked."""
    if not plan:
        raise ValueError("the onboarding plan needs at least one milestone")
    points = []
    for name, value in plan.items():
        if len(value) != 2:
            raise ValueError(f"milestone {name!r} must be (day, expected share), not {value!r}")
        day, share = float(value[0]), float(value[1])
        if day <= 0 or not 0 <= share <= 1:
            raise ValueError(f"milestone {name!r} needs a day above 0 and a share between "
                             f"0 and 1, not {value!r}")
        points.append((str(name), day, share))
    points.sort(key=lambda p: p[1])
    if any(b[2] < a[2] for a, b in zip(points, points[1:])):
        raise ValueError("the onboarding plan's expected shares must not fall from one "
                         "milestone to the next")
    return points
