"""Unit economics: customer lifetime value and CAC payback, from MRR and margins.

Both build on the account-level movements of :mod:`cpo_kit.metrics.revenue`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.metrics.registry import metric
from cpo_kit.metrics.revenue import (_MRR_NEEDS, _classify, _finish, _grid, _keys, _options,
                                     _pairs, _rows, _whole)


def _with_profit(mrr, period_end, complete_only, accounts, by, gross_margin, products):
    """Product-level rows with their gross profit, and the classified account changes."""
    rows = _rows(mrr, period_end, complete_only, accounts, by)
    if gross_margin is not None:
        if not -1 <= gross_margin <= 1:
            raise ValueError(f"gross_margin must be a share between -1 and 1, "
                             f"not {gross_margin!r}")
        margins = pd.Series(float(gross_margin), index=rows.index)
    elif products is None:
        raise ValueError("gross_margin is required when there is no products table")
    else:
        known = products.set_index("product_id")["gross_margin"].astype("float64").dropna()
        unknown = sorted(set(rows["product_id"]) - set(known.index))
        if unknown:
            raise ValueError("no gross margin for the product(s) " + ", ".join(unknown)
                             + "; add them to the products table or pass gross_margin")
        margins = rows["product_id"].map(known)
    rows["profit"] = rows["mrr"] * margins
    return rows, _classify(_pairs(*_grid(rows), 1))


def _trailing(sums: pd.DataFrame, by: str | None, window: int) -> pd.DataFrame:
    """``sums`` (indexed by month and group) summed over the ``window`` months to each month.

    The grid is dense, so each group has every month and rolling over rows is rolling
    over months. Months without a full window before them are dropped.
    """
    grouped = sums.groupby(level="group") if by is not None else sums
    rolled = grouped.rolling(window, min_periods=window).sum()
    if by is not None:
        rolled = rolled.droplevel(0)
    return rolled.dropna(how="all").reindex(columns=sums.columns)


def lifetime_value(mrr: pd.DataFrame, *, period_end, gross_margin: float | None = None,
                   products: pd.DataFrame | None = None, window: int = 6,
                   complete_only: bool = True, accounts: pd.DataFrame | None = None,
                   by: str | None = None) -> pd.DataFrame:
    """Customer lifetime value per month: ARPA times gross margin over monthly revenue churn.

    Parameters
    ----------
    mrr, period_end, complete_only, accounts, by
        As in :func:`~cpo_kit.metrics.revenue.mrr_movements`.
    gross_margin : float, optional
        One gross margin for all revenue. By default each month's margin is the
        MRR-weighted gross margin of the products, read from ``products``.
    products : DataFrame, optional
        The ``products`` table (``product_id``, ``gross_margin``); required
        without ``gross_margin``.
    window : int
        Months of revenue churn pooled (lost MRR over starting MRR, summed over
        the window) so that one noisy month does not swing LTV.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``arpa``, ``gross_margin``, ``revenue_churn_rate``
        (pooled over the window) and ``ltv``: ``inf`` when no revenue was lost in the
        window, NaN when nobody paid. Months without a full window of movements
        (the first month of data has none) are left out.

    Raises
    ------
    ValueError
        Without ``gross_margin`` and ``products``, or when a product has no margin.
    """
    window = _whole(window, "window")
    rows, pairs = _with_profit(mrr, period_end, complete_only, accounts, by, gross_margin,
                               products)
    pairs["paying"] = pairs["now"] > 0
    pairs["lost"] = -(pairs["contraction"] + pairs["churned"])
    out = pairs.groupby(_keys(by))[["now", "paying", "lost", "then"]].sum().rename(
        columns={"now": "mrr", "then": "starting"})
    profit = rows.groupby(_keys(by))["profit"].sum()
    pooled = _trailing(out[["lost", "starting"]], by, window)
    out = out.loc[pooled.index]
    out["arpa"] = out["mrr"] / out["paying"].where(out["paying"] > 0)
    out["gross_margin"] = profit.reindex(out.index) / out["mrr"].where(out["mrr"] > 0)
    out["revenue_churn_rate"] = pooled["lost"] / pooled["starting"].where(pooled["starting"] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ltv"] = out["arpa"] * out["gross_margin"] / out["revenue_churn_rate"]
    return _finish(out, by, {"arpa": "float64", "gross_margin": "float64",
                             "revenue_churn_rate": "float64", "ltv": "float64"})


def cac_payback(mrr: pd.DataFrame, accounts: pd.DataFrame, *, period_end,
                gross_margin: float | None = None, products: pd.DataFrame | None = None,
                window: int = 3, complete_only: bool = True,
                by: str | None = None) -> pd.DataFrame:
    """CAC payback per month: months of gross profit of a new account to earn back its CAC.

    Over the ``window`` months to each month, the new accounts (paying for the
    first time, not coming back) whose ``acquisition_cost`` is known are pooled:
    CAC is their average cost, new ARPA their average first-month MRR, and the
    gross margin that of their first-month MRR (weighted by product).

    Parameters
    ----------
    mrr, period_end, complete_only, by
        As in :func:`~cpo_kit.metrics.revenue.mrr_movements`.
    accounts : DataFrame
        The ``accounts`` table (``account_id``, ``acquisition_cost``).
    gross_margin, products
        As in :func:`lifetime_value`.
    window : int
        Months of new accounts pooled; 1 gives the payback of each month's new accounts.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``new_accounts`` (with a known cost, in the
        window), ``cac``, ``new_arpa``, ``gross_margin`` and ``payback_months``
        (``cac / (new_arpa * gross_margin)``; NaN without such accounts). Months
        without a full window of movements before them are left out.
    """
    window = _whole(window, "window")
    if "acquisition_cost" not in accounts.columns:
        raise ValueError("the accounts table lacks the column acquisition_cost")
    rows, pairs = _with_profit(mrr, period_end, complete_only, accounts, by, gross_margin,
                               products)
    profit = rows.groupby(["account_id", "month"], as_index=False)["profit"].sum()
    pairs = pairs.merge(profit, on=["account_id", "month"], how="left")
    pairs["cost"] = pairs["account_id"].map(
        accounts.set_index("account_id")["acquisition_cost"].astype("float64"))
    counted = pairs["new_accounts"] & pairs["cost"].notna()
    pairs["counted"] = counted
    for column in ("cost", "new", "profit"):
        pairs[column] = pairs[column].where(counted, 0.0)
    sums = pairs.groupby(_keys(by))[["counted", "cost", "new", "profit"]].sum()
    out = _trailing(sums.astype("float64"), by, window)
    accounts_in = out["counted"].where(out["counted"] > 0)
    out["new_accounts"] = out["counted"]
    out["cac"] = out["cost"] / accounts_in
    out["new_arpa"] = out["new"] / accounts_in
    out["gross_margin"] = out["profit"] / out["new"].where(accounts_in.notna())
    out["payback_months"] = out["cost"] / out["profit"].where(accounts_in.notna())
    return _finish(out, by, {"new_accounts": "int64", "cac": "float64", "new_arpa": "float64",
                             "gross_margin": "float64", "payback_months": "float64"})



@metric("ltv", family="revenue", title="Customer lifetime value (LTV)",
        definition="Gross profit an average account brings over its life: the month's ARPA "
                   "times the gross margin (by default the MRR-weighted margin of the products) "
                   "over the revenue churn rate pooled over the trailing months (6 by default), "
                   "infinite when no revenue was lost.",
        formula="LTV = ARPA × gross margin / trailing monthly revenue churn rate",
        needs=_MRR_NEEDS, unit="currency")
def ltv(company, *, period_end, gross_margin: float | None = None, window: int = 6,
        complete_only: bool = True, by: str | None = None):
    """LTV per month; see :func:`lifetime_value` (products are read when present)."""
    return lifetime_value(company.tables["mrr"], gross_margin=gross_margin,
                          products=company.tables.get("products"), window=window,
                          **_options(company, period_end, complete_only, by))


@metric("cac_payback", family="revenue", title="CAC payback period",
        definition="Months of gross profit it takes a new account to earn back what it cost to "
                   "win, pooling the accounts that paid for the first time in the trailing "
                   "months (3 by default) and whose acquisition cost is known.",
        formula="CAC payback = CAC / (ARPA of new accounts × gross margin), with CAC = mean "
                "acquisition_cost of the new accounts",
        needs={**_MRR_NEEDS, "accounts": ("account_id", "acquisition_cost")}, unit="months")
def payback(company, *, period_end, gross_margin: float | None = None, window: int = 3,
            complete_only: bool = True, by: str | None = None):
    """CAC payback per month; see :func:`cac_payback`."""
    return cac_payback(company.tables["mrr"], company.tables["accounts"], period_end=period_end,
                       gross_margin=gross_margin, products=company.tables.get("products"),
                       window=window, complete_only=complete_only, by=by)
