"""The fixed facts of the sample company and its random streams."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COMPANY = "Brightlane"
#: The two years of history: the last day is the sample's period end.
START = pd.Timestamp("2024-11-01")
END = pd.Timestamp("2026-10-31")
MONTHS = pd.date_range(START, END, freq="MS")
#: List prices per seat and month rose on this day for new accounts; existing
#: accounts moved to the new prices at their renewal on RENEWAL.
PRICE_CHANGE = pd.Timestamp("2025-09-01")
RENEWAL = pd.Timestamp("2026-01-01")
#: The Automation product went live on this day; its adoption follows an S-curve.
LAUNCH = pd.Timestamp("2025-06-02")
#: A quality incident (slow reports, failed exports) that dented usage and NPS.
INCIDENT = (pd.Timestamp("2026-03-09"), pd.Timestamp("2026-03-27"))

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")


@dataclass(frozen=True)
class World:
    """The seed and scale of one sample, and a random stream per part of it."""

    seed: int
    scale: float

    def rng(self, part: str) -> np.random.Generator:
        """An independent, reproducible random stream for one part of the company."""
        key = [self.seed, *part.encode()]
        return np.random.default_rng(np.random.SeedSequence(key))
