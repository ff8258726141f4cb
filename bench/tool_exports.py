"""The sample company's events (and users) written as each event tool exports them.

Used by ``bench/imports.py`` (10M events) and by the tests of the importers (the
sample itself, whose imported events must be the sample's): PostHog (CSV with
properties as JSON text), Amplitude (a zip of gzipped JSON-lines files, one a day),
Mixpanel (JSON lines), Segment (``tracks`` and ``identifies`` as Parquet) and Google
Analytics 4 (JSON lines with nested ``event_params``). In time order, as real exports
are, or grouped by user, as the sample's own events file is (DuckDB reads and groups
that order faster).
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path


def _platform(ios: str, android: str, web: str) -> str:
    """SQL writing the sample's platform as a tool's library or platform field does. The
    sample's desktop app is written as the web: it runs the tool's web library, as an
    Electron app does, and every importer reads it as ``web``."""
    return (f"CASE platform WHEN 'ios' THEN '{ios}' WHEN 'android' THEN '{android}' "
            f"ELSE '{web}' END")



#: The orders an export's events can be written in.
ORDERS = {"time": "timestamp, user_id, event", "user": "user_id, timestamp, event"}
#: Each tool's export: its name in the folder of exports.
NAMES = {"posthog": "posthog.csv", "mixpanel": "mixpanel.jsonl", "amplitude": "amplitude.zip",
         "segment": "segment", "ga4": "ga4.jsonl"}


def _exports(events: Path, users: str, order: str) -> dict[str, str]:
    """The SQL COPY that writes each tool's export (``{out}`` is where); ``users`` is the
    DuckDB relation of the users table."""
    ordered = f"(SELECT * FROM read_parquet('{events}') ORDER BY {ORDERS[order]})"
    key = "md5(user_id || CAST(timestamp AS VARCHAR) || event || row_number() OVER ())"
    return {
        "posthog": f"""
            COPY (SELECT {key} AS uuid, event,
                         to_json({{'$lib': {_platform('posthog-ios', 'posthog-android', 'web')},
                                   '$session_id': session_id}}) AS properties,
                         strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS timestamp,
                         user_id AS distinct_id, user_id AS person_id
                  FROM {ordered}) TO '{{out}}' (FORMAT csv, HEADER)""",
        "mixpanel": f"""
            COPY (SELECT event, {{'time': floor(epoch(timestamp))::BIGINT, 'distinct_id': user_id,
                                  '$insert_id': {key},
                                  'mp_lib': {_platform('iphone', 'android', 'web')}}}
                         AS properties
                  FROM {ordered}) TO '{{out}}' (FORMAT json)""",
        "amplitude": f"""
            COPY (SELECT event AS event_type,
                         strftime(timestamp, '%Y-%m-%d %H:%M:%S.%f') AS event_time,
                         user_id, 'device-' || user_id AS device_id,
                         hash(user_id) % 1000000000 AS amplitude_id,
                         epoch_ms(min(timestamp) OVER (PARTITION BY session_id)) AS session_id,
                         {_platform('iOS', 'Android', 'Web')} AS platform,
                         {key} AS "$insert_id", strftime(timestamp, '%Y-%m-%d') AS day
                  FROM {ordered}) TO '{{out}}'
            (FORMAT json, COMPRESSION gzip, PARTITION_BY (day))""",
        "segment": f"""
            COPY (SELECT {key} AS id, 'anon-' || user_id AS anonymous_id, user_id, event,
                         event AS event_text, timestamp,
                         {_platform('analytics-ios', 'analytics-android', 'analytics.js')}
                         AS context_library_name
                  FROM {ordered}) TO '{{out}}/tracks.parquet' (FORMAT parquet);
            COPY (SELECT 'i-' || user_id AS id, 'anon-' || user_id AS anonymous_id, user_id,
                         signup_at AS timestamp, country
                  FROM {users}) TO '{{out}}/identifies.parquet' (FORMAT parquet)
            """,
        "ga4": f"""
            COPY (SELECT strftime(timestamp, '%Y%m%d') AS event_date,
                         epoch_us(timestamp) AS event_timestamp, event AS event_name,
                         [{{'key': 'ga_session_id',
                            'value': {{'int_value': hash(session_id) % 1000000000}}}}]
                         AS event_params,
                         user_id, 'p.' || user_id AS user_pseudo_id,
                         {_platform('IOS', 'ANDROID', 'WEB')} AS platform
                  FROM {ordered}) TO '{{out}}' (FORMAT json)""",
    }


def write_export(tool: str, data: Path, path: Path, order: str = "time") -> None:
    """Write the events (and users) of the company at ``data`` as ``tool`` exports them,
    at ``path`` (a file, or for Segment a folder of tables), in the ``order`` of
    :data:`ORDERS`."""
    import duckdb

    written = path.with_suffix("") if tool == "amplitude" else path
    if tool == "segment":
        path.mkdir()
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    users = (f"read_parquet('{data / 'users.parquet'}')" if (data / "users.parquet").exists()
             else f"read_csv('{data / 'users.csv'}')")
    sql = _exports(data / "events.parquet", users, order)[tool]
    con.execute(sql.replace("{out}", str(written)))
    con.close()
    if tool == "amplitude":
        # Amplitude's archive: one gzipped JSON-lines file an hour (here a day).
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
            for member in sorted(written.rglob("*.json.gz")):
                day = member.parent.name.split("=")[1]
                archive.write(member, f"100000/100000_{day}_0#0.json.gz")
        shutil.rmtree(written)
