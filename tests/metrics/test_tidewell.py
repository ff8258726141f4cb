"""Tidewell, the second sample: its playback incident is seen per attempt and not per user.

The product KPIs notebook flags unusual weeks with these calls and defaults; here they
run on Tidewell's committed events with its own funnel (data/tidewell.yml).
"""
from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from cpo_kit import load_company
from cpo_kit.metrics.changes import recent_unusual
from cpo_kit.metrics.funnel import funnel

PARAMS = yaml.safe_load((ROOT / "data" / "tidewell.yml").read_text())
STEPS = PARAMS["notebooks"]["product_kpis"]["funnel_steps"]
WINDOW = PARAMS["notebooks"]["product_kpis"]["funnel_window"]


@pytest.fixture(scope="module")
def events():
    return load_company(ROOT / "data" / "tidewell", tables=("events",)).table("events")


def _whole_funnel(events, count):
    weekly = funnel(events, steps=STEPS, window=WINDOW, period_end=PARAMS["period_end"],
                    period="week", count=count)
    done = weekly[(weekly["step"] == len(STEPS)) & weekly["complete"]]
    return done.set_index("period")["overall_conversion"]


def test_every_attempt_shows_the_three_weeks_of_the_incident(events):
    flagged = recent_unusual({"attempts": _whole_funnel(events, "attempts")})
    assert flagged["period"].tolist() == [pd.Timestamp("2026-09-21"),
                                          pd.Timestamp("2026-09-14"),
                                          pd.Timestamp("2026-09-07")]
    assert set(flagged["direction"]) == {"down"}
    # About a fifth of attempts got through in those weeks, against about half before.
    assert flagged["value"].round(3).tolist() == [0.217, 0.188, 0.208]


def test_each_user_counted_once_does_not_see_it(events):
    assert recent_unusual({"users": _whole_funnel(events, "users")}).empty
