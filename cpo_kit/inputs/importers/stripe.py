"""Stripe: customers, subscriptions and invoices as the contract's ``accounts`` and ``mrr``.

The export is a folder holding ``customers``, ``subscriptions`` and (best) ``invoices``
files, each either the API's JSON (the objects as the API lists them: a list object,
an array, or one object per line) or the Dashboard's CSV export.

Mapping
-------
================================  ==========================================  ==================
Stripe's API (JSON)               Dashboard (CSV)                             ours
================================  ==========================================  ==================
customer ``id``                   customers ``id``                            accounts.account_id
``name``, else ``email``, else    ``Name``, else ``Email``, else ``id``       accounts.name
``id``
the plan of the customer's first  ``Plan`` of that subscription               accounts.segment
paying subscription: price
``nickname``, else the product's
``name`` (when expanded), else
the product id
``address.country``               ``Address Country``, when exported          accounts.country
``created`` (or the first         ``Created (UTC)`` (or the first             accounts.signup_date
subscription's ``start_date`` if  subscription's start if earlier)
earlier: a backdated one), UTC
the day the last subscription     ``Ended At (UTC)``, ``Canceled At (UTC)``   accounts.churn_date
ended (``ended_at``), when none
goes on after the export
subscription ``customer``         ``Customer ID``                             mrr.account_id
item ``price.product``            ``Product``, else ``Plan``                  mrr.product_id
each month from the first         the same                                    mrr.month
subscription's to the export's
================================  ==========================================  ==================

MRR (``mrr.mrr``), and how it matches the subscription-analytics field
------------------------------------------------------------------------
- **A price spread over a month.** An item is worth ``unit_amount`` x ``quantity`` per
  ``recurring.interval`` x ``interval_count``, normalised to a month: a yearly price
  / 12, every 3 months / 3, weekly x 52/12, daily x 365/12. ChartMogul divides what a
  period costs by its months, Baremetrics adds a twelfth of a yearly plan to each
  month: the same. Metered (usage) prices are not recurring revenue and are left
  out, as ChartMogul leaves out metered charges; tiered prices are left out (their
  amounts per tier are not read); both are counted in the summary.
- **Discounts.** A coupon's ``percent_off`` is taken off; its ``amount_off``, which
  Stripe takes off each invoice, is spread over the billing period like the price
  (120 off a yearly invoice is 10 off a month). Percentages first, then amounts; an
  amount off the whole subscription is shared among its items by their price; never
  below 0. A discount counts from its ``start`` until its ``end``; a ``once`` coupon
  until the end of the billing period it started in. ChartMogul deducts discounts
  before it computes MRR; Baremetrics takes a coupon's amount off.
- **A month is measured at its end** (23:59:59 UTC on its last day): a subscription
  counts in a month if it is live then, at what it is worth then. MRR is a balance
  at a moment, not a sum over the month, and the month's end is the moment from
  which the next month's new, expansion and churn MRR are told: a subscription
  starting on the 20th counts in full in its first month, one ending on the 20th
  does not count in its last. The export's last month, which it does not cover to
  the end, is measured at the export's latest time (its latest past date).
- **Trials bring nothing**: a month measured before ``trial_end`` has no row (nor one
  of a subscription ``trialing`` with no ``trial_end``): a free trial is not revenue,
  and ChartMogul, which computes MRR from invoices, has none for it.
- **Unpaid months bring nothing.** A month's invoice is the subscription's latest
  invoice made at or before the month's end (Stripe invoices a period at its start);
  if it is ``open``, ``uncollectible`` or ``void`` in the export, the month has no
  row, and neither has the current period of a subscription ``past_due``, ``unpaid``
  or ``paused`` (the export's last month, when it does not say when that period
  began). An invoice paid late counts: the export says how it stands now. A
  subscription that never started (``incomplete``, ``incomplete_expired``) brings
  nothing. This is stricter than the field: ChartMogul keeps failed invoices in MRR,
  Baremetrics drops a customer after 30 days delinquent; here MRR is revenue being
  paid, so an unpaid month is left out from its first day (and counted in the
  summary).
- **Ends.** A canceled subscription stops at ``ended_at``; one set to end
  (``cancel_at_period_end``, ``cancel_at``) keeps its MRR until that end, as
  ChartMogul by default counts churn at the end of the last paid period.
- **A price of 0 or a 100% discount** brings no row, as Baremetrics treats such
  customers as free users.
- **One currency.** MRR is in the params file's ``currency`` (else the currency of the
  first subscription). Amounts are in the currency's minor unit, divided by its
  decimals (Babel's, except where Stripe's differ: the krona). A subscription in
  another currency is refused, unless ``imports: {exchange_rates: {EUR: 1.08}}`` gives
  units of the reporting currency per unit of it: then it is converted at that fixed
  rate, the same every month (not the rate of the day, as ChartMogul converts, so an
  import is the same whenever it is run). Each row is rounded to the minor unit.

Fields read
-----------
Besides the table above: of a subscription, ``status``, ``currency``, ``start_date``,
``trial_end``, ``current_period_start`` and ``current_period_end`` (or its items', as
newer API versions give them), ``ended_at``, ``canceled_at``, ``cancel_at``,
``cancel_at_period_end``, ``discount`` and ``discounts`` (expanded); of an item,
``quantity``, ``discounts`` and its ``price`` (``unit_amount_decimal`` or
``unit_amount``, ``currency``, ``recurring.interval``, ``interval_count`` and
``usage_type``, ``billing_scheme``; the older ``plan`` alike); a customer's
``discount``, which applies to their subscriptions without one of their own; of an
invoice, ``subscription`` (or ``parent.subscription_details.subscription``),
``status`` and ``created``. The Dashboard's columns: ``Status``, ``Currency``,
``Start Date (UTC)`` (or ``Start (UTC)``, else ``Created (UTC)``), ``Trial End (UTC)``,
``Current Period Start (UTC)``, ``Current Period End (UTC)``, ``Ended At (UTC)``,
``Canceled At (UTC)``, ``Cancel At Period End``, ``Interval Count`` (if there),
``Coupon``; of invoices ``Subscription``, ``Status`` and ``Date (UTC)``. An invoice of
no subscription (a one-off charge) is not read.

Dropped, and counted in the summary: subscriptions never started; metered and tiered
items; subscription-months in a trial, not paid, or free; customers without a
subscription, and those whose subscriptions never brought MRR.

Accounts are the customers with MRR in some month: the contract's accounts are
companies that pay or have paid. Customers without a subscription, or whose
subscriptions never brought MRR (a trial only, never paid), are counted and left out.
No ``products`` table is written: its columns (launch date, lifecycle stage, gross
margin) are not in Stripe; ``mrr.product_id`` is Stripe's product id, which a
``products`` table of the company's own can use.

What the Dashboard's CSV cannot say
-----------------------------------
Its subscriptions export has one price per subscription (``Plan``, ``Amount`` in
major units, ``Quantity``, ``Interval``) and no interval count unless an
``Interval Count`` column is there: a plan billed every 3 months reads as monthly.
It names a ``Coupon`` without its terms: such MRR is before the discount (the summary
says how many). Use the API's JSON where these matter.

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from babel.numbers import is_currency

from cpo_kit.core.errors import ParamsError
from cpo_kit.core.formats import check_currency
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.stripe_mrr import (FREE, NEVER, NEVER_STARTED, TRIAL, UNPAID,
                                                 Revenue, monthly_revenue, rounded)
from cpo_kit.inputs.importers.stripe_objects import METERED, TIERED, Export, read_export

NO_SUBSCRIPTION = "customers with no subscription (not accounts: no recurring revenue)"
NEVER_PAID = ("customers whose subscriptions never brought MRR (not accounts: a trial only, "
              "unpaid, free or never started)")


def import_stripe(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the Stripe export in the folder ``path`` into ``staging``'s ``accounts`` and ``mrr``.

    Parameters
    ----------
    path : Path
        The folder of ``customers``, ``subscriptions`` and ``invoices`` files.
    staging : Staging
        Where the tables are written.
    options : dict
        The params file's ``currency`` and its ``imports:`` options (``exchange_rates``).

    Raises
    ------
    DataError
        A file or value that cannot be read, a subscription of a customer not in the
        export, or of a currency with no rate.
    ParamsError
        A ``currency`` or ``exchange_rates`` that is not one.
    """
    chosen, rates = _reporting(options)
    export = read_export(path)
    first = min((sub for sub, _ in export.subscriptions), key=lambda s: (s.start, s.id))
    currency = chosen or first.currency
    units = {currency: Fraction(1)}
    for sub, record in export.subscriptions:
        if sub.currency not in units:
            if sub.currency not in rates:
                whose = " (the params file's currency)" if chosen else \
                    ", the currency of the first subscription"
                field = "Currency" if "Currency" in record.data else "currency"
                raise record.refuse(field, record.get(field) or sub.currency.lower(),
                                    "is not the reporting currency, and the params file "
                                    "gives no rate for it", expected=f"{currency}{whose}, or "
                                    f"a rate for {sub.currency} under imports: exchange_rates")
            units[sub.currency] = rates[sub.currency]
    revenue = monthly_revenue([sub for sub, _ in export.subscriptions], export.invoices,
                              as_of=export.latest, rates=units)
    accounts, unpaid = _accounts(export, revenue)
    for why in (NEVER, METERED, TIERED, TRIAL, UNPAID, FREE):
        staging.drop(why, export.dropped[why] + revenue.dropped[why])
    staging.drop(NO_SUBSCRIPTION, len(export.customers) - len(accounts) - unpaid)
    staging.drop(NEVER_PAID, unpaid)
    _write(staging, accounts, [
        {"account_id": account, "product_id": product, "month": month,
         "mrr": rounded(amount, currency)}
        for (account, product, month), amount in sorted(revenue.rows.items())])
    staging.imported.notes += _notes(export, currency, chosen, {
        code: options["exchange_rates"][key] for key in (options.get("exchange_rates") or {})
        if (code := str(key).upper()) in units and code != currency})


def _reporting(options: dict) -> tuple[str | None, dict[str, Fraction]]:
    """The params file's reporting currency (None if it names none) and its rates."""
    source = options.get("params_file") or "params file"
    currency = options.get("currency")
    if currency is not None:
        try:
            check_currency(currency)
        except ValueError as error:
            raise ParamsError(source, f"currency: {error}") from None
    given = options.get("exchange_rates") or {}
    if not isinstance(given, dict):
        raise ParamsError(source, "imports: exchange_rates: expected a mapping of "
                          "currencies to rates, such as {USD: 0.92}")
    rates = {}
    for code, rate in given.items():
        if not is_currency(str(code).upper()):
            raise ParamsError(source, f"imports: exchange_rates: {code!r} is not a "
                              "currency code: expected an ISO 4217 code such as USD")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
            raise ParamsError(source, f"imports: exchange_rates: {code}: expected a "
                              f"rate above 0 (units of the reporting currency per {code}), "
                              f"found {rate!r}")
        rates[str(code).upper()] = Fraction(str(rate))
    return currency, rates


def _accounts(export: Export, revenue: Revenue) -> tuple[list[dict], int]:
    """One row per customer with MRR; and how many customers had subscriptions but none."""
    paying = {account for account, _, _ in revenue.rows}
    subscribed = {sub.customer for sub, _ in export.subscriptions}
    rows = []
    for cid in sorted(paying):
        customer = export.customers[cid]
        subs = [sub for sub, _ in export.subscriptions
                if sub.customer == cid and sub.status not in NEVER_STARTED]
        ends = [sub.end for sub in subs]
        over = all(end is not None and end <= export.latest for end in ends)
        rows.append({"account_id": cid, "name": customer.name,
                     "segment": revenue.plans[cid], "country": customer.country,
                     "signup_date": min([customer.created] + [s.start for s in subs]).date(),
                     "churn_date": max(ends).date() if over else None})
    return rows, len(subscribed - paying)


def _write(staging: Staging, accounts: list[dict], mrr: list[dict]) -> None:
    import pyarrow as pa

    text, day = pa.string(), pa.date32()
    staging.con.register("stripe_accounts", pa.Table.from_pylist(accounts, schema=pa.schema([
        ("account_id", text), ("name", text), ("segment", text), ("country", text),
        ("signup_date", day), ("churn_date", day)])))
    staging.con.register("stripe_mrr", pa.Table.from_pylist(mrr, schema=pa.schema([
        ("account_id", text), ("product_id", text), ("month", day), ("mrr", pa.float64())])))
    staging.write("accounts", "SELECT * FROM stripe_accounts")
    staging.write("mrr", "SELECT * FROM stripe_mrr")


def _notes(export: Export, currency: str, chosen: str | None, rates: dict) -> list[str]:
    """What the summary says after the drops: the currency, the moment, the gaps."""
    whose = "" if chosen else " (the currency of the first subscription; the params " \
        "file's currency: chooses another)"
    at = export.latest
    notes = [f"MRR is in {currency}{whose}, measured at each month's end; the last month, "
             f"{at:%Y-%m}, at {at:%Y-%m-%d %H:%M} UTC, the export's latest time."]
    if rates:
        notes.append("Converted at the params file's fixed rates: " + ", ".join(
            f"1 {code} = {rate} {currency}" for code, rate in sorted(rates.items())) + ".")
    if not export.invoiced:
        notes.append("No invoices file: a month counts unless the subscription is past_due, "
                      "unpaid or paused then; with Stripe's invoices export every unpaid "
                      "month is left out.")
    if export.coupons_unread:
        many = export.coupons_unread != 1
        notes.append(f"{export.coupons_unread} subscription{'s' if many else ''} name"
                     f"{'' if many else 's'} a Coupon the Dashboard export does not "
                     f"describe: {'their' if many else 'its'} MRR is before it (the API's "
                     "JSON gives the coupon's terms).")
    return notes
