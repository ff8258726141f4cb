"""Vision and strategy: OKR progress, which work serves which objective, and the portfolio.

Three questions a product leader asks of the plan each quarter:

- how far each key result has moved from its baseline towards its target, judged
  against how much of the quarter has passed (:func:`kr_progress`,
  :func:`objective_progress`);
- whether every key result has work behind it, and whether every piece of work
  serves a key result (:func:`okr_coverage`);
- where each product sits on the growth-share matrix and what to do with it
  (:func:`portfolio`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpo_kit.core import formats
from cpo_kit.metrics.periods import last_complete

KR_STATUSES = ("on track", "at risk", "off track", "not measured")
QUADRANTS = ("star", "cash cow", "question mark", "dog")
RECOMMENDATIONS = ("invest", "invest selectively", "maintain", "harvest", "retire", "review")
#: Initiatives with this status serve nothing: they neither cover a key result nor count as
#: work outside the objectives.
DROPPED = "dropped"


def quarter_elapsed(quarter: str, period_end) -> float:
    """The share of a quarter (``2026-Q4``) that has passed on ``period_end``, 0 to 1.

    Both the first and the last day count: on the quarter's last day the share is 1.
    A label that is not of the form ``YYYY-Qn`` gives 1, so its key results are judged
    against the whole target.

    Examples
    --------
    >>> round(quarter_elapsed("2026-Q4", "2026-10-31"), 4)  # 31 of 92 days
    0.337
    >>> quarter_elapsed("2026-Q3", "2026-10-31")
    1.0
    """
    match = re.fullmatch(r"\s*(\d{4})\s*-?\s*Q([1-4])\s*", str(quarter), flags=re.IGNORECASE)
    if match is None:
        return 1.0
    start = pd.Timestamp(year=int(match[1]), month=3 * int(match[2]) - 2, day=1)
    end = start + pd.offsets.QuarterEnd(0)
    days = (end - start).days + 1
    passed = (pd.Timestamp(period_end).normalize() - start).days + 1
    return float(min(max(passed / days, 0.0), 1.0))


def kr_progress(okrs: pd.DataFrame, *, period_end=None, on_track: float = 0.9,
                off_track: float = 0.6) -> pd.DataFrame:
    """How far each key result has come from its baseline towards its target.

    ``raw_progress = (current - baseline) / (target - baseline)`` works whichever way
    the target lies (a failure rate to bring down gives a positive progress as it
    falls). ``progress`` clips it to 0..1: a key result that went backwards counts as
    0 and one past its target as 1, so that in an objective's average an overshoot on
    one key result cannot hide a miss on another. Without a baseline or a current
    value, or with a target equal to the baseline, progress is unknown.

    The status compares progress with ``expected``, the share of the quarter passed
    on ``period_end``: *on track* at ``on_track`` times it or more, *off track* below
    ``off_track`` times it, *at risk* between.

    Parameters
    ----------
    okrs : DataFrame
        The okrs table: ``okr_id``, ``quarter``, ``objective``, ``key_result``,
        ``baseline``, ``target``, ``current``.
    period_end : date-like, optional
        The day progress is judged on; without it every key result is judged against
        its whole target (``expected`` is 1).
    on_track, off_track : float
        Thresholds, as shares of the expected progress; ``0 <= off_track <= on_track``.

    Returns
    -------
    DataFrame
        One row per key result, in the table's order: ``okr_id``, ``objective``,
        ``key_result``, ``baseline``, ``target``, ``current``, ``raw_progress``,
        ``progress``, ``expected`` and ``status`` (one of :data:`KR_STATUSES`).

    Examples
    --------
    >>> okrs = pd.DataFrame({"okr_id": ["K1"], "quarter": ["2026-Q4"], "objective": ["O"],
    ...                      "key_result": ["Failures"], "baseline": [10.0],
    ...                      "target": [2.0], "current": [6.0]})
    >>> kr_progress(okrs)[["progress", "status"]].to_dict("records")
    [{'progress': 0.5, 'status': 'off track'}]
    """
    if not 0 <= off_track <= on_track:
        raise ValueError(f"need 0 <= off_track <= on_track, got off_track={off_track} and "
                         f"on_track={on_track}")
    _require(okrs, "okrs", ("okr_id", "objective", "key_result", "target"))
    out = okrs[["okr_id", "objective", "key_result"]].copy()
    for column in ("baseline", "target", "current"):
        values = okrs[column] if column in okrs else pd.Series(np.nan, index=okrs.index)
        out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
    span = out["target"] - out["baseline"]
    out["raw_progress"] = ((out["current"] - out["baseline"]) / span.where(span != 0))
    out["progress"] = out["raw_progress"].clip(0.0, 1.0)
    quarters = okrs["quarter"] if "quarter" in okrs else pd.Series("", index=okrs.index)
    out["expected"] = [1.0 if period_end is None else quarter_elapsed(q, period_end)
                       for q in quarters]
    out["status"] = _status(out["progress"], out["expected"], on_track, off_track)
    return out.reset_index(drop=True)


def objective_progress(progress: pd.DataFrame, *, on_track: float = 0.9,
                       off_track: float = 0.6) -> pd.DataFrame:
    """Each objective's progress: the mean progress of its measured key results.

    Parameters
    ----------
    progress : DataFrame
        The output of :func:`kr_progress`.
    on_track, off_track : float
        The thresholds of :func:`kr_progress`, applied to the mean.

    Returns
    -------
    DataFrame
        One row per objective, in order of first appearance: ``objective``,
        ``key_results``, ``measured``, ``krs_on_track`` (key results on track),
        ``progress``, ``expected`` and ``status``.

    Examples
    --------
    >>> okrs = pd.DataFrame({"okr_id": ["K1", "K2"], "quarter": ["Q", "Q"],
    ...                      "objective": ["O", "O"], "key_result": ["a", "b"],
    ...                      "baseline": [0.0, 0.0], "target": [1.0, 1.0],
    ...                      "current": [1.0, 0.5]})
    >>> objective_progress(kr_progress(okrs))["progress"].tolist()
    [0.75]
    """
    grouped = progress.groupby("objective", sort=False)
    out = pd.DataFrame({
        "key_results": grouped.size(),
        "measured": grouped["progress"].count(),
        "krs_on_track": grouped["status"].agg(lambda s: int((s == "on track").sum())),
        "progress": grouped["progress"].mean(),
        "expected": grouped["expected"].mean(),
    }).reset_index()
    out["status"] = _status(out["progress"], out["expected"], on_track, off_track)
    return out


def _status(progress: pd.Series, expected: pd.Series, on_track: float,
            off_track: float) -> pd.Series:
    status = np.select([progress.isna(), progress >= on_track * expected,
                        progress >= off_track * expected],
                       ["not measured", "on track", "at risk"], default="off track")
    return pd.Series(status, index=progress.index, dtype="object")


@dataclass
class Coverage:
    """Which key results have work behind them, and which work serves no key result.

    Attributes
    ----------
    key_results : DataFrame
        One row per key result: ``okr_id``, ``objective``, ``key_result``,
        ``initiatives`` (not dropped), ``open`` (idea, planned or in progress),
        ``done``, ``dropped`` and ``covered`` (at least one initiative not dropped).
    objectives : DataFrame
        One row per objective: ``objective``, ``key_results``, ``covered`` (key
        results with an initiative) and ``initiatives``.
    uncovered : DataFrame
        The rows of ``key_results`` that are not covered.
    orphans : DataFrame
        Initiatives, not dropped, whose key result is empty or unknown:
        ``initiative_id``, ``title``, ``status``, ``effort``, ``okr_id`` and ``reason``.
    """

    key_results: pd.DataFrame
    objectives: pd.DataFrame
    uncovered: pd.DataFrame
    orphans: pd.DataFrame


def okr_coverage(okrs: pd.DataFrame, initiatives: pd.DataFrame) -> Coverage:
    """Join key results with the initiatives that name them.

    A dropped initiative is nobody's work any more: it does not cover its key result,
    and it is not listed as work outside the objectives either. Done work does cover
    its key result (whether that was enough shows in the key result's progress).

    Parameters
    ----------
    okrs : DataFrame
        The okrs table (``okr_id``, ``objective``, ``key_result``).
    initiatives : DataFrame
        The initiatives table (``initiative_id``, ``title``, ``status``, ``effort``,
        and ``okr_id`` when any initiative names a key result).

    Returns
    -------
    Coverage

    Examples
    --------
    >>> okrs = pd.DataFrame({"okr_id": ["K1", "K2"], "objective": ["O", "O"],
    ...                      "key_result": ["a", "b"]})
    >>> work = pd.DataFrame({"initiative_id": ["I1", "I2"], "title": ["x", "y"],
    ...                      "okr_id": ["K1", "K9"], "status": ["planned", "idea"],
    ...                      "effort": [1.0, 2.0]})
    >>> coverage = okr_coverage(okrs, work)
    >>> coverage.uncovered["okr_id"].tolist(), coverage.orphans["reason"].tolist()
    (['K2'], ['unknown key result K9'])
    """
    _require(okrs, "okrs", ("okr_id", "objective", "key_result"))
    _require(initiatives, "initiatives", ("initiative_id", "title", "status", "effort"))
    work = initiatives.copy()
    if "okr_id" not in work:
        work["okr_id"] = pd.NA
    live = work[work["status"] != DROPPED]
    counts = pd.DataFrame({
        "initiatives": live.groupby("okr_id").size(),
        "open": live[live["status"] != "done"].groupby("okr_id").size(),
        "done": live[live["status"] == "done"].groupby("okr_id").size(),
        "dropped": work[work["status"] == DROPPED].groupby("okr_id").size(),
    })
    key_results = okrs[["okr_id", "objective", "key_result"]].merge(
        counts, left_on="okr_id", right_index=True, how="left")
    for column in ("initiatives", "open", "done", "dropped"):
        key_results[column] = key_results[column].fillna(0).astype("int64")
    key_results["covered"] = key_results["initiatives"] > 0
    key_results = key_results.reset_index(drop=True)

    grouped = key_results.groupby("objective", sort=False)
    objectives = pd.DataFrame({"key_results": grouped.size(),
                               "covered": grouped["covered"].sum().astype("int64"),
                               "initiatives": grouped["initiatives"].sum()}).reset_index()

    known = set(okrs["okr_id"])
    named = live["okr_id"].notna() & (live["okr_id"].astype("string").str.strip() != "")
    orphans = live[~named | ~live["okr_id"].isin(known)].copy()
    orphans["reason"] = ["no key result given" if pd.isna(k) or not str(k).strip()
                         else f"unknown key result {k}" for k in orphans["okr_id"]]
    orphans = orphans[["initiative_id", "title", "status", "effort", "okr_id", "reason"]]
    return Coverage(key_results, objectives,
                    key_results[~key_results["covered"]].reset_index(drop=True),
                    orphans.reset_index(drop=True))


def product_mrr(mrr: pd.DataFrame, *, period_end, months: int = 6) -> pd.DataFrame:
    """Each product's MRR in the last complete month and its growth over ``months`` months.

    Parameters
    ----------
    mrr : DataFrame
        The mrr table (``product_id``, ``month``, ``mrr``).
    period_end : date-like
        The last day counted; the last month is the last complete one on it.
    months : int
        How far back the growth looks: ``mrr / mrr_before - 1`` with ``mrr_before``
        the product's MRR ``months`` months earlier (unknown when that was zero).

    Returns
    -------
    DataFrame
        ``product_id``, ``mrr``, ``mrr_before`` and ``mrr_growth``, one row per
        product with any row in ``mrr``.

    Examples
    --------
    >>> table = pd.DataFrame({"product_id": ["P", "P"], "mrr": [100.0, 150.0],
    ...                       "month": pd.to_datetime(["2026-04-01", "2026-10-01"])})
    >>> product_mrr(table, period_end="2026-10-31")["mrr_growth"].tolist()
    [0.5]
    """
    if months < 1:
        raise ValueError(f"months must be at least 1, not {months}")
    _require(mrr, "mrr", ("product_id", "month", "mrr"))
    last = last_complete(period_end, "month")
    before = last - pd.DateOffset(months=months)
    month = pd.to_datetime(mrr["month"]).dt.to_period("M").dt.to_timestamp()
    amount = pd.to_numeric(mrr["mrr"], errors="coerce").astype("float64")
    totals = amount.groupby([mrr["product_id"], month]).sum()
    out = pd.DataFrame({"product_id": pd.unique(mrr["product_id"])})
    out["mrr"] = [float(totals.get((p, last), 0.0)) for p in out["product_id"]]
    out["mrr_before"] = [float(totals.get((p, before), 0.0)) for p in out["product_id"]]
    out["mrr_growth"] = out["mrr"] / out["mrr_before"].where(out["mrr_before"] > 0) - 1
    return out


def portfolio(products: pd.DataFrame, mrr: pd.DataFrame | None = None, *, period_end,
              growth_split: float = 0.10, share_split: float = 1.0,
              trend_months: int = 6) -> pd.DataFrame:
    """Place each product on the growth-share matrix and recommend what to do with it.

    A product's market is *high growth* at ``growth_split`` a year or more, and the
    product *leads* it at a relative share of ``share_split`` or more (1.0: as large as
    the largest rival). Star (high growth, leader), cash cow (low growth, leader),
    question mark (high growth, follower) and dog (low growth, follower) then lead to
    a recommendation refined with the product's stage and MRR trend:

    - star: invest;
    - cash cow: maintain, or harvest when it is in decline or its MRR shrinks;
    - question mark: invest selectively while in introduction or while there is no
      MRR trend; invest once its MRR grows faster than its market (yearly rate, so it
      is winning share); harvest otherwise;
    - dog: harvest while it earns and holds, retire when it is in decline or its MRR
      shrinks;
    - a retired product: retire; a product without growth or share: review.

    Parameters
    ----------
    products : DataFrame
        The products table: ``product_id``, ``name``, ``stage``, ``market_growth``,
        ``relative_share``.
    mrr : DataFrame, optional
        The mrr table; without it the MRR columns are empty and the trend is not used.
    period_end : date-like
        The last day counted.
    growth_split, share_split : float
        Where the matrix is split; ``share_split`` must be above 0.
    trend_months : int
        The months over which the MRR trend is measured.

    Returns
    -------
    DataFrame
        One row per product: ``product_id``, ``name``, ``stage``, ``market_growth``,
        ``relative_share``, ``mrr``, ``mrr_growth``, ``quadrant``, ``recommendation``
        and ``reason`` (one sentence built from the numbers).

    Examples
    --------
    >>> products = pd.DataFrame({"product_id": ["P1"], "name": ["Core"],
    ...                          "stage": ["maturity"], "market_growth": [0.05],
    ...                          "relative_share": [2.0]})
    >>> portfolio(products, period_end="2026-10-31")[["quadrant", "recommendation"]].values
    array([['cash cow', 'maintain']], dtype=object)
    """
    if share_split <= 0:
        raise ValueError(f"share_split must be above 0, not {share_split}")
    _require(products, "products", ("product_id", "name", "stage"))
    out = products[["product_id", "name", "stage"]].copy()
    for column in ("market_growth", "relative_share"):
        values = products[column] if column in products else pd.Series(np.nan,
                                                                         index=products.index)
        out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
    if mrr is not None:
        revenue = product_mrr(mrr, period_end=period_end, months=trend_months)
        out = out.merge(revenue[["product_id", "mrr", "mrr_growth"]], on="product_id",
                        how="left")
        out["mrr"] = out["mrr"].fillna(0.0)
    else:
        out["mrr"] = np.nan
        out["mrr_growth"] = np.nan
    high = out["market_growth"] >= growth_split
    leads = out["relative_share"] >= share_split
    known = out["market_growth"].notna() & out["relative_share"].notna()
    out["quadrant"] = np.where(~known, "unknown", np.select(
        [high & leads, leads, high], ["star", "cash cow", "question mark"], default="dog"))
    decided = [_recommend(row, trend_months) for row in out.itertuples(index=False)]
    out["recommendation"] = [r for r, _ in decided]
    out["reason"] = [why for _, why in decided]
    return out.reset_index(drop=True)


def _recommend(row, trend_months: int) -> tuple[str, str]:
    """The recommendation for one product and a sentence that says why, with its numbers."""
    if row.quadrant == "unknown":
        return "review", ("Market growth or relative share is missing, so the product "
                          "cannot be placed: estimate both before deciding.")
    growth = row.mrr_growth
    # The market's growth is yearly; compare it with the MRR trend at a yearly rate.
    yearly = (1 + growth) ** (12 / trend_months) - 1 if pd.notna(growth) else np.nan
    shrinking = pd.notna(growth) and growth < 0
    outgrowing = pd.notna(yearly) and yearly > row.market_growth
    if row.stage == "retired":
        choice, action = "retire", "it is already retired, so finish moving its customers"
    elif row.quadrant == "star":
        choice, action = "invest", "fund it to keep the lead while the market grows"
    elif row.quadrant == "cash cow":
        if row.stage == "decline" or shrinking:
            choice, action = "harvest", "spend only what keeps its customers and collect the cash"
        else:
            choice, action = "maintain", "keep it healthy and let its cash fund the others"
    elif row.quadrant == "question mark":
        if row.stage == "introduction":
            choice, action = ("invest selectively", "fund it in steps, each tied to a "
                              "milestone that proves it can win share")
        elif outgrowing:
            choice, action = "invest", "it is winning share, so fund it to become a star"
        elif pd.isna(yearly):
            choice, action = ("invest selectively", "no MRR trend shows yet whether it wins "
                              "share, so fund it in steps tied to milestones")
        else:
            choice, action = ("harvest", "it is not winning share, so spend only what keeps "
                              "its customers")
    elif row.stage == "decline" or shrinking:
        choice, action = "retire", "plan its end of life and move its customers"
    else:
        choice, action = "harvest", "keep it running at the lowest cost while it earns"
    facts = (f"{formats.number(row.relative_share, decimals=2)}× the share of the largest "
             f"rival in a market "
             f"{_growth_words(row.market_growth)}, in its {row.stage} stage")
    if pd.notna(row.mrr):
        facts += f", MRR {formats.money(row.mrr)}"
        if pd.notna(growth):
            facts += f" ({formats.share(growth, decimals=0, signed=True)} in {trend_months} months)"
    return choice, f"{row.quadrant.capitalize()}: {facts}; {action}."


def _growth_words(growth: float) -> str:
    if growth < 0:
        return f"shrinking {formats.share(-growth, decimals=0)} a year"
    return f"growing {formats.share(growth, decimals=0)} a year"


def _require(frame: pd.DataFrame, table: str, columns) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {table} table lacks the column(s) {', '.join(missing)}")
