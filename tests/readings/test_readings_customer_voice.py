"""The customer-voice readings: sentences written from hand-made NPS, CSAT, SUS and feedback."""
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings import customer_voice
from cpo_kit.readings.common import next_steps

MONTHS = pd.to_datetime(["2026-08-01", "2026-09-01", "2026-10-01"])
NPS = pd.DataFrame({"period": MONTHS, "responses": [40, 12, 50], "nps": [20.0, -5.0, 30.0],
                    "ci_low": [5.0, -30.0, 15.0], "ci_high": [35.0, 20.0, 45.0]})
CSAT = pd.DataFrame({"period": MONTHS, "csat": [0.9, 0.88, 0.8]})
SUS = pd.DataFrame({"period": MONTHS, "sus": [None, 70.0, None]})
CHANGE = pd.DataFrame({"milestone": ["price_change", "launch"],
                       "nps_before": [30.0, 10.0], "nps_after": [10.0, 14.0],
                       "change": [-20.0, 4.0], "change_low": [-35.0, -10.0],
                       "change_high": [-5.0, 18.0]})
THEMES = pd.DataFrame({"theme": ["*billing*", "charts"], "rho": [0.41, -0.2],
                       "p_value": [0.02, 0.3], "lift": [2.25, 0.8]})
SPIKES = pd.DataFrame({"period": pd.to_datetime(["2026-09-01", "2026-03-01"]),
                       "theme": ["*billing*", "charts"], "items": [12, 6],
                       "ratio": [3.0, 2.5]})


def test_nps_trend_says_the_move_the_band_the_low_and_the_thin_months():
    assert customer_voice.nps_trend(NPS, company="Acme") == (
        "**What it shows for Acme:** NPS was 30 in October 2026, up 35 points since "
        "September 2026. That is outside the band of the month before. The lowest month was "
        "September 2026, at −5. 1 of 3 months rest on fewer than 20 answers.")


def test_milestones_say_whether_the_interval_excludes_zero_and_escape_names():
    assert customer_voice.milestones(CHANGE, company="Acme") == (
        "**What it shows for Acme:** Around the price\\_change, NPS went from 30 to 10 (−20); "
        "the interval excludes zero. Around the launch, NPS went from 10 to 14 (+4); the "
        "interval includes zero, so the data cannot tell.")


def test_satisfaction_says_the_csat_move_and_the_one_sus_study_in_german():
    with formats.using(currency="EUR", locale="de_DE"):
        text = customer_voice.satisfaction(CSAT, SUS, company="Acme")
    assert text == ("**What it shows for Acme:** CSAT fell from 88,0\u00a0% to "
                    "80,0\u00a0% (−8,0 pts) from September 2026 to October 2026. Its lowest "
                    "month was October 2026, "
                    "at 80,0\u00a0%. The one SUS study, in September 2026, scored 70,0.")


def test_feedback_names_the_loudest_the_sore_themes_and_the_main_source():
    by_theme = pd.DataFrame({"theme": ["*billing*", "charts", "sync"], "items": [30, 50, 20],
                             "sentiment": [-0.4, 0.1, -0.2], "ci_high": [-0.2, 0.3, -0.01]})
    by_source = pd.DataFrame({"source": ["support", "app_review"], "items": [75, 25]})
    assert customer_voice.feedback(by_theme, by_source, company="Acme", months=12) == (
        "**What it shows for Acme:** Over the last 12 months, the theme with the most "
        "feedback was charts (50 of 100 items). Sentiment is negative with its whole "
        "interval below zero for \\*billing\\* and sync (down to −0.40). Most items came "
        "from support (75%).")


def test_detractors_give_the_top_theme_s_numbers():
    assert customer_voice.detractors(THEMES, "*billing*", company="Acme") == (
        "**What it shows for Acme:** The theme that moves most with detractors is "
        "\\*billing\\*: rho +0.41 (p = 0.020), and it takes 2.2 times its usual share of "
        "feedback in the worst months.")


def test_spikes_name_the_largest_and_those_after_an_event():
    assert customer_voice.spikes(SPIKES, company="Acme",
                                 milestones={"price_change": "2026-08-20"}) == (
        "**What it shows for Acme:** 2 theme-months spiked; the largest spike was "
        "\\*billing\\* in September 2026, 3.0 times its usual volume (12 items). Spikes right "
        "after a dated event: \\*billing\\* in September 2026 (the price\\_change).")


def test_recommendations_name_the_numbers_that_triggered_them():
    assert customer_voice.recommendations(
        nps=NPS, change=CHANGE, csat=CSAT, sus=SUS.assign(sus=None), themes=THEMES,
        top="*billing*", spikes=SPIKES, milestones={"price_change": "2026-08-20"}) == [
        "Put \\*billing\\* on the agenda of the next product review with its owner (rho "
        "+0.41, 2.2 times its usual share in the worst months): the quotes above, the months "
        "it spiked, and one proposal to reduce it.",
        "NPS fell by 20 points around the price\\_change (from 30 to 10): write down what "
        "happened and what was learned, so the next such event is planned for.",
        "Right after the price\\_change, feedback spiked on \\*billing\\* in September 2026: "
        "write down what customers noticed and what was learned, so the next such event is "
        "planned for (a notice period, an in-product message, a status page).",
        "1 of the last 3 months of NPS have fewer than 20 answers: ask more customers, or "
        "the intervals stay too wide to see anything smaller than a crisis.",
        "CSAT fell from 88.0% to 80.0% in October 2026: read that month's support contacts "
        "for the cause while it is fresh.",
        "No SUS study is in the data: run one with the ten standard statements, so "
        "usability has a score to compare the next study with.",
    ]


def test_no_recommendation_when_no_condition_holds():
    found = customer_voice.recommendations(
        nps=NPS.assign(responses=[40, 30, 50]), change=CHANGE.iloc[[1]],
        csat=CSAT.assign(csat=[0.8, 0.8, 0.82]), sus=SUS, themes=THEMES, top=None,
        spikes=SPIKES, milestones={"launch": "2025-01-01"})
    assert found == []
    assert next_steps(found, checked=customer_voice.CHECKED) == (
        "None of these holds on this data: a theme moving with detractors, NPS falls and "
        "spikes around dated events, months with few answers, a fall in CSAT, and the age "
        "of the last SUS study.")


def test_a_single_spike_of_one_item_is_said_in_the_singular():
    one = pd.DataFrame({"period": pd.to_datetime(["2026-09-01"]), "theme": ["charts"],
                        "items": [1], "ratio": [4.0]})
    assert customer_voice.spikes(one, company="Acme") == (
        "**What it shows for Acme:** 1 theme-month spiked; the largest spike was charts in "
        "September 2026, 4.0 times its usual volume (1 item).")
