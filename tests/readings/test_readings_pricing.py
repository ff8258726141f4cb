"""The pricing notebook's readings: sentences from hand-made price points and comparisons."""
import pandas as pd
import pytest

from cpo_kit.core import formats
from cpo_kit.readings import pricing
from cpo_kit.readings.common import next_steps

METER = {"pmc": 20.0, "opp": 30.0, "ipp": 33.0, "pme": 45.0}


def points(*rows):
    return pd.DataFrame(rows, columns=["segment", "respondents", "pmc", "opp", "ipp", "pme"])


def comparison(*rows):
    return pd.DataFrame(rows, columns=["segment", "before_rate", "after_rate", "difference",
                                       "difference_low", "difference_high", "rough"])


@pytest.mark.parametrize("list_price, ending", [
    (None, ""),
    (31.0, " Today's list price, \\$31.00, is inside the range, between the two middle points."),
    (50.0, " Today's list price, \\$50.00, is above the whole range, \\$5.00 over its top."),
    (18.5, " Today's list price, \\$18.50, is below the whole range, \\$1.50 under its bottom."),
])
def test_meter_says_the_width_the_middle_points_and_where_the_price_sits(list_price, ending):
    assert pricing.meter(METER, company="Acme", list_price=list_price) == (
        "**What it shows for Acme:** The acceptable range spans \\$25.00, 83% of the optimal "
        "price point. The indifference price point is \\$3.00 above the optimal price point: "
        "buyers see a higher price as normal than the one that puts off the fewest of them."
        + ending)


def test_meter_middle_points_within_two_percent_read_as_one_price_in_euros():
    with formats.using(currency="EUR", locale="en_IE"):
        text = pricing.meter({"pmc": 5.0, "opp": 8.0, "ipp": 8.1, "pme": 12.0},
                             company="Tidewell")
    assert text == ("**What it shows for Tidewell:** The acceptable range spans €7.00, 88% of "
                    "the optimal price point. The two middle points nearly coincide (€8.00 and "
                    "€8.10): the price that puts off the fewest buyers is the one they see as "
                    "normal.")


def test_segments_names_the_highest_and_lowest_and_escapes_their_names():
    frame = points(("All", 100, 10.0, 20.0, 21.0, 40.0), ("*Pro*", 40, 25.0, 35.0, 36.0, 50.0),
                   ("Student", 60, 5.0, 8.0, 9.0, 12.0))
    assert pricing.segments(frame, company="A_B", list_price=15.0) == (
        "**What it shows for A\\_B:** \\*Pro\\* would pay most (optimal price point \\$35.00, "
        "40 respondents) and Student least (\\$8.00, 60 respondents). Their ranges do not "
        "overlap: Student's ends at \\$12.00, below where \\*Pro\\*'s starts (\\$25.00), so one "
        "price cannot suit both. Today's list price, \\$15.00, is above the whole range of "
        "Student. The optimal price point of \\*Pro\\* is above today's price.")


def test_segments_with_one_segment_has_nothing_to_compare():
    frame = points(("All", 10, 1.0, 2.0, 2.0, 3.0), ("Only", 10, 1.0, 2.0, 2.0, 3.0))
    assert pricing.segments(frame, company="Acme") == (
        "**What it shows for Acme:** The respondents form fewer than two segments, so there "
        "is nothing to compare.")


def test_first_bill_says_the_move_the_largest_change_and_where_it_fell():
    frame = pd.DataFrame({"segment": ["All", "Small", "Large"],
                          "before_median_mrr": [300.0, 200.0, 1000.0],
                          "after_median_mrr": [360.0, 180.0, 1500.0],
                          "relative_change": [0.2, -0.1, 0.5]})
    assert pricing.first_bill(frame, company="Acme") == (
        "**What it shows for Acme:** The median first bill of new accounts rose from \\$300 to "
        "\\$360 (+\\$60.00). It changed most in Large (+50%). It fell in Small: there the new "
        "prices may not have reached buyers.")


@pytest.mark.parametrize("low, high, verdict", [
    (0.01, 0.05, "The interval of the difference, +1.0 pts to +5.0 pts, lies above zero."),
    (-0.01, 0.05, "The interval of the difference, −1.0 pts to +5.0 pts, spans zero: the data "
                  "cannot tell the two windows apart."),
])
def test_before_after_says_the_move_the_interval_and_the_group_that_moved_most(low, high,
                                                                              verdict):
    frame = comparison(("All", 0.02, 0.05, 0.03, low, high, False),
                       ("Small", 0.03, 0.04, 0.01, -0.02, 0.04, False),
                       ("Large", 0.0, 0.1, 0.1, 0.01, 0.2, True))
    assert pricing.before_after(frame, company="Acme", measure="Monthly churn") == (
        "**What it shows for Acme:** Monthly churn rose from 2.0% to 5.0% (+3.0 pts). "
        + verdict + " The largest move is in Large: rose from 0.0% to 10.0% (+10.0 pts), on "
        "few events.")


def test_recommendations_name_the_numbers_that_triggered_them():
    frame = points(("All", 200, 10.0, 20.0, 21.0, 40.0), ("Team", 120, 20.0, 30.0, 33.0, 45.0),
                   ("[Students]", 40, 5.0, 8.0, 9.0, 12.0))
    conversion = comparison(("All", 0.3, 0.2, -0.1, -0.15, -0.05, False))
    churn = comparison(("All", 0.02, 0.03, 0.01, -0.01, 0.03, False),
                       ("Team", 0.01, 0.04, 0.03, 0.01, 0.05, False),
                       ("[Students]", 0.05, 0.05, 0.0, -0.02, 0.02, False))
    assert pricing.recommendations(frame, list_price=31.0, conversion=conversion,
                                   churn=churn) == [
        "Today's price, \\$31.00, is below the indifference price point of Team (\\$33.00): "
        "test a higher price for its new customers, with a random half seeing it, for long "
        "enough to count conversions.",
        "\\[Students\\] finds any price above \\$12.00 too expensive to consider, and today's "
        "is \\$31.00: offer it a plan of its own (fewer features, or a discount it qualifies "
        "for) or stop spending to acquire it.",
        "Conversion of sign-ups fell from 30.0% to 20.0% after the price change: ask the "
        "sign-ups who did not pay what stopped them before the next change of price.",
        "Churn in Team rose from 1.0% to 4.0% a month after the change and in no other "
        "segment: talk to its customers who left in their renewal months, and offer the "
        "ones at risk a plan that fits before they renew.",
        "The price points of \\[Students\\] (40) rest on fewer than 50 answers each: survey "
        "more of their buyers before pricing them on their own.",
    ]


def test_no_recommendation_when_no_condition_holds():
    frame = points(("All", 200, 10.0, 20.0, 21.0, 40.0), ("Team", 120, 20.0, 30.0, 29.0, 45.0),
                   ("Solo", 80, 15.0, 25.0, 26.0, 40.0))
    conversion = comparison(("All", 0.3, 0.28, -0.02, -0.08, 0.04, False))
    churn = comparison(("All", 0.02, 0.03, 0.01, 0.001, 0.03, False),
                       ("Team", 0.01, 0.02, 0.01, 0.002, 0.05, False),
                       ("Solo", 0.03, 0.04, 0.01, 0.001, 0.02, False))
    found = pricing.recommendations(frame, list_price=35.0, conversion=conversion, churn=churn)
    assert found == []
    assert next_steps(found, checked=pricing.CHECKED) == (
        "None of these holds on this data: today's price against each segment's range and "
        "indifference price, conversion and churn around the last price change, and the "
        "number of answers per segment.")


def test_recommendations_without_survey_or_price_change():
    assert pricing.recommendations(None, list_price=9.99) == []
