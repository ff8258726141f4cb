"""The product KPIs' readings: sentences from hand-made scorecards, lifecycles, cohorts,
funnels, adoption and unusual weeks."""
import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.readings import product_kpis, product_kpis_changes, product_kpis_next
from cpo_kit.readings.common import next_steps

NAN = float("nan")
STATUS = ["key", "kpi", "unit", "value", "previous", "target", "status"]
WAU = ("wau", "Weekly active users", "count", 950.0, 1000.0, 1100.0, "red")
STICKY = ("stickiness", "Stickiness (DAU / MAU)", "share", 0.118, 0.12, 0.12, "amber")
KEPT = ("week_4_retention", "Week-4 retention", "share", 0.30, 0.28, 0.25, "green")
ACTIVATED = ("activation", "Activation (whole funnel)", "share", 0.5, 0.45, NAN, "no target")


def status(*rows):
    return pd.DataFrame(rows, columns=STATUS)


def test_scorecard_names_red_and_amber_by_their_numbers_and_target():
    assert product_kpis.scorecard(status(WAU, STICKY, KEPT, ACTIVATED), company="Acme") == (
        "**What it shows for Acme:** Weekly active users is red: 950 against a target of "
        "1,100; it fell from 1,000 to 950 (−50). Stickiness (DAU / MAU) is amber: 11.8% "
        "against a target of 12.0%, just short of it; it fell from 12.0% to 11.8% (−0.2 pts). "
        "Meeting its target: Week-4 retention, 30.0% against 25.0%. Activation (whole funnel) "
        "has no target, so it is not rated.")


def test_scorecard_in_another_locale_lists_those_met_and_those_missing():
    rows = status(("wau", "Weekly active users", "count", 1200.0, 1100.0, 1100.0, "green"),
                  KEPT, ("activation", "Activation (whole funnel)", "share", NAN, NAN, 0.5,
                         None))
    with formats.using(currency="EUR", locale="de_DE"):
        text = product_kpis.scorecard(rows, company="Tide_well")
    assert text == ("**What it shows for Tide\\_well:** Meeting their targets: Weekly active "
                    "users, 1.200 against 1.100; Week-4 retention, 30,0\u00a0% against "
                    "25,0\u00a0%. Activation (whole funnel) cannot be computed yet on this "
                    "data.")


def weeks_and_months(users, sticky):
    weeks = pd.DataFrame({"period": pd.date_range("2026-09-07", periods=len(users), freq="7D"),
                          "users": users})
    months = pd.DataFrame({"month": pd.date_range("2026-08-01", periods=len(sticky),
                                                  freq="MS"), "stickiness": sticky})
    return weeks, months


def test_activity_says_the_last_week_the_last_month_and_what_both_mean():
    weeks, months = weeks_and_months([800, 900, 1000], [0.10, 0.09])
    assert product_kpis.activity(weeks, months, company="Acme", span=2, months=1) == (
        "**What it shows for Acme:** In the week of 21 September 2026, 1,000 people were "
        "active: 11.1% more than the week before (900) and 25.0% more than 2 weeks earlier "
        "(800). Stickiness was 9.0% in September 2026, against 10.0% in August 2026: the "
        "average monthly user was active on 2.7 days of September. Weekly users grew while "
        "stickiness fell: typically new users who try the product and do not make it a habit.")


@pytest.mark.parametrize("users, sticky, ending", [
    ([1000, 1000, 1040], [0.10, 0.12], "average monthly user was active on 3.6 days of "
     "September. Stickiness grew while weekly users held: about as many people, coming more "
     "often."),
    ([1000, 990, 900], [0.10, 0.101], "Weekly users fell while stickiness held: fewer "
     "people, each using the product about as much as before."),
    ([1000, 1000, 1000], [0.10, 0.10], "(1,000). Stickiness was 10.0% in September 2026, "
     "against 10.0% in August 2026: the average monthly user was active on 3.0 days of "
     "September."),
])
def test_activity_reads_users_and_stickiness_together(users, sticky, ending):
    weeks, months = weeks_and_months(users, sticky)
    text = product_kpis.activity(weeks, months, company="Acme", span=2, months=1)
    assert text.endswith(ending)


def test_activity_with_a_single_week_and_no_month_says_so():
    weeks, months = weeks_and_months([10], [])
    assert product_kpis.activity(weeks, months, company="Acme") == (
        "**What it shows for Acme:** There is no complete week or month to read yet.")


LIFECYCLE = pd.DataFrame({
    "period": pd.to_datetime(["2026-09-07", "2026-09-14", "2026-09-21"]),
    "new": [10, 20, 5], "returning": [50, 60, 70], "resurrecting": [20, 20, 5],
    "dormant": [15, 20, 30], "active": [80, 100, 80]})


def test_lifecycle_says_the_last_week_the_net_gain_and_the_returning_share():
    assert product_kpis.lifecycle(LIFECYCLE, company="Acme", last=3) == (
        "**What it shows for Acme:** In the week of 21 September 2026, 80 users were active: "
        "70 returning (87.5%), 5 back after a gap and 5 new; 30 who were active the week "
        "before did not come back. Over the last 3 weeks, 35 new users and 45 users back after "
        "a gap arrived and 65 went dormant: a net gain of 15, 1.23 arriving for each user "
        "lost. Returning users made up 87.5% of the active users, against 62.5% in the week "
        "of 7 September 2026: the product keeps more of its users than it did.")


def test_lifecycle_by_month_of_one_period():
    months = LIFECYCLE.tail(1).assign(period=pd.Timestamp("2026-09-01"))
    assert product_kpis.lifecycle(months, company="Acme", period="month") == (
        "**What it shows for Acme:** In September 2026, 80 users were active: 70 returning "
        "(87.5%), 5 back after a gap and 5 new; 30 who were active the month before did not "
        "come back.")


def cohorts():
    """Eight weekly cohorts from 1 June 2026; the first has 10 users, the others 100."""
    starts = pd.date_range("2026-06-01", periods=8, freq="7D")
    sizes = [10] + [100] * 7
    cells = {1: [5, 30, 30, 30, 40, 40, 40, 40], 4: [9, 20, 25, 22, 18], 8: [8, 19]}
    rows = [(starts[i], sizes[i], period, users, users / sizes[i])
            for period, kept in cells.items() for i, users in enumerate(kept)]
    return pd.DataFrame(rows, columns=["cohort", "cohort_size", "period_number", "users",
                                       "retention"])


def test_retention_names_the_best_and_worst_cohort_the_newer_ones_and_the_floor():
    assert product_kpis.retention(cohorts(), company="Acme", cohorts=8) == (
        "**What it shows for Acme:** In week 4, the cohort of 15 June 2026 kept the largest "
        "share of its users (25.0%), that of 29 June 2026 the smallest (18.0%). In week 1, the "
        "4 newest cohorts kept 40.0% of their users against 30.6% for the 4 oldest drawn: "
        "newer cohorts keep users better. Pooled over the 2 cohorts old enough to reach week "
        "8, 26.4% of users were still active in week 4 and 24.5% in week 8: retention "
        "flattens at about 25%.")


STEPS = pd.DataFrame({"step": [1, 2, 3], "event": ["open*app", "start", "finish"],
                      "users": [1000, 600, 540], "step_conversion": [1.0, 0.6, 0.9],
                      "overall_conversion": [1.0, 0.6, 0.54], "drop_off": [0, 400, 60]})
UNUSUAL = ["kpi", "period", "value", "expected", "low", "high", "direction"]
TRIES_7 = (product_kpis.PER_ATTEMPT, "2026-09-07", 0.2, 0.5, 0.4, 0.6, "down")
TRIES_14 = (product_kpis.PER_ATTEMPT, "2026-09-14", 0.1, 0.5, 0.42, 0.58, "down")
USERS_OCT = (product_kpis.PER_USER, "2026-10-05", 0.7, 0.5, 0.45, 0.55, "up")
USERS_7 = (product_kpis.PER_USER, "2026-09-07", 0.3, 0.5, 0.45, 0.55, "down")
ACTIVE_7 = ("Weekly active users", "2026-09-07", 700.0, 550.0, 500.0, 600.0, "up")


def unusual(*rows):
    frame = pd.DataFrame(rows, columns=UNUSUAL)
    return frame.assign(period=pd.to_datetime(frame["period"]))


def entries(users):
    return pd.DataFrame({"period": pd.date_range("2026-09-07", periods=len(users), freq="7D"),
                         "step": 1, "users": users})


def test_funnel_names_the_largest_drop_and_the_weeks_only_attempts_show():
    text = product_kpis.funnel(STEPS, entries([100, 100]), entries([300, 300]),
                               unusual(TRIES_7, TRIES_14, USERS_OCT), company="Acme")
    assert text == (
        "**What it shows for Acme:** Of 1,000 users who reached open\\*app, 54.0% got as far "
        "as finish. The largest drop is from open\\*app to start: 400 of the 1,000 users who "
        "reached open\\*app (40.0%) went no further. Per attempt, conversion through the "
        "whole funnel fell below the usual range in the weeks of 7 and 14 September 2026 "
        "(10.0% in the week of 14 September 2026, against a usual 42.0% to 58.0%); the "
        "per-user line does not show them: what happened hit attempts by people who already "
        "use the product, not new users' first tries. Only the per-user line rose above the "
        "usual range in the week of 5 October 2026 (70.0%, against a usual 45.0% to 55.0%): "
        "new users' first tries changed, not the attempts of people who already use the "
        "product.")


@pytest.mark.parametrize("flags, attempts, ending", [
    ([TRIES_7, USERS_7], [300], "Both weekly lines left their usual range in the week of "
                                "7 September 2026."),
    ([], [100], "Neither weekly line left its usual range in the last 12 weeks. Every "
                "attempt was a user's first entry, so the two weekly lines are the same."),
])
def test_funnel_says_which_line_left_its_range(flags, attempts, ending):
    text = product_kpis.funnel(STEPS, entries([100]), entries(attempts), unusual(*flags),
                               company="Acme")
    assert text.endswith(ending)


def adoption(beta_june, beta_september):
    months = pd.to_datetime(["2026-06-01", "2026-09-01", "2026-10-01"])
    return pd.DataFrame({"period": list(months) * 2,
                         "feature": ["reports"] * 3 + ["*beta*"] * 3,
                         "adoption": [0.50, 0.60, 0.90, beta_june, beta_september, 0.01]})


def test_adoption_reads_complete_months_and_names_the_largest_moves():
    assert product_kpis_changes.adoption(adoption(0.30, 0.25), company="Acme",
                                 period_end="2026-10-15") == (
        "**What it shows for Acme:** In September 2026, reports reached the most active users "
        "(60.0%) and \\*beta\\* the fewest (25.0%). Since June 2026, reports rose most "
        "(+10.0 pts, to 60.0%) and \\*beta\\* fell most (−5.0 pts, to 25.0%).")


def test_adoption_without_moves_says_none_moved():
    frame = adoption(0.25, 0.26).assign(adoption=lambda f: f["adoption"].where(
        f["feature"] == "*beta*", 0.6))
    assert product_kpis_changes.adoption(frame, company="Acme", period_end="2026-09-30") == (
        "**What it shows for Acme:** In September 2026, reports reached the most active users "
        "(60.0%) and \\*beta\\* the fewest (26.0%). No feature's adoption moved by 2 points or "
        "more since June 2026.")


def test_unusual_weeks_each_series_when_and_how_far():
    assert product_kpis_changes.unusual(unusual(TRIES_7, TRIES_14, ACTIVE_7), company="Acme") == (
        "**What it shows for Acme:** Funnel conversion, every attempt fell below the usual "
        "range in the weeks of 7 and 14 September 2026 (10.0% in the week of 14 September "
        "2026, against a usual 42.0% to 58.0%). Weekly active users rose above the usual range "
        "in the week of 7 September 2026 (700, against a usual 500 to 600). Weekly active "
        "users seldom leave their range: a flag there needs an explanation before the review.")


def test_unusual_weeks_across_a_new_year_and_without_a_steady_series():
    frame = unusual(("New users", "2026-12-28", 90.0, 50.0, 40.0, 60.0, "up"),
                    ("New users", "2027-01-04", 10.0, 50.0, 40.0, 60.0, "down"))
    assert product_kpis_changes.unusual(frame, company="Acme") == (
        "**What it shows for Acme:** New users left the usual range in the weeks of 28 "
        "December 2026, 4 January 2027 (90 in the week of 28 December 2026, against a usual "
        "40 to 60). New users and activation swing with campaigns and small numbers: ask "
        "whether a campaign started or stopped in those weeks.")


def test_no_unusual_week_is_said_in_one_sentence():
    assert product_kpis_changes.unusual(unusual(), company="Acme", last=8) == (
        "**What it shows for Acme:** No week of the last 8 left its usual range.")


FELL = ("week_4_retention", "Week-4 retention", "share", 0.26, 0.30, 0.25, "green")


def test_recommendations_name_the_number_that_triggered_them():
    found = product_kpis_next.recommendations(
        status(WAU, FELL), STEPS, cohorts(), unusual(TRIES_7, TRIES_14, ACTIVE_7),
        adoption(0.14, 0.15), period_end="2026-09-30")
    assert found == [
        "Weekly active users is red, 950 against a target of 1,100: put it on the next "
        "product review's agenda; the lifecycle section shows whether too few people arrive "
        "or too many go dormant.",
        "The funnel loses 40.0% of the users who reach open\\*app before start (400 of "
        "1,000): run a usability test of that step with new users, and follow the weekly "
        "conversion after the fix.",
        "Week-4 retention fell from 30.0% to 26.0% (−4.0 pts): talk to the users of the "
        "cohorts that kept coming back (the cohort of 15 June 2026 kept 25.0% in week 4) and "
        "find what they do that the others do not; that is the habit to design onboarding "
        "around.",
        "Conversion per attempt fell below the usual range in the weeks of 7 and 14 September "
        "2026 (10.0% in the week of 14 September 2026, against a usual 42.0% to 58.0%) while "
        "activation per user did not: find what changed in those weeks (a release, an "
        "outage) and whom it reached, and watch conversion per attempt every week, since the "
        "activation KPI does not show such a fall.",
        "Weekly active users rose above the usual range in the week of 7 September 2026 (700, "
        "against a usual 500 to 600): explain it before the review; a campaign, a launch, a "
        "season or an outage leaves this mark.",
        "\\*beta\\* (15.0%) is used by fewer than 20% of September 2026's active users and "
        "not climbing: check whether users cannot find it or do not need it before investing "
        "more in it."]


def test_no_condition_holds_and_the_sentence_says_what_was_checked():
    calm = STEPS.assign(step_conversion=[1.0, 0.8, 0.9])
    found = product_kpis_next.recommendations(status(KEPT, ACTIVATED), calm, cohorts(),
                                              unusual(), adoption(0.30, 0.25),
                                              period_end="2026-09-30")
    assert found == []
    assert next_steps(found, checked=product_kpis_next.checked()) == (
        "None of these holds on this data: a KPI in red, a funnel step that loses 30% or more "
        "of the users who reach the step before, week-4 retention short of its target or down "
        "3 points or more, weeks where only the funnel per attempt left its usual range, "
        "unusual weeks of weekly active or dormant users, and a feature used by fewer than "
        "20% of a month's active users.")


def test_recommendations_follow_their_thresholds():
    found = product_kpis_next.recommendations(status(FELL), STEPS, None, None,
                                              adoption(0.14, 0.15), period_end="2026-09-30",
                                              step_loss=0.5, retention_fall=0.05,
                                              stall_below=0.1)
    assert found == []
