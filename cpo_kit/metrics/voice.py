"""Customer voice metrics: NPS with its confidence interval, CSAT and SUS, from the surveys table.

The surveys table is small, so everything here is pandas. Answers are grouped
by the month or quarter they were submitted in (a period is named by its first
day), or taken all together with ``period="overall"``. Periods run from the one
holding the first answer to the last complete one on ``period_end``; a period
without answers is kept, with zero responses and NaN scores, so that charts show
the gap instead of hiding it. :func:`csat_interval` and :func:`sus_interval` add the
confidence intervals that the CSAT and SUS metrics do not carry themselves.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.metrics.intervals import Z_95, mean_interval, nps_interval, wilson_interval
from cpo_kit.metrics.periods import end_exclusive
from cpo_kit.metrics.registry import metric

#: The ten statements of the System Usability Scale, one column each in ``surveys``.
SUS_ITEMS = tuple(f"sus_q{i}" for i in range(1, 11))

#: How answers can be grouped.
VOICE_PERIODS = ("month", "quarter", "overall")
_FREQ = {"month": "M", "quarter": "Q"}


@metric("nps", family="voice", title="Net Promoter Score (NPS)",
        definition="Percentage of promoters (9 or 10) minus percentage of detractors "
                   "(0 to 6) among NPS answers in a period; from -100 to 100. Its 95% "
                   "interval is the adjusted Wald one (see NPS per period), which keeps "
                   "a width on a few answers that all agree.",
        formula="NPS = 100 × (promoters − detractors) / responses",
        needs={"surveys": ("survey", "submitted_at", "nps")}, unit="score")
def nps(company, *, start, end) -> dict:
    """NPS of the answers submitted from ``start`` up to and including ``end``.

    Returns
    -------
    dict
        ``nps``, ``responses``, ``promoters``, ``passives``, ``detractors``;
        ``nps`` is None when there is no answer.
    """
    s = company.tables["surveys"]
    end = pd.Timestamp(end) + pd.Timedelta(days=1)
    scores = s.loc[(s["survey"] == "nps") & (s["submitted_at"] >= pd.Timestamp(start))
                   & (s["submitted_at"] < end), "nps"].dropna()
    n = len(scores)
    promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
    return {"nps": 100 * (promoters - detractors) / n if n else None, "responses": n,
            "promoters": promoters, "passives": n - promoters - detractors,
            "detractors": detractors}


# --- periods -------------------------------------------------------------------------------

def _check_period(period: str) -> str:
    if period not in VOICE_PERIODS:
        raise ValueError(f"period must be one of {', '.join(VOICE_PERIODS)}, not {period!r}")
    return period


def _answers(surveys: pd.DataFrame, survey: str, columns: tuple[str, ...], period_end
             ) -> pd.DataFrame:
    """The answers to one survey submitted up to and including ``period_end`` (if not None)."""
    missing = [c for c in ("survey", "submitted_at", *columns) if c not in surveys.columns]
    if missing:
        raise ValueError(f"the surveys table lacks the column(s) {', '.join(missing)}")
    keep = surveys["survey"] == survey
    if period_end is not None:
        keep &= surveys["submitted_at"] < end_exclusive(period_end)
    out = surveys.loc[keep, ["submitted_at", *columns]]
    return out.astype({"submitted_at": "datetime64[us]", **dict.fromkeys(columns, "float64")})


def _totals(answers: pd.DataFrame, *, period: str, period_end, complete_only: bool
            ) -> pd.DataFrame:
    """The numeric columns of ``answers`` summed per period, empty periods at zero."""
    stamps = answers.pop("submitted_at")
    if _check_period(period) == "overall":
        # The one period is named, like any other, by its first day: that of the first answer.
        first = stamps.min().normalize() if len(stamps) else None
        keys = pd.Series(first, index=stamps.index, dtype="datetime64[us]")
        periods = pd.DatetimeIndex([] if first is None else [first], dtype="datetime64[us]")
    else:
        freq = _FREQ[period]
        last = pd.Period(pd.Timestamp(period_end), freq)
        if complete_only and last.end_time.normalize() >= end_exclusive(period_end):
            last -= 1
        labels = stamps.dt.to_period(freq)
        answers, labels = answers[labels <= last], labels[labels <= last]
        keys = labels.dt.start_time.astype("datetime64[us]")
        periods = (pd.period_range(labels.min(), last, freq=freq) if len(labels) else
                   pd.PeriodIndex([], freq=freq)).start_time.astype("datetime64[us]")
    totals = answers.groupby(keys).sum().reindex(periods, fill_value=0)
    return totals.rename_axis("period").reset_index()


def _finish(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    return frame[["period", *dtypes]].astype({"period": "datetime64[us]", **dtypes})


# --- NPS, CSAT and SUS ---------------------------------------------------------------------

def nps_by_period(surveys: pd.DataFrame, *, period_end, period: str = "month",
                  complete_only: bool = True) -> pd.DataFrame:
    """NPS per month, quarter or overall, with its 95% confidence interval.

    The interval is the adjusted Wald interval of :func:`nps_interval`: three
    pseudo-answers (three quarters of a promoter, three quarters of a detractor and
    one and a half passives) are added before the variance is worked out, so that a
    handful of answers that all agree gives a wide interval instead of a single point.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``survey``, ``submitted_at``, ``nps``); answers to
        other surveys and NPS answers without a score are ignored.
    period_end : date-like
        The last day counted.
    period : {"month", "quarter", "overall"}
        How answers are grouped; ``"overall"`` takes every answer up to
        ``period_end`` as one period named by the day of the first answer.
    complete_only : bool
        Leave out the month or quarter holding ``period_end`` unless it is complete.

    Returns
    -------
    DataFrame
        Columns ``period``, ``responses``, ``promoters``, ``passives``,
        ``detractors`` (int64), ``nps``, ``ci_low`` and ``ci_high`` (float64, NaN
        without answers).

    Raises
    ------
    ValueError
        For an unknown ``period``.
    """
    answers = _answers(surveys, "nps", ("nps",), period_end).dropna()
    score = answers.pop("nps")
    answers["responses"] = 1
    answers["promoters"] = (score >= 9).astype("int64")
    answers["detractors"] = (score <= 6).astype("int64")
    out = _totals(answers, period=period, period_end=period_end, complete_only=complete_only)
    n = out["responses"].where(out["responses"] > 0)
    out["passives"] = out["responses"] - out["promoters"] - out["detractors"]
    out["nps"] = 100 * (out["promoters"] - out["detractors"]) / n
    out["ci_low"], out["ci_high"] = nps_interval(out["promoters"], out["detractors"],
                                                 out["responses"])
    return _finish(out, {"responses": "int64", "promoters": "int64", "passives": "int64",
                         "detractors": "int64", "nps": "float64", "ci_low": "float64",
                         "ci_high": "float64"})


def csat_by_period(surveys: pd.DataFrame, *, period_end, period: str = "month",
                   complete_only: bool = True) -> pd.DataFrame:
    """CSAT per month, quarter or overall: the share of answers scoring 4 or 5 out of 5.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``survey``, ``submitted_at``, ``csat``); CSAT answers
        without a score are ignored.
    period_end : date-like
        The last day counted.
    period : {"month", "quarter", "overall"}
        How answers are grouped (see :func:`nps_by_period`).
    complete_only : bool
        Leave out the month or quarter holding ``period_end`` unless it is complete.

    Returns
    -------
    DataFrame
        Columns ``period``, ``responses``, ``satisfied`` (answers of 4 or 5; int64),
        ``csat`` (their share, 0 to 1) and ``mean_score`` (1 to 5); scores are NaN
        without answers.
    """
    answers = _answers(surveys, "csat", ("csat",), period_end).dropna()
    answers["responses"] = 1
    answers["satisfied"] = (answers["csat"] >= 4).astype("int64")
    out = _totals(answers, period=period, period_end=period_end, complete_only=complete_only)
    n = out["responses"].where(out["responses"] > 0)
    out["csat"], out["mean_score"] = out["satisfied"] / n, out.pop("csat") / n
    return _finish(out, {"responses": "int64", "satisfied": "int64", "csat": "float64",
                         "mean_score": "float64"})


def sus_scores(surveys: pd.DataFrame) -> pd.DataFrame:
    """The System Usability Scale score of each complete SUS answer.

    Odd statements are worded positively and even ones negatively, so each odd
    item scores ``answer - 1`` and each even one ``5 - answer``; the sum, 0 to 40,
    times 2.5 gives 0 to 100.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``response_id``, ``survey``, ``submitted_at`` and
        ``sus_q1`` to ``sus_q10``).

    Returns
    -------
    DataFrame
        Columns ``response_id``, ``submitted_at`` and ``sus`` (float64), sorted by
        ``submitted_at``; answers missing any of the ten items are left out.
    """
    if "response_id" not in surveys.columns:
        raise ValueError("the surveys table lacks the column(s) response_id")
    answers = _answers(surveys, "sus", SUS_ITEMS, None).dropna(subset=list(SUS_ITEMS))
    out = pd.DataFrame({"response_id": surveys.loc[answers.index, "response_id"].astype("str"),
                        "submitted_at": answers["submitted_at"],
                        "sus": 2.5 * _points(answers)})
    return out.sort_values(["submitted_at", "response_id"]).reset_index(drop=True)


def _points(answers: pd.DataFrame) -> pd.Series:
    odd, even = list(SUS_ITEMS[0::2]), list(SUS_ITEMS[1::2])
    return (answers[odd] - 1).sum(axis=1) + (5 - answers[even]).sum(axis=1)


def sus_by_period(surveys: pd.DataFrame, *, period_end, period: str = "month",
                  complete_only: bool = True) -> pd.DataFrame:
    """The average SUS score per month, quarter or overall.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table (``survey``, ``submitted_at``, ``sus_q1`` to ``sus_q10``).
    period_end : date-like
        The last day counted.
    period : {"month", "quarter", "overall"}
        How answers are grouped (see :func:`nps_by_period`).
    complete_only : bool
        Leave out the month or quarter holding ``period_end`` unless it is complete.

    Returns
    -------
    DataFrame
        Columns ``period``, ``responses`` (complete answers), ``incomplete`` (SUS
        answers missing an item, left out of the score; int64) and ``sus`` (the
        mean score, 0 to 100, NaN without complete answers).
    """
    answers = _answers(surveys, "sus", SUS_ITEMS, period_end)
    complete = answers[list(SUS_ITEMS)].notna().all(axis=1)
    points = _points(answers).where(complete, 0.0)
    answers = answers[["submitted_at"]].assign(responses=complete.astype("int64"),
                                               incomplete=(~complete).astype("int64"),
                                               points=points)
    out = _totals(answers, period=period, period_end=period_end, complete_only=complete_only)
    out["sus"] = 2.5 * out["points"] / out["responses"].where(out["responses"] > 0)
    return _finish(out, {"responses": "int64", "incomplete": "int64", "sus": "float64"})


# --- intervals the registered metrics do not give --------------------------------------

def csat_interval(csat: pd.DataFrame, *, z: float = Z_95) -> pd.DataFrame:
    """CSAT per period with its Wilson interval.

    Parameters
    ----------
    csat : DataFrame
        The output of :func:`cpo_kit.metrics.voice.csat_by_period`.
    z : float
        The normal quantile of the interval.

    Returns
    -------
    DataFrame
        ``csat`` with ``ci_low`` and ``ci_high`` (shares, NaN without answers).

    Examples
    --------
    >>> csat = pd.DataFrame({"period": [pd.Timestamp("2026-01-01")], "responses": [10],
    ...                      "satisfied": [8], "csat": [0.8], "mean_score": [4.1]})
    >>> csat_interval(csat)["ci_low"].round(3).tolist()
    [0.49]
    """
    missing = [c for c in ("responses", "satisfied") if c not in csat.columns]
    if missing:
        raise ValueError(f"csat lacks the column(s) {', '.join(missing)}")
    out = csat.copy()
    out["ci_low"], out["ci_high"] = wilson_interval(out["satisfied"], out["responses"], z=z)
    return out


def sus_interval(surveys: pd.DataFrame, *, period_end, period: str = "month",
                 complete_only: bool = True, confidence: float = 0.95) -> pd.DataFrame:
    """The average SUS score per period with a t interval of the mean.

    Parameters
    ----------
    surveys : DataFrame
        The ``surveys`` table.
    period_end : date-like
        The last day counted.
    period : {"month", "quarter"}
        How answers are grouped.
    complete_only : bool
        Leave out the period holding ``period_end`` unless it is complete.
    confidence : float
        The interval's confidence, between 0 and 1.

    Returns
    -------
    DataFrame
        The columns of :func:`cpo_kit.metrics.voice.sus_by_period` with ``sd`` (the
        standard deviation of the scores), ``ci_low`` and ``ci_high`` (NaN with fewer
        than two complete answers).

    Examples
    --------
    >>> items = {f"sus_q{i}": [3, 5 if i % 2 else 1] for i in range(1, 11)}
    >>> surveys = pd.DataFrame({"response_id": ["r1", "r2"], "survey": "sus",
    ...     "submitted_at": pd.to_datetime(["2026-01-05", "2026-01-06"]), **items})
    >>> sus_interval(surveys, period_end="2026-01-31")[["sus", "sd"]].round(2).values.tolist()
    [[75.0, 35.36]]
    """
    if period not in ("month", "quarter"):
        raise ValueError(f"period must be month or quarter, not {period!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    out = sus_by_period(surveys, period_end=period_end, period=period,
                        complete_only=complete_only)
    scores = sus_scores(surveys)
    freq = {"month": "M", "quarter": "Q"}[period]
    scores["period"] = scores["submitted_at"].dt.to_period(freq).dt.start_time.astype(
        "datetime64[us]")
    sd = scores.groupby("period")["sus"].std(ddof=1)
    out["sd"] = out["period"].map(sd).astype("float64")
    out["ci_low"], out["ci_high"] = mean_interval(out["sus"], out["sd"], out["responses"],
                                                  confidence=confidence)
    return out


# --- registered metrics ---------------------------------------------------------------------

@metric("nps_by_period", family="voice",
        title="NPS per period, with 95% confidence interval",
        definition="NPS of the answers in each month or quarter (or overall), with the 95% "
                   "adjusted Wald interval: three pseudo-answers (3/4 of a promoter, 3/4 of a "
                   "detractor, 3/2 passives) are added before the variance of the promoter "
                   "share minus the detractor share is worked out, so that a few answers that "
                   "all agree still give a wide interval; clipped to -100 and 100 and widened, "
                   "where needed, to hold the observed NPS.",
        formula="CI = 100 × (p − d) ± 1.96 × 100 × sqrt((p + d − (p − d)²) / (n + 3)), with "
                "p = (promoters + 3/4) / (n + 3) and d = (detractors + 3/4) / (n + 3) among "
                "n answers",
        needs={"surveys": ("survey", "submitted_at", "nps")}, unit="score")
def nps_periods(company, *, period_end, period: str = "month", complete_only: bool = True):
    """NPS per period with its interval; see :func:`nps_by_period`."""
    return nps_by_period(company.tables["surveys"], period_end=period_end, period=period,
                         complete_only=complete_only)


@metric("csat", family="voice", title="Customer satisfaction (CSAT)",
        definition="Share of CSAT answers scoring 4 or 5 on the 1 to 5 scale (the top-2-box "
                   "definition, rather than the mean score, which is reported beside it).",
        formula="CSAT = answers scoring 4 or 5 / answers",
        needs={"surveys": ("survey", "submitted_at", "csat")}, unit="share")
def csat(company, *, period_end, period: str = "month", complete_only: bool = True):
    """CSAT per period; see :func:`csat_by_period`."""
    return csat_by_period(company.tables["surveys"], period_end=period_end, period=period,
                          complete_only=complete_only)


@metric("sus", family="voice", title="System Usability Scale (SUS)",
        definition="Average over a period's SUS answers of the standard 0 to 100 score, "
                   "leaving out answers that miss any of the ten statements.",
        formula="SUS = 2.5 × (Σ odd items (answer − 1) + Σ even items (5 − answer))",
        needs={"surveys": ("survey", "submitted_at", *SUS_ITEMS)}, unit="score")
def sus(company, *, period_end, period: str = "month", complete_only: bool = True):
    """Average SUS per period; see :func:`sus_by_period`."""
    return sus_by_period(company.tables["surveys"], period_end=period_end, period=period,
                         complete_only=complete_only)
