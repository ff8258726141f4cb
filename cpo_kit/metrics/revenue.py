"""Revenue metrics: MRR, ARR, MRR movements, revenue retention, churn, ARPA, LTV, CAC payback.

Everything here works on the ``mrr`` table, which is small, with pandas. The
table is first summed over products to one MRR per account and month, on a
dense grid of every account by every month from the first month of data to the
last month counted: a missing row and an explicit zero both mean the account
paid nothing that month, and a month inside the range with no rows at all is a
month in which nobody paid. Months after the last month of data are unknown,
not zero, so the grid stops there.

By default the last month counted is the last *complete* month on
``period_end`` (pass ``complete_only=False`` to count the month holding it).
The first month of data has no month before it: its accounts are the starting
base of the second month, not new accounts, so movements, retention and churn
start with the second month.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.core.errors import MissingTables
from cpo_kit.metrics.periods import last_complete, start_of
from cpo_kit.metrics.registry import metric

MRR_COLUMNS = ("account_id", "product_id", "month", "mrr")
_MRR_NEEDS = {"mrr": MRR_COLUMNS}
#: The label given to accounts whose ``by`` column is empty or that are not in ``accounts``.
MISSING_LABEL = "(missing)"


@metric("mrr", family="revenue", title="Monthly recurring revenue (MRR)",
        definition="Recurring revenue of all accounts and products in a calendar month; "
                   "one-off fees are not part of it.",
        formula="MRR(m) = sum of mrr over accounts a and products p in month m",
        needs=_MRR_NEEDS, unit="currency")
def mrr_by_month(company, *, period_end) -> pd.DataFrame:
    """MRR and paying accounts per month up to the month of ``period_end``.

    Unlike the other revenue metrics, the month holding ``period_end`` is
    counted even when incomplete, and months without rows are left out.

    Returns
    -------
    DataFrame
        Columns ``month``, ``mrr`` and ``accounts`` (accounts with MRR above zero).
    """
    frame = company.tables["mrr"]
    frame = frame[frame["month"] <= start_of(period_end, "month")]
    paying = frame[frame["mrr"] > 0]
    out = frame.groupby("month", as_index=False)["mrr"].sum()
    out["accounts"] = out["month"].map(paying.groupby("month")["account_id"].nunique()).fillna(
        0).astype("int64")
    out["mrr"] = out["mrr"].astype("float64")
    return out


# --- the account-by-month grid every metric below starts from ----------------------------

def _rows(mrr: pd.DataFrame, period_end, complete_only: bool, accounts, by) -> pd.DataFrame:
    """Product-level rows up to the last month counted, typed, with the ``by`` label."""
    missing = [c for c in MRR_COLUMNS if c not in mrr.columns]
    if missing:
        raise ValueError(f"the mrr table lacks the column(s) {', '.join(missing)}")
    last = last_complete(period_end, "month") if complete_only else start_of(period_end, "month")
    rows = mrr[list(MRR_COLUMNS)].astype({"month": "datetime64[us]", "mrr": "float64"})
    # A month given as any day of it still means that month.
    rows["month"] = rows["month"].dt.to_period("M").dt.to_timestamp().astype("datetime64[us]")
    rows = rows[rows["month"] <= last]
    if by is not None:
        rows["group"] = rows["account_id"].map(_labels(accounts, by))
    return rows.reset_index(drop=True)


def _labels(accounts: pd.DataFrame | None, by: str) -> pd.Series:
    if accounts is None:
        raise ValueError(f"by={by!r} needs the accounts table")
    if by not in accounts.columns or by == "account_id":
        raise ValueError(f"by must be a column of the accounts table other than account_id, "
                         f"not {by!r}")
    labels = accounts.set_index("account_id")[by]
    return labels.astype(object).where(labels.notna(), MISSING_LABEL).astype("str")


def _grid(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series | None]:
    """MRR per account (rows) and month (columns), zero where nothing was paid."""
    grid = rows.groupby(["account_id", "month"])["mrr"].sum().unstack("month", fill_value=0.0)
    if grid.empty:
        months = pd.DatetimeIndex([], dtype="datetime64[us]")
    else:
        months = pd.date_range(grid.columns.min(), grid.columns.max(), freq="MS", unit="us")
    grid = grid.reindex(columns=months, fill_value=0.0).astype("float64")
    groups = None
    if "group" in rows.columns:
        labels = rows.drop_duplicates("account_id").set_index("account_id")["group"]
        groups = labels.reindex(grid.index).fillna(MISSING_LABEL).astype("str")
    return grid, groups


def _pairs(grid: pd.DataFrame, groups: pd.Series | None, lag: int) -> pd.DataFrame:
    """One row per account and month: its MRR ``lag`` months before (``then``) and now."""
    values = grid.to_numpy()
    months = grid.columns[lag:] if lag else grid.columns
    out = pd.DataFrame({
        "account_id": np.repeat(grid.index.to_numpy(), len(months)),
        "month": np.tile(months.to_numpy(), len(grid)),
        "then": values[:, :values.shape[1] - lag].ravel() if lag else np.nan,
        "now": values[:, lag:].ravel(),
    })
    if lag == 1:
        # Whether the account paid in any month before this one, for new versus reactivated.
        out["paid_before"] = np.maximum.accumulate(values > 0, axis=1)[:, :-1].ravel()
    if groups is not None:
        out["group"] = np.repeat(groups.to_numpy(), len(months))
    return out.astype({"month": "datetime64[us]"})


def _keys(by: str | None) -> list[str]:
    return ["month"] + (["group"] if by is not None else [])


def _finish(frame: pd.DataFrame, by: str | None, dtypes: dict[str, str]) -> pd.DataFrame:
    """Plain dtypes, the ``by`` column named after the accounts column, sorted, fresh index."""
    keys = _keys(by)
    frame = frame.reset_index()[keys + list(dtypes)].astype({"month": "datetime64[us]", **dtypes})
    if by is not None:
        frame = frame.astype({"group": "str"}).rename(columns={"group": by})
        keys = ["month", by]
    return frame.sort_values(keys).reset_index(drop=True)


def _prepared(mrr, period_end, complete_only, accounts, by, lag):
    grid, groups = _grid(_rows(mrr, period_end, complete_only, accounts, by))
    return _pairs(grid, groups, lag)


# --- MRR, ARR and ARPA ----------------------------------------------------------------------

def recurring_revenue(mrr: pd.DataFrame, *, period_end, complete_only: bool = True,
                      accounts: pd.DataFrame | None = None,
                      by: str | None = None) -> pd.DataFrame:
    """MRR, ARR, paying accounts and ARPA per month.

    Parameters
    ----------
    mrr, period_end, complete_only, accounts, by
        As in :func:`mrr_movements`.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``mrr``, ``arr`` (12 × MRR), ``paying_accounts``
        (accounts whose MRR summed over products is above zero) and ``arpa`` (MRR
        per paying account, NaN without any); one row per month from the first
        month of data.
    """
    pairs = _prepared(mrr, period_end, complete_only, accounts, by, 0)
    pairs["paying"] = pairs["now"] > 0
    out = pairs.groupby(_keys(by))[["now", "paying"]].sum().rename(
        columns={"now": "mrr", "paying": "paying_accounts"})
    out["arr"] = 12 * out["mrr"]
    out["arpa"] = out["mrr"] / out["paying_accounts"].where(out["paying_accounts"] > 0)
    return _finish(out, by, {"mrr": "float64", "arr": "float64", "paying_accounts": "int64",
                             "arpa": "float64"})


# --- movements, retention and churn ---------------------------------------------------------

MOVEMENTS = ("new", "expansion", "reactivated", "contraction", "churned")


def _classify(pairs: pd.DataFrame) -> pd.DataFrame:
    """Split each account's change from last month into exactly one movement."""
    then, now = pairs["then"], pairs["now"]
    paying_then, paying_now = then > 0, now > 0
    both = paying_then & paying_now
    starts = paying_now & ~paying_then
    change = {
        "new": starts & ~pairs["paid_before"],
        "reactivated": starts & pairs["paid_before"],
        "expansion": both & (now > then),
        "contraction": both & (now < then),
        "churned": paying_then & ~paying_now,
    }
    for name, mask in change.items():
        pairs[name] = (now - then).where(mask, 0.0)
    for name in ("new", "churned", "reactivated"):
        pairs[f"{name}_accounts"] = change[name]
    pairs["starting_accounts"] = paying_then
    return pairs


def mrr_movements(mrr: pd.DataFrame, *, period_end, complete_only: bool = True,
                  accounts: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Monthly MRR movements: how last month's MRR became this month's.

    Each account's MRR is summed over products first, so a product swap or an
    upgrade and a downgrade in the same month net out to expansion, contraction
    or nothing. Every month, ``starting_mrr + new + expansion + reactivated +
    contraction + churned == ending_mrr`` (up to floating-point rounding).

    Parameters
    ----------
    mrr : DataFrame
        The ``mrr`` table.
    period_end : date-like
        The last day counted.
    complete_only : bool
        Leave out the month holding ``period_end`` unless it is complete.
    accounts : DataFrame, optional
        The ``accounts`` table; needed with ``by``.
    by : str, optional
        A column of ``accounts`` (such as ``segment``) to break the movements down by.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``starting_mrr``, ``new``, ``expansion``,
        ``reactivated`` (positive), ``contraction``, ``churned`` (negative),
        ``ending_mrr`` (float64), ``new_accounts``, ``churned_accounts`` and
        ``reactivated_accounts`` (int64); one row per month from the second month
        of data.
    """
    pairs = _classify(_prepared(mrr, period_end, complete_only, accounts, by, 1))
    counts = ["new_accounts", "churned_accounts", "reactivated_accounts"]
    out = pairs.groupby(_keys(by))[["then", *MOVEMENTS, "now", *counts]].sum().rename(
        columns={"then": "starting_mrr", "now": "ending_mrr"})
    return _finish(out, by, {"starting_mrr": "float64", **dict.fromkeys(MOVEMENTS, "float64"),
                             "ending_mrr": "float64", **dict.fromkeys(counts, "int64")})


def revenue_retention(mrr: pd.DataFrame, *, period_end, months: int = 1,
                      complete_only: bool = True, accounts: pd.DataFrame | None = None,
                      by: str | None = None) -> pd.DataFrame:
    """Net and gross revenue retention of the accounts paying ``months`` months before.

    The cohort of a month is the accounts paying ``months`` months earlier; accounts
    that start or come back without being in it are left out (with ``months=1``,
    reactivations are not retained revenue). A cohort account that left and came
    back counts with its MRR now. Per account, gross retention counts at most what
    it paid then, so GRR is at most 1.

    Parameters
    ----------
    mrr, period_end, complete_only, accounts, by
        As in :func:`mrr_movements`.
    months : int
        How far back the cohort is taken: 1 for monthly retention, 12 for
        trailing-twelve-month retention.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``cohort_accounts``, ``cohort_mrr`` (their MRR
        then), ``retained_mrr`` (their MRR now), ``gross_retained_mrr`` (the sum of
        min(now, then)), ``nrr`` and ``grr`` (NaN for an empty cohort); one row per
        month at least ``months`` months after the first month of data.
    """
    pairs = _prepared(mrr, period_end, complete_only, accounts, by, _whole(months, "months"))
    cohort = pairs["then"] > 0
    pairs["cohort_accounts"] = cohort
    pairs["cohort_mrr"] = pairs["then"].where(cohort, 0.0)
    pairs["retained_mrr"] = pairs["now"].where(cohort, 0.0)
    pairs["gross_retained_mrr"] = np.minimum(pairs["now"], pairs["then"]).where(cohort, 0.0)
    out = pairs.groupby(_keys(by))[["cohort_accounts", "cohort_mrr", "retained_mrr",
                                    "gross_retained_mrr"]].sum()
    base = out["cohort_mrr"].where(out["cohort_mrr"] > 0)
    out["nrr"] = out["retained_mrr"] / base
    out["grr"] = out["gross_retained_mrr"] / base
    return _finish(out, by, {"cohort_accounts": "int64", "cohort_mrr": "float64",
                             "retained_mrr": "float64", "gross_retained_mrr": "float64",
                             "nrr": "float64", "grr": "float64"})


def quick_ratio(movements: pd.DataFrame) -> pd.DataFrame:
    """The MRR quick ratio of each month: the MRR won over the MRR lost.

    Parameters
    ----------
    movements : DataFrame
        The output of :func:`mrr_movements`, with or without groups.

    Returns
    -------
    DataFrame
        The movements' keys (``month``, and ``group`` when grouped), ``gained``
        (new + expansion + reactivated), ``lost`` (contraction and churned, as a
        positive amount) and ``quick_ratio`` (gained over lost). A month that lost
        nothing has no ratio (NaN): over nothing, the ratio says nothing, and an
        infinite one would crown a month that merely had no customer leave.

    Examples
    --------
    >>> moves = pd.DataFrame({"month": pd.to_datetime(["2026-09-01", "2026-10-01"]),
    ...                       "new": [300.0, 0.0], "expansion": [100.0, 50.0],
    ...                       "reactivated": [0.0, 0.0], "contraction": [-50.0, 0.0],
    ...                       "churned": [-50.0, 0.0]})
    >>> quick_ratio(moves)["quick_ratio"].tolist()
    [4.0, nan]
    """
    keys = [c for c in ("month", "group") if c in movements.columns]
    out = movements[keys].copy()
    out["gained"] = movements[["new", "expansion", "reactivated"]].sum(axis=1).astype("float64")
    out["lost"] = -movements[["contraction", "churned"]].sum(axis=1).astype("float64")
    out["quick_ratio"] = (out["gained"] / out["lost"]).where(out["lost"] > 0)
    return out.reset_index(drop=True)


def churn_rates(mrr: pd.DataFrame, *, period_end, complete_only: bool = True,
                accounts: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """Logo churn and gross revenue churn per month.

    Churn is read from MRR (paying last month, nothing this month), not from the
    accounts' ``churn_date``; an account that churns, comes back and churns again
    counts each time.

    Parameters
    ----------
    mrr, period_end, complete_only, accounts, by
        As in :func:`mrr_movements`.

    Returns
    -------
    DataFrame
        Columns ``month``, [``by``], ``starting_accounts``, ``churned_accounts``,
        ``logo_churn_rate``, ``starting_mrr``, ``lost_mrr`` (contraction and churn,
        as a positive amount) and ``revenue_churn_rate`` (``lost_mrr /
        starting_mrr``); rates are NaN when nobody paid at the start of the month.
    """
    pairs = _classify(_prepared(mrr, period_end, complete_only, accounts, by, 1))
    pairs["lost_mrr"] = -(pairs["contraction"] + pairs["churned"])
    out = pairs.groupby(_keys(by))[["starting_accounts", "churned_accounts", "then",
                                    "lost_mrr"]].sum().rename(columns={"then": "starting_mrr"})
    out["logo_churn_rate"] = (out["churned_accounts"]
                              / out["starting_accounts"].where(out["starting_accounts"] > 0))
    out["revenue_churn_rate"] = (out["lost_mrr"]
                                 / out["starting_mrr"].where(out["starting_mrr"] > 0))
    return _finish(out, by, {"starting_accounts": "int64", "churned_accounts": "int64",
                             "logo_churn_rate": "float64", "starting_mrr": "float64",
                             "lost_mrr": "float64", "revenue_churn_rate": "float64"})


def _whole(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number of months of at least 1, not {value!r}")
    return int(value)



# --- registered metrics ---------------------------------------------------------------------

def _accounts_for(company, by):
    if by is None:
        return None
    if not company.has("accounts"):
        raise MissingTables(f"a breakdown by {by!r} needs the table(s) accounts")
    return company.tables["accounts"]


def _options(company, period_end, complete_only, by):
    return {"period_end": period_end, "complete_only": complete_only,
            "accounts": _accounts_for(company, by), "by": by}


@metric("arr", family="revenue", title="Annual recurring revenue (ARR)",
        definition="Twelve times a month's MRR: a year of recurring revenue at the month's "
                   "run rate.",
        formula="ARR(m) = 12 × MRR(m)", needs=_MRR_NEEDS, unit="currency")
def arr(company, *, period_end, complete_only: bool = True, by: str | None = None):
    """MRR and ARR per month; see :func:`recurring_revenue`."""
    out = recurring_revenue(company.tables["mrr"],
                            **_options(company, period_end, complete_only, by))
    return out.drop(columns=["paying_accounts", "arpa"])


@metric("mrr_movements", family="revenue", title="MRR movements",
        definition="How each month's MRR came from the month before, account by account with "
                   "products summed (so a product swap within an account is expansion or "
                   "contraction, not new and churned): new (paying for the first time), "
                   "expansion, reactivated (paying again after at least one month at zero), "
                   "contraction and churned (negative), where the accounts paying in the "
                   "first month of data are its starting base rather than new.",
        formula="ending MRR = starting MRR + new + expansion + reactivated + contraction + "
                "churned",
        needs=_MRR_NEEDS, unit="currency")
def movements(company, *, period_end, complete_only: bool = True, by: str | None = None):
    """MRR movements per month; see :func:`mrr_movements`."""
    return mrr_movements(company.tables["mrr"], **_options(company, period_end, complete_only, by))


@metric("nrr", family="revenue", title="Net revenue retention (NRR)",
        definition="MRR now of the accounts that paid N months before (1: monthly, 12: "
                   "trailing twelve months) over their MRR then, so expansion, contraction and "
                   "churn count but new and reactivated accounts outside that cohort do not, "
                   "while a cohort account that churned and came back counts with its MRR now.",
        formula="NRR = MRR now of the cohort / MRR of the cohort N months before; for N = 1, "
                "NRR = (starting MRR + expansion + contraction + churned) / starting MRR",
        needs=_MRR_NEEDS, unit="ratio")
def nrr(company, *, period_end, months: int = 1, complete_only: bool = True,
        by: str | None = None):
    """Net revenue retention per month; see :func:`revenue_retention`."""
    out = revenue_retention(company.tables["mrr"], months=months,
                            **_options(company, period_end, complete_only, by))
    return out.drop(columns=["gross_retained_mrr", "grr"])


@metric("grr", family="revenue", title="Gross revenue retention (GRR)",
        definition="Like NRR, but each account of the cohort counts at most what it paid N "
                   "months before, so expansion is left out and GRR is at most 1.",
        formula="GRR = sum over the cohort of min(MRR now, MRR then) / MRR of the cohort then; "
                "for N = 1, GRR = (starting MRR + contraction + churned) / starting MRR",
        needs=_MRR_NEEDS, unit="share")
def grr(company, *, period_end, months: int = 1, complete_only: bool = True,
        by: str | None = None):
    """Gross revenue retention per month; see :func:`revenue_retention`."""
    out = revenue_retention(company.tables["mrr"], months=months,
                            **_options(company, period_end, complete_only, by))
    return out.drop(columns=["retained_mrr", "nrr"])


@metric("logo_churn_rate", family="revenue", title="Logo churn rate",
        definition="Share of the accounts paying at the start of a month (in the month before) "
                   "that pay nothing in it, read from MRR rather than from the accounts' churn "
                   "date.",
        formula="logo churn rate(m) = accounts churned in m / accounts paying in m − 1",
        needs=_MRR_NEEDS, unit="share")
def logo_churn_rate(company, *, period_end, complete_only: bool = True, by: str | None = None):
    """Logo churn per month; see :func:`churn_rates`."""
    out = churn_rates(company.tables["mrr"], **_options(company, period_end, complete_only, by))
    return out.drop(columns=["starting_mrr", "lost_mrr", "revenue_churn_rate"])


@metric("revenue_churn_rate", family="revenue", title="Revenue churn rate (gross)",
        definition="Contraction and churned MRR of a month as a positive share of the MRR at "
                   "its start, gross of expansion (which does not offset it), so it equals "
                   "1 − monthly GRR.",
        formula="revenue churn rate(m) = −(contraction + churned) / starting MRR",
        needs=_MRR_NEEDS, unit="share")
def revenue_churn_rate(company, *, period_end, complete_only: bool = True,
                       by: str | None = None):
    """Gross revenue churn per month; see :func:`churn_rates`."""
    out = churn_rates(company.tables["mrr"], **_options(company, period_end, complete_only, by))
    return out.drop(columns=["starting_accounts", "churned_accounts", "logo_churn_rate"])


@metric("arpa", family="revenue", title="Average revenue per account (ARPA)",
        definition="A month's MRR divided by the accounts paying in it (MRR above zero, "
                   "summed over products).",
        formula="ARPA(m) = MRR(m) / paying accounts(m)", needs=_MRR_NEEDS, unit="currency")
def arpa(company, *, period_end, complete_only: bool = True, by: str | None = None):
    """MRR, paying accounts and ARPA per month; see :func:`recurring_revenue`."""
    out = recurring_revenue(company.tables["mrr"],
                            **_options(company, period_end, complete_only, by))
    return out.drop(columns=["arr"])


@metric("mrr_quick_ratio", family="revenue", title="MRR quick ratio",
        definition="A month's MRR won (new, expansion and reactivated) over its MRR lost "
                   "(contraction and churned): how many dollars of growth each lost dollar "
                   "is replaced with. Above 4 a subscription business grows efficiently; "
                   "below 1 its recurring revenue shrinks. A month that lost nothing has "
                   "no ratio.",
        formula="quick ratio(m) = (new + expansion + reactivated) / −(contraction + churned)",
        needs=_MRR_NEEDS, unit="ratio")
def mrr_quick_ratio(company, *, period_end, complete_only: bool = True, by: str | None = None):
    """The MRR quick ratio per month; see :func:`quick_ratio`."""
    return quick_ratio(mrr_movements(company.tables["mrr"],
                                     **_options(company, period_end, complete_only, by)))
