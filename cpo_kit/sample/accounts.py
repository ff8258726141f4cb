"""Products, accounts, their users and their monthly recurring revenue."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpo_kit.sample.world import LAUNCH, MONTHS, PRICE_CHANGE, RENEWAL, SEGMENTS, START, World

ACCOUNTS_PER_SCALE = 150
#: Share of accounts that were already customers when the two years begin.
LEGACY_SHARE = 0.3

PRODUCTS = pd.DataFrame({
    "product_id": ["P1", "P2", "P3", "P4"],
    "name": ["Brightlane Core", "Reports Pro", "Automation", "Legacy Connect"],
    "launch_date": pd.to_datetime(["2019-03-01", "2021-09-15", LAUNCH, "2017-05-01"]),
    "stage": ["maturity", "growth", "introduction", "decline"],
    "gross_margin": [0.82, 0.78, 0.68, 0.55],
    "market_growth": [0.07, 0.21, 0.34, -0.06],
    "relative_share": [1.35, 0.72, 0.28, 0.45],
})

# Per segment: share of new accounts, seats at signup (low, high), monthly churn
# hazard, and the price per seat and month of the core product before/after the change.
SEGMENT_MIX = np.array([0.60, 0.29, 0.11])
SEATS = {"SMB": (3, 10), "Mid-Market": (12, 40), "Enterprise": (45, 160)}
CHURN = np.array([0.024, 0.011, 0.005])
CORE_PRICE = np.array([[32.0, 37.0], [29.0, 33.0], [24.0, 26.0]])
ADDON_PRICE = {"P2": 9.0, "P3": 12.0, "P4": 6.0}
#: Share of trial sign-ups that became customers, before and after the price change:
#: the higher price lost some teams at the moment of buying.
TRIAL_CONVERSION = (0.32, 0.25)

INDUSTRIES = ["Software", "Retail", "Logistics", "Healthcare", "Financial services",
              "Manufacturing", "Education", "Media", "Professional services"]
COUNTRIES = ["US", "GB", "DE", "FR", "NL", "CA", "AU", "SE", "ES", "IE"]
COUNTRY_WEIGHTS = [0.42, 0.14, 0.11, 0.07, 0.05, 0.07, 0.05, 0.03, 0.03, 0.03]
ROLES = ["analyst", "manager", "executive", "operations", "engineer", "marketing"]
_FIRST = ["North", "Blue", "Silver", "Oak", "River", "Bright", "Iron", "Cedar", "Summit",
          "Harbor", "Pine", "Stone", "Maple", "Falcon", "Aurora", "Copper", "Granite", "Willow",
          "Crest", "Lumen", "Vale", "Beacon", "Arbor", "Quarry"]
_SECOND = ["field", "gate", "line", "point", "works", "bridge", "stack", "path", "wave",
           "forge", "hill", "mark", "shore", "light", "ridge", "port"]
_KIND = ["Labs", "Group", "Partners", "Systems", "Logistics", "Health", "Retail", "Media",
         "Capital", "Foods", "Studio", "Analytics"]


@dataclass
class Company:
    """The simulated customers, kept together so events and surveys agree with revenue."""

    products: pd.DataFrame
    accounts: pd.DataFrame
    users: pd.DataFrame
    mrr: pd.DataFrame
    #: accounts x months: whether the account paid that month.
    paying: np.ndarray
    #: Per user: index of its account, weekly activity level, and platform preference.
    user_account: np.ndarray
    user_level: np.ndarray
    user_platform: np.ndarray


def simulate_accounts(world: World) -> Company:
    """Simulate accounts month by month: signups, churn, reactivation, seats and revenue."""
    rng = world.rng("accounts")
    n = max(12, round(ACCOUNTS_PER_SCALE * world.scale))
    segment = rng.choice(3, size=n, p=SEGMENT_MIX)
    signup = _signup_dates(rng, n)
    seats = np.array([rng.integers(*SEATS[SEGMENTS[s]], endpoint=True) for s in segment],
                     dtype=float)

    months = len(MONTHS)
    month_end = MONTHS + pd.offsets.MonthEnd(0)
    joined = signup.values[:, None] <= month_end.values[None, :]
    paying = np.zeros((n, months), dtype=bool)
    seat_history = np.zeros((n, months))
    churned_at = np.full(n, -1)
    state = np.zeros(n, dtype=bool)
    for m in range(months):
        hazard = CHURN[segment].copy()
        # The price change cost some small customers at their renewal.
        if MONTHS[m] in (RENEWAL, RENEWAL + pd.offsets.MonthBegin(1)):
            hazard[segment == 0] *= 2.2
        new = joined[:, m] & ~state & (churned_at == -1)
        churn = state & (rng.random(n) < hazard)
        back = (~state & (churned_at >= 0) & (m - churned_at >= 2) & (m - churned_at <= 9)
                & (rng.random(n) < 0.035))
        state = (state | new) & ~churn | back
        churned_at[churn] = m
        churned_at[back] = -2  # neither new nor churned: it may churn again later
        grow = state & (rng.random(n) < 0.035)
        shrink = state & ~grow & (rng.random(n) < 0.015)
        seats[grow] *= 1 + rng.uniform(0.1, 0.35, grow.sum())
        seats[shrink] *= 1 - rng.uniform(0.1, 0.3, shrink.sum())
        seats = np.maximum(seats, 1)
        paying[:, m] = state
        seat_history[:, m] = np.round(seats)

    accounts = _accounts_frame(rng, n, segment, signup, paying)
    mrr = _mrr_frame(world, accounts, segment, signup, paying, seat_history)
    users, user_account = _users_frame(world, accounts, seat_history, paying)
    urng = world.rng("user-traits")
    level = urng.beta(2.0, 3.5, len(users)) * np.where(
        segment[user_account] == 0, 1.15, 1.0)
    platform = urng.choice(4, size=len(users), p=[0.68, 0.12, 0.12, 0.08])
    return Company(PRODUCTS.copy(), accounts, users, mrr, paying, user_account, level, platform)


def _signup_dates(rng: np.random.Generator, n: int) -> pd.DatetimeIndex:
    legacy = rng.random(n) < LEGACY_SHARE
    days = pd.date_range(START, MONTHS[-1] + pd.offsets.MonthEnd(0), freq="D")
    t = np.arange(len(days)) / len(days)
    # Growth of about 60% a year, fewer signups in August and December.
    weight = np.exp(0.95 * t) * np.where(days.month.isin([8, 12]), 0.7, 1.0)
    weight *= np.where(days.day_of_week >= 5, 0.25, 1.0)
    picked = days[rng.choice(len(days), size=n, p=weight / weight.sum())]
    old = pd.Timestamp("2021-01-04") + pd.to_timedelta(
        rng.integers(0, (START - pd.Timestamp("2021-01-04")).days, n), unit="D")
    return pd.DatetimeIndex(np.where(legacy, old, picked)).sort_values()


def _accounts_frame(rng, n, segment, signup, paying) -> pd.DataFrame:
    names = _names(rng, n)
    channel_p = {0: [0.45, 0.35, 0.05, 0.05, 0.10], 1: [0.25, 0.25, 0.15, 0.25, 0.10],
                 2: [0.10, 0.05, 0.25, 0.55, 0.05]}
    channels = np.array(["organic", "paid", "partner", "outbound", "referral"])
    channel = np.array([channels[rng.choice(5, p=channel_p[s])] for s in segment])
    cac_mean = np.array([1800.0, 11000.0, 52000.0])[segment]
    cac = np.round(cac_mean * rng.lognormal(0, 0.35, n), 2)
    last = np.where(paying.any(axis=1), paying.shape[1] - 1 - np.argmax(paying[:, ::-1], 1), -1)
    ended = paying.any(axis=1) & (last < paying.shape[1] - 1)
    churn_month = MONTHS[np.clip(last + 1, 0, paying.shape[1] - 1)]
    churn_day = churn_month + pd.to_timedelta(rng.integers(0, 27, n), unit="D")
    churn_date = pd.Series(churn_day).where(ended)
    return pd.DataFrame({
        "account_id": [f"A{i + 1:05d}" for i in range(n)],
        "name": names,
        "segment": np.array(SEGMENTS)[segment],
        "industry": rng.choice(INDUSTRIES, size=n),
        "country": rng.choice(COUNTRIES, size=n, p=COUNTRY_WEIGHTS),
        "channel": channel,
        "signup_date": signup,
        "churn_date": churn_date.dt.floor("D"),
        "acquisition_cost": cac,
    })


def trial_accounts(world: World, accounts: pd.DataFrame) -> pd.DataFrame:
    """Accounts that signed up for a trial in the two years and never paid.

    Each customer who signed up in the two years stands for a few lost trials of
    the same segment around the same days: as many as a trial conversion of
    :data:`TRIAL_CONVERSION` implies, drawn at random.
    """
    rng = world.rng("trials")
    won = accounts[accounts["signup_date"] >= START]
    rate = np.where(won["signup_date"] >= PRICE_CHANGE, *TRIAL_CONVERSION[::-1])
    # Failures before the first success: on average (1 - rate) / rate lost trials each.
    lost = rng.negative_binomial(1, rate)
    like = won.loc[won.index.repeat(lost)]
    n = len(like)
    offset = pd.to_timedelta(rng.integers(-20, 21, n), unit="D")
    signup = (like["signup_date"] + offset).clip(START, MONTHS[-1] + pd.offsets.MonthEnd(0))
    first = len(accounts) + 1
    return pd.DataFrame({
        "account_id": [f"A{first + i:05d}" for i in range(n)],
        "name": _names(rng, n, taken=set(accounts["name"])),
        "segment": like["segment"].to_numpy(),
        "industry": rng.choice(INDUSTRIES, size=n),
        "country": rng.choice(COUNTRIES, size=n, p=COUNTRY_WEIGHTS),
        "channel": like["channel"].to_numpy(),
        "signup_date": signup.to_numpy(),
        "churn_date": pd.NaT,
        "acquisition_cost": np.nan,
    })


def _names(rng, n, taken: set[str] = frozenset()) -> list[str]:
    seen: set[str] = set(taken)
    names = []
    for _ in range(n):
        base = (f"{rng.choice(_FIRST)}{rng.choice(_SECOND)} {rng.choice(_KIND)}")
        name, k = base, 2
        while name in seen:
            name, k = f"{base} {k}", k + 1
        seen.add(name)
        names.append(name)
    return names


def _mrr_frame(world, accounts, segment, signup, paying, seats) -> pd.DataFrame:
    rng = world.rng("mrr")
    n, months = paying.shape
    after_change = np.asarray(signup >= PRICE_CHANGE)
    renewed = np.asarray(MONTHS >= RENEWAL)
    price = np.where(after_change[:, None] | renewed[None, :],
                     CORE_PRICE[segment, 1][:, None], CORE_PRICE[segment, 0][:, None])
    # Enterprise deals carry a negotiated discount of their own.
    discount = np.where(segment == 2, rng.uniform(0.0, 0.2, n), 0.0)[:, None]
    parts = [("P1", paying, seats * price * (1 - discount))]
    # Add-ons: adopted at some month, kept while the account pays, dropped now and then.
    launch = int(np.searchsorted(MONTHS, LAUNCH))
    for product, start, rate in (("P2", 0, 0.025), ("P3", launch, 0.0)):
        has = np.zeros((n, months), dtype=bool)
        current = np.zeros(n, dtype=bool)
        for m in range(start, months):
            if product == "P3":  # an S-curve of adoption after launch
                rate = 0.09 / (1 + np.exp(-(m - launch - 5) / 2.0))
            boost = np.where(segment == 2, 1.8, 1.0)
            adopt = paying[:, m] & ~current & (rng.random(n) < rate * boost)
            drop = current & (rng.random(n) < 0.02)
            current = (current | adopt) & ~drop & paying[:, m]
            has[:, m] = current
        share = np.where(segment == 2, 0.5, 1.0)[:, None]
        parts.append((product, has, np.round(seats * share) * ADDON_PRICE[product]))
    legacy = np.asarray(signup < START) & (rng.random(n) < 0.35)
    fading = legacy[:, None] & (np.cumsum(rng.random((n, months)) < 0.03, axis=1) == 0)
    parts.append(("P4", fading & paying, np.round(seats * 0.5) * ADDON_PRICE["P4"]))

    frames = []
    for product, has, amount in parts:
        a, m = np.nonzero(has)
        frames.append(pd.DataFrame({
            "account_id": accounts["account_id"].to_numpy()[a],
            "product_id": product,
            "month": MONTHS[m],
            "mrr": np.round(amount[a, m], 2),
        }))
    mrr = pd.concat(frames, ignore_index=True)
    mrr = mrr[mrr["mrr"] > 0]
    return mrr.sort_values(["month", "account_id", "product_id"], ignore_index=True)


def _users_frame(world, accounts, seats, paying) -> tuple[pd.DataFrame, np.ndarray]:
    rng = world.rng("users")
    n, months = paying.shape
    peak = np.maximum(seats.max(axis=1), 1).astype(int)
    owner = np.repeat(np.arange(n), peak)
    order = np.concatenate([np.arange(k) for k in peak])
    signup = accounts["signup_date"].to_numpy()[owner]
    first_paid = np.argmax(paying, axis=1)
    last_paid = months - 1 - np.argmax(paying[:, ::-1], axis=1)
    life_days = ((MONTHS[last_paid] - MONTHS[first_paid]).days.to_numpy() + 28)[owner]
    # The first seats join in the first days; later seats join over the account's life.
    initial = order < np.maximum(peak[owner] * 0.6, 1)
    offset = np.where(initial, rng.uniform(0, 6, len(owner)),
                      rng.uniform(0.2, 0.9, len(owner)) * life_days)
    start = np.maximum(signup, START.to_datetime64() - np.timedelta64(800, "D"))
    at = pd.to_datetime(start) + pd.to_timedelta(offset * 86400 + rng.uniform(
        8 * 3600, 18 * 3600, len(owner)), unit="s")
    # Nobody joins an account after it stopped paying, nor after the two years end.
    last_day = (MONTHS[last_paid] + pd.offsets.MonthEnd(0)).to_numpy()[owner]
    at = pd.DatetimeIndex(np.minimum(at.to_numpy(), last_day + np.timedelta64(8, "h")))
    at = at - pd.to_timedelta(np.where(at.to_numpy() >= last_day, rng.uniform(
        0, 20 * 86400, len(owner)), 0), unit="s")
    at = at.floor("s")
    users = pd.DataFrame({
        "user_id": [f"U{i + 1:07d}" for i in range(len(owner))],
        "account_id": accounts["account_id"].to_numpy()[owner],
        "signup_at": at,
        "role": rng.choice(ROLES, size=len(owner), p=[0.3, 0.25, 0.07, 0.18, 0.1, 0.1]),
        "country": accounts["country"].to_numpy()[owner],
    })
    return users, owner
