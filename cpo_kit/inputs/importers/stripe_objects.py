"""Stripe's customers, subscriptions and invoices, from the API's JSON or the Dashboard's CSV.

Each record is read into the objects of :mod:`~cpo_kit.inputs.importers.stripe_mrr`,
checked field by field: a value the rules cannot use is refused with its file, line
and field. Which field of which format becomes what is stated in
:mod:`~cpo_kit.inputs.importers.stripe`'s docstring.

Part of :mod:`cpo_kit.inputs.importers`: imports :mod:`cpo_kit.core` and the modules
of this folder before it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path

from babel.numbers import is_currency
from dateutil.relativedelta import relativedelta

from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import find_export
from cpo_kit.inputs.importers.stripe_files import (Record, Table, epoch, number, read_table,
                                                   written_time)
from cpo_kit.inputs.importers.stripe_mrr import (MONTHS, Discount, Invoice, Item, Subscription,
                                                 decimals)

TOOL = "Stripe"
STATUSES = ("incomplete", "incomplete_expired", "trialing", "active", "past_due", "canceled",
            "unpaid", "paused")
INVOICE_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
METERED = "subscription items with metered prices (usage, not recurring revenue)"
TIERED = ("subscription items with tiered prices (an amount per tier, which this import "
          "does not read)")
#: What each API object must have, and what it holds, for the message when it has not.
NEEDED = {"customer": {"id": "its id", "created": "when it was made"},
          "subscription": {"id": "its id", "customer": "the customer who pays",
                           "status": "where it stands", "items": "its prices"},
          "invoice": {"id": "its id", "status": "whether it is paid",
                      "created": "when it was made"}}
#: What each Dashboard export must have.
NEEDED_CSV = {"customers": {"id": "the customer's id", "Created (UTC)": "when it was made"},
              "subscriptions": {"id": "the subscription's id",
                                "Customer ID": "the customer who pays",
                                "Status": "where it stands", "Plan": "the plan",
                                "Currency": "its currency", "Amount": "the price of one unit",
                                "Interval": "how often it bills"},
              "invoices": {"id": "the invoice's id", "Subscription": "what it bills",
                           "Status": "whether it is paid", "Date (UTC)": "when it was made"}}
#: The Dashboard's column of a subscription's start, newest name first.
CSV_STARTS = ("Start Date (UTC)", "Start (UTC)", "Created (UTC)")


@dataclass(frozen=True)
class Customer:
    """A customer: who, since when, where; and the discount of all their subscriptions."""

    id: str
    name: str
    created: datetime
    country: str | None = None
    #: The customer's record when it has a discount, read for each subscription it
    #: applies to (its currency and billing period).
    discounted: Record | None = None


@dataclass
class Export:
    """What the export holds, read and checked."""

    customers: dict[str, Customer]
    #: Each subscription with its record, for refusals that come later (its currency).
    subscriptions: list[tuple[Subscription, Record]]
    invoices: list[Invoice]
    #: The latest time the export records as past: its last month is measured then.
    latest: datetime
    #: Files read, by table, for messages.
    files: dict[str, str] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)
    #: Dashboard subscriptions naming a coupon whose terms the export does not give.
    coupons_unread: int = 0
    invoiced: bool = True


def read_export(folder: Path) -> Export:
    """Read the export in ``folder``: its customers, subscriptions and (maybe) invoices."""
    if folder.is_file():
        raise DataError([DataProblem(str(folder), "is a file: a Stripe export is a folder of "
                                     "its customers, subscriptions and invoices files")])
    tables, files = {}, {}
    for name in ("customers", "subscriptions", "invoices"):
        if name == "invoices" and folder.is_dir() and not any(
                p.name.split(".")[0] == name for p in folder.iterdir()):
            continue
        export = find_export(folder, formats=("csv", "jsonl"), tool=TOOL, name=name)
        tables[name] = (export.format, [read_table(f, export.format) for f in export.files])
        files[name] = ", ".join(f.name for f in export.files)
    times: list[datetime] = []
    out = Export({}, [], [], datetime.min, files, invoiced="invoices" in tables)
    csv = tables["customers"][0] == "csv"
    for record in _records(tables["customers"], "customers"):
        customer = (_csv_customer if csv else _api_customer)(record)
        if customer.id in out.customers:
            raise record.refuse("id", customer.id, "is a customer given twice")
        out.customers[customer.id] = customer
        times.append(customer.created)
    seen = set()
    csv = tables["subscriptions"][0] == "csv"
    for record in _records(tables["subscriptions"], "subscriptions"):
        sub, past = (_csv_subscription if csv else _api_subscription)(record, out)
        if sub.id in seen:
            raise record.refuse("id", sub.id, "is a subscription given twice")
        seen.add(sub.id)
        out.subscriptions.append((sub, record))
        times += past
    if not out.subscriptions:
        raise DataError([DataProblem(str(folder), "has no subscriptions",
                                     expected="the subscriptions of the Stripe account")])
    if "invoices" in tables:
        csv = tables["invoices"][0] == "csv"
        for record in _records(tables["invoices"], "invoices"):
            invoice = (_csv_invoice if csv else _api_invoice)(record)
            if invoice is not None:
                out.invoices.append(invoice)
                times.append(invoice.created)
    out.latest = max(times)
    return out


def _records(table: tuple[str, list[Table]], name: str) -> list[Record]:
    fmt, parts = table
    out = []
    for part in parts:
        if fmt == "csv":
            missing = [c for c in NEEDED_CSV[name] if c not in part.columns]
            if name == "subscriptions" and not set(CSV_STARTS) & set(part.columns):
                missing.append(CSV_STARTS[0])
            if missing:
                what = NEEDED_CSV[name].get(missing[0], "when it started")
                raise DataError([DataProblem(
                    str(part.file),
                    f"has no column {missing[0]!r} ({what}), which Stripe's Dashboard "
                    f"export of {name} has: is it another tool's export?",
                    found=", ".join(part.columns[:12]))])
        out += part.records
    return out


def _check(record: Record, kind: str) -> None:
    """Refuse an object of another kind, or without a field every such object has."""
    found = record.get("object")
    if found is not None and found != kind:
        raise record.refuse("object", found, f"is not a {kind}",
                            expected=f"Stripe's {kind} objects, as its API lists them")
    for name, what in NEEDED[kind].items():
        if record.get(name) is None and not (name == "items" and record.get("plan")):
            raise DataError([DataProblem(
                str(record.file), f"has no field {name!r} ({what}), which every Stripe "
                f"{kind} has: is it another tool's export?", row=record.line,
                found=", ".join(sorted(record.data)[:12]) or "no fields")])


def _text(record: Record, field: str) -> str | None:
    value = record.get(field)
    if isinstance(value, dict):  # an expanded object: its id
        value = value.get("id")
    value = None if value is None else str(value).strip()
    return value or None


# Customers ------------------------------------------------------------------

def _api_customer(record: Record) -> Customer:
    _check(record, "customer")
    cid = _text(record, "id")
    name = _text(record, "name") or _text(record, "email") or cid
    discounted = record if isinstance(record.get("discount"), dict) else None
    return Customer(cid, name, epoch(record, "created"), _text(record, "address.country"),
                    discounted)


def _csv_customer(record: Record) -> Customer:
    cid = _text(record, "id")
    if cid is None:
        raise record.refuse("id", "", "a customer has no id")
    created = written_time(record, "Created (UTC)")
    if created is None:
        raise record.refuse("Created (UTC)", "", "a customer has no creation time",
                            expected="a date and time such as 2026-01-31 14:05")
    name = _text(record, "Name") or _text(record, "Email") or cid
    return Customer(cid, name, created, _text(record, "Address Country"))


# Subscriptions --------------------------------------------------------------

def _api_subscription(record: Record, export: Export) -> tuple[Subscription, list[datetime]]:
    _check(record, "subscription")
    status = _status(record, "status", STATUSES)
    customer = _customer(record, "customer", export)
    listed = record.get("items.data")
    if listed is None:  # an API version before subscription items: one plan, at the top
        items_at = [""]
    elif not isinstance(listed, list):
        raise record.refuse("items.data", listed, "is not a list of subscription items")
    else:
        items_at = [f"items.data.{i}." for i in range(len(listed))]
    currency = _currency(record, "currency", record.get("currency") or next(
        (record.get(f"{at}price.currency") or record.get(f"{at}plan.currency")
         for at in items_at), None))
    items = []
    for at in items_at:
        item = _api_item(record, at, currency, export.dropped)
        if item is not None:
            items.append(item)
    periods = [epoch(record, f"{at}current_period_start") for at in items_at]
    period_start = epoch(record, "current_period_start") or max(
        (p for p in periods if p), default=None)
    ends = [epoch(record, f"{at}current_period_end") for at in items_at]
    period_end = epoch(record, "current_period_end") or max((p for p in ends if p),
                                                            default=None)
    start = epoch(record, "start_date") or epoch(record, "created")
    if start is None:
        raise record.refuse("start_date", None, "a subscription has no start",
                            expected="start_date, the time it started")
    discounts = _api_discounts(record, "", currency, items)
    payer = export.customers[customer].discounted
    if payer is not None and not discounts and not any(i.discounts for i in items):
        # A customer's discount applies to those of their subscriptions without their own.
        discounts = (_discount(payer, "discount", currency, items),)
    times = {name: epoch(record, name) for name in ("ended_at", "canceled_at", "cancel_at",
                                                    "trial_start", "trial_end", "created")}
    end = _end(record, status, times, period_end,
               record.get("cancel_at_period_end") is True)
    sub = Subscription(_text(record, "id"), customer, status, currency, start, tuple(items),
                       discounts, end, times["trial_end"], period_start)
    past = [t for t in (start, period_start, times["ended_at"], times["canceled_at"],
                        times["trial_start"], times["created"]) if t is not None]
    return sub, past


def _api_item(record: Record, at: str, currency: str, dropped: Counter) -> Item | None:
    """One subscription item (a price and a quantity); None for usage-based prices."""
    key = f"{at}price" if isinstance(record.get(f"{at}price"), dict) else f"{at}plan"
    if not isinstance(record.get(key), dict):
        raise record.refuse(key, record.get(key), "is not a price object",
                            expected="the item's price, as the API lists subscriptions")
    recurring = f"{key}.recurring" if record.get(f"{key}.recurring") else key
    if record.get(f"{recurring}.usage_type") == "metered":
        dropped[METERED] += 1
        return None
    interval = record.get(f"{recurring}.interval")
    if interval not in MONTHS:
        raise record.refuse(f"{recurring}.interval", interval, "is not a billing interval",
                            expected="day, week, month or year")
    count = number(record, f"{recurring}.interval_count", default=Fraction(1),
                   what="an interval count", whole=True)
    if count < 1:
        raise record.refuse(f"{recurring}.interval_count", count, "is not an interval count",
                            expected="a whole number at least 1")
    amount = None
    for name, whole in (("unit_amount_decimal", False), ("unit_amount", True),
                        ("amount_decimal", False), ("amount", True)):
        if record.get(f"{key}.{name}") is not None:
            amount = number(record, f"{key}.{name}", what="an amount in the minor unit",
                            whole=whole)
            break
    if amount is None:
        if record.get(f"{key}.billing_scheme") == "tiered":
            dropped[TIERED] += 1
            return None
        raise record.refuse(f"{key}.unit_amount", None, "a price has no amount",
                            expected="unit_amount, in the currency's minor unit")
    own = record.get(f"{key}.currency")
    if own is not None and str(own).upper() != currency:
        raise record.refuse(f"{key}.currency", own, "is not the subscription's currency",
                            expected=currency.lower())
    product = _text(record, f"{key}.product") or _text(record, f"{key}.id")
    plan = (_text(record, f"{key}.nickname") or _text(record, f"{key}.product.name")
            or product)
    quantity = number(record, f"{at}quantity", default=Fraction(1), what="a quantity",
                      whole=True)
    item = Item(product, plan, amount, quantity, interval, int(count))
    # The older single plan sits at the top: its discounts are the subscription's.
    return Item(product, plan, amount, quantity, interval, int(count),
                _api_discounts(record, at, currency, [item]) if at else ())


def _api_discounts(record: Record, at: str, currency: str, items: list[Item]
                   ) -> tuple[Discount, ...]:
    """The discounts of a subscription (``at`` empty) or of one item: expanded objects."""
    single = record.get(f"{at}discount")
    listed = record.get(f"{at}discounts") or []
    shown = [(f"{at}discounts.{i}", d) for i, d in enumerate(listed) if isinstance(d, dict)]
    ids = [d for d in listed if isinstance(d, str)]
    if not shown and isinstance(single, dict):
        shown = [(f"{at}discount", single)]
    if len(ids) > len(shown):
        raise record.refuse(f"{at}discounts", ids[0], "is a discount's id, not the discount",
                            expected="the discount object: list the subscriptions with "
                                     "expand[]=data.discounts")
    return tuple(_discount(record, name, currency, items) for name, _ in shown)


def _discount(record: Record, at: str, currency: str, items: list[Item]) -> Discount:
    """One discount; a coupon for one invoice ends with the billing period it starts in."""
    coupon = f"{at}.coupon" if record.get(f"{at}.coupon") is not None else f"{at}.source.coupon"
    if not isinstance(record.get(coupon), dict):
        raise record.refuse(coupon, record.get(coupon), "is a coupon's id, not the coupon",
                            expected="the coupon object: list the subscriptions with "
                                     "expand[]=data.discounts.source.coupon")
    percent = number(record, f"{coupon}.percent_off", default=Fraction(0),
                     what="a percentage")
    if percent > 100:
        raise record.refuse(f"{coupon}.percent_off", record.get(f"{coupon}.percent_off"),
                            "is not a percentage", expected="a number from 0 to 100")
    amount_at = f"{coupon}.amount_off"
    own = record.get(f"{coupon}.currency")
    if record.get(amount_at) and own is not None and str(own).upper() != currency:
        # A coupon of another currency applies in this one by its amount for it, if any.
        amount_at = f"{coupon}.currency_options.{currency.lower()}.amount_off"
        if record.get(amount_at) is None:
            raise record.refuse(f"{coupon}.currency", own, "is not the subscription's "
                                "currency, and the coupon has no amount in it",
                                expected=currency.lower())
    amount = number(record, amount_at, default=Fraction(0),
                    what="an amount in the minor unit", whole=True)
    start, end = epoch(record, f"{at}.start"), epoch(record, f"{at}.end")
    if end is None and start is not None and items:
        if record.get(f"{coupon}.duration") == "once":
            end = items[0].period_after(start)
        elif record.get(f"{coupon}.duration") == "repeating":
            months = number(record, f"{coupon}.duration_in_months", what="a quantity",
                            whole=True)
            end = start + relativedelta(months=int(months)) if months else None
    return Discount(percent, amount, start, end)


def _end(record: Record, status: str, times: dict, period_end: datetime | None,
         at_period_end: bool) -> datetime | None:
    """When a subscription stops counting: it ended, or is set to end (None: it goes on)."""
    end = times["ended_at"]
    if end is None and status in ("canceled", "incomplete_expired"):
        end = times["canceled_at"]
        if end is None and status == "canceled":
            raise record.refuse("ended_at", None, "a canceled subscription has no end",
                                expected="ended_at, the time it ended")
    if end is None:
        end = times["cancel_at"]
    if end is None and at_period_end:
        end = period_end
    return end


def _csv_subscription(record: Record, export: Export) -> tuple[Subscription, list[datetime]]:
    status = _status(record, "Status", STATUSES)
    customer = _customer(record, "Customer ID", export)
    currency = _currency(record, "Currency", record.get("Currency"))
    interval = (record.get("Interval") or "").strip().lower()
    if interval not in MONTHS:
        raise record.refuse("Interval", interval, "is not a billing interval",
                            expected="day, week, month or year")
    count = number(record, "Interval Count", default=Fraction(1), what="an interval count",
                   whole=True)
    price = number(record, "Amount", what="an amount")
    if price is None:
        raise record.refuse("Amount", "", "a subscription has no amount",
                            expected="the price of one unit, such as 49.00")
    plan = _text(record, "Plan")
    item = Item(_text(record, "Product") or plan, plan or "", price * 10 ** decimals(currency),
                number(record, "Quantity", default=Fraction(1), what="a quantity", whole=True),
                interval, max(int(count), 1))
    export.coupons_unread += bool(_text(record, "Coupon"))
    times = {name: written_time(record, f"{column} (UTC)") for name, column in (
        ("ended_at", "Ended At"), ("canceled_at", "Canceled At"), ("cancel_at", "Cancel At"),
        ("trial_start", "Trial Start"), ("trial_end", "Trial End"), ("created", "Created"),
        ("period_start", "Current Period Start"), ("period_end", "Current Period End"))}
    start = next((t for t in (written_time(record, c) for c in CSV_STARTS) if t), None)
    if start is None:
        raise record.refuse(CSV_STARTS[0], "", "a subscription has no start",
                            expected="a date and time such as 2026-01-31 14:05")
    at_period_end = (record.get("Cancel At Period End") or "").strip().lower() == "true"
    end = _end(record, status, times, times["period_end"], at_period_end)
    sub = Subscription(_text(record, "id"), customer, status, currency, start, (item,), (),
                       end, times["trial_end"], times["period_start"])
    past = [t for t in (start, times["period_start"], times["ended_at"], times["canceled_at"],
                        times["trial_start"], times["created"]) if t is not None]
    return sub, past


def _status(record: Record, field: str, allowed: tuple[str, ...]) -> str:
    status = re.sub(r"\s+", "_", str(record.get(field) or "").strip().lower())
    if status not in allowed:
        raise record.refuse(field, record.get(field), "is not a status Stripe gives",
                            expected="one of " + ", ".join(allowed))
    return status


def _customer(record: Record, field: str, export: Export) -> str:
    customer = _text(record, field)
    if customer not in export.customers:
        raise record.refuse(field, customer, "names no customer of the export",
                            expected=f"the id of a customer in {export.files['customers']}")
    return customer


def _currency(record: Record, field: str, value) -> str:
    code = str(value or "").strip().upper()
    if not is_currency(code):
        raise record.refuse(field, value, "is not a currency",
                            expected="a three-letter ISO 4217 code such as usd")
    return code


# Invoices -------------------------------------------------------------------

def _api_invoice(record: Record) -> Invoice | None:
    """A subscription's invoice; None for an invoice of no subscription (one-off)."""
    _check(record, "invoice")
    sub = (_text(record, "subscription")
           or _text(record, "parent.subscription_details.subscription"))
    if sub is None:
        return None
    return Invoice(sub, epoch(record, "created"), _status(record, "status", INVOICE_STATUSES))


def _csv_invoice(record: Record) -> Invoice | None:
    sub = _text(record, "Subscription")
    if sub is None:
        return None
    created = written_time(record, "Date (UTC)")
    if created is None:
        raise record.refuse("Date (UTC)", "", "an invoice has no date",
                            expected="a date and time such as 2026-01-31 14:05")
    return Invoice(sub, created, _status(record, "Status", INVOICE_STATUSES))
