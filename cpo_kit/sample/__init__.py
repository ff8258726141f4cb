"""A deterministic sample company: Brightlane, a B2B SaaS firm with four products.

``write_sample(out, seed=0, scale=1)`` writes one file per table of the
contract. The same seed and scale write byte-identical files; ``scale``
multiplies accounts, users and events, and events are written as Parquet one
row group at a time, so a hundred million of them never sit in memory at once.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from cpo_kit.sample.accounts import simulate_accounts, trial_accounts
from cpo_kit.sample.events import write_events
from cpo_kit.sample.planning import planning_tables
from cpo_kit.sample.voice import feedback_table, surveys_table
from cpo_kit.sample.world import COMPANY, World

__all__ = ["COMPANY", "write_sample"]


def write_sample(out: str | Path, *, seed: int = 0, scale: float = 1.0,
                 progress: bool = False) -> dict[str, int]:
    """Write the sample company's tables into a folder.

    Parameters
    ----------
    out : str or Path
        The folder; created if missing. Files of the same names are replaced.
    seed : int
        The random seed: the same seed and scale give byte-identical files.
    scale : float
        Multiplies accounts, users and events (1 gives about 0.4M events).
    progress : bool
        Show a progress bar while events are written.

    Returns
    -------
    dict
        Rows written per table.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world = World(seed=seed, scale=scale)
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
        _write_csv(frame, out / f"{name}.csv")
        rows[name] = len(frame)
    rows["events"] = write_events(world, company, out / "events.parquet", progress=progress)
    return rows


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # Written to a temporary name first: an interrupted run leaves the old file whole.
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
    os.replace(tmp, path)
