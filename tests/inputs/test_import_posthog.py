"""``cpo-kit import posthog``: a hand-written PostHog export, each mapping rule and refusal.

The fixture ``exports/posthog/events.csv`` is written by hand in the shape of
PostHog's events export (``uuid``, ``event``, ``properties`` as JSON text,
``timestamp``, ``distinct_id``, ``person_id``); the expected tables are worked out
from it by hand.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FUNNEL_HINT

EXPORT = Path(__file__).parent / "exports" / "posthog" / "events.csv"
ANA = "5f1c0000-0000-4000-8000-000000000001"
BEN = "5f1c0000-0000-4000-8000-000000000002"


def _table(folder: Path, name: str) -> list[tuple]:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_the_events_export_becomes_the_events_table(cli, tmp_path):
    code, out, err = cli("import", "posthog", EXPORT, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        # person_id is the user; the +02:00 time is 08:01:30 in UTC; $lib web is the web.
        (ANA, pd.Timestamp("2026-10-01 08:00:00"), "$pageview", None, "web", "s-1"),
        (ANA, pd.Timestamp("2026-10-01 08:01:30"), "report_created", None, "web", "s-1"),
        # React Native on iOS: the platform comes from $os.
        (BEN, pd.Timestamp("2026-10-02 21:15:00"), "$screen", None, "ios", "s-2"),
        # No person: the distinct id is the user; no $session_id, no session.
        ("dev-88", pd.Timestamp("2026-10-03 07:30:00"), "report_shared", None, "android",
         None)]
    assert out.splitlines() == [
        f"Imported the PostHog export into {tmp_path / 'acme'}:",
        "  events.parquet               4 rows, 2026-10-01 to 2026-10-03",
        "Dropped:",
        "             1 events with neither person_id nor distinct_id",
        "             1 $feature_flag_called events (PostHog's bookkeeping, not a user's action)",
        "             1 $identify events (PostHog's bookkeeping, not a user's action)",
        "The commonest events: $pageview (1), $screen (1), report_created (1), "
        "report_shared (1).",
        FUNNEL_HINT]
    # No person data in this export: no users table.
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == ["events.parquet"]


def test_the_imported_events_pass_the_contract(cli, tmp_path):
    cli("import", "posthog", EXPORT, tmp_path / "acme")
    params = tmp_path / "acme.yml"
    params.write_text("funnel_steps: [$pageview, report_created, report_shared]\n")
    code, out, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err
    assert "events" in out


def _batch_export(path: Path, rows: list[dict]) -> Path:
    """A Parquet file as PostHog's batch export writes one, from rows written here."""
    pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema([
        ("uuid", pa.string()), ("event", pa.string()), ("properties", pa.string()),
        ("distinct_id", pa.string()), ("person_id", pa.string()),
        ("timestamp", pa.timestamp("us", tz="UTC")), ("person_properties", pa.string()),
        ("person_created_at", pa.timestamp("ms", tz="UTC"))])), path)
    return path


def test_a_batch_export_with_person_data_gives_users_too(cli, tmp_path):
    utc = "UTC"
    export = _batch_export(tmp_path / "batch.parquet", [
        {"uuid": "e1", "event": "login", "properties": '{"$lib": "web"}', "distinct_id": "d1",
         "person_id": "p1", "timestamp": pd.Timestamp("2026-10-05 09:00", tz=utc),
         "person_properties": '{"$geoip_country_code": "DE"}',
         "person_created_at": pd.Timestamp("2026-09-30 18:00", tz=utc)},
        {"uuid": "e2", "event": "login", "properties": '{"$lib": "web"}', "distinct_id": "d1",
         "person_id": "p1", "timestamp": pd.Timestamp("2026-10-06 09:00", tz=utc),
         "person_properties": '{"$geoip_country_code": "DE"}',
         "person_created_at": pd.Timestamp("2026-09-30 18:00", tz=utc)},
        # A person PostHog has no creation time for: signed up at the first event.
        {"uuid": "e3", "event": "login", "properties": "{}", "distinct_id": "d2",
         "person_id": "p2", "timestamp": pd.Timestamp("2026-10-07 12:00", tz=utc),
         "person_properties": "{}", "person_created_at": None}])
    code, out, err = cli("import", "posthog", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "users") == [
        ("p1", pd.Timestamp("2026-09-30 18:00"), "DE"),
        ("p2", pd.Timestamp("2026-10-07 12:00"), None)]
    assert "  users.parquet                2 rows, 2026-09-30 to 2026-10-07" in out.splitlines()
    assert "Nothing was dropped." in out


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("uuid,event,properties,timestamp,distinct_id,person_id\n"
                    + "".join(r + "\n" for r in rows))
    return path


GOOD = 'u1,login,"{""$lib"": ""web""}",2026-10-01T08:00:00Z,d1,p1'


@pytest.mark.parametrize("row, message", [
    ('u2,login,{},2026-10-01 08:00:00,d1,p1',
     "export.csv:3: timestamp: cannot be read as a time (found '2026-10-01 08:00:00', "
     "expected a date and time with its zone, such as 2026-10-01T09:30:00Z (a time without "
     "a zone is refused unless the params file says the tool's zone, as imports: "
     "{timezone: UTC}))"),
    ('u2,login,{},yesterday,d1,p1',
     "export.csv:3: timestamp: cannot be read as a time (found 'yesterday', expected a date "
     "and time with its zone, such as 2026-10-01T09:30:00Z (a time without a zone is "
     "refused unless the params file says the tool's zone, as imports: {timezone: UTC}))"),
    ('u2,login,"{""$lib"": web}",2026-10-01T08:00:00Z,d1,p1',
     "export.csv:3: properties: is not valid JSON (found '{\"$lib\": web}', expected the "
     "event's properties as a JSON object)"),
    ('u2,login,{},2026-10-01T08:00:00Z,d1,p1,extra',
     "export.csv:3: has a row that does not fit the header (found 7 fields, expected 6 "
     "fields, as in the header)"),
])
def test_a_bad_row_is_refused_in_one_line_and_nothing_is_written(cli, tmp_path, row, message):
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "posthog", _csv(tmp_path, GOOD, row), out_dir)
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert not out_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_time_without_a_zone_is_read_in_the_zone_the_params_name(cli, tmp_path):
    params = tmp_path / "acme.yml"
    params.write_text("imports:\n  timezone: Europe/Berlin\n")
    export = _csv(tmp_path, 'u1,login,{},2026-10-01 08:00:00,d1,p1')
    code, _, err = cli("import", "posthog", export, tmp_path / "acme", "--params", params)
    assert (code, err) == (0, "")
    # 08:00 in Berlin, summer time (UTC+2), is 06:00 in UTC.
    assert _table(tmp_path / "acme", "events")[0][1] == pd.Timestamp("2026-10-01 06:00")


def test_another_tools_export_is_refused_by_its_missing_fields(cli, tmp_path):
    export = tmp_path / "amplitude.jsonl"
    export.write_text('{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000", '
                      '"user_id": "u1"}\n')
    code, _, err = cli("import", "posthog", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: has no field 'event' (the event's name), which every "
                   "PostHog export has: is it another tool's export? (found event_time, "
                   "event_type, user_id)\n")


def test_a_table_already_in_the_folder_is_not_replaced(cli, tmp_path):
    out_dir = tmp_path / "acme"
    out_dir.mkdir()
    (out_dir / "events.csv").write_text("user_id,timestamp,event\n")
    (out_dir / "accounts.csv").write_text("account_id\n")
    code, _, err = cli("import", "posthog", EXPORT, out_dir)
    assert code == 2
    assert err == (f"cpo-kit: {out_dir / 'events.csv'}: is already there: import into a new "
                   "folder, or move the file away first (a table in two files would be "
                   "ambiguous)\n")
    assert sorted(p.name for p in out_dir.iterdir()) == ["accounts.csv", "events.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme"]


def test_an_unknown_import_option_is_refused(cli, tmp_path):
    params = tmp_path / "acme.yml"
    params.write_text("imports:\n  time_zone: UTC\n")
    code, _, err = cli("import", "posthog", EXPORT, tmp_path / "acme", "--params", params)
    assert code == 2
    assert err == (f"cpo-kit: {params}: imports: unknown option 'time_zone': known are "
                   "timezone, exchange_rates\n")


def test_a_refused_import_leaves_no_folder_it_made(cli, tmp_path):
    out_dir = tmp_path / "new" / "acme"
    code, _, _ = cli("import", "posthog", _csv(tmp_path, "u1,login,{},yesterday,d1,p1"), out_dir)
    assert code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_an_import_makes_the_folders_it_is_given(cli, tmp_path):
    code, _, err = cli("import", "posthog", EXPORT, tmp_path / "new" / "acme")
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "new" / "acme").iterdir()) == ["events.parquet"]
