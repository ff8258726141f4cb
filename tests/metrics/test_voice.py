"""Customer voice metrics on hand-made survey answers whose scores are worked out by hand.

NPS answers: January 10, 9, 8, 6, 3 (2 promoters, 1 passive, 2 detractors: NPS 0);
February 10, 10, 10, 7 (NPS 75); none in March; 9 on 15 April; 0 on 2 May.
CSAT answers: January 5, 4, 3, 1; February 4.
SUS answers: January all 3 (50) and the best answer (100); February alternating 4 and 2
(75) and one answer missing statement 10; April the worst answer (0).
"""
from __future__ import annotations

from math import sqrt

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from cpo_kit.inputs.contract import SUS_ITEMS
from cpo_kit.metrics import METRICS, compute
from cpo_kit.metrics.intervals import nps_interval
from cpo_kit.metrics.voice import csat_by_period, nps_by_period, sus_by_period, sus_scores
from tests.companies import company_from_frames

NAN = float("nan")
BEST, WORST = [5, 1] * 5, [1, 5] * 5


@pytest.fixture
def surveys() -> pd.DataFrame:
    rows = []

    def answer(survey, day, nps=None, csat=None, sus=None):
        rows.append({"response_id": f"r{len(rows) + 1:02d}", "survey": survey,
                     "submitted_at": pd.Timestamp(day), "nps": nps, "csat": csat,
                     **dict(zip(SUS_ITEMS, sus or [None] * 10))})

    for day, score in [("2026-01-03 10:00", 10), ("2026-01-05", 9), ("2026-01-09", 8),
                       ("2026-01-20", 6), ("2026-01-31 23:59", 3), ("2026-02-02", 10),
                       ("2026-02-10", 10), ("2026-02-11", 10), ("2026-02-28 18:00", 7),
                       ("2026-04-15", 9), ("2026-05-02", 0)]:
        answer("nps", day, nps=score)
    answer("nps", "2026-01-04")  # an NPS answer without a score is ignored
    for day, score in [("2026-01-02", 5), ("2026-01-12", 4), ("2026-01-13", 3),
                       ("2026-01-14", 1), ("2026-02-20", 4)]:
        answer("csat", day, csat=score)
    answer("csat", "2026-01-15")
    answer("sus", "2026-01-06", sus=[3] * 10)
    answer("sus", "2026-01-07", sus=BEST)
    answer("sus", "2026-02-08", sus=[4, 2] * 5)
    answer("sus", "2026-02-09", sus=[4, 2] * 4 + [4, None])
    answer("sus", "2026-04-01", sus=WORST)
    frame = pd.DataFrame(rows)
    return frame.astype({"response_id": "str", "survey": "str", "submitted_at": "datetime64[ns]",
                         "nps": "Int64", "csat": "Int64", **dict.fromkeys(SUS_ITEMS, "Int64")})


def expected(**columns) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[us]")
    return frame


# --- NPS ------------------------------------------------------------------------------------

# The adjusted Wald interval adds 3/4 of a promoter and 3/4 of a detractor to n + 3
# answers: p = (promoters + 0.75) / (n + 3), d = (detractors + 0.75) / (n + 3), and the
# interval is 100 (p - d) ± 196 sqrt((p + d - (p - d)²) / (n + 3)).

def test_nps_by_month(surveys):
    # January, 2 promoters and 2 detractors of 5: p = d = 2.75/8, variance 0.6875/8 = 11/128.
    # February, 3 promoters of 4: p = 3.75/7, d = 0.75/7, centre 300/7,
    #   variance (4.5/7 - 9/49) / 7 = 22.5/343.
    # April, one promoter: p = 1.75/4, d = 0.75/4, centre 25, variance 0.5625/4 = 9/64,
    #   25 ± 73.5 reaches 98.5 only, so the upper bound is widened to the NPS of 100.
    assert_frame_equal(nps_by_period(surveys, period_end="2026-04-30"), expected(
        period=["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"],
        responses=[5, 4, 0, 1], promoters=[2, 3, 0, 1], passives=[1, 1, 0, 0],
        detractors=[2, 0, 0, 0], nps=[0.0, 75.0, NAN, 100.0],
        ci_low=[-196 * sqrt(11 / 128), 300 / 7 - 196 * sqrt(22.5 / 343), NAN, -48.5],
        ci_high=[196 * sqrt(11 / 128), 300 / 7 + 196 * sqrt(22.5 / 343), NAN, 100.0],
    ))


def test_nps_by_quarter(surveys):
    # Q1, 5 promoters and 2 detractors of 9: p = 5.75/12, d = 2.75/12, centre 25,
    #   variance (8.5/12 - 1/16) / 12 = 31/576.
    # Q2, one promoter and one detractor: p = d = 1.75/5, variance 0.7/5 = 0.14 (the plain
    #   Wald interval covered the whole scale).
    assert_frame_equal(nps_by_period(surveys, period_end="2026-06-30", period="quarter"),
                       expected(period=["2026-01-01", "2026-04-01"], responses=[9, 2],
                                promoters=[5, 1], passives=[2, 0], detractors=[2, 1],
                                nps=[100 / 3, 0.0],
                                ci_low=[25 - 196 * sqrt(31 / 576), -196 * sqrt(0.14)],
                                ci_high=[25 + 196 * sqrt(31 / 576), 196 * sqrt(0.14)]))


def test_nps_overall(surveys):
    # 6 promoters, 2 passives, 3 detractors: p = 6.75/14, d = 3.75/14, centre 150/7,
    # variance (0.75 - 9/196) / 14 = 69/1372.
    assert_frame_equal(nps_by_period(surveys, period_end="2026-06-30", period="overall"),
                       expected(period=["2026-01-03"], responses=[11], promoters=[6],
                                passives=[2], detractors=[3], nps=[300 / 11],
                                ci_low=[150 / 7 - 196 * sqrt(69 / 1372)],
                                ci_high=[150 / 7 + 196 * sqrt(69 / 1372)]))


@pytest.mark.parametrize("promoters, detractors, responses, low, high", [
    # Three promoters of three: the plain Wald interval is [100, 100]. Here p = 3.75/6,
    # d = 0.75/6, centre 50, variance (0.75 - 0.25) / 6 = 1/12; clipped at 100.
    (3, 0, 3, 50 - 196 * sqrt(1 / 12), 100.0),
    # No promoter of five, all detractors: p = 0.75/8, d = 5.75/8, centre -62.5,
    # variance (0.8125 - 0.390625) / 8 = 0.052734375; clipped at -100.
    (0, 5, 5, -100.0, -62.5 + 196 * sqrt(0.052734375)),
    # No promoter of five, all passives: p = d = 0.75/8, variance 0.1875/8 = 3/128.
    (0, 0, 5, -196 * sqrt(3 / 128), 196 * sqrt(3 / 128)),
    # Mixed, 2 promoters, 1 passive, 1 detractor: p = 2.75/7, d = 1.75/7, centre 100/7,
    # variance (4.5/7 - 1/49) / 7 = 30.5/343.
    (2, 1, 4, 100 / 7 - 196 * sqrt(30.5 / 343), 100 / 7 + 196 * sqrt(30.5 / 343)),
    # One detractor alone: centre -25 and -25 - 73.5 = -98.5 is widened to the NPS of -100.
    (0, 1, 1, -100.0, 48.5),
])
def test_nps_interval(promoters, detractors, responses, low, high):
    got_low, got_high = nps_interval(promoters, detractors, responses)
    assert (float(got_low), float(got_high)) == (pytest.approx(low), pytest.approx(high))


def test_the_nps_interval_holds_the_nps_and_stays_on_the_scale():
    # Every split of up to 30 answers into promoters, passives and detractors.
    counts = [(p, d, n) for n in range(1, 31) for p in range(n + 1) for d in range(n + 1 - p)]
    promoters, detractors, responses = (np.array(c, dtype=float) for c in zip(*counts))
    low, high = nps_interval(promoters, detractors, responses)
    observed = 100 * (promoters - detractors) / responses
    assert np.all(low <= observed) and np.all(observed <= high)
    assert np.all(low >= -100) and np.all(high <= 100) and np.all(high > low)


def test_the_nps_interval_without_answers_or_with_impossible_counts():
    low, high = nps_interval([0], [0], [0])
    assert np.isnan(low).all() and np.isnan(high).all()
    with pytest.raises(ValueError, match="^promoters and detractors must be counts whose sum "
                                         "is at most responses$"):
        nps_interval(3, 2, 4)


@pytest.mark.parametrize("period, period_end, complete_only, periods", [
    ("month", "2026-04-29", True, ["2026-01-01", "2026-02-01", "2026-03-01"]),
    ("month", "2026-04-29", False, ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]),
    ("month", "2026-01-31", True, ["2026-01-01"]),
    ("quarter", "2026-06-29", True, ["2026-01-01"]),
    ("quarter", "2026-05-01", False, ["2026-01-01", "2026-04-01"]),
    ("quarter", "2026-03-30", True, []),
])
def test_incomplete_periods_are_left_out(surveys, period, period_end, complete_only, periods):
    out = nps_by_period(surveys, period_end=period_end, period=period,
                        complete_only=complete_only)
    assert out["period"].tolist() == [pd.Timestamp(p) for p in periods]


def test_answers_after_the_period_end_are_not_counted(surveys):
    # The last January answer (23:59 on the 31st) counts on the 31st; none after it.
    out = nps_by_period(surveys, period_end="2026-01-31", period="overall")
    assert out["responses"].tolist() == [5]


def test_the_headline_nps_agrees(surveys):
    company = company_from_frames({"surveys": surveys})
    headline = compute("nps", company, start="2026-01-01", end="2026-03-31")
    quarter = nps_by_period(surveys, period_end="2026-03-31", period="quarter").iloc[0]
    assert headline == {"nps": pytest.approx(quarter["nps"]), "responses": 9, "promoters": 5,
                        "passives": 2, "detractors": 2}


# --- CSAT and SUS ---------------------------------------------------------------------------

def test_csat_by_month(surveys):
    assert_frame_equal(csat_by_period(surveys, period_end="2026-03-31"), expected(
        period=["2026-01-01", "2026-02-01", "2026-03-01"], responses=[4, 1, 0],
        satisfied=[2, 1, 0], csat=[0.5, 1.0, NAN], mean_score=[3.25, 4.0, NAN]))


def test_csat_overall(surveys):
    assert_frame_equal(csat_by_period(surveys, period_end="2026-03-31", period="overall"),
                       expected(period=["2026-01-02"], responses=[5], satisfied=[3],
                                csat=[0.6], mean_score=[3.4]))


def test_sus_scores(surveys):
    out = sus_scores(surveys)
    assert out["sus"].tolist() == [50.0, 100.0, 75.0, 0.0]
    assert out["response_id"].tolist() == ["r19", "r20", "r21", "r23"]


def test_sus_by_month(surveys):
    assert_frame_equal(sus_by_period(surveys, period_end="2026-04-30"), expected(
        period=["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"],
        responses=[2, 1, 0, 1], incomplete=[0, 1, 0, 0], sus=[75.0, 75.0, NAN, 0.0]))


def test_sus_overall(surveys):
    assert_frame_equal(sus_by_period(surveys, period_end="2026-12-31", period="overall"),
                       expected(period=["2026-01-06"], responses=[4], incomplete=[1],
                                sus=[56.25]))


def test_no_answers_gives_an_empty_frame(surveys):
    for function in (nps_by_period, csat_by_period, sus_by_period):
        for period in ("month", "quarter", "overall"):
            out = function(surveys, period_end="2025-12-31", period=period)
            assert out.empty and out.columns[0] == "period" and out["responses"].dtype == "int64"


# --- the registry and bad input -------------------------------------------------------------

@pytest.mark.parametrize("name, function", [
    ("nps_by_period", nps_by_period), ("csat", csat_by_period), ("sus", sus_by_period)])
def test_registered_metrics(surveys, name, function):
    company = company_from_frames({"surveys": surveys})
    assert METRICS[name].family == "voice"
    assert_frame_equal(compute(name, company, period_end="2026-06-30", period="quarter"),
                       function(surveys, period_end="2026-06-30", period="quarter"))


@pytest.mark.parametrize("function", [nps_by_period, csat_by_period, sus_by_period])
def test_an_unknown_period(surveys, function):
    with pytest.raises(ValueError, match="^period must be one of month, quarter, overall, "
                                         "not 'week'$"):
        function(surveys, period_end="2026-06-30", period="week")


def test_missing_columns(surveys):
    with pytest.raises(ValueError, match=r"^the surveys table lacks the column\(s\) sus_q9, "
                                         r"sus_q10$"):
        sus_by_period(surveys.drop(columns=["sus_q9", "sus_q10"]), period_end="2026-06-30")
