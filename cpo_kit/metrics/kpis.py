"""The KPI catalogue: each KPI of the playbook described once, and its target.

This is the only place a KPI's name, unit, direction, notebook, metric and definition
are written: the headline table, the scorecards, the result files, the stakeholder
report, the readings and the glossary look a KPI up here by its key. A new KPI is an
entry in :data:`KPIS`, a metric in the registry and a section of its notebook.

A KPI is named by its key everywhere a program refers to it (``targets:`` in a
params file, a key result's ``kpi`` column, the result tables); its label is for
people. Only the :data:`SCORED` KPIs take a target (ARR, twelve times MRR, does not
take one of its own). Targets belong to the company: they come from the params file's
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
    """One KPI: the only place it is described; everything else looks it up by ``key``.

    Parameters
    ----------
    key : str
        How programs and params files name it: ``activation``.
    name : str
        How people name it: "Activation".
    unit : str
        One of :data:`cpo_kit.core.formats.UNITS`: how its values are written and plotted.
    higher_is_better : bool
        Which way is good.
    notebook : str
        The notebook that computes it (and scores it, when ``scored``).
    definition : str
        One sentence for the glossary.
    basis : str, optional
        What the number is taken over, shown after the name unless a notebook names
        another basis: "whole funnel", "last 90 days".
    metric : str, optional
        The metric of the registry (:data:`cpo_kit.metrics.METRICS`) that defines it.
    scored : bool
        Whether a company can set it a target (``targets:``, a key result's ``kpi``);
        a headline number such as ARR, which moves with MRR, is not scored twice.
    """

    key: str
    name: str
    unit: str
    higher_is_better: bool
    notebook: str
    definition: str
    basis: str | None = None
    metric: str | None = None
    scored: bool = True

    @property
    def label(self) -> str:
        """The name with its usual basis: "Activation (whole funnel)"."""
        return self.labelled()

    def labelled(self, basis: str | None = None) -> str:
        """The name with ``basis`` (or the usual one): "MRR (October 2026)"."""
        basis = basis or self.basis
        return f"{self.name} ({basis})" if basis else self.name


KPIS: dict[str, KPI] = {k.key: k for k in (
    KPI("mau", "Monthly active users", "count", True, "kpi_overview",
        "People with at least one event in the month.", metric="mau"),
    KPI("mrr", "MRR", "currency", True, "kpi_overview",
        "Monthly recurring revenue of the month, in the reporting currency.", metric="mrr"),
    KPI("nps", "NPS", "score", True, "kpi_overview",
        "Net Promoter Score of the answers of the 90 days to the period end.",
        basis="last 90 days", metric="nps"),
    KPI("wau", "Weekly active users", "count", True, "product_kpis",
        "People with at least one event in the last complete week.", metric="wau"),
    KPI("stickiness", "Stickiness", "share", True, "product_kpis",
        "Average daily active users of the month over its monthly active users.",
        basis="DAU / MAU", metric="stickiness"),
    KPI("week_4_retention", "Week-4 retention", "share", True, "product_kpis",
        "Share of the latest four cohorts that have reached week 4 still active in it.",
        metric="retention"),
    KPI("activation", "Activation", "share", True, "product_kpis",
        "Share of funnel entries of the latest four closed weeks that reached the last step.",
        basis="whole funnel", metric="funnel"),
    KPI("nrr_t12m", "NRR", "share", True, "revenue_health",
        "Net revenue retention: MRR today of the accounts paying 12 months ago, over theirs "
        "then.", basis="trailing 12 months", metric="nrr"),
    KPI("grr_t12m", "GRR", "share", True, "revenue_health",
        "Gross revenue retention: as NRR, with expansion left out.",
        basis="trailing 12 months", metric="grr"),
    KPI("logo_churn", "Logo churn per month", "share", False, "revenue_health",
        "Share of last month's paying accounts that stopped paying, pooled over months.",
        metric="logo_churn_rate"),
    KPI("ltv_to_cac", "LTV : CAC", "ratio", True, "revenue_health",
        "Lifetime value of an account over what it cost to win it.", metric="ltv"),
    KPI("cac_payback", "CAC payback", "months", False, "revenue_health",
        "Months of gross margin an account takes to repay what it cost to win it.",
        metric="cac_payback"),
    KPI("mrr_quick_ratio", "MRR quick ratio", "ratio", True, "revenue_health",
        "MRR won in the month (new, expansion, reactivated) over MRR lost (contraction, "
        "churn): above 4 growth is efficient, below 1 recurring revenue shrinks.",
        metric="mrr_quick_ratio"),
    KPI("arr", "ARR", "currency", True, "kpi_overview",
        "Annual recurring revenue: the month's MRR times twelve.", basis="MRR × 12",
        metric="arr", scored=False),
    KPI("paying_accounts", "Paying accounts", "count", True, "kpi_overview",
        "Accounts with recurring revenue in the month.", metric="mrr", scored=False),
)}
#: The KPIs a company can set a target for, by key.
SCORED: dict[str, KPI] = {k: kpi for k, kpi in KPIS.items() if kpi.scored}


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
        if key not in SCORED:
            raise ValueError(f"no KPI is called {key!r}{did_you_mean(str(key), SCORED)}; the "
                             "KPIs are " + ", ".join(SCORED))
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
        rows = okrs[(okrs["quarter"] == quarter) & okrs["kpi"].isin(list(SCORED))]
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
    # Here rather than at the top: targets reads this module's AMBER_WITHIN.
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
