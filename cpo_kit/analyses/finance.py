"""The business case of roadmap initiatives: cash flows, NPV, IRR, payback and ROI.

How an initiative's cash flows are built (monthly, over a horizon counted from the
start of work):

- its one-off ``cost`` is spent in equal parts over its build months;
- its yearly ``expected_benefit`` starts the month after the build ends, at
  ``ramp_up`` of its full rate during the first twelve months live and at the full
  rate after that;
- nothing counts after the horizon, so a long build leaves fewer months of benefit.

Money is discounted monthly at the equivalent of a yearly ``discount_rate``
(``(1 + rate) ** (month / 12)``); the IRR is written as a yearly rate too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq

#: Days in an average month, to turn start and due dates into build months.
_DAYS_PER_MONTH = 365.25 / 12


def npv(flows, *, rate: float, periods_per_year: int = 1) -> float:
    """Net present value of cash flows at the ends of equal periods, the first one now.

    Parameters
    ----------
    flows : sequence of float
        Cash flow of each period; ``flows[0]`` is not discounted.
    rate : float
        Discount rate per year (0.1 for 10%); above -1.
    periods_per_year : int
        12 for monthly flows, 1 for yearly ones.

    Returns
    -------
    float

    Examples
    --------
    >>> round(npv([-100, 60, 60], rate=0.1), 2)
    4.13
    """
    if rate <= -1:
        raise ValueError(f"rate must be above -1 (-100%), not {rate}")
    values = np.asarray(flows, dtype=float)
    years = np.arange(len(values)) / periods_per_year
    return float((values / (1 + rate) ** years).sum())


def irr(flows, *, periods_per_year: int = 1) -> float:
    """Internal rate of return: the yearly discount rate at which the NPV is zero.

    Solved with Brent's method between -99% and 10^11 % a year. An initiative that
    returns less than it costs has a negative IRR; one that costs little and pays
    back within weeks has an IRR in the thousands of percent, which says only that
    the IRR is the wrong yardstick for it (read its NPV and payback instead). Where
    the NPV does not change sign over that range (a cost never followed by any
    benefit, or flows without a cost), there is no IRR and NaN is returned.

    Parameters
    ----------
    flows : sequence of float
        As for :func:`npv`.
    periods_per_year : int
        As for :func:`npv`.

    Returns
    -------
    float
        The yearly rate, or NaN.

    Examples
    --------
    >>> round(irr([-100, 60, 60]), 4)
    0.1307
    >>> round(irr([-100, 30, 30]), 4)
    -0.2821
    >>> irr([-100, 0, 0])
    nan
    """
    values = np.asarray(flows, dtype=float)
    if not ((values < 0).any() and (values > 0).any()):
        return math.nan  # without both money out and money in, no rate balances them
    low, high = -0.99, 1e9

    def at(rate):
        return npv(values, rate=rate, periods_per_year=periods_per_year)

    if at(low) * at(high) > 0:
        return math.nan
    return float(brentq(at, low, high, xtol=1e-10))


def payback_months(flows, *, periods_per_year: int = 12, rate: float = 0.0) -> float:
    """Months until the cumulative cash flow turns from negative to zero or above.

    Within the period where it crosses zero, the cash flow is taken as earned evenly,
    the usual convention ("years before recovery + unrecovered cost / next year's flow").

    Parameters
    ----------
    flows : sequence of float
        As for :func:`npv`.
    periods_per_year : int
        As for :func:`npv`.
    rate : float
        Yearly discount rate: 0 (the default) gives the simple payback period, a
        positive rate the discounted payback period.

    Returns
    -------
    float
        Months from the first flow; 0 when nothing is ever owed; NaN when the
        cumulative flow is still negative at the last period.

    Examples
    --------
    >>> round(payback_months([-100, 60, 60], periods_per_year=1), 2)
    20.0
    """
    values = np.asarray(flows, dtype=float)
    values = values / (1 + rate) ** (np.arange(len(values)) / periods_per_year)
    cumulative = np.cumsum(values)
    if (cumulative >= 0).all():
        return 0.0
    below = np.flatnonzero(cumulative < 0)[-1]
    if below == len(values) - 1:
        return math.nan
    periods = below + (-cumulative[below]) / values[below + 1]
    return float(periods * 12 / periods_per_year)


@dataclass(frozen=True)
class Assumptions:
    """What the business case assumes beyond each initiative's cost and benefit.

    Parameters
    ----------
    discount_rate : float
        Yearly rate at which future money is worth less (0.10 = 10%).
    horizon_years : float
        Years counted from the start of work; cash flows after it are ignored.
    ramp_up : float
        Share of the full yearly benefit earned during the first twelve months live.
    default_build_months : float
        Build time of an initiative without both a start and a due date.
    delay_months : float
        Months of slip added to every build (0 for the plan as it stands).
    benefit_scale, cost_scale : float
        Multipliers of every benefit and cost (1 for the estimates as they stand).
    """

    discount_rate: float = 0.10
    horizon_years: float = 3
    ramp_up: float = 0.5
    default_build_months: float = 3
    delay_months: float = 0
    benefit_scale: float = 1.0
    cost_scale: float = 1.0

    def __post_init__(self):
        if self.discount_rate <= -1:
            raise ValueError(f"discount_rate must be above -1, not {self.discount_rate}")
        if self.horizon_years <= 0:
            raise ValueError(f"horizon_years must be above 0, not {self.horizon_years}")
        if not 0 <= self.ramp_up <= 1:
            raise ValueError(f"ramp_up must lie between 0 and 1, not {self.ramp_up}")
        for name in ("default_build_months", "delay_months", "benefit_scale", "cost_scale"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, not {getattr(self, name)}")


DRIVERS = tuple(f.name for f in fields(Assumptions))


def build_months(initiatives: pd.DataFrame, *, default: float = 3, start: str = "start_date",
                 due: str = "due_date") -> pd.Series:
    """Each initiative's build time in whole months: due date minus start date, or ``default``.

    Parameters
    ----------
    initiatives : DataFrame
    default : float
        Months for an initiative without both dates.
    start, due : str
        Columns of the planned start and the committed delivery date.

    Returns
    -------
    Series
        Whole months, at least 1, aligned with ``initiatives``.

    Examples
    --------
    >>> frame = pd.DataFrame({"start_date": pd.to_datetime(["2026-01-01", None]),
    ...                       "due_date": pd.to_datetime(["2026-04-01", None])})
    >>> build_months(frame, default=3).tolist()
    [3.0, 3.0]
    """
    if default < 0:
        raise ValueError(f"default must not be negative, not {default}")
    if start in initiatives and due in initiatives:
        days = (pd.to_datetime(initiatives[due]) - pd.to_datetime(initiatives[start])).dt.days
        months = (days.astype("float64") / _DAYS_PER_MONTH).round()
    else:
        months = pd.Series(np.nan, index=initiatives.index)
    return months.fillna(default).clip(lower=1).astype("float64")


def cash_flows(initiatives: pd.DataFrame, *, assumptions: Assumptions = Assumptions(),
               key: str = "initiative_id", cost: str = "cost",
               benefit: str = "expected_benefit", build: str | None = None) -> pd.DataFrame:
    """Monthly cash flows of each initiative over the horizon (see the module's notes).

    Parameters
    ----------
    initiatives : DataFrame
        One row per initiative. Rows without a cost or a benefit are left out.
    assumptions : Assumptions
    key, cost, benefit : str
        Columns of the initiative's identifier, one-off cost and yearly benefit once live.
    build : str, optional
        Column of build months; by default they come from :func:`build_months`.

    Returns
    -------
    DataFrame
        Columns ``initiative_id`` (named after ``key``), ``month`` (0 is the first
        month of work), ``cost`` (negative), ``benefit`` and ``flow`` (their sum).

    Examples
    --------
    >>> frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [1200.0],
    ...                       "expected_benefit": [2400.0], "build": [2]})
    >>> flows = cash_flows(frame, build="build",
    ...                    assumptions=Assumptions(horizon_years=0.25, ramp_up=0.5))
    >>> flows["flow"].tolist()
    [-600.0, -600.0, 100.0]
    """
    a = assumptions
    usable = initiatives.dropna(subset=[cost, benefit])
    months = (build_months(usable, default=a.default_build_months) if build is None
              else usable[build].astype("float64"))
    builds = np.maximum(np.round(months.to_numpy() + a.delay_months), 1).astype(int)
    horizon = int(round(a.horizon_years * 12))
    month = np.arange(horizon)
    frames = []
    for name, spend, gain, b in zip(usable[key], usable[cost].to_numpy(dtype=float),
                                   usable[benefit].to_numpy(dtype=float), builds):
        live = month - b  # months since launch; negative while building
        share = np.where(live < 0, 0.0, np.where(live < 12, a.ramp_up, 1.0))
        out_cost = np.where(month < b, -spend * a.cost_scale / b, 0.0)
        out_benefit = share * gain * a.benefit_scale / 12
        frames.append(pd.DataFrame({key: name, "month": month, "cost": out_cost,
                                    "benefit": out_benefit, "flow": out_cost + out_benefit}))
    columns = [key, "month", "cost", "benefit", "flow"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}).astype(
            {key: "str", "month": "int64"})
    return pd.concat(frames, ignore_index=True)


def appraise(initiatives: pd.DataFrame, *, assumptions: Assumptions = Assumptions(),
             key: str = "initiative_id", cost: str = "cost", benefit: str = "expected_benefit",
             build: str | None = None) -> pd.DataFrame:
    """NPV, IRR, payback and ROI of each initiative, best NPV first.

    Parameters
    ----------
    initiatives, assumptions, key, cost, benefit, build
        As for :func:`cash_flows`; other columns of ``initiatives`` (a title, a
        status) are kept.

    Returns
    -------
    DataFrame
        The initiatives that have a cost and a benefit, with ``build_months``,
        ``total_cost`` and ``total_benefit`` (undiscounted, over the horizon),
        ``npv``, ``irr`` (yearly, NaN where there is none), ``payback_months``
        (undiscounted, NaN if not within the horizon), ``discounted_payback_months``,
        ``roi`` ((total benefit - total cost) / total cost; NaN for a cost of 0)
        and ``rank`` (1 = highest NPV).

    Examples
    --------
    >>> frame = pd.DataFrame({"initiative_id": ["I1", "I2"], "cost": [1000.0, 1000.0],
    ...                       "expected_benefit": [1200.0, 100.0]})
    >>> appraise(frame)["initiative_id"].tolist()
    ['I1', 'I2']
    """
    flows = cash_flows(initiatives, assumptions=assumptions, key=key, cost=cost,
                       benefit=benefit, build=build)
    rate = assumptions.discount_rate
    rows = []
    for name, group in flows.groupby(key, sort=False):
        values = group["flow"].to_numpy()
        spent, earned = -group["cost"].sum(), group["benefit"].sum()
        rows.append({
            key: name,
            "build_months": int((group["cost"] < 0).sum()),
            "total_cost": spent, "total_benefit": earned,
            "npv": npv(values, rate=rate, periods_per_year=12),
            "irr": irr(values, periods_per_year=12),
            "payback_months": payback_months(values),
            "discounted_payback_months": payback_months(values, rate=rate),
            "roi": (earned - spent) / spent if spent > 0 else math.nan,
        })
    metrics = pd.DataFrame(rows, columns=[key, "build_months", "total_cost", "total_benefit",
                                          "npv", "irr", "payback_months",
                                          "discounted_payback_months", "roi"])
    kept = initiatives.drop(columns=[c for c in metrics.columns if c != key and
                                     c in initiatives.columns])
    out = kept.merge(metrics, on=key, how="inner").sort_values("npv", ascending=False,
                                                              kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def portfolio_npv(initiatives: pd.DataFrame, *, assumptions: Assumptions = Assumptions(),
                  **columns) -> float:
    """The sum of the initiatives' NPVs (the NPV of doing all of them).

    Parameters
    ----------
    initiatives, assumptions
        As for :func:`cash_flows`.
    **columns
        The column keywords of :func:`cash_flows` (``key``, ``cost``, ``benefit``, ``build``).

    Returns
    -------
    float

    Examples
    --------
    >>> frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [100.0],
    ...                       "expected_benefit": [0.0]})
    >>> round(portfolio_npv(frame, assumptions=Assumptions(default_build_months=1)), 2)
    -100.0
    """
    flows = cash_flows(initiatives, assumptions=assumptions, **columns)
    return npv(flows.groupby("month")["flow"].sum().to_numpy(),
               rate=assumptions.discount_rate, periods_per_year=12)


def sensitivity(initiatives: pd.DataFrame, *, ranges: dict,
                assumptions: Assumptions = Assumptions(), **columns) -> pd.DataFrame:
    """How far the portfolio NPV moves when one assumption at a time is set low or high.

    Parameters
    ----------
    initiatives, assumptions
        As for :func:`cash_flows`; ``assumptions`` is the base case.
    ranges : dict
        For each driver to vary, a field of :class:`Assumptions` (``discount_rate``,
        ``benefit_scale`` ...), its ``(low, high)`` values.
    **columns
        The column keywords of :func:`cash_flows`.

    Returns
    -------
    DataFrame
        One row per driver, widest swing first: ``driver``, ``low``, ``high`` (the
        values tried), ``base`` (the base case's value), ``npv_low`` and ``npv_high``
        (the portfolio NPV at each), ``base_npv`` and ``swing`` (|npv_high - npv_low|).

    Examples
    --------
    >>> frame = pd.DataFrame({"initiative_id": ["I1"], "cost": [100.0],
    ...                       "expected_benefit": [120.0]})
    >>> flat = Assumptions(discount_rate=0.0)
    >>> sensitivity(frame, ranges={"cost_scale": (0.8, 1.2)}, assumptions=flat)["swing"].tolist()
    [40.0]
    """
    unknown = sorted(set(ranges) - set(DRIVERS))
    if unknown:
        raise ValueError(f"unknown drivers {', '.join(unknown)}: choose from "
                         f"{', '.join(DRIVERS)}")
    base_npv = portfolio_npv(initiatives, assumptions=assumptions, **columns)
    rows = []
    for driver, pair in ranges.items():
        if len(pair) != 2:
            raise ValueError(f"the range of {driver} must be a pair (low, high), not {pair!r}")
        low, high = pair
        rows.append({
            "driver": driver, "low": float(low), "high": float(high),
            "base": float(getattr(assumptions, driver)),
            "npv_low": portfolio_npv(initiatives, assumptions=replace(assumptions,
                                                                      **{driver: low}),
                                     **columns),
            "npv_high": portfolio_npv(initiatives, assumptions=replace(assumptions,
                                                                       **{driver: high}),
                                      **columns),
        })
    out = pd.DataFrame(rows, columns=["driver", "low", "high", "base", "npv_low", "npv_high"])
    out["base_npv"] = base_npv
    out["swing"] = (out["npv_high"] - out["npv_low"]).abs()
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
