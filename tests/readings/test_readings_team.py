"""The team notebook's readings: sentences written from a hand-made team, matrix and gaps."""
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings import team
from cpo_kit.readings.common import next_steps

HELD_TO = pd.Series(["PM", "PM", "senior PM", None])
MATRIX = pd.DataFrame({
    "member_id": ["Ann", "Ann", "Bo_b", "Bo_b", "Cy", "Cy"],
    "skill": ["skill_delivery", "skill_strategy"] * 3,
    "gap": [-1.0, 0.5, -0.6, -0.8, 0.0, 0.2]})


def gaps(*rows):
    return pd.DataFrame(rows, columns=["skill", "assessed", "members_short", "share_short",
                                       "who", "recommendation", "reason", "coach"])


GAPS = gaps(("skill_delivery", 3, 2, 2 / 3, "Ann, Bo_b", "hire", "short in 67% of the team", ""),
            ("skill_strategy", 3, 1, 1 / 3, "Bo_b", "train", "short in 1 of 3", "Cy"),
            ("skill_leadership", 3, 0, 0.0, "", "none", "everyone within the threshold", ""))


def onboarding(*rows):
    return pd.DataFrame(rows, columns=["member_id", "status", "next_milestone", "days_to_next"])


def test_rungs_count_the_members_and_those_held_to_none():
    assert team.rungs(HELD_TO, company="Acme") == (
        "**What it shows for Acme:** The 4 members are held to PM (2) and senior PM (1). 1 "
        "is held to no rung and not assessed.")


def test_matrix_names_the_weakest_skill_and_escapes_member_names():
    assert team.matrix(MATRIX, company="Acme") == (
        "**What it shows for Acme:** Against the bar, the team scores lowest in delivery "
        "(−0.53 on average) and highest in strategy (−0.03). Bo\\_b falls short in 2 of 2 "
        "skills. Cy meets the bar in every skill.")


def test_gaps_count_the_answers_and_name_the_widest():
    assert team.gaps(GAPS, company="Acme") == (
        "**What it shows for Acme:** Of 3 skills, 1 calls for hiring, 1 calls for training "
        "and 1 calls for nothing. The widest gap is delivery: 2 of 3 members are short "
        "(67%).")


def test_onboarding_counts_the_statuses_and_names_the_next_milestone_in_german():
    status = onboarding(("Ann", "on track", "learn", 12.0), ("Bo", "behind", "lead", 3.0))
    with formats.using(currency="EUR", locale="de_DE"):
        text = team.onboarding(status, company="Acme")
    assert text == ("**What it shows for Acme:** 2 members are onboarding, 1 on track and 1 "
                    "behind. The next milestone is Bo's “lead”, in 3 days.")


def test_recommendations_name_the_numbers_that_triggered_them():
    status = onboarding(("Ann", "on track", "learn", 20.0), ("Bo", "behind", "lead", 3.0))
    assert team.recommendations(gaps=GAPS, status=status, held_to=HELD_TO) == [
        "Hire for delivery (short in 67\\% of the team): write the skill into the next job "
        "descriptions and score candidates on the same 1-5 scale.",
        "Pair Bo\\_b with Cy on strategy, set a goal for the quarter and score the skill "
        "again at the next review.",
        "Bo is behind the onboarding plan: find out this week whether the plan, the "
        "manager's time or the role is the cause.",
        "Put a check-in in the calendar before the next milestone of Bo (“lead” in 3 days).",
        "1 member is held to no rung: add their role to `role_rungs` so their skills are "
        "measured.",
    ]


def test_no_recommendation_when_no_condition_holds():
    status = onboarding(("Ann", "on track", "learn", 20.0))
    found = team.recommendations(gaps=GAPS.iloc[[2]], status=status, held_to=HELD_TO.iloc[:3])
    assert found == []
    assert next_steps(found, checked=team.CHECKED) == (
        "None of these holds on this data: skills to hire or train for, onboarding members "
        "behind plan or near a milestone, and members held to no rung.")
