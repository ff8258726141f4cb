"""The customer voice analyses, the intervals added to the voice metrics, and the notebook.

Every expected value is worked out by hand from the small tables below; the t quantiles
are those of a printed table (t 0.975 with 2 degrees of freedom is 4.302653).
"""
from __future__ import annotations

import json
import math

import matplotlib
import pandas as pd
import pytest

from cpo_kit.analyses.feedback import (detractor_comments, detractor_themes, feedback_volume,
                                       sentiment_by, theme_quotes, theme_spikes)
from cpo_kit.analyses.voice import nps_change, nps_window, window
from cpo_kit.inputs.contract import SUS_ITEMS
from cpo_kit.metrics.intervals import mean_interval, wilson_interval
from cpo_kit.metrics.voice import csat_interval, sus_interval
from cpo_kit.plots import voice as voice_plots

matplotlib.use("Agg")

T_2 = 4.302653  # t quantile 0.975, 2 degrees of freedom


def days(*values) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="ISO8601"), dtype="datetime64[ns]")


# --- intervals ------------------------------------------------------------------------------

@pytest.mark.parametrize("k, n, low, high", [
    (8, 10, 0.490157, 0.943319),
    (0, 5, 0.0, 0.434491),   # the interval of a share of 0 starts at 0, not below
    (5, 5, 0.565509, 1.0),
])
def test_wilson_interval(k, n, low, high):
    got_low, got_high = wilson_interval(k, n)
    assert float(got_low) == pytest.approx(low, abs=1e-6)
    assert float(got_high) == pytest.approx(high, abs=1e-6)


@pytest.mark.parametrize("k, n", [(8, 10), (0, 5), (5, 5), (1, 3), (97, 120), (1, 2000)])
def test_wilson_interval_has_the_bounds_of_statsmodels(k, n):
    # The docstring of cpo_kit.metrics.intervals promises these are the library's bounds.
    from scipy.stats import norm
    from statsmodels.stats.proportion import proportion_confint

    theirs = proportion_confint(k, n, alpha=2 * norm.sf(1.96), method="wilson")
    ours = wilson_interval(k, n)
    assert float(ours[0]) == pytest.approx(theirs[0], abs=1e-12)
    assert float(ours[1]) == pytest.approx(theirs[1], abs=1e-12)


def test_wilson_interval_without_answers_is_empty():
    low, high = wilson_interval([3, 0], [4, 0])
    assert math.isnan(low[1]) and math.isnan(high[1]) and not math.isnan(low[0])


def test_wilson_interval_refuses_more_successes_than_answers():
    with pytest.raises(ValueError, match="successes and n must be counts with successes at "
                                         "most n"):
        wilson_interval(6, 5)


def test_sentiment_by_theme_whose_items_agree_has_the_mean_as_its_interval():
    frame = pd.DataFrame({"theme": ["a", "a"], "sentiment": [0.5, 0.5],
                          "received_at": days("2026-01-01", "2026-01-02")})
    out = sentiment_by(frame)
    assert (out["ci_low"].iloc[0], out["ci_high"].iloc[0]) == (0.5, 0.5)


@pytest.mark.parametrize("mean, sd, n, low, high", [
    # 75 ± 4.302653 × 25 / sqrt(3) = 75 ± 62.1034: the t quantile of 2 degrees of freedom.
    (75.0, 25.0, 3, 12.8966, 137.1034),
    (0.5, 0.0, 4, 0.5, 0.5),          # values that all agree: the mean itself
    (75.0, float("nan"), 1, math.nan, math.nan),   # one value: no spread to measure
    (75.0, 0.0, 0, math.nan, math.nan),
])
def test_mean_interval(mean, sd, n, low, high):
    got_low, got_high = mean_interval(mean, sd, n)
    assert float(got_low) == pytest.approx(low, abs=1e-4, nan_ok=True)
    assert float(got_high) == pytest.approx(high, abs=1e-4, nan_ok=True)


def test_mean_interval_refuses_a_confidence_in_percent():
    with pytest.raises(ValueError, match="confidence must be between 0 and 1, not 95"):
        mean_interval(1.0, 1.0, 3, confidence=95)


def test_csat_interval_adds_the_bounds():
    csat = pd.DataFrame({"period": days("2026-01-01", "2026-02-01"), "responses": [10, 0],
                         "satisfied": [8, 0], "csat": [0.8, float("nan")],
                         "mean_score": [4.1, float("nan")]})
    out = csat_interval(csat)
    assert out["ci_low"].iloc[0] == pytest.approx(0.490157, abs=1e-6)
    assert out["ci_high"].iloc[0] == pytest.approx(0.943319, abs=1e-6)
    assert math.isnan(out["ci_low"].iloc[1])
    with pytest.raises(ValueError, match="csat lacks the column"):
        csat_interval(csat.drop(columns=["satisfied"]))


@pytest.fixture
def sus_answers() -> pd.DataFrame:
    # January: 50, 100 and 75; February: one answer of 75.
    answers = [("2026-01-05", [3] * 10), ("2026-01-06", [5, 1] * 5),
               ("2026-01-07", [4, 2] * 5), ("2026-02-03", [4, 2] * 5)]
    return pd.DataFrame({"response_id": [f"r{i}" for i in range(len(answers))],
                         "survey": "sus", "submitted_at": days(*[a[0] for a in answers]),
                         **{item: [a[1][i] for a in answers]
                            for i, item in enumerate(SUS_ITEMS)}})


def test_sus_interval(sus_answers):
    out = sus_interval(sus_answers, period_end="2026-02-28")
    assert out["sus"].tolist() == [75.0, 75.0]
    assert out["sd"].iloc[0] == pytest.approx(25.0)
    half = T_2 * 25 / math.sqrt(3)
    assert out["ci_low"].iloc[0] == pytest.approx(75 - half, rel=1e-6)
    assert out["ci_high"].iloc[0] == pytest.approx(75 + half, rel=1e-6)
    # One answer has no spread to measure.
    assert math.isnan(out["ci_low"].iloc[1]) and math.isnan(out["sd"].iloc[1])


@pytest.mark.parametrize("options, message", [
    ({"period": "overall"}, "period must be month or quarter, not 'overall'"),
    ({"confidence": 95}, "confidence must be between 0 and 1, not 95"),
])
def test_sus_interval_refuses_bad_arguments(sus_answers, options, message):
    with pytest.raises(ValueError, match=message):
        sus_interval(sus_answers, period_end="2026-02-28", **options)


# --- NPS over windows -----------------------------------------------------------------------

@pytest.fixture
def nps_answers() -> pd.DataFrame:
    return pd.DataFrame({"survey": "nps", "nps": [10, 9, 7, 3, 0],
                         "submitted_at": days("2026-01-02", "2026-01-03", "2026-01-04",
                                              "2026-01-31 22:00", "2026-02-01")})


def test_nps_window(nps_answers):
    got = nps_window(nps_answers, start="2026-01-01", end="2026-01-31")
    # Two promoters and one detractor of four: NPS 25, variance 100² × 0.6875 / 4.
    assert (got["responses"], got["promoters"], got["detractors"]) == (4, 2, 1)
    assert got["nps"] == 25.0
    # The adjusted Wald interval: p = 2.75/7, d = 1.75/7, variance (4.5/7 - 1/49) / 7.
    assert got["adjusted"] == pytest.approx(100 / 7)
    assert got["variance"] == pytest.approx(10_000 * 30.5 / 343)
    assert got["ci_low"] == pytest.approx(100 / 7 - 196 * math.sqrt(30.5 / 343))
    assert got["ci_high"] == pytest.approx(100 / 7 + 196 * math.sqrt(30.5 / 343))


def test_nps_window_without_answers(nps_answers):
    got = nps_window(nps_answers, start="2025-06-01", end="2025-06-30")
    assert got["responses"] == 0 and math.isnan(got["nps"]) and math.isnan(got["ci_low"])
    with pytest.raises(ValueError, match="end 2026-01-01 is before start 2026-01-31"):
        nps_window(nps_answers, start="2026-01-31", end="2026-01-01")


def test_nps_change_around_a_milestone(nps_answers):
    out = nps_change(nps_answers, milestones={"launch": "2026-02-01"}, months=1,
                     period_end="2026-02-28")
    row = out.iloc[0]
    assert (row["milestone"], row["responses_before"], row["responses_after"]) == ("launch", 4, 1)
    assert (row["nps_before"], row["nps_after"], row["change"]) == (25.0, -100.0, -125.0)
    # The one answer after, a detractor, still has a variance once adjusted: 0.75
    # promoters and 1.75 detractors of 4, so NPS -25 and variance 100² × 0.5625 / 4.
    # Before: 100/7 and 100² × 30.5/343. The interval is centred on -25 - 100/7.
    half = 1.96 * math.sqrt(10_000 * 30.5 / 343 + 1406.25)
    assert row["change_low"] == pytest.approx(-25 - 100 / 7 - half)
    assert row["change_high"] == pytest.approx(-25 - 100 / 7 + half)
    assert (round(row["change_low"], 1), round(row["change_high"], 1)) == (-133.2, 54.6)
    with pytest.raises(ValueError, match="months must be a whole number of at least 1, not 0"):
        nps_change(nps_answers, milestones={}, months=0, period_end="2026-02-28")


# --- windows and feedback volume ------------------------------------------------------------

def test_window_by_days_and_by_months():
    frame = pd.DataFrame({"at": days("2026-07-31", "2026-08-01", "2026-09-30 23:00",
                                     "2026-10-10")})
    # 15 days to 15 October start on 1 October; 16 days take in 30 September too.
    assert len(window(frame, column="at", period_end="2026-10-15", days=15)) == 1
    assert len(window(frame, column="at", period_end="2026-10-15", days=16)) == 2
    # Two complete months to 15 October: August and September.
    assert len(window(frame, column="at", period_end="2026-10-15", months=2)) == 2
    with pytest.raises(ValueError, match="as days or as months, not both or neither"):
        window(frame, column="at", period_end="2026-10-15")
    with pytest.raises(ValueError, match="a whole number of at least 1, not 0"):
        window(frame, column="at", period_end="2026-10-15", days=0)


@pytest.fixture
def feedback() -> pd.DataFrame:
    return pd.DataFrame({
        "received_at": days("2026-01-03", "2026-03-09", "2026-03-10", "2026-04-02"),
        "source": ["support", "sales", "support", "support"],
        "theme": ["pricing", "pricing", "mobile", "mobile"],
        "sentiment": [-0.6, 0.0, 0.3, None],
    })


def test_feedback_volume_fills_empty_months_with_zeros(feedback):
    out = feedback_volume(feedback, period_end="2026-04-15")
    assert out["period"].tolist() == list(pd.to_datetime(
        ["2026-01-01", "2026-01-01", "2026-02-01", "2026-02-01", "2026-03-01", "2026-03-01"]))
    assert out["theme"].tolist() == ["mobile", "pricing"] * 3
    assert out["items"].tolist() == [0, 1, 0, 0, 1, 1]
    assert out["month_items"].tolist() == [1, 1, 0, 0, 2, 2]
    assert out["share"].fillna(-1).tolist() == [0.0, 1.0, -1, -1, 0.5, 0.5]


def test_feedback_volume_can_count_the_open_month_and_by_source(feedback):
    out = feedback_volume(feedback, period_end="2026-04-15", by="source",
                          complete_only=False)
    april = out[out["period"] == pd.Timestamp("2026-04-01")]
    assert april["source"].tolist() == ["sales", "support"]
    assert april["items"].tolist() == [0, 1]
    with pytest.raises(ValueError, match="the feedback table lacks the column"):
        feedback_volume(feedback, period_end="2026-04-15", by="team")


def test_sentiment_by_theme():
    frame = pd.DataFrame({"theme": ["a", "a", "a", "b", "c"],
                          "sentiment": [-0.6, 0.0, 0.3, 0.5, None],
                          "received_at": days(*["2026-01-01"] * 5)})
    out = sentiment_by(frame)
    # c has no sentiment at all and is left out.
    assert out["theme"].tolist() == ["a", "b"]
    assert out["items"].tolist() == [3, 1]
    assert out["sentiment"].tolist() == pytest.approx([-0.1, 0.5])
    half = T_2 * math.sqrt(0.21) / math.sqrt(3)
    assert out["ci_low"].iloc[0] == pytest.approx(-0.1 - half, rel=1e-6)
    assert out["ci_high"].iloc[0] == pytest.approx(-0.1 + half, rel=1e-6)
    assert math.isnan(out["ci_low"].iloc[1])
    assert out["negative_share"].tolist() == pytest.approx([1 / 3, 0.0])
    with pytest.raises(ValueError, match="lacks the column.*sentiment"):
        sentiment_by(frame.drop(columns=["sentiment"]))


# --- themes and detractors ------------------------------------------------------------------

MONTHS = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"])


@pytest.fixture
def monthly_nps() -> pd.DataFrame:
    # Detractor shares 0.1, 0.2, 0.6 and 0.3.
    return pd.DataFrame({"period": MONTHS, "responses": [10, 10, 10, 10],
                         "detractors": [1, 2, 6, 3]})


@pytest.fixture
def volume() -> pd.DataFrame:
    # Ten items a month; bugs takes 1, 2, 8 and 3 of them, rising with the detractors.
    items = [1, 9, 2, 8, 8, 2, 3, 7]
    return pd.DataFrame({"period": MONTHS.repeat(2), "theme": ["bugs", "ui"] * 4,
                         "items": items, "month_items": 10, "share": [i / 10 for i in items]})


def test_detractor_themes_ranks_the_theme_that_rises_with_detractors(monthly_nps, volume):
    links = detractor_themes(monthly_nps, volume, worst=0.25)
    assert links.top == "bugs"
    themes = links.themes.set_index("theme")
    assert themes.index.tolist() == ["bugs", "ui"]
    assert themes["months"].tolist() == [4, 4]
    # Same rank order as the detractor share: rho 1; the reverse: -1.
    assert themes["rho"].tolist() == pytest.approx([1.0, -1.0])
    # The worst month is March: bugs is 8 of its 10 items, and 6 of the 30 in the others.
    assert themes.loc["bugs", ["share_worst", "share_other", "lift"]].tolist() == \
        pytest.approx([0.8, 0.2, 4.0])
    assert themes.loc["ui", "lift"] == pytest.approx(0.25)
    assert links.months["worst"].tolist() == [False, False, True, False]
    assert links.months["detractor_share"].tolist() == pytest.approx([0.1, 0.2, 0.6, 0.3])


def test_detractor_themes_leaves_out_thin_months(monthly_nps, volume):
    monthly_nps.loc[1, ["responses", "detractors"]] = [2, 2]
    links = detractor_themes(monthly_nps, volume, worst=0.5, min_responses=5)
    assert links.months["period"].tolist() == [MONTHS[0], MONTHS[2], MONTHS[3]]
    # Half of three months rounds up to two: March and April.
    assert links.months["worst"].tolist() == [False, True, True]


def test_no_top_theme_when_none_rises_with_detractors(monthly_nps, volume):
    flat = volume.assign(items=[5, 5] * 4)
    links = detractor_themes(monthly_nps, flat)
    assert links.top is None
    assert links.themes["rho"].isna().all()


@pytest.mark.parametrize("worst, message", [
    (0, "worst must be a fraction of the months, above 0 and at most 1, not 0"),
    (1.5, "worst must be a fraction of the months, above 0 and at most 1, not 1.5"),
])
def test_detractor_themes_refuses_bad_arguments(monthly_nps, volume, worst, message):
    with pytest.raises(ValueError, match=message):
        detractor_themes(monthly_nps, volume, worst=worst)
    with pytest.raises(ValueError, match="volume lacks the column"):
        detractor_themes(monthly_nps, volume.drop(columns=["theme"]))


def test_theme_spikes_finds_the_month_a_theme_took_over():
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    volume = pd.DataFrame({"period": months.repeat(2), "theme": ["bugs", "ui"] * 3,
                           "items": [2, 38, 1, 39, 20, 20]})
    out = theme_spikes(volume)
    assert out[["period", "theme", "items", "month_items"]].values.tolist() == [
        [pd.Timestamp("2026-03-01"), "bugs", 20, 40]]
    # Usually 3 of the other 80 items: 1.5 expected of 40, so 20 is 13.3 times that.
    assert out["usual_share"].iloc[0] == pytest.approx(3 / 80)
    assert out["ratio"].iloc[0] == pytest.approx(20 / 1.5)
    assert out["p_value"].iloc[0] < 1e-10


def test_a_spike_needs_enough_items():
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    volume = pd.DataFrame({"period": months.repeat(2), "theme": ["bugs", "ui"] * 3,
                           "items": [0, 40, 0, 40, 4, 36]})
    assert theme_spikes(volume, min_items=5).empty
    assert theme_spikes(volume, min_items=4)["theme"].tolist() == ["bugs"]
    with pytest.raises(ValueError, match="alpha between 0 and 1"):
        theme_spikes(volume, alpha=5)


# --- quotes ---------------------------------------------------------------------------------

def test_theme_quotes_counts_repeated_texts_and_cuts_long_ones():
    long = "word " * 40
    frame = pd.DataFrame({
        "received_at": days("2026-03-02", "2026-03-05", "2026-03-06", "2026-03-07",
                            "2026-03-08", "2026-04-01", "2026-03-09"),
        "theme": ["bugs", "bugs", "bugs", "bugs", "ui", "bugs", "bugs"],
        "sentiment": [-0.5, -0.2, 0.5, -0.1, -0.9, -0.9, -0.3],
        "text": ["It crashed.", "It crashed.", "Fixed now.", long, "Ugly.", "Later.", None],
    })
    out = theme_quotes(frame, theme="bugs", months=["2026-03-01"], max_chars=20)
    assert out["said"].tolist() == ["It crashed.", "word word word word…"]
    assert out["times"].tolist() == [2, 1]
    assert out["last"].tolist() == list(pd.to_datetime(["2026-03-05", "2026-03-07"]))
    assert len(theme_quotes(frame, theme="bugs", months=["2026-03-01"], limit=1)) == 1
    with pytest.raises(ValueError, match="limit must be at least 1"):
        theme_quotes(frame, theme="bugs", months=[], limit=0)


def test_detractor_comments_quotes_only_detractors():
    surveys = pd.DataFrame({"survey": ["nps", "nps", "nps", "csat"], "nps": [3, 6, 10, None],
                            "comment": ["Slow.", "Too dear.", "Great.", "Meh."],
                            "submitted_at": days("2026-03-02", "2026-03-05", "2026-03-06",
                                                 "2026-03-07")})
    out = detractor_comments(surveys, months=["2026-03-01"])
    assert out["said"].tolist() == ["Too dear.", "Slow."]
    with pytest.raises(ValueError, match="lacks the column.*comment"):
        detractor_comments(surveys.drop(columns=["comment"]), months=[])


def test_quotes_are_html_escaped_in_the_table():
    quotes = pd.DataFrame({"said": ["<script>alert(1)</script>"], "times": [1],
                           "last": pd.to_datetime(["2026-03-02"])})
    html = voice_plots.quotes_table(quotes, caption="c", uuid="q").to_html()
    assert "&lt;script&gt;" in html and "<script>" not in html and "2026-03-02" in html


# --- charts ---------------------------------------------------------------------------------

def test_the_charts_draw_on_the_hand_made_data(monthly_nps, volume):
    import matplotlib.pyplot as plt

    scores = pd.DataFrame({"period": MONTHS, "nps": [10.0, None, -20.0, 5.0],
                           "ci_low": [-30.0, None, -60.0, -10.0], "ci_high": [50.0, None, 20.0,
                                                                              20.0],
                           "responses": [30, 0, 5, 40]})
    ax = voice_plots.score_band(scores, x="period", y="nps", low="ci_low", high="ci_high",
                                n="responses", title="t", ylabel="NPS",
                                milestones={"launch": "2026-02-15"}, references={"": 0})
    assert "fewer than 20 answers" in [t.get_text() for t in ax.get_legend().get_texts()]
    voice_plots.score_band(scores, x="period", y="nps", low="ci_low", high="ci_high",
                           n="responses", title="t", ylabel="NPS", connect=False)
    voice_plots.theme_area(volume, title="a")
    links = detractor_themes(monthly_nps, volume)
    voice_plots.link_bars(links.themes, title="l")
    voice_plots.detractors_and_theme(links.months, volume, theme="bugs", title="d")
    table = pd.DataFrame({"theme": ["a", "b"], "items": [3, 1], "sentiment": [-0.1, 0.5],
                          "ci_low": [-0.5, None], "ci_high": [0.3, None],
                          "negative_share": [1 / 3, 0.0]})
    voice_plots.sentiment_bars(table, y="theme", title="s")
    voice_plots.feedback_bars(table, y="theme", title="f")
    plt.close("all")


# --- the notebook ---------------------------------------------------------------------------

def test_the_notebook_finds_the_incident_and_the_price_change(run_notebook):
    folder = run_notebook("customer_voice") / "customer_voice_results"
    themes = pd.read_csv(folder / "themes_and_detractors.csv")
    assert themes["theme"].iloc[0] == "reliability"
    spikes = pd.read_csv(folder / "theme_spikes.csv")
    found = set(zip(spikes["period"], spikes["theme"]))
    assert {("2025-09-01", "pricing"), ("2026-03-01", "reliability")} <= found
    milestones = pd.read_csv(folder / "nps_around_milestones.csv")
    assert milestones["milestone"].tolist() == ["price change", "incident"]
    assert (milestones["change"] < 0).all()
    headlines = json.loads((folder / "headline.json").read_text())["headlines"]
    assert headlines["top_detractor_theme"]["value"] == "reliability"
    assert headlines["nps_low"]["value"] < headlines["nps"]["value"] < \
        headlines["nps_high"]["value"]
