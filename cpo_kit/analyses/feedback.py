"""Customer feedback: what it is about, and the themes that rise with detractors.

Feedback counted by month and theme or source, its sentiment, the search for the
themes that rise when customers turn detractors (or spike in a month), and what
customers wrote. NPS over a window and around a date is in :mod:`cpo_kit.analyses.voice`.

That search compares months, so it finds themes that *move with* detractors, not
themes that *make* them: a month with an outage has more reliability feedback and more
detractors because of the outage. It points at where to look, and reading the comments
is what confirms it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from cpo_kit.metrics.intervals import mean_interval
from cpo_kit.metrics.periods import end_exclusive, last_complete


def _check_feedback(feedback: pd.DataFrame, *columns: str) -> None:
    missing = [c for c in ("received_at", *columns) if c not in feedback.columns]
    if missing:
        raise ValueError(f"the feedback table lacks the column(s) {', '.join(missing)}")


def feedback_volume(feedback: pd.DataFrame, *, period_end, by: str = "theme",
                    complete_only: bool = True) -> pd.DataFrame:
    """Feedback items per month and theme (or source), with each one's share of the month.

    Parameters
    ----------
    feedback : DataFrame
        The ``feedback`` table.
    period_end : date-like
        The last day counted.
    by : str
        The column to count by: ``theme`` or ``source``.
    complete_only : bool
        Leave out the month holding ``period_end`` unless it is complete.

    Returns
    -------
    DataFrame
        Columns ``period`` (first day of the month), ``by``, ``items``, ``month_items``
        (all items of the month) and ``share`` (``items / month_items``, NaN in a month
        without feedback); every month from the first item's to the last counted, and
        every value of ``by``, so a month without an item is a zero, not a gap.

    Examples
    --------
    >>> feedback = pd.DataFrame({"theme": ["pricing", "pricing", "mobile"],
    ...     "received_at": pd.to_datetime(["2026-01-03", "2026-03-09", "2026-03-10"])})
    >>> feedback_volume(feedback, period_end="2026-03-31")["items"].tolist()
    [0, 1, 0, 0, 1, 1]
    """
    _check_feedback(feedback, by)
    last = (last_complete(period_end, "month") if complete_only
            else pd.Timestamp(period_end).normalize().replace(day=1))
    frame = feedback[feedback["received_at"] < end_exclusive(period_end)]
    month = frame["received_at"].dt.to_period("M").dt.start_time.astype("datetime64[us]")
    frame = frame.assign(period=month)[month <= last]
    groups = sorted(frame[by].dropna().astype("str").unique())
    periods = (pd.date_range(frame["period"].min(), last, freq="MS", unit="us") if len(frame)
               else pd.DatetimeIndex([], dtype="datetime64[us]"))
    counts = (frame.groupby(["period", frame[by].astype("str")]).size()
              .reindex(pd.MultiIndex.from_product([periods, groups], names=["period", by]),
                       fill_value=0))
    out = counts.rename("items").reset_index()
    out["month_items"] = out.groupby("period")["items"].transform("sum")
    out["share"] = out["items"] / out["month_items"].where(out["month_items"] > 0)
    return out.astype({"period": "datetime64[us]", by: "str", "items": "int64",
                       "month_items": "int64", "share": "float64"})


def sentiment_by(feedback: pd.DataFrame, *, by: str = "theme", confidence: float = 0.95
                 ) -> pd.DataFrame:
    """Mean sentiment per theme (or source), with a t interval and the share of negative items.

    Parameters
    ----------
    feedback : DataFrame
        The ``feedback`` table, already cut to the period wanted; items without a
        sentiment are left out.
    by : str
        The column to group by.
    confidence : float
        The interval's confidence, between 0 and 1.

    Returns
    -------
    DataFrame
        Columns ``by``, ``items``, ``sentiment`` (the mean, -1 to 1), ``ci_low``,
        ``ci_high`` (NaN with one item) and ``negative_share`` (sentiment below 0);
        sorted from the most negative mean.

    Examples
    --------
    >>> feedback = pd.DataFrame({"theme": ["a", "a", "b"], "sentiment": [-0.5, 0.1, 0.4],
    ...                          "received_at": pd.Timestamp("2026-01-01")})
    >>> sentiment_by(feedback)[["theme", "sentiment", "negative_share"]].round(2)
      theme  sentiment  negative_share
    0     a       -0.2             0.5
    1     b        0.4             0.0
    """
    _check_feedback(feedback, by, "sentiment")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    frame = feedback.dropna(subset=["sentiment"]).astype({"sentiment": "float64"})
    frame = frame.assign(**{by: frame[by].astype("str"), "negative": frame["sentiment"] < 0})
    out = frame.groupby(by).agg(items=("sentiment", "size"), sentiment=("sentiment", "mean"),
                                sd=("sentiment", "std"), negative_share=("negative", "mean"))
    out["ci_low"], out["ci_high"] = mean_interval(out["sentiment"], out["sd"], out["items"],
                                                  confidence=confidence)
    out = out.reset_index().sort_values(["sentiment", by]).reset_index(drop=True)
    return out[[by, "items", "sentiment", "ci_low", "ci_high", "negative_share"]].astype(
        {"items": "int64", "negative_share": "float64"})


# --- themes that move with detractors -----------------------------------------------------

@dataclass
class DetractorThemes:
    """Which feedback themes rise in the months when more customers are detractors.

    Attributes
    ----------
    themes : DataFrame
        One row per theme, strongest link first: ``theme``, ``months`` (compared),
        ``rho`` (Spearman's rank correlation between the month's detractor share and
        the theme's share of the month's feedback), ``p_value`` (of rho, two-sided),
        ``share_worst`` and ``share_other`` (the theme's share of all feedback in the
        worst months and in the others) and ``lift`` (their ratio).
    months : DataFrame
        One row per month compared: ``period``, ``responses`` (NPS answers),
        ``detractor_share``, ``month_items`` (feedback) and ``worst`` (among the
        months with the highest detractor share).
    top : str or None
        The theme with the highest positive rho whose lift is above 1, if any.
    """

    themes: pd.DataFrame
    months: pd.DataFrame
    top: str | None


def detractor_themes(nps: pd.DataFrame, volume: pd.DataFrame, *, worst: float = 0.25,
                     min_responses: int = 1) -> DetractorThemes:
    """Rank feedback themes by how they move with the share of NPS detractors, month by month.

    Two measures, both on months that have NPS answers and feedback: Spearman's rank
    correlation over all those months (robust to one extreme month, but blind to a
    theme that matters in a single episode), and the lift of the theme in the
    ``worst`` fraction of months (its share of feedback there over its share in the
    others: easy to read, but resting on few months). Themes are ranked by rho, then
    by lift.

    Parameters
    ----------
    nps : DataFrame
        :func:`cpo_kit.metrics.voice.nps_by_period` by month.
    volume : DataFrame
        :func:`feedback_volume` by theme.
    worst : float
        The fraction of months, by detractor share, counted as the worst (at least one).
    min_responses : int
        Months with fewer NPS answers are left out: their detractor share is noise.

    Returns
    -------
    DetractorThemes

    Raises
    ------
    ValueError
        When ``worst`` is not between 0 and 1 or a table lacks a column.

    Examples
    --------
    >>> months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"])
    >>> nps = pd.DataFrame({"period": months, "responses": 10,
    ...                     "detractors": [1, 2, 6, 3]})
    >>> volume = pd.DataFrame({"period": months.repeat(2), "theme": ["bugs", "ui"] * 4,
    ...                        "items": [1, 9, 2, 8, 8, 2, 3, 7]})
    >>> detractor_themes(nps, volume).top
    'bugs'
    """
    if not 0 < worst <= 1:
        raise ValueError(f"worst must be a fraction of the months, above 0 and at most 1, "
                         f"not {worst!r}")
    for name, frame, columns in (("nps", nps, ("period", "responses", "detractors")),
                                 ("volume", volume, ("period", "theme", "items"))):
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")
    counts = volume.pivot_table(index="period", columns="theme", values="items",
                                aggfunc="sum", fill_value=0)
    months = nps[["period", "responses", "detractors"]].set_index("period")
    months = months[months["responses"] >= max(min_responses, 1)]
    months = months.join(counts.sum(axis=1).rename("month_items"), how="inner")
    months = months[months["month_items"] > 0]
    months["detractor_share"] = months["detractors"] / months["responses"]
    # The worst months: highest detractor share, the earlier month first on a tie.
    k = max(1, math.ceil(worst * len(months))) if len(months) else 0
    ranked = months.reset_index().sort_values(["detractor_share", "period"],
                                              ascending=[False, True])
    months["worst"] = months.index.isin(ranked["period"].head(k))
    counts = counts.loc[months.index]
    shares = counts.div(months["month_items"], axis=0)
    rows = []
    for theme in counts.columns:
        rho, p = _spearman(months["detractor_share"], shares[theme])
        in_worst = counts.loc[months["worst"], theme].sum() / counts[months["worst"]].sum().sum()
        others = counts[~months["worst"]]
        in_other = others[theme].sum() / others.sum().sum() if len(others) else float("nan")
        lift = in_worst / in_other if in_other > 0 else float("nan")
        rows.append((str(theme), len(months), rho, p, in_worst, in_other, lift))
    themes = pd.DataFrame(rows, columns=["theme", "months", "rho", "p_value", "share_worst",
                                         "share_other", "lift"])
    themes = themes.sort_values(["rho", "lift", "theme"], ascending=[False, False, True],
                                na_position="last").reset_index(drop=True)
    linked = themes[(themes["rho"] > 0) & (themes["lift"] > 1)]
    months = months.reset_index()[["period", "responses", "detractor_share", "month_items",
                                   "worst"]]
    return DetractorThemes(themes.astype({"months": "int64"}), months,
                           linked["theme"].iloc[0] if len(linked) else None)


def _spearman(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    # A constant series has no rank order: no correlation to report, and no warning.
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return float("nan"), float("nan")
    result = stats.spearmanr(x, y)
    return float(result.statistic), float(result.pvalue)


def theme_spikes(volume: pd.DataFrame, *, ratio: float = 2.0, alpha: float = 0.01,
                 min_items: int = 5) -> pd.DataFrame:
    """Months in which a theme took far more of the feedback than it usually does.

    A theme's usual share is its share of all feedback in the *other* months. A month
    is a spike when the theme has at least ``min_items`` items, at least ``ratio``
    times what its usual share predicts, and a binomial test puts the chance of that
    many or more, at the usual share, below ``alpha``. With many themes and months a
    few spikes are chance: at ``alpha`` 0.01, about one in a hundred theme-months.

    Parameters
    ----------
    volume : DataFrame
        :func:`feedback_volume` by theme.
    ratio : float
        How many times the expected count a spike must reach.
    alpha : float
        The largest binomial tail probability counted as a spike.
    min_items : int
        The fewest items of a theme in a month that can make a spike.

    Returns
    -------
    DataFrame
        Columns ``period``, ``theme``, ``items``, ``month_items``, ``share``,
        ``usual_share``, ``ratio`` (items over the expected count) and ``p_value``;
        the spikes only, by month.

    Examples
    --------
    >>> months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    >>> volume = pd.DataFrame({"period": months.repeat(2), "theme": ["bugs", "ui"] * 3,
    ...                        "items": [2, 38, 1, 39, 20, 20]})
    >>> theme_spikes(volume)[["period", "theme", "items"]].to_string(index=False)
    '    period theme  items\\n2026-03-01  bugs     20'
    """
    if ratio <= 0 or not 0 < alpha < 1 or min_items < 1:
        raise ValueError("ratio must be above 0, alpha between 0 and 1 and min_items at "
                         f"least 1, not {ratio!r}, {alpha!r} and {min_items!r}")
    frame = volume[["period", "theme", "items"]].copy()
    frame["month_items"] = frame.groupby("period")["items"].transform("sum")
    theme_total = frame.groupby("theme")["items"].transform("sum")
    total = frame["items"].sum()
    # The usual share leaves the month itself out, so a spike does not raise its own bar.
    rest = total - frame["month_items"]
    frame["usual_share"] = ((theme_total - frame["items"]) / rest.where(rest > 0))
    expected = frame["month_items"] * frame["usual_share"]
    frame["share"] = frame["items"] / frame["month_items"].where(frame["month_items"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["ratio"] = frame["items"] / expected
    frame["p_value"] = stats.binom.sf(frame["items"] - 1, frame["month_items"],
                                      frame["usual_share"].fillna(0.0))
    spikes = frame[(frame["items"] >= min_items) & (frame["ratio"] >= ratio)
                   & (frame["p_value"] < alpha)]
    columns = ["period", "theme", "items", "month_items", "share", "usual_share", "ratio",
               "p_value"]
    return spikes.sort_values(["period", "p_value"])[columns].reset_index(drop=True)


# --- what people said ---------------------------------------------------------------------

def _quotes(frame: pd.DataFrame, *, text: str, at: str, limit: int, max_chars: int
            ) -> pd.DataFrame:
    """Distinct texts, most often said first, shortened to ``max_chars``."""
    if limit < 1 or max_chars < 10:
        raise ValueError(f"limit must be at least 1 and max_chars at least 10, not {limit!r} "
                         f"and {max_chars!r}")
    said = frame[[at, text]].dropna(subset=[text])
    said = said.assign(**{text: said[text].astype("str").str.strip()})
    said = said[said[text] != ""]
    out = said.groupby(text).agg(times=(at, "size"), last=(at, "max")).reset_index()
    out = out.sort_values(["times", "last", text], ascending=[False, False, True]).head(limit)
    short = out[text].where(out[text].str.len() <= max_chars,
                            out[text].str.slice(0, max_chars - 1).str.rstrip() + "…")
    return pd.DataFrame({"said": short.astype("str"), "times": out["times"].astype("int64"),
                         "last": out["last"].dt.normalize().astype("datetime64[us]")}
                        ).reset_index(drop=True)


def theme_quotes(feedback: pd.DataFrame, *, theme: str, months, limit: int = 5,
                 max_chars: int = 140) -> pd.DataFrame:
    """What customers wrote about ``theme`` in negative feedback during the given months.

    Parameters
    ----------
    feedback : DataFrame
        The ``feedback`` table (``received_at``, ``theme``, ``sentiment``, ``text``).
    theme : str
        The theme to quote.
    months : sequence of date-like
        First days of the months to quote from (such as the worst months of
        :func:`detractor_themes`).
    limit : int
        The most distinct texts returned.
    max_chars : int
        Longer texts are cut and end with an ellipsis.

    Returns
    -------
    DataFrame
        Columns ``said``, ``times`` (how many items said exactly this) and ``last``
        (the day it was last said), most often said first.

    Examples
    --------
    >>> feedback = pd.DataFrame({"theme": "bugs", "sentiment": [-0.5, -0.2, 0.5],
    ...     "text": ["It crashed.", "It crashed.", "Fixed now."],
    ...     "received_at": pd.to_datetime(["2026-03-02", "2026-03-05", "2026-03-09"])})
    >>> theme_quotes(feedback, theme="bugs", months=["2026-03-01"])["times"].tolist()
    [2]
    """
    _check_feedback(feedback, "theme", "text")
    month = feedback["received_at"].dt.to_period("M").dt.start_time
    keep = (feedback["theme"] == theme) & month.isin(pd.DatetimeIndex(months))
    if "sentiment" in feedback.columns:
        keep &= feedback["sentiment"].fillna(0) < 0
    return _quotes(feedback[keep], text="text", at="received_at", limit=limit,
                   max_chars=max_chars)


def detractor_comments(surveys: pd.DataFrame, *, months, limit: int = 5,
                       max_chars: int = 140) -> pd.DataFrame:
    """What NPS detractors (0 to 6) wrote in their comments during the given months.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``survey``, ``submitted_at``, ``nps``, ``comment``).
    months : sequence of date-like
        First days of the months to quote from.
    limit, max_chars : int
        As in :func:`theme_quotes`.

    Returns
    -------
    DataFrame
        As :func:`theme_quotes`.

    Examples
    --------
    >>> surveys = pd.DataFrame({"survey": "nps", "nps": [3, 10], "comment": ["Slow.", "Nice."],
    ...     "submitted_at": pd.to_datetime(["2026-03-02", "2026-03-05"])})
    >>> detractor_comments(surveys, months=["2026-03-01"])["said"].tolist()
    ['Slow.']
    """
    missing = [c for c in ("survey", "submitted_at", "nps", "comment") if c not in surveys]
    if missing:
        raise ValueError(f"the surveys table lacks the column(s) {', '.join(missing)}")
    month = surveys["submitted_at"].dt.to_period("M").dt.start_time
    keep = ((surveys["survey"] == "nps") & (surveys["nps"] <= 6).fillna(False)
            & month.isin(pd.DatetimeIndex(months)))
    return _quotes(surveys[keep], text="comment", at="submitted_at", limit=limit,
                   max_chars=max_chars)
