"""What Tidewell's users say: in-app NPS, CSAT after support contacts, and tagged feedback.

The playback incident shows here too: returning users asked for an NPS score in
September and October 2026 score lower, support CSAT sags during it, and app
reviews about playback pile up.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cpo_kit.sample.tidewell.facts import END, INCIDENT, RETURNING_AFTER, START
from cpo_kit.sample.tidewell.subscribers import Households
from cpo_kit.sample.world import World

THEMES = ("sleep stories", "meditation library", "playback", "pricing", "billing",
          "reminders", "offline listening", "narration")
SOURCES = ("support", "app_review", "community", "survey", "interview")
_PRAISE = {
    "sleep stories": "I fall asleep before the story ends, every single night.",
    "meditation library": "There is a meditation for every mood; the short ones fit my mornings.",
    "playback": "Audio starts instantly and keeps playing with the screen off.",
    "pricing": "The yearly plan costs less than one yoga class a month.",
    "billing": "Cancelling and coming back was painless.",
    "reminders": "The bedtime reminder is the nudge I needed.",
    "offline listening": "Downloads work on the plane, which is when I need them most.",
    "narration": "The narrators' voices are calm without being sleepy.",
}
_COMPLAINT = {
    "sleep stories": "New sleep stories come out too rarely; I have heard them all.",
    "meditation library": "Hard to find a meditation again once I have done it.",
    "playback": "Meditations stop halfway and will not resume.",
    "pricing": "Too expensive for what I use; the monthly price adds up.",
    "billing": "I was charged after my trial without a reminder.",
    "reminders": "Reminders arrive at the wrong time after I travel.",
    "offline listening": "Downloaded sessions disappear after an update.",
    "narration": "I wish there were more narrators in my own language.",
}


def surveys_table(world: World, people: Households) -> pd.DataFrame:
    """In-app NPS each month to a sample of users, CSAT after support contacts; no SUS."""
    rng = world.rng("tidewell-surveys")
    users = people.users
    signup = users["signup_at"].to_numpy()
    paying = people.user_account >= 0
    n = len(users)
    frames = []
    for month in pd.date_range(START, END, freq="MS"):
        asked = rng.choice(n, size=max(3, int(0.012 * n)), replace=False)
        at = month + pd.to_timedelta(rng.uniform(0, 27 * 86400, len(asked)), unit="s")
        # Only people who had signed up by then can answer.
        known = signup[asked] < at.to_numpy()
        asked, at = asked[known], at[known]
        mood = 8.1 + 1.5 * people.level[asked] + 0.5 * paying[asked]
        returning = (at.to_numpy() - signup[asked]) > RETURNING_AFTER.to_timedelta64()
        hit = INCIDENT[0].replace(day=1) <= month <= INCIDENT[1] + pd.DateOffset(months=1)
        mood = mood - np.where(hit & returning, 1.4, 0.0)
        score = np.clip(np.round(rng.normal(mood, 1.8)), 0, 10).astype(int)
        theme = rng.choice(THEMES, size=len(asked))
        if hit:
            theme = np.where(returning & (rng.random(len(asked)) < 0.6), "playback", theme)
        comment = [(_PRAISE if s >= 9 else _COMPLAINT)[t] if rng.random() < 0.35 else None
                   for s, t in zip(score, theme)]
        frames.append(_answers(people, asked, at, "nps", score, comment))
    # CSAT after a support contact: subscribers write in more often than free users.
    m = max(20, int(0.12 * n))
    weight = np.where(paying, 4.0, 1.0)
    asked = rng.choice(n, size=m, p=weight / weight.sum())
    # A contact comes within the first four months, when questions about billing arise.
    at = pd.DatetimeIndex(signup[asked]) + pd.to_timedelta(
        rng.uniform(3600, 120 * 86400, m), unit="s")
    keep = at <= END + pd.Timedelta(hours=23)
    asked, at = asked[keep], at[keep]
    during = (at >= INCIDENT[0]) & (at <= INCIDENT[1] + pd.Timedelta(days=1))
    csat = np.clip(np.round(rng.normal(np.where(during, 3.2, 4.3), 0.8)), 1, 5).astype(int)
    frames.append(_answers(people, asked, at, "csat", csat, [None] * len(asked)))
    out = pd.concat(frames, ignore_index=True).sort_values(["submitted_at", "user_id"],
                                                           ignore_index=True)
    out.insert(0, "response_id", [f"R{i + 1:07d}" for i in range(len(out))])
    for column in ("nps", "csat"):
        out[column] = out[column].astype("Int64")
    return out[["response_id", "survey", "submitted_at", "user_id", "account_id", "nps",
                "csat", "comment"]]


def _answers(people, asked, at, survey, score, comment) -> pd.DataFrame:
    users = people.users
    return pd.DataFrame({"survey": survey, "submitted_at": pd.DatetimeIndex(at).floor("s"),
                         "user_id": users["user_id"].to_numpy()[asked],
                         "account_id": users["account_id"].to_numpy()[asked],
                         "nps": score if survey == "nps" else None,
                         "csat": score if survey == "csat" else None,
                         "comment": comment})


def feedback_table(world: World, people: Households) -> pd.DataFrame:
    """Feedback from support, the stores' reviews, the community, surveys and interviews."""
    rng = world.rng("tidewell-feedback")
    users = people.users
    n = max(60, int(0.1 * len(users)))
    at = START + pd.to_timedelta(rng.uniform(0, ((END - START).days + 1) * 86400, n), unit="s")
    weights = np.array([0.16, 0.17, 0.08, 0.16, 0.10, 0.11, 0.10, 0.12])
    theme = rng.choice(THEMES, size=n, p=weights / weights.sum())
    source = rng.choice(SOURCES, size=n, p=[0.36, 0.30, 0.12, 0.14, 0.08])
    # The incident's reviews and tickets are about playback, for two weeks after it too.
    during = (at >= INCIDENT[0]) & (at <= INCIDENT[1] + pd.Timedelta(days=14))
    broken = during & (rng.random(n) < 0.6)
    theme = np.where(broken, "playback", theme)
    source = np.where(broken & (rng.random(n) < 0.6), "app_review", source)
    negative = rng.random(n) < np.where(np.isin(theme, ["playback", "pricing", "billing"]),
                                        0.78, 0.35)
    sentiment = np.round(np.where(negative, rng.uniform(-1, -0.1, n), rng.uniform(0.1, 1, n)), 2)
    # The writer: someone who had signed up by then; store reviews are anonymous.
    known = np.searchsorted(users["signup_at"].to_numpy(), at.to_numpy())
    writer = np.floor(rng.random(n) * np.maximum(known, 1)).astype(int)
    account = pd.Series(users["account_id"].to_numpy()[writer]).where(source != "app_review")
    text = [(_COMPLAINT if bad else _PRAISE)[t] for bad, t in zip(negative, theme)]
    frame = pd.DataFrame({
        "received_at": pd.DatetimeIndex(at).floor("s"),
        "account_id": account.to_numpy(),
        "source": source,
        "theme": theme,
        "sentiment": sentiment,
        "text": text,
    }).sort_values("received_at", ignore_index=True)
    frame.insert(0, "feedback_id", [f"F{i + 1:06d}" for i in range(n)])
    return frame
