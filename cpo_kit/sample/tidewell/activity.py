"""Tidewell's product analytics export: sessions of events, in time order across all users.

The export is append-only, as a product analytics tool writes it, so it is
generated one week at a time for every user at once, sorted by time and written
in row groups of several weeks; events of a session that runs past the week's
end wait for the next week. Only the users and the weeks in hand are in memory.

A week holds the sessions of the users active in it: subscribers come back most
weeks, free users for a while (many only once), all more in January and less in
summer. Each session follows a script of its kind (a meditation, a sleep story,
a browse, a first visit, a trial, a subscription) whose steps happen with set
chances; the playback incident lowers only returning users' chance to finish a
meditation they started.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpo_kit.sample.output import parquet_file
from cpo_kit.sample.tidewell.facts import (END, INCIDENT, INCIDENT_FINISH_SHARE, MONTHS, PLATFORMS,
                                           RETURNING_AFTER, START)
from cpo_kit.sample.tidewell.subscribers import Households
from cpo_kit.sample.world import World

SCHEMA = pa.schema([
    ("user_id", pa.string()), ("timestamp", pa.timestamp("us")), ("event", pa.string()),
    ("platform", pa.string()), ("session_id", pa.string()),
])
NAMES = np.array(["app_open", "browse_library", "start_meditation", "finish_meditation",
                  "play_sleep_story", "set_reminder", "paywall_view", "start_trial",
                  "subscribe"])
CODE = {name: i for i, name in enumerate(NAMES)}
#: Weeks are gathered into row groups of at least this many events: each group
#: repeats the dictionary of the user ids in it, which costs more than the events.
ROWS_PER_GROUP = 500_000
_US = 1_000_000
_WEEK = 7 * 86400 * _US
#: Gaps before a step: a tap (seconds) or a listen (the length of what was played).
TAP, MEDITATION, STORY = 0, 1, 2

# The script of each kind of session: per step, the event, its chance, the gap
# before it, and the earlier step it needs (-1: none). A finish needs its start.
KINDS = ("meditation", "sleep", "browse", "first", "trial", "subscribe")
SCRIPTS = {
    "meditation": [("app_open", 1.0, TAP, -1), ("browse_library", 0.55, TAP, -1),
                   ("start_meditation", 1.0, TAP, -1), ("finish_meditation", 1.0, MEDITATION, 2),
                   ("start_meditation", 0.2, TAP, 3), ("finish_meditation", 1.0, MEDITATION, 4),
                   ("set_reminder", 0.03, TAP, -1), ("paywall_view", 0.12, TAP, -1)],
    "sleep": [("app_open", 1.0, TAP, -1), ("browse_library", 0.6, TAP, -1),
              ("play_sleep_story", 1.0, TAP, -1), ("play_sleep_story", 0.25, STORY, 2),
              ("paywall_view", 0.15, TAP, -1)],
    "browse": [("app_open", 1.0, TAP, -1), ("browse_library", 1.0, TAP, -1),
               ("browse_library", 0.6, TAP, 1), ("set_reminder", 0.06, TAP, -1),
               ("paywall_view", 0.35, TAP, -1)],
    "first": [("app_open", 1.0, TAP, -1), ("browse_library", 0.8, TAP, -1),
              ("start_meditation", 0.6, TAP, -1), ("finish_meditation", 1.0, MEDITATION, 2),
              ("set_reminder", 0.25, TAP, -1), ("paywall_view", 0.5, TAP, -1)],
    "trial": [("app_open", 1.0, TAP, -1), ("paywall_view", 1.0, TAP, -1),
              ("start_trial", 1.0, TAP, -1), ("browse_library", 0.7, TAP, -1),
              ("start_meditation", 0.5, TAP, -1), ("finish_meditation", 1.0, MEDITATION, 4)],
    "subscribe": [("app_open", 1.0, TAP, -1), ("paywall_view", 0.6, TAP, -1),
                  ("subscribe", 1.0, TAP, -1), ("browse_library", 0.5, TAP, -1)],
}
STEPS = max(len(s) for s in SCRIPTS.values())


def _table(field: int, fill) -> np.ndarray:
    out = np.full((len(KINDS), STEPS), fill)
    for k, kind in enumerate(KINDS):
        for s, step in enumerate(SCRIPTS[kind]):
            out[k, s] = CODE[step[0]] if field == 0 else step[field]
    return out


_EVENT, _CHANCE, _GAP, _NEEDS = _table(0, -1), _table(1, 0.0), _table(2, TAP), _table(3, -1)


def write_events(world: World, people: Households, path: Path, *, progress: bool = False
                 ) -> int:
    """Simulate every user's events week by week and write them to one Parquet file.

    Parameters
    ----------
    world : World
        The seed and scale; each week draws from its own random stream.
    people : Households
        The users, their households and when they signed up, trialled and paid.
    path : Path
        The file; it appears under its name only once it is complete.
    progress : bool
        Show a progress bar of the weeks written.

    Returns
    -------
    int
        The number of events written.
    """
    first_monday = START - pd.Timedelta(days=START.day_of_week)
    weeks = int(np.ceil((END + pd.Timedelta(days=1) - first_monday) / pd.Timedelta(days=7)))
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=weeks, unit="week", desc="events")
    total, sessions = 0, 0
    carried, pending = None, []
    # Times in order differ little from one event to the next: deltas store them small.
    with parquet_file(path, SCHEMA, use_dictionary=["user_id", "event", "platform", "session_id"],
                      column_encoding={"timestamp": "DELTA_BINARY_PACKED"}) as writer:
        for w in range(weeks):
            week_start = _us(first_monday) + w * _WEEK
            events, used = _week(world.rng(f"tidewell-events-{w}"), people, week_start,
                                 sessions)
            sessions += used
            if carried is not None:
                events = {k: np.concatenate([carried[k], v]) for k, v in events.items()}
            # The stable sort keeps a session's steps in order when two share an instant.
            order = np.argsort(events["ts"], kind="stable")
            events = {k: v[order] for k, v in events.items()}
            cut = np.searchsorted(events["ts"], week_start + _WEEK)
            carried = {k: v[cut:] for k, v in events.items()}
            now = {k: v[:cut] for k, v in events.items()}
            pending.append(now)
            if sum(len(p["ts"]) for p in pending) >= ROWS_PER_GROUP or w == weeks - 1:
                group = {k: np.concatenate([p[k] for p in pending]) for k in now}
                writer.write_table(_arrow(people, group))
                total += len(group["ts"])
                pending = []
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    return total


def _week(rng: np.random.Generator, people: Households, week_start: int, first_session: int
          ) -> tuple[dict[str, np.ndarray], int]:
    """The events of the sessions that start in one week, not yet in time order."""
    week_end = week_start + _WEEK
    known = int(np.searchsorted(people.signup_us, week_end))
    signup = people.signup_us[:known]
    level = people.level[:known]
    age_weeks = (week_start - signup) / _WEEK
    monday = pd.Timestamp(week_start * 1000)
    month = int(np.clip(np.searchsorted(MONTHS, monday, side="right") - 1, 0, len(MONTHS) - 1))
    account = people.user_account[:known]
    paying = (account >= 0) & people.paying[np.maximum(account, 0), month]
    trial = people.trial_us[:known]
    trialling = (trial >= 0) & (trial < week_end) & (trial + 7 * 86400 * _US > week_start)

    season = _season(monday)
    free = (0.2 + 0.6 * level) * (age_weeks < people.lifespan[:known])
    chance = np.where(paying, 0.55 + 0.4 * level, free)
    chance = np.where(trialling, 0.9, chance) * season
    active = np.flatnonzero(rng.random(known) < np.clip(chance, 0, 0.97))
    per_week = 1 + rng.poisson(np.where(paying[active], 0.6 + 2.6 * level[active],
                                        0.3 + 1.4 * level[active]))
    user = np.repeat(active, per_week)
    # Mornings for meditation, bedtime for sleep stories.
    morning = rng.random(len(user)) < 0.42
    hour = np.where(morning, rng.normal(7.3, 1.2, len(user)), rng.normal(21.8, 1.2, len(user)))
    start = (week_start + rng.integers(0, 7, len(user)) * 86400 * _US
             + (np.clip(hour, 5.0, 23.95) * 3600 * _US).astype(np.int64))
    pick = rng.random(len(user))
    kind = np.where(morning, np.select([pick < 0.7, pick < 0.75], [0, 1], 2),
                    np.select([pick < 0.35, pick < 0.85], [0, 1], 2))

    # The scripted sessions: a first visit at signup, a trial's start, a first payment.
    scripted = []
    for moments, k in ((people.signup_us, 3), (people.trial_us, 4), (people.paid_us, 5)):
        due = np.flatnonzero((moments[:known] >= week_start) & (moments[:known] < week_end))
        scripted.append((due, moments[due], np.full(len(due), k)))
    user = np.concatenate([user, *(s[0] for s in scripted)])
    start = np.concatenate([start, *(s[1] for s in scripted)])
    kind = np.concatenate([kind, *(s[2] for s in scripted)])
    keep = (start >= signup[user]) & (start < week_end)
    user, start, kind = user[keep], start[keep], kind[keep]
    order = np.lexsort((user, start))
    user, start, kind = user[order], start[order], kind[order]
    preferred = people.platform[user]
    platform = np.where(rng.random(len(user)) < 0.88, preferred,
                        rng.choice(len(PLATFORMS), len(user)))

    events = _steps(rng, people, user, start, kind, paying)
    events["session"] = first_session + events["session"]
    events["platform"] = platform[events.pop("in_session")]
    return events, len(user)


def _steps(rng, people, user, start, kind, paying) -> dict[str, np.ndarray]:
    """Play each session's script: which steps happen, and when."""
    n = len(user)
    chance = _CHANCE[kind].copy()
    is_paywall = _EVENT[kind] == CODE["paywall_view"]
    # Subscribers meet no paywall outside the sessions in which they subscribe.
    chance[is_paywall & paying[user][:, None] & (kind != 5)[:, None]] = 0.0
    gap = _GAP[kind]
    seconds = np.select([gap == MEDITATION, gap == STORY],
                        [np.clip(rng.normal(600, 240, (n, STEPS)), 180, 1800),
                         np.clip(rng.normal(1800, 420, (n, STEPS)), 600, 3600)],
                        rng.uniform(4, 75, (n, STEPS)))
    at = start[:, None] + np.cumsum((seconds * _US).astype(np.int64), axis=1)
    at[:, 0] = start
    finish = _EVENT[kind] == CODE["finish_meditation"]
    usual = 0.7 + 0.22 * people.level[user]
    returning = at - people.signup_us[user][:, None] > RETURNING_AFTER.value // 1000
    broken = ((at >= _us(INCIDENT[0])) & (at < _us(INCIDENT[1]) + 86400 * _US) & returning)
    chance = np.where(finish, usual[:, None] * np.where(broken, INCIDENT_FINISH_SHARE, 1.0),
                      chance)
    happens = rng.random((n, STEPS)) < chance
    needs = _NEEDS[kind]
    for s in range(STEPS):  # a step that needs an earlier one happens only after it
        after = needs[:, s] >= 0
        happens[after, s] &= happens[after, needs[after, s]]
    happens &= at <= _us(END) + 86400 * _US - 1
    session, step = np.nonzero(happens)
    # Analytics tools export times to the millisecond.
    return {"user": user[session], "ts": at[session, step] // 1000 * 1000,
            "event": _EVENT[kind[session], step], "session": session,
            "in_session": session}


def _season(monday: pd.Timestamp) -> float:
    """How much more (or less) people meditate in a week than usual."""
    if monday.month == 1:
        return 1.3 if monday.day <= 21 else 1.15
    if monday.month in (7, 8):
        return 0.82
    if monday.month == 12 and monday.day >= 20:
        return 0.9
    return 1.0


def _arrow(people: Households, events: dict[str, np.ndarray]) -> pa.Table:
    ids = people.users["user_id"].to_numpy()
    return pa.table({
        "user_id": pa.array(ids[events["user"]], pa.string()),
        "timestamp": pa.array(events["ts"], pa.timestamp("us")),
        "event": pa.array(NAMES[events["event"]], pa.string()),
        "platform": pa.array(np.array(PLATFORMS)[events["platform"]], pa.string()),
        "session_id": pc.binary_join_element_wise(
            "s", pa.array(events["session"]).cast(pa.string()), ""),
    }, schema=SCHEMA)


def _us(moment: pd.Timestamp) -> int:
    return int(moment.value // 1000)
