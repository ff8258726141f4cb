"""Customer voice: NPS, CSAT and SUS answers, and tagged feedback."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.sample.accounts import Company
from cpo_kit.sample.world import END, INCIDENT, PRICE_CHANGE, START, World

THEMES = ["reporting", "performance", "reliability", "pricing", "integrations", "usability",
          "mobile", "automation"]
SOURCES = ["support", "sales", "app_review", "community", "interview", "survey"]
_PRAISE = {
    "reporting": "The reports save our team hours every week.",
    "performance": "Dashboards load quickly even with a year of data.",
    "reliability": "It just works; we have not had an outage we noticed.",
    "pricing": "Good value for what we get.",
    "integrations": "The warehouse integration was easy to set up.",
    "usability": "New colleagues find their way around without training.",
    "mobile": "Checking numbers on the phone before meetings is handy.",
    "automation": "Automated alerts replaced a spreadsheet we hated.",
}
_COMPLAINT = {
    "reporting": "Building a custom report takes too many clicks.",
    "performance": "Large dashboards are slow to load in the morning.",
    "reliability": "Exports failed twice this month and we lost time.",
    "pricing": "The new price per seat is hard to justify for a small team.",
    "integrations": "We need a connector for our CRM.",
    "usability": "Permissions are confusing to set up.",
    "mobile": "The mobile app logs us out too often.",
    "automation": "Automations are powerful but hard to debug.",
}


def surveys_table(world: World, company: Company) -> pd.DataFrame:
    """NPS every quarter, CSAT after support contacts, SUS in two studies a year."""
    rng = world.rng("surveys")
    users = company.users
    segment = company.accounts["segment"].to_numpy()[company.user_account]
    n = len(users)
    frames = []
    # NPS: a sample of users each month; detractors rise after the incident.
    for month in pd.date_range(START, END, freq="MS"):
        picked = rng.choice(n, size=max(3, int(0.012 * n)), replace=False)
        picked = picked[users["signup_at"].to_numpy()[picked] < month.to_datetime64()]
        at = month + pd.to_timedelta(rng.uniform(0, 27 * 86400, len(picked)), unit="s")
        mood = 7.9 + 1.2 * company.user_level[picked] - 0.4 * (segment[picked] == "SMB")
        hit = (month >= INCIDENT[0].replace(day=1)) & (month <= INCIDENT[1] + pd.DateOffset(
            months=1))
        mood = mood - (1.6 if hit else 0.0) - (0.4 if month >= PRICE_CHANGE else 0.0)
        score = np.clip(np.round(rng.normal(mood, 1.7)), 0, 10).astype(int)
        theme = rng.choice(THEMES, size=len(picked))
        if hit:
            theme = np.where(rng.random(len(picked)) < 0.6, "reliability", theme)
        comment = [(_PRAISE if s >= 9 else _COMPLAINT)[t] if rng.random() < 0.45 else None
                   for s, t in zip(score, theme)]
        frames.append(_answers(users, picked, at, "nps", {"nps": score}, comment))
    # CSAT after support conversations: mostly content, less so during the incident.
    m = int(0.6 * n)
    picked = rng.choice(n, size=m)
    at = START + pd.to_timedelta(rng.uniform(0, (END - START).days * 86400, m), unit="s")
    at = pd.DatetimeIndex(np.maximum(at.to_numpy(), users["signup_at"].to_numpy()[picked]))
    during = (at >= INCIDENT[0]) & (at <= INCIDENT[1])
    csat = np.clip(np.round(rng.normal(np.where(during, 3.3, 4.2), 0.8)), 1, 5).astype(int)
    frames.append(_answers(users, picked, at, "csat", {"csat": csat}, [None] * m))
    # SUS: ten statements, odd ones positive, answered in spring and autumn studies.
    for study in (pd.Timestamp("2025-04-07"), pd.Timestamp("2025-10-06"),
                  pd.Timestamp("2026-04-06"), pd.Timestamp("2026-10-05")):
        picked = rng.choice(n, size=max(10, int(0.02 * n)), replace=False)
        picked = picked[users["signup_at"].to_numpy()[picked] < study.to_datetime64()]
        at = study + pd.to_timedelta(rng.uniform(0, 12 * 86400, len(picked)), unit="s")
        ease = rng.normal(0.72 + 0.02 * (study.year - 2025), 0.12, len(picked))
        items = {}
        for i in range(1, 11):
            agree = ease if i % 2 else 1 - ease
            items[f"sus_q{i}"] = np.clip(np.round(1 + 4 * (agree + rng.normal(0, 0.15, len(
                picked)))), 1, 5).astype(int)
        frames.append(_answers(users, picked, at, "sus", items, [None] * len(picked)))
    out = pd.concat(frames, ignore_index=True).sort_values(["submitted_at", "user_id"],
                                                           ignore_index=True)
    out.insert(0, "response_id", [f"R{i + 1:07d}" for i in range(len(out))])
    columns = ["response_id", "survey", "submitted_at", "user_id", "account_id", "nps", "csat",
               *[f"sus_q{i}" for i in range(1, 11)], "comment"]
    for c in columns[5:-1]:
        out[c] = out[c].astype("Int64")
    return out[columns]


def _answers(users, picked, at, survey, scores, comment) -> pd.DataFrame:
    frame = pd.DataFrame({"survey": survey, "submitted_at": pd.DatetimeIndex(at).floor("s"),
                          "user_id": users["user_id"].to_numpy()[picked],
                          "account_id": users["account_id"].to_numpy()[picked],
                          "comment": comment})
    for name, values in scores.items():
        frame[name] = values
    return frame


def feedback_table(world: World, company: Company) -> pd.DataFrame:
    """Feedback from every channel; reliability spikes in the incident, pricing after the change."""
    rng = world.rng("feedback")
    accounts = company.accounts
    n = max(60, int(0.25 * len(company.users)))
    at = START + pd.to_timedelta(rng.uniform(0, (END - START).days * 86400, n), unit="s")
    weights = np.array([0.18, 0.14, 0.08, 0.08, 0.15, 0.17, 0.08, 0.12])
    theme = rng.choice(THEMES, size=n, p=weights / weights.sum())
    during = (at >= INCIDENT[0]) & (at <= INCIDENT[1] + pd.Timedelta(days=14))
    theme = np.where(during & (rng.random(n) < 0.55), "reliability", theme)
    after = (at >= PRICE_CHANGE) & (at <= PRICE_CHANGE + pd.Timedelta(days=120))
    theme = np.where(after & (rng.random(n) < 0.2), "pricing", theme)
    theme = np.where((at < pd.Timestamp("2025-06-02")) & (theme == "automation"), "usability",
                     theme)
    negative = rng.random(n) < np.where(np.isin(theme, ["reliability", "pricing"]), 0.8, 0.45)
    sentiment = np.round(np.where(negative, rng.uniform(-1, -0.1, n), rng.uniform(0.1, 1, n)), 2)
    account = rng.integers(0, len(accounts), n)
    text = [(_COMPLAINT if bad else _PRAISE)[t] for bad, t in zip(negative, theme)]
    frame = pd.DataFrame({
        "received_at": pd.DatetimeIndex(at).floor("s"),
        "account_id": accounts["account_id"].to_numpy()[account],
        "source": rng.choice(SOURCES, size=n, p=[0.38, 0.16, 0.12, 0.1, 0.08, 0.16]),
        "theme": theme,
        "sentiment": sentiment,
        "text": text,
    }).sort_values("received_at", ignore_index=True)
    frame.insert(0, "feedback_id", [f"F{i + 1:06d}" for i in range(n)])
    return frame
