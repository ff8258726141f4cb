"""``cpo-kit import stripe``: hand-written Stripe exports, each MRR rule and refusal.

Two fixtures hold the same kind of company, written by hand:

- ``exports/stripe/api/``: the API's JSON. ``customers.json`` is the list object the
  API (and ``stripe customers list``) returns, pretty-printed; ``subscriptions.json``
  a JSON array of subscription objects with their items, prices and discounts;
  ``invoices.jsonl`` one invoice per line (one in the newer shape, whose subscription
  is under ``parent.subscription_details``).
- ``exports/stripe/dashboard/``: the Dashboard's CSV exports of customers,
  subscriptions and invoices (times in UTC, amounts in major units).

Times in the JSON are seconds since 1970 UTC: 1768035600 is 2026-01-10 09:00. The
export's latest past time is the customer Moss's creation, 2026-06-15 12:00 (1781524800),
so June is measured then and every other month at its last second. Expected rows are
worked out below by hand; smaller exports for single rules are written in the tests.
"""
from __future__ import annotations

import calendar
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

EXPORTS = Path(__file__).parent / "exports" / "stripe"
API = EXPORTS / "api"
DASHBOARD = EXPORTS / "dashboard"
NEVER = "subscriptions never started (incomplete: their first invoice was never paid)"
METERED = "subscription items with metered prices (usage, not recurring revenue)"
TIERED = ("subscription items with tiered prices (an amount per tier, which this import "
          "does not read)")
TRIAL = "subscription-months in a free trial (no MRR until the trial ends)"
UNPAID = ("subscription-months not paid (their invoice open, uncollectible or void, or the "
          "subscription past_due, unpaid or paused)")
FREE = "subscription-months free of charge (a price of 0 or a 100% discount)"
NO_SUBSCRIPTION = "customers with no subscription (not accounts: no recurring revenue)"
NEVER_PAID = ("customers whose subscriptions never brought MRR (not accounts: a trial only, "
              "unpaid, free or never started)")


def _table(folder: Path, name: str) -> list[tuple]:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def _params(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "acme.yml"
    path.write_text(text)
    return path


def _months(account: str, product: str, worth: dict[str, float]) -> list[tuple]:
    """One account's rows of one product: ``{"2026-01": 147.0}`` -> (..., month, mrr)."""
    return [(account, product, date.fromisoformat(f"{m}-01"), v) for m, v in worth.items()]


RATES = "currency: USD\nimports:\n  exchange_rates: {EUR: 1.1, JPY: 0.0065}\n"

API_MRR = [
    # Acme: 3 seats of 49.00 a month: 3 x 49.00 = 147.00, from 10 January. Its metered
    # API item is usage, not MRR. The June invoice is paid.
    *_months("cus_acme", "prod_basic", {m: 147.0 for m in
                                        ("2026-01", "2026-02", "2026-03", "2026-04",
                                         "2026-05", "2026-06")}),
    # Birch: 1,200.00 a year / 12 = 100.00, from 1 February (backdated in Stripe).
    *_months("cus_birch", "prod_pro", {m: 100.0 for m in
                                       ("2026-02", "2026-03", "2026-04", "2026-05",
                                        "2026-06")}),
    # Cobalt: 300.00 every 3 months / 3 = 100.00; a once coupon of 50% covers the first
    # quarter, 15 January to 15 April: 100.00 x 0.5 = 50.00 at the ends of January,
    # February and March; 100.00 from April (30 April is past 15 April).
    *_months("cus_cobalt", "prod_team", {"2026-01": 50.0, "2026-02": 50.0, "2026-03": 50.0,
                                         "2026-04": 100.0, "2026-05": 100.0,
                                         "2026-06": 100.0}),
    # Dune: 80.00 a month; 25% off for 3 months, 5 February to 5 May: 80.00 x 0.75 =
    # 60.00 in February, March and April; 80.00 from May (31 May is past 5 May).
    *_months("cus_dune", "prod_basic", {"2026-02": 60.0, "2026-03": 60.0, "2026-04": 60.0,
                                        "2026-05": 80.0, "2026-06": 80.0}),
    # Elm: 2,400.00 a year / 12 = 200.00, less 120.00 off each (yearly) invoice spread
    # over its 12 months: 120.00 / 12 = 10.00; 200.00 - 10.00 = 190.00, from March.
    *_months("cus_elm", "prod_pro", {m: 190.0 for m in
                                     ("2026-03", "2026-04", "2026-05", "2026-06")}),
    # Fig: a trial from 20 January to 20 March (the ends of January and February are
    # in it: no rows), then 30.00 a month, every invoice paid.
    *_months("cus_fig", "prod_basic", {m: 30.0 for m in
                                       ("2026-03", "2026-04", "2026-05", "2026-06")}),
    # Grove: 50.00 a month; March's invoice (5 March) is uncollectible and June's (5 June)
    # open, the subscription past_due: no rows for March and June.
    *_months("cus_grove", "prod_basic", {"2026-01": 50.0, "2026-02": 50.0, "2026-04": 50.0,
                                         "2026-05": 50.0}),
    # Hollow: 40.00 a month from 12 February; asked on 20 April to cancel at the period's
    # end: April still counts (its period runs to 12 May); ended on 12 May, May does not.
    *_months("cus_hollow", "prod_basic", {m: 40.0 for m in ("2026-02", "2026-03", "2026-04")}),
    # Iris: 60.00 a month from 8 January, canceled at once on 20 March: not live at the
    # end of March.
    *_months("cus_iris", "prod_basic", {"2026-01": 60.0, "2026-02": 60.0}),
    # Jade: 100.00 EUR a month from 1 April x 1.1 USD per EUR = 110.00 USD.
    *_months("cus_jade", "prod_basic", {m: 110.0 for m in ("2026-04", "2026-05", "2026-06")}),
    # Kite: 5,000 JPY a month (JPY has no minor unit: unit_amount 5000 is 5,000 yen)
    # x 0.0065 USD per JPY = 32.50 USD, from 3 May.
    *_months("cus_kite", "prod_team", {"2026-05": 32.5, "2026-06": 32.5}),
    # Lark's subscription expired incomplete (never paid): no rows; Moss has none.
]

API_ACCOUNTS = [
    # account, name (else email, else id), segment (the first paying plan: the price's
    # nickname, else the product's name, else its id), country, signup, churn.
    ("cus_acme", "Acme GmbH", "Basic", "DE", date(2026, 1, 8), None),
    # Created 3 February, but the subscription was backdated to 1 February.
    ("cus_birch", "Birch & Co", "Pro yearly", "GB", date(2026, 2, 1), None),
    ("cus_cobalt", "Cobalt Labs", "Team quarterly", "US", date(2026, 1, 14), None),
    ("cus_dune", "ops@dune.example", "Basic", None, date(2026, 2, 4), None),
    ("cus_elm", "Elm Studio", "Pro", None, date(2026, 2, 27), None),
    ("cus_fig", "Fig Foods", "Starter", None, date(2026, 1, 20), None),
    # Past due, not ended: not churned.
    ("cus_grove", "Grove Ltd", "Basic", None, date(2026, 1, 5), None),
    ("cus_hollow", "Hollow Inc", "Basic", None, date(2026, 2, 12), date(2026, 5, 12)),
    ("cus_iris", "Iris Health", "Basic", None, date(2026, 1, 8), date(2026, 3, 20)),
    ("cus_jade", "Jade SARL", "Basic", "FR", date(2026, 3, 30), None),
    ("cus_kite", "cus_kite", "prod_team", None, date(2026, 5, 2), None),
]


def test_the_api_export_becomes_accounts_and_mrr(cli, tmp_path):
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "stripe", API, out_dir, "--params", _params(tmp_path, RATES))
    assert (code, err) == (0, "")
    assert _table(out_dir, "mrr") == API_MRR
    assert _table(out_dir, "accounts") == API_ACCOUNTS
    assert out.splitlines() == [
        f"Imported the Stripe export into {out_dir}:",
        "  accounts.parquet            11 rows, 2026-01-05 to 2026-05-02",
        "  mrr.parquet                 44 rows, 2026-01-01 to 2026-06-01",
        "Dropped:",
        f"             1 {NEVER}",
        f"             1 {METERED}",
        # Fig in January and February.
        f"             2 {TRIAL}",
        # Grove in March and June.
        f"             2 {UNPAID}",
        f"             1 {NO_SUBSCRIPTION}",
        f"             1 {NEVER_PAID}",
        "MRR is in USD, measured at each month's end; the last month, 2026-06, at "
        "2026-06-15 12:00 UTC, the export's latest time.",
        "Converted at the params file's fixed rates: 1 EUR = 1.1 USD, 1 JPY = 0.0065 USD."]
    assert sorted(p.name for p in out_dir.iterdir()) == ["accounts.parquet", "mrr.parquet"]


def test_the_dashboard_export_becomes_accounts_and_mrr(cli, tmp_path):
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "stripe", DASHBOARD, out_dir, "--params",
                         _params(tmp_path, "currency: USD\nimports:\n  exchange_rates: "
                                           "{EUR: 1.1}\n"))
    assert (code, err) == (0, "")
    assert _table(out_dir, "mrr") == [
        # Amount is in major units: 49.00 x 3 = 147.00 (its coupon is not described).
        *_months("cus_acme", "prod_basic", {m: 147.0 for m in
                                            ("2026-01", "2026-02", "2026-03", "2026-04",
                                             "2026-05", "2026-06")}),
        # 1,200.00 a year / 12.
        *_months("cus_birch", "prod_pro", {m: 100.0 for m in
                                           ("2026-02", "2026-03", "2026-04", "2026-05",
                                            "2026-06")}),
        # In trial at the ends of January and February.
        *_months("cus_fig", "prod_basic", {m: 30.0 for m in
                                           ("2026-03", "2026-04", "2026-05", "2026-06")}),
        # March uncollectible, June open.
        *_months("cus_grove", "prod_basic", {"2026-01": 50.0, "2026-02": 50.0,
                                             "2026-04": 50.0, "2026-05": 50.0}),
        # Cancel at period end: counted until it ended on 12 May.
        *_months("cus_hollow", "prod_basic", {m: 40.0 for m in
                                              ("2026-02", "2026-03", "2026-04")}),
        # Ended on 20 March.
        *_months("cus_iris", "prod_basic", {"2026-01": 60.0, "2026-02": 60.0}),
        # 100.00 EUR x 1.1.
        *_months("cus_jade", "prod_basic", {m: 110.0 for m in
                                            ("2026-04", "2026-05", "2026-06")})]
    assert _table(out_dir, "accounts") == [
        # The segment is the Dashboard's Plan; no country in these exports.
        ("cus_acme", "Acme GmbH", "basic-monthly", None, date(2026, 1, 8), None),
        ("cus_birch", "Birch & Co", "pro-yearly", None, date(2026, 2, 1), None),
        ("cus_fig", "Fig Foods", "starter-monthly", None, date(2026, 1, 20), None),
        ("cus_grove", "Grove Ltd", "basic-monthly-50", None, date(2026, 1, 5), None),
        ("cus_hollow", "Hollow Inc", "basic-monthly-40", None, date(2026, 2, 12),
         date(2026, 5, 12)),
        # No name: the email.
        ("cus_iris", "cto@iris.example", "basic-monthly-60", None, date(2026, 1, 8),
         date(2026, 3, 20)),
        ("cus_jade", "Jade, SARL", "basic-eur", None, date(2026, 3, 30), None)]
    assert out.splitlines()[1:] == [
        "  accounts.parquet             7 rows, 2026-01-05 to 2026-03-30",
        "  mrr.parquet                 27 rows, 2026-01-01 to 2026-06-01",
        "Dropped:",
        f"             2 {TRIAL}",
        f"             2 {UNPAID}",
        f"             1 {NO_SUBSCRIPTION}",
        "MRR is in USD, measured at each month's end; the last month, 2026-06, at "
        "2026-06-15 12:00 UTC, the export's latest time.",
        "Converted at the params file's fixed rates: 1 EUR = 1.1 USD.",
        "1 subscription names a Coupon the Dashboard export does not describe: its MRR is "
        "before it (the API's JSON gives the coupon's terms)."]


@pytest.mark.parametrize("export", [API, DASHBOARD], ids=["api", "dashboard"])
def test_the_imported_tables_pass_the_contract(cli, tmp_path, export):
    cli("import", "stripe", export, tmp_path / "acme", "--params", _params(tmp_path, RATES))
    # accounts and mrr alone are a valid company; validate's params file is run's, which
    # has no imports: section.
    code, out, err = cli("validate", tmp_path / "acme", "--params",
                         _params(tmp_path, "currency: USD\n"))
    assert (code, err) == (0, ""), err
    assert "2 of 13 tables present, all valid" in out


# Single rules, on small exports written here ----------------------------------------

def _at(text: str) -> int:
    """Seconds since 1970 of a UTC time written ``2026-01-31 12:00``."""
    return calendar.timegm(datetime.fromisoformat(text).timetuple())


def _sub(sid: str, *, amount=1000, interval="month", count=1, quantity=1, currency="usd",
         start="2026-01-01 00:00", customer="cus_a", product="prod_a", **fields) -> dict:
    """A subscription object with one licensed price, as the API lists it."""
    price = {"id": f"price_{sid}", "object": "price", "currency": currency, "nickname": None,
             "product": product, "billing_scheme": "per_unit", "unit_amount": amount,
             "recurring": {"interval": interval, "interval_count": count,
                           "usage_type": "licensed"}}
    return {"id": sid, "object": "subscription", "customer": customer, "status": "active",
            "currency": currency, "start_date": _at(start),
            "items": {"object": "list", "data": [{"id": f"si_{sid}", "quantity": quantity,
                                                  "price": price}]}, **fields}


def _export(tmp_path: Path, subscriptions: list[dict], *, invoices: list[dict] | None = None,
            customers: list[dict] | None = None, as_of: str = "2026-02-15 12:00") -> Path:
    """An export folder in JSON lines; the customers are made at ``as_of``, its latest time."""
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    if customers is None:
        customers = [{"id": cid, "object": "customer", "created": _at(as_of), "name": cid}
                     for cid in sorted({s["customer"] for s in subscriptions})]
    tables = {"customers": customers, "subscriptions": subscriptions, "invoices": invoices}
    for name, rows in tables.items():
        if rows is not None:
            (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def _coupon(**coupon) -> dict:
    return {"object": "discount", "start": _at("2026-01-01 00:00"), "end": None,
            "coupon": {"object": "coupon", "duration": "forever", **coupon}}


JAN, FEB = date(2026, 1, 1), date(2026, 2, 1)


PAID_FROM_FEBRUARY = [
    # Newer API versions give an invoice's subscription under parent.
    {"id": "in_1", "object": "invoice", "status": "void", "created": _at("2026-01-01 00:00"),
     "parent": {"type": "subscription_details", "subscription_details": {"subscription": "s"}}},
    {"id": "in_2", "object": "invoice", "subscription": "s", "status": "paid",
     "created": _at("2026-02-01 00:00")}]


@pytest.mark.parametrize("subscription, invoices, rows", [
    # Weekly: 10.00 x 52 weeks / 12 months = 43.333... -> 43.33.
    (_sub("s", amount=1000, interval="week"), None,
     [("prod_a", JAN, 43.33), ("prod_a", FEB, 43.33)]),
    # Every 2 weeks: 20.00 x 52 / 12 / 2 = 43.333... -> 43.33.
    (_sub("s", amount=2000, interval="week", count=2), None,
     [("prod_a", JAN, 43.33), ("prod_a", FEB, 43.33)]),
    # Daily: 1.00 x 365 / 12 = 30.4166... -> 30.42.
    (_sub("s", amount=100, interval="day"), None,
     [("prod_a", JAN, 30.42), ("prod_a", FEB, 30.42)]),
    # Every 2 years: 2,400.00 / 24 = 100.00.
    (_sub("s", amount=240000, interval="year", count=2), None,
     [("prod_a", JAN, 100.0), ("prod_a", FEB, 100.0)]),
    # Fractions of a cent (unit_amount_decimal): 0.5 cent x 1,000 units = 5.00.
    (_sub("s", items={"data": [{"quantity": 1000, "price": {
        "currency": "usd", "product": "prod_a", "unit_amount_decimal": "0.5",
        "recurring": {"interval": "month", "interval_count": 1}}}]}), None,
     [("prod_a", JAN, 5.0), ("prod_a", FEB, 5.0)]),
    # An item's own discount: 10.00 less 10% = 9.00.
    (_sub("s", items={"data": [{"quantity": 1, "discounts": [_coupon(percent_off=10)],
                                "price": {"currency": "usd", "product": "prod_a",
                                          "unit_amount": 1000,
                                          "recurring": {"interval": "month"}}}]}), None,
     [("prod_a", JAN, 9.0), ("prod_a", FEB, 9.0)]),
    # 8.00 off a subscription of two products (30.00 and 10.00), shared by price:
    # 30.00 - 8.00 x 30/40 = 24.00 and 10.00 - 8.00 x 10/40 = 8.00.
    (_sub("s", discounts=[_coupon(amount_off=800, currency="usd")], items={"data": [
        {"quantity": 1, "price": {"currency": "usd", "product": "prod_a", "unit_amount": 3000,
                                  "recurring": {"interval": "month"}}},
        {"quantity": 1, "price": {"currency": "usd", "product": "prod_b", "unit_amount": 1000,
                                  "recurring": {"interval": "month"}}}]}), None,
     [("prod_a", JAN, 24.0), ("prod_a", FEB, 24.0), ("prod_b", JAN, 8.0),
      ("prod_b", FEB, 8.0)]),
    # A coupon in euros, with an amount in dollars among its currency options: 10.00 - 3.00.
    (_sub("s", discounts=[_coupon(amount_off=250, currency="eur",
                                  currency_options={"usd": {"amount_off": 300}})]), None,
     [("prod_a", JAN, 7.0), ("prod_a", FEB, 7.0)]),
    # Before subscription items, the API gave one plan and a quantity: 25.00 x 2 = 50.00,
    # less its discount of 10% (taken once): 45.00.
    ({"id": "s", "object": "subscription", "customer": "cus_a", "status": "active",
      "start_date": _at("2026-01-01 00:00"), "quantity": 2,
      "discount": _coupon(percent_off=10),
      "plan": {"id": "gold", "object": "plan", "amount": 2500, "currency": "usd",
               "interval": "month", "interval_count": 1, "product": "prod_a"}}, None,
     [("prod_a", JAN, 45.0), ("prod_a", FEB, 45.0)]),
    # Started at noon on 31 January: live at the month's end, so January counts in full.
    (_sub("s", start="2026-01-31 12:00"), None, [("prod_a", JAN, 10.0), ("prod_a", FEB, 10.0)]),
    # Set to end on 10 March (cancel_at): counted through the export's February.
    (_sub("s", cancel_at=_at("2026-03-10 00:00")), None,
     [("prod_a", JAN, 10.0), ("prod_a", FEB, 10.0)]),
    # A void invoice for January: the month was not paid; February's is paid.
    (_sub("s"), PAID_FROM_FEBRUARY, [("prod_a", FEB, 10.0)]),
])
def test_each_price_and_discount_is_spread_to_a_month(cli, tmp_path, subscription, invoices,
                                                      rows):
    export = _export(tmp_path, [subscription], invoices=invoices)
    code, out, err = cli("import", "stripe", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "mrr") == [("cus_a", *row) for row in rows]


def test_free_tiered_and_trialing_subscriptions_bring_no_rows_and_are_counted(cli, tmp_path):
    tiered = _sub("s_tiered", customer="cus_t")
    tiered["items"]["data"][0]["price"].update(unit_amount=None, billing_scheme="tiered")
    export = _export(tmp_path, [
        # 100% off for good: free, in January and February.
        _sub("s_free", customer="cus_f", discounts=[_coupon(percent_off=100)]),
        # Tiered: its amount depends on the tiers, which are not read.
        tiered,
        # Trialing at the export, the trial running to March: January and February in it.
        _sub("s_trial", customer="cus_r", status="trialing",
             trial_start=_at("2026-01-01 00:00"), trial_end=_at("2026-03-01 00:00")),
        # Past due, no invoices file: the current period (from 1 February) is not paid.
        _sub("s_late", customer="cus_l", status="past_due",
             current_period_start=_at("2026-02-01 00:00"))])
    code, out, err = cli("import", "stripe", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "mrr") == [("cus_l", "prod_a", JAN, 10.0)]
    assert out.splitlines()[3:] == [
        "Dropped:",
        f"             1 {TIERED}",
        f"             2 {TRIAL}",
        f"             1 {UNPAID}",
        f"             2 {FREE}",
        f"             3 {NEVER_PAID}",
        # No currency in the params file: the first subscription's.
        "MRR is in USD (the currency of the first subscription; the params file's currency: "
        "chooses another), measured at each month's end; the last month, 2026-02, at "
        "2026-02-15 12:00 UTC, the export's latest time.",
        "No invoices file: a month counts unless the subscription is past_due, unpaid or "
        "paused then; with Stripe's invoices export every unpaid month is left out."]


def test_a_customers_discount_applies_to_their_subscriptions_without_one(cli, tmp_path):
    customer = {"id": "cus_a", "object": "customer", "created": _at("2026-02-15 12:00"),
                "name": "A", "discount": _coupon(amount_off=500, currency="usd")}
    export = _export(tmp_path, [
        # 20.00 - 5.00 = 15.00.
        _sub("s1", amount=2000, product="prod_a"),
        # Its own 50% instead: 20.00 x 0.5 = 10.00.
        _sub("s2", amount=2000, product="prod_b", discounts=[_coupon(percent_off=50)])],
        customers=[customer])
    code, _, err = cli("import", "stripe", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "mrr") == [
        ("cus_a", "prod_a", JAN, 15.0), ("cus_a", "prod_a", FEB, 15.0),
        ("cus_a", "prod_b", JAN, 10.0), ("cus_a", "prod_b", FEB, 10.0)]


@pytest.mark.parametrize("currency, subscription, rates, mrr", [
    # The yen has no minor unit: 5000 is 5,000 yen.
    ("JPY", _sub("s", amount=5000, currency="jpy"), "", 5000.0),
    # 10.00 USD at 150 yen per dollar = 1,500 yen.
    ("JPY", _sub("s", amount=1000), "\nimports:\n  exchange_rates: {USD: 150}", 1500.0),
    # Stripe keeps the krona two-decimal (Babel says 0): 150000 is 1,500 kronur.
    ("ISK", _sub("s", amount=150000, currency="isk"), "", 1500.0),
    # The Kuwaiti dinar has 3 decimals: 12345 is 12.345 dinars.
    ("KWD", _sub("s", amount=12345, currency="kwd"), "", 12.345),
])
def test_amounts_are_divided_by_their_currencys_minor_unit(cli, tmp_path, currency,
                                                           subscription, rates, mrr):
    params = _params(tmp_path, f"currency: {currency}{rates}\n")
    code, _, err = cli("import", "stripe", _export(tmp_path, [subscription]),
                       tmp_path / "acme", "--params", params)
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "mrr")[0] == ("cus_a", "prod_a", JAN, mrr)


# Refusals ------------------------------------------------------------------------------

def _refused(cli, tmp_path, export, *params) -> str:
    """Import ``export``; check it is refused with nothing written; the message."""
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli("import", "stripe", export, tmp_path / "acme", *params)
    assert (code, out) == (2, "")
    assert not (tmp_path / "acme").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return err


def test_a_second_currency_without_a_rate_is_refused(cli, tmp_path):
    # No params: USD, the first subscription's (Grove's, 5 January); Jade's is in euros.
    assert _refused(cli, tmp_path, API) == (
        f"cpo-kit: {API}/subscriptions.json:166: currency: is not the reporting currency, "
        "and the params file gives no rate for it (found 'eur', expected USD, the currency "
        "of the first subscription, or a rate for EUR under imports: exchange_rates)\n")
    params = _params(tmp_path, "currency: USD\nimports:\n  exchange_rates: {EUR: 1.1}\n")
    assert _refused(cli, tmp_path, API, "--params", params) == (
        f"cpo-kit: {API}/subscriptions.json:183: currency: is not the reporting currency, "
        "and the params file gives no rate for it (found 'jpy', expected USD (the params "
        "file's currency), or a rate for JPY under imports: exchange_rates)\n")


def _dashboard(tmp_path: Path, old: str, new: str) -> Path:
    """The Dashboard fixture with ``old`` replaced by ``new`` in its subscriptions."""
    folder = tmp_path / "export"
    shutil.copytree(DASHBOARD, folder)
    path = folder / "subscriptions.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return folder


def test_a_bad_value_is_refused_with_its_file_line_and_field(cli, tmp_path):
    bad = _sub("s", amount="49.00")
    export = _export(tmp_path, [_sub("s0"), bad])
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/subscriptions.jsonl:2: items.data[0].price.unit_amount: is not an "
        "amount in the minor unit (found '49.00', expected a whole number at least 0 of the "
        "currency's minor unit (cents), such as 4900)\n")
    shutil.rmtree(export)
    export = _dashboard(tmp_path, "pro-yearly,prod_pro,1,usd,year,1200.00",
                        "pro-yearly,prod_pro,1,usd,year,\"1.200,00\"")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/subscriptions.csv:3: Amount: is not an amount (found '1.200,00', "
        "expected an amount at least 0 such as 49.00)\n")


@pytest.mark.parametrize("subscription, message", [
    (_sub("s", amount=-100), "items.data[0].price.unit_amount: is not an amount in the minor "
     "unit (found '-100', expected a whole number at least 0 of the currency's minor unit "
     "(cents), such as 4900)"),
    (_sub("s", interval="fortnight"), "items.data[0].price.recurring.interval: is not a "
     "billing interval (found 'fortnight', expected day, week, month or year)"),
    (_sub("s", status="on_hold"), "status: is not a status Stripe gives (found 'on_hold', "
     "expected one of incomplete, incomplete_expired, trialing, active, past_due, canceled, "
     "unpaid, paused)"),
    (_sub("s", currency="dollars"), "currency: is not a currency (found 'dollars', expected "
     "a three-letter ISO 4217 code such as usd)"),
    (_sub("s", start_date="2026-01-01"), "start_date: is not a time of Stripe's API (found "
     "'2026-01-01', expected seconds since 1970-01-01 UTC, such as 1767225600)"),
    (_sub("s", discounts=[_coupon(percent_off=150)]), "discounts[0].coupon.percent_off: is "
     "not a percentage (found '150', expected a number from 0 to 100)"),
    # The discounts of a subscription listed without expand[]=data.discounts are ids.
    (_sub("s", discounts=["di_1"]), "discounts: is a discount's id, not the discount (found "
     "'di_1', expected the discount object: list the subscriptions with "
     "expand[]=data.discounts)"),
    (_sub("s", status="canceled"), "ended_at: a canceled subscription has no end (expected "
     "ended_at, the time it ended)"),
    (_sub("s", customer="cus_ghost"), "customer: names no customer of the export (found "
     "'cus_ghost', expected the id of a customer in customers.jsonl)"),
])
def test_a_subscription_the_rules_cannot_use_is_refused(cli, tmp_path, subscription, message):
    customers = [{"id": "cus_a", "object": "customer", "created": _at("2026-02-15 12:00")}]
    export = _export(tmp_path, [subscription], customers=customers)
    assert _refused(cli, tmp_path, export) == \
        f"cpo-kit: {export}/subscriptions.jsonl:1: {message}\n"


@pytest.mark.parametrize("name, text, line", [
    # JSON lines: the line that does not parse.
    ("subscriptions.jsonl", json.dumps(_sub("s0")) + "\n{\"id\": \"s1\", \"customer\": \n",
     2),
    # A JSON array missing a comma between its third and fourth lines.
    ("subscriptions.json", "[\n" + json.dumps(_sub("s0")) + ",\n" + json.dumps(_sub("s1"))
     + "\n" + json.dumps(_sub("s2")) + "\n]\n", 4),
    # The API's list object, pretty-printed, a colon missing on line 6.
    ("subscriptions.json", '{\n  "object": "list",\n  "data": [\n    {\n      "id": "s0",\n'
     '      "object" "subscription"\n    }\n  ]\n}\n', 6),
])
def test_json_that_does_not_parse_is_refused_with_its_line(cli, tmp_path, name, text, line):
    export = _export(tmp_path, [_sub("s0")])
    (export / "subscriptions.jsonl").unlink()
    (export / name).write_text(text)
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/{name}:{line}: is not valid JSON (expected Stripe objects as "
        "JSON: the API's list, an array, or one object per line)\n")


def test_each_shape_of_the_apis_json_is_read(cli, tmp_path):
    # The list object on one line, an array, and one object per line give the same rows.
    export = _export(tmp_path, [_sub("s0")])
    shapes = {"list": json.dumps({"object": "list", "data": [_sub("s0")], "has_more": False}),
              "array": json.dumps([_sub("s0")], indent=2), "lines": json.dumps(_sub("s0"))}
    for shape, text in shapes.items():
        (export / "subscriptions.jsonl").write_text(text + "\n")
        code, _, err = cli("import", "stripe", export, tmp_path / shape)
        assert (code, err) == (0, ""), shape
        assert _table(tmp_path / shape, "mrr") == [("cus_a", "prod_a", JAN, 10.0),
                                                  ("cus_a", "prod_a", FEB, 10.0)], shape


def test_another_tools_files_are_refused(cli, tmp_path):
    # PostHog's events: no customers file at all.
    folder = tmp_path / "posthog"
    folder.mkdir()
    (folder / "events.csv").write_text("uuid,event,timestamp,distinct_id\n")
    assert _refused(cli, tmp_path, folder) == (
        f"cpo-kit: {folder}: no customers file of a Stripe export in it (expected files "
        "ending .csv, .csv.gz, .jsonl, .ndjson, .json, .jsonl.gz, .ndjson.gz, .json.gz)\n")
    shutil.rmtree(folder)
    # Another billing tool's subscriptions, one nested object per line.
    export = _export(tmp_path, [_sub("s0")])
    (export / "subscriptions.jsonl").write_text(json.dumps(
        {"subscription": {"id": "AzZ1", "plan_id": "basic"}, "customer": {"id": "cus_a"}})
        + "\n")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/subscriptions.jsonl:1: has no field 'id' (its id), which every "
        "Stripe subscription has: is it another tool's export? (found customer, "
        "subscription)\n")
    # Stripe's invoices where its subscriptions should be.
    (export / "subscriptions.jsonl").write_text(json.dumps(
        {"id": "in_1", "object": "invoice", "status": "paid"}) + "\n")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/subscriptions.jsonl:1: object: is not a subscription (found "
        "'invoice', expected Stripe's subscription objects, as its API lists them)\n")
    shutil.rmtree(export)
    # A CSV of another tool's columns.
    export = _dashboard(tmp_path, "id,Customer ID,", "subscription_id,Customer ID,")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}/subscriptions.csv: has no column 'id' (the subscription's id), "
        "which Stripe's Dashboard export of subscriptions has: is it another tool's export? "
        "(found subscription_id, Customer ID, Customer Description, Customer Email, Plan, "
        "Product, Quantity, Currency, Interval, Amount, Status, Created (UTC))\n")
    # A file, not the export's folder.
    assert _refused(cli, tmp_path, export / "subscriptions.csv") == (
        f"cpo-kit: {export}/subscriptions.csv: is a file: a Stripe export is a folder of its "
        "customers, subscriptions and invoices files\n")


@pytest.mark.parametrize("old, new, message", [
    ("sub_birch,cus_birch,", "sub_acme,cus_birch,",
     "subscriptions.csv:3: id: is a subscription given twice (found 'sub_acme')"),
    ("2026-02-01 00:00,2026-02-01 00:00,2027", "yesterday,2026-02-01 00:00,2027",
     "subscriptions.csv:3: Start Date (UTC): cannot be read as a time (found 'yesterday', "
     "expected a date and time such as 2026-01-31 14:05)"),
    (",1200.00,active,", ",1200.00,active,extra,",
     "subscriptions.csv:3: has a row that does not fit the header (found 22 fields, "
     "expected 21 fields, as in the header)"),
])
def test_a_bad_row_of_the_dashboard_export_is_refused(cli, tmp_path, old, new, message):
    export = _dashboard(tmp_path, old, new)
    assert _refused(cli, tmp_path, export) == f"cpo-kit: {export}/{message}\n"


@pytest.mark.parametrize("params, message", [
    ("currency: usd\n", "currency: 'usd' is not a currency code: expected an ISO 4217 code "
     "such as EUR, USD or GBP"),
    ("currency: USD\nimports:\n  exchange_rates: {EUR: -1}\n", "imports: exchange_rates: "
     "EUR: expected a rate above 0 (units of the reporting currency per EUR), found -1"),
    ("currency: USD\nimports:\n  exchange_rates: {EURO: 1.1}\n", "imports: exchange_rates: "
     "'EURO' is not a currency code: expected an ISO 4217 code such as USD"),
    ("currency: USD\nimports:\n  exchange_rates: 1.1\n", "imports: exchange_rates: expected "
     "a mapping of currencies to rates, such as {USD: 0.92}"),
])
def test_a_currency_or_rate_that_is_not_one_is_refused(cli, tmp_path, params, message):
    path = _params(tmp_path, params)
    assert _refused(cli, tmp_path, API, "--params", path) == f"cpo-kit: {path}: {message}\n"


def test_a_status_behind_without_its_period_loses_only_the_last_month(cli, tmp_path):
    # past_due, and no current_period_start to say since when: only the export's month,
    # March, is left out.
    export = _export(tmp_path, [_sub("s", status="past_due")], as_of="2026-03-15 12:00")
    code, out, err = cli("import", "stripe", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "mrr") == [("cus_a", "prod_a", JAN, 10.0),
                                                ("cus_a", "prod_a", FEB, 10.0)]
    assert f"             1 {UNPAID}" in out.splitlines()


def test_an_export_without_subscriptions_is_refused(cli, tmp_path):
    export = _export(tmp_path, [_sub("s")])
    (export / "subscriptions.jsonl").write_text("")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}: has no subscriptions (expected the subscriptions of the Stripe "
        "account)\n")
