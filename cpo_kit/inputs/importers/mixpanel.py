"""Mixpanel: a raw event export (JSON lines) as the contract's ``events`` and ``users``.

Mixpanel's Raw Event Export API writes one JSON object per line, ``{"event": name,
"properties": {...}}``, the properties holding ``time``, ``distinct_id``,
``$insert_id`` and what the libraries add (``$device_id``, ``$user_id``, ``mp_lib``,
``$os``, ``mp_country_code``, ``mp_processing_time_ms``). The export is a file or a
folder of such files, each maybe gzipped. The mapping:

- ``user_id``: ``distinct_id``. An export holds each event's *canonical* distinct id,
  the one Mixpanel counts a user by once it has merged their ids (an anonymous
  device's events carry the id of the user it was later tied to). On Simplified ID
  Merge that id is always the ``$user_id``, so preferring ``$user_id`` would change
  nothing there; on Original ID Merge the canonical id of a cluster may be another of
  its ids, and preferring ``$user_id`` would split one person into two users (their
  events before and after they logged in). An event without a ``distinct_id`` field
  takes the one Mixpanel itself derives: ``$user_id``, else ``$device:`` and the
  ``$device_id``.
- ``event``: ``event``.
- ``timestamp``: ``properties.time``, epoch seconds (or milliseconds, when the export
  was asked for with ``time_in_ms``: a time of 10^11 or more cannot be seconds, which
  would be after the year 5000). Projects created before 2023 store it in the project's
  time zone: the params file then says which (``imports: {timezone: America/New_York}``)
  and the time is read as a wall-clock time there. Without it the time is UTC, as for
  every project created since; the import says so in a note.
- ``session_id``: empty. Raw events carry no session: Mixpanel makes sessions when it
  queries, by timeout, by a start and end event, or from a property each project
  names in its settings, so there is no one property to read.
- ``platform``: ``web`` for the JavaScript library (``mp_lib`` is ``web``, even in a
  phone's browser); else ``ios`` or ``android`` by ``$os`` (``iOS``, ``iPadOS``,
  ``Android``), which also covers the React Native and Flutter wrappers; else, with
  no ``$os``, ``ios`` for the ``iphone`` and ``swift`` libraries and ``android`` for
  ``android``; else empty (a server library, or an app on a desktop).

What is dropped, and why:

- Duplicates, as Mixpanel removes them when it queries: events with the same event
  name, ``distinct_id``, ``time`` and ``$insert_id`` are one, kept as the copy Mixpanel
  processed last (``mp_processing_time_ms``). The raw export is not deduplicated. An
  event without ``$insert_id`` is never a duplicate. (Mixpanel's later compaction also
  merges copies whose times differ within one day; it is not guaranteed to run, so the
  exact rule is the one kept.)
- Mixpanel's own events (:data:`BOOKKEEPING`), counted by name: identity merging,
  opting in, replay checkpoints, hot-shard records and messages Mixpanel sent. These
  are the events Mixpanel does not bill as events or leaves out of sessions: nobody
  did them in the product.
- Events with an empty ``distinct_id``: Mixpanel's way of saying an event is no
  user's (a server job, a webhook); it leaves them out of every per-user analysis.
  An event with no ``distinct_id``, ``$user_id`` or ``$device_id`` at all goes too.

``users`` has one row per user: signed up at their first event in the export (a
partial export's first event may come after the real sign-up) and from the country
(``mp_country_code``) of the first of their events that has one.

Refused, with file and line: a line that is not JSON or not an object, an event
without a name, properties missing or not an object, a missing ``time``, a ``time``
that is not a number or not a time (negative, or past 10^14); and, with the file, an
export without a line, or without ``event`` and ``properties`` or a ``time`` on any
event (another tool's export).

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from cpo_kit.core import sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import (Export, columns_of, find_export, open_text,
                                              read_problem, require)
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import from_epoch

TOOL = "Mixpanel"
#: Events Mixpanel records for itself: it neither bills them as events nor counts them in
#: sessions (identity merging, opt-in, replay checkpoints, hot shards, its messages).
BOOKKEEPING = ("$identify", "$create_alias", "$merge", "$opt_in", "$mp_session_record",
               "$hotshard_events", "$hotshard_record", "$campaign_delivery",
               "$campaign_bounced", "$campaign_marked_spam", "$message_suppressed",
               "$unsubscribe", "$journey_entered")
NEEDED = {"event": "the event's name", "properties": "its time, distinct_id and the rest"}
#: The properties read from each event; DuckDB skips the rest.
KEYS = ("time", "distinct_id", "$user_id", "$device_id", "$insert_id", "mp_lib", "$os",
        "mp_country_code", "mp_processing_time_ms")
#: A time at or above this is in milliseconds; at or above LATEST it is no time at all.
MILLISECONDS, LATEST = 1e11, 1e14
NUMBER = ("UBIGINT", "BIGINT", "HUGEINT", "UHUGEINT", "DOUBLE")
ONE_EVENT = 'one event per line, as {"event": ..., "properties": {...}}'
PROPERTIES = 'the event\'s properties, such as {"time": 1602611311, "distinct_id": "u1"}'
SECONDS = "seconds since 1970 (UTC), such as 1602611311, as Mixpanel exports it"


def import_mixpanel(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the Mixpanel raw event export at ``path`` into ``staging``'s ``events`` and
    ``users``.

    Parameters
    ----------
    path : Path
        The export: a JSON-lines file (maybe gzipped), or a folder of them.
    staging : Staging
        Where the tables are written, and the drops tallied.
    options : dict
        The params file's ``imports:`` options; ``timezone`` is the project's zone, for
        a project created before 2023 (whose times Mixpanel stores in that zone).

    Raises
    ------
    DataError
        The export cannot be read, is another tool's, or holds an event the contract
        cannot take (a missing or unreadable time, say).
    """
    export = find_export(path, formats=("jsonl",), tool=TOOL)
    con = staging.con
    columns = columns_of(con, export)
    if "json" in columns and "event" not in columns:
        # DuckDB reads lines that are not all objects, or none, as one column named json.
        _refuse_not_objects(export)
    require(columns, NEEDED, export, TOOL)
    timezone = options.get("timezone")
    staged = staging.folder / "staged.parquet"
    try:
        con.execute(f"COPY ({_staging_query(export, timezone)}) "
                    f"TO {sql.string(staged)} (FORMAT parquet)")
    except DataError:
        raise
    except Exception as error:  # duckdb.Error: the export's fault, said in one line
        raise DataError([_read_problem(error, export)]) from None
    _refuse_unread(con, staged, export)
    deduped = _unique(staging, staged)
    source = sql.string(deduped)
    bookkeeping = ", ".join(f"'{e}'" for e in BOOKKEEPING)
    for event, count in con.execute(
            f"SELECT event, count(*) FROM {source} WHERE event IN ({bookkeeping}) "
            "GROUP BY event ORDER BY event").fetchall():
        staging.drop(f"{event} events (Mixpanel's own, not a user's action)", count)
    no_user = f"event NOT IN ({bookkeeping}) AND coalesce(user_id, '') = ''"
    for empty, count in con.execute(
            f"SELECT distinct_id IS NOT NULL, count(*) FROM {source} WHERE {no_user} "
            "GROUP BY ALL ORDER BY ALL").fetchall():
        staging.drop("events with an empty distinct_id (no user's; Mixpanel leaves them out "
                     "of per-user analysis)" if empty else
                     "events with no distinct_id, $user_id or $device_id", count)
    kept = f"event NOT IN ({bookkeeping}) AND coalesce(user_id, '') <> ''"
    staging.write("events", f"""
        SELECT user_id, timestamp, event, CAST(NULL AS VARCHAR) AS feature, platform,
               CAST(NULL AS VARCHAR) AS session_id
        FROM {source} WHERE {kept} ORDER BY timestamp, user_id, event, platform""")
    staging.write("users", f"""
        SELECT user_id, min(timestamp) AS signup_at,
               arg_min(country, (timestamp, country)) FILTER (WHERE country IS NOT NULL)
                 AS country
        FROM {source} WHERE {kept} GROUP BY user_id ORDER BY user_id""")
    if not timezone:
        staging.imported.notes.append(
            "Times were read as UTC, as Mixpanel stores them for projects created since "
            "2023; for an older project give its time zone in the params file (imports: "
            "{timezone: America/New_York}).")
    for path in {staged, deduped}:
        path.unlink()


def _staging_query(export: Export, timezone: str | None) -> str:
    """Each event with the properties the mapping reads, its time read, its platform.

    DuckDB reads only the properties of :data:`KEYS`, typed as it goes (text, and the
    time as JSON so that a time written as text can be refused rather than cast), and
    skips the rest: parsing every property into one JSON value to pick from it again
    would take twice as long.
    """
    fields = ", ".join(f'"{k}" ' + ("JSON" if k == "time" else "VARCHAR") for k in KEYS)
    relation = export.relation({"event": "VARCHAR", "properties": f"STRUCT({fields})"})
    value = {k: f"properties[{sql.string(k)}]" for k in KEYS}
    time = (f"CASE WHEN json_type({value['time']}) IN ({', '.join(repr(t) for t in NUMBER)}) "
            f"THEN CAST({value['time']} AS DOUBLE) END")
    local = (f"CASE WHEN time < {MILLISECONDS} THEN {from_epoch('time', 'seconds')} "
             f"ELSE {from_epoch('time', 'ms')} END")
    if timezone:  # a wall-clock time in the project's zone, as projects before 2023 kept it
        local = f"timezone('UTC', timezone({sql.string(timezone)}, {local}))"
    return f"""
        WITH typed AS (
          SELECT filename, event, properties IS NOT NULL AS has_properties,
                 json_type({value['time']}) AS time_kind, {time} AS time,
                 {value['distinct_id']} AS distinct_id, {value['$user_id']} AS user_prop,
                 {value['$device_id']} AS device_id, {value['$insert_id']} AS insert_id,
                 {value['mp_lib']} AS lib, {value['$os']} AS os,
                 {value['mp_country_code']} AS country,
                 try_cast({value['mp_processing_time_ms']} AS DOUBLE) AS processed
          FROM {relation}
        )
        SELECT filename, event, has_properties, time_kind, time,
               CASE WHEN time >= 0 AND time < {LATEST} THEN {local} END AS timestamp,
               distinct_id, coalesce(distinct_id, nullif(user_prop, ''),
                                     '$device:' || nullif(device_id, '')) AS user_id,
               insert_id, hash(event, distinct_id, time, insert_id) AS dedup_key,
               processed, nullif(country, '') AS country,
               CASE WHEN lib = 'web' THEN 'web'
                    WHEN os IN ('iOS', 'iPadOS') THEN 'ios'
                    WHEN os = 'Android' THEN 'android'
                    WHEN os IS NULL AND lib IN ('iphone', 'swift') THEN 'ios'
                    WHEN os IS NULL AND lib = 'android' THEN 'android'
               END AS platform
        FROM typed"""


def _unique(staging: Staging, staged: Path) -> Path:
    """The staged events without the copies Mixpanel counts once, which are counted as
    dropped; ``staged`` itself when no event's key repeats (an export without copies)."""
    con = staging.con
    repeats = con.execute(f"SELECT count(*) FROM {sql.string(staged)} WHERE insert_id IS "
                          "NOT NULL GROUP BY dedup_key HAVING count(*) > 1 LIMIT 1").fetchall()
    if not repeats:
        return staged
    deduped = staging.folder / "deduped.parquet"
    con.execute(f"COPY ({_dedup_query(staged)}) TO {sql.string(deduped)} (FORMAT parquet)")
    read, kept = (con.execute(f"SELECT count(*) FROM {sql.string(p)}").fetchone()[0]
                  for p in (staged, deduped))
    staging.drop("duplicate events (same event, distinct_id, time and $insert_id)", read - kept)
    return deduped


def _dedup_query(staged: Path) -> str:
    """One copy of each event Mixpanel counts once: the one it processed last.

    Only events whose key's hash (``dedup_key``) comes more than once are grouped by their
    key: nearly every event is alone, and grouping all of them (with the columns kept)
    would take gigabytes for ten million events. Two keys of one hash are still told
    apart, as the grouping is by the key itself. Of the copies, the one processed last
    is kept; ties (the same processing time, or none) go by file, platform, country and
    user, so the outcome never depends on the order DuckDB happened to read the lines in.
    """
    keep = "{'user_id': user_id, 'timestamp': timestamp, 'platform': platform, 'country': country}"
    order = ("(coalesce(processed, -1), filename, coalesce(platform, ''), "
             "coalesce(country, ''), coalesce(user_id, ''))")
    columns = "event, distinct_id, user_id, timestamp, platform, country"
    return f"""
        WITH repeated AS (
          SELECT dedup_key FROM {sql.string(staged)} WHERE insert_id IS NOT NULL
          GROUP BY dedup_key HAVING count(*) > 1
        )
        SELECT {columns} FROM {sql.string(staged)}
        WHERE insert_id IS NULL OR dedup_key NOT IN (SELECT dedup_key FROM repeated)
        UNION ALL
        SELECT event, distinct_id, k.user_id, k.timestamp, k.platform, k.country
        FROM (SELECT event, distinct_id, arg_max({keep}, {order}) AS k
              FROM {sql.string(staged)}
              WHERE insert_id IS NOT NULL AND dedup_key IN (SELECT dedup_key FROM repeated)
              GROUP BY event, distinct_id, time, insert_id)"""


def _refuse_unread(con, staged: Path, export: Export) -> None:
    """Refuse the first event whose name, properties or time cannot be read."""
    checks = [  # (rows refused, field, message, the test of a line, expected, show found)
        ("coalesce(event, '') = ''", ("event",), "has no name",
         lambda r: r.get("event") in (None, ""), "the event's name", False),
        ("NOT has_properties", ("properties",), "has no properties",
         lambda r: r.get("properties") is None, "the event's properties, with its time",
         False),
        ("time_kind IS NULL OR time_kind = 'NULL'", ("properties", "time"), "has no time",
         lambda r: _time(r) is None, SECONDS, False),
        ("time IS NULL", ("properties", "time"), "is not a number",
         lambda r: not _is_number(_time(r)), SECONDS, True),
        ("timestamp IS NULL", ("properties", "time"), "is not a time",
         lambda r: not 0 <= _time(r) < LATEST, SECONDS, True),
    ]
    if not con.execute(f"SELECT count(*) FILTER (WHERE time_kind <> 'NULL') "
                       f"FROM {sql.string(staged)}").fetchone()[0]:
        first = con.execute(f"SELECT filename FROM {sql.string(staged)} ORDER BY filename LIMIT 1"
                            ).fetchone()
        if first:  # not one event with a time: not a Mixpanel export at all
            raise DataError([DataProblem(
                first[0], "has no field 'properties.time' (when it happened), which every "
                f"{TOOL} export has: is it another tool's export?")])
    for where, field, message, wrong, expected, show in checks:
        row = con.execute(f"SELECT filename FROM {sql.string(staged)} WHERE {where} "
                          "ORDER BY filename LIMIT 1").fetchone()
        if row:
            line, record = _first(Path(row[0]), wrong)
            found = (repr(_dig(record, field))[:120] if show and record is not None
                     else None)
            raise DataError([DataProblem(row[0], message, row=line, column=".".join(field),
                                         found=found, expected=expected)])


def _time(record: dict):
    properties = record.get("properties")
    return properties.get("time") if isinstance(properties, dict) else None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _dig(record: dict, field: tuple[str, ...]):
    for key in field:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def _first(file: Path, wrong) -> tuple[int | None, dict | None]:
    """The line of ``file`` (from 1) of the first event ``wrong`` says is wrong, and it.

    Read again only to name the line of a refusal: DuckDB does not say the line of a
    row it read.
    """
    with open_text(file) as lines:
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line) if line.strip() else None
            except ValueError:
                continue
            if isinstance(record, dict) and wrong(record):
                return number, record
    return None, None


def _read_problem(error: Exception, export: Export) -> DataProblem:
    """The framework's reading of DuckDB's fault, or a line or properties not an object."""
    text = str(error)
    if m := re.search(r'JSON transform error in file "(.*?)", in line (\d+): Expected OBJECT',
                      text):
        return _not_object(Path(m.group(1))) or DataProblem(
            m.group(1), "is not a JSON object", row=int(m.group(2)), expected=ONE_EVENT)
    return read_problem(error, export)


def _refuse_not_objects(export: Export) -> None:
    """Refuse the first line of the export that is JSON but not an object, or an export
    without a line."""
    blank = True
    for file in export.files:
        if problem := _not_object(file):
            raise DataError([problem])
        with open_text(file) as lines:
            blank = blank and not any(line.strip() for line in lines)
    if blank:
        raise DataError([DataProblem(export.shown, "holds no events", expected=ONE_EVENT)])


def _not_object(file: Path) -> DataProblem | None:
    """The first line of ``file`` that, or whose properties, is not a JSON object."""
    with open_text(file) as lines:
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line) if line.strip() else {}
            except ValueError:
                continue
            if not isinstance(record, dict):
                return DataProblem(str(file), "is not a JSON object", row=number,
                                   expected=ONE_EVENT)
            if record.get("properties") is not None and not isinstance(record["properties"],
                                                                       dict):
                return DataProblem(str(file), "is not a JSON object", row=number,
                                   column="properties", found=repr(record["properties"])[:120],
                                   expected=PROPERTIES)
    return None
