"""The stakeholder report's content, read from the results the other notebooks left.

The report computes nothing again: it reads the result tables and headline
numbers that each notebook of the same run wrote into ``<notebook>_results/``
and turns them into a scorecard, sentences, the roadmap's status and its risks.
A notebook whose results are missing, or that failed on the run, takes its rows
out of the report, and the report names it (:func:`missing`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.metrics.kpis import score
from cpo_kit.metrics.scorecard import pooled_history
from cpo_kit.readings.narrative import change_sentence, movement

#: KPIs of the headline overview that the report scores against the company's targets.
OVERVIEW_KPIS = ("mau", "mrr", "nps")
#: Where each KPI's recent history is, by KPI key: notebook, table, period column, value.
TRENDS = {
    "mau": ("product_kpis", "stickiness", "month", "mau"),
    "wau": ("product_kpis", "weekly_active_users", "period", "users"),
    "stickiness": ("product_kpis", "stickiness", "month", "stickiness"),
    "mrr": ("revenue_health", "mrr_by_month", "month", "mrr"),
    "nrr_t12m": ("revenue_health", "revenue_retention_t12m", "month", "nrr"),
    "grr_t12m": ("revenue_health", "revenue_retention_t12m", "month", "grr"),
    "nps": ("customer_voice", "nps_by_month", "period", "nps"),
    "logo_churn": ("revenue_health", "churn_pooled", "month", "logo_churn_rate"),
    "ltv_to_cac": ("revenue_health", "unit_economics", "month", "ltv_to_cac"),
    "cac_payback": ("revenue_health", "unit_economics", "month", "payback_months"),
    "mrr_quick_ratio": ("revenue_health", "mrr_quick_ratio", "month", "quick_ratio"),
}
#: The trend lines that are not the KPI's own measure, by what they are: the NPS of
#: the last 90 days moves with each month's NPS, which has fewer answers.
TREND_NAMES = {"nps": "NPS of each month's answers"}
#: The product scorecard's pooled KPIs (cpo_kit.metrics.scorecard): their table of the
#: product KPI notebook's results, and the column that orders its rows.
POOLED_TRENDS = {
    "week_4_retention": ("retention", "cohort"),
    "activation": ("weekly_funnel", "period"),
}
#: The notebooks whose results the report reads, in the order it names them when missing.
READS = ("kpi_overview", "product_kpis", "revenue_health", "customer_voice", "roadmap",
         "market")
#: Periods shown in a trend line.
TREND_POINTS = 12
MOVEMENT_COLUMNS = ("new", "expansion", "reactivated", "contraction", "churned")
#: The roadmap's states, in the order the report lists them.
STATES = ("late", "at risk", "on track", "done late", "done")


@dataclass(frozen=True)
class RunResults:
    """The results the notebooks of one run left in ``folder``.

    ``failed`` holds the notebooks that failed on the run, with their errors: what
    they wrote before failing is left unread, as if they had written nothing.
    """

    folder: Path
    failed: dict[str, str] = field(default_factory=dict)

    def headlines(self, notebook: str) -> dict:
        """Key to headline (``label``, ``value``, ``unit``); empty when the notebook did not run."""
        path = self.folder / f"{notebook}_results" / "headline.json"
        if notebook in self.failed or not path.is_file():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))["headlines"]

    def table(self, notebook: str, name: str) -> pd.DataFrame | None:
        """One result table of a notebook, or None when it is not there."""
        path = self.folder / f"{notebook}_results" / f"{name}.csv"
        if notebook in self.failed or not path.is_file():
            return None
        return pd.read_csv(path)


def missing(results: RunResults) -> dict[str, str]:
    """The notebooks the report reads that gave it nothing, each with why.

    Examples
    --------
    >>> missing(RunResults(Path("nowhere"), failed={"market": "cell 4: KeyError: 'x'"}))["market"]
    "failed on this run (cell 4: KeyError: 'x')"
    """
    said = {}
    for notebook in READS:
        if notebook in results.failed:
            said[notebook] = f"failed on this run ({results.failed[notebook]})"
        elif not (results.folder / f"{notebook}_results" / "headline.json").is_file():
            said[notebook] = "left no results in this run"
        elif not results.headlines(notebook) and not any(
                (results.folder / f"{notebook}_results").glob("*.csv")):
            said[notebook] = "computed nothing: this run's data lacks the tables it needs"
    return said


def scorecard(results: RunResults, targets: dict) -> pd.DataFrame:
    """Every KPI with its value, previous value, target, status, unit and source.

    The product and revenue KPIs come with the targets and statuses their own
    notebooks gave them; the overview's KPIs (active users, MRR, NPS) are scored
    here against ``targets``, the company's targets by KPI key as
    :func:`cpo_kit.metrics.kpis.company_targets` gives them. A KPI without a target has no
    status.

    Returns
    -------
    DataFrame
        ``key`` (the KPI catalogue's), ``kpi`` (its label; the overview's active users
        name the days of a month not yet over, and are then not rated: they keep their
        target and have no status), ``value``,
        ``previous``, ``change``, ``target``, ``direction``, ``status``, ``unit``,
        ``notebook``; empty when no notebook left a score.
    """
    parts = []
    overview = results.table("kpi_overview", "headline")
    if overview is not None:
        rows = overview[overview["key"].isin(OVERVIEW_KPIS)]
        # A month not yet over is not rated against a target for a whole month.
        complete = (rows["complete"].astype(str) != "False" if "complete" in rows
                    else pd.Series(True, index=rows.index))
        partial = set(rows.loc[~complete, "key"])
        card = score(rows[["key", "value", "previous"]], targets)
        # Its target is still shown, so the reader sees one is set and why it is not rated.
        card.loc[card["key"].isin(partial), "status"] = None
        # The overview's own labels: they name the days of a month not yet over.
        card["kpi"] = list(rows["kpi"])
        parts.append(card.assign(notebook="kpi_overview"))
    product = results.table("product_kpis", "scorecard")
    if product is not None:
        parts.append(product.assign(notebook="product_kpis"))
    revenue = results.table("revenue_health", "status")
    if revenue is not None:
        parts.append(revenue.assign(notebook="revenue_health"))
    columns = ["key", "kpi", "value", "previous", "change", "target", "direction", "status",
               "unit", "notebook"]
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat([p.reindex(columns=columns) for p in parts], ignore_index=True)
    # "no target" is not a status: the report shows such a KPI as having none.
    frame["status"] = pd.Series([s if s in ("green", "amber", "red") else None
                                 for s in frame["status"]], dtype=object)
    return frame


def trend(results: RunResults, key: str) -> pd.Series | None:
    """The last :data:`TREND_POINTS` complete periods of the KPI ``key``, oldest first.

    None for a KPI without a known history, or with fewer than two periods. A
    pooled KPI of the product scorecard (week-4 retention, activation) has the
    pool of its scorecard moved back one cohort or week at a time, so its line ends
    at the scorecard's value.
    """
    if key in POOLED_TRENDS:
        series = _pooled_trend(results, key)
    elif key in TRENDS:
        notebook, name, period, column = TRENDS[key]
        table = results.table(notebook, name)
        if table is None or column not in table:
            return None
        if "complete" in table:
            table = table[table["complete"].astype(str) == "True"]
        series = table.set_index(period)[column].dropna()
    else:
        return None
    return series.tail(TREND_POINTS) if series is not None and len(series) >= 2 else None


def _pooled_trend(results: RunResults, key: str) -> pd.Series | None:
    """The history of a pooled product KPI, read as :func:`product_scorecard` reads it."""
    name, order = POOLED_TRENDS[key]
    table = results.table("product_kpis", name)
    if table is None:
        return None
    if key == "activation":
        table = table[table["complete"].astype(str) == "True"]
        steps = table.pivot_table(index=order, columns="step", values="users", aggfunc="sum")
        if steps.shape[1] < 2:
            return None
        part, whole = steps[steps.columns.max()], steps[steps.columns.min()]
    else:
        table = table[table["period_number"] == 4].set_index(order).sort_index()
        part, whole = table["users"], table["cohort_size"]
    return pooled_history(part, whole)


def drivers(results: RunResults) -> dict[str, str]:
    """For some KPIs, by key, what the data shows behind their level or their move."""
    found = {}
    movements = results.table("revenue_health", "mrr_movements")
    if movements is not None and len(movements):
        last = movements.iloc[-1]
        change = last["ending_mrr"] - last["starting_mrr"]
        parts = last[list(MOVEMENT_COLUMNS)].astype(float)
        same_way = parts[parts * change > 0] if change else parts
        if len(same_way):
            biggest = same_way.abs().idxmax()
            found["mrr"] = (f"mostly {biggest} MRR, {formats.money(parts[biggest], signed=True)} "
                            "in the last month")
    segments = results.table("revenue_health", "by_segment")
    if segments is not None and len(segments.dropna(subset=["nrr"])):
        for kpi, column in (("nrr_t12m", "nrr"), ("grr_t12m", "grr")):
            worst = segments.dropna(subset=[column]).sort_values(column).iloc[0]
            found[kpi] = f"lowest in {worst['segment']}, at {formats.share(worst[column])}"
    funnel = results.table("product_kpis", "funnel")
    if funnel is not None and len(funnel) > 1:
        worst = funnel["step_conversion"].iloc[1:].idxmin()
        found["activation"] = (
            f"only {formats.share(funnel.loc[worst, 'step_conversion'], decimals=0)} of "
            f"those who reach {funnel.loc[worst - 1, 'event']} go on to "
            f"{funnel.loc[worst, 'event']}")
    voice = results.headlines("customer_voice")
    if "top_detractor_theme" in voice and voice["top_detractor_theme"]["value"]:
        found["nps"] = (f"the feedback theme that moves most with detractors "
                        f"is {voice['top_detractor_theme']['value']}")
    return found


def highlights(card: pd.DataFrame, reasons: dict[str, str], *, most: int = 3
               ) -> tuple[list[str], list[str]]:
    """The KPIs that moved the good way, and those that moved the bad way, as sentences.

    Each list holds at most ``most`` sentences, the largest relative moves first. A
    KPI that held still but is red counts among the lowlights.
    """
    good, bad = [], []
    for row in card.itertuples():
        moved = movement(row.value, row.previous, direction=row.direction)
        size = abs(row.value - row.previous) / abs(row.previous) if moved in (
            "better", "worse") and row.previous else 0.0
        # A KPI not rated (a month not yet over) is not set against its target in words
        # either: a part of a month is not short of a whole month's target.
        rated = row.status in ("green", "amber", "red")
        sentence = change_sentence(row.kpi, row.value, row.previous,
                                   unit=row.unit, target=row.target if rated else None,
                                   direction=row.direction, driver=reasons.get(row.key))
        if moved == "better":
            good.append((size, sentence))
        elif moved == "worse" or row.status == "red":
            bad.append((size, sentence))
    return ([s for _, s in sorted(good, key=lambda p: -p[0])[:most]],
            [s for _, s in sorted(bad, key=lambda p: -p[0])[:most]])


def roadmap_status(results: RunResults, *, period_end, soon_days: int = 30
                   ) -> pd.DataFrame | None:
    """Each committed initiative as late, at risk, on track, done late or done.

    *Late*: past its due date and not done. *At risk*: not started and due within
    ``soon_days`` of ``period_end``. *On track*: not due yet otherwise. *Done late*
    and *done*: delivered after or by its due date. Late work first, the longest
    slip on top, then by due date.
    """
    delivery = results.table("roadmap", "delivery")
    if delivery is None:
        return None
    due = pd.to_datetime(delivery["due_date"])
    soon = (delivery["outcome"] == "not yet due") & (delivery["status"] == "planned") & (
        due <= pd.Timestamp(period_end) + pd.Timedelta(days=soon_days))
    state = delivery["outcome"].map({"overdue": "late", "late": "done late", "on time": "done",
                                     "not yet due": "on track"}).fillna(delivery["outcome"])
    frame = delivery.assign(state=state.where(~soon, "at risk"))
    order = frame["state"].map({s: i for i, s in enumerate(STATES)}).fillna(len(STATES))
    frame = frame.assign(_order=order).sort_values(
        ["_order", "slippage_days", "due_date"], ascending=[True, False, True])
    return frame[["initiative_id", "title", "status", "due_date", "done_date", "state",
                  "slippage_days"]].reset_index(drop=True)


def risks(results: RunResults, card: pd.DataFrame, given: list[str]) -> list[str]:
    """The report's risks: those given in the params file, then those the numbers show."""
    found = [str(r) for r in given]
    roadmap = results.headlines("roadmap")
    overdue = roadmap.get("overdue", {}).get("value")
    if overdue:
        slip = roadmap.get("median_slippage", {}).get("value")
        delivered = ("" if formats.is_missing(slip) else
                     f"; delivered work slipped by a median of {formats.count(slip)} days"
                     if round(slip) > 0 else "; delivered work arrived on time, at the median")
        found.append(f"{formats.count(overdue)} roadmap "
                     f"initiative{' is' if overdue == 1 else 's are'} overdue{delivered}.")
    for row in card[card["status"] == "red"].itertuples():
        found.append(f"{row.kpi} is red against its target.")
    market = results.headlines("market")
    if market.get("gaps", {}).get("value"):
        gaps = market["gaps"]["value"]
        found.append(f"Rivals cover {formats.count(gaps)} "
                     f"feature{' ' if gaps == 1 else 's '}better than we do.")
    return found


def sources(run: RunResults, card: pd.DataFrame) -> dict[str, list[str]]:
    """For each notebook the report read, the numbers it took from it, for the appendix."""
    taken: dict[str, list[str]] = {}
    for row in card.itertuples():
        taken.setdefault(row.notebook, []).append(row.kpi)
    more = {"revenue_health": ["MRR movements", "retention by segment"],
            "product_kpis": ["activation funnel"], "customer_voice": ["detractor themes"],
            "roadmap": ["delivery of committed initiatives"], "market": ["feature gaps"]}
    for notebook, what in more.items():
        if run.headlines(notebook):
            taken.setdefault(notebook, []).extend(what)
    return taken
