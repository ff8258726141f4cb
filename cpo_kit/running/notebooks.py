"""The playbook's notebooks and the tables each needs, declared in one place.

Every notebook runs on any company: each of its sections that reads a table checks
for it and, if it is missing, says which table to provide and goes on. Without its
``needs`` a notebook has little more to show than those notes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: The playbook's own folder: the repository that holds this package, with the book's
#: sources (``_config.yml``, ``_toc.yml``, ``book/``), ``notebooks/`` and ``data/sample/``.
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"


@dataclass(frozen=True)
class Notebook:
    """One notebook of ``notebooks/``.

    Parameters
    ----------
    name : str
        The file's stem: ``notebooks/<name>.md``.
    title : str
        Its title in the book.
    needs : tuple of str
        Tables without which the notebook has nothing to say.
    uses : tuple of str
        Tables that some of its sections read when present.
    reads_run : bool
        Whether it reads the results the other notebooks of its run leave, so that
        ``cpo-kit run`` starts it only once they have all finished.
    """

    name: str
    title: str
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    reads_run: bool = False


NOTEBOOKS: dict[str, Notebook] = {nb.name: nb for nb in (
    Notebook("kpi_overview", "Headline KPIs at a glance", needs=("events",),
             uses=("mrr", "surveys")),
    Notebook("strategy", "Vision and strategy: objectives, initiatives and the portfolio",
             needs=("okrs", "initiatives", "products"), uses=("mrr",)),
    Notebook("market", "Market and competition: how big, how fast, against whom",
             needs=("market", "competitors")),
    Notebook("pricing", "Pricing: what customers would pay, and what the last change did",
             needs=("price_survey",), uses=("accounts", "mrr")),
    Notebook("product_kpis", "Product KPIs: activity, retention, activation and adoption",
             needs=("events",)),
    Notebook("revenue_health", "Revenue health: where MRR comes from and where it goes",
             needs=("mrr",), uses=("accounts", "products")),
    Notebook("customer_voice", "Customer voice and UX: NPS, CSAT, SUS and what people say",
             needs=("surveys",), uses=("feedback",)),
    Notebook("roadmap", "Roadmap and delivery: what to build next, and do we ship what we plan",
             needs=("initiatives",), uses=("okrs",)),
    Notebook("business_case", "The business case: what the initiatives are worth",
             needs=("initiatives",), uses=("mrr",)),
    Notebook("team", "Team and onboarding: skills against the career ladder",
             needs=("team",)),
    Notebook("stakeholder_report", "The stakeholder report: product health on one page",
             reads_run=True),
)}
