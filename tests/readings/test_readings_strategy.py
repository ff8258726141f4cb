"""The strategy notebook's readings: sentences written from hand-made OKRs, work and products."""
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings import strategy
from cpo_kit.readings.common import next_steps


def progress(*rows):
    return pd.DataFrame(rows, columns=["okr_id", "key_result", "raw_progress", "progress",
                                       "expected", "status"])


OBJECTIVES = pd.DataFrame({"objective": ["Grow *fast*", "Keep customers"],
                           "progress": [0.2, 0.6], "status": ["off track", "on track"]})
UNCOVERED = pd.DataFrame({"okr_id": ["K3"], "key_result": ["NPS"]})
ORPHANS = pd.DataFrame({"title": ["Dark mode", "Live_sessions", "Web player"],
                        "status": ["done", "in_progress", "planned"],
                        "effort": [1.0, 2.5, 1.5]})


def products(*rows):
    return pd.DataFrame(rows, columns=["name", "mrr", "mrr_growth", "quadrant",
                                       "recommendation"])


def test_key_results_say_how_many_are_on_track_and_who_is_behind_or_went_back():
    frame = progress(("K1", "Weekly users", 0.5, 0.5, 0.5, "on track"),
                     ("K2", "Churn (monthly)", -0.2, 0.0, 0.5, "off track"),
                     ("K3", "NPS", 0.4, 0.4, 0.5, "at risk"))
    assert strategy.key_results(frame, OBJECTIVES, company="Acme") == (
        "**What it shows for Acme:** Of 3 key results, 1 is at risk and 1 is off track. "
        "Furthest behind is Churn \\(monthly\\) (K2): 0% of "
        "the way, against 50% expected by now. Churn \\(monthly\\) (K2) went backwards from "
        "its baseline. The objective furthest from its target is “Grow \\*fast\\*”, at 20% "
        "on average.")


def test_key_results_all_on_track_say_none_is_behind():
    frame = progress(("K1", "Weekly users", 0.6, 0.6, 0.5, "on track"))
    assert strategy.key_results(frame, OBJECTIVES.iloc[:1], company="Acme") == (
        "**What it shows for Acme:** No key result is behind plan.")


def test_coverage_names_the_key_results_without_work_and_the_open_work_outside():
    assert strategy.coverage(UNCOVERED, ORPHANS, company="Acme") == (
        "**What it shows for Acme:** 1 key result has no initiative: NPS (K3). 3 initiatives, "
        "5.0 person-months, serve no key result; 2 of them (4.0 person-months) are not done "
        "yet.")


def test_coverage_when_everything_is_covered_and_nothing_is_outside():
    assert strategy.coverage(UNCOVERED.iloc[:0], ORPHANS.iloc[:0], company="Acme") == (
        "**What it shows for Acme:** Every key result has work behind it. No initiative "
        "works outside the objectives.")


def test_portfolio_says_where_the_money_comes_from_in_euros():
    frame = products(("Core", 7500.0, 0.1, "cash cow", "maintain"),
                     ("New", 2500.0, 0.5, "question mark", "invest selectively"))
    with formats.using(currency="EUR", locale="en_IE"):
        text = strategy.portfolio(frame, company="Tidewell")
    assert text == ("**What it shows for Tidewell:** Core brings 75% of the products' MRR "
                    "(€7,500 a month). By quadrant: cash cow Core; question mark New.")


def test_portfolio_without_a_cash_cow_says_so():
    frame = products(("Only", None, None, "question mark", "invest"))
    assert strategy.portfolio(frame, company="Acme") == (
        "**What it shows for Acme:** By quadrant: question mark Only. No product is a cash "
        "cow: nothing in the portfolio is a leader in a slow market paying for the others.")


def test_recommendations_name_the_numbers_that_triggered_them():
    frame = progress(("K1", "Weekly users", 0.5, 0.5, 0.5, "on track"),
                     ("K2", "Churn", 0.1, 0.1, 0.5, "off track"),
                     ("K3", "NPS", 0.4, 0.4, 0.5, "at risk"))
    portfolio = products(("Core", 9000.0, 0.1, "cash cow", "maintain"),
                         ("Pro", 800.0, 0.5, "question mark", "invest"),
                         ("Beta", 0.0, None, "question mark", "invest selectively"),
                         ("Old", 200.0, -0.3, "dog", "retire"))
    assert strategy.recommendations(progress=frame, uncovered=UNCOVERED, orphans=ORPHANS,
                                    products=portfolio, trend_months=3) == [
        "2 key results are behind plan (1 off track and 1 at risk), the furthest behind "
        "Churn (K2) at 10% against 50% expected: ask each owner whether the work is late, "
        "wrong, or the target was a guess, then add help, change the bet, or reset the "
        "target in writing.",
        "NPS (K3) has no initiative: give it an owner and a first initiative within a week, "
        "or take it out of the OKR set.",
        "Live\\_sessions and Web player serve no key result and are not done (4.0 "
        "person-months): keep what you can defend (upkeep, a commitment), tie the rest to a "
        "key result or stop it and give the capacity back.",
        "Make the case for Pro (MRR +50% in 3 months) and Beta in budget planning, with "
        "milestones for Beta, to invest in selectively.",
        "Old is to retire, earning \\$200 a month: write its sunset plan, with a date and a "
        "way for its customers to move.",
    ]


def test_no_recommendation_when_no_condition_holds():
    frame = progress(("K1", "Weekly users", 0.5, 0.5, 0.5, "on track"))
    found = strategy.recommendations(
        progress=frame, uncovered=UNCOVERED.iloc[:0], orphans=ORPHANS.iloc[:1],
        products=products(("Core", 9000.0, 0.1, "cash cow", "maintain")))
    assert found == []
    assert next_steps(found, checked=strategy.CHECKED) == (
        "None of these holds on this data: key results behind plan, key results without "
        "work, open work outside the objectives, and products to invest in or retire.")
