"""Product events: sessions of several events each, written to Parquet in row groups.

Each user is active in a week with a probability that falls from a high start
to a plateau (retention), dips in August, at the turn of the year and during
the quality incident, and stops while the account does not pay. Active weeks
hold sessions; sessions hold events. Automation events start after the
feature's launch and spread along an S-curve.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpo_kit.sample.accounts import Company
from cpo_kit.sample.output import parquet_file
from cpo_kit.sample.world import END, INCIDENT, LAUNCH, MONTHS, START, World

USERS_PER_CHUNK = 8000
PLATFORMS = np.array(["web", "desktop", "ios", "android"])
#: Events after the opening login, with their feature and weight.
VOCABULARY = [
    ("view_dashboard", "dashboards", 0.30),
    ("search", None, 0.10),
    ("create_report", "reports", 0.12),
    ("share_report", "reports", 0.05),
    ("export_csv", "exports", 0.07),
    ("comment", "collaboration", 0.08),
    ("invite_user", "collaboration", 0.015),
    ("edit_dashboard", "dashboards", 0.09),
    ("open_alert", "alerts", 0.05),
]
EXTRA = [("login", None), ("signup", None), ("run_automation", "automation"),
         ("create_automation", "automation"), ("error_shown", None)]
NAMES = np.array([v[0] for v in VOCABULARY] + [e[0] for e in EXTRA])
FEATURES = np.array([v[1] for v in VOCABULARY] + [e[1] for e in EXTRA], dtype=object)
CODE = {name: i for i, name in enumerate(NAMES)}
_CUMULATIVE = np.cumsum([v[2] for v in VOCABULARY]) / sum(v[2] for v in VOCABULARY)
_DAY_WEIGHTS = np.array([1.0, 1.05, 1.05, 1.0, 0.85, 0.15, 0.1])

SCHEMA = pa.schema([
    ("user_id", pa.string()), ("timestamp", pa.timestamp("us")), ("event", pa.string()),
    ("feature", pa.string()), ("platform", pa.string()), ("session_id", pa.string()),
])
_US = 1_000_000


def write_events(world: World, company: Company, path: Path, *, progress: bool = False) -> int:
    """Simulate every user's events and write them to one Parquet file.

    Returns the number of events written. The file appears under its name only
    once it is complete.
    """
    users = company.users
    n_users = len(users)
    starts = range(0, n_users, USERS_PER_CHUNK)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=n_users, unit="user", desc="events")
    total, sessions = 0, 0
    with parquet_file(path, SCHEMA) as writer:
        for chunk_no, first in enumerate(starts):
            rng = world.rng(f"events-{chunk_no}")
            part = slice(first, min(first + USERS_PER_CHUNK, n_users))
            table, used = _chunk(rng, company, part, sessions)
            sessions += used
            writer.write_table(table)
            total += table.num_rows
            if bar is not None:
                bar.update(part.stop - part.start)
    if bar is not None:
        bar.close()
    return total


def _chunk(rng: np.random.Generator, company: Company, part: slice,
           first_session: int) -> tuple[pa.Table, int]:
    users = company.users.iloc[part]
    n = len(users)
    level = company.user_level[part]
    account = company.user_account[part]
    preferred = company.user_platform[part]
    start_us = _us(START)
    week_us = 7 * 86400 * _US
    weeks = int(np.ceil((_us(END) - start_us) / week_us)) + 1
    week_start = START + pd.to_timedelta(7 * np.arange(weeks), unit="D")
    signup_us = users["signup_at"].to_numpy().astype("datetime64[us]").astype(np.int64)
    age_weeks = (start_us + np.arange(weeks)[None, :] * week_us - signup_us[:, None]) / week_us

    # Whether each user is active in each week.
    month_of_week = np.clip(np.searchsorted(MONTHS, week_start, side="right") - 1, 0, None)
    paying = company.paying[account][:, month_of_week]
    retention = 0.32 + 0.68 * np.exp(-np.clip(age_weeks, 0, None) / 9.0)
    season = np.ones(weeks)
    season[week_start.month == 8] = 0.8
    season[(week_start.month == 12) & (week_start.day >= 20)] = 0.55
    in_incident = (week_start >= INCIDENT[0] - pd.Timedelta(days=6)) & (week_start <= INCIDENT[1])
    season[in_incident] = 0.7
    chance = np.clip(0.12 + 1.4 * level, 0, 0.92)[:, None] * retention * season[None, :]
    active = paying & (age_weeks > -1) & (rng.random((n, weeks)) < chance)
    u, w = np.nonzero(active)

    # Sessions in active weeks: a weekday, office hours, a platform.
    per_week = 1 + rng.poisson(0.4 + 2.2 * level[u])
    su, sw = np.repeat(u, per_week), np.repeat(w, per_week)
    day = rng.choice(7, size=len(su), p=_DAY_WEIGHTS / _DAY_WEIGHTS.sum())
    hour = np.clip(rng.normal(13.0, 3.0, len(su)), 6, 22.9)
    s_start = (start_us + sw * week_us + day * 86400 * _US + (hour * 3600 * _US).astype(np.int64)
               + rng.integers(0, 60 * _US, len(su)))
    platform = np.where(rng.random(len(su)) < 0.85, preferred[su], rng.choice(4, len(su)))
    # A signup session for users who joined within the two years.
    joined = np.nonzero(signup_us >= start_us)[0]
    su = np.concatenate([su, joined])
    s_start = np.concatenate([s_start, signup_us[joined]])
    platform = np.concatenate([platform, np.zeros(len(joined), dtype=int)])
    is_signup = np.zeros(len(su), dtype=bool)
    is_signup[len(su) - len(joined):] = True
    order = np.lexsort((s_start, su))
    su, s_start, platform, is_signup = su[order], s_start[order], platform[order], is_signup[order]

    # Events in sessions: a login (or the signup), then a walk through the product.
    per_session = np.where(is_signup, 3, 2 + rng.poisson(1.2 + 3.0 * level[su]))
    sid = np.repeat(np.arange(len(su)), per_session)
    position = np.arange(len(sid)) - np.repeat(np.cumsum(per_session) - per_session, per_session)
    gaps = rng.exponential(80 * _US, len(sid)).astype(np.int64)
    gaps[position == 0] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[np.cumsum(per_session) - per_session], per_session)
    ts = s_start[sid] + elapsed
    event = np.searchsorted(_CUMULATIVE, rng.random(len(sid)), side="right")
    event = np.minimum(event, len(VOCABULARY) - 1)
    event[position == 0] = np.where(is_signup[sid[position == 0]], CODE["signup"], CODE["login"])
    event[(position == 1) & is_signup[sid]] = CODE["login"]
    event[(position == 2) & is_signup[sid]] = CODE["create_report"]

    # Automation spreads after launch along an S-curve; about half the users take it up.
    adopts = rng.random(n) < 0.55
    adopted_at = _us(LAUNCH) + (np.clip(rng.logistic(9.0, 4.0, n), 0, None) * week_us
                                ).astype(np.int64)
    eu = su[sid]
    uses = adopts[eu] & (ts >= adopted_at[eu]) & (position > 0)
    pick = rng.random(len(sid))
    event[uses & (pick < 0.16)] = CODE["run_automation"]
    event[uses & (pick >= 0.16) & (pick < 0.19)] = CODE["create_automation"]
    incident = (ts >= _us(INCIDENT[0])) & (ts < _us(INCIDENT[1]) + 86400 * _US)
    broken = (position > 0) & (rng.random(len(sid)) < np.where(incident, 0.08, 0.002))
    event[broken] = CODE["error_shown"]

    keep = (ts >= signup_us[eu]) & (ts <= _us(END) + 86400 * _US - 1)
    ids = users["user_id"].to_numpy()
    session_no = first_session + sid
    table = pa.table({
        "user_id": pa.array(ids[eu[keep]], pa.string()),
        "timestamp": pa.array(ts[keep], pa.timestamp("us")),
        "event": pa.array(NAMES[event[keep]], pa.string()),
        "feature": pa.array(FEATURES[event[keep]], pa.string()),
        "platform": pa.array(PLATFORMS[platform[sid[keep]]], pa.string()),
        "session_id": pc.binary_join_element_wise(
            "S", pa.array(session_no[keep]).cast(pa.string()), ""),
    }, schema=SCHEMA)
    return table, len(su)


def _us(moment: pd.Timestamp) -> int:
    return int(moment.value // 1000)
