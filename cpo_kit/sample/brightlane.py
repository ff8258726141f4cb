"""Brightlane, the B2B SaaS sample: every table, from the modules beside this one."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpo_kit.sample.accounts import simulate_accounts, trial_accounts
from cpo_kit.sample.events import write_events
from cpo_kit.sample.output import write_csv
from cpo_kit.sample.planning import planning_tables
from cpo_kit.sample.voice import feedback_table, surveys_table
from cpo_kit.sample.world import World


def write_brightlane(out: Path, world: World, *, progress: bool = False) -> dict[str, int]:
    """Write Brightlane's tables into ``out``; returns the rows written per table."""
    company = simulate_accounts(world)
    tables = {
        "products": company.products,
        # Lost trials only appear here: they have no users, revenue or feedback.
        "accounts": pd.concat([company.accounts, trial_accounts(world, company.accounts)],
                              ignore_index=True),
        "users": company.users,
        "mrr": company.mrr,
        "surveys": surveys_table(world, company),
        "feedback": feedback_table(world, company),
        **planning_tables(world),
    }
    rows = {}
    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv")
        rows[name] = len(frame)
    rows["events"] = write_events(world, company, out / "events.parquet", progress=progress)
    return rows
