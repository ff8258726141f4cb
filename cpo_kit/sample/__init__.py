"""Deterministic sample companies, each a folder of every table of the contract.

``write_sample(out, company="brightlane", seed=0, scale=1)`` writes one file per
table. The same company, seed and scale write byte-identical files; ``scale``
multiplies customers, users and events, and events are written as Parquet one
row group at a time, so millions of them never sit in memory at once.

Two companies share the mechanisms (seeded random streams per part in
:mod:`~cpo_kit.sample.world`, whole-or-nothing files in
:mod:`~cpo_kit.sample.output`) and keep their own facts and simulations:
Brightlane in the modules of this package, Tidewell in :mod:`cpo_kit.sample.tidewell`.

Imports nothing else of cpo_kit, so no change to the metrics or the contract can change the
committed sample.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cpo_kit.sample.brightlane import write_brightlane
from cpo_kit.sample.tidewell import write_tidewell
from cpo_kit.sample.world import COMPANY, World

__all__ = ["COMPANIES", "COMPANY", "SampleCompany", "write_sample"]


@dataclass(frozen=True)
class SampleCompany:
    """One sample company: its name, what it is, and the function that writes it.

    Parameters
    ----------
    name : str
        The company's name, as in its params file's ``company_name``.
    summary : str
        What the company is, in one sentence (shown by ``cpo-kit sample --help``).
    write : callable
        ``write(out, world, *, progress)``: writes every table into the folder
        ``out`` and returns the rows written per table.
    """

    name: str
    summary: str
    write: Callable[..., dict[str, int]]


#: The sample companies by the key that ``--company`` takes.
COMPANIES = {
    "brightlane": SampleCompany(
        "Brightlane", "a B2B SaaS firm: four products, three segments of company size, seats "
        "billed in USD, two years of history to October 2026, about 0.46M events",
        write_brightlane),
    "tidewell": SampleCompany(
        "Tidewell", "a consumer sleep and meditation app sold in Europe: free users and "
        "paying households on monthly or yearly plans in EUR, events in time order, "
        "January 2025 to November 2026, about 0.3M events",
        write_tidewell),
}


def write_sample(out: str | Path, *, company: str = "brightlane", seed: int = 0,
                 scale: float = 1.0, progress: bool = False) -> dict[str, int]:
    """Write a sample company's tables into a folder.

    Parameters
    ----------
    out : str or Path
        The folder; created if missing. Files of the same names are replaced.
    company : str
        Which company, a key of :data:`COMPANIES`: ``"brightlane"`` or ``"tidewell"``.
    seed : int
        The random seed: the same company, seed and scale give byte-identical files.
    scale : float
        Multiplies customers, users and events.
    progress : bool
        Show a progress bar while events are written.

    Returns
    -------
    dict
        Rows written per table.

    Raises
    ------
    ValueError
        When ``company`` is not a key of :data:`COMPANIES`.
    """
    if company not in COMPANIES:
        raise ValueError(f"no sample company {company!r}; expected one of: "
                         + ", ".join(COMPANIES))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # Written into a hidden folder inside ``out`` and moved into place at the end, so that
    # a failure on the way (a full disk) leaves the folder as it was.
    staging = Path(tempfile.mkdtemp(prefix=".sample-", dir=out))
    try:
        rows = COMPANIES[company].write(staging, World(seed=seed, scale=scale),
                                        progress=progress)
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows
