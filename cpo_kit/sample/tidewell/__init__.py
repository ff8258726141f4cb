"""Tidewell, the consumer sample: a sleep and meditation app sold in Europe, in euros.

Its facts are in :mod:`~cpo_kit.sample.tidewell.facts`; the modules beside it
simulate its users and households, their events, what they say and the plans of
its product team.
"""
from __future__ import annotations

from pathlib import Path

from cpo_kit.sample.output import write_csv
from cpo_kit.sample.tidewell.activity import write_events
from cpo_kit.sample.tidewell.planning import planning_tables
from cpo_kit.sample.tidewell.subscribers import simulate_households
from cpo_kit.sample.tidewell.voice import feedback_table, surveys_table
from cpo_kit.sample.world import World

__all__ = ["write_tidewell"]


def write_tidewell(out: Path, world: World, *, progress: bool = False) -> dict[str, int]:
    """Write Tidewell's tables into ``out``; returns the rows written per table."""
    people = simulate_households(world)
    tables = {
        "products": people.products,
        "accounts": people.accounts,
        "users": people.users,
        "mrr": people.mrr,
        "surveys": surveys_table(world, people),
        "feedback": feedback_table(world, people),
        **planning_tables(world),
    }
    rows = {}
    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv")
        rows[name] = len(frame)
    rows["events"] = write_events(world, people, out / "events.parquet", progress=progress)
    return rows
