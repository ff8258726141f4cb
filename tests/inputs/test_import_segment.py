"""``cpo-kit import segment`` (and ``rudderstack``): hand-written exports, each mapping
rule, the identity stitching and every refusal.

The fixtures are written by hand in Segment's shapes: ``exports/segment/warehouse/``
holds the warehouse tables ``tracks.csv`` and ``identifies.csv`` (Segment's columns:
``id``, ``anonymous_id``, ``user_id``, ``event``, ``event_text``, the four times, the
flattened ``context_*`` fields, traits as columns); ``exports/segment/messages.jsonl``
holds raw messages of Segment's spec. The Parquet tables are built in the tests from
rows written here. The expected tables are worked out from the fixtures by hand.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FUNNEL_HINT

EXPORTS = Path(__file__).parent / "exports" / "segment"
WAREHOUSE = EXPORTS / "warehouse"
#: The warehouse fixture's events, commonest first: anon-x9 twice, anon-y7 and Ana viewed
#: pricing; Ben and Cem viewed a report; Ana signed up, created and shared one.
WAREHOUSE_EVENTS = ("The commonest events: viewed_pricing (4), report_viewed (2), "
                    "report_created (1), report_shared (1), signed_up (1).")
MESSAGES = EXPORTS / "messages.jsonl"
BEN_DEVICE = "0A2B7C1E-4D11-4E55-9F00-1B2C3D4E5F60"
T = pd.Timestamp


def _table(folder: Path, name: str) -> list[tuple]:
    """The rows of a written table, sorted (the stitching join does not keep the order)."""
    frame = pd.read_parquet(folder / f"{name}.parquet")
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=lambda row: (row[0], row[1]))


def _columns(folder: Path, name: str) -> list[str]:
    return list(pd.read_parquet(folder / f"{name}.parquet").columns)


def test_the_warehouse_tables_become_events_stitched_to_their_users(cli, tmp_path):
    code, out, err = cli("import", "segment", WAREHOUSE, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _columns(tmp_path / "acme", "events") == ["user_id", "timestamp", "event", "feature",
                                                      "platform", "session_id"]
    assert _table(tmp_path / "acme", "events") == [
        # Never identified: the anonymous id is the user. React Native says no platform
        # by its library; its context_os_name Android does.
        ("anon-x9", T("2026-10-04 09:00"), "viewed_pricing", None, "android", None),
        ("anon-x9", T("2026-10-04 09:10"), "viewed_pricing", None, "android", None),
        # Flutter, no system name: the platform from context_device_type.
        ("anon-y7", T("2026-10-05 10:00"), "viewed_pricing", None, "android", None),
        # Only an anonymous id: stitched to u-ana, whom anon-a1 was identified as.
        ("u-ana", T("2026-10-01 08:00"), "viewed_pricing", None, "web", None),
        ("u-ana", T("2026-10-01 08:05"), "signed_up", None, "web", None),
        # 11:30 at +02:00 is 09:30 in UTC.
        ("u-ana", T("2026-10-01 09:30"), "report_created", None, "web", None),
        # A server library (analytics-node): no platform.
        ("u-ana", T("2026-10-05 16:00"), "report_shared", None, None, None),
        # analytics-ios; a time without a zone (as Redshift writes it) is UTC.
        ("u-ben", T("2026-10-02 07:15"), "report_viewed", None, "ios", None),
        # anon-s1 was identified as u-ana, then as u-cem: the latest wins. "... UTC"
        # (as BigQuery writes it) is read.
        ("u-cem", T("2026-10-03 12:00"), "report_viewed", None, "web", None)]
    assert out.splitlines() == [
        f"Imported the Segment export into {tmp_path / 'acme'}:",
        "  events.parquet               9 rows, 2026-10-01 to 2026-10-05",
        "  users.parquet                5 rows, 2026-09-30 to 2026-10-05",
        "Dropped:",
        "             1 track calls with neither user_id nor anonymous_id",
        "             1 track calls with no event name",
        "Identities:",
        "  2 events of 2 anonymous visitors stitched to the user they were identified as",
        "  3 events of 2 anonymous visitors never identified: their anonymous id is their "
        "user id",
        "  1 anonymous id identified as more than one user: stitched to the user of the "
        "latest identify",
        WAREHOUSE_EVENTS,
        FUNNEL_HINT]


def test_the_users_sign_up_at_their_first_identify_or_event_with_their_latest_country(
        cli, tmp_path):
    cli("import", "segment", WAREHOUSE, tmp_path / "acme")
    assert _columns(tmp_path / "acme", "users") == ["user_id", "signup_at", "country"]
    assert _table(tmp_path / "acme", "users") == [
        # Anonymous visitors are users too (every event's user must be one), with no country.
        ("anon-x9", T("2026-10-04 09:00"), None),
        ("anon-y7", T("2026-10-05 10:00"), None),
        # Her first event (08:00, stitched) is before her first identify (08:05); her
        # latest identify's context_location_country (Austria) wins over the DE before.
        ("u-ana", T("2026-10-01 08:00"), "Austria"),
        # Identified (2026-09-30 18:00) before his first event.
        ("u-ben", T("2026-09-30 18:00"), "France"),
        # No context_location_country: the address_country trait.
        ("u-cem", T("2026-10-03 10:00"), "PT")]
    # u-dan was identified but did nothing: not a user of the events, not in users.


def test_the_imported_warehouse_tables_pass_the_contract(cli, tmp_path):
    cli("import", "segment", WAREHOUSE, tmp_path / "acme")
    params = tmp_path / "acme.yml"
    params.write_text("funnel_steps: [viewed_pricing, signed_up, report_created]\n")
    code, out, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err
    assert "events" in out and "users" in out


def test_raw_messages_give_the_same_tables_as_the_warehouse_would(cli, tmp_path):
    code, out, err = cli("import", "segment", MESSAGES, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        # Never identified.
        ("anon-z2", T("2026-10-03 12:00"), "viewed_pricing", None, "web", None),
        # "Viewed Pricing" as Segment's warehouse names it; stitched through the identify.
        ("u-mia", T("2026-10-01 08:00"), "viewed_pricing", None, "web", None),
        # "Signed Up" at 10:05+02:00.
        ("u-mia", T("2026-10-01 08:05"), "signed_up", None, "web", None),
        # analytics-swift is an iOS library.
        ("u-mia", T("2026-10-04 09:00"), "report_shared", None, "ios", None),
        # "ReportCreated" (camelCase) from analytics-kotlin.
        ("u-noa", T("2026-10-02 06:01"), "report_created", None, "android", None)]
    assert _table(tmp_path / "acme", "users") == [
        ("anon-z2", T("2026-10-03 12:00"), None),
        # The traits' country.
        ("u-mia", T("2026-10-01 08:00"), "NL"),
        # Identified (06:00:30) before her first track call (06:01); traits.address.country.
        ("u-noa", T("2026-10-02 06:00:30"), "ES")]
    assert out.splitlines() == [
        f"Imported the Segment export into {tmp_path / 'acme'}:",
        "  events.parquet               5 rows, 2026-10-01 to 2026-10-04",
        "  users.parquet                3 rows, 2026-10-01 to 2026-10-03",
        "Dropped:",
        "             1 group calls (only track calls are events)",
        "             1 page calls (only track calls are events)",
        "             1 screen calls (only track calls are events)",
        "Identities:",
        "  1 event of 1 anonymous visitor stitched to the user they were identified as",
        "  1 event of 1 anonymous visitor never identified: their anonymous id is their "
        "user id",
        "The commonest events: viewed_pricing (2), report_created (1), report_shared (1), "
        "signed_up (1).",
        FUNNEL_HINT]


def test_a_folder_of_raw_messages_is_read_and_passes_the_contract(cli, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "2026-10-01.jsonl").write_text(MESSAGES.read_text())
    code, _, err = cli("import", "segment", folder, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert len(_table(tmp_path / "acme", "events")) == 5
    params = tmp_path / "acme.yml"
    params.write_text("funnel_steps: [viewed_pricing, signed_up, report_created]\n")
    code, _, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err


def _parquet(path: Path, rows: list[dict], schema: list[tuple]) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema(schema)), path)


def test_rudderstack_parquet_tables_in_capitals_with_sessions(cli, tmp_path):
    """RudderStack's tables as Parquet, with typed times and the column names in
    capitals (as Snowflake keeps them); its SDKs send context_session_id."""
    folder = tmp_path / "rudder"
    folder.mkdir()
    utc = "UTC"
    _parquet(folder / "tracks.parquet", [
        {"ID": "r1", "ANONYMOUS_ID": "anon-r1", "USER_ID": None, "EVENT": "login",
         "EVENT_TEXT": "Login", "TIMESTAMP": T("2026-10-01 08:00", tz=utc),
         "CONTEXT_LIBRARY_NAME": "RudderLabs JavaScript SDK", "CONTEXT_OS_NAME": "Android",
         "CONTEXT_SESSION_ID": 1790841600},
        {"ID": "r2", "ANONYMOUS_ID": "dev-r2", "USER_ID": "u-ravi", "EVENT": "report_created",
         "EVENT_TEXT": "Report Created", "TIMESTAMP": T("2026-10-02 09:00", tz=utc),
         "CONTEXT_LIBRARY_NAME": "rudder-ios-library", "CONTEXT_OS_NAME": "iOS",
         "CONTEXT_SESSION_ID": 1790931600},
        {"ID": "r3", "ANONYMOUS_ID": "dev-r3", "USER_ID": "u-rosa", "EVENT": "login",
         "EVENT_TEXT": "Login", "TIMESTAMP": T("2026-10-03 10:00", tz=utc),
         "CONTEXT_LIBRARY_NAME": "com.rudderstack.android.sdk.core",
         "CONTEXT_OS_NAME": "Android", "CONTEXT_SESSION_ID": None}],
        [("ID", pa.string()), ("ANONYMOUS_ID", pa.string()), ("USER_ID", pa.string()),
         ("EVENT", pa.string()), ("EVENT_TEXT", pa.string()),
         ("TIMESTAMP", pa.timestamp("ms", tz="UTC")), ("CONTEXT_LIBRARY_NAME", pa.string()),
         ("CONTEXT_OS_NAME", pa.string()), ("CONTEXT_SESSION_ID", pa.int64())])
    _parquet(folder / "identifies.parquet", [
        {"ID": "ri1", "ANONYMOUS_ID": "anon-r1", "USER_ID": "u-rita",
         "TIMESTAMP": T("2026-09-29 12:00", tz=utc), "COUNTRY": "IN"}],
        [("ID", pa.string()), ("ANONYMOUS_ID", pa.string()), ("USER_ID", pa.string()),
         ("TIMESTAMP", pa.timestamp("ms", tz="UTC")), ("COUNTRY", pa.string())])
    code, out, err = cli("import", "rudderstack", folder, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u-ravi", T("2026-10-02 09:00"), "report_created", None, "ios", "1790931600"),
        # RudderStack's JavaScript SDK on a phone's browser is the web product.
        ("u-rita", T("2026-10-01 08:00"), "login", None, "web", "1790841600"),
        ("u-rosa", T("2026-10-03 10:00"), "login", None, "android", None)]
    assert _table(tmp_path / "acme", "users") == [
        ("u-ravi", T("2026-10-02 09:00"), None),
        # The country trait, the only country she was given.
        ("u-rita", T("2026-09-29 12:00"), "IN"),
        ("u-rosa", T("2026-10-03 10:00"), None)]
    assert out.splitlines()[0] == f"Imported the RudderStack export into {tmp_path / 'acme'}:"


def test_rudderstack_messages_carry_their_session(cli, tmp_path):
    export = tmp_path / "rudder.jsonl"
    export.write_text(json.dumps({
        "type": "track", "messageId": "m1", "anonymousId": "anon-q", "userId": "u-quinn",
        "channel": "web", "event": "Report Created", "properties": {},
        "context": {"library": {"name": "RudderLabs JavaScript SDK", "version": "3.0.3"},
                    "sessionId": 1790841600, "sessionStart": True},
        "originalTimestamp": "2026-10-01T08:00:00.000Z",
        "timestamp": "2026-10-01T08:00:01.000Z"}) + "\n")
    code, _, err = cli("import", "rudderstack", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u-quinn", T("2026-10-01 08:00:01"), "report_created", None, "web", "1790841600")]


def test_warehouse_tables_as_json_lines(cli, tmp_path):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    (folder / "tracks.jsonl").write_text(
        '{"id": "w1", "anonymous_id": "anon-w", "event": "login", "event_text": "Login", '
        '"timestamp": "2026-10-01T08:00:00Z", "context_library_name": "analytics.js"}\n')
    (folder / "identifies.jsonl").write_text(
        '{"id": "wi1", "anonymous_id": "anon-w", "user_id": "u-wen", '
        '"timestamp": "2026-10-01T07:00:00Z", "context_location_country": "Japan"}\n')
    code, _, err = cli("import", "segment", folder, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u-wen", T("2026-10-01 08:00"), "login", None, "web", None)]
    assert _table(tmp_path / "acme", "users") == [("u-wen", T("2026-10-01 07:00"), "Japan")]


def test_without_identifies_the_events_are_imported_unstitched_and_the_summary_says_so(
        cli, tmp_path):
    folder = tmp_path / "tracks-only"
    folder.mkdir()
    (folder / "tracks.csv").write_text((WAREHOUSE / "tracks.csv").read_text())
    code, out, err = cli("import", "segment", folder, tmp_path / "acme")
    assert (code, err) == (0, "")
    events = _table(tmp_path / "acme", "events")
    # anon-a1's and anon-s1's calls keep their anonymous ids: nothing ties them to a user.
    assert sorted({e[0] for e in events}) == ["anon-a1", "anon-s1", "anon-x9", "anon-y7",
                                              "u-ana", "u-ben"]
    assert _table(tmp_path / "acme", "users")[0] == ("anon-a1", T("2026-10-01 08:00"), None)
    assert out.splitlines()[-5:] == [
        "Identities:",
        "  no identifies table: anonymous ids were not stitched to user ids",
        "  5 events of 4 anonymous visitors never identified: their anonymous id is their "
        "user id",
        WAREHOUSE_EVENTS,
        FUNNEL_HINT]


def test_a_table_in_several_files_is_read_whole(cli, tmp_path):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    (folder / "tracks.1.csv").write_text("id,user_id,event,timestamp\n"
                                         "m1,u1,login,2026-10-01T08:00:00Z\n")
    (folder / "tracks.2.csv").write_text("id,user_id,event,timestamp\n"
                                         "m2,u2,login,2026-10-02T08:00:00Z\n")
    code, _, err = cli("import", "segment", folder, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u1", T("2026-10-01 08:00"), "login", None, None, None),
        ("u2", T("2026-10-02 08:00"), "login", None, None, None)]


def test_a_lone_tracks_file_is_the_tracks_table(cli, tmp_path):
    code, out, err = cli("import", "segment", WAREHOUSE / "tracks.csv", tmp_path / "acme")
    assert (code, err) == (0, "")
    assert "  no identifies table: anonymous ids were not stitched to user ids" in out


def test_a_lone_identifies_file_is_refused(cli, tmp_path):
    code, _, err = cli("import", "segment", WAREHOUSE / "identifies.csv", tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {WAREHOUSE / 'identifies.csv'}: is the identifies table alone, "
                   "which holds no event (expected the folder holding tracks and identifies)\n")


def test_a_warehouse_time_without_a_zone_is_read_in_the_zone_the_params_name(cli, tmp_path):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    (folder / "tracks.csv").write_text("id,user_id,event,timestamp\n"
                                       "m1,u1,login,2026-10-01 08:00:00\n"
                                       "m2,u1,login,2026-10-01 08:00:00 UTC\n")
    params = tmp_path / "acme.yml"
    params.write_text("imports:\n  timezone: Europe/Berlin\n")
    code, _, err = cli("import", "segment", folder, tmp_path / "acme", "--params", params)
    assert (code, err) == (0, "")
    # 08:00 in Berlin, summer time (UTC+2), is 06:00 in UTC; a time saying UTC stays UTC.
    assert [e[1] for e in _table(tmp_path / "acme", "events")] == [
        T("2026-10-01 06:00"), T("2026-10-01 08:00")]


TRACKS = "id,anonymous_id,user_id,event,timestamp\nm1,a1,,login,2026-10-01T08:00:00Z\n"
IDENTIFIES = "id,anonymous_id,user_id,timestamp\ni1,a1,u1,2026-10-01T08:00:00Z\n"
GOOD = '{"type": "track", "userId": "u1", "event": "Login", "timestamp": "2026-10-01T08:00:00Z"}'


@pytest.mark.parametrize("files, message", [
    # No tracks: an identifies table alone holds no event.
    ({"identifies.csv": IDENTIFIES},
     "warehouse: no tracks file of a Segment export in it (expected files ending .csv, "
     ".csv.gz, .parquet, .jsonl, .ndjson, .json, .jsonl.gz, .ndjson.gz, .json.gz)"),
    ({"tracks.csv": TRACKS + "m2,a1,,login,yesterday\n", "identifies.csv": IDENTIFIES},
     "warehouse/tracks.csv:3: timestamp: cannot be read as a time (found 'yesterday', "
     "expected a date and time, such as 2026-10-01T09:30:00Z)"),
    ({"tracks.csv": TRACKS, "identifies.csv": IDENTIFIES + "i2,a2,u2,\n"},
     "warehouse/identifies.csv:3: timestamp: a call has no time"),
    ({"tracks.csv": TRACKS + "m2,a1,,login,2026-10-01T08:00:00Z,extra\n"},
     "warehouse/tracks.csv:3: has a row that does not fit the header (found 6 fields, "
     "expected 5 fields, as in the header)"),
    ({"tracks.csv": TRACKS, "identifies.csv": "id,anonymous_id,timestamp\n"},
     "warehouse/identifies.csv: has no field 'user_id' (who was identified), which every "
     "Segment identifies export has: is it another tool's export? (found anonymous_id, id, "
     "timestamp)"),
])
def test_a_bad_warehouse_export_is_refused_in_one_line_and_nothing_is_written(
        cli, tmp_path, files, message):
    folder = tmp_path / "warehouse"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    code, out, err = cli("import", "segment", folder, tmp_path / "acme")
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse"]


@pytest.mark.parametrize("line, message", [
    ('{"type": "track", "userId": "u1", "event": "Login", "timestamp": ',
     "messages.jsonl:2: is not valid JSON (expected one JSON object per line)"),
    ('{"type": "track", "userId": "u1", "event": "Login", "timestamp": "2026-10-01 08:00:00"}',
     "messages.jsonl:2: timestamp: cannot be read as a time (found '2026-10-01 08:00:00', "
     "expected a date and time with its zone, such as 2026-10-01T09:30:00Z (a time without "
     "a zone is refused unless the params file says the tool's zone, as imports: "
     "{timezone: UTC}))"),
    ('{"type": "track", "userId": "u1", "event": "Login"}',
     "messages.jsonl:2: timestamp: a call has no time"),
])
def test_a_bad_message_is_refused_in_one_line_and_nothing_is_written(cli, tmp_path, line,
                                                                     message):
    export = tmp_path / "messages.jsonl"
    export.write_text(GOOD + "\n" + line + "\n")
    code, out, err = cli("import", "segment", export, tmp_path / "acme")
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messages.jsonl"]


def test_another_tools_events_are_refused_as_tracks_without_a_user(cli, tmp_path):
    posthog = Path(__file__).parent / "exports" / "posthog" / "events.csv"
    code, _, err = cli("import", "segment", posthog, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {posthog}: has neither 'user_id' nor 'anonymous_id' (who did "
                   "it), one of which every Segment tracks table has: is it another tool's "
                   "export? (found distinct_id, elements_chain, event, person_id, properties, "
                   "timestamp, uuid)\n")


def test_another_tools_json_lines_are_refused_by_their_missing_type(cli, tmp_path):
    export = tmp_path / "amplitude.jsonl"
    export.write_text('{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000", '
                      '"user_id": "u1"}\n')
    code, _, err = cli("import", "rudderstack", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: has no field 'type' (the call's type, such as track "
                   "or identify), which every RudderStack export has: is it another tool's "
                   "export? (found event_time, event_type, user_id)\n")


def test_messages_without_a_user_or_anonymous_id_are_refused(cli, tmp_path):
    export = tmp_path / "calls.jsonl"
    export.write_text('{"type": "track", "event": "Login", "timestamp": "2026-10-01T08:00:00Z"}\n')
    code, _, err = cli("import", "segment", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: has neither 'userId' nor 'anonymousId' (who did it), "
                   "one of which every Segment message has: is it another tool's export? "
                   "(found event, timestamp, type)\n")
