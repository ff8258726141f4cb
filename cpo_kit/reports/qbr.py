"""The quarterly business review, drafted from a run: ``stakeholder_report_results/qbr.md``.

The draft fills the eight sections of the book's QBR template (``book/templates/qbr.md``)
from the same :class:`~cpo_kit.reports.stakeholder.Report` as the stakeholder report and
its slides, so the decisions, the KPIs and their statuses are the report's; the quarter's
MRR movements, what shipped and the next quarter's plan are read from the revenue health
and roadmap notebooks' results of the same run. ``cpo-kit publish`` shows it as the
template's worked example, so every company's book has its own.

Every string that comes from a company's data or parameters is written as literal
markdown (:func:`cpo_kit.core.text.markdown_literal`): an initiative called
``*Beta* {{ x }}`` shows as written and cannot inject markup or a substitution.

Part of :mod:`cpo_kit.reports`: imports :mod:`cpo_kit.core` and :mod:`cpo_kit.readings`.
"""
from __future__ import annotations

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.text import markdown_literal as literal
from cpo_kit.readings.common import join
from cpo_kit.reports.briefing import MOVEMENT_COLUMNS, RunResults
from cpo_kit.reports.stakeholder import EMPTY, Report, scorecard_rows

#: The template's status letters.
LETTERS = {"green": "G", "amber": "A", "red": "R"}
#: Months in a quarter: the review covers the last three months of the run.
QUARTER = 3


def qbr_markdown(report: Report, run: RunResults, *, drivers: dict[str, str]) -> str:
    """The QBR of the quarter that ends with the report's period, as markdown.

    Parameters
    ----------
    report : Report
        The run's stakeholder report (its decisions, scorecard, highlights,
        lowlights and risks are the QBR's).
    run : RunResults
        The run's results, for the quarter's MRR movements, the work that shipped
        and the next quarter's plan.
    drivers : dict of str
        What the data shows behind some KPIs, by key (:func:`briefing.drivers`): the
        scorecard's comments.

    Returns
    -------
    str
        Markdown with a heading of its own (``##``) and the template's eight
        numbered sections.
    """
    end = pd.Timestamp(report.period_end)
    start = _quarter_start(end)
    sections = [
        f"## Example: {literal(report.company)}, quarter ending {_day(end)}",
        "Drafted by `cpo-kit run` from the same run as the {ref}`stakeholder report "
        "<nb-stakeholder-report>`: the decisions, KPIs and statuses are the report's.",
        "**1. Decisions we ask for**\n\n" + _numbered(report.decisions, (
            "None asked for in this run: list them under `decisions:` for the stakeholder "
            "report in the params file.")),
        "**2. The quarter:** " + " ".join(quarter_parts(report, run, drivers=drivers)),
        "**3. KPIs against targets** (G: on target; A: short by at most 5% of it; R: "
        "further off)\n\n" + _kpi_table(report, drivers),
        f"**4. MRR movements, {_month(start)} to {_month(end)}:** " + _movements(run, start,
                                                                               end),
        "**5. Shipped:** " + _shipped(report.roadmap, start, end),
        "**6. Learned:** " + _learned(run, drivers),
        "**7. Risks**\n\n" + _numbered(report.risks, EMPTY["risks"]),
        "**8. Next quarter:** " + _next(run),
    ]
    return "\n\n".join(sections) + "\n"


def _quarter_start(end: pd.Timestamp) -> pd.Timestamp:
    """The first day of the quarter that ends on ``end``."""
    return (end - pd.DateOffset(months=QUARTER)).normalize() + pd.Timedelta(days=1)


def _day(day: pd.Timestamp) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _month(day: pd.Timestamp) -> str:
    return day.strftime("%B %Y")


def _numbered(texts: list[str], empty: str) -> str:
    if not texts:
        return empty
    return "\n".join(f"{number}. {literal(text)}" for number, text in enumerate(texts, 1))


def quarter_parts(report: Report, run: RunResults, *, drivers: dict[str, str],
                  markdown: bool = True) -> list[str]:
    """The quarter in the template's three sentences: what went well, what did not, what
    we change.

    What went well is the quarter's revenue and the KPIs on target; what did not is
    the red KPIs and what the run finds behind them (the scorecard's comments); the
    report's first highlight and lowlight stand in where the run lacks either. As
    literal markdown for the draft, or as plain text (``markdown=False``) for the slides.
    """
    escape = literal if markdown else str
    end = pd.Timestamp(report.period_end)
    start = _quarter_start(end)
    rows = [row for row in scorecard_rows(report) if row["status"] in LETTERS]
    green = [row for row in rows if row["status"] == "green"]
    red = [row for row in rows if row["status"] == "red"]
    revenue, grew = _revenue(run, start, end, escape)
    # Revenue that fell belongs to what did not go well.
    good = ([revenue] if revenue and grew else []) + (
        ["every KPI with a target is on target" if len(green) == len(rows) else
         f"{formats.count(len(green))} of the {formats.counted(len(rows), 'KPI')} with a "
         f"target {'is' if len(green) == 1 else 'are'} on target"] if rows else [])
    went_well = (", and ".join(good) + "." if good else escape(report.highlights[0])
                 if report.highlights else EMPTY["highlights"])
    if red:
        behind = [f"behind {escape(_lower(row['kpi']))}, {escape(drivers[row['key']])}"
                  for row in red if drivers.get(row["key"])]
        did_not = (f"{formats.counted(len(red), 'KPI')} {'is' if len(red) == 1 else 'are'} "
                   "red (" + join(escape(_lower(row["kpi"])) for row in red) + ")"
                   + ("; " + "; ".join(behind) if behind else "") + ".")
    elif report.lowlights:
        did_not = escape(report.lowlights[0])
    else:
        did_not = "no KPI is red."
    if revenue and not grew:
        did_not = f"{revenue}; {_lower(did_not)}"
    # The draft opens with the decisions; the deck asks for them on a slide of its own.
    where = "above" if markdown else "this deck asks for"
    change = ("We ask for no decision this quarter." if not report.decisions else
              f"What we change is in the decision {where}." if len(report.decisions) == 1 else
              f"What we change is in the {formats.count(len(report.decisions))} decisions "
              f"{where}.")
    return [f"What went well: {_lower(went_well)}", f"What did not: {_lower(did_not)}", change]


def _revenue(run: RunResults, start: pd.Timestamp, end: pd.Timestamp,
             escape=literal) -> tuple[str | None, bool]:
    """MRR at the quarter's start and end and where most of the change came from, and
    whether it grew (or held); None when the run lacks the quarter's movements."""
    quarter = _quarter_movements(run, start, end)
    if quarter is None or len(quarter) < QUARTER:
        return None, True

    def money(value) -> str:
        return escape(formats.money(value))

    before, after = quarter["starting_mrr"].iloc[0], quarter["ending_mrr"].iloc[-1]
    parts = quarter[list(MOVEMENT_COLUMNS)].sum()
    gained = parts[list(MOVEMENT_COLUMNS[:3])]
    lost = -parts[list(MOVEMENT_COLUMNS[3:])].sum()
    verb = "grew" if after > before else "fell" if after < before else "held"
    growth = (f" ({formats.share(after / before - 1, decimals=1, signed=True)})"
              if before else "")
    text = (f"MRR {verb} from {money(before)} to {money(after)} over the quarter{growth}: "
            f"{money(gained.sum())} gained")
    if gained.sum() > 0:
        text += f", most of it {gained.idxmax()} MRR ({money(gained.max())})"
    return text + f", against {money(lost)} lost to contraction and churn", after >= before


def _quarter_movements(run: RunResults, start: pd.Timestamp,
                       end: pd.Timestamp) -> pd.DataFrame | None:
    """The months of the quarter in the MRR movements (fewer than three when the run's
    movements do not cover it), or None when the run has no MRR movements."""
    table = run.table("revenue_health", "mrr_movements")
    if table is None:
        return None
    months = pd.to_datetime(table["month"])
    return table[(months >= start.replace(day=1)) & (months <= end)]


def _money(value) -> str:
    return literal(formats.money(value))  # a bare $ might open MyST's inline maths


def _lower(name: str) -> str:
    """A name or sentence inside a sentence: "Activation (whole funnel)" reads "activation
    (whole funnel)"; one that opens with an acronym (MRR, NPS, LTV) keeps its capitals."""
    first = name.split(" ", 1)[0]
    return name if first[:2].isupper() else name[:1].lower() + name[1:]


def _kpi_table(report: Report, drivers: dict[str, str]) -> str:
    rows = scorecard_rows(report)
    if not rows:
        return EMPTY["scorecard"]
    lines = ["| KPI | Target | Actual | Status | Comment |", "|---|---:|---:|---|---|"]
    for row in rows:
        status = next((letter for name, letter in LETTERS.items() if row["status"] == name),
                      row["status"])
        comment = [f"{row['change']} since the previous period" if row["change"] else "",
                   drivers.get(row["key"], "")]
        lines.append(f"| {literal(row['kpi'])} | {literal(row['target'])} | "
                     f"{literal(row['value'])} | {status} | "
                     f"{literal('; '.join(c for c in comment if c))} |")
    return "\n".join(lines)


def _movements(run: RunResults, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The quarter's MRR bridge: starting MRR, each movement, ending MRR."""
    quarter = _quarter_movements(run, start, end)
    if quarter is None:
        return "the revenue health notebook left no MRR movements in this run."
    if len(quarter) < QUARTER:
        return "the run's MRR movements do not cover the whole quarter."
    parts = quarter[list(MOVEMENT_COLUMNS)].sum()
    # The table's contraction and churn are negative amounts; the bridge subtracts their size.
    gains = " ".join(f"+ {name} {_money(parts[name])}" for name in MOVEMENT_COLUMNS[:3])
    losses = " ".join(f"− {name} {_money(-parts[name])}" for name in MOVEMENT_COLUMNS[3:])
    return (f"starting MRR {_money(quarter['starting_mrr'].iloc[0])} {gains} {losses} = "
            f"ending MRR {_money(quarter['ending_mrr'].iloc[-1])} (the revenue health "
            "notebook's MRR movements of the quarter's three months, added up).")


def _shipped(roadmap: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp) -> str:
    if roadmap is None:
        return "the roadmap notebook left no delivery table in this run."
    done = roadmap[roadmap["done_date"].notna()]
    days = pd.to_datetime(done["done_date"])
    done = done[(days >= start) & (days <= end)]
    if done.empty:
        return "nothing committed was finished this quarter."
    said = []
    for row in done.itertuples():
        late = 0 if formats.is_missing(row.slippage_days) else round(row.slippage_days)
        said.append(f"{literal(row.title)} ({'on time' if late <= 0 else f'{late} days late'})")
    return "; ".join(said) + "."


def _learned(run: RunResults, drivers: dict[str, str]) -> str:
    """What the run's data shows behind the KPIs, and the theme that moves with detractors."""
    said = [f"{_opening(drivers['activation'])} in the activation funnel."] \
        if "activation" in drivers else []
    theme = run.headlines("customer_voice").get("top_detractor_theme", {}).get("value")
    if isinstance(theme, str) and theme:
        said.append(f"{_opening(theme)} is the feedback theme that moves most with "
                    "detractors (customer voice notebook).")
    return " ".join(said) or "this run's notebooks named no driver."


def _opening(text: str) -> str:
    """``text`` as literal markdown that opens a sentence: its first letter a capital."""
    said = literal(text)
    return said[:1].upper() + said[1:]


def _next(run: RunResults) -> str:
    """The roadmap notebook's best plan within capacity, and what it leaves out, by title."""
    plan = run.table("roadmap", "plan")
    if plan is None or "exact" not in plan:
        return "the roadmap notebook left no plan in this run."
    chosen = plan[plan["exact"].astype(str) == "True"]
    if chosen.empty:
        return "no candidate fits the roadmap's capacity."
    titles = ", ".join(literal(title) for title in chosen["title"])
    said = (f"the roadmap notebook's best plan within capacity, "
            f"{formats.number(chosen['effort'].sum())} person-months: {titles}.")
    # The template asks what we will stop: the candidates the plan leaves out.
    left = plan.loc[plan["exact"].astype(str) != "True", "title"]
    if len(left):
        said += (" Left out, so not started next quarter: "
                 + ", ".join(literal(title) for title in left) + ".")
    return said
