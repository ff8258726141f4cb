"""Segment and RudderStack: ``tracks`` and ``identifies`` as ``events`` and ``users``.

The export is either Segment's warehouse tables or Segment's raw messages:

- **Warehouse tables**: a folder holding ``tracks`` and ``identifies``, each as
  CSV, Parquet or JSON lines (``tracks.csv``, ``identifies.parquet``; a table may
  span files such as ``tracks.1.csv``). Their columns are Segment's: ``id``,
  ``anonymous_id``, ``user_id``, ``event``, ``event_text``, the four times
  (``timestamp``, ``original_timestamp``, ``sent_at``, ``received_at``), the
  flattened ``context_*`` fields (``context_library_name``, ``context_os_name``,
  ``context_device_type``, ``context_location_country``) and, in ``identifies``, one
  column per trait (``address_country``, ``country``). Column names are matched
  whatever their case (Snowflake writes them in capitals). A lone ``tracks`` file
  is read as the tracks table. A folder with ``identifies`` but no ``tracks`` is
  refused: it holds no event.
- **Raw messages**: JSON lines of Segment's spec, one call a line (``type``,
  ``userId``, ``anonymousId``, ``event``, ``timestamp``, ``context``, ``traits``),
  read by :mod:`~cpo_kit.inputs.importers.segment_messages`; a file or a folder of
  JSON-lines files with neither a ``tracks`` nor an ``identifies`` file.

RudderStack's warehouse schema is Segment's (the same tables, column names and four
times, and ``timestamp`` corrected for the device's clock the same way), and its
messages follow Segment's spec, so ``rudderstack`` is this importer under its own
name. The differences that matter here: RudderStack's SDKs may send a session
(``context.sessionId``, the ``context_session_id`` column), which Segment's do not;
its library names differ (``RudderLabs JavaScript SDK``, ``rudder-ios-library``,
``com.rudderstack.android.sdk.core``); its ``users`` table keeps a user's latest
anonymous id, which Segment's does not (neither ``users`` table is read here).

The mapping:

- ``user_id``: the call's ``user_id``; a call with only an ``anonymous_id`` takes the
  user that anonymous id was identified as (below), else the anonymous id itself
  stays the user (a visitor who never signed in is still someone who used the
  product). A call with neither is dropped.
- Identity stitching: each identify holding both an ``anonymous_id`` and a
  ``user_id`` ties that anonymous id to that user. An anonymous id identified as
  several users (a shared computer) takes the user of its latest identify by
  ``timestamp``, the one who was using it last; how many such ids there were is
  said. Segment's ``aliases`` are not read: ``identify`` is how its libraries tie a
  visitor to a user. Stitching is a join in DuckDB, one row per anonymous id on
  one side, the calls streamed on the other.
- ``event``: ``event``, the snake_case name Segment derives from the name the code
  sent (``Signed Up`` becomes ``signed_up``) and names the event's own table by.
  Not ``event_text``: the slug is stable across spellings (``Signed up`` and
  ``Signed Up`` are one event) and reads like the contract's ``create_report`` in a
  params file's ``funnel_steps``. A raw message carries only the written name, so
  it is turned into the same slug here (lower case, words and camelCase humps
  joined by ``_``). A call with no event name is dropped.
- ``timestamp``: ``timestamp``, the time Segment corrected for the device's clock
  (``original_timestamp`` and ``sent_at`` carry the device's skew; ``received_at``
  is when Segment got it, late for batched mobile calls). Segment and RudderStack
  write every warehouse time in UTC, so a warehouse time written without a zone
  (``2026-10-01 08:00:00``, as Redshift exports it, or ``... UTC`` as BigQuery
  does) is UTC, unless the params file's ``imports: {timezone: ...}`` says otherwise;
  a raw message's time must carry its zone, as the spec's ISO 8601 times do.
- ``session_id``: ``context_session_id`` (``context.sessionId``), which RudderStack's
  SDKs send; Segment's spec has no session, so its calls have none.
- ``platform``: from the library that sent the call: ``web`` for analytics.js and
  RudderStack's JavaScript SDK (a phone's browser is still the web product),
  ``ios`` or ``android`` for the mobile libraries (:data:`LIBRARIES`); for another
  library (React Native, Flutter), ``ios`` or ``android`` from ``context_os_name``,
  else from ``context_device_type``; else empty (a server library).
- ``feature``: empty; nothing in a call says which feature it belongs to.
- ``users``: one row per user of ``events``, signed up at their first identify or
  their first event, whichever is earlier; their ``country`` is that of their
  latest identify giving one: ``context_location_country``, else the
  ``address_country`` trait, else a ``country`` trait; else empty.
- Without an ``identifies`` table the events are imported unstitched, and the
  summary says so: every call with a ``user_id`` is still right, and the anonymous
  ones are counted; refusing would leave a server-side source (which always sends
  ``user_id``) with no import at all.
- Only track calls are events: page and screen calls (their own warehouse tables,
  not read) are dropped from raw messages, with their count, so that both forms of
  one export give the same events.
- Rows are not deduplicated by ``id`` (the message id): Segment drops a repeated
  message id on arrival and its warehouses drop repeats again when loading, as
  RudderStack does, so the tables hold none worth the cost of a pass over them.

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from cpo_kit.core import formats, sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import (SUFFIXES, Export, columns_of, find_export,
                                              line_where, read_problem, refuse, require)
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import utc, why_unread

FORMATS = ("csv", "parquet", "jsonl")
#: The libraries that say the platform, by their ``context.library.name``, in lower case.
LIBRARIES = {
    "web": ("analytics.js", "rudderlabs javascript sdk"),
    "ios": ("analytics-ios", "analytics-swift", "rudder-ios-library"),
    "android": ("analytics-android", "analytics-kotlin", "com.rudderstack.android.sdk.core"),
}
#: ``context.os.name`` of Apple's mobile systems, in lower case.
APPLE = ("ios", "iphone os", "ipados")
TRACKS = {"event": "the event's name", "timestamp": "when it happened"}
IDENTIFIES = {"user_id": "who was identified", "timestamp": "when"}
WHO = ("user_id", "anonymous_id")


def import_segment(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the Segment (or RudderStack) export at ``path`` into ``staging``'s ``events``
    and ``users``.

    Parameters
    ----------
    path : Path
        A folder of warehouse tables (``tracks``, ``identifies``), a lone ``tracks``
        file, or raw messages as JSON lines (a file or a folder of them).
    staging : Staging
        Where the tables are written; its tool's title names the tool in messages.
    options : dict
        The params file's ``imports:`` options; ``timezone`` is read.

    Raises
    ------
    DataError
        No ``tracks``, another tool's export, a line that does not parse, or a time
        that cannot be read.
    """
    from cpo_kit.inputs.importers import segment_messages

    tool = staging.imported.tool
    timezone = options.get("timezone")
    tracks, identifies = _tables(path, tool)
    if tracks is None:
        has_identifies = segment_messages.stage(identifies, staging, tool=tool,
                                                timezone=timezone)
    else:
        _stage_tracks(tracks, staging, tool=tool, timezone=timezone)
        has_identifies = identifies is not None
        if has_identifies:
            _stage_identifies(identifies, staging, tool=tool, timezone=timezone)
    write_tables(staging, has_identifies=has_identifies)


def _tables(path: Path, tool: str) -> tuple[Export | None, Export | None]:
    """(tracks, identifies) of warehouse tables, or (None, messages) for raw messages."""
    if path.is_dir():
        stems = {p.name.split(".")[0] for p in path.iterdir() if p.is_file()}
        if "tracks" in stems:
            identifies = (find_export(path, formats=FORMATS, tool=tool, name="identifies")
                          if "identifies" in stems else None)
            return find_export(path, formats=FORMATS, tool=tool, name="tracks"), identifies
        files = [p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")]
        if "identifies" in stems or not files or not all(
                p.name.lower().endswith(SUFFIXES["jsonl"]) for p in files):
            find_export(path, formats=FORMATS, tool=tool, name="tracks")  # refuses
        return None, find_export(path, formats=("jsonl",), tool=tool)
    export = find_export(path, formats=FORMATS, tool=tool)
    if path.name.split(".")[0] == "identifies":
        raise DataError([DataProblem(str(path), "is the identifies table alone, which holds "
                                     "no event", expected="the folder holding tracks and "
                                     "identifies")])
    if export.format == "jsonl" and path.name.split(".")[0] != "tracks":
        return None, export
    return export, None


def column_names(con, export: Export) -> dict[str, tuple[str, str]]:
    """The export's columns by their lower-case name: ``{name: (written name, type)}``."""
    return {name.lower(): (name, kind) for name, kind in columns_of(con, export).items()}


def _require(columns: dict, needed: dict[str, str], export: Export, tool: str,
             table: str) -> None:
    require({name: kind for name, (_, kind) in columns.items()}, needed, export,
             f"{tool} {table}")
    if not any(who in columns for who in WHO):
        raise DataError([DataProblem(
            str(export.files[0]), f"has neither 'user_id' nor 'anonymous_id' (who did it), "
            f"one of which every {tool} {table} table has: is it another tool's export?",
            found=", ".join(sorted(columns)[:12]))])


def _text(columns: dict, name: str) -> str:
    """SQL giving the column ``name`` as trimmed text, NULL where empty or absent."""
    if name not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(trim(CAST({sql.identifier(columns[name][0])} AS VARCHAR)), '')"


def warehouse_time(expression: str, kind: str, timezone: str | None) -> str:
    """SQL giving a warehouse time as UTC: text without a zone is UTC (Segment's and
    RudderStack's warehouses hold UTC) unless ``timezone`` says otherwise."""
    if kind.upper().startswith(("TIMESTAMP", "DATE")):
        return utc(expression, kind)
    return utc(utc_suffix(expression), "VARCHAR", timezone=timezone or "UTC")


def utc_suffix(expression: str) -> str:
    """SQL writing a trailing `` UTC`` (BigQuery's way) as ``Z``, a zone DuckDB and
    :func:`~cpo_kit.inputs.importers.times.utc` read."""
    return rf"regexp_replace(trim(CAST({expression} AS VARCHAR)), '\s*UTC$', 'Z')"


def platform(library: str, os: str, device: str) -> str:
    """SQL giving the platform from the library's, the system's and the device's name."""
    def among(values):
        return ", ".join(f"'{v}'" for v in values)
    library, os, device = (f"lower({x})" for x in (library, os, device))
    return (f"CASE WHEN {library} IN ({among(LIBRARIES['web'])}) THEN 'web' "
            f"WHEN {library} IN ({among(LIBRARIES['ios'])}) THEN 'ios' "
            f"WHEN {library} IN ({among(LIBRARIES['android'])}) THEN 'android' "
            f"WHEN {os} IN ({among(APPLE)}) THEN 'ios' WHEN {os} = 'android' THEN 'android' "
            f"WHEN {device} IN ('ios', 'android') THEN {device} END")


def _stage_tracks(export: Export, staging: Staging, *, tool: str,
                  timezone: str | None) -> None:
    _stage(export, staging, "tracks", TRACKS, tool=tool, timezone=timezone,
           fields=lambda text: f"""
               {text('event')} AS event,
               {platform(text('context_library_name'), text('context_os_name'),
                         text('context_device_type'))} AS platform,
               {text('context_session_id')} AS session_id""")


def _stage_identifies(export: Export, staging: Staging, *, tool: str,
                      timezone: str | None) -> None:
    _stage(export, staging, "identifies", IDENTIFIES, tool=tool, timezone=timezone,
           fields=lambda text: f"""
               coalesce({text('context_location_country')}, {text('address_country')},
                        {text('country')}) AS country""")


def _stage(export: Export, staging: Staging, table: str, needed: dict[str, str], *,
           tool: str, timezone: str | None, fields) -> None:
    """Stage a warehouse table: who, when (in UTC) and the ``fields`` of its own, which
    ``fields(text)`` writes as SQL (``text(column)`` is a column as trimmed text)."""
    columns = column_names(staging.con, export)
    _require(columns, needed, export, tool, table)
    time_name, time_kind = columns["timestamp"]
    text = partial(_text, columns)
    copy(staging, export, table, f"""
        SELECT filename, {text('user_id')} AS user_id, {text('anonymous_id')} AS anonymous_id,
               {warehouse_time(sql.identifier(time_name), time_kind, timezone)} AS timestamp,
               CAST({sql.identifier(time_name)} AS VARCHAR) AS written_time,{fields(text)}
        FROM {export.relation()}""")
    refuse_unread(staging, export, table, (time_name,), why_unread(timezone or "UTC"))


def copy(staging: Staging, export: Export, name: str, query: str) -> None:
    """Stage the rows of ``query`` as ``<name>.staged.parquet``; a read fault is refused."""
    try:
        staging.con.execute(f"COPY ({query}) TO {staged_sql(staging, name)} (FORMAT parquet)")
    except DataError:
        raise
    except Exception as error:  # duckdb.Error: the export's fault, said in one line
        raise DataError([read_problem(error, export)]) from None


def refuse_unread(staging: Staging, export: Export, name: str, field: tuple[str, ...],
                  expected: str) -> None:
    """Refuse the first staged row of ``name`` whose time could not be read."""
    row = staging.con.execute(
        f"SELECT filename, written_time FROM {staged_sql(staging, name)} "
        "WHERE timestamp IS NULL LIMIT 1").fetchone()
    if row is None:
        return
    if row[1] is None or not row[1].strip():
        # An empty CSV field is written ''; a JSON or Parquet one is missing or null.
        empty = "" if export.format == "csv" else None
        raise DataError([DataProblem(row[0], "a call has no time", column=".".join(field),
                                     row=line_where(Path(row[0]), export.format, field,
                                                    empty))])
    raise refuse(export, row[0], field, row[1], "cannot be read as a time", expected=expected)


def write_tables(staging: Staging, *, has_identifies: bool) -> None:
    """Stitch the staged tracks to users through the staged identifies; write both tables.

    Reads ``tracks.staged.parquet`` (and ``identifies.staged.parquet`` when
    ``has_identifies``): ``filename, user_id, anonymous_id, timestamp, event,
    platform, session_id``, and ``filename, user_id, anonymous_id, timestamp, country``.
    """
    con = staging.con
    tracks, identifies, stitch = (staged_sql(staging, name)
                                  for name in ("tracks", "identifies", "stitch"))
    if not has_identifies:
        con.execute(f"COPY (SELECT CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) "
                    "AS anonymous_id, CAST(NULL AS TIMESTAMP) AS timestamp, CAST(NULL AS "
                    f"VARCHAR) AS country LIMIT 0) TO {identifies} (FORMAT parquet)")
    # One row per anonymous id: the user of its latest identify, and how many it had.
    con.execute(f"""
        COPY (SELECT anonymous_id,
                     first(user_id ORDER BY timestamp DESC, user_id DESC) AS stitched,
                     count(DISTINCT user_id) AS users
              FROM {identifies} WHERE anonymous_id IS NOT NULL AND user_id IS NOT NULL
              GROUP BY anonymous_id) TO {stitch} (FORMAT parquet)""")
    who = "(user_id IS NOT NULL OR anonymous_id IS NOT NULL)"
    staging.drop("track calls with neither user_id nor anonymous_id", con.execute(
        f"SELECT count(*) FROM {tracks} WHERE NOT {who}").fetchone()[0])
    staging.drop("track calls with no event name", con.execute(
        f"SELECT count(*) FROM {tracks} WHERE {who} AND event IS NULL").fetchone()[0])
    joined = (f"FROM {tracks} t LEFT JOIN {stitch} s ON t.user_id IS NULL "
              "AND s.anonymous_id = t.anonymous_id "
              "WHERE (t.user_id IS NOT NULL OR t.anonymous_id IS NOT NULL) "
              "AND t.event IS NOT NULL")
    staging.write("events", f"""
        SELECT coalesce(t.user_id, s.stitched, t.anonymous_id) AS user_id, t.timestamp,
               t.event, CAST(NULL AS VARCHAR) AS feature, t.platform,
               t.session_id
        {joined}""")
    stitched, stitched_ids, lone, lone_ids = con.execute(f"""
        SELECT count(s.stitched), count(DISTINCT t.anonymous_id) FILTER (s.stitched IS NOT NULL),
               count(*) FILTER (s.stitched IS NULL),
               count(DISTINCT t.anonymous_id) FILTER (s.stitched IS NULL)
        {joined} AND t.user_id IS NULL""").fetchone()
    shared = con.execute(f"SELECT count(*) FROM {stitch} WHERE users > 1").fetchone()[0]
    events = sql.string(staging.folder / "events.parquet")
    staging.write("users", f"""
        WITH seen AS (SELECT user_id, min(timestamp) AS first FROM {events} GROUP BY user_id),
             identified AS (
               SELECT user_id, min(timestamp) AS first,
                      first(country ORDER BY timestamp DESC) FILTER (country IS NOT NULL)
                        AS country
               FROM {identifies} WHERE user_id IS NOT NULL GROUP BY user_id)
        SELECT seen.user_id, least(seen.first, identified.first) AS signup_at,
               identified.country
        FROM seen LEFT JOIN identified USING (user_id) ORDER BY seen.user_id""")
    _notes(staging, has_identifies=has_identifies, stitched=(stitched, stitched_ids),
           lone=(lone, lone_ids), shared=shared)
    for table in ("tracks", "identifies", "stitch"):
        _staged(staging, table).unlink()


def _notes(staging: Staging, *, has_identifies: bool, stitched: tuple[int, int],
           lone: tuple[int, int], shared: int) -> None:
    notes = []
    if not has_identifies:
        notes.append("no identifies table: anonymous ids were not stitched to user ids")
    if stitched[0]:
        notes.append(f"{_many(stitched[0], 'event')} of {_many(stitched[1], 'anonymous visitor')}"
                     " stitched to the user they were identified as")
    if lone[0]:
        notes.append(f"{_many(lone[0], 'event')} of {_many(lone[1], 'anonymous visitor')} "
                     "never identified: their anonymous id is their user id")
    if shared:
        notes.append(f"{_many(shared, 'anonymous id')} identified as more than one user: "
                     "stitched to the user of the latest identify")
    if notes:
        staging.imported.notes += ["Identities:"] + [f"  {note}" for note in notes]


def _many(count: int, thing: str) -> str:
    return f"{formats.count(count)} {thing}{'' if count == 1 else 's'}"


def slug(expression: str) -> str:
    """SQL giving an event's name as Segment's warehouse names its table: ``Signed Up``
    and ``SignedUp`` are ``signed_up``; a name already a slug is kept."""
    humps = rf"regexp_replace({expression}, '([a-z0-9])([A-Z])', '\1_\2', 'g')"
    words = rf"regexp_replace({humps}, '[^A-Za-z0-9]+', '_', 'g')"
    return f"lower(regexp_replace({words}, '^_+|_+$', '', 'g'))"


def _staged(staging: Staging, name: str) -> Path:
    return staging.folder / f"{name}.staged.parquet"


def staged_sql(staging: Staging, name: str) -> str:
    """The staged table ``name`` as DuckDB reads it: its path, quoted."""
    return sql.string(_staged(staging, name))
