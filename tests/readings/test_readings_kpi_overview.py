"""The KPI overview's readings: sentences from hand-made headline tables and monthly series."""
import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.readings import kpi_overview
from cpo_kit.readings.common import next_steps

COLUMNS = ["key", "kpi", "unit", "value", "previous", "change"]


def headline(*rows):
    return pd.DataFrame(rows, columns=COLUMNS)


MAU = ("mau", "Monthly active users", "count", 2200.0, 2000.0, 0.10)
MRR = ("mrr", "MRR", "currency", 10500.0, 10000.0, 0.05)
ARR = ("arr", "ARR (MRR × 12)", "currency", 126000.0, 120000.0, 0.05)
ACCOUNTS = ("paying_accounts", "Paying accounts", "count", 100.0, 80.0, 0.25)
NPS = ("nps", "NPS (last 90 days)", "score", 24.0, 30.0, -6.0)


def months(users, mrr, *, start="2026-01-01", complete=None):
    periods = pd.date_range(start, periods=len(users), freq="MS")
    mau = pd.DataFrame({"period": periods, "users": users,
                        "complete": complete or [True] * len(users)})
    return mau, pd.DataFrame({"month": periods, "mrr": mrr})


def test_headline_says_each_move_the_largest_and_revenue_per_account():
    assert kpi_overview.headline(headline(MAU, MRR, ARR, ACCOUNTS, NPS), company="Acme") == (
        "**What it shows for Acme:** Monthly active users rose 10.0% (from 2,000 to 2,200). "
        "MRR rose 5.0% (from \\$10,000 to \\$10,500). Paying accounts rose 25.0% (from 80 "
        "to 100), the largest move in the table. NPS (last 90 days) fell 6.0 points (from "
        "30.0 to 24.0). Revenue per paying account fell from \\$125 to \\$105: the accounts "
        "won or kept pay less than the average, or some pay less than before.")


def test_headline_in_euros_names_what_cannot_be_compared():
    rows = headline(("mau", "Monthly active users", "count", 1186.0, None, None),
                    ("mrr", "MRR", "currency", 2788.5, 2765.94, 0.00816))
    with formats.using(currency="EUR", locale="en_IE"):
        text = kpi_overview.headline(rows, company="Tide_well")
    assert text == ("**What it shows for Tide\\_well:** MRR rose 0.8% (from €2,766 to €2,788). "
                    "Monthly active users cannot be compared: a month has no value.")


def test_headline_without_any_pair_of_values_says_so():
    rows = headline(("mau", "Monthly active users", "count", 10.0, None, None))
    assert kpi_overview.headline(rows, company="Acme") == (
        "**What it shows for Acme:** No KPI has a value in both months, so nothing can be "
        "compared yet.")


def test_trends_compare_complete_months_and_name_the_faster_and_the_peak():
    mau, mrr = months([100, 150, 120, 999], [1000.0, 1100.0, 1200.0, 1300.0],
                      complete=[True, True, True, False])
    assert kpi_overview.trends(mau, mrr, company="Acme") == (
        "**What it shows for Acme:** Over the 2 months from January 2026 to March 2026, "
        "monthly active users rose 20.0% (from 100 to 120) and MRR rose 20.0% (from \\$1,000 "
        "to \\$1,200). The two moved by about the same share. Monthly active users is 20.0% "
        "below its peak of 150 in February 2026.")


@pytest.mark.parametrize("users, ending", [
    ([100, 200], "Users grew faster than revenue: use that is not paid for yet (free users, "
                 "or more people in the same accounts), or new customers who pay less."),
    ([100, 101], "Revenue grew faster than users: more of the users pay, or each pays more."),
])
def test_trends_say_which_grew_faster(users, ending):
    mau, mrr = months(users, [1000.0, 1300.0])
    assert kpi_overview.trends(mau, mrr, company="Acme").endswith(ending)


def test_trends_with_one_month_have_nothing_to_read():
    mau, mrr = months([100], [1000.0])
    assert kpi_overview.trends(mau, mrr, company="Acme") == (
        "**What it shows for Acme:** Fewer than two complete months have both active users "
        "and MRR, so there is no trend to read yet.")


def test_recommendations_name_the_number_that_triggered_them():
    mau, mrr = months([1000, 980, 940, 900], [10000.0, 10000.0, 10100.0, 10200.0])
    assert kpi_overview.recommendations(headline(MAU, MRR, ACCOUNTS, NPS), mau, mrr) == [
        "Monthly active users rose 10.0% (from 2,000 to 2,200) in a month, a move of 10% or "
        "more: find out why before the review; the product KPI notebook breaks active users "
        "down by cohort, lifecycle and feature.",
        "Paying accounts rose 25.0% (from 80 to 100) in a month, a move of 10% or more: find "
        "out why before the review; the revenue notebook counts the accounts won, lost and "
        "reactivated each month.",
        "NPS fell 6.0 points (from 30.0 to 24.0): read the detractors' comments of the last "
        "90 days and set them beside the feedback themes of the same weeks (the customer "
        "voice notebook).",
        "Monthly active users fell 10.0% over the last 3 complete months (from 1,000 to 900) "
        "while MRR did not: accounts that use the product less contract or leave at renewal, "
        "so ask customer success which accounts' use fell most."]


def test_no_condition_holds_and_the_sentence_says_what_was_checked():
    calm = headline(("mau", "Monthly active users", "count", 2100.0, 2000.0, 0.05),
                    ("nps", "NPS (last 90 days)", "score", 28.0, 30.0, -2.0))
    mau, mrr = months([1000, 980, 970, 960], [10000.0, 10000.0, 9900.0, 9800.0])
    found = kpi_overview.recommendations(calm, mau, mrr)
    assert found == []
    assert next_steps(found, checked=kpi_overview.checked()) == (
        "None of these holds on this data: a move of 10% or more in active users, MRR or "
        "paying accounts since the month before, a fall of NPS by 5 points or more, and "
        "active users falling 5% or more over 3 months while MRR did not.")


def test_recommendations_follow_their_thresholds():
    rows = headline(("mrr", "MRR", "currency", 10500.0, 10000.0, 0.05))
    assert kpi_overview.recommendations(rows, moved_by=0.05) == [
        "MRR rose 5.0% (from \\$10,000 to \\$10,500) in a month, a move of 5% or more: find "
        "out why before the review; the revenue notebook splits MRR into new, expansion, "
        "contraction and churn."]
