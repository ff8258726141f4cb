"""The market notebook's readings: sentences written from hand-made sizes, growth and rivals."""
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings import market
from cpo_kit.readings.common import next_steps


def sizes(gap=0.1):
    return pd.DataFrame({"segment": ["Small", "Large", "Total"],
                         "tam": [4e6, 6e6, 10e6], "sam": [1e6, 3e6, 4e6],
                         "som": [1e5, 1e5, 2e5], "gap": [gap, gap, gap]})


def growth(first_small=1e6, first_large=5e6):
    return pd.DataFrame({"segment": ["Small", "Large", "Total"],
                         "first_year": [2024, 2024, 2024], "last_year": [2028, 2028, 2028],
                         "first_tam": [first_small, first_large, 6e6],
                         "last_tam": [7e6, 6e6, 13e6], "cagr": [0.2, 0.05, 0.1]})


def standing(*rows):
    return pd.DataFrame(rows, columns=["feature", "rivals_ahead", "ahead", "standing"])


def test_sizes_names_the_largest_serviceable_segment_in_euros():
    with formats.using(currency="EUR", locale="en_IE"):
        text = market.sizes(sizes(), company="Tidewell", year=2026)
    assert text == ("**What it shows for Tidewell:** In 2026, Large is the largest serviceable "
                    "market: €3M of €4M (75%). The obtainable market is €200K, 5.0% of the "
                    "serviceable one and 2.0% of the total.")


def test_growth_says_when_the_fastest_segment_overtakes_the_largest():
    assert market.growth(growth(), company="Acme") == (
        "**What it shows for Acme:** Small grows fastest, 20.0% a year from 2024 to 2028. "
        "Large grows slowest, 5.0% a year. Small overtakes Large as the largest segment by "
        "2028 (\\$7M).")


def test_growth_says_when_the_largest_stays_largest():
    frame = growth().assign(last_tam=[5e6, 6e6, 11e6])
    assert market.growth(frame, company="Acme").endswith(
        "Large stays the largest, from \\$5M to \\$6M.")


def test_features_counts_gaps_leads_and_parity_and_escapes_names():
    frame = standing(("SSO", 2, "Rival_1, Other", "gap"), ("API", 2, "Rival_1, Third", "gap"),
                     ("Export", 1, "Rival_1", "gap"), ("Alerts", 0, "", "lead"),
                     ("Charts", 0, "", "parity"))
    assert market.features(frame, company="Acme", us="Acme *Pro*") == (
        "**What it shows for Acme:** Of 5 features, Acme \\*Pro\\* trails at least one rival "
        "on 3, leads every rival on 1 and matches the best on 1. The widest gaps are SSO and "
        "API, where 2 rivals are ahead. Rival\\_1 is ahead of us on the most features (3).")


def test_positioning_compares_with_the_medians_and_names_the_closest_rival():
    points = pd.DataFrame({"competitor": ["Us", "Near", "Far", "Cheap"],
                           "is_us": [True, False, False, False],
                           "coverage": [0.8, 0.7, 0.9, 0.3],
                           "list_price": [30.0, 32.0, 60.0, 10.0]})
    assert market.positioning(points, company="Us") == (
        "**What it shows for Us:** Us covers 80% of the features at \\$30.00, against "
        "medians of 75% and \\$31.00: more features than the median product at a lower "
        "price. The closest rival is Near (70%, \\$32.00).")


def test_recommendations_name_the_numbers_that_triggered_them():
    frame = standing(("SSO", 3, "A, B, C", "gap"), ("API", 1, "A", "gap"),
                     ("Charts", 0, "", "parity"))
    assert market.recommendations(sizes=sizes(gap=0.3), growth=growth(),
                                  standing=frame) == [
        "Rivals cover SSO (3 rivals) better than we do: take these to the next roadmap review "
        "with what their lack costs (deals lost, or customers who name them when they "
        "leave).",
        "The top-down serviceable market is 30.0% above the bottom-up one, more than 25%: "
        "recount the buyers or ask the analyst for their market definition before quoting "
        "either figure.",
        "Small grows fastest (20.0% a year) but we can serve 25% of it, against 40% of the "
        "whole market: find what keeps that share low (regions, languages, integrations) "
        "before aiming growth work at it.",
        "We lead every rival on none of the 3 features compared: choose the one to be best "
        "at, and ask buyers who chose a rival which would have won them.",
    ]


def test_no_recommendation_when_no_condition_holds():
    frame = standing(("API", 1, "A", "gap"), ("Alerts", 0, "", "lead"))
    served = sizes().assign(sam=[2e6, 2e6, 4e6])  # Small: half served, the market 40%
    found = market.recommendations(sizes=served, growth=growth(), standing=frame)
    assert found == []
    assert next_steps(found, checked=market.CHECKED) == (
        "None of these holds on this data: gaps shared by several rivals, the gap between "
        "top-down and bottom-up sizes, how much of the fastest-growing segment we can "
        "serve, and whether we lead on any feature.")
