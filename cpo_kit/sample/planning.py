"""The small planning tables: market, competitors, pricing research, OKRs, roadmap and team."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.sample.world import COMPANY, END, World

FEATURES = ["dashboards", "custom reports", "scheduled exports", "alerts", "automation",
            "mobile app", "SSO and SCIM", "audit log", "warehouse connectors", "embedded analytics",
            "AI summaries", "role-based access"]
# Coverage per competitor, feature by feature (0 none, 0.5 partial, 1 full), and list price.
RIVALS = {
    COMPANY: ([1, 1, 1, 1, 0.5, 0.5, 1, 0.5, 1, 0, 0.5, 1], 37.0),
    "Chartwell": ([1, 1, 0.5, 1, 1, 1, 1, 1, 0.5, 1, 1, 1], 55.0),
    "Metricly": ([1, 0.5, 1, 0.5, 0, 1, 0, 0, 0.5, 0, 0.5, 0.5], 19.0),
    "Dashforge": ([1, 1, 1, 0.5, 0.5, 0, 1, 1, 1, 0.5, 0, 1], 42.0),
    "Pulsegrid": ([0.5, 0.5, 0, 1, 1, 0.5, 0, 0, 0, 0, 1, 0.5], 24.0),
    "Insightory": ([1, 1, 1, 1, 0.5, 1, 1, 0.5, 1, 1, 0, 1], 48.0),
}


def planning_tables(world: World) -> dict[str, pd.DataFrame]:
    """The tables that describe the market and the company's plans rather than its usage."""
    return {"competitors": _competitors(), "market": _market(), "price_survey": _prices(world),
            "okrs": _okrs(), "initiatives": _initiatives(world), "team": _team(world)}


def _competitors() -> pd.DataFrame:
    rows = [{"competitor": name, "is_us": name == COMPANY, "feature": feature,
             "coverage": float(cover), "list_price": price}
            for name, (covers, price) in RIVALS.items()
            for feature, cover in zip(FEATURES, covers)]
    return pd.DataFrame(rows)


def _market() -> pd.DataFrame:
    base = {"SMB": (410_000, 3_600, 0.34, 0.018, 0.09), "Mid-Market": (52_000, 19_000, 0.41,
            0.025, 0.12), "Enterprise": (7_800, 96_000, 0.28, 0.012, 0.15)}
    rows = []
    for segment, (companies, value, serviceable, obtainable, growth) in base.items():
        for k, year in enumerate(range(2024, 2029)):
            rows.append({
                "segment": segment, "year": year,
                "companies": int(round(companies * (1 + growth * 0.4) ** k)),
                "annual_value": round(value * (1 + growth * 0.6) ** k, 2),
                "serviceable_share": serviceable, "obtainable_share": obtainable,
                "reported_size": round(companies * value * 1.12 * (1 + growth) ** k, -5),
            })
    return pd.DataFrame(rows)


def _prices(world: World) -> pd.DataFrame:
    rng = world.rng("price-survey")
    n = 320
    segment = rng.choice(["SMB", "Mid-Market", "Enterprise"], size=n, p=[0.55, 0.3, 0.15])
    anchor = np.where(segment == "SMB", 30.0, np.where(segment == "Mid-Market", 36.0, 44.0))
    cheap = np.round(anchor * rng.lognormal(-0.15, 0.2, n))
    too_cheap = np.round(cheap * rng.uniform(0.45, 0.8, n))
    expensive = np.round(cheap * rng.uniform(1.25, 1.7, n))
    too_expensive = np.round(expensive * rng.uniform(1.2, 1.6, n))
    return pd.DataFrame({"respondent_id": [f"V{i + 1:04d}" for i in range(n)],
                         "segment": segment, "too_cheap": too_cheap, "cheap": cheap,
                         "expensive": expensive, "too_expensive": too_expensive})


#: The quarter's key results: baseline (at the quarter's start), target, current (31 October).
#: Those the notebooks also compute (stickiness, NRR, NPS) are the notebooks' own values
#: of the sample's data, at the end of September and of October, so the OKR pages and the
#: KPI pages agree.
OBJECTIVES = [
    ("Make Brightlane the habit of every analyst", [
        ("Weekly active users / seats", 0.46, 0.55, 0.49),
        ("Median reports created per active user a week", 2.1, 3.0, 2.4),
        ("Stickiness (DAU/MAU)", 0.104, 0.12, 0.101)]),
    ("Grow revenue from the customers we have", [
        ("Net revenue retention (trailing 12 months)", 1.253, 1.32, 1.265),
        ("Accounts on two or more products", 0.22, 0.30, 0.25),
        ("Automation MRR (thousands)", 4.0, 9.0, 6.5)]),
    ("Win back trust after the March incident", [
        ("NPS", 20.4, 30.0, 21.6),
        ("Failed exports per 10,000", 12.0, 2.0, 3.5),
        ("Support CSAT", 4.0, 4.4, 4.2)]),
    ("Be ready for the enterprise", [
        ("Enterprise deals passing security review", 0.6, 0.9, 0.7),
        ("Audit log coverage of admin actions", 0.5, 1.0, 0.8)]),
]


def _okrs() -> pd.DataFrame:
    rows = []
    owners = ["Head of Product, Core", "Head of Growth", "VP Engineering", "Head of Platform"]
    for o, (objective, results) in enumerate(OBJECTIVES):
        for k, (result, baseline, target, current) in enumerate(results):
            rows.append({"okr_id": f"KR{o + 1}.{k + 1}", "quarter": "2026-Q4",
                         "objective": objective, "key_result": result, "owner": owners[o],
                         "baseline": baseline, "target": target, "current": current})
    return pd.DataFrame(rows)


#: Title, product, key result, then the RICE inputs: reach (users a quarter), impact,
#: confidence and effort (person-months). Reach stays within the users who do the thing
#: the work changes, from the sample's own events of August to October 2026: about 2,700
#: active users of Brightlane Core, 2,600 who create reports, 2,000 who export, 1,400 who
#: run automations, 1,600 in Enterprise accounts, 750 sign-ups a quarter.
INITIATIVES = [
    ("Report builder redesign", "P1", "KR1.2", 2400, 2.0, 0.8, 4.0),
    ("Faster dashboard loading", "P1", "KR1.1", 2700, 1.0, 0.8, 3.0),
    ("Daily digest e-mail", "P1", "KR1.3", 1500, 0.5, 0.5, 1.0),
    ("Mobile offline mode", "P1", "KR1.1", 900, 1.0, 0.5, 6.0),
    ("Usage-based add-on bundles", "P2", "KR2.2", 600, 1.0, 0.5, 2.0),
    ("Automation templates gallery", "P3", "KR2.3", 1400, 1.0, 0.8, 1.5),
    ("In-app upgrade prompts", "P2", "KR2.1", 1000, 0.5, 0.8, 1.0),
    ("Seat expansion nudges", "P1", "KR2.1", 800, 1.0, 0.5, 1.5),
    ("Export pipeline rewrite", "P1", "KR3.2", 2000, 2.0, 1.0, 5.0),
    ("Status page and incident e-mails", "P1", "KR3.1", 2700, 0.5, 1.0, 1.0),
    ("Support macros for top issues", None, "KR3.3", 1200, 0.5, 0.8, 0.5),
    ("SCIM provisioning", "P1", "KR4.1", 1600, 0.5, 1.0, 2.5),
    ("Audit log for admin actions", "P1", "KR4.2", 1600, 0.5, 1.0, 3.0),
    ("SOC 2 evidence automation", None, "KR4.1", 1600, 0.25, 0.8, 2.0),
    ("AI report summaries", "P2", None, 1000, 1.0, 0.5, 3.0),
    ("Embedded analytics beta", "P2", None, 300, 2.0, 0.5, 4.0),
    ("Legacy Connect sunset plan", "P4", None, 80, 1.0, 1.0, 1.0),
    ("CRM connector", "P1", "KR2.2", 700, 1.0, 0.5, 3.0),
    ("Onboarding checklist", "P1", "KR1.1", 750, 2.0, 0.8, 1.0),
    ("Dark mode", "P1", None, 2000, 0.25, 0.8, 1.0),
    ("Automation debugger", "P3", "KR2.3", 700, 1.0, 0.8, 2.0),
    ("Price page experiment", None, "KR2.1", 750, 1.0, 0.5, 0.5),
]

#: Yearly revenue per active user: about $1.38M of recurring revenue a year at the end of
#: October 2026 (the sample's ``mrr.csv``) over about 3,000 users active in its last quarter.
REVENUE_PER_USER = 460

#: What a person-month of product and engineering work costs, in dollars.
PERSON_MONTH = 14_500

#: Work whose benefit is a saving rather than revenue: the yearly upkeep it ends.
SAVINGS = {"Legacy Connect sunset plan": 24_000}


def expected_benefit(title: str, reach: float, impact: float) -> float:
    """A yearly benefit of the scale a practitioner would believe, in dollars.

    The revenue of the users the work reaches, lifted by 4% for each point of RICE
    impact: a massive change (3) to a user is worth 12% of what that user's account
    pays for them a year. Work that ends a cost is worth that cost.

    >>> expected_benefit("Report builder redesign", 2400, 2.0)
    88300.0
    >>> expected_benefit("Legacy Connect sunset plan", 80, 1.0)
    24000.0
    """
    if title in SAVINGS:
        return float(SAVINGS[title])
    return float(round(reach * REVENUE_PER_USER * 0.04 * impact, -2))


def _initiatives(world: World) -> pd.DataFrame:
    rng = world.rng("initiatives")
    n = len(INITIATIVES)
    status = rng.choice(["idea", "planned", "in_progress", "done", "dropped"], size=n,
                        p=[0.25, 0.3, 0.25, 0.15, 0.05])
    offset = pd.to_timedelta(rng.integers(0, 150, n), "D")
    effort = np.array([row[6] for row in INITIATIVES])
    duration = pd.to_timedelta(np.round(effort * 30 * rng.uniform(0.8, 1.4, n)), "D")
    slip = pd.to_timedelta(rng.integers(-10, 40, n), "D")
    # Finished work is dated back from a finish before the period end; work in progress
    # started before it, and planned work starts after it, so nothing planned lies in the
    # past and nothing is done in the future.
    finished = status == "done"
    half = pd.to_timedelta(offset.days // 2, "D")
    start = np.where(finished, END - offset - slip - duration,
                     np.where(status == "in_progress", END - half - pd.Timedelta(days=14),
                              END + half + pd.Timedelta(days=7)))
    start = pd.DatetimeIndex(start)
    due = start + duration
    done = pd.Series(due + slip).where(finished)
    planned = np.isin(status, ["planned", "in_progress", "done"])
    return pd.DataFrame({
        "initiative_id": [f"I{i + 1:03d}" for i in range(n)],
        "title": [row[0] for row in INITIATIVES],
        "product_id": [row[1] for row in INITIATIVES],
        "okr_id": [row[2] for row in INITIATIVES],
        "reach": np.array([row[3] for row in INITIATIVES], dtype=float),
        "impact": [row[4] for row in INITIATIVES],
        "confidence": [row[5] for row in INITIATIVES],
        "effort": effort,
        "cost": effort * PERSON_MONTH,
        "expected_benefit": [expected_benefit(t, r, i) for t, _, _, r, i, _, _ in INITIATIVES],
        "status": status,
        "start_date": pd.Series(start).where(planned),
        "due_date": pd.Series(due).where(planned),
        "done_date": done,
    })


TEAM = [("cpo", 8, None), ("director of product", 7, "M01"), ("group product manager", 6, "M02"),
        ("senior product manager", 5, "M03"), ("product manager", 4, "M03"),
        ("product manager", 4, "M03"), ("associate product manager", 3, "M04"),
        ("group product manager", 6, "M02"), ("senior product manager", 5, "M08"),
        ("product manager", 4, "M08"), ("product designer", 5, "M02"),
        ("product designer", 4, "M11"), ("ux researcher", 5, "M02"), ("product analyst", 4, "M02")]


def _team(world: World) -> pd.DataFrame:
    rng = world.rng("team")
    n = len(TEAM)
    levels = np.array([lvl for _, lvl, _ in TEAM])
    start = pd.Timestamp("2026-10-31") - pd.to_timedelta(rng.integers(20, 1500, n), "D")
    # The two newest members are still onboarding.
    start = start.to_numpy().copy()
    start[[6, 9]] = np.array(["2026-09-14", "2026-10-12"], dtype="datetime64[ns]")
    tenure = (pd.Timestamp("2026-10-31") - pd.DatetimeIndex(start)).days.to_numpy()
    frame = pd.DataFrame({"member_id": [f"M{i + 1:02d}" for i in range(n)],
                          "role": [r for r, _, _ in TEAM], "level": levels,
                          "manager_id": [m for _, _, m in TEAM], "start_date": start})
    for skill, weight in (("strategy", 0.45), ("discovery", 0.3), ("delivery", 0.2),
                          ("analytics", 0.25), ("communication", 0.3), ("leadership", 0.5)):
        frame[f"skill_{skill}"] = np.clip(np.round(1.5 + weight * levels * 0.6 + rng.normal(
            0, 0.5, n), 1), 1, 5)
    frame["onboarding_progress"] = np.round(np.clip(tenure / 90, 0, 1), 2)
    return frame
