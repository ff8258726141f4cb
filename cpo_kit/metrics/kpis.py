"""The KPI catalogue: each KPI the playbook scores, described once, and its target.

A KPI is named by its key everywhere a program refers to it (``targets:`` in a
params file, a key result's ``kpi`` column, the result tables); its label is for
people. Targets belong to the company: they come from the params file's
``targets:`` or from the ``okrs`` table (a key result that names a KPI key, in the
quarter holding ``period_end``), never from a notebook's defaults. A KPI without a
target is shown as such, in a neutral colour, rather than rated against a number
that belongs to somebody else.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from cpo_kit.core.text import did_you_mean

#: The tolerance on the wrong side of a target within which a KPI is amber, relative to it.
AMBER_WITHIN = 0.05


@dataclass(frozen=True)
class KPI:
    """One KPI.

    Parameters
    ----------
    key : str
        How programs and params files name it: ``activation``.
    label : str
        How people name it: "Activation (whole funnel)".
    unit : str
        One of :data:`cpo_kit.core.formats.UNITS`.
    higher_is_better : bool
        Which way is good.
    notebook : str
        The notebook that computes and scores it.
    definition : str
        One sentence for the glossary.
    """

    key: str
    label: str
    unit: str
    higher_is_better: bool
    notebook: str
    definition: str


KPIS: dict[str, KPI] = {k.key: k for k in (
    KPI("mau", "Monthly active users", "count", True, "kpi_overview",
        "People with at least one event in the month."),
    KPI("mrr", "MRR", "currency", True, "kpi_overview",
        "Monthly recurring revenue of the month, in the reporting currency."),
    KPI("nps", "NPS (last 90 days)", "score", True, "kpi_overview",
        "Net Promoter Score of the answers of the 90 days to the period end."),
    KPI("wau", "Weekly active users", "count", True, "product_kpis",
        "People with at least one event in the last complete week."),
    KPI("stickiness", "Stickiness (DAU / MAU)", "share", True, "product_kpis",
        "Average daily active users of the month over its monthly active users."),
    KPI("week_4_retention", "Week-4 retention", "share", True, "product_kpis",
        "Share of the latest four cohorts that have reached week 4 still active in it."),
    KPI("activation", "Activation (whole funnel)", "share", True, "product_kpis",
        "Share of funnel entries of the latest four closed weeks that reached the last step."),
    KPI("nrr_t12m", "NRR (trailing 12 months)", "share", True, "revenue_health",
        "Net revenue retention: MRR today of the accounts paying 12 months ago, over theirs "
        "then."),
    KPI("grr_t12m", "GRR (trailing 12 months)", "share", True, "revenue_health",
        "Gross revenue retention: as NRR, with expansion left out."),
    KPI("logo_churn", "Logo churn per month", "share", False, "revenue_health",
        "Share of last month's paying accounts that stopped paying, pooled over months."),
    KPI("ltv_to_cac", "LTV : CAC", "ratio", True, "revenue_health",
        "Lifetime value of an account over what it cost to win it."),
    KPI("cac_payback", "CAC payback", "months", False, "revenue_health",
        "Months of gross margin an account takes to repay what it cost to win it."),
)}


def check_targets(targets) -> dict[str, dict]:
    """The ``targets:`` of a params file, each as ``{"target": x, "amber_within": t}``.

    Raises
    ------
    ValueError
        A key that is no KPI's, or a value that is neither a number nor a mapping
        with a numeric ``target`` (and optionally ``amber_within``).

    Examples
    --------
    >>> check_targets({"wau": 1100})
    {'wau': {'target': 1100.0}}
    """
    if not isinstance(targets, Mapping):
        raise ValueError(f"expected a mapping of KPI keys to targets, found {targets!r}")
    out = {}
    for key, spec in targets.items():
        if key not in KPIS:
            raise ValueError(f"no KPI is called {key!r}{did_you_mean(str(key), KPIS)}; the "
                             "KPIs are " + ", ".join(KPIS))
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"target", "amber_within"}
            if "target" not in spec or unknown:
                raise ValueError(f"{key}: expected a number or {{target: x, amber_within: y}}, "
                                 f"found {dict(spec)!r}")
            out[key] = {k: _number(key, v) for k, v in spec.items()}
        else:
            out[key] = {"target": _number(key, spec)}
    return out


def _number(key: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number, found {value!r}")
    return float(value)


def company_targets(targets: Mapping | None = None, *, okrs: pd.DataFrame | None = None,
                    period_end=None) -> dict[str, dict]:
    """Each KPI's target: the params file's, else a key result's of the current quarter.

    Parameters
    ----------
    targets : mapping, optional
        The params file's ``targets:`` (KPI key to a number or ``{target, amber_within}``).
    okrs : DataFrame, optional
        The company's ``okrs`` table; a key result whose ``kpi`` names a KPI key, in the
        quarter that holds ``period_end`` (``2026-Q4``), sets that KPI's target.
    period_end : date-like, optional
        Needed with ``okrs``.

    Returns
    -------
    dict
        KPI key to ``{"target", "amber_within", "source"}``; KPIs without a target are absent.
    """
    out = {}
    if okrs is not None and period_end is not None and "kpi" in okrs:
        day = pd.Timestamp(period_end)
        quarter = f"{day.year}-Q{day.quarter}"
        rows = okrs[(okrs["quarter"] == quarter) & okrs["kpi"].isin(list(KPIS))]
        for row in rows.itertuples():
            out[row.kpi] = {"target": float(row.target), "amber_within": AMBER_WITHIN,
                            "source": f"key result {row.okr_id} ({quarter})"}
    for key, spec in check_targets(targets or {}).items():
        out[key] = {"amber_within": AMBER_WITHIN, **spec, "source": "params file"}
    return out


def score(values: pd.DataFrame, targets: Mapping[str, Mapping]) -> pd.DataFrame:
    """Each KPI of ``values`` with its target and status; "no target" where none is set.

    Parameters
    ----------
    values : DataFrame
        Columns ``key`` (catalogue keys), ``value`` and optionally ``previous``.
    targets : mapping
        The output of :func:`company_targets`.

    Returns
    -------
    DataFrame
        ``key``, ``kpi`` (label), ``unit``, ``value``, ``previous``, ``change``,
        ``target``, ``direction`` and ``status``: green, amber or red, or
        ``"no target"`` for a KPI without one (and None where the value is missing).
    """
    # Here rather than at the top: the contract imports this catalogue, and the metrics
    # package would bring ibis into every import of the contract.
    from cpo_kit.metrics.targets import status_against_targets

    frame = values.reindex(columns=["key", "value", "previous"]).reset_index(drop=True)
    kpis = [KPIS[k] for k in frame["key"]]
    frame["kpi"] = [k.label for k in kpis]
    frame["unit"] = [k.unit for k in kpis]
    frame["direction"] = ["higher" if k.higher_is_better else "lower" for k in kpis]
    frame[["value", "previous"]] = frame[["value", "previous"]].astype("float64")
    frame["change"] = frame["value"] - frame["previous"]
    specs = {k: {"target": t["target"], "amber_within": t["amber_within"],
                 "higher_is_better": KPIS[k].higher_is_better}
             for k, t in targets.items() if k in set(frame["key"])}
    rated = (status_against_targets(frame.rename(columns={"kpi": "label", "key": "kpi"}), specs)
             .set_index("kpi") if specs else None)
    frame["target"] = [rated.loc[k, "target"] if rated is not None and k in rated.index
                       else float("nan") for k in frame["key"]]
    frame["status"] = pd.Series(
        [rated.loc[k, "status"] if rated is not None and k in rated.index
         else "no target" for k in frame["key"]], dtype=object)
    return frame[["key", "kpi", "unit", "value", "previous", "change", "target", "direction",
                  "status"]]


def how_to_set(keys) -> str:
    """The line that tells a reader how to give KPIs without a target one."""
    example = ", ".join(f"{k}: <target>" for k in keys)
    return (f"No target is set for {', '.join(KPIS[k].label for k in keys)}. Set one under "
            f"`targets:` in the params file (`targets: {{{example}}}`), or name the KPI's key "
            "in the `kpi` column of a key result in the `okrs` table.")
