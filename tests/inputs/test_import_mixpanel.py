"""``cpo-kit import mixpanel``: a hand-written raw event export, each mapping rule and refusal.

The fixture ``exports/mixpanel/export.jsonl`` is written by hand in the shape of
Mixpanel's Raw Event Export API (one ``{"event": ..., "properties": {...}}`` per line,
``time`` in epoch seconds); the expected tables are worked out from it by hand.
Its times, in UTC: 1790841600 is 2026-10-01 08:00:00, 1790841660 is 08:01:00,
1790933400 is 2026-10-02 09:30:00, 1790975700 is 21:15:00, 1790976000 is 21:20:00,
1791012600 is 2026-10-03 07:30:00, 1791013500 is 07:45:00, 1791028800 is 12:00:00,
1791072000 is 2026-10-04 00:00:00.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import FUNNEL_HINT

EXPORT = Path(__file__).parent / "exports" / "mixpanel" / "export.jsonl"
UTC_NOTE = ("Times were read as UTC, as Mixpanel stores them for projects created since "
            "2023; for an older project give its time zone in the params file (imports: "
            "{timezone: America/New_York}).")
SECONDS = "seconds since 1970 (UTC), such as 1602611311, as Mixpanel exports it"


def _table(folder: Path, name: str) -> list[tuple]:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def _export(tmp_path: Path, *events: dict | str, name: str = "export.jsonl") -> Path:
    """An export of the events given (a dict is one line; a str is written as it is)."""
    path = tmp_path / name
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n"
                            for e in events))
    return path


def _event(name: str = "Report Created", **properties) -> dict:
    return {"event": name, "properties": {"time": 1790841600, "distinct_id": "u1",
                                          **properties}}


def test_the_raw_export_becomes_events_and_users(cli, tmp_path):
    code, out, err = cli("import", "mixpanel", EXPORT, tmp_path / "acme")
    assert (code, err) == (0, "")
    T = pd.Timestamp
    assert _table(tmp_path / "acme", "events") == [
        # An anonymous page view already carries the canonical distinct id u-ana.
        ("u-ana", T("2026-10-01 08:00:00"), "$mp_web_page_view", None, "web", None),
        # Sent twice with one $insert_id: one event.
        ("u-ana", T("2026-10-01 08:01:00"), "Sign Up", None, "web", None),
        # The web library in an iPhone's browser is the web.
        ("u-ana", T("2026-10-02 09:30:00"), "Report Created", None, "web", None),
        # The distinct id, not $user_id (ben@example.com): an Original ID Merge cluster
        # whose canonical id is the device's stays one user.
        ("B-77", T("2026-10-02 21:15:00"), "App Open", None, "ios", None),
        ("B-77", T("2026-10-02 21:20:00"), "Report Viewed", None, "ios", None),
        ("u-cleo", T("2026-10-03 07:30:00"), "Report Created", None, "android", None),
        # React Native on Android, twice, without $insert_id: never duplicates.
        ("u-cleo", T("2026-10-03 07:45:00"), "Report Viewed", None, "android", None),
        ("u-cleo", T("2026-10-03 07:45:00"), "Report Viewed", None, "android", None),
        # The $insert_id of 07:30's event, but another event and time: not a duplicate.
        ("u-cleo", T("2026-10-03 12:00:00"), "Report Viewed", None, "android", None),
        # Sent by a server library: no platform.
        ("u-ana", T("2026-10-04 00:00:00"), "Invoice Paid", None, None, None)]
    assert _table(tmp_path / "acme", "users") == [
        ("B-77", T("2026-10-02 21:15:00"), "US"),
        # The country of the first event (Berlin), not of the later one in Vienna.
        ("u-ana", T("2026-10-01 08:00:00"), "DE"),
        ("u-cleo", T("2026-10-03 07:30:00"), "FR")]
    assert out.splitlines() == [
        f"Imported the Mixpanel export into {tmp_path / 'acme'}:",
        "  events.parquet              10 rows, 2026-10-01 to 2026-10-04",
        "  users.parquet                3 rows, 2026-10-01 to 2026-10-03",
        "Dropped:",
        "             1 duplicate events (same event, distinct_id, time and $insert_id)",
        "             1 $hotshard_events events (Mixpanel's own, not a user's action)",
        "             1 $identify events (Mixpanel's own, not a user's action)",
        "             1 events with an empty distinct_id (no user's; Mixpanel leaves them "
        "out of per-user analysis)",
        UTC_NOTE,
        "The commonest events: Report Viewed (4), Report Created (2), $mp_web_page_view (1), "
        "App Open (1), Invoice Paid (1), Sign Up (1).",
        FUNNEL_HINT]
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == ["events.parquet",
                                                                     "users.parquet"]


def test_the_imported_export_passes_the_contract(cli, tmp_path):
    cli("import", "mixpanel", EXPORT, tmp_path / "acme")
    params = tmp_path / "acme.yml"
    params.write_text("funnel_steps: [Sign Up, Report Created, Report Viewed]\n")
    code, out, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err
    assert "events" in out and "users" in out


def test_of_two_copies_the_one_mixpanel_processed_last_is_kept(cli, tmp_path):
    later = _event("Sign Up", **{"$insert_id": "x1", "mp_country_code": "AT",
                                 "mp_processing_time_ms": 1790841605000})
    first = _event("Sign Up", **{"$insert_id": "x1", "mp_country_code": "DE",
                                 "mp_processing_time_ms": 1790841601000})
    # The same $insert_id a second later is another event, as Mixpanel counts it.
    other = _event("Sign Up", **{"$insert_id": "x1", "time": 1790841601})
    code, out, _ = cli("import", "mixpanel", _export(tmp_path, later, first, other),
                       tmp_path / "acme")
    assert code == 0
    assert _table(tmp_path / "acme", "users") == [("u1", pd.Timestamp("2026-10-01 08:00"),
                                                   "AT")]
    assert len(_table(tmp_path / "acme", "events")) == 2
    assert "             1 duplicate events (same event, distinct_id, time and $insert_id)" \
        in out.splitlines()


@pytest.mark.parametrize("properties, platform", [
    ({"mp_lib": "web", "$os": "Windows"}, "web"),
    ({"mp_lib": "web", "$os": "Android"}, "web"),
    ({"mp_lib": "swift", "$os": "iOS"}, "ios"),
    ({"mp_lib": "iphone"}, "ios"),
    ({"mp_lib": "flutter", "$os": "iPadOS"}, "ios"),
    ({"mp_lib": "android"}, "android"),
    ({"mp_lib": "react-native", "$os": "Android"}, "android"),
    ({"mp_lib": "swift", "$os": "macOS"}, None),
    ({"mp_lib": "python"}, None),
    ({}, None),
])
def test_the_platform_comes_from_the_library_and_the_os(cli, tmp_path, properties, platform):
    code, _, err = cli("import", "mixpanel", _export(tmp_path, _event(**properties)),
                       tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events")[0][4] == platform


def test_an_event_without_a_distinct_id_takes_the_one_mixpanel_would_give_it(cli, tmp_path):
    events = [{"event": "Login", "properties": {"time": 1790841600, **p}} for p in (
        {"$user_id": "u-dan", "$device_id": "d-5"},  # identified: the user id
        {"$device_id": "d-9"},  # anonymous: the device, as Mixpanel writes it
        {"$user_id": "", "$device_id": ""},  # nobody
        {"distinct_id": None})]
    code, out, _ = cli("import", "mixpanel", _export(tmp_path, *events), tmp_path / "acme")
    assert code == 0
    assert [row[0] for row in _table(tmp_path / "acme", "events")] == ["$device:d-9", "u-dan"]
    assert "             2 events with no distinct_id, $user_id or $device_id" \
        in out.splitlines()


def test_a_time_in_milliseconds_is_read_as_milliseconds(cli, tmp_path):
    # An export asked for with time_in_ms=true.
    code, _, _ = cli("import", "mixpanel", _export(tmp_path, _event(time=1790841600250)),
                     tmp_path / "acme")
    assert code == 0
    assert _table(tmp_path / "acme", "events")[0][1] == pd.Timestamp("2026-10-01 08:00:00.250")


def test_the_time_of_a_project_before_2023_is_read_in_its_time_zone(cli, tmp_path):
    params = tmp_path / "acme.yml"
    params.write_text("imports:\n  timezone: America/New_York\n")
    code, out, err = cli("import", "mixpanel", _export(tmp_path, _event()), tmp_path / "acme",
                         "--params", params)
    assert (code, err) == (0, "")
    # 1790841600 is 08:00 on the wall clock in New York, summer time (UTC-4): 12:00 UTC.
    assert _table(tmp_path / "acme", "events")[0][1] == pd.Timestamp("2026-10-01 12:00")
    assert UTC_NOTE not in out


def test_a_folder_of_gzipped_and_plain_files_is_one_export(cli, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    with gzip.open(export / "2026-10-01.json.gz", "wt") as f:
        f.write(json.dumps(_event(**{"$insert_id": "x1"})) + "\n")
    # The same event again in the next day's file (an overlapping export): one event.
    _export(export, _event(**{"$insert_id": "x1"}), _event("Login", time=1790928000),
            name="2026-10-02.json")
    code, out, err = cli("import", "mixpanel", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u1", pd.Timestamp("2026-10-01 08:00"), "Report Created", None, None, None),
        ("u1", pd.Timestamp("2026-10-02 08:00"), "Login", None, None, None)]
    assert "             1 duplicate events (same event, distinct_id, time and $insert_id)" \
        in out.splitlines()


GOOD = json.dumps(_event())


@pytest.mark.parametrize("line, message", [
    ('{"event": "Login", "properties": {"time": 1790841600, "distinct_id": "u1"}',
     "export.jsonl:3: is not valid JSON (expected one JSON object per line)"),
    ('{"event": "Login", "properties": {"distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: has no time (expected " + SECONDS + ")"),
    ('{"event": "Login", "properties": {"time": null, "distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: has no time (expected " + SECONDS + ")"),
    ('{"event": "Login", "properties": {"time": "1790841600", "distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: is not a number (found '1790841600', expected "
     + SECONDS + ")"),
    ('{"event": "Login", "properties": {"time": "2026-10-01T08:00:00Z", "distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: is not a number (found '2026-10-01T08:00:00Z', "
     "expected " + SECONDS + ")"),
    ('{"event": "Login", "properties": {"time": -5, "distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: is not a time (found -5, expected " + SECONDS + ")"),
    ('{"event": "Login", "properties": {"time": 1e20, "distinct_id": "u1"}}',
     "export.jsonl:3: properties.time: is not a time (found 1e+20, expected " + SECONDS + ")"),
    ('{"event": "Login"}',
     "export.jsonl:3: properties: has no properties (expected the event's properties, "
     "with its time)"),
    ('{"event": "Login", "properties": "time=1790841600"}',
     "export.jsonl:3: properties: is not a JSON object (found 'time=1790841600', expected "
     "the event's properties, such as {\"time\": 1602611311, \"distinct_id\": \"u1\"})"),
    ('{"event": "", "properties": {"time": 1790841600, "distinct_id": "u1"}}',
     "export.jsonl:3: event: has no name (expected the event's name)"),
    ('["Login", {"time": 1790841600}]',
     "export.jsonl:3: is not a JSON object (expected one event per line, as {\"event\": "
     "..., \"properties\": {...}})"),
])
def test_a_bad_line_is_refused_in_one_line_and_nothing_is_written(cli, tmp_path, line,
                                                                 message):
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "mixpanel", _export(tmp_path, GOOD, GOOD, line, GOOD),
                         out_dir)
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert not out_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.jsonl"]


def test_a_gzipped_file_names_the_line_of_its_fault(cli, tmp_path):
    export = tmp_path / "export.json.gz"
    with gzip.open(export, "wt") as f:
        f.write(GOOD + "\n" + '{"event": "Login", "properties": {"time": "soon"}}\n')
    code, _, err = cli("import", "mixpanel", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}:2: properties.time: is not a number (found 'soon', "
                   f"expected {SECONDS})\n")


@pytest.mark.parametrize("line, message", [
    # Amplitude's export: no event, no properties.
    ('{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000", "user_id": "u1"}',
     "has no field 'event' (the event's name), which every Mixpanel export has: is it "
     "another tool's export? (found event_time, event_type, user_id)"),
    # Segment's track calls: an event and properties, but the time is elsewhere.
    ('{"type": "track", "event": "Login", "userId": "u1", "properties": {"plan": "pro"}, '
     '"timestamp": "2026-10-01T08:00:00Z"}',
     "has no field 'properties.time' (when it happened), which every Mixpanel export has: "
     "is it another tool's export?"),
])
def test_another_tools_export_is_refused(cli, tmp_path, line, message):
    export = _export(tmp_path, line)
    code, _, err = cli("import", "mixpanel", export, tmp_path / "acme")
    assert code == 2
    assert err == f"cpo-kit: {export}: {message}\n"
    assert not (tmp_path / "acme").exists()


def test_a_line_not_an_object_past_what_duckdb_samples_is_found(cli, tmp_path):
    # DuckDB guesses the columns from the first lines only: this fault is met later.
    export = _export(tmp_path, *[GOOD] * 25_000, "[1790841600]", GOOD)
    code, _, err = cli("import", "mixpanel", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}:25001: is not a JSON object (expected one event per "
                   "line, as {\"event\": ..., \"properties\": {...}})\n")


def test_an_export_without_a_line_is_refused(cli, tmp_path):
    # The export API answers a range without events with nothing at all.
    export = _export(tmp_path, "")
    code, _, err = cli("import", "mixpanel", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: holds no events (expected one event per line, as "
                   "{\"event\": ..., \"properties\": {...}})\n")
    assert not (tmp_path / "acme").exists()
