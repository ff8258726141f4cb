"""The revenue-health readings: sentences from hand-made monthly tables, worked out by hand."""
import math

import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.readings import revenue_health, revenue_health_groups, revenue_health_next
from cpo_kit.readings.common import next_steps

NAN, INF = float("nan"), math.inf


def by_month(*rows):
    """Rows of (month, mrr, paying accounts); ARR and ARPA follow from them."""
    frame = pd.DataFrame(rows, columns=["month", "mrr", "paying_accounts"])
    frame["month"] = pd.to_datetime(frame["month"])
    return frame.assign(arr=frame["mrr"] * 12, arpa=frame["mrr"] / frame["paying_accounts"])


def monthly(columns, *rows):
    frame = pd.DataFrame(rows, columns=["month", *columns])
    return frame.assign(month=pd.to_datetime(frame["month"]))


MOVES = ("starting_mrr", "new", "expansion", "reactivated", "contraction", "churned",
         "ending_mrr", "new_accounts", "churned_accounts", "reactivated_accounts")
RETENTION = ("cohort_accounts", "cohort_mrr", "retained_mrr", "gross_retained_mrr", "nrr",
             "grr")
CHURN = ("starting_accounts", "churned_accounts", "logo_churn_rate", "starting_mrr",
         "lost_mrr", "revenue_churn_rate")
ECONOMICS = ("arpa", "gross_margin", "revenue_churn_rate", "ltv", "new_accounts", "cac",
             "payback_months", "ltv_to_cac")
HEALTH = ["segment", "mrr", "mrr_share", "paying_accounts", "arpa", "cohort_accounts", "nrr",
          "grr", "logo_churn_rate", "ltv", "cac", "ltv_to_cac", "payback_months"]
STATUS = ["key", "kpi", "unit", "value", "previous", "target", "direction", "status"]

#: August to October 2026: September loses 200 to churn and MRR falls that month.
THREE_MONTHS = monthly(MOVES,
                       ("2026-08-01", 1000.0, 100.0, 20.0, 0.0, -10.0, -50.0, 1060.0, 2, 1, 0),
                       ("2026-09-01", 1060.0, 50.0, 10.0, 0.0, 0.0, -200.0, 920.0, 1, 3, 0),
                       ("2026-10-01", 920.0, 300.0, 40.0, 25.0, -15.0, -30.0, 1240.0, 5, 1, 1))


# --- MRR, ARR and ARPA ---------------------------------------------------------------------

def test_revenue_says_the_month_the_year_and_what_carried_the_growth():
    frame = by_month(("2025-10-01", 1000.0, 10), ("2026-04-01", 1500.0, 14),
                     ("2026-10-01", 2400.0, 20))
    assert revenue_health.revenue(frame, company="Acme") == (
        "**What it shows for Acme:** MRR was \\$2,400 in October 2026 (ARR \\$28,800), paid "
        "by 20 accounts at \\$120 each on average (ARPA). Over the 12 months since October "
        "2025, MRR rose 140.0% (from \\$1,000), paying accounts rose 100.0% (from 10) and "
        "ARPA rose 20.0% (from \\$100). More paying accounts carried most of the growth.")


def test_revenue_in_euros_warns_of_a_falling_arpa_under_a_rising_mrr():
    frame = by_month(("2025-10-01", 1000.0, 10), ("2026-10-01", 1100.0, 20))
    with formats.using(currency="EUR", locale="en_IE"):
        text = revenue_health.revenue(frame, company="Tide_well")
    assert text == (
        "**What it shows for Tide\\_well:** MRR was €1,100 in October 2026 (ARR €13,200), "
        "paid by 20 accounts at €55.00 each on average (ARPA). Over the 12 months since "
        "October 2025, MRR rose 10.0% (from €1,000), paying accounts rose 100.0% (from 10) "
        "and ARPA fell 45.0% (from €100). ARPA fell while MRR rose: the accounts won pay "
        "less than those before them, or some pay less than they did, and smaller accounts "
        "often leave sooner.")


@pytest.mark.parametrize("then, now, ending", [
    ((1000.0, 10), (2200.0, 11), "Each account paying more carried most of the growth: "
                                 "higher plans, more products or larger new accounts."),
    ((1000.0, 10), (550.0, 5), "Fewer paying accounts carried most of the fall."),
    ((1000.0, 10), (500.0, 10), "Each account paying less carried most of the fall."),
])
def test_revenue_names_the_factor_that_moved_mrr_most(then, now, ending):
    frame = by_month(("2025-10-01", *then), ("2026-10-01", *now))
    assert revenue_health.revenue(frame, company="Acme").endswith(ending)


@pytest.mark.parametrize("frame, said", [
    (by_month(), "No complete month has MRR yet."),
    (by_month(("2026-10-01", 300.0, 3)), "MRR was \\$300 in October 2026 (ARR \\$3,600), "
                                         "paid by 3 accounts at \\$100 each on average "
                                         "(ARPA)."),
])
def test_revenue_with_too_few_months_says_what_it_can(frame, said):
    assert revenue_health.revenue(frame, company="Acme") == (
        f"**What it shows for Acme:** {said}")


# --- the movements -------------------------------------------------------------------------

def test_movements_give_the_bridge_the_sums_the_worst_month_and_the_months_that_fell():
    assert revenue_health.movements(THREE_MONTHS, company="Acme") == (
        "**What it shows for Acme:** In October 2026 MRR rose from \\$920 to \\$1,240 "
        "(+\\$320). It gained \\$300 from 5 new accounts, \\$40.00 from expansion and "
        "\\$25.00 from 1 reactivated account, and lost \\$15.00 to contraction and \\$30.00 to "
        "1 churned account. Over the last 3 months new accounts brought \\$450, expansion "
        "\\$70.00 and reactivated accounts \\$25.00, while contraction and churn took \\$305. "
        "The losses outweighed expansion and reactivation by \\$210: growth rests on winning "
        "new accounts. The most MRR lost to churn in one month was in September 2026: \\$200 "
        "with 3 churned accounts, against \\$93.33 in an average month. MRR fell in 1 of the "
        "3 months: September 2026.")


def test_movements_of_one_month_without_losses_say_nothing_was_lost():
    moves = monthly(MOVES, ("2026-10-01", 900.0, 500.0, 200.0, 0.0, 0.0, 0.0, 1600.0, 1, 0, 0))
    with formats.using(currency="EUR", locale="en_IE"):
        text = revenue_health.movements(moves, company="Acme")
    assert text == (
        "**What it shows for Acme:** In October 2026 MRR rose from €900 to €1,600 (+€700). "
        "It gained €500 from 1 new account and €200 from expansion, and lost nothing.")


def test_movements_where_expansion_outweighs_the_losses():
    moves = THREE_MONTHS.assign(expansion=[200.0, 10.0, 140.0])
    assert ("Expansion and reactivation outweighed the losses by \\$70.00: the accounts "
            "already paying grow on their own.") in revenue_health.movements(moves,
                                                                           company="Acme")


def test_movements_without_two_months_say_so():
    assert revenue_health.movements(THREE_MONTHS.iloc[:0], company="Acme") == (
        "**What it shows for Acme:** Movements need two complete months of MRR; the data "
        "has fewer.")


# --- retention -----------------------------------------------------------------------------

def test_retention_above_100_percent_and_its_move():
    yearly = monthly(RETENTION, ("2026-09-01", 40, 4000.0, 4200.0, 3600.0, 1.05, 0.90),
                     ("2026-10-01", 50, 5000.0, 5500.0, 4500.0, 1.10, 0.90))
    assert revenue_health.retention(yearly, company="Acme") == (
        "**What it shows for Acme:** The 50 accounts that paid in October 2025 (\\$5,000 of "
        "MRR) pay \\$5,500 in October 2026: NRR 110.0%. Counting none above what it paid "
        "then, they keep \\$4,500: GRR 90.0%. Above 100%, MRR would grow even without a "
        "single new account. Expansion makes the 20.0 points between NRR and GRR; churn and "
        "contraction took 10.0% of the year-old MRR. Since September 2026, NRR rose from "
        "105.0% to 110.0% (+5.0 pts) and GRR held at 90.0%.")


def test_retention_below_100_percent_in_euros():
    yearly = monthly(RETENTION, ("2026-10-01", 10, 100.0, 57.0, 52.0, 0.57, 0.52))
    with formats.using(currency="EUR", locale="en_IE"):
        text = revenue_health.retention(yearly, company="Acme")
    assert text == (
        "**What it shows for Acme:** The 10 accounts that paid in October 2025 (€100 of MRR) "
        "pay €57.00 in October 2026: NRR 57.0%. Counting none above what it paid then, they "
        "keep €52.00: GRR 52.0%. Those accounts pay 43.0% less than a year before, so new "
        "accounts must replace that share of the year-old MRR each year before MRR grows. "
        "Expansion makes the 5.0 points between NRR and GRR; churn and contraction took "
        "48.0% of the year-old MRR.")


def test_retention_without_thirteen_months_says_so():
    assert revenue_health.retention(monthly(RETENTION), company="Acme") == (
        "**What it shows for Acme:** Retention over twelve months needs thirteen complete "
        "months of MRR; the data has fewer, so only the month-on-month lines are drawn.")


# --- churn ---------------------------------------------------------------------------------

CHURNED = monthly(CHURN, ("2026-08-01", 100, 2, 0.02, 1000.0, 20.0, 0.02),
                  ("2026-09-01", 100, 5, 0.05, 1000.0, 80.0, 0.08),
                  ("2026-10-01", 100, 1, 0.01, 1000.0, 10.0, 0.01))
POOLED = monthly(CHURN, ("2026-10-01", 300, 8, 8 / 300, 3000.0, 110.0, 110 / 3000))


def test_churn_pooled_over_a_year_against_revenue_churn_and_the_worst_month():
    assert revenue_health.churn(CHURNED, POOLED, company="Acme", window=3) == (
        "**What it shows for Acme:** Pooled over the 3 months to October 2026, 2.7% of the "
        "accounts paying at the start of a month stopped paying in it (8 of 300 "
        "account-months), and 3.7% of the MRR went to churn and contraction. At that rate "
        "about 27.7% of the accounts paying at the start of a year are gone by its end. "
        "Revenue churn is above logo churn: the accounts that leave paid more than the "
        "average, or those that stay pay less; the segment and product tables below show "
        "where. The month that lost most was September 2026: 5 of 100 accounts (5.0%) "
        "stopped paying.")


@pytest.mark.parametrize("lost, said", [
    (0.01, "Revenue churn is below logo churn: the accounts that leave paid less than the "
           "average."),
    (0.0268, "The two rates are about the same: the accounts lost paid about the average."),
])
def test_churn_says_how_revenue_churn_stands_to_logo_churn(lost, said):
    pooled = POOLED.assign(revenue_churn_rate=lost)
    assert said in revenue_health.churn(CHURNED, pooled, company="Acme", window=3)


def test_churn_says_when_the_pool_moved_and_when_it_barely_did():
    pooled = pd.concat([POOLED.assign(month=pd.Timestamp("2026-09-01"), logo_churn_rate=0.02),
                        POOLED])
    assert ("Since September 2026, pooled logo churn rose from 2.0% to 2.7% (+0.7 pts)."
            in revenue_health.churn(CHURNED, pooled, company="Acme", window=3))
    pooled = pooled.assign(logo_churn_rate=[0.0262, 0.0266])
    assert ("Since September 2026, pooled logo churn held at about 2.7%."
            in revenue_health.churn(CHURNED, pooled, company="Acme", window=3))


def test_churn_without_a_full_window_still_names_the_worst_month():
    assert revenue_health.churn(CHURNED, POOLED.iloc[:0], company="Acme") == (
        "**What it shows for Acme:** Pooled churn needs 12 months of movements; the data has "
        "fewer. The month that lost most was September 2026: 5 of 100 accounts (5.0%) "
        "stopped paying.")


# --- unit economics ------------------------------------------------------------------------

def economics(*rows):
    return monthly(ECONOMICS, *rows)


def test_unit_economics_name_ltv_cac_their_marks_and_why_the_ratio_moved():
    frame = economics(("2026-09-01", 100.0, 0.8, 0.02, 4000.0, 10, 1000.0, 12.5, 4.0),
                      ("2026-10-01", 100.0, 0.8, 0.016, 5000.0, 12, 1000.0, 12.5, 5.0))
    assert revenue_health.unit_economics(frame, company="Acme") == (
        "**What it shows for Acme:** In October 2026 an account brings \\$5,000 of gross "
        "profit over its life: ARPA \\$100 at a gross margin of 80%, over a monthly revenue "
        "churn of 1.60%. Winning one cost \\$1,000 on average over 12 new accounts: LTV : CAC "
        "5.00, paid back in 12.5 months. The ratio meets the usual mark of 3, but the "
        "payback takes over 12 months: each new account ties up what it cost for 12.5 "
        "months. Since September 2026, LTV : CAC rose from 4.00 to 5.00 (+1.00), as monthly "
        "revenue churn fell from 2.0% to 1.6% (−0.4 pts): LTV rests on churn, so read the "
        "ratio as an order of magnitude.")


@pytest.mark.parametrize("ratio, payback, ending", [
    (0.8, 6.0, "Below 1, an account brings less gross profit than it cost to win."),
    (9.0, 6.0, "At 8 or more, the company is probably spending too little on winning "
               "accounts."),
    (4.0, 10.0, "Both meet the usual marks of a sound business: a ratio of 3 or more and a "
                "payback within 12 months."),
    (2.0, 9.0, "The payback is within 12 months, but the ratio is under 3: accounts leave "
               "not long after they have paid back what they cost."),
    (2.0, 15.0, "Both miss the usual marks: a ratio under 3 and a payback over 12 months."),
])
def test_unit_economics_against_the_usual_marks(ratio, payback, ending):
    frame = economics(("2026-10-01", 50.0, 0.6, 0.05, 600.0, 4, 600 / ratio, payback, ratio))
    assert revenue_health.unit_economics(frame, company="Acme").endswith(ending)


def test_unit_economics_without_losses_or_without_a_cac_say_what_cannot_be_estimated():
    free = economics(("2026-10-01", 100.0, 0.8, 0.0, INF, 12, 1000.0, 12.5, INF))
    assert revenue_health.unit_economics(free, company="Acme") == (
        "**What it shows for Acme:** No revenue was lost over the window to October 2026, "
        "so LTV, and LTV : CAC with it, cannot be estimated yet. Winning one cost \\$1,000 "
        "on average over 12 new accounts, paid back in 12.5 months.")
    unpaid = economics(("2026-10-01", 100.0, 0.8, 0.02, 4000.0, 0, NAN, NAN, NAN))
    assert revenue_health.unit_economics(unpaid, company="Acme").endswith(
        "No new account with an acquisition cost paid in the window, so there is no CAC.")


# --- segments and products -----------------------------------------------------------------

SEGMENTS = pd.DataFrame([
    ("Enterprise", 6000.0, 0.6, 3, 2000.0, 2, 1.3, 1.0, 0.0, INF, 50000.0, INF, 40.0),
    ("Mid-Market", 3000.0, 0.3, 10, 300.0, 8, 1.1, 0.9, 0.01, 27000.0, 3000.0, 9.0, 12.5),
    ("Small *biz*", 1000.0, 0.1, 20, 50.0, 15, 0.95, 0.7, 0.04, 1000.0, 1250.0, 0.8, 31.25),
], columns=HEALTH)


def test_segments_name_the_largest_the_sorest_the_young_and_the_dearest_escaped():
    assert revenue_health_groups.breakdown(SEGMENTS, company="Acme", key="segment") == (
        "**What it shows for Acme:** Enterprise carries the most MRR: 60.0% (\\$6,000 from 3 "
        "paying accounts at \\$2,000 each); Small \\*biz\\* the least, 10.0%. Over twelve "
        "months Small \\*biz\\* keeps the least of its revenue (GRR 70.0%, NRR 95.0%) and "
        "Mid\\-Market the most (GRR 90.0%, NRR 110.0%). Enterprise rests on fewer than 5 "
        "accounts of a year before (2), too few to judge retention on. Small \\*biz\\* loses "
        "the most accounts: 4.0% a month, pooled. Small \\*biz\\* has the lowest LTV : CAC "
        "(0.80) and Enterprise the longest payback (40.0 months); below 1, an account there "
        "brings less than it cost to win. Enterprise lost no revenue over the window, so LTV "
        "cannot be estimated there yet.")


def test_products_without_acquisition_costs_in_euros():
    products = SEGMENTS.rename(columns={"segment": "product"}).drop(
        columns=["cac", "ltv_to_cac", "payback_months"]).iloc[1:].assign(
        product=["Core", "Add-on"], mrr_share=[0.75, 0.25], cohort_accounts=[8, 3])
    with formats.using(currency="EUR", locale="en_IE"):
        text = revenue_health_groups.breakdown(products, company="Acme", key="product")
    assert text == (
        "**What it shows for Acme:** Core carries the most MRR: 75.0% (€3,000 from 10 paying "
        "accounts at €300 each); Add\\-on the least, 25.0%. Add\\-on rests on fewer than 5 "
        "accounts of a year before (3), too few to judge retention on. Add\\-on loses the "
        "most accounts: 4.0% a month, pooled.")


# --- against targets -----------------------------------------------------------------------

KPIS = pd.DataFrame([
    ("nrr_t12m", "NRR (trailing 12 months)", "share", 0.90, 0.92, 1.0, "higher", "red"),
    ("grr_t12m", "GRR (trailing 12 months)", "share", 0.88, 0.88, 0.9, "higher", "amber"),
    ("logo_churn", "Logo churn per month", "share", 0.02, 0.018, 0.03, "lower", "green"),
    ("ltv_to_cac", "LTV : CAC", "ratio", 4.0, 3.5, NAN, "higher", "no target"),
    ("cac_payback", "CAC payback", "months", 14.0, 15.0, NAN, "lower", "no target"),
], columns=STATUS)


def test_status_names_red_amber_on_target_worse_and_unset():
    assert revenue_health.status(KPIS, company="Acme") == (
        "**What it shows for Acme:** In red: NRR (trailing 12 months) at 90.0% against a "
        "target of 100.0%. In amber, short by a little: GRR (trailing 12 months) at 88.0% "
        "against a target of 90.0%. On target: Logo churn per month. Worse than the month "
        "before: NRR (trailing 12 months) fell from 92.0% to 90.0% and Logo churn per month "
        "rose from 1.8% to 2.0%. Without a target: LTV : CAC and CAC payback.")


# --- what to do next -----------------------------------------------------------------------

def test_every_condition_that_holds_gives_its_step_naming_its_number():
    kpis = pd.DataFrame([
        ("nrr_t12m", "NRR (trailing 12 months)", "share", 0.95, NAN, NAN, "higher",
         "no target"),
        ("grr_t12m", "GRR (trailing 12 months)", "share", 0.88, NAN, 0.9, "higher", "amber"),
        ("ltv_to_cac", "LTV : CAC", "ratio", 9.0, NAN, 3.0, "higher", "green"),
        ("cac_payback", "CAC payback", "months", 20.0, NAN, 12.0, "lower", "red"),
    ], columns=STATUS)
    moves = THREE_MONTHS.assign(new=100.0, expansion=5.0)
    churned = CHURNED.assign(logo_churn_rate=[0.02, 0.03, 0.06], churned_accounts=[2, 3, 6])
    pooled = POOLED.assign(logo_churn_rate=0.04)
    segments = pd.DataFrame([("Small *biz*", 2.0, 14.0), ("Enterprise", 5.0, 10.0)],
                            columns=["segment", "ltv_to_cac", "payback_months"])
    products = pd.DataFrame([("Core", 50, 0.9), ("Add-on", 6, 0.7), ("Young", 2, 0.1)],
                            columns=["product", "cohort_accounts", "grr"])
    assert revenue_health_next.recommendations(
        status=kpis, moves=moves, monthly=churned, pooled=pooled, segments=segments,
        products=products) == [
        "NRR (trailing 12 months) is 95.0%, below 100% and GRR (trailing 12 months) is 88.0% "
        "against a target of 90.0%: list the accounts that cancelled or moved to a cheaper "
        "plan in the last three months, with whoever hears from them (support, customer "
        "success, a cancellation survey), and find the reasons they share (a missing "
        "feature, a competitor, a price step); each shared reason is a roadmap candidate.",
        "Expansion brought \\$15.00 over the last 3 months against \\$300 from new accounts "
        "(5.0%, under 25%): look at what the accounts that do pay more bought (a higher "
        "plan, a second product, more people) and make that path easier for the others.",
        "In October 2026, 6.0% of the paying accounts stopped paying (6 of 100), against "
        "4.0% a month pooled: find what they share (plan, segment, channel, the month they "
        "joined, a fault in the product) before the next month closes.",
        "Small \\*biz\\* (LTV : CAC 2.00, payback 14.0 months) falls short of an LTV : CAC "
        "of 3.0 or a payback within 12.0 months: bring the numbers to whoever sets the "
        "acquisition budget; either winning accounts there costs too much or the product "
        "does not keep them yet.",
        "Add\\-on keeps 70.0% of its year-old MRR, against 88.0% for the company (GRR): talk "
        "to the accounts that left it before the next planning round, and decide whether to "
        "fix, reposition or retire it.",
        "LTV : CAC is 9.00, 8 or more: the company can probably afford to spend more on "
        "winning accounts; test a larger budget in the channel that pays back fastest.",
        "CAC payback is in red against its target: put it first in the next revenue review, "
        "with a line on why and what is being done."]


def test_no_condition_holds_and_the_sentence_says_what_was_checked():
    calm = pd.DataFrame([
        ("nrr_t12m", "NRR (trailing 12 months)", "share", 1.05, NAN, NAN, "higher",
         "no target"),
        ("grr_t12m", "GRR (trailing 12 months)", "share", 0.92, NAN, 0.9, "higher", "green"),
        ("ltv_to_cac", "LTV : CAC", "ratio", 4.0, NAN, NAN, "higher", "no target"),
    ], columns=STATUS)
    segments = pd.DataFrame([("SMB", 3.5, 11.0)],
                            columns=["segment", "ltv_to_cac", "payback_months"])
    grown = THREE_MONTHS.assign(expansion=[200.0, 10.0, 140.0])
    found = revenue_health_next.recommendations(status=calm, moves=grown, monthly=CHURNED,
                                                pooled=POOLED, segments=segments)
    assert found == []
    assert next_steps(found, checked=revenue_health_next.checked()) == (
        "None of these holds on this data: NRR or GRR short of its target (NRR under 100% "
        "without one), expansion under 25% of new revenue over 12 months, a month's logo "
        "churn 1.25 times the pooled rate or more, a segment short of its LTV : CAC or "
        "payback target (3.0 and 12.0 months without one), a product keeping 10 points less "
        "of its revenue than the company, an LTV : CAC of 8 or more, and a KPI in red.")


def test_recommendations_follow_their_thresholds_and_need_no_table():
    churned = CHURNED.assign(logo_churn_rate=[0.02, 0.03, 0.06], churned_accounts=[2, 3, 6])
    pooled = POOLED.assign(logo_churn_rate=0.04)
    assert revenue_health_next.recommendations(monthly=churned, pooled=pooled, spike=1.6) == []
    assert revenue_health_next.recommendations(moves=THREE_MONTHS, expansion_share=0.15) == []
    assert revenue_health_next.recommendations(moves=THREE_MONTHS, expansion_share=0.5) == [
        "Expansion brought \\$70.00 over the last 3 months against \\$450 from new accounts "
        "(15.6%, under 50%): look at what the accounts that do pay more bought (a higher "
        "plan, a second product, more people) and make that path easier for the others."]
    assert revenue_health_next.recommendations() == []


# --- the MRR quick ratio -------------------------------------------------------------------

def _quick(*rows):
    return pd.DataFrame(rows, columns=["month", "gained", "lost", "quick_ratio"]).assign(
        month=lambda f: pd.to_datetime(f["month"]))


def test_quick_ratio_says_the_month_what_was_won_and_lost_and_how_often_it_was_healthy():
    frame = _quick(("2026-08-01", 120.0, 60.0, 2.0), ("2026-09-01", 60.0, 200.0, 0.3),
                   ("2026-10-01", 365.0, 45.0, 365 / 45))
    assert revenue_health.quick_ratio(frame, company="Acme") == (
        "**What it shows for Acme:** In October 2026 Acme won \\$365 of MRR for \\$45.00 lost: "
        "a quick ratio of 8.11, so growth is efficient. Of the 3 months with a ratio since "
        "August 2026, 1 reached 4 and 1 fell below 1.")


@pytest.mark.parametrize("ratio, verdict", [
    (0.5, "recurring revenue shrank"),
    (2.0, "MRR grew, but it lost more than a quarter of what it won"),
])
def test_quick_ratio_below_four_says_what_it_means(ratio, verdict):
    frame = _quick(("2026-10-01", 100.0 * ratio, 100.0, ratio))
    assert revenue_health.quick_ratio(frame, company="Acme").endswith(f", so {verdict}.")


def test_a_month_without_a_loss_has_no_quick_ratio_said_in_words():
    frame = _quick(("2026-09-01", 60.0, 200.0, 0.3), ("2026-10-01", 80.0, 0.0, float("nan")))
    assert revenue_health.quick_ratio(frame, company="Acme") == (
        "**What it shows for Acme:** In October 2026 Acme lost no MRR, so the month has no "
        "quick ratio; it won \\$80.00.")


def test_quick_ratio_says_none_rather_than_zero_months():
    frame = _quick(("2026-09-01", 500.0, 100.0, 5.0), ("2026-10-01", 600.0, 100.0, 6.0))
    assert revenue_health.quick_ratio(frame, company="Acme").endswith(
        "Of the 2 months with a ratio since September 2026, 2 reached 4 and none fell below 1.")


def test_quick_ratio_shows_a_company_name_as_text():
    frame = _quick(("2026-10-01", 80.0, 0.0, float("nan")))
    text = revenue_health.quick_ratio(frame, company="<b>Acme</b>")
    assert "In October 2026 \\<b\\>Acme\\<\\/b\\> lost no MRR" in text and "<b>" not in text
