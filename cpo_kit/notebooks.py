"""The playbook's notebooks and the tables each needs, declared in one place.

A notebook runs whenever its ``needs`` are present; each of its sections that
reads one of ``uses`` checks for it and, if it is missing, says what to provide.
"""
from __future__ import annotations

from dataclasses import dataclass


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
    """

    name: str
    title: str
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()


NOTEBOOKS: dict[str, Notebook] = {nb.name: nb for nb in (
    Notebook("kpi_overview", "Headline KPIs at a glance", needs=("events",),
             uses=("mrr", "surveys")),
    Notebook("product_kpis", "Product KPIs: activity, retention, activation and adoption",
             needs=("events",)),
)}
