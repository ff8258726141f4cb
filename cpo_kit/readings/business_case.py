"""Readings of the business-case notebook: the appraisal, payback, sensitivity, forecast.

Each function takes a frame the notebook computed with :mod:`cpo_kit.analyses.finance`
or :mod:`cpo_kit.analyses.forecast` and writes what it shows for this company;
:func:`recommendations` keeps the next steps whose condition holds.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.readings.common import join, literal, money_safe, month_name, names, shows

#: How the tornado's drivers are named in a sentence.
DRIVERS = {"discount_rate": "the discount rate", "benefit_scale": "the benefit estimates",
           "cost_scale": "the cost estimates", "ramp_up": "the ramp-up",
           "horizon_years": "the horizon", "delay_months": "a delivery slip"}


def _driver(name) -> str:
    return DRIVERS.get(name, literal(name))


def _capital(text: str) -> str:
    """``text`` with its first letter upper case, the rest as it is."""
    return text[:1].upper() + text[1:]


def appraisal(frame: pd.DataFrame, *, company: str, total: float) -> str:
    """The initiative worth most, the ones that destroy value, and the whole portfolio's NPV.

    Parameters
    ----------
    frame : DataFrame
        ``appraise``'s result, highest NPV first: ``title``, ``npv``, ``payback_months``.
    company : str
        The company, as named in titles.
    total : float
        The NPV of all proposed initiatives together.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if frame.empty:
        return shows(company, ["No proposed initiative has a cost and a benefit."])
    top = frame.loc[frame["npv"].idxmax()]
    sentences = [f"{literal(top['title'])} adds most, "
                 f"{money_safe(formats.money(top['npv']))} in today's money"
                 + (f", and pays back in {formats.number(top['payback_months'])} months."
                    if pd.notna(top["payback_months"]) else ".")]
    losing = frame[frame["npv"] < 0]
    if len(losing):
        sentences.append(f"{formats.count(len(losing))} of the {formats.count(len(frame))} "
                         f"initiatives destroy{'s' if len(losing) == 1 else ''} value at this "
                         f"rate and horizon: {names(losing['title'])}.")
    sentences.append("Together the proposed initiatives are worth "
                     f"{money_safe(formats.money(total))}.")
    return shows(company, sentences)


def payback(frame: pd.DataFrame, *, company: str) -> str:
    """The deepest dip before money comes back, and the initiatives that never pay back.

    Parameters
    ----------
    frame : DataFrame
        ``appraise``'s result: ``title``, ``total_cost``, ``build_months``,
        ``payback_months``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if frame.empty:
        return shows(company, ["There is no initiative to draw."])
    deep = frame.loc[frame["total_cost"].idxmax()]
    sentences = [f"The deepest dip is {money_safe(formats.money(deep['total_cost']))}, spent over "
                 f"{formats.count(deep['build_months'])} months on {literal(deep['title'])} "
                 "before anything comes back."]
    never = frame[frame["payback_months"].isna()]
    if len(never):
        sentences.append(f"{names(never['title'])} "
                         f"{'does' if len(never) == 1 else 'do'} not pay back within the "
                         "horizon.")
    else:
        slow = frame.loc[frame["payback_months"].idxmax()]
        sentences.append(f"Every initiative pays back within the horizon, the slowest "
                         f"{literal(slow['title'])} in "
                         f"{formats.number(slow['payback_months'])} months.")
    return shows(company, sentences)


def sensitivity(swings: pd.DataFrame, *, company: str) -> str:
    """The two assumptions that move the NPV most, and any that would change its sign.

    Parameters
    ----------
    swings : DataFrame
        ``sensitivity``'s result, widest first: ``driver``, ``npv_low``, ``npv_high``,
        ``base_npv``, ``swing``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    if swings.empty:
        return shows(company, ["No assumption was varied."])
    wide = swings.sort_values("swing", ascending=False, kind="stable").head(2)
    sentences = ["The NPV moves most with "
                 + join(f"{_driver(r['driver'])} (from "
                        f"{money_safe(formats.money(min(r['npv_low'], r['npv_high'])))} to "
                        f"{money_safe(formats.money(max(r['npv_low'], r['npv_high'])))})"
                        for _, r in wide.iterrows()) + "."]
    flips = _flips(swings)
    if len(flips):
        base = swings["base_npv"].iloc[0]
        sentences.append(f"Each of {join(_driver(d) for d in flips['driver'])} could alone, "
                         f"within its range, turn the NPV "
                         f"{'negative' if base >= 0 else 'positive'}."
                         if len(flips) > 1 else
                         f"{_capital(_driver(flips['driver'].iloc[0]))} could alone, within "
                         f"its range, turn the NPV {'negative' if base >= 0 else 'positive'}.")
    return shows(company, sentences)


def _flips(swings: pd.DataFrame) -> pd.DataFrame:
    """The drivers whose low or high value gives the NPV the other sign than the base."""
    base = swings["base_npv"]
    low, high = swings[["npv_low", "npv_high"]].min(axis=1), swings[["npv_low", "npv_high"]].max(
        axis=1)
    return swings[((base >= 0) & (low < 0)) | ((base < 0) & (high >= 0))]


def forecast(history: pd.DataFrame, ahead: pd.DataFrame, *, company: str) -> str:
    """Where MRR is forecast to be at the end, against the last month, with the 80% band.

    Parameters
    ----------
    history : DataFrame
        Monthly MRR: ``month``, ``mrr``.
    ahead : DataFrame
        ``forecast_mrr``'s result: ``month``, ``forecast``, ``lower_80``, ``upper_80``.
    company : str
        The company, as named in titles.

    Returns
    -------
    str
        A markdown paragraph.
    """
    last, end = history.iloc[-1], ahead.iloc[-1]
    return shows(company, [
        f"MRR is forecast to go from {money_safe(formats.money(last['mrr']))} in "
        f"{month_name(last['month'])} to {money_safe(formats.money(end['forecast']))} in "
        f"{month_name(end['month'])} "
        f"({formats.share(end['forecast'] / last['mrr'] - 1, decimals=0, signed=True)}).",
        "Four times out of five it lands between "
        f"{money_safe(formats.money(end['lower_80']))} and "
        f"{money_safe(formats.money(end['upper_80']))}."])


def backtest(methods: pd.DataFrame, *, company: str, method: str, months: int) -> str:
    """How far the chosen method was off on the held-out months, and whether another did better.

    Parameters
    ----------
    methods : DataFrame
        ``compare_methods``' result: ``method``, ``mape``, ``coverage_80``.
    company : str
        The company, as named in titles.
    method : str
        The method the notebook forecasts with.
    months : int
        The months held out.

    Returns
    -------
    str
        A markdown paragraph.
    """
    chosen = methods[methods["method"] == method]
    if chosen.empty:
        return shows(company, [f"The method {literal(method)} was not checked."])
    row = chosen.iloc[0]
    sentences = [f"Over the last {formats.count(months)} months, {literal(method)} was off by "
                 f"{formats.share(row['mape'])} on average, and "
                 f"{formats.share(row['coverage_80'], decimals=0)} of the months fell inside "
                 "its 80% band."]
    best = methods.loc[methods["mape"].idxmin()]
    if best["method"] != method:
        sentences.append(f"{literal(best['method'])} did better "
                         f"({formats.share(best['mape'])}).")
    else:
        sentences.append("No other method did better.")
    return shows(company, sentences)


def recommendations(*, appraisal: pd.DataFrame | None = None,
                    swings: pd.DataFrame | None = None, ahead: pd.DataFrame | None = None,
                    methods: pd.DataFrame | None = None, method: str = "ets_damped",
                    mape_limit: float = 0.10, least_inside: float = 0.6) -> list[str]:
    """The next steps whose condition holds on this company's numbers.

    The conditions, each giving one sentence:

    - an initiative has a positive NPV: fund the top of the ranking first;
    - an initiative has a negative NPV;
    - one assumption alone, within its range, changes the sign of the portfolio's NPV;
    - the forecast's backtest error is at most ``mape_limit``: its 80% band's low end is
      a revenue floor;
    - the backtest error is above ``mape_limit``;
    - fewer than ``least_inside`` of the held-out months fell inside the 80% band;
    - another method had a lower backtest error than ``method``.

    Parameters
    ----------
    appraisal : DataFrame, optional
        ``appraise``'s result (``title``, ``npv``).
    swings : DataFrame, optional
        ``sensitivity``'s result.
    ahead : DataFrame, optional
        ``forecast_mrr``'s result (``month``, ``lower_80``).
    methods : DataFrame, optional
        ``compare_methods``' result (``method``, ``mape``, ``coverage_80``).
    method : str
        The method the notebook forecasts with.
    mape_limit : float
        The backtest error above which the forecast is a direction, not a number.
    least_inside : float
        The share of held-out months inside the 80% band below which the bands are too
        narrow.

    Returns
    -------
    list of str
        Markdown sentences, in the order of the conditions above.
    """
    out = []
    if appraisal is not None and len(appraisal):
        gaining = appraisal[appraisal["npv"] > 0].sort_values("npv", ascending=False,
                                                              kind="stable")
        if len(gaining):
            top = gaining.head(3)
            each = [f"{literal(t)} ({money_safe(formats.money(v))})"
                    for t, v in zip(top["title"], top["npv"])]
            out.append(f"Fund the top of the NPV ranking first ({join(each)}), and write "
                       "each benefit as a metric with a date, to review after launch.")
        losing = appraisal[appraisal["npv"] < 0]
        if len(losing):
            out.append(f"{names(losing['title'])} "
                       f"{'has' if len(losing) == 1 else 'have'} a negative NPV (down to "
                       f"{money_safe(formats.money(losing['npv'].min()))}): write down the "
                       "reason to do "
                       f"{'it' if len(losing) == 1 else 'them'} anyway, or take "
                       f"{'it' if len(losing) == 1 else 'them'} off the roadmap.")
    if swings is not None and len(swings):
        flips = _flips(swings)
        if len(flips):
            out.append(_capital(join(_driver(d) for d in flips["driver"]))
                       + " alone could turn the portfolio's NPV of "
                       f"{money_safe(formats.money(swings['base_npv'].iloc[0]))} the other "
                       "way: ask the owners of those estimates for their evidence before the "
                       "money is committed.")
    chosen = None if methods is None else methods[methods["method"] == method]
    if chosen is not None and len(chosen):
        row = chosen.iloc[0]
        if row["mape"] <= mape_limit and ahead is not None and len(ahead):
            end = ahead.iloc[-1]
            out.append(f"Use {money_safe(formats.money(end['lower_80']))}, the low end of the "
                       "80% band for "
                       f"{month_name(end['month'])}, as the revenue floor of the "
                       "plan, and rerun this each month: a month outside the band is a "
                       "signal to look for its cause.")
        if row["mape"] > mape_limit:
            out.append(f"The forecast was off by {formats.share(row['mape'])} on the held-out "
                       f"months, more than {formats.share(mape_limit, decimals=0)}: treat it "
                       "as a direction, not a number, and plan with what you know is coming.")
        if row["coverage_80"] < least_inside:
            out.append(("None" if row["coverage_80"] == 0 else
                        f"Only {formats.share(row['coverage_80'], decimals=0)}")
                       + " of the held-out months fell inside the 80% band: the real "
                       "uncertainty is wider than "
                       "drawn, so budget with a wider margin.")
        best = methods.loc[methods["mape"].idxmin()]
        if best["mape"] < row["mape"]:
            out.append(f"{literal(best['method'])} was off by {formats.share(best['mape'])} "
                       f"against {formats.share(row['mape'])}: try it as `forecast_method`.")
    return out


#: What :func:`recommendations` looks at, for the sentence shown when nothing holds.
CHECKED = ("the NPV of each initiative, assumptions that change the portfolio's sign, and "
           "the forecast's backtest error, band and method")
