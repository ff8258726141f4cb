"""Stripe's subscriptions as monthly recurring revenue: the definitions, as code.

:mod:`~cpo_kit.inputs.importers.stripe` reads the export into the objects here
(:class:`Subscription`, :class:`Item`, :class:`Discount`, :class:`Invoice`) and states
the rules in words; this module applies them: each subscription is looked at once a
month, at the month's end, and what it is worth then is written in the reporting
currency. Money is kept as exact fractions of the currency's minor unit until the
row is rounded, so a yearly price spread over twelve months, a discount and a rate
add no rounding of their own.

Part of :mod:`cpo_kit.inputs.importers`: imports Babel and dateutil, nothing of cpo_kit.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import get_currency_precision
from dateutil.relativedelta import relativedelta

#: Months one interval of each unit is worth: a price is divided by this (times the
#: interval count) to be a monthly amount. A year has 52 weeks and 365 days.
MONTHS = {"day": Fraction(12, 365), "week": Fraction(12, 52), "month": Fraction(1),
          "year": Fraction(12)}
#: Where Stripe's minor unit is not the one ISO 4217 (and Babel) gives: Stripe keeps
#: the Icelandic krona a two-decimal currency in its API (100 is one krona).
STRIPE_DECIMALS = {"ISK": 2}
#: Invoice statuses that mean the period was billed and not paid.
NOT_PAID = ("open", "uncollectible", "void")
#: Subscription statuses that mean the current period is not paid.
BEHIND = ("past_due", "unpaid", "paused")
#: Statuses of a subscription whose first invoice was never paid: it never started.
NEVER_STARTED = ("incomplete", "incomplete_expired")

#: Why a subscription, or a subscription-month, brought no MRR, in the summary's order.
NEVER = "subscriptions never started (incomplete: their first invoice was never paid)"
TRIAL = "subscription-months in a free trial (no MRR until the trial ends)"
UNPAID = ("subscription-months not paid (their invoice open, uncollectible or void, or "
          "the subscription past_due, unpaid or paused)")
FREE = "subscription-months free of charge (a price of 0 or a 100% discount)"


def decimals(currency: str) -> int:
    """Digits after the point of ``currency``'s minor unit, as Stripe counts them."""
    return STRIPE_DECIMALS.get(currency, get_currency_precision(currency))


@dataclass(frozen=True)
class Discount:
    """A coupon applied from ``start`` until ``end`` (None: for good).

    ``amount_off`` is in the minor unit of the subscription's currency and is taken
    off each invoice, so off each billing period.
    """

    percent_off: Fraction = Fraction(0)
    amount_off: Fraction = Fraction(0)
    start: datetime | None = None
    end: datetime | None = None

    def applies(self, at: datetime) -> bool:
        """Whether the discount is running at ``at``."""
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)


@dataclass(frozen=True)
class Item:
    """One price of a subscription: ``amount`` (minor unit) per unit per interval."""

    product: str
    plan: str
    amount: Fraction
    quantity: Fraction
    interval: str
    count: int
    discounts: tuple[Discount, ...] = ()

    @property
    def per_month(self) -> Fraction:
        """What one billing period is multiplied by to be a month."""
        return 1 / (MONTHS[self.interval] * self.count)

    def period_after(self, start: datetime) -> datetime:
        """The end of the billing period that starts at ``start``."""
        if self.interval in ("month", "year"):
            months = self.count * (12 if self.interval == "year" else 1)
            return start + relativedelta(months=months)
        return start + timedelta(days=self.count * (7 if self.interval == "week" else 1))


@dataclass(frozen=True)
class Subscription:
    """A subscription as the rules need it; ``end`` is when it stops counting."""

    id: str
    customer: str
    status: str
    currency: str
    start: datetime
    items: tuple[Item, ...]
    discounts: tuple[Discount, ...] = ()
    end: datetime | None = None
    trial_end: datetime | None = None
    period_start: datetime | None = None


@dataclass(frozen=True)
class Invoice:
    """A subscription's invoice: when it was made and how it stands."""

    subscription: str
    created: datetime
    status: str


@dataclass
class Revenue:
    """What the subscriptions were worth: MRR by (account, product, month), and why not."""

    rows: dict[tuple[str, str, date], Fraction] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    #: The plan of each account's first subscription that brought MRR.
    plans: dict[str, str] = field(default_factory=dict)


def month_ends(first: datetime, as_of: datetime) -> list[tuple[date, datetime]]:
    """Each month from ``first``'s to ``as_of``'s: its first day and the time it is measured.

    A month is measured at its last second (23:59:59 UTC on its last day); the month
    of ``as_of``, which the export does not cover to its end, at ``as_of``.
    """
    out = []
    month = date(first.year, first.month, 1)
    while month <= as_of.date():
        following = month + relativedelta(months=1)
        closing = datetime.combine(following, datetime.min.time()) - timedelta(seconds=1)
        out.append((month, min(closing, as_of)))
        month = following
    return out


def monthly_revenue(subscriptions: list[Subscription], invoices: list[Invoice], *,
                    as_of: datetime, rates: dict[str, Fraction]) -> Revenue:
    """MRR of each account, product and month, in the reporting currency.

    Parameters
    ----------
    subscriptions : list of Subscription
        Every subscription of the export, those never started included (they are
        tallied, not counted).
    invoices : list of Invoice
        The subscriptions' invoices; a month whose invoice is not paid brings nothing.
    as_of : datetime
        The export's latest time (UTC): its month is the last one measured.
    rates : dict
        Units of the reporting currency per unit (major) of each currency the
        subscriptions are in, the reporting currency's own at 1.

    Returns
    -------
    Revenue
        MRR rows (exact, unrounded, in major units), the subscription-months that
        brought none and why, and each account's first paid plan.
    """
    revenue = Revenue()
    billed: dict[str, list[Invoice]] = {}
    for invoice in sorted(invoices, key=lambda i: i.created):
        billed.setdefault(invoice.subscription, []).append(invoice)
    started = [s for s in subscriptions if s.status not in NEVER_STARTED]
    revenue.dropped[NEVER] = len(subscriptions) - len(started)
    # A subscription of metered or tiered prices only has no item left: the reader
    # tallied those items.
    for sub in sorted((s for s in started if s.items), key=lambda s: (s.start, s.id)):
        unit = rates[sub.currency] / 10 ** decimals(sub.currency)
        for month, at in month_ends(sub.start, as_of):
            if at < sub.start:
                continue
            if sub.end is not None and at >= sub.end:
                break
            why = _why_not(sub, at, billed.get(sub.id, []), as_of=as_of)
            worth = {} if why else _worth(sub, at)
            if not why and not any(worth.values()):
                why = FREE
            if why:
                revenue.dropped[why] += 1
                continue
            revenue.plans.setdefault(sub.customer, sub.items[0].plan)
            for product, amount in worth.items():
                key = (sub.customer, product, month)
                revenue.rows[key] = revenue.rows.get(key, Fraction(0)) + amount * unit
    revenue.rows = {k: v for k, v in revenue.rows.items() if v > 0}
    revenue.dropped = Counter({why: revenue.dropped[why] for why in (NEVER, TRIAL, UNPAID,
                                                                      FREE)})
    return revenue


def _why_not(sub: Subscription, at: datetime, invoices: list[Invoice], *, as_of: datetime
             ) -> str | None:
    """Why ``sub`` brings no MRR at ``at`` (a trial, an unpaid period), or None."""
    # Its status is the export's: it says how the current period stands (the last
    # month's, when the export does not say when that period started).
    current = at >= sub.period_start if sub.period_start is not None else at == as_of
    if sub.trial_end is not None and at < sub.trial_end:
        return TRIAL
    if sub.status == "trialing" and sub.trial_end is None and current:
        return TRIAL
    # The month's invoice is the latest one made at or before the moment measured:
    # Stripe invoices a period at its start.
    made = bisect.bisect_right([i.created for i in invoices], at)
    if made and invoices[made - 1].status in NOT_PAID:
        return UNPAID
    if sub.status in BEHIND and current:
        return UNPAID
    return None


def _worth(sub: Subscription, at: datetime) -> dict[str, Fraction]:
    """Each product's MRR in ``sub`` at ``at``, in the minor unit of its currency.

    Percentages are taken off first, then amounts; an amount off the whole subscription
    is shared among its items by their price; nothing goes below zero.
    """
    gross = [item.amount * item.quantity * item.per_month for item in sub.items]
    total = sum(gross, Fraction(0))
    shared = [d for d in sub.discounts if d.applies(at)]
    worth: dict[str, Fraction] = {}
    for item, price in zip(sub.items, gross):
        own = [d for d in item.discounts if d.applies(at)]
        net = price
        for discount in shared + own:
            net *= 1 - discount.percent_off / 100
        net -= sum((d.amount_off for d in own), Fraction(0)) * item.per_month
        if total:
            net -= (sum((d.amount_off for d in shared), Fraction(0)) * item.per_month
                    * price / total)
        worth[item.product] = worth.get(item.product, Fraction(0)) + max(net, Fraction(0))
    return worth


def rounded(amount: Fraction, currency: str) -> float:
    """``amount`` rounded to ``currency``'s minor unit, half up, as the table holds it."""
    exact = Decimal(amount.numerator) / Decimal(amount.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-decimals(currency)), ROUND_HALF_UP))
