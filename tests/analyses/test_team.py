"""The team against the career ladder: rungs, the skills matrix, gaps and onboarding.

Onboarding on period_end 2026-10-31 with the default 30-60-90 plan (0.33 by day 30,
0.67 by day 60, 1.0 by day 90, straight lines between) and a tolerance of 0.1:

    member  start       day  progress  expected                      status
    A       2026-10-16   15  0.30      0.33 × 15/30 = 0.165           ahead (+0.135)
    G       2026-10-01   30  -         0.33                           no progress recorded
    B       2026-09-16   45  0.35      0.33 + 0.34 × 15/30 = 0.50     behind (-0.15)
    C       2026-08-02   90  1.00      1.0                            on track
    E       2026-03-01  244  0.80      1.0                            behind (still below 1)
    D       2026-01-01  303  1.00      -                              not onboarding
    F       2026-11-05   -   -         -                              not started yet
"""
from __future__ import annotations

import math

import pandas as pd
import pytest

from cpo_kit.analyses.team import (LADDER, assign_rungs, expected_progress, onboarding, skill_gaps,
                                   skills_matrix)


@pytest.fixture
def team() -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": ["M1", "M2", "M3", "M4"],
        "role": ["CPO", "Product Manager", "product designer", "growth hacker"],
        "level": [8, 4, 5, None],
        "skill_delivery": [3.0, 2.0, 4.0, 3.0],
        "skill_leadership": [4.0, None, 1.5, 2.0],
    }).astype({"level": "Int64", "skill_delivery": "Float64", "skill_leadership": "Float64"})


# --- rungs ----------------------------------------------------------------------------------

def test_rungs_by_role_then_by_level(team):
    # CPO by role (any case), PM by role, the designer by level 5, the last has neither.
    rungs = assign_rungs(team)
    assert rungs.iloc[:3].tolist() == ["CPO", "PM", "senior PM"]
    assert pd.isna(rungs.iloc[3]) and rungs.name == "rung"


def test_rungs_from_parameters_with_levels_as_text(team):
    rungs = assign_rungs(team, role_rungs={"growth hacker": "PM"},
                         level_rungs={"8": "VP", "4": "PM", "5": "director"})
    assert rungs.tolist() == ["VP", "PM", "director", "PM"]


@pytest.mark.parametrize("role, level, rung", [
    ("associate product manager", 3, "PM"),
    ("senior product manager", 5, "senior PM"),
    ("group product manager", 6, "senior PM"),
    ("director of product", 7, "director"),
    ("ux researcher", 5, "senior PM"),
    ("product analyst", 4, "PM"),
    ("head of data", 8, "VP"),
])
def test_roles_of_the_sample_and_others(role, level, rung):
    assert assign_rungs(pd.DataFrame({"role": [role], "level": [level]})).tolist() == [rung]


# --- skills matrix --------------------------------------------------------------------------

def test_skills_matrix_by_hand(team):
    # CPO expects delivery 3.5 and leadership 4.5; PM 3.0 and 1.5; senior PM 3.5 and 2.0.
    out = skills_matrix(team, skills=("skill_delivery", "skill_leadership"))
    assert out["member_id"].tolist() == ["M1", "M1", "M2", "M3", "M3"]  # M2 has no
    # leadership score and M4 no rung: both left out
    assert out["skill"].tolist() == ["skill_delivery", "skill_leadership", "skill_delivery",
                                     "skill_delivery", "skill_leadership"]
    assert out["expected"].tolist() == [3.5, 4.5, 3.0, 3.5, 2.0]
    assert out["gap"].tolist() == pytest.approx([-0.5, -0.5, -1.0, 0.5, -0.5])
    assert out["rung"].tolist() == ["CPO", "CPO", "PM", "senior PM", "senior PM"]


def test_skills_matrix_with_given_rungs_and_ladder(team):
    ladder = {"junior": {"skill_delivery": 1.0}}
    rungs = pd.Series(["junior"] * 4)
    out = skills_matrix(team, ladder=ladder, rungs=rungs, skills=("skill_delivery",))
    assert out["gap"].tolist() == [2.0, 1.0, 3.0, 2.0]


def test_skills_matrix_refuses_an_incomplete_ladder(team):
    with pytest.raises(ValueError, match="the ladder has no rung 'CPO', 'PM', 'senior PM': "
                                         "it has 'junior'"):
        skills_matrix(team, ladder={"junior": {"skill_delivery": 1.0}},
                      skills=("skill_delivery",))
    ladder = {**LADDER, "PM": {"skill_delivery": 3.0}}
    with pytest.raises(ValueError, match="the ladder's 'PM' rung has no expected level for "
                                         "skill_leadership"):
        skills_matrix(team, ladder=ladder, skills=("skill_delivery", "skill_leadership"))


# --- gaps -----------------------------------------------------------------------------------

@pytest.fixture
def matrix() -> pd.DataFrame:
    members = ["M1", "M2", "M3", "M4"]
    rungs = ["PM", "PM", "senior PM", "director"]
    rows = []
    for skill, scores, gaps in [
        ("skill_delivery", [2.0, 2.4, 3.0, 3.7], [-1.0, -0.6, -0.5, 0.2]),
        ("skill_discovery", [2.0, 2.6, 3.3, 3.5], [-0.5, 0.1, 0.3, 0.0]),
        ("skill_strategy", [2.0, 2.0, 2.5, 2.8], [0.0, 0.0, 0.0, -0.7]),
        ("skill_leadership", [1.1, 1.5, 2.0, 3.5], [-0.4, 0.0, 0.0, 0.0]),
    ]:
        rows += [{"member_id": m, "rung": r, "skill": skill, "score": s, "gap": g}
                 for m, r, s, g in zip(members, rungs, scores, gaps)]
    return pd.DataFrame(rows)


def test_skill_gaps_by_hand(matrix):
    out = skill_gaps(matrix, threshold=0.5, hire_share=0.5).set_index("skill")
    # Most members short first; between strategy and discovery (one each) the lower mean
    # gap first: strategy -0.7 / 4 = -0.175, discovery (-0.5 + 0.1 + 0.3) / 4 = -0.025.
    assert out.index.tolist() == ["skill_delivery", "skill_strategy", "skill_discovery",
                                  "skill_leadership"]
    assert out["members_short"].tolist() == [3, 1, 1, 0]  # -0.5 counts, -0.4 does not
    assert out["share_short"].tolist() == [0.75, 0.25, 0.25, 0.0]
    assert out["senior_short"].tolist() == [0, 1, 0, 0]
    assert out["mean_gap"].tolist() == pytest.approx([-0.475, -0.175, -0.025, -0.1])
    assert out["recommendation"].tolist() == ["hire", "hire", "train", "none"]
    assert out["who"].tolist() == ["M1, M2, M3", "M4", "M1", ""]
    assert out.loc["skill_delivery", "reason"] == "short in 75% of the team"
    assert out.loc["skill_strategy", "reason"] == "short at a senior rung (M4, director)"
    assert out.loc["skill_discovery", "reason"] == "short in 1 of 4, none at a senior rung"
    # The coach: highest score among those meeting their rung (M2 2.6, M3 3.3, M4 3.5).
    assert out["coach"].tolist() == ["", "", "M4", ""]


def test_skill_gaps_with_a_stricter_threshold_and_share(matrix):
    out = skill_gaps(matrix, threshold=0.6, hire_share=0.8).set_index("skill")
    # delivery: only -1.0 and -0.6 count now, 2 of 4 < 80%, no senior -> train
    assert out.loc["skill_delivery", "members_short"] == 2
    assert out.loc["skill_delivery", "recommendation"] == "train"
    assert out.loc["skill_delivery", "coach"] == "M4"
    assert out.loc["skill_discovery", "recommendation"] == "none"


@pytest.mark.parametrize("kwargs, message", [
    ({"threshold": -0.1}, "threshold must not be negative, not -0.1"),
    ({"hire_share": 0}, r"hire_share must lie in \(0, 1\], not 0"),
])
def test_skill_gaps_refuses_bad_parameters(matrix, kwargs, message):
    with pytest.raises(ValueError, match=message):
        skill_gaps(matrix, **kwargs)


# --- onboarding -----------------------------------------------------------------------------

@pytest.mark.parametrize("day, expected", [(0, 0.0), (15, 0.165), (30, 0.33), (45, 0.5),
                                           (75, 0.835), (90, 1.0), (400, 1.0)])
def test_expected_progress_along_the_plan(day, expected):
    assert expected_progress([day])[0] == pytest.approx(expected)


def test_expected_progress_with_an_unsorted_custom_plan():
    plan = {"ship": [20, 1.0], "learn": [10, 0.2]}
    assert expected_progress([5, 15], plan=plan).tolist() == pytest.approx([0.1, 0.6])


@pytest.fixture
def starters() -> pd.DataFrame:
    return pd.DataFrame({
        "member_id": list("ABCDEFG"), "role": ["product manager"] * 7,
        "start_date": pd.to_datetime(["2026-10-16", "2026-09-16", "2026-08-02", "2026-01-01",
                                      "2026-03-01", "2026-11-05", "2026-10-01"]),
        "onboarding_progress": [0.30, 0.35, 1.0, 1.0, 0.80, 0.0, None],
    }).astype({"onboarding_progress": "Float64"})


def test_onboarding_by_hand(starters):
    out = onboarding(starters, period_end="2026-10-31")
    assert out["member_id"].tolist() == ["A", "G", "B", "C", "E"]
    assert out["days_in"].tolist() == [15, 30, 45, 90, 244]
    assert out["expected"].tolist() == pytest.approx([0.165, 0.33, 0.5, 1.0, 1.0])
    assert out["status"].tolist() == ["ahead", "no progress recorded", "behind", "on track",
                                      "behind"]
    assert out["next_milestone"].tolist() == ["learn", "contribute", "contribute",
                                              "plan complete", "plan complete"]
    days = out["days_to_next"].tolist()
    assert days[:3] == [15.0, 30.0, 15.0] and math.isnan(days[3]) and math.isnan(days[4])


def test_onboarding_window_and_tolerance(starters):
    out = onboarding(starters, period_end="2026-10-31", window_days=30, tolerance=0.2)
    # C (day 90, complete) drops out of a 30-day window; B is 0.15 behind, within 0.2;
    # E is exactly 0.2 behind, which is behind.
    assert out["member_id"].tolist() == ["A", "G", "B", "E"]
    assert out["status"].tolist() == ["on track", "no progress recorded", "on track", "behind"]


@pytest.mark.parametrize("kwargs, message", [
    ({"tolerance": -0.1}, "tolerance must not be negative, not -0.1"),
    ({"plan": {}}, "the onboarding plan needs at least one milestone"),
    ({"plan": {"learn": [30]}}, r"milestone 'learn' must be \(day, expected share\)"),
    ({"plan": {"learn": [0, 0.5]}}, "milestone 'learn' needs a day above 0 and a share "
                                    "between 0 and 1"),
    ({"plan": {"a": [30, 0.6], "b": [60, 0.4]}}, "expected shares must not fall"),
])
def test_onboarding_refuses_bad_parameters(starters, kwargs, message):
    with pytest.raises(ValueError, match=message):
        onboarding(starters, period_end="2026-10-31", **kwargs)


# --- the notebook ---------------------------------------------------------------------------

def test_team_notebook_finds_the_sample_newcomers(run_notebook):
    out = run_notebook("team") / "team_results"
    status = pd.read_csv(out / "onboarding.csv")
    # Started 2026-10-12, 2026-10-10 and 2026-09-14: 19, 21 and 47 days before period_end.
    assert status["member_id"].tolist() == ["M10", "M12", "M07"]
    assert status["days_in"].tolist() == [19, 21, 47]
    gaps = pd.read_csv(out / "skill_gaps.csv")
    assert sorted(gaps["skill"]) == sorted(["skill_strategy", "skill_discovery",
                                            "skill_delivery", "skill_analytics",
                                            "skill_communication", "skill_leadership"])
    assert len(pd.read_csv(out / "skills_matrix.csv")) == 14 * 6
