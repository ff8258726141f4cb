"""Companies made in memory for the tests: tables already typed, no files read."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from cpo_kit.inputs.company import Company
from cpo_kit.inputs.contract import TABLES


def company_from_frames(frames: dict[str, pd.DataFrame]) -> Company:
    """A company made of in-memory tables already typed to the contract.

    Each frame is registered in a new in-process DuckDB under its table's name; its
    file is shown as ``<table>``.

    Parameters
    ----------
    frames : dict
        Table name to its frame, as :func:`cpo_kit.load_company` would have typed it.

    Returns
    -------
    Company
    """
    con = duckdb.connect()
    for name, frame in frames.items():
        con.register(name, frame)
    return Company({n: f for n, f in frames.items() if not TABLES[n].large}, con,
                   {n: Path(f"<{n}>") for n in frames})
