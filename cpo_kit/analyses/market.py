"""Market sizing and the competitive landscape.

Two ways to size a market are compared, because each fails differently:

- **bottom-up**: companies that could buy × what one spends a year = TAM (the total
  addressable market); TAM × the share the product can serve today = SAM (serviceable);
  SAM × the share the company can win in a few years = SOM (obtainable);
- **top-down**: an analyst's reported market size taken as the TAM, narrowed by the
  same two shares.

A large gap between the two is itself a finding: one of the inputs (the count of
companies, the spend per company, or the analyst's definition of the market) is off.

The competitor functions read the ``competitors`` table: one row per competitor and
feature, with a coverage of 0 (none), 0.5 (partial) or 1 (full). A competitor without a
row for a feature is *unknown* there, not absent: it is left out of that feature's
comparison and of its mean coverage.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The label of the row that adds up every segment.
TOTAL = "Total"
_MARKET_COLUMNS = ("segment", "year", "companies", "annual_value", "serviceable_share",
                   "obtainable_share")
_COMPETITOR_COLUMNS = ("competitor", "feature", "coverage")


def _check_columns(frame: pd.DataFrame, columns, table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {table} table lacks the column(s) {', '.join(missing)}")


# --- market size --------------------------------------------------------------------------

def market_sizes_by_year(market: pd.DataFrame) -> pd.DataFrame:
    """Bottom-up and top-down TAM, SAM and SOM of every segment and year.

    Parameters
    ----------
    market : DataFrame
        The ``market`` table (``reported_size`` may be missing or empty).

    Returns
    -------
    DataFrame
        Columns ``segment``, ``year``, ``tam``, ``sam``, ``som`` (bottom-up),
        ``reported_tam``, ``reported_sam``, ``reported_som`` (top-down, NaN without a
        reported size), all float64, sorted by segment (in order of appearance) and year.

    Examples
    --------
    >>> market = pd.DataFrame({"segment": ["SMB"], "year": [2026], "companies": [1000],
    ...                        "annual_value": [2000.0], "serviceable_share": [0.5],
    ...                        "obtainable_share": [0.1], "reported_size": [3e6]})
    >>> market_sizes_by_year(market)[["tam", "sam", "som", "reported_som"]].iloc[0].tolist()
    [2000000.0, 1000000.0, 100000.0, 150000.0]
    """
    _check_columns(market, _MARKET_COLUMNS, "market")
    if market.duplicated(["segment", "year"]).any():
        raise ValueError("the market table has more than one row for a segment and year")
    frame = market.copy()
    numbers = [*_MARKET_COLUMNS[2:], "reported_size"]
    if "reported_size" not in frame.columns:
        frame["reported_size"] = np.nan
    frame[numbers] = frame[numbers].astype("float64")
    out = pd.DataFrame({"segment": frame["segment"].astype(str),
                        "year": frame["year"].astype("int64")})
    serve, win = frame["serviceable_share"], frame["obtainable_share"]
    for prefix, tam in (("", frame["companies"] * frame["annual_value"]),
                        ("reported_", frame["reported_size"])):
        out[f"{prefix}tam"] = tam
        out[f"{prefix}sam"] = tam * serve
        out[f"{prefix}som"] = tam * serve * win
    order = {s: i for i, s in enumerate(dict.fromkeys(out["segment"]))}
    out = out.sort_values(["segment", "year"], key=lambda c: c.map(order) if c.name == "segment"
                          else c)
    return out.reset_index(drop=True)


def sizing_year(market: pd.DataFrame, *, period_end) -> int:
    """The latest year of the market table that is not after the year of ``period_end``.

    Later years are forecasts; the sizing compares the two methods on a year already
    under way.

    Examples
    --------
    >>> sizing_year(pd.DataFrame({"year": [2025, 2026, 2027]}), period_end="2026-10-31")
    2026
    """
    year = pd.Timestamp(period_end).year
    years = pd.Series(market["year"], dtype="float64")
    past = years[years <= year]
    if past.empty:
        raise ValueError(f"the market table has no year up to {year} (the year of period_end)")
    return int(past.max())


def market_sizes(market: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """TAM, SAM and SOM of one year, both ways, per segment and in total, with their gap.

    Parameters
    ----------
    market : DataFrame
        The ``market`` table.
    year : int
        The year sized (see :func:`sizing_year`).

    Returns
    -------
    DataFrame
        One row per segment, then a ``Total`` row; the columns of
        :func:`market_sizes_by_year` but ``year``, and ``gap``: the top-down SAM over
        the bottom-up SAM, minus 1 (0.25: the analysts' figure is 25% larger; NaN
        without a reported size). In a segment the gap is the same at every level,
        since both methods narrow by the same shares.

    Examples
    --------
    >>> market = pd.DataFrame({"segment": ["SMB", "Enterprise"], "year": [2026, 2026],
    ...                        "companies": [1000, 10], "annual_value": [2000.0, 50000.0],
    ...                        "serviceable_share": [0.5, 0.2], "obtainable_share": [0.1, 0.1],
    ...                        "reported_size": [3e6, 5e5]})
    >>> sizes = market_sizes(market, year=2026)
    >>> sizes["segment"].tolist(), sizes["sam"].tolist(), sizes["gap"].round(4).tolist()
    (['SMB', 'Enterprise', 'Total'], [1000000.0, 100000.0, 1100000.0], [0.5, 0.0, 0.4545])
    """
    sizes = market_sizes_by_year(market)
    one = sizes[sizes["year"] == year].drop(columns="year")
    if one.empty:
        raise ValueError(f"the market table has no rows for the year {year}")
    total = one.drop(columns="segment").sum(min_count=1)
    # A total of reported sizes is only meaningful when every segment reports one.
    if one["reported_tam"].isna().any():
        total[["reported_tam", "reported_sam", "reported_som"]] = np.nan
    out = pd.concat([one, pd.DataFrame([{"segment": TOTAL, **total}])], ignore_index=True)
    out["gap"] = out["reported_sam"] / out["sam"].where(out["sam"] > 0) - 1
    return out.astype({c: "float64" for c in out.columns if c != "segment"})


# --- growth -------------------------------------------------------------------------------

def cagr(first: float, last: float, years: float) -> float:
    """Compound annual growth rate from ``first`` to ``last`` over ``years`` years.

    NaN when it cannot be computed: no years between, or a start that is not positive.

    Examples
    --------
    >>> round(cagr(100.0, 121.0, 2), 4)
    0.1
    """
    if years <= 0 or not first > 0 or not last >= 0:
        return float("nan")
    return (last / first) ** (1 / years) - 1


def segment_growth(market: pd.DataFrame, *, first_year: int | None = None,
                   last_year: int | None = None) -> pd.DataFrame:
    """Growth of each segment's market (and of all together) between two years.

    Parameters
    ----------
    market : DataFrame
        The ``market`` table.
    first_year, last_year : int, optional
        The years compared; by default the first and last year of each segment. Years
        after today in the table are forecasts, and so is growth that reaches them.

    Returns
    -------
    DataFrame
        One row per segment and a ``Total`` row (over the years every segment has),
        sorted by ``cagr`` from fastest to slowest (the total last): ``segment``,
        ``first_year``, ``last_year``, ``first_tam``, ``last_tam`` (bottom-up), ``cagr``
        (of the bottom-up TAM) and ``reported_cagr`` (of the reported size; NaN without
        one).

    Examples
    --------
    >>> market = pd.DataFrame({"segment": ["SMB", "SMB"], "year": [2024, 2026],
    ...                        "companies": [100, 121], "annual_value": [10.0, 10.0],
    ...                        "serviceable_share": [1.0, 1.0], "obtainable_share": [1.0, 1.0]})
    >>> segment_growth(market)["cagr"].round(4).tolist()
    [0.1, 0.1]
    """
    if first_year is not None and last_year is not None and last_year <= first_year:
        raise ValueError(f"last_year ({last_year}) must come after first_year ({first_year})")
    sizes = market_sizes_by_year(market)
    if first_year is not None:
        sizes = sizes[sizes["year"] >= first_year]
    if last_year is not None:
        sizes = sizes[sizes["year"] <= last_year]
    if sizes.empty:
        raise ValueError("the market table has no rows between the years asked for")
    rows = [_growth(segment, rows) for segment, rows in sizes.groupby("segment", sort=False)]
    out = pd.DataFrame(rows).sort_values("cagr", ascending=False, na_position="last")
    common = sizes.groupby("year")["segment"].nunique()
    common = common[common == sizes["segment"].nunique()].index
    together = sizes[sizes["year"].isin(common)].groupby("year", as_index=False)[
        ["tam", "reported_tam"]].sum(min_count=1)
    if len(together):
        out = pd.concat([out, pd.DataFrame([_growth(TOTAL, together)])], ignore_index=True)
    return out.astype({"first_year": "int64", "last_year": "int64"}).reset_index(drop=True)


def _growth(segment: str, rows: pd.DataFrame) -> dict:
    rows = rows.sort_values("year")
    first, last = rows.iloc[0], rows.iloc[-1]
    years = last["year"] - first["year"]
    return {"segment": segment, "first_year": first["year"], "last_year": last["year"],
            "first_tam": first["tam"], "last_tam": last["tam"],
            "cagr": cagr(first["tam"], last["tam"], years),
            "reported_cagr": cagr(first["reported_tam"], last["reported_tam"], years)}


# --- competitors --------------------------------------------------------------------------

def our_name(competitors: pd.DataFrame, *, fallback: str | None = None) -> str:
    """The company's own name in the ``competitors`` table.

    The rows marked ``is_us`` name it; without such rows, ``fallback`` (the company's
    name) must appear among the competitors.

    Examples
    --------
    >>> our_name(pd.DataFrame({"competitor": ["Us", "Them"], "is_us": [True, False]}))
    'Us'
    """
    _check_columns(competitors, ("competitor",), "competitors")
    if "is_us" in competitors.columns:
        ours = competitors.loc[competitors["is_us"].fillna(False).astype(bool), "competitor"]
        names = list(dict.fromkeys(ours))
        if len(names) > 1:
            raise ValueError("is_us marks more than one competitor as the company: "
                             + ", ".join(map(str, names)))
        if names:
            return str(names[0])
    if fallback is not None and (competitors["competitor"] == fallback).any():
        return fallback
    raise ValueError("the competitors table does not say which rows are the company's: set "
                     "is_us to True on them, or name the company as in the table")


def _coverage(competitors: pd.DataFrame, us: str) -> pd.DataFrame:
    _check_columns(competitors, _COMPETITOR_COLUMNS, "competitors")
    if not (competitors["competitor"] == us).any():
        raise ValueError(f"{us!r} is not a competitor of the competitors table")
    if competitors.duplicated(["competitor", "feature"]).any():
        raise ValueError("the competitors table has more than one row for a competitor and "
                         "feature")
    return competitors.pivot(index="competitor", columns="feature", values="coverage")


def coverage_matrix(competitors: pd.DataFrame, *, us: str) -> pd.DataFrame:
    """Feature coverage with competitors down and features across, the company first.

    Parameters
    ----------
    competitors : DataFrame
        The ``competitors`` table.
    us : str
        The company's name in it (see :func:`our_name`).

    Returns
    -------
    DataFrame
        Float coverage (NaN where a competitor has no row for a feature), indexed by
        competitor: the company, then rivals from the broadest coverage to the narrowest;
        features in the order they first appear in the table.

    Examples
    --------
    >>> table = pd.DataFrame({"competitor": ["Us", "Us", "B", "B"],
    ...                       "feature": ["x", "y", "x", "y"], "coverage": [1, 0, 0.5, 1]})
    >>> coverage_matrix(table, us="Us").to_dict("index")
    {'Us': {'x': 1.0, 'y': 0.0}, 'B': {'x': 0.5, 'y': 1.0}}
    """
    wide = _coverage(competitors, us).astype("float64")
    features = list(dict.fromkeys(competitors["feature"]))
    rivals = wide.drop(index=us).mean(axis=1).sort_values(ascending=False, kind="stable")
    out = wide.loc[[us, *rivals.index], features]
    out.columns.name = None
    return out


def feature_standing(competitors: pd.DataFrame, *, us: str) -> pd.DataFrame:
    """Where the company stands on each feature against its rivals.

    A feature is a ``gap`` when at least one rival covers it more than the company, a
    ``lead`` when the company covers it more than every rival, and ``parity`` otherwise
    (someone matches the company, nobody beats it).

    Parameters
    ----------
    competitors : DataFrame
        The ``competitors`` table.
    us : str
        The company's name in it.

    Returns
    -------
    DataFrame
        One row per feature the company has a row for, in table order: ``feature``,
        ``ours`` (our coverage), ``best_rival`` (the highest rival coverage),
        ``rivals_ahead`` and ``rivals_behind`` (counts), ``ahead`` (names of the rivals
        ahead, comma separated) and ``standing``.

    Examples
    --------
    >>> table = pd.DataFrame({"competitor": ["Us", "Us", "B", "B"],
    ...                       "feature": ["x", "y", "x", "y"], "coverage": [1, 0, 0.5, 1]})
    >>> feature_standing(table, us="Us")[["feature", "standing"]].to_dict("list")
    {'feature': ['x', 'y'], 'standing': ['lead', 'gap']}
    """
    wide = coverage_matrix(competitors, us=us)
    ours = wide.loc[us]
    rivals = wide.drop(index=us)
    rows = []
    for feature in wide.columns:
        if pd.isna(ours[feature]):
            continue
        known = rivals[feature].dropna()
        ahead = known[known > ours[feature]]
        behind = known[known < ours[feature]]
        standing = ("gap" if len(ahead) else
                    "lead" if len(known) and len(behind) == len(known) else "parity")
        rows.append({"feature": feature, "ours": ours[feature],
                     "best_rival": known.max() if len(known) else np.nan,
                     "rivals_ahead": len(ahead), "rivals_behind": len(behind),
                     "ahead": ", ".join(ahead.index), "standing": standing})
    columns = ["feature", "ours", "best_rival", "rivals_ahead", "rivals_behind", "ahead",
               "standing"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"ours": "float64", "best_rival": "float64", "rivals_ahead": "int64",
         "rivals_behind": "int64"})


def feature_gaps(competitors: pd.DataFrame, *, us: str) -> pd.DataFrame:
    """The features where some rival covers more than the company, most beaten first.

    Returns the rows of :func:`feature_standing` whose standing is ``gap``, sorted by
    ``rivals_ahead`` (descending), then by table order.

    Examples
    --------
    >>> table = pd.DataFrame({"competitor": ["Us", "Us", "B", "B"],
    ...                       "feature": ["x", "y", "x", "y"], "coverage": [1, 0, 0.5, 1]})
    >>> feature_gaps(table, us="Us")["feature"].tolist()
    ['y']
    """
    table = feature_standing(competitors, us=us)
    gaps = table[table["standing"] == "gap"]
    return gaps.sort_values("rivals_ahead", ascending=False, kind="stable").reset_index(drop=True)


def feature_leads(competitors: pd.DataFrame, *, us: str) -> pd.DataFrame:
    """The features the company covers more than every rival, widest margin first.

    Returns the rows of :func:`feature_standing` whose standing is ``lead``, with
    ``margin`` (our coverage minus the best rival's), sorted by it (descending).

    Examples
    --------
    >>> table = pd.DataFrame({"competitor": ["Us", "Us", "B", "B"],
    ...                       "feature": ["x", "y", "x", "y"], "coverage": [1, 0, 0.5, 1]})
    >>> feature_leads(table, us="Us")[["feature", "margin"]].to_dict("list")
    {'feature': ['x'], 'margin': [0.5]}
    """
    table = feature_standing(competitors, us=us)
    leads = table[table["standing"] == "lead"].copy()
    leads["margin"] = leads["ours"] - leads["best_rival"]
    return leads.sort_values("margin", ascending=False, kind="stable").reset_index(drop=True)


def positioning(competitors: pd.DataFrame, *, us: str) -> pd.DataFrame:
    """Each competitor's mean feature coverage and list price: the positioning map's points.

    Parameters
    ----------
    competitors : DataFrame
        The ``competitors`` table.
    us : str
        The company's name in it.

    Returns
    -------
    DataFrame
        One row per competitor, in the order of :func:`coverage_matrix`: ``competitor``,
        ``is_us``, ``coverage`` (mean over the features it has rows for), ``features``
        (how many) and ``list_price`` (the median of its rows' list prices, should they
        differ; NaN without one).

    Examples
    --------
    >>> table = pd.DataFrame({"competitor": ["Us", "Us", "B", "B"],
    ...                       "feature": ["x", "y", "x", "y"], "coverage": [1, 0, 0.5, 1],
    ...                       "list_price": [30.0, 30.0, 50.0, 50.0]})
    >>> positioning(table, us="Us")[["competitor", "coverage", "list_price"]].to_dict("list")
    {'competitor': ['Us', 'B'], 'coverage': [0.5, 0.75], 'list_price': [30.0, 50.0]}
    """
    wide = coverage_matrix(competitors, us=us)
    if "list_price" in competitors.columns:
        prices = competitors.groupby("competitor")["list_price"].agg(
            lambda s: pd.Series(s, dtype="float64").median())
    else:
        prices = pd.Series(dtype="float64")
    out = pd.DataFrame({"competitor": wide.index, "is_us": wide.index == us,
                        "coverage": wide.mean(axis=1).to_numpy(),
                        "features": wide.notna().sum(axis=1).to_numpy()})
    out["list_price"] = out["competitor"].map(prices).astype("float64")
    return out.reset_index(drop=True)
