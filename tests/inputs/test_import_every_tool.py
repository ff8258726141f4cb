"""``cpo-kit import`` of every tool: the sample company through each event tool's export.

The sample's 457,315 events of 3,643 users are written as each event tool exports them
(``bench/tool_exports.py``, which the import benchmark writes at 10M events) and
imported again: the events that come back must be the sample's own, user, time, event
and platform, and each tool's sessions and users must be what its mapping promises.
The sample's desktop app is written as each tool's web library writes it, so it comes
back as ``web``: 283,401 web events and 66,818 desktop ones are 350,219 web events.

Each tool's hand-written fixture also goes into an output folder whose name has a
quote in it (its path is written into DuckDB's SQL as a string), and is refused with a
params file whose time zone is misspelt.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import duckdb
import pytest

from cpo_kit.core import sql

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = Path(__file__).parent / "exports"
# bench/ is scripts, not a package: load the export writer from its file.
_spec = importlib.util.spec_from_file_location("tool_exports", ROOT / "bench" / "tool_exports.py")
tool_exports = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool_exports)

SAMPLE = ROOT / "data" / "sample"
PLATFORMS = [("android", 47_472), ("ios", 59_624), ("web", 350_219)]


def _rows(query: str) -> list[tuple]:
    with duckdb.connect() as con:
        return con.execute(query).fetchall()


def _same(first: str, second: str) -> None:
    """The two queries give the same rows, each as many times."""
    for one, other in ((first, second), (second, first)):
        assert _rows(f"SELECT count(*) FROM ({one} EXCEPT ALL {other})") == [(0,)]


def _sample_events(seconds: bool) -> str:
    time = "date_trunc('second', timestamp)" if seconds else "timestamp"
    return (f"SELECT user_id, {time} AS timestamp, event, CASE platform WHEN 'desktop' "
            "THEN 'web' ELSE platform END AS platform "
            f"FROM {sql.string(SAMPLE / 'events.parquet')}")


@pytest.mark.parametrize("tool, sessions", [
    # PostHog's $session_id and Amplitude's session (its first event's epoch milliseconds)
    # are the sample's sessions; GA4's ga_session_id too. Mixpanel's raw export has none;
    # these Segment tables carry none.
    ("posthog", 99_641), ("amplitude", 99_641), ("ga4", 99_641), ("mixpanel", 0),
    ("segment", 0)])
def test_the_sample_exported_by_each_tool_comes_back_whole(cli, tmp_path, tool, sessions):
    export = tmp_path / tool_exports.NAMES[tool]
    tool_exports.write_export(tool, SAMPLE, export)
    code, out, err = cli("import", tool, export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert "events.parquet         457,315 rows, 2024-11-01 to 2026-10-31" in out
    assert "Nothing was dropped." in out
    events = sql.string(tmp_path / "acme" / "events.parquet")
    # Mixpanel's time is whole seconds since 1970: the sample's fractions are lost.
    sample = _sample_events(seconds=tool == "mixpanel")
    imported = f"SELECT user_id, timestamp, event, platform FROM {events}"
    _same(sample, imported)
    assert _rows(f"SELECT platform, count(*) FROM {events} GROUP BY ALL ORDER BY ALL"
                 ) == PLATFORMS
    assert _rows(f"SELECT count(DISTINCT (user_id, session_id)) FILTER (session_id IS NOT "
                 f"NULL) FROM {events}") == [(sessions,)]
    code, out, err = cli("validate", tmp_path / "acme")
    assert (code, err) == (0, ""), out
    if tool == "posthog":
        # No person properties in this export: PostHog's import writes no users table.
        assert not (tmp_path / "acme" / "users.parquet").exists()
        return
    users = sql.string(tmp_path / "acme" / "users.parquet")
    if tool == "segment":
        # identifies at each user's signup, with the country: the sample's users, as they
        # are, for the 3,643 who did something.
        expected = (f"SELECT user_id, signup_at, country FROM {sql.string(SAMPLE / 'users.csv')} "
                    f"WHERE user_id IN (SELECT user_id FROM {events})")
    else:
        # Nothing says when they signed up: their first event does.
        expected = (f"SELECT user_id, min(timestamp) AS signup_at FROM ({sample}) "
                    "GROUP BY user_id")
    columns = "user_id, signup_at, country" if tool == "segment" else "user_id, signup_at"
    got = f"SELECT {columns} FROM {users}"
    assert _rows(f"SELECT count(*) FROM {users}") == [(3_643,)]
    _same(expected, got)


#: Each tool's hand-written fixture, and the tables its import writes.
FIXTURES = [
    ("posthog", "posthog/events.csv", ["events"]),
    ("amplitude", "amplitude", ["events", "users"]),
    ("mixpanel", "mixpanel/export.jsonl", ["events", "users"]),
    ("segment", "segment/warehouse", ["events", "users"]),
    ("rudderstack", "segment/messages.jsonl", ["events", "users"]),
    ("ga4", "ga4", ["events", "users"]),
    ("stripe", "stripe/dashboard", ["accounts", "mrr"])]


@pytest.mark.parametrize("tool, export, tables", FIXTURES)
def test_an_output_folder_with_a_quote_in_its_name(cli, tmp_path, tool, export, tables):
    out_dir = tmp_path / "o'brien analytics"
    params = tmp_path / "params.yml"
    params.write_text("currency: USD\nimports:\n  exchange_rates: {EUR: 1.1}\n")
    code, _, err = cli("import", tool, EXPORTS / export, out_dir, "--params", params)
    assert (code, err) == (0, "")
    assert sorted(p.stem for p in out_dir.iterdir()) == tables
    # The staging folder beside it is gone.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o'brien analytics", "params.yml"]


@pytest.mark.parametrize("tool, export", [fixture[:2] for fixture in FIXTURES])
def test_a_time_zone_the_params_misspell_is_refused(cli, tmp_path, tool, export):
    # Refused by every tool, even one whose times all say their zone (the zone would
    # then go unused, and the mistake unseen) or one that never uses it (Amplitude's).
    params = tmp_path / "acme.yml"
    params.write_text("imports:\n  timezone: America/Nowhere\n")
    code, out, err = cli("import", tool, EXPORTS / export, tmp_path / "acme",
                         "--params", params)
    assert (code, out) == (2, "")
    assert err == (f"cpo-kit: {params}: imports: timezone: 'America/Nowhere' is not a "
                   "time zone: give one such as America/New_York or UTC\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme.yml"]


@pytest.mark.parametrize("tool", list(tool_exports.NAMES))
def test_each_events_tool_and_stripe_in_one_folder_run_and_publish(tmp_path, tool):
    # A company's two exports, as the book's page shows: the sample's events through
    # the tool and the Stripe Dashboard fixture's revenue, imported into one folder, run
    # through every notebook and published as a book.
    from conftest import cpo_kit

    export = tmp_path / tool_exports.NAMES[tool]
    tool_exports.write_export(tool, SAMPLE, export)
    params = tmp_path / "acme.yml"
    params.write_text("company_name: Acme Analytics\nperiod_end: 2026-06-30\ncurrency: USD\n"
                      "imports:\n  exchange_rates: {EUR: 1.1}\n")
    for name, source in ((tool, export), ("stripe", EXPORTS / "stripe" / "dashboard")):
        imported = cpo_kit("import", name, source, tmp_path / "acme", "--params", params)
        assert imported.returncode == 0, imported.stderr
    run = cpo_kit("run", tmp_path / "acme", "--params", params, "--out", tmp_path / "runs")
    assert run.returncode == 0, run.stderr
    results = tmp_path / "runs" / "latest"
    headline = json.loads((results / "kpi_overview_results" / "headline.json").read_text())
    # 1,667 of the sample's users did something in June 2026. Its MRR: Acme 147 + Birch
    # 100 + Fig 30 + Jade 110 (100 EUR at 1.1) = 387 USD from four paying accounts
    # (Grove's June invoice is open); ARR 387 x 12 = 4,644.
    assert {key: h["value"] for key, h in headline["headlines"].items()} == {
        "mau": 1667, "mrr": 387, "arr": 4644, "paying_accounts": 4}
    book = cpo_kit("publish", results, "--out", tmp_path / "site")
    assert book.returncode == 0, book.stdout[-3000:] + book.stderr[-2000:]
    html = tmp_path / "site" / "_build" / "html" / "notebooks"
    assert "This section needs data that was not provided:" in (html / "pricing.html"
                                                                ).read_text()
    overview = (html / "kpi_overview.html").read_text()
    assert "Acme Analytics" in overview
    for shown in ("1,667", "$387", "$4,644"):
        assert shown in overview
