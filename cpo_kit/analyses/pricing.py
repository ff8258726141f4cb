"""Pricing: the Van Westendorp price sensitivity meter, for all respondents and by segment.

Each respondent names four prices for the same thing (a month of a plan, a seat for a
month): too cheap (quality is doubted), cheap (a bargain), expensive (still considered)
and too expensive. At each price ``p`` the curves give the share of respondents whose
too-cheap or cheap answer is ``p`` or more (falling curves), whose expensive or
too-expensive answer is ``p`` or less (rising), and the complements not cheap
(1 − cheap) and not expensive (1 − expensive).
Four crossings summarise them:

- OPP, optimal price point: too cheap = too expensive (the fewest put off);
- IPP, indifference price point: cheap = expensive, the classic definition. Sources that
  cross "not cheap" with "not expensive" instead get the same price, as those curves are
  the complements of the same two;
- PMC, point of marginal cheapness: too cheap = not cheap, the low end of the range of
  acceptable prices; PME, point of marginal expensiveness: too expensive = not
  expensive, its high end. (Some practitioners use "expensive" for "not cheap" and
  "cheap" for "not expensive" here; that gives a different range.)

What a past price change did to conversion, churn and first bills is in
:mod:`cpo_kit.analyses.price_change`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpo_kit.analyses.price_change import _groups

#: The four answers of a Van Westendorp survey, from the lowest price to the highest.
ANSWERS = ("too_cheap", "cheap", "expensive", "too_expensive")
#: The price points, with the curves that cross at each: (falling curve, rising curve).
POINTS = {"pmc": ("too_cheap", "not_cheap"), "opp": ("too_cheap", "too_expensive"),
          "ipp": ("cheap", "expensive"), "pme": ("not_expensive", "too_expensive")}


@dataclass
class PriceSensitivity:
    """The Van Westendorp meter of one group of respondents.

    Attributes
    ----------
    curves : DataFrame
        ``price`` (every price a respondent named) and the six curves' shares at it.
    points : dict
        ``pmc``, ``opp``, ``ipp`` and ``pme``; NaN where the curves do not cross.
    respondents, dropped : int
        Respondents counted, and left out for answers incomplete or out of order.
    """

    curves: pd.DataFrame
    points: dict
    respondents: int
    dropped: int

    @property
    def acceptable_range(self) -> tuple[float, float]:
        """The range of acceptable prices: from PMC to PME."""
        return self.points["pmc"], self.points["pme"]


def crossing(prices, falling, rising) -> float:
    """The price at which a falling curve meets a rising one.

    Parameters
    ----------
    prices : array-like
        Increasing prices.
    falling, rising : array-like
        The two curves' values at those prices (non-increasing and non-decreasing).

    Returns
    -------
    float
        The first price at which the curves are equal (the middle of a stretch where
        they stay equal); where they pass each other between two prices, the crossing of
        the straight lines joining those points; NaN if they do not meet.

    Examples
    --------
    >>> crossing([10, 20, 30], [1.0, 0.5, 0.0], [0.0, 0.25, 1.0])
    22.0
    >>> crossing([10, 20], [1.0, 0.8], [0.0, 0.5])
    nan
    """
    prices = np.asarray(prices, dtype="float64")
    gap = np.asarray(falling, dtype="float64") - np.asarray(rising, dtype="float64")
    if len(prices) == 0 or len(prices) != len(gap):
        raise ValueError("prices and the two curves must be non-empty and of equal length")
    meets = np.flatnonzero(gap <= 0)
    if len(meets) == 0:
        return float("nan")
    i = int(meets[0])
    if gap[i] == 0:
        # The curves touch at a named price; if they run together for a while, the
        # crossing is the middle of that stretch rather than its arbitrary first price.
        j = i
        while j + 1 < len(gap) and gap[j + 1] == 0:
            j += 1
        return float((prices[i] + prices[j]) / 2)
    if i == 0:
        return float("nan")  # already crossed below the lowest price anyone named
    share = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(prices[i - 1] + share * (prices[i] - prices[i - 1]))


def price_sensitivity(survey: pd.DataFrame) -> PriceSensitivity:
    """The Van Westendorp curves and price points of a survey.

    Respondents whose answers are incomplete or out of order (a "too cheap" price above
    their "cheap" one, say) are left out, as is usual: they misread a question.

    Parameters
    ----------
    survey : DataFrame
        The ``price_survey`` table, or the rows of one segment of it.

    Returns
    -------
    PriceSensitivity

    Examples
    --------
    >>> survey = pd.DataFrame({"too_cheap": [10, 20], "cheap": [20, 30],
    ...                        "expensive": [30, 40], "too_expensive": [40, 50]})
    >>> meter = price_sensitivity(survey)
    >>> meter.points
    {'pmc': 25.0, 'opp': 30.0, 'ipp': 30.0, 'pme': 35.0}
    """
    missing = [c for c in ANSWERS if c not in survey.columns]
    if missing:
        raise ValueError(f"the price survey lacks the column(s) {', '.join(missing)}")
    answers = survey[list(ANSWERS)].astype("float64")
    keep = ((answers["too_cheap"] <= answers["cheap"]) & (answers["cheap"] <= answers["expensive"])
            & (answers["expensive"] <= answers["too_expensive"]))  # False where one is missing
    answers = answers[keep]
    if answers.empty:
        raise ValueError("the price survey has no respondent with four answers in order "
                         "(too cheap <= cheap <= expensive <= too expensive)")
    prices = np.unique(answers.to_numpy().ravel())
    n = len(answers)

    def at_least(column):  # share whose answer is the price or more, at each price
        values = np.sort(answers[column].to_numpy())
        return (n - np.searchsorted(values, prices, side="left")) / n

    def at_most(column):  # share whose answer is the price or less, at each price
        values = np.sort(answers[column].to_numpy())
        return np.searchsorted(values, prices, side="right") / n

    curves = pd.DataFrame({"price": prices, "too_cheap": at_least("too_cheap"),
                           "cheap": at_least("cheap")})
    curves["not_cheap"] = 1 - curves["cheap"]
    curves["expensive"] = at_most("expensive")
    curves["not_expensive"] = 1 - curves["expensive"]
    curves["too_expensive"] = at_most("too_expensive")
    points = {name: crossing(prices, curves[down], curves[up])
              for name, (down, up) in POINTS.items()}
    return PriceSensitivity(curves, points, n, int((~keep).sum()))


def price_points_by_segment(survey: pd.DataFrame, *, segment: str = "segment"
                            ) -> pd.DataFrame:
    """The four price points for all respondents and for each segment.

    Parameters
    ----------
    survey : DataFrame
        The ``price_survey`` table.
    segment : str
        The column that groups respondents; those without one form ``(missing)``.

    Returns
    -------
    DataFrame
        One row for ``All``, then one per segment (by company size, then by name):
        ``segment``, ``respondents``, ``dropped``, ``pmc``, ``opp``, ``ipp``, ``pme``.

    Examples
    --------
    >>> survey = pd.DataFrame({"segment": ["A", "A"], "too_cheap": [10, 20],
    ...                        "cheap": [20, 30], "expensive": [30, 40],
    ...                        "too_expensive": [40, 50]})
    >>> price_points_by_segment(survey)[["segment", "opp"]].to_dict("list")
    {'segment': ['All', 'A'], 'opp': [30.0, 30.0]}
    """
    _, groups = _groups(survey, segment if segment in survey.columns else None)
    rows = []
    for name, rows_of in groups:
        try:
            meter = price_sensitivity(rows_of)
        except ValueError:
            continue  # a segment whose every answer was out of order has no meter
        rows.append({"segment": name, "respondents": meter.respondents,
                     "dropped": meter.dropped, **meter.points})
    return pd.DataFrame(rows, columns=["segment", "respondents", "dropped", *POINTS])


def select_respondents(survey: pd.DataFrame, segment: str, *, column: str = "segment"
                       ) -> pd.DataFrame:
    """The respondents of one segment, or all of them for ``"all"``.

    Examples
    --------
    >>> survey = pd.DataFrame({"segment": ["A", "B"], "cheap": [1, 2]})
    >>> select_respondents(survey, "B")["cheap"].tolist()
    [2]
    """
    if segment.lower() == "all":
        return survey
    known = [] if column not in survey.columns else list(survey[column].dropna().unique())
    if segment not in known:
        raise ValueError(f"no respondent is in the segment {segment!r}; choose 'all' or one "
                         f"of: {', '.join(map(str, known)) or '(none)'}")
    return survey[survey[column] == segment]
