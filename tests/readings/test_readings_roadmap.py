"""The roadmap notebook's readings: sentences written from hand-made candidates, plans and dates."""
import pandas as pd
import pytest

from cpo_kit.readings import roadmap
from cpo_kit.readings.common import next_steps


def candidates(*rows):
    return pd.DataFrame(rows, columns=["title", "effort", "rice_value", "rice", "wsjf",
                                       "exact", "greedy"])


PLAN = candidates(("Big *win*", 6.0, 600.0, 100.0, 1.0, True, False),
                  ("Quick", 1.0, 90.0, 90.0, 9.0, False, True),
                  ("Small", 2.0, 120.0, 60.0, 8.0, False, True),
                  ("Tiny", 1.0, 30.0, 30.0, 7.0, True, True))
CURVE = pd.DataFrame({"capacity": [6.0, 7.0, 7.5, 8.0], "exact": [600.0, 630.0, 630.0, 720.0]})
BY_OBJECTIVE = pd.DataFrame({"objective": ["Grow", "Keep, calm", "(no key result)"],
                             "in_progress": [3.0, 0.0, 1.0], "best_plan": [4.0, 0.0, 2.0]})


def outcomes(*rows):
    return pd.DataFrame(rows, columns=["title", "due_date", "outcome", "slippage_days"])


DELIVERY = outcomes(("Export", "2026-06-01", "overdue", 40.0),
                    ("Alerts", "2026-07-01", "overdue", 10.0),
                    ("SSO", "2026-05-01", "late", 12.0),
                    ("Charts", "2026-05-01", "late", 4.0),
                    ("Logs", "2026-05-01", "on time", 0.0),
                    ("Later", "2027-01-01", "not yet due", None))


def test_ranking_names_each_score_s_first_and_where_they_disagree():
    assert roadmap.ranking(PLAN, company="Acme") == (
        "**What it shows for Acme:** RICE ranks Big \\*win\\* first of 4 candidates, WSJF "
        "Quick. They disagree most on Big \\*win\\*: 1st by RICE, 4th by WSJF.")


def test_plan_says_where_the_two_plans_part_and_where_capacity_pays_next():
    assert roadmap.plan(PLAN, CURVE, company="Acme", capacity=7.5, value="value") == (
        "**What it shows for Acme:** The best plan takes Big \\*win\\* (6 person-months), "
        "which the greedy plan leaves out for Quick (1 person-month) and Small (2 "
        "person-months). The next gain needs 0.5 person-months more: 90.0 more value, 14% "
        "on top of the best plan's.")


def test_objectives_name_the_largest_and_the_empty_one():
    assert roadmap.objectives(BY_OBJECTIVE, company="Acme") == (
        "**What it shows for Acme:** “Grow” gets most, 7 person-months (70% of the work). "
        "“Keep\\, calm” gets nothing. 3 person-months (30%) serve no key result.")


def test_timeline_counts_the_work_under_way_and_past_due():
    dated = pd.DataFrame({"start_date": pd.to_datetime(["2026-01-01", "2026-02-01",
                                                        "2026-03-01", "2026-12-01"]),
                          "due_date": pd.to_datetime(["2026-05-01", "2026-12-01",
                                                      "2026-04-01", "2027-01-01"]),
                          "done_date": pd.to_datetime([None, None, "2026-04-01", None])})
    assert roadmap.timeline(dated, company="Acme", period_end="2026-10-31") == (
        "**What it shows for Acme:** 2 of the 4 dated initiatives are under way on "
        "2026-10-31, 1 of them past their due date.")


def test_delivery_names_the_most_overdue_and_the_latest_delivered():
    assert roadmap.delivery(DELIVERY, company="Acme") == (
        "**What it shows for Acme:** Most overdue is Export, 40 days past its due date "
        "(2026-06-01). Of the work delivered, SSO arrived latest, 12 days after its due "
        "date.")


def test_recommendations_name_the_numbers_that_triggered_them():
    assert roadmap.recommendations(candidates=PLAN, curve=CURVE, capacity=7.5,
                                   by_objective=BY_OBJECTIVE, outcomes=DELIVERY) == [
        "Filling from the top of the ranking delivers 390.0 less value than the best plan "
        "(62% of it): take the best plan into quarterly planning, with the table that shows "
        "why each initiative is in or out.",
        "0.5 person-months more would add 14% to the best plan's value: challenge the effort "
        "estimates of the initiatives near the cut line before the plan is final, as a small "
        "error in one changes the plan.",
        "“Keep\\, calm” has no work in progress or planned: give it capacity, or agree openly "
        "to drop it this quarter.",
        "2 initiatives are overdue (Export and Alerts): agree a new date with each owner "
        "this week and tell the people who depend on it.",
        "Only 20% of the work due arrived on time, against 80% to aim for: add the median "
        "slippage, 4 days, as buffer to dates promised outside the team, and track the "
        "on-time share every month.",
    ]


@pytest.mark.parametrize("capacity", [7.0, 100.0], ids=["gain-too-far", "no-gain"])
def test_no_recommendation_when_no_condition_holds(capacity):
    same = PLAN.assign(greedy=PLAN["exact"])
    found = roadmap.recommendations(candidates=same, curve=CURVE, capacity=capacity,
                                    by_objective=BY_OBJECTIVE.iloc[[0, 2]],
                                    outcomes=DELIVERY.iloc[[4, 5]])
    assert found == []
    assert next_steps(found, checked=roadmap.CHECKED) == (
        "None of these holds on this data: the best plan against the greedy one, the capacity "
        "near the cut line, objectives without work, overdue initiatives and the share of "
        "work on time.")
