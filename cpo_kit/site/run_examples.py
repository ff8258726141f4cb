"""The worked examples every company's book tells from its own run.

``cpo-kit publish`` writes them into the staging copy of ``book/examples/<company>/``
(:mod:`cpo_kit.site.book_ext` shows a company's example in place of a chapter's text
for any company), from what the stakeholder report's notebook left in
``stakeholder_report_results/``:

- ``qbr.md``: the QBR template's example, the report's draft of the quarter's review
  (:mod:`cpo_kit.reports.qbr`), so the template asks for the decisions the report asks for;
- ``intro-changes.md``: the start page's list of what changed since the previous run,
  from the report's comparison of the two runs (:func:`changes_markdown`).

A page whose example is not written (a first run, a failed report) keeps the text true
of any company.

Part of :mod:`cpo_kit.site`: imports :mod:`cpo_kit.core`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpo_kit.core import formats
from cpo_kit.core.text import markdown_literal
from cpo_kit.site.book_ext import company_slug

#: The worked examples every company's book tells from its run's stakeholder report:
#: the QBR template's draft, and the start page's changes since the previous run.
PUBLISHED_EXAMPLES = ("qbr", "intro-changes")


def write_run_examples(results: Path, examples: Path, company: str) -> None:
    """Write the company's :data:`PUBLISHED_EXAMPLES` from its stakeholder report's results.

    Parameters
    ----------
    results : Path
        The run's ``stakeholder_report_results`` folder.
    examples : Path
        The staging copy of ``book/examples``; the company's examples go to the
        folder of its :func:`~cpo_kit.site.book_ext.company_slug`.
    company : str
        The company the run named.
    """
    slug = company_slug(company)
    if not slug:
        return
    told = {}
    if (results / "qbr.md").is_file():
        told["qbr"] = (results / "qbr.md").read_text(encoding="utf-8")
    if (results / "comparison.csv").is_file():
        # The report wrote the values as its readers see them, in the run's currency.
        statuses = results / "status_changes.csv"
        told["intro-changes"] = changes_markdown(
            pd.read_csv(results / "comparison.csv", dtype=str, keep_default_na=False),
            statuses=pd.read_csv(statuses, dtype=str, keep_default_na=False)
            if statuses.is_file() else None)
    for name, text in told.items():
        (examples / slug).mkdir(parents=True, exist_ok=True)
        (examples / slug / f"{name}.md").write_text(text, encoding="utf-8")


def changes_markdown(comparison: pd.DataFrame, *, statuses: pd.DataFrame | None = None,
                     previous: str = "") -> str:
    """What changed since the previous run, for the start page, with links to the pages.

    Parameters
    ----------
    comparison : DataFrame
        :func:`cpo_kit.running.compare.compare_runs` of the previous run and this one,
        as the stakeholder report records it (``comparison.csv``).
    statuses : DataFrame, optional
        :func:`cpo_kit.running.compare.status_changes` of the same runs (``kpi``,
        ``before``, ``after``), as the report records it (``status_changes.csv``).
    previous : str
        The previous run's name, when known.

    Returns
    -------
    str
        Markdown: a sentence, then one item per notebook whose headline numbers moved,
        each number with its value before and after and a link to the notebook's
        page; then the KPIs whose status changed, with a link to the report's scorecard.

    Examples
    --------
    >>> print(changes_markdown(pd.DataFrame({
    ...     "notebook": ["kpi_overview", "kpi_overview"], "label": ["MAU", "MRR"],
    ...     "before": ["1,921", "$106,947"], "after": ["2,271", "$106,947"],
    ...     "change": ["+350", "+$0"], "changed": [True, False]}),
    ...     statuses=pd.DataFrame({"kpi": ["WAU"], "before": ["red"], "after": ["amber"]})),
    ...     end="")
    Since the previous run, 1 of 2 headline numbers changed:
    <BLANKLINE>
    - {ref}`nb-kpi-overview`: MAU 1\\,921 → 2\\,271 (\\+350).
    <BLANKLINE>
    1 KPI changed status in the {ref}`stakeholder report <nb-stakeholder-report>`'s scorecard:
    <BLANKLINE>
    - WAU: red → amber.
    """
    both = comparison[(comparison["before"] != "n/a") & (comparison["after"] != "n/a")]
    moved = both[both["changed"].astype(str) == "True"]
    since = f"Since the previous run ({markdown_literal(previous)})" if previous else \
        "Since the previous run"
    if moved.empty:
        lines = [f"{since}, none of its {len(both)} headline numbers changed."]
    else:
        lines = [f"{since}, {formats.count(len(moved))} of {formats.count(len(both))} "
                 "headline numbers changed:", ""]
    for name, rows in moved.groupby("notebook", sort=False):
        said = "; ".join(f"{markdown_literal(r.label)} {markdown_literal(r.before)} → "
                         f"{markdown_literal(r.after)} ({markdown_literal(r.change)})"
                         for r in rows.itertuples())
        lines.append(f"- {{ref}}`nb-{name.replace('_', '-')}`: {said}.")
    if statuses is not None and len(statuses):
        lines += ["", f"{formats.counted(len(statuses), 'KPI')} changed status in the "
                  "{ref}`stakeholder report <nb-stakeholder-report>`'s scorecard:", ""]
        lines += [f"- {markdown_literal(r.kpi)}: {markdown_literal(r.before)} → "
                  f"{markdown_literal(r.after)}." for r in statuses.itertuples()]
    return "\n".join(lines) + "\n"
