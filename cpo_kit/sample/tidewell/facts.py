"""The fixed facts of Tidewell, a consumer sleep and meditation app sold in Europe.

Everything here is a fact of the company, not of the simulation: its calendar,
its plans and prices in euros, where its users come from. The modules beside this
one turn these facts and a seed into tables.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

COMPANY = "Tidewell"
CURRENCY = "EUR"
#: The data runs to the end of November on purpose: the playbook's period ends on
#: PERIOD_END, a Sunday, so the last month counted is partial and later rows must
#: be left out by the analyses, not by the export.
START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2026-11-30")
PERIOD_END = pd.Timestamp("2026-11-22")
MONTHS = pd.date_range(START, END, freq="MS")
#: The family plan (product P2) went on sale on this day.
FAMILY_LAUNCH = pd.Timestamp("2025-03-03")
#: A playback bug, first to last day: for returning users a started meditation
#: rarely reached its end. New users' first sessions ran on a path it missed.
INCIDENT = (pd.Timestamp("2026-09-07"), pd.Timestamp("2026-09-27"))
#: Users older than this, at the moment of the event, are returning users.
RETURNING_AFTER = pd.Timedelta(days=14)
#: The share of the usual chance to finish a meditation that returning users had.
INCIDENT_FINISH_SHARE = 0.3
#: Every paid plan starts with a free trial of this length; trials earn no revenue.
TRIAL = pd.Timedelta(days=7)

PLATFORMS = ("ios", "android", "web")
PLATFORM_MIX = (0.56, 0.36, 0.08)
CHANNELS = ("app_store", "google_play", "paid_social", "influencer", "web_search")
#: How users of each platform found the app, in the order of CHANNELS: the stores
#: only bring users of their own platform.
CHANNEL_MIX = {
    "ios": (0.45, 0.0, 0.27, 0.16, 0.12),
    "android": (0.0, 0.42, 0.30, 0.14, 0.14),
    "web": (0.0, 0.0, 0.35, 0.15, 0.50),
}
#: Mean cost of winning one paying household per channel, in euros: store search
#: ads are cheap, paid social and creators are not.
ACQUISITION_COST = {"app_store": 21.0, "google_play": 17.0, "paid_social": 64.0,
                    "influencer": 47.0, "web_search": 29.0}
COUNTRIES = ("DE", "FR", "NL", "ES", "IT", "IE", "SE", "BE", "AT", "DK", "PL", "FI", "PT")
COUNTRY_MIX = (0.24, 0.15, 0.11, 0.10, 0.09, 0.06, 0.05, 0.05, 0.04, 0.03, 0.04, 0.02, 0.02)

SEGMENTS = ("Individual", "Family", "Student")

PRODUCTS = pd.DataFrame({
    "product_id": ["P1", "P2"],
    "name": ["Tidewell Premium", "Tidewell Family"],
    "launch_date": pd.to_datetime(["2022-04-04", FAMILY_LAUNCH]),
    "stage": ["growth", "introduction"],
    # After the stores' 15-30% fee, content royalties and streaming costs.
    "gross_margin": [0.64, 0.61],
    "market_growth": [0.11, 0.19],
    "relative_share": [0.18, 0.09],
})


@dataclass(frozen=True)
class Plan:
    """One plan a household can pay for.

    Parameters
    ----------
    family : str
        The plan family, one of :data:`SEGMENTS`.
    product_id : str
        The product whose revenue the plan is.
    months : int
        Months paid for at once: 1 (monthly) or 12 (yearly).
    price : float
        The price charged each time, in euros.
    """

    family: str
    product_id: str
    months: int
    price: float

    @property
    def monthly(self) -> float:
        """Recurring revenue per month: a yearly price spread evenly over its 12 months."""
        return round(self.price / self.months, 2)


PLANS = (
    Plan("Individual", "P1", 1, 9.99), Plan("Individual", "P1", 12, 59.99),
    Plan("Family", "P2", 1, 14.99), Plan("Family", "P2", 12, 89.99),
    Plan("Student", "P1", 1, 4.99), Plan("Student", "P1", 12, 29.99),
)
#: Share of new subscribers choosing each plan family, and the share of each family
#: paying yearly (the yearly price is pushed on the paywall).
FAMILY_MIX = {"Individual": 0.70, "Family": 0.18, "Student": 0.12}
YEARLY_SHARE = {"Individual": 0.55, "Family": 0.50, "Student": 0.35}


def plan(family: str, months: int) -> Plan:
    """The plan of a family and billing period."""
    return next(p for p in PLANS if p.family == family and p.months == months)
