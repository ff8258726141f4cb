"""Tidewell's planning tables: rivals, market, pricing research, OKRs, roadmap and team.

The facts are Tidewell's own: invented European and global rivals priced per
month in euros, a market of households rather than companies, and a product team
sized for a consumer app of a few thousand paying households.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.sample.tidewell.facts import COMPANY, PERIOD_END, SEGMENTS
from cpo_kit.sample.world import World

FEATURES = ["guided meditations", "sleep stories", "soundscapes", "offline downloads",
            "family sharing", "wearable sync", "personalised plans", "courses",
            "kids content", "narration in several languages", "streaks and reminders",
            "live sessions"]
#: Coverage per rival, feature by feature (0 none, 0.5 partial, 1 full), and the list
#: price of its individual monthly plan in euros.
RIVALS = {
    COMPANY: ([1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0, 0.5, 1, 0], 9.99),
    "Stillpoint": ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5], 14.99),
    "Lullo": ([0.5, 1, 1, 1, 0, 0.5, 0, 0, 1, 0.5, 0.5, 0], 7.99),
    "Mindharbor": ([1, 0.5, 0.5, 1, 0.5, 1, 1, 1, 0, 0, 1, 1], 12.99),
    "Quietly": ([1, 0.5, 1, 0, 0, 0, 0.5, 0.5, 0, 1, 1, 0], 5.99),
    "Somnara": ([0.5, 1, 1, 0.5, 1, 0, 0.5, 0, 0.5, 0.5, 0.5, 0.5], 8.99),
}


def planning_tables(world: World) -> dict[str, pd.DataFrame]:
    """The tables that describe the market and Tidewell's plans rather than its usage."""
    return {"competitors": _competitors(), "market": _market(), "price_survey": _prices(world),
            "okrs": _okrs(), "initiatives": _initiatives(world), "team": _team(world)}


def _competitors() -> pd.DataFrame:
    return pd.DataFrame([{"competitor": name, "is_us": name == COMPANY, "feature": feature,
                          "coverage": float(cover), "list_price": price}
                         for name, (covers, price) in RIVALS.items()
                         for feature, cover in zip(FEATURES, covers)])


#: Per plan family: households in the countries served that use wellbeing apps,
#: what one spends a year on them (euros), the share Tidewell can serve today (its
#: five languages) and can win, and the yearly growth.
MARKET = {"Individual": (31_000_000, 58.0, 0.46, 0.004, 0.08),
          "Family": (9_500_000, 92.0, 0.41, 0.003, 0.12),
          "Student": (6_200_000, 26.0, 0.52, 0.005, 0.05)}


def _market() -> pd.DataFrame:
    rows = []
    for segment, (households, value, serviceable, obtainable, growth) in MARKET.items():
        for k, year in enumerate(range(2025, 2030)):
            rows.append({
                "segment": segment, "year": year,
                "companies": int(round(households * (1 + growth * 0.5) ** k)),
                "annual_value": round(value * (1 + growth * 0.5) ** k, 2),
                "serviceable_share": serviceable, "obtainable_share": obtainable,
                # Analysts' reports count every wellbeing app and round generously.
                "reported_size": round(households * value * 1.3 * (1 + growth) ** k, -6),
            })
    return pd.DataFrame(rows)


def _prices(world: World) -> pd.DataFrame:
    """Van Westendorp answers in euros per month, from an in-app survey of 260 users."""
    rng = world.rng("tidewell-price-survey")
    n = 260
    segment = rng.choice(SEGMENTS, size=n, p=[0.62, 0.2, 0.18])
    anchor = np.select([segment == "Family", segment == "Student"], [12.0, 4.5], 7.5)
    cheap = np.round(anchor * rng.lognormal(-0.1, 0.22, n), 2)
    too_cheap = np.round(cheap * rng.uniform(0.35, 0.75, n), 2)
    expensive = np.round(cheap * rng.uniform(1.3, 1.8, n), 2)
    too_expensive = np.round(expensive * rng.uniform(1.2, 1.6, n), 2)
    return pd.DataFrame({"respondent_id": [f"V{i + 1:04d}" for i in range(n)],
                         "segment": segment, "too_cheap": too_cheap, "cheap": cheap,
                         "expensive": expensive, "too_expensive": too_expensive})


OBJECTIVES = [
    ("Make a nightly habit of Tidewell", "Head of Product, Content", [
        ("Week-4 retention of new users", 0.17, 0.22, 0.18),
        ("Users who set a bedtime reminder in their first week", 0.21, 0.30, 0.24),
        ("Stickiness (DAU/MAU)", 0.14, 0.18, 0.15)]),
    ("Turn trials into subscribers who stay", "Head of Growth", [
        ("Trial to paid conversion", 0.52, 0.60, 0.55),
        ("Yearly plans among new subscribers", 0.48, 0.55, 0.50),
        ("Monthly subscriber churn", 0.065, 0.05, 0.07)]),
    ("Win back listeners after the September playback bug", "VP Engineering", [
        ("Meditations finished per start by returning users", 0.83, 0.85, 0.81),
        ("App store rating", 4.3, 4.6, 4.4),
        ("NPS", 24.0, 35.0, 27.0)]),
    ("Grow households, not just users", "Head of Product, Family", [
        ("Households on the Family plan", 0.17, 0.22, 0.18),
        ("Members invited per Family household", 1.8, 2.4, 2.0)]),
]


def _okrs() -> pd.DataFrame:
    return pd.DataFrame([
        {"okr_id": f"KR{o + 1}.{k + 1}", "quarter": "2026-Q4", "objective": objective,
         "key_result": result, "owner": owner, "baseline": baseline, "target": target,
         "current": current}
        for o, (objective, owner, results) in enumerate(OBJECTIVES)
        for k, (result, baseline, target, current) in enumerate(results)])


#: Title, product, key result, and how many users a quarter it would touch.
INITIATIVES = [
    ("Bedtime reminder in onboarding", "P1", "KR1.2", 2400),
    ("Sleep story of the week", "P1", "KR1.1", 1800),
    ("Streaks that forgive a missed night", "P1", "KR1.3", 1500),
    ("Resume where you left off", "P1", "KR3.1", 1500),
    ("Playback watchdog and crash alerts", "P1", "KR3.1", 1900),
    ("Ask for a store review after a finished meditation", "P1", "KR3.2", 1200),
    ("Trial reminder two days before the charge", "P1", "KR2.1", 350),
    ("Yearly plan first on the paywall", "P1", "KR2.2", 600),
    ("Pause instead of cancel", "P1", "KR2.3", 400),
    ("Family invite links", "P2", "KR4.2", 300),
    ("Family plan upgrade prompt for couples", "P2", "KR4.1", 500),
    ("Kids' bedtime stories", "P2", "KR4.1", 350),
    ("Offline downloads that survive updates", "P1", None, 900),
    ("Spanish and Italian narrators", "P1", None, 700),
    ("Wearable sleep data import", "P1", None, 450),
    ("Student verification through universities", "P1", None, 250),
    ("Web player redesign", None, None, 200),
    ("Live group meditations", "P1", None, 300),
]


def _initiatives(world: World) -> pd.DataFrame:
    rng = world.rng("tidewell-initiatives")
    n = len(INITIATIVES)
    status = rng.choice(["idea", "planned", "in_progress", "done", "dropped"], size=n,
                        p=[0.25, 0.3, 0.25, 0.15, 0.05])
    # The playback fixes are the first thing the team did after the incident.
    status[[3, 4]] = ["done", "in_progress"]
    offset = pd.to_timedelta(rng.integers(0, 120, n), "D")
    effort = np.round(rng.uniform(0.5, 6, n), 1)
    duration = pd.to_timedelta(np.round(effort * 30 * rng.uniform(0.8, 1.4, n)), "D")
    slip = pd.to_timedelta(rng.integers(-10, 30, n), "D")
    finished = status == "done"
    # Finished work is dated back from a finish before the period end; open work
    # starts from July 2026 on.
    start = pd.DatetimeIndex(np.where(finished, PERIOD_END - offset - slip - duration,
                                      pd.Timestamp("2026-07-06") + offset))
    due = start + duration
    planned = np.isin(status, ["planned", "in_progress", "done"])
    return pd.DataFrame({
        "initiative_id": [f"I{i + 1:03d}" for i in range(n)],
        "title": [t for t, _, _, _ in INITIATIVES],
        "product_id": [p for _, p, _, _ in INITIATIVES],
        "okr_id": [k for _, _, k, _ in INITIATIVES],
        "reach": np.array([r for _, _, _, r in INITIATIVES], dtype=float),
        "impact": rng.choice([0.25, 0.5, 1.0, 2.0, 3.0], size=n),
        "confidence": rng.choice([0.5, 0.8, 1.0], size=n, p=[0.35, 0.45, 0.2]),
        "effort": effort,
        # A person-month in a Lisbon and Dublin team, in euros.
        "cost": np.round(effort * 9_800, -2),
        "expected_benefit": np.round(rng.lognormal(9.6, 0.8, n), -2),
        "status": status,
        "start_date": pd.Series(start).where(planned),
        "due_date": pd.Series(due).where(planned),
        "done_date": pd.Series(due + slip).where(finished),
    })


#: Role, level and manager: a product lead with two product managers per area.
TEAM = [("head of product", 7, None), ("senior product manager", 5, "M01"),
        ("product manager", 4, "M02"), ("product manager", 4, "M01"),
        ("associate product manager", 3, "M04"), ("product designer", 5, "M01"),
        ("product designer", 3, "M06"), ("content strategist", 4, "M01"),
        ("ux researcher", 4, "M01"), ("product analyst", 3, "M01")]


def _team(world: World) -> pd.DataFrame:
    rng = world.rng("tidewell-team")
    n = len(TEAM)
    levels = np.array([level for _, level, _ in TEAM])
    start = (PERIOD_END - pd.to_timedelta(rng.integers(40, 1300, n), "D")).to_numpy().copy()
    # A designer and the analyst joined this autumn and are still onboarding.
    start[[6, 9]] = np.array(["2026-09-21", "2026-10-19"], dtype="datetime64[ns]")
    tenure = (PERIOD_END - pd.DatetimeIndex(start)).days.to_numpy()
    frame = pd.DataFrame({"member_id": [f"M{i + 1:02d}" for i in range(n)],
                          "role": [r for r, _, _ in TEAM], "level": levels,
                          "manager_id": [m for _, _, m in TEAM], "start_date": start})
    for skill, weight in (("strategy", 0.4), ("discovery", 0.35), ("delivery", 0.25),
                          ("analytics", 0.2), ("communication", 0.3), ("leadership", 0.45)):
        frame[f"skill_{skill}"] = np.clip(np.round(1.6 + weight * levels * 0.6 + rng.normal(
            0, 0.5, n), 1), 1, 5)
    frame["onboarding_progress"] = np.round(np.clip(tenure / 90, 0, 1), 2)
    return frame
