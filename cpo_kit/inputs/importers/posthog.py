"""PostHog: an events export (CSV or Parquet) as the contract's ``events`` and ``users``.

PostHog's events carry ``uuid``, ``event``, ``timestamp``, ``distinct_id``, the
``person_id`` it resolved the distinct id to, and ``properties`` as a JSON text (a
batch export adds ``person_properties`` and ``person_created_at``). The mapping:

- ``user_id``: ``person_id``, else ``distinct_id`` (an event PostHog tied to no person);
  an event with neither is dropped.
- ``timestamp``: ``timestamp``, in UTC.
- ``session_id``: the ``session_id`` column, else the ``$session_id`` property.
- ``platform``: ``web`` for the web library (``$lib`` is ``web``), ``ios`` or
  ``android`` for the mobile libraries or their ``$os``; else empty.
- PostHog's own bookkeeping events (:data:`BOOKKEEPING`: identifying, aliasing,
  setting properties, evaluating flags) are dropped: nobody did anything in the product.
- ``users`` is written where the export has person data: one row per user, signed
  up at ``person_created_at`` (else at their first event), with the country of
  their person properties' ``$geoip_country_code``.

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

from pathlib import Path

from cpo_kit.core import sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import columns_of, find_export, read_problem, refuse, require
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import utc, why_unread

TOOL = "PostHog"
#: Events PostHog sends for its own bookkeeping, not for anything a user did.
BOOKKEEPING = ("$identify", "$create_alias", "$merge_dangerously", "$set", "$groupidentify",
               "$feature_flag_called", "$opt_in", "$delete_person")
NEEDED = {"event": "the event's name", "timestamp": "when it happened",
          "distinct_id": "who did it"}


def import_posthog(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the PostHog export at ``path`` into ``staging``'s ``events`` (and ``users``)."""
    export = find_export(path, formats=("csv", "parquet", "jsonl"), tool=TOOL)
    con = staging.con
    columns = columns_of(con, export)
    require(columns, NEEDED, export, TOOL)
    timezone = options.get("timezone")
    props = _json(columns.get("properties"), "properties")
    person = "nullif(trim(CAST(person_id AS VARCHAR)), '')" if "person_id" in columns else "NULL"
    session = (f"coalesce(nullif(trim(CAST(session_id AS VARCHAR)), ''), "
               f"{_key(props, '$session_id')})"
               if "session_id" in columns else f"{_key(props, '$session_id')}")
    has_people = "person_properties" in columns or "person_created_at" in columns
    created = (utc("person_created_at", columns["person_created_at"], timezone=timezone)
               if "person_created_at" in columns else "NULL")
    country = (_json(columns["person_properties"], "person_properties")
               if "person_properties" in columns else None)
    country = "NULL" if country is None else _key(country, "$geoip_country_code")
    bookkeeping = ", ".join(f"'{e}'" for e in BOOKKEEPING)
    staged = staging.folder / "staged.parquet"
    try:
        con.execute(f"""
            COPY (
              SELECT filename,
                     coalesce({person}, nullif(trim(CAST(distinct_id AS VARCHAR)), '')) AS user_id,
                     {utc('timestamp', columns['timestamp'], timezone=timezone)} AS timestamp,
                     CAST(timestamp AS VARCHAR) AS written_time,
                     CAST(event AS VARCHAR) AS event,
                     {session} AS session_id,
                     CASE WHEN {_key(props, '$lib')} = 'web' THEN 'web'
                          WHEN {_key(props, '$lib')} = 'posthog-ios'
                               OR {_key(props, '$os')} IN ('iOS', 'iPadOS') THEN 'ios'
                          WHEN {_key(props, '$lib')} = 'posthog-android'
                               OR {_key(props, '$os')} = 'Android' THEN 'android'
                     END AS platform,
                     {_valid('properties', columns)} AS properties_valid,
                     CAST(properties AS VARCHAR) AS written_properties,
                     {created} AS person_created_at, {country} AS country
              FROM {export.relation()}
            ) TO {sql.string(staged)} (FORMAT parquet)""")
    except DataError:
        raise
    except Exception as error:  # duckdb.Error: the export's fault, said in one line
        raise DataError([read_problem(error, export)]) from None
    _refuse_unread(con, staged, export, timezone)
    kept = "user_id IS NOT NULL AND event NOT IN (" + bookkeeping + ")"
    no_user = con.execute(f"SELECT count(*) FROM {sql.string(staged)} "
                          "WHERE user_id IS NULL").fetchone()[0]
    staging.drop("events with neither person_id nor distinct_id", no_user)
    for event, count in con.execute(
            f"SELECT event, count(*) FROM {sql.string(staged)} WHERE user_id IS NOT NULL "
            f"AND event IN ({bookkeeping}) GROUP BY event ORDER BY event").fetchall():
        staging.drop(f"{event} events (PostHog's bookkeeping, not a user's action)", count)
    staging.write("events", f"SELECT user_id, timestamp, event, CAST(NULL AS VARCHAR) AS "
                  f"feature, platform, session_id FROM {sql.string(staged)} WHERE {kept}")
    if has_people:
        staging.write("users", f"""
            SELECT user_id, coalesce(min(person_created_at), min(timestamp)) AS signup_at,
                   max(country) AS country
            FROM {sql.string(staged)} WHERE {kept} GROUP BY user_id ORDER BY user_id""")
    (staging.folder / "staged.parquet").unlink()


def _json(kind: str | None, column: str) -> str:
    """SQL giving a column of properties as JSON, whatever type the export gave it."""
    if kind is None:
        return "CAST(NULL AS JSON)"
    if kind.upper().startswith(("STRUCT", "MAP")):
        return f"to_json({column})"
    return f"CASE WHEN json_valid(CAST({column} AS VARCHAR)) THEN CAST({column} AS JSON) END"


def _key(document: str, key: str) -> str:
    """SQL reading ``key`` of a JSON object as text (PostHog's keys start with a $,
    which a bare JSON path would read as its root)."""
    return f"json_extract_string({document}, '$.\"{key}\"')"


def _valid(column: str, columns: dict[str, str]) -> str:
    if column not in columns or columns[column].upper().startswith(("STRUCT", "MAP", "JSON")):
        return "true"
    text = f"nullif(trim(CAST({column} AS VARCHAR)), '')"
    return f"({text} IS NULL OR json_valid({text}))"


def _refuse_unread(con, staged: Path, export, timezone: str | None) -> None:
    """Refuse the first time that cannot be read, or properties that are not JSON."""
    row = con.execute(f"SELECT filename, written_time FROM {sql.string(staged)} "
                      "WHERE timestamp IS NULL LIMIT 1").fetchone()
    if row:
        if row[1] is None or not row[1].strip():
            raise DataError([DataProblem(row[0], "an event has no time", column="timestamp")])
        raise refuse(export, row[0], ("timestamp",), row[1], "cannot be read as a time",
                     expected=why_unread(timezone))
    row = con.execute(f"SELECT filename, written_properties FROM {sql.string(staged)} "
                      "WHERE NOT properties_valid LIMIT 1").fetchone()
    if row:
        raise refuse(export, row[0], ("properties",), row[1], "is not valid JSON",
                     expected="the event's properties as a JSON object")
