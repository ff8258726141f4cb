"""Amplitude: an Export API archive as the contract's ``events`` and ``users``.

The Export API (``GET /api/2/export``) answers with a zip archive: a folder named after
the project holding gzipped JSON-lines files, several per hour of upload
(``<project_id>/<project_id>_<yyyy-mm-dd>_<hour>#<n>.json.gz``), one event per line,
with ``event_type``, ``event_time``, ``user_id``, ``device_id``, ``amplitude_id``,
``session_id``, ``platform``, ``os_name``, ``country``, ``user_creation_time``,
``$insert_id`` and ``uuid`` among its fields. Either the archive (``.zip``) is read, or
the folder it was unzipped into (its ``.json.gz`` files, in subfolders too), or one
such file. The mapping:

- ``user_id``: ``user_id``; for an event without one (a visitor who has not logged
  in), its ``device_id``; for an event without either (some server-side events),
  its ``amplitude_id``. The summary says how many events took each; an event with
  none of the three is dropped.
- ``timestamp``: ``event_time``. Amplitude writes it without a zone
  (``2026-10-01 08:00:00.123456``) and documents the Export API's times as UTC, so it
  is read as UTC: a documented zone, not a guess. The ``timezone`` import option is
  not used (the summary says so). A time written with a zone is converted to UTC.
- ``event``: ``event_type``.
- ``session_id``: ``session_id`` (the session's start, in epoch milliseconds) as text;
  Amplitude writes ``-1`` for an event outside any session, which is left empty.
- ``platform``: ``web``, ``ios`` or ``android`` where ``platform`` says so (``Web``,
  ``iOS`` or ``iPadOS``, ``Android``, in any case), else where ``os_name`` names iOS,
  iPadOS or Android; else empty (a server library says nothing of a device). A web
  page opened on a phone is ``web``: ``platform`` is read before ``os_name``.
- Amplitude's bookkeeping (:data:`BOOKKEEPING`) is dropped and counted by name: the
  session start and end markers (``session_id`` already holds the sessions) and the
  identify calls (they set a user's or a group's properties; nobody did anything).
  Events Amplitude captures for what a user did, such as ``[Amplitude] Page Viewed``,
  are kept.
- Duplicates: Amplitude keeps one of the events sent with the same ``$insert_id`` and
  ``device_id``, but two exports of overlapping hours hold each of their common
  events twice. Of the events with one ``$insert_id`` and ``device_id`` (without an
  insert id: one ``uuid``, the id Amplitude gave the stored event) one is kept, and
  the others are dropped and counted.
- ``users``: one row per user of the events kept, signed up at their
  ``user_creation_time`` (when Amplitude first saw them, maybe before the export's
  first hour) or at their first event if that is earlier or the time is missing,
  in the ``country`` (as Amplitude writes it) of their latest event that has one.

Refused, in one line naming the archive, its member and the line: an archive that is
truncated or damaged or holds no events, a member that is not a whole gzip file, a
line that is not JSON, a file without ``event_type`` (another tool's export), an
event without it, and an ``event_time`` or ``user_creation_time`` that is not a time.

The archive's members are extracted one at a time, streamed, into the staging folder
and read from there by DuckDB, like every export; nothing holds the export in memory.

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
import zipfile
import zlib
from pathlib import Path

from cpo_kit.core import formats, sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import Export, open_text, read_problem, refuse, require
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import utc

TOOL = "Amplitude"
#: Events Amplitude's SDKs and APIs send for their own bookkeeping, not for anything a
#: user did: session markers (under the names of older and newer SDKs) and identify calls.
BOOKKEEPING = ("[Amplitude] Start Session", "[Amplitude] End Session", "session_start",
               "session_end", "Session Started", "Session Ended", "$identify",
               "$groupidentify")
NEEDED = {"event_type": "the event's name", "event_time": "when it happened"}
#: The fields read, every one as text (DuckDB would otherwise guess types from a sample
#: and fail on a later line that does not fit).
FIELDS = ("event_type", "event_time", "user_id", "device_id", "amplitude_id", "session_id",
          "platform", "os_name", "country", "user_creation_time", "$insert_id", "uuid")
SUFFIXES = (".json.gz", ".json")
#: How the user of an event was found, in the order tried.
USER_FIELDS = ("user_id", "device_id", "amplitude_id")
WRITTEN_TIME = ("a date and time as Amplitude writes it, in UTC, such as "
                "2026-10-01 08:00:00.123456")


def import_amplitude(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the Amplitude export at ``path`` into ``staging``'s ``events`` and ``users``.

    Parameters
    ----------
    path : Path
        The Export API's zip archive, the folder it was unzipped into, or one of its
        ``.json.gz`` files.
    staging : Staging
        Where the tables are written.
    options : dict
        The params file's import options. ``timezone`` is not used, only noted in the
        summary: Amplitude's times are UTC.

    Raises
    ------
    DataError
        The archive or a line of it cannot be read; the message names the archive,
        its member and the line.
    """
    work = staging.folder / "amplitude"
    work.mkdir()
    files, shown = _event_files(path, work / "archive")
    try:
        _import(Export(tuple(files), "jsonl", str(path)), staging, work)
    except DataError as error:
        # Messages name a member as archive.zip/member, not the staging copy read.
        raise DataError([dataclasses.replace(p, file=shown.get(p.file, p.file))
                         for p in error.problems]) from None
    shutil.rmtree(work)
    zone = options.get("timezone")
    if zone and str(zone).upper() != "UTC":
        staging.imported.notes.append(f"The params file's imports: timezone ({zone}) is not "
                                      "used: Amplitude writes its times in UTC.")


def _event_files(path: Path, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """The JSON-lines files of the export, and how messages name each."""
    if not path.exists():
        raise DataError([DataProblem(str(path), "no such file or folder")])
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.name.lower().endswith(SUFFIXES))
        if not files:
            raise DataError([DataProblem(str(path), "no file of an Amplitude export in it",
                                         expected="the .json.gz files of an Export API "
                                         "archive, or the archive itself")])
        return files, {}
    if path.name.lower().endswith(".zip") or zipfile.is_zipfile(path):
        return _extract(path, folder)
    if path.name.lower().endswith(SUFFIXES):
        return [path], {}
    raise DataError([DataProblem(str(path), "not a format Amplitude exports",
                                 expected="the Export API's zip archive, or its .json.gz "
                                 "files")])


def _extract(archive: Path, folder: Path) -> tuple[list[Path], dict[str, str]]:
    """Copy each event file of ``archive`` into ``folder``, one at a time, streamed.

    The copies are numbered rather than named after the members: a member's name is
    not trusted as a path (``../``), nor given to DuckDB, which would read ``[`` or
    ``*`` in it as a pattern.
    """
    try:
        opened = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DataError([DataProblem(str(archive), "is not a complete zip archive: it may "
                                     "be truncated or damaged", expected="the zip file "
                                     "the Export API sends, downloaded whole")]) from None
    folder.mkdir()
    files, shown = [], {}
    with opened:
        members = [m for m in opened.infolist()
                   if not m.is_dir() and m.filename.lower().endswith(SUFFIXES)]
        if not members:
            raise DataError([DataProblem(str(archive), "holds no event files",
                                         expected="gzipped JSON-lines files (.json.gz), "
                                         "as the Export API writes")])
        for number, member in enumerate(members, start=1):
            suffix = ".json.gz" if member.filename.lower().endswith(".gz") else ".json"
            copy = folder / f"{number:06d}{suffix}"
            name = f"{archive}/{member.filename}"
            try:
                with opened.open(member) as source, open(copy, "wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            except (zipfile.BadZipFile, zlib.error, EOFError):
                raise DataError([DataProblem(name, "cannot be extracted: the archive is "
                                             "truncated or damaged", expected="the zip file "
                                             "the Export API sends, downloaded whole")]
                                ) from None
            except (RuntimeError, NotImplementedError) as error:
                # An encrypted member, or one compressed by a method zipfile lacks.
                raise DataError([DataProblem(name, "cannot be extracted",
                                             found=str(error))]) from None
            files.append(copy)
            shown[str(copy)] = name
    return files, shown


def _import(export: Export, staging: Staging, work: Path) -> None:
    con = staging.con
    if not _check_fields(export):
        raise DataError([DataProblem(export.shown, "holds no events",
                                     expected="one JSON object per line, for each event")])
    # The staged rows, as DuckDB reads them back: a quoted path.
    staged = sql.string(work / "staged.parquet")
    fields = {f: f"nullif(trim({sql.identifier(f)}), '')" for f in FIELDS}
    platform, os_name = (f"lower({fields[f]})" for f in ("platform", "os_name"))
    users = ", ".join(fields[f] for f in USER_FIELDS)
    user_from = " ".join(f"WHEN {fields[f]} IS NOT NULL THEN '{f}'" for f in USER_FIELDS)
    try:
        con.execute(f"""
            COPY (
              SELECT filename,
                     coalesce({users}) AS user_id,
                     CASE {user_from} END AS user_from,
                     {utc(fields['event_time'], 'VARCHAR', timezone='UTC')} AS timestamp,
                     event_time AS written_time,
                     {fields['event_type']} AS event,
                     CASE WHEN {fields['session_id']} <> '-1'
                          THEN {fields['session_id']} END AS session_id,
                     CASE WHEN {platform} = 'web' THEN 'web'
                          WHEN {platform} IN ('ios', 'ipados') THEN 'ios'
                          WHEN {platform} = 'android' THEN 'android'
                          WHEN {os_name} IN ('ios', 'ipados') THEN 'ios'
                          WHEN {os_name} = 'android' THEN 'android'
                     END AS platform,
                     {utc(fields['user_creation_time'], 'VARCHAR', timezone='UTC')} AS created,
                     user_creation_time AS written_created,
                     {fields['country']} AS country,
                     CASE WHEN {fields['$insert_id']} IS NOT NULL
                          THEN 'insert' || chr(31) || {fields['$insert_id']} || chr(31)
                               || coalesce({fields['device_id']}, '')
                          WHEN {fields['uuid']} IS NOT NULL
                          THEN 'uuid' || chr(31) || {fields['uuid']} END AS key
              FROM {export.relation({f: 'VARCHAR' for f in FIELDS})}
            ) TO {staged} (FORMAT parquet)""")
    except Exception as error:  # duckdb.Error: the export's fault, said in one line
        raise DataError([_read_problem(error, export)]) from None
    _refuse_unread(con, staged, export)
    source = _unique(staging, staged, work)
    bookkeeping = ", ".join(sql.string(e) for e in BOOKKEEPING)
    no_user = con.execute(f"SELECT count(*) FROM {source} WHERE user_id IS NULL").fetchone()[0]
    staging.drop("events with no user_id, device_id or amplitude_id", no_user)
    for event, count in con.execute(
            f"SELECT event, count(*) FROM {source} WHERE user_id IS NOT NULL "
            f"AND event IN ({bookkeeping}) GROUP BY event ORDER BY event").fetchall():
        staging.drop(f"{event} events (Amplitude's bookkeeping, not a user's action)", count)
    kept = f"{source} WHERE user_id IS NOT NULL AND event NOT IN ({bookkeeping})"
    staging.write("events", f"SELECT user_id, timestamp, event, CAST(NULL AS VARCHAR) AS "
                  f"feature, platform, session_id FROM {kept}")
    staging.write("users", f"""
        SELECT user_id, least(min(created), min(timestamp)) AS signup_at,
               arg_max(country, timestamp) FILTER (WHERE country IS NOT NULL) AS country
        FROM {kept} GROUP BY user_id ORDER BY user_id""")
    found = dict(con.execute(f"SELECT user_from, count(*) FROM {kept} GROUP BY user_from"
                             ).fetchall())
    staging.imported.notes.append(_whose(found))


def _check_fields(export: Export) -> bool:
    """Refuse a file whose first event lacks a field every Amplitude event has (the
    export of another tool); False if no file holds an event at all."""
    any_event = False
    for file in export.files:
        try:
            with open_text(file) as lines:
                first = next((line for line in lines if line.strip()), None)
        except (OSError, EOFError, zlib.error):
            raise DataError([_not_gzip(file)]) from None
        if first is None:
            continue
        any_event = True
        try:
            record = json.loads(first)
        except ValueError:
            continue  # DuckDB's read names the line
        if isinstance(record, dict):
            require({k: "" for k in record}, NEEDED, Export((file,), "jsonl", str(file)), TOOL)
    return any_event


def _read_problem(error: Exception, export: Export) -> DataProblem:
    """The problem DuckDB met: a member that is not whole gzip, or what it said."""
    if "Malformed JSON" not in str(error):
        for file in export.files:
            if file.name.endswith(".gz") and not _whole_gzip(file):
                return _not_gzip(file)
    return read_problem(error, export)


def _whole_gzip(file: Path) -> bool:
    try:
        with gzip.open(file, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return False
    return True


def _not_gzip(file: Path) -> DataProblem:
    return DataProblem(str(file), "is not a complete gzip file: it may be truncated or "
                       "damaged", expected="gzipped JSON lines, as the Export API writes")


def _refuse_unread(con, staged: str, export: Export) -> None:
    """Refuse the first event without a name, or with a time that cannot be read."""
    row = con.execute(f"SELECT filename FROM {staged} WHERE event IS NULL LIMIT 1").fetchone()
    if row:
        raise DataError([DataProblem(row[0], "is missing", row=_line_without(
            Path(row[0]), "event_type"), column="event_type", expected="the event's name")])
    for column, field, written in (("timestamp", "event_time", "written_time"),
                                   ("created", "user_creation_time", "written_created")):
        row = con.execute(f"SELECT filename, {written} FROM {staged} WHERE {column} IS NULL "
                          f"AND nullif(trim({written}), '') IS NOT NULL LIMIT 1").fetchone()
        if row:
            raise refuse(export, row[0], (field,), row[1], "cannot be read as a time",
                         expected=WRITTEN_TIME)
    row = con.execute(f"SELECT filename FROM {staged} WHERE timestamp IS NULL LIMIT 1"
                      ).fetchone()
    if row:
        raise DataError([DataProblem(row[0], "is missing", row=_line_without(
            Path(row[0]), "event_time"), column="event_time", expected=WRITTEN_TIME)])


def _unique(staging: Staging, staged: str, work: Path) -> str:
    """The staged events (``staged``, a quoted path) without the second copies of an
    event, counted as dropped."""
    con = staging.con
    twice = con.execute(f"SELECT count(key) - count(DISTINCT key) FROM {staged}").fetchone()[0]
    if not twice:
        return staged
    unique = sql.string(work / "unique.parquet")
    # The copy kept is the first file's: the same event, whichever is kept.
    con.execute(f"""COPY (SELECT * FROM {staged} QUALIFY key IS NULL OR row_number() OVER
                          (PARTITION BY key ORDER BY filename, timestamp, user_id, event) = 1)
                    TO {unique} (FORMAT parquet)""")
    staging.drop("events exported twice (the same $insert_id and device_id, or the same "
                 "uuid): one copy kept", twice)
    return unique


def _whose(found: dict) -> str:
    """The note saying whose id each event's user is."""
    parts = [f"{formats.count(found.get('user_id', 0))} events by user_id"]
    if found.get("device_id"):
        parts.append(f"{formats.count(found['device_id'])} by device_id (no user_id)")
    if found.get("amplitude_id"):
        parts.append(f"{formats.count(found['amplitude_id'])} by amplitude_id (no user_id "
                     "or device_id)")
    return "User ids: " + ", ".join(parts) + "."


def _line_without(file: Path, field: str) -> int | None:
    """The first line of ``file`` whose event has no ``field``, or an empty one."""
    with open_text(file) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line).get(field)
            except (ValueError, AttributeError):
                continue
            if value is None or not str(value).strip():
                return number
    return None
