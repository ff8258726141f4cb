"""``cpo-kit import ga4``: hand-written GA4 BigQuery export rows, each mapping rule and refusal.

The fixture ``exports/ga4/`` holds two daily tables (``events_20261001.jsonl``,
``events_20261002.jsonl``) written by hand as BigQuery exports them in JSON lines:
the nested ``event_params``, ``device`` and ``geo`` records, INT64 values written as
JSON strings, null fields left out. The Parquet variant is built in the test from
nested rows written here. Expected tables are worked out from the rows by hand:
2026-10-01 00:00 UTC is 1790812800 seconds since 1970.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FUNNEL_HINT

EXPORT = Path(__file__).parent / "exports" / "ga4"
ANA_DEVICE = "1803964123.1790841598"
BEN = "9F2C6E1A4B7D4E0F8A3C5B6D7E8F9A0B"
CLEO = "4d6b1e0c2a9f4b8e9c7d3a1f5e2b6c8d"
T = pd.Timestamp


def _table(folder: Path, name: str) -> list[tuple]:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_the_daily_tables_become_events_and_users(cli, tmp_path):
    code, out, err = cli("import", "ga4", EXPORT, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        # Before signing in, Ana is her browser's pseudo id; microseconds are kept.
        (ANA_DEVICE, T("2026-10-01 08:00:00.25"), "page_view", None, "web",
         f"{ANA_DEVICE}-1790841600"),
        # Signed in: user_id is the user; the session stays the browser's.
        ("ana-7", T("2026-10-01 08:02:10"), "login", None, "web", f"{ANA_DEVICE}-1790841600"),
        ("ana-7", T("2026-10-01 08:04:30.123456"), "report_created", None, "web",
         f"{ANA_DEVICE}-1790841600"),
        (BEN, T("2026-10-01 21:15:01.5"), "screen_view", None, "ios", f"{BEN}-1790889300"),
        (BEN, T("2026-10-01 21:16:00"), "report_shared", None, "ios", f"{BEN}-1790889300"),
        # Ben and Cleo started a session in the same second: two sessions all the same.
        (BEN, T("2026-10-02 07:30:02"), "screen_view", None, "ios", f"{BEN}-1790926200"),
        (CLEO, T("2026-10-02 07:30:00"), "screen_view", None, "android", f"{CLEO}-1790926200"),
        (CLEO, T("2026-10-02 07:45:00"), "report_created", None, "android",
         f"{CLEO}-1790926200"),
        # A notification opened: no ga_session_id among its parameters, no session.
        (CLEO, T("2026-10-02 18:00:00"), "notification_open", None, "android", None)]
    assert _table(tmp_path / "acme", "users") == [
        # Signed up at the first touch; the country as GA4 writes it.
        (ANA_DEVICE, T("2026-10-01 08:00:00"), "Germany"),
        # No first touch: the first event; the first country that is set.
        (CLEO, T("2026-10-02 07:30:00"), "France"),
        (BEN, T("2026-10-01 21:15:00"), "United States"),
        ("ana-7", T("2026-10-01 08:00:00"), "Germany")]
    assert out.splitlines() == [
        f"Imported the Google Analytics 4 export into {tmp_path / 'acme'}:",
        "  events.parquet               9 rows, 2026-10-01 to 2026-10-02",
        "  users.parquet                4 rows, 2026-10-01 to 2026-10-02",
        "Dropped:",
        "             1 events with neither user_id nor user_pseudo_id (a visitor who refused "
        "analytics cookies)",
        "             1 first_open events (GA4's marker of an app's first open, not a user's "
        "action)",
        "             1 first_visit events (GA4's marker of a first visit to the website, not "
        "a user's action)",
        "             1 os_update events (the device's system was updated, not a user's "
        "action)",
        "             3 session_start events (GA4's marker of a session's start, not a user's "
        "action)",
        "             2 user_engagement events (GA4's engagement timer, not a user's action)",
        "The commonest events: screen_view (3), report_created (2), login (1), "
        "notification_open (1), page_view (1), report_shared (1).",
        FUNNEL_HINT]


def test_the_imported_export_passes_the_contract(cli, tmp_path):
    cli("import", "ga4", EXPORT, tmp_path / "acme")
    params = tmp_path / "acme.yml"
    params.write_text("funnel_steps: [page_view, login, report_created]\n")
    code, out, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err
    assert "events" in out and "users" in out


def _jsonl(tmp_path: Path, *lines: str, name: str = "events_20261001.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


def _row(**fields) -> str:
    """One export row as BigQuery writes it in JSON lines, with ``fields`` changed."""
    row = {"event_date": "20261001", "event_timestamp": "1790841600000000",
           "event_name": "login",
           "event_params": [{"key": "ga_session_id", "value": {"int_value": "1790841600"}}],
           "user_pseudo_id": "p1", "user_first_touch_timestamp": "1790841000000000",
           "platform": "WEB"}
    row.update(fields)
    return json.dumps({k: v for k, v in row.items() if v is not None})


def test_numbers_written_as_json_numbers_are_read_too(cli, tmp_path):
    export = _jsonl(tmp_path, _row(event_timestamp=1790841600000000, event_params=[
        {"key": "page_title", "value": {"string_value": "Home"}},
        {"key": "ga_session_id", "value": {"int_value": 1790841600}}]))
    code, _, err = cli("import", "ga4", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("p1", T("2026-10-01 08:00:00"), "login", None, "web", "p1-1790841600")]


def test_a_user_id_without_a_pseudo_id_scopes_the_session_and_an_odd_platform_is_empty(
        cli, tmp_path):
    # A server-sent event (GA4's Measurement Protocol): a user id, no pseudo id.
    export = _jsonl(tmp_path, _row(user_pseudo_id=None, user_id="u9", platform="SERVER"))
    code, _, err = cli("import", "ga4", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("u9", T("2026-10-01 08:00:00"), "login", None, None, "u9-1790841600")]
    assert _table(tmp_path / "acme", "users") == [("u9", T("2026-10-01 07:50:00"), None)]


PARAMS = pa.list_(pa.struct([
    ("key", pa.string()),
    ("value", pa.struct([("string_value", pa.string()), ("int_value", pa.int64()),
                         ("float_value", pa.float64()), ("double_value", pa.float64())]))]))
SCHEMA = pa.schema([
    ("event_date", pa.string()), ("event_timestamp", pa.int64()), ("event_name", pa.string()),
    ("event_params", PARAMS), ("user_id", pa.string()), ("user_pseudo_id", pa.string()),
    ("user_first_touch_timestamp", pa.int64()),
    ("device", pa.struct([("category", pa.string()), ("operating_system", pa.string())])),
    ("geo", pa.struct([("country", pa.string()), ("city", pa.string())])),
    ("platform", pa.string())])


def _param(key: str, *, string=None, integer=None) -> dict:
    return {"key": key, "value": {"string_value": string, "int_value": integer,
                                  "float_value": None, "double_value": None}}


def _parquet(path: Path, rows: list[dict], schema: pa.Schema = SCHEMA) -> Path:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def test_a_parquet_export_with_nested_params(cli, tmp_path):
    export = _parquet(tmp_path / "events_20261003.parquet", [
        {"event_date": "20261003", "event_timestamp": 1790985600000001,
         "event_name": "session_start",
         "event_params": [_param("ga_session_id", integer=1790985600)],
         "user_id": None, "user_pseudo_id": "77.1790985590",
         "user_first_touch_timestamp": None,
         "device": {"category": "desktop", "operating_system": "Windows"},
         "geo": {"country": "Japan", "city": "Osaka"}, "platform": "WEB"},
        {"event_date": "20261003", "event_timestamp": 1790985660000000,
         "event_name": "file_download",
         "event_params": [_param("file_name", string="q3.pdf"),
                          _param("ga_session_id", integer=1790985600)],
         "user_id": "dan", "user_pseudo_id": "77.1790985590",
         "user_first_touch_timestamp": None,
         "device": {"category": "desktop", "operating_system": "Windows"},
         "geo": {"country": "Japan", "city": "Osaka"}, "platform": "WEB"},
        # No parameters at all, and no platform.
        {"event_date": "20261003", "event_timestamp": 1790989200000000,
         "event_name": "purchase", "event_params": [], "user_id": "dan",
         "user_pseudo_id": None, "user_first_touch_timestamp": None,
         "device": None, "geo": None, "platform": None}])
    code, out, err = cli("import", "ga4", export, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("dan", T("2026-10-03 00:01:00"), "file_download", None, "web",
         "77.1790985590-1790985600"),
        ("dan", T("2026-10-03 01:00:00"), "purchase", None, None, None)]
    # The dropped session_start still says when the visitor first came.
    assert _table(tmp_path / "acme", "users") == [
        ("77.1790985590", T("2026-10-03 00:00:00.000001"), "Japan"),
        ("dan", T("2026-10-03 00:01:00"), "Japan")]
    assert out.splitlines()[-3:] == [
        "             1 session_start events (GA4's marker of a session's start, not a user's "
        "action)",
        "The commonest events: file_download (1), purchase (1).",
        FUNNEL_HINT]


def test_a_parquet_row_without_a_name_is_refused_with_its_record(cli, tmp_path):
    row = {"event_date": "20261003", "event_timestamp": 1790985600000000,
           "event_name": "login", "event_params": [], "user_id": None,
           "user_pseudo_id": "p1", "user_first_touch_timestamp": None, "device": None,
           "geo": None, "platform": "WEB"}
    export = _parquet(tmp_path / "events_20261003.parquet", [row, {**row, "event_name": None}])
    code, out, err = cli("import", "ga4", export, tmp_path / "acme")
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {export}:2: event_name: an event has no name\n"


def test_parquet_params_that_are_not_gas_records_are_refused(cli, tmp_path):
    schema = pa.schema([("event_timestamp", pa.int64()), ("event_name", pa.string()),
                        ("event_params", pa.string()), ("user_pseudo_id", pa.string())])
    export = _parquet(tmp_path / "flat.parquet", [
        {"event_timestamp": 1790985600000000, "event_name": "login",
         "event_params": '{"ga_session_id": 1790985600}', "user_pseudo_id": "p1"}], schema)
    code, _, err = cli("import", "ga4", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: event_params: is not GA4's repeated record of event "
                   "parameters (found VARCHAR, expected a list of {key, value: {string_value, "
                   "int_value, float_value, double_value}})\n")


MICROS = ("expected microseconds since 1970-01-01 UTC, as GA4 writes them, such as "
          "1790841600000000")


@pytest.mark.parametrize("line, message", [
    ('{"event_date":"20261001","event_timestamp":"1790841600000000","event_name":"lo',
     "events_20261001.jsonl:2: is not valid JSON (expected one JSON object per line)"),
    (_row(event_timestamp="yesterday"),
     f"events_20261001.jsonl:2: event_timestamp: is not a number (found 'yesterday', {MICROS})"),
    # Seconds, not microseconds: 1970-01-21 if read as GA4's unit.
    (_row(event_timestamp="1790841600"),
     "events_20261001.jsonl:2: event_timestamp: is not a time between 2000 and 2099 in "
     "microseconds (a time in seconds or milliseconds would read as 1970) (found "
     f"'1790841600', {MICROS})"),
    (_row(event_timestamp=None),
     "events_20261001.jsonl:2: event_timestamp: an event has no time"),
    (_row(event_name=None), "events_20261001.jsonl:2: event_name: an event has no name"),
    (_row(user_first_touch_timestamp="2026-10-01"),
     "events_20261001.jsonl:2: user_first_touch_timestamp: is not a number (found "
     f"'2026-10-01', {MICROS})"),
    (_row(event_params={"key": "ga_session_id", "value": {"int_value": "1790841600"}}),
     "events_20261001.jsonl:2: event_params: is not of the shape GA4 exports (found "
     "'{\"key\": \"ga_session_id\", \"value\": {\"int_value\": \"1790841600\"}}', expected "
     "a list of {key, value} records)"),
])
def test_a_bad_row_is_refused_in_one_line_and_nothing_is_written(cli, tmp_path, line, message):
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "ga4", _jsonl(tmp_path, _row(), line), out_dir)
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events_20261001.jsonl"]


def test_an_export_in_which_nobody_has_an_id_is_refused(cli, tmp_path):
    export = _jsonl(tmp_path, _row(user_pseudo_id=None), _row(user_pseudo_id=None))
    code, _, err = cli("import", "ga4", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: user_pseudo_id: no event has a user_id or a "
                   "user_pseudo_id, so there is nobody to import (GA4 writes neither where "
                   "the visitor refused analytics cookies)\n")
    assert not (tmp_path / "acme").exists()


def test_another_tools_export_is_refused_by_its_missing_fields(cli, tmp_path):
    export = _jsonl(tmp_path, '{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000",'
                    ' "user_id": "u1"}', name="amplitude.jsonl")
    code, _, err = cli("import", "ga4", export, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {export}: has no field 'event_name' (the event's name), which "
                   "every GA4 export has: is it another tool's export? (found event_time, "
                   "event_type, user_id)\n")


@pytest.mark.parametrize("daily, intraday", [
    ("events_20261001.jsonl", "events_intraday_20261001.jsonl"),
    # An export of a large table is split into numbered files.
    ("events_20261001-000000000000.json", "events_intraday_20261001-000000000001.json"),
])
def test_a_day_with_its_intraday_table_too_is_refused(cli, tmp_path, daily, intraday):
    _jsonl(tmp_path, _row(), name=daily)
    _jsonl(tmp_path, _row(), name="events_20261002.jsonl")
    intraday = _jsonl(tmp_path, _row(), name=intraday)
    code, _, err = cli("import", "ga4", tmp_path, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {intraday}: is the intraday table of a day whose daily table "
                   f"{daily} is there too: the same events would be read twice "
                   "(expected the daily table alone: it holds the whole day)\n")
