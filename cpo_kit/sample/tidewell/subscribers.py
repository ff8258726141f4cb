"""Tidewell's people: free users, trials, paying households and their monthly revenue.

Users sign up through the year (most in January, fewest in summer); some start a
trial, most trials that convert become a household paying monthly or yearly.
Households renew, switch plans at a renewal (up to Family, down to Student),
cancel, and now and then come back. Family plans bring new users of their own.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpo_kit.sample.tidewell.facts import (ACQUISITION_COST, CHANNEL_MIX, CHANNELS, COUNTRIES,
                                           COUNTRY_MIX, END, FAMILY_LAUNCH, FAMILY_MIX, INCIDENT,
                                           MONTHS, PLATFORM_MIX, PLATFORMS, PRODUCTS, START, TRIAL,
                                           YEARLY_SHARE, Plan, plan)
from cpo_kit.sample.world import World

#: People who sign up by themselves at scale 1 (family members come on top).
USERS_PER_SCALE = 6000
_US = 1_000_000


@dataclass
class Households:
    """Tidewell's simulated users and households, kept together so events agree with revenue.

    Users are in the order of their signup. Per user: the index of their
    household's account (-1 for free users), an engagement level from 0 to 1,
    a preferred platform (index of ``PLATFORMS``), how many weeks a free user
    keeps coming back, and the microseconds since the epoch of their signup,
    their trial's start and their first payment (-1 when there is none).
    """

    products: pd.DataFrame
    accounts: pd.DataFrame
    users: pd.DataFrame
    mrr: pd.DataFrame
    #: accounts x months: whether the household paid for that month.
    paying: np.ndarray
    user_account: np.ndarray
    level: np.ndarray
    platform: np.ndarray
    lifespan: np.ndarray
    signup_us: np.ndarray
    trial_us: np.ndarray
    paid_us: np.ndarray


def simulate_households(world: World) -> Households:
    """Simulate who signs up, who pays for which plan when, and the revenue it makes."""
    rng = world.rng("tidewell-people")
    n = max(200, round(USERS_PER_SCALE * world.scale))
    signup = _signup_times(rng, n)
    platform = rng.choice(len(PLATFORMS), size=n, p=PLATFORM_MIX)
    channel = np.array([rng.choice(len(CHANNELS), p=CHANNEL_MIX[PLATFORMS[p]])
                        for p in platform])
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_MIX)
    level = rng.beta(2.0, 3.0, n)
    # Half the people who sign up to a consumer app never come back after the first week.
    lifespan = np.where(rng.random(n) < 0.5, 0.0, rng.exponential(14.0 * (0.5 + level)))

    # Trials: most start on the paywall of the first session, the rest weeks later.
    trials = rng.random(n) < 0.08 + 0.25 * level
    delay = np.where(rng.random(n) < 0.55, rng.uniform(60, 900, n),
                     rng.exponential(25 * 86400, n))
    trial_at = signup + pd.to_timedelta(np.where(trials, delay, np.nan), unit="s")
    trial_at = trial_at.where(trial_at <= END + pd.Timedelta(hours=23)).floor("s")
    converts = rng.random(n) < 0.42 + 0.25 * level
    paid_at = (trial_at + TRIAL).where(converts & (trial_at + TRIAL <= END))

    # Households are numbered in the order they first paid.
    owners = np.flatnonzero(paid_at.notna())
    owners = owners[np.argsort(paid_at[owners].to_numpy(), kind="stable")]
    periods = [_subscription(rng, paid_at[i]) for i in owners]
    accounts = _accounts_frame(rng, owners, periods, paid_at, channel, country)
    mrr, paying = _mrr_frame(accounts, periods)
    owner_account = np.full(n, -1)
    owner_account[owners] = np.arange(len(owners))
    members = _family_members(rng, periods, platform[owners], country[owners])

    # Everyone together, in the order of signup.
    m = len(members["signup"])
    all_signup = np.concatenate([signup.to_numpy(), members["signup"]])
    order = np.argsort(all_signup, kind="stable")
    user_account = np.concatenate([owner_account, members["account"]])[order]
    ids = np.array(uuid_strings(world.rng("tidewell-user-ids"), n + m), dtype=object)
    users = pd.DataFrame({
        "user_id": ids,
        "account_id": pd.Series(accounts["account_id"].to_numpy()[user_account]).where(
            user_account >= 0).to_numpy(),
        "signup_at": all_signup[order],
        "country": np.array(COUNTRIES)[np.concatenate([country, members["country"]])[order]],
    })
    # Family members came for the plan: engaged, and around for as long as it is paid.
    member_level = rng.beta(2.5, 2.5, m)
    return Households(
        products=PRODUCTS.copy(), accounts=accounts, users=users, mrr=mrr, paying=paying,
        user_account=user_account,
        level=np.concatenate([level, member_level])[order],
        platform=np.concatenate([platform, members["platform"]])[order],
        lifespan=np.concatenate([lifespan, np.zeros(m)])[order],
        signup_us=_micros(all_signup[order]),
        trial_us=_micros(np.concatenate([trial_at.to_numpy(), np.full(m, np.datetime64("NaT"))]
                                        )[order]),
        paid_us=_micros(np.concatenate([paid_at.to_numpy(), np.full(m, np.datetime64("NaT"))]
                                       )[order]),
    )


def uuid_strings(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` version-4 UUIDs as strings, drawn from ``rng`` so that a seed repeats them."""
    raw = rng.bytes(16 * n)
    return [str(uuid.UUID(bytes=raw[16 * i:16 * i + 16], version=4)) for i in range(n)]


def _micros(moments: np.ndarray) -> np.ndarray:
    values = np.asarray(moments, dtype="datetime64[us]")
    return np.where(np.isnat(values), -1, values.astype(np.int64))


def _signup_times(rng: np.random.Generator, n: int) -> pd.DatetimeIndex:
    days = pd.date_range(START, END, freq="D")
    years = np.arange(len(days)) / 365.0
    # Growth of about 70% a year; New Year's resolutions fill January, summer empties.
    weight = np.exp(0.53 * years)
    weight *= np.select([days.month == 1, days.month.isin([7, 8])], [1.8, 0.75], 1.0)
    weight *= np.where(days.day_of_week >= 5, 1.1, 1.0)
    day = days[rng.choice(len(days), size=n, p=weight / weight.sum())]
    # A meditation app is opened in the morning or at bedtime.
    hour = np.where(rng.random(n) < 0.4, rng.normal(7.5, 1.3, n), rng.normal(21.5, 1.4, n))
    seconds = np.clip(hour, 0.1, 23.9) * 3600 + rng.uniform(0, 60, n)
    return pd.DatetimeIndex(np.sort((day + pd.to_timedelta(seconds, unit="s")).floor("s")))


def _subscription(rng: np.random.Generator, paid_at: pd.Timestamp) -> list[tuple[int, int, Plan]]:
    """The paid periods of one household: (month index, day of month, plan) of each.

    Periods follow each other at renewals, which fall on the same day of the month
    (at most the 28th, so every month has it); a cancelled household may come back.
    """
    families = list(FAMILY_MIX)
    weights = np.array(list(FAMILY_MIX.values()))
    if paid_at < FAMILY_LAUNCH:
        weights[families.index("Family")] = 0
    family = families[rng.choice(3, p=weights / weights.sum())]
    current = plan(family, 12 if rng.random() < YEARLY_SHARE[family] else 1)
    month = (paid_at.year - START.year) * 12 + paid_at.month - 1
    day = min(paid_at.day, 28)
    last = len(MONTHS) - 1
    periods, renewals = [], 0
    while month <= last:
        periods.append((month, day, current))
        month += current.months
        renewal = MONTHS[month] if month <= last else None
        if renewal is None:
            break
        yearly = current.months == 12
        hazard = (0.42 if renewals == 0 else 0.3) if yearly else (0.12 if renewals == 0
                                                                   else 0.06)
        # The playback bug drove monthly subscribers away at their next renewals.
        if INCIDENT[0] <= renewal <= INCIDENT[1] + pd.Timedelta(days=45) and not yearly:
            hazard *= 1.6
        renewals += 1
        if rng.random() < hazard:
            if rng.random() < 0.1:  # won back a few months later, on a monthly plan
                month += int(rng.integers(2, 8))
                day = int(rng.integers(1, 29))
                current, renewals = plan(current.family, 1), 0
                continue
            break
        current = _switch(rng, current, renewal)
    return periods


def _switch(rng: np.random.Generator, current: Plan, renewal: pd.Timestamp) -> Plan:
    chance = 6.0 if current.months == 12 else 1.0
    pick = rng.random()
    if current.family == "Individual" and renewal >= FAMILY_LAUNCH and pick < 0.012 * chance:
        return plan("Family", current.months)
    if current.family == "Individual" and 0.95 < pick < 0.95 + 0.006 * chance:
        return plan("Student", current.months)
    if current.family == "Family" and pick < 0.008 * chance:
        return plan("Individual", current.months)
    return current


def _period_start(month: int, day: int) -> pd.Timestamp:
    return MONTHS[month] + pd.Timedelta(days=day - 1)


def _accounts_frame(rng, owners, periods, paid_at, channel, country) -> pd.DataFrame:
    n = len(owners)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    ids = ["acct_" + "".join(letters[rng.integers(0, 36, 12)]) for _ in range(n)]
    assert len(set(ids)) == n, "account ids must be unique"
    ends = []
    for spans in periods:
        month, day, last = spans[-1]
        stop = month + last.months
        ends.append(_period_start(stop, day) if stop < len(MONTHS) else pd.NaT)
    owner_channel = np.array(CHANNELS)[channel[owners]]
    cost = np.array([ACQUISITION_COST[c] for c in owner_channel])
    return pd.DataFrame({
        "account_id": ids,
        "name": [f"Household {i + 1:04d}" for i in range(n)],
        "segment": [spans[0][2].family for spans in periods],
        "country": np.array(COUNTRIES)[country[owners]],
        "channel": owner_channel,
        "signup_date": paid_at[owners].floor("D"),
        "churn_date": pd.DatetimeIndex(ends),
        "acquisition_cost": np.round(cost * rng.lognormal(0, 0.4, n), 2),
    })


def _mrr_frame(accounts: pd.DataFrame, periods) -> tuple[pd.DataFrame, np.ndarray]:
    months = len(MONTHS)
    paying = np.zeros((len(periods), months), dtype=bool)
    rows = []
    for a, spans in enumerate(periods):
        for month, _, current in spans:
            for m in range(month, min(month + current.months, months)):
                paying[a, m] = True
                rows.append((a, current.product_id, m, current.monthly))
    a, product, m, amount = (np.array(column) for column in zip(*rows))
    mrr = pd.DataFrame({"account_id": accounts["account_id"].to_numpy()[a],
                        "product_id": product, "month": MONTHS[m], "mrr": amount})
    return mrr.sort_values(["month", "account_id", "product_id"], ignore_index=True), paying


def _family_members(rng, periods, platform, country) -> dict[str, np.ndarray]:
    """The people a family plan adds: one to four, joining in the days after it starts."""
    account, signup = [], []
    for a, spans in enumerate(periods):
        first = next((s for s in spans if s[2].family == "Family"), None)
        if first is None:
            continue
        start = _period_start(first[0], first[1])
        for _ in range(min(4, 1 + rng.poisson(1.1))):
            at = start + pd.Timedelta(seconds=float(rng.uniform(0.05, 9) * 86400))
            if at <= END + pd.Timedelta(hours=23):
                account.append(a)
                signup.append(at.floor("s"))
    account = np.array(account, dtype=int)
    same = rng.random(len(account)) < 0.7
    return {"account": account,
            "signup": np.array(signup, dtype="datetime64[ns]"),
            "platform": np.where(same, platform[account],
                                 rng.choice(len(PLATFORMS), len(account), p=PLATFORM_MIX)),
            "country": country[account]}
