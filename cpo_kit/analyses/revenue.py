"""Revenue health: the MRR bridge, pooled churn, unit economics and breakdowns by product.

The metrics themselves (MRR movements, NRR, GRR, churn, ARPA, LTV, CAC payback) live in
:mod:`cpo_kit.metrics.revenue` and :mod:`cpo_kit.metrics.unit_economics`; the functions
here arrange their outputs for the revenue notebook: one month's movements as the steps
of a waterfall, churn pooled over a year of months, LTV set against CAC, the same metric
run product by product, and one summary row per segment or product.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.metrics.revenue import MOVEMENTS, MRR_COLUMNS

#: The steps of the MRR waterfall, in the order they are drawn.
WATERFALL_STEPS = ("starting MRR", *MOVEMENTS, "ending MRR")


def waterfall(movements: pd.DataFrame, *, month=None) -> pd.DataFrame:
    """One month's MRR movements as the steps of a waterfall chart.

    Parameters
    ----------
    movements : DataFrame
        The output of :func:`cpo_kit.metrics.revenue.mrr_movements` without ``by``.
    month : date-like, optional
        The month to show; by default the last one of ``movements``.

    Returns
    -------
    DataFrame
        One row per step of :data:`WATERFALL_STEPS`: ``step``, ``amount`` (the MRR
        at the two ends, the signed movement in between), ``bottom`` and ``top`` (where
        the step's bar starts and ends) and ``kind`` (``total``, ``increase`` or
        ``decrease``). The two ends are the table's own ``starting_mrr`` and
        ``ending_mrr``, so they match the MRR of the month before and of the month.

    Raises
    ------
    ValueError
        When ``movements`` is empty or does not hold ``month``.

    Examples
    --------
    >>> moves = pd.DataFrame({"month": [pd.Timestamp("2026-02-01")], "starting_mrr": [100.0],
    ...     "new": [20.0], "expansion": [5.0], "reactivated": [0.0], "contraction": [-3.0],
    ...     "churned": [-10.0], "ending_mrr": [112.0]})
    >>> waterfall(moves)["top"].tolist()
    [100.0, 120.0, 125.0, 125.0, 125.0, 122.0, 112.0]
    """
    if len(movements) == 0:
        raise ValueError("movements is empty: there is no month to draw")
    if movements["month"].duplicated().any():
        raise ValueError("movements has several rows per month: pass the table without by")
    if month is None:
        row = movements.loc[movements["month"].idxmax()]
    else:
        chosen = movements[movements["month"] == pd.Timestamp(month)]
        if chosen.empty:
            raise ValueError(f"movements has no month {pd.Timestamp(month):%Y-%m-%d}")
        row = chosen.iloc[0]
    level = float(row["starting_mrr"])
    steps = [("starting MRR", level, 0.0, level, "total")]
    for name in MOVEMENTS:
        amount = float(row[name])
        # A decrease is drawn from the level down to the level after it.
        bottom, top = (level, level + amount) if amount >= 0 else (level + amount, level)
        steps.append((name, amount, bottom, top, "increase" if amount >= 0 else "decrease"))
        level += amount
    steps.append(("ending MRR", row["ending_mrr"], 0.0, row["ending_mrr"], "total"))
    out = pd.DataFrame(steps, columns=["step", "amount", "bottom", "top", "kind"])
    out.attrs["month"] = pd.Timestamp(row["month"])
    return out.astype({"step": "str", "amount": "float64", "bottom": "float64",
                       "top": "float64", "kind": "str"})


def pooled_churn(churn: pd.DataFrame, *, months: int = 12, by: str | None = None
                 ) -> pd.DataFrame:
    """Monthly churn pooled over the trailing ``months`` months, per month.

    One month of a small customer base churns 0, 1 or 3 accounts; pooling a year of
    them (churned accounts over accounts at risk, summed over the months) gives the
    average monthly rate without the noise.

    Parameters
    ----------
    churn : DataFrame
        The output of :func:`cpo_kit.metrics.revenue.churn_rates`.
    months : int
        How many months are pooled; 1 gives back each month's own rates.
    by : str, optional
        The group column of ``churn`` (as passed to ``churn_rates``).

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``starting_accounts``, ``churned_accounts``,
        ``logo_churn_rate``, ``starting_mrr``, ``lost_mrr`` and ``revenue_churn_rate``,
        all summed or pooled over the window that ends with the month; months without
        a full window are left out.

    Raises
    ------
    ValueError
        When ``months`` is not a whole number of at least 1, or ``by`` is not a column.

    Examples
    --------
    >>> churn = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
    ...     "starting_accounts": [10, 10], "churned_accounts": [0, 2],
    ...     "starting_mrr": [1000.0, 1000.0], "lost_mrr": [0.0, 50.0]})
    >>> pooled_churn(churn, months=2)["logo_churn_rate"].tolist()
    [0.1]
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ValueError(f"months must be a whole number of at least 1, not {months!r}")
    if by is not None and by not in churn.columns:
        raise ValueError(f"by={by!r} is not a column of churn")
    sums = ["starting_accounts", "churned_accounts", "starting_mrr", "lost_mrr"]
    keys = ["month"] + ([by] if by is not None else [])
    frame = churn.sort_values(keys[::-1])[keys + sums].reset_index(drop=True)
    grouped = frame.groupby(by, sort=False)[sums] if by is not None else frame[sums]
    rolled = grouped.rolling(months, min_periods=months).sum()
    if by is not None:
        rolled = rolled.droplevel(0)
    out = frame[keys].join(rolled.sort_index()).dropna(subset=sums)
    out["logo_churn_rate"] = (out["churned_accounts"]
                              / out["starting_accounts"].where(out["starting_accounts"] > 0))
    out["revenue_churn_rate"] = out["lost_mrr"] / out["starting_mrr"].where(
        out["starting_mrr"] > 0)
    columns = keys + ["starting_accounts", "churned_accounts", "logo_churn_rate",
                      "starting_mrr", "lost_mrr", "revenue_churn_rate"]
    out = out[columns].astype({"starting_accounts": "int64", "churned_accounts": "int64"})
    return out.sort_values(keys).reset_index(drop=True)


def unit_economics(ltv: pd.DataFrame, payback: pd.DataFrame, *, by: str | None = None
                   ) -> pd.DataFrame:
    """LTV set against CAC: the two unit-economics metrics joined month by month.

    Parameters
    ----------
    ltv : DataFrame
        The output of :func:`cpo_kit.metrics.unit_economics.lifetime_value`.
    payback : DataFrame
        The output of :func:`cpo_kit.metrics.unit_economics.cac_payback`, with the
        same ``by``.
    by : str, optional
        The group column of both tables.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``arpa``, ``gross_margin`` (of all MRR),
        ``revenue_churn_rate``, ``ltv``, ``new_accounts``, ``cac``, ``payback_months``
        and ``ltv_to_cac`` (``ltv / cac``; NaN without a CAC), for the months both
        tables hold.

    Examples
    --------
    >>> ltv = pd.DataFrame({"month": [pd.Timestamp("2026-01-01")], "arpa": [100.0],
    ...     "gross_margin": [0.8], "revenue_churn_rate": [0.02], "ltv": [4000.0]})
    >>> cac = pd.DataFrame({"month": [pd.Timestamp("2026-01-01")], "new_accounts": [4],
    ...     "cac": [1000.0], "new_arpa": [90.0], "gross_margin": [0.8],
    ...     "payback_months": [13.9]})
    >>> unit_economics(ltv, cac)["ltv_to_cac"].tolist()
    [4.0]
    """
    keys = ["month"] + ([by] if by is not None else [])
    for name, frame in (("ltv", ltv), ("payback", payback)):
        missing = [c for c in keys if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks the column(s) {', '.join(missing)}")
    out = ltv[keys + ["arpa", "gross_margin", "revenue_churn_rate", "ltv"]].merge(
        payback[keys + ["new_accounts", "cac", "payback_months"]], on=keys, how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ltv_to_cac"] = out["ltv"] / out["cac"].where(out["cac"] > 0)
    return out.sort_values(keys).reset_index(drop=True)


def by_product(metric, mrr: pd.DataFrame, *, names: pd.DataFrame | None = None,
               **options) -> pd.DataFrame:
    """Run a revenue metric on each product's MRR alone, as if each were its own business.

    An account moving from one product to another is then churn in the first and new
    revenue in the second, which is what a product's owner needs to see. Each product
    is counted from the first month of the whole table, so the first customers of a
    product launched later count as new, not as a starting base.

    Parameters
    ----------
    metric : callable
        A metric function on the ``mrr`` table, such as
        :func:`~cpo_kit.metrics.revenue.mrr_movements`,
        :func:`~cpo_kit.metrics.revenue.revenue_retention`,
        :func:`~cpo_kit.metrics.revenue.churn_rates`,
        :func:`~cpo_kit.metrics.revenue.recurring_revenue` or
        :func:`~cpo_kit.metrics.unit_economics.lifetime_value`.
    mrr : DataFrame
        The ``mrr`` table.
    names : DataFrame, optional
        The ``products`` table; its ``name`` labels the products, else their id.
    **options
        Passed to ``metric`` (``period_end``, ``months``, ``gross_margin``, ``products``
        ...), except ``by``: a product breakdown is not broken down again.

    Returns
    -------
    DataFrame
        The metric's columns with ``product`` (the name) after ``month``, one block of
        rows per product in the order of their ids.

    Raises
    ------
    ValueError
        When ``by`` is passed or ``mrr`` lacks a column.

    Examples
    --------
    >>> from cpo_kit.metrics.revenue import recurring_revenue
    >>> mrr = pd.DataFrame({"account_id": ["A", "A"], "product_id": ["P1", "P2"],
    ...     "month": pd.to_datetime(["2026-01-01", "2026-01-01"]), "mrr": [10.0, 5.0]})
    >>> by_product(recurring_revenue, mrr, period_end="2026-01-31")[["product", "mrr"]]
      product   mrr
    0      P1  10.0
    1      P2   5.0
    """
    if options.get("by") is not None:
        raise ValueError("by_product breaks a metric down by product; pass no by")
    missing = [c for c in MRR_COLUMNS if c not in mrr.columns]
    if missing:
        raise ValueError(f"the mrr table lacks the column(s) {', '.join(missing)}")
    labels = {}
    if names is not None:
        labels = names.set_index("product_id")["name"].astype("str").to_dict()
    # Months are compared as first days, as the metrics read them.
    first = pd.Timestamp(mrr["month"].min()).to_period("M").to_timestamp()
    parts = []
    for product, rows in mrr.groupby("product_id", sort=True):
        rows = rows[list(MRR_COLUMNS)]
        if rows["month"].min() > first:
            # An explicit zero in the first month starts the product's grid there.
            pad = rows.iloc[:1].assign(month=first, mrr=0.0).astype(rows.dtypes.to_dict())
            rows = pd.concat([pad, rows], ignore_index=True)
        part = metric(rows, **options)
        part.insert(1, "product", labels.get(product, str(product)))
        parts.append(part)
    if not parts:
        return metric(mrr, **options).assign(product=pd.Series(dtype="str"))
    return pd.concat(parts, ignore_index=True).astype({"product": "str"})


def latest(frame: pd.DataFrame, column: str) -> dict:
    """The last month's value of ``column`` and the month's before, for a status table.

    Parameters
    ----------
    frame : DataFrame
        A metric's table with one row per month (no groups).
    column : str
        The value to read.

    Returns
    -------
    dict
        ``{"value": ..., "previous": ...}``; NaN where a month is missing.

    Examples
    --------
    >>> frame = pd.DataFrame({"month": pd.to_datetime(["2026-01-01", "2026-02-01"]),
    ...                       "nrr": [1.01, 1.03]})
    >>> latest(frame, "nrr")
    {'value': 1.03, 'previous': 1.01}
    """
    if column not in frame.columns:
        raise ValueError(f"{column!r} is not a column of the table")
    values = frame.sort_values("month")[column].astype("float64").tolist()
    return {"value": values[-1] if values else float("nan"),
            "previous": values[-2] if len(values) > 1 else float("nan")}


#: The columns of :func:`health_table`, and the table each comes from.
_HEALTH = {"revenue": ("mrr", "paying_accounts", "arpa"),
           "retention": ("cohort_accounts", "nrr", "grr"),
           "churn": ("logo_churn_rate", "revenue_churn_rate"),
           "economics": ("ltv", "cac", "ltv_to_cac", "payback_months")}


def health_table(revenue: pd.DataFrame, *, key: str, retention: pd.DataFrame,
                 churn: pd.DataFrame, economics: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per segment or product: where each stands in the last month counted.

    Parameters
    ----------
    revenue : DataFrame
        :func:`~cpo_kit.metrics.revenue.recurring_revenue` by ``key``.
    key : str
        The group column: ``segment`` (or another accounts column) or ``product``.
    retention : DataFrame
        :func:`~cpo_kit.metrics.revenue.revenue_retention` by ``key``, usually with
        ``months=12``.
    churn : DataFrame
        :func:`pooled_churn` by ``key``.
    economics : DataFrame, optional
        :func:`unit_economics` or :func:`~cpo_kit.metrics.unit_economics.lifetime_value`
        by ``key``; whichever of ``ltv``, ``cac``, ``ltv_to_cac`` and
        ``payback_months`` it holds are added.

    Returns
    -------
    DataFrame
        Columns ``key``, ``mrr``, ``mrr_share`` (of the total), ``paying_accounts``,
        ``arpa``, ``cohort_accounts``, ``nrr``, ``grr`` (of ``retention``),
        ``logo_churn_rate``, ``revenue_churn_rate`` and those of ``economics``, each
        read in the last month of its own table; sorted by MRR, largest first.

    Examples
    --------
    >>> month = [pd.Timestamp("2026-01-01")] * 2
    >>> revenue = pd.DataFrame({"month": month, "segment": ["SMB", "Enterprise"],
    ...     "mrr": [100.0, 300.0], "paying_accounts": [4, 1], "arpa": [25.0, 300.0]})
    >>> retention = pd.DataFrame({"month": month, "segment": ["SMB", "Enterprise"],
    ...     "nrr": [0.9, 1.2], "grr": [0.8, 1.0]})
    >>> churn = pd.DataFrame({"month": month, "segment": ["SMB", "Enterprise"],
    ...     "logo_churn_rate": [0.03, 0.0], "revenue_churn_rate": [0.04, 0.01]})
    >>> health_table(revenue, key="segment", retention=retention, churn=churn)["mrr_share"]
    0    0.75
    1    0.25
    Name: mrr_share, dtype: float64
    """
    frames = {"revenue": revenue, "retention": retention, "churn": churn,
              "economics": economics}
    out = None
    for name, frame in frames.items():
        if frame is None:
            continue
        if key not in frame.columns:
            raise ValueError(f"the {name} table has no column {key!r}")
        columns = [c for c in _HEALTH[name] if c in frame.columns]
        last = frame[frame["month"] == frame["month"].max()].set_index(key)[columns]
        out = last if out is None else out.join(last, how="left")
    out.insert(1, "mrr_share", out["mrr"] / out["mrr"].sum())
    return out.sort_values("mrr", ascending=False).rename_axis(key).reset_index()
