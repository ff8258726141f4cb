"""Google Analytics 4: BigQuery export rows (Parquet or JSON lines) as ``events`` and ``users``.

GA4 exports one row per event into a BigQuery table a day (``events_YYYYMMDD``),
which BigQuery exports in turn as Parquet or as JSON lines (writing every INT64 as
a JSON string and leaving out null fields; numbers written as JSON numbers are
read as well). The fields read are ``event_name``, ``event_timestamp``,
``event_params`` (a repeated record of ``{key, value: {string_value, int_value,
float_value, double_value}}``), ``user_id``, ``user_pseudo_id``,
``user_first_touch_timestamp``, ``platform`` and ``geo.country``; the rest (device,
traffic source, items, user properties) is not in the contract. The mapping:

- ``user_id``: ``user_id``, else ``user_pseudo_id``. ``user_id`` is the product's own
  id for a signed-in person, set by the product, the same on every device; the
  pseudo id is one browser's cookie or one app install, so a person on a laptop and a
  phone is two pseudo ids. Events before a person signed in keep their pseudo id: the
  export does not say which person a pseudo id belongs to, and guessing from a later
  sign-in on the same device would merge the people who share one computer.
- ``event``: ``event_name``.
- ``timestamp``: ``event_timestamp``, microseconds since 1970 in UTC (GA4's own unit;
  ``event_date`` is in the property's zone and is not read). A time before 2000 or
  after 2099 is refused: it is a number in another unit, not a GA4 time.
- ``session_id``: ``user_pseudo_id``, a dash and the ``int_value`` of the
  ``ga_session_id`` event parameter (only that key is read, from each row's own
  list, so the table is never unnested whole). ``ga_session_id`` is the second the
  session started on that device, unique per device but not across them: two
  visitors starting in the same second share it. It is scoped by the pseudo id, not
  by our ``user_id``, so a session in which the visitor signs in stays one session.
  An event without the parameter has no session; where the pseudo id is missing,
  ``user_id`` scopes it.
- ``platform``: ``platform`` in lower case when it is ``web``, ``ios`` or
  ``android``; else empty.
- ``feature``: empty (GA4 has no such field).
- Dropped, and counted by name, the events GA4 collects by itself that are not
  something the person did in the product (:data:`AUTOMATIC`): the markers of a
  session's start and of a first visit or first open (the session is in
  ``session_id``, the first visit in ``signup_at``; counting them would add an action
  to every visit), the app's lifecycle (updated, removed, data cleared, crashed, the
  OS updated), notifications the device received, and ``user_engagement``.
  ``user_engagement`` does say the person was there (the page had focus, or the app
  was in the foreground, for a second or more), but it is a timer GA4 sends when the
  page loses focus or the app goes to the background, after the page or screen views
  of the same visit: kept, it would count one more action per visit in every event
  count and funnel, while the person is already active through those views.
  Everything else is kept, the automatic ``page_view`` and ``screen_view`` too (the
  person opened a page or screen) and enhanced measurement (scrolls, clicks,
  downloads, form and video events).
- Dropped, and counted: events with neither ``user_id`` nor ``user_pseudo_id``
  (GA4 writes such rows where the visitor refused analytics cookies under consent
  mode). An export in which no event has either is refused: there is nobody to
  import.
- ``users``: one row per user seen in the export, kept events or not (a visitor who
  left at once is a user who did nothing, which an activation rate must count);
  ``signup_at`` is the earliest ``user_first_touch_timestamp`` (microseconds; GA4's
  first visit or first open, which may precede the export), else the user's first
  event; ``country`` is ``geo.country`` of the user's first event that has one, as
  GA4 writes it (an English country name; ``(not set)`` is empty). GA4 has no
  sign-up: its user is a visitor, so ``signup_at`` is when they first came.
- A folder holding a day's ``events_YYYYMMDD`` and ``events_intraday_YYYYMMDD`` is
  refused: the intraday table is the same day's events so far, read twice.

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from cpo_kit.core import sql
from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import (Export, columns_of, find_export, line_where,
                                              open_text, read_problem, refuse, require)
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import from_epoch

TOOL = "GA4"
#: Events GA4 collects by itself that are not a person's action in the product, and why.
AUTOMATIC = {
    "session_start": "GA4's marker of a session's start",
    "first_visit": "GA4's marker of a first visit to the website",
    "first_open": "GA4's marker of an app's first open",
    "user_engagement": "GA4's engagement timer",
    "app_update": "the app was updated",
    "app_remove": "the app was removed",
    "app_clear_data": "the app's data was cleared",
    "app_exception": "the app crashed",
    "os_update": "the device's system was updated",
    "notification_receive": "a notification reached the device",
    "notification_foreground": "a notification reached the open app",
}
NEEDED = {"event_name": "the event's name",
          "event_timestamp": "when it happened, in microseconds"}
#: The fields read from JSON lines, and their types (BigQuery writes INT64 as text).
JSON_COLUMNS = {
    "event_name": "VARCHAR", "event_timestamp": "VARCHAR", "user_id": "VARCHAR",
    "user_pseudo_id": "VARCHAR", "user_first_touch_timestamp": "VARCHAR",
    "platform": "VARCHAR",
    "event_params": "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value "
                    "VARCHAR, float_value DOUBLE, double_value DOUBLE))[]",
    "geo": "STRUCT(country VARCHAR)",
}
#: What each nested field must be, for the message when a JSON line has another shape.
SHAPES = {"event_params": "a list of {key, value} records", "geo": "a record of fields"}
#: Microseconds of 2000-01-01 and 2100-01-01: a GA4 time lies between.
EARLIEST, LATEST = 946_684_800_000_000, 4_102_444_800_000_000
MICROSECONDS = ("microseconds since 1970-01-01 UTC, as GA4 writes them, such as "
                "1790841600000000")
DAY_TABLE = re.compile(r"^events_(intraday_)?(\d{8})(?!\d)")


def import_ga4(path: Path, staging: Staging, *, options: dict) -> None:
    """Read the GA4 BigQuery export at ``path`` into ``staging``'s ``events`` and ``users``.

    Parameters
    ----------
    path : Path
        A file of BigQuery export rows, or a folder of them (Parquet or JSON lines).
    staging : Staging
        Where the tables are written, and the drops tallied.
    options : dict
        The params file's ``imports:`` options; GA4's times carry their unit and zone,
        so none is read.

    Raises
    ------
    DataError
        The export cannot be read, is not GA4's, or holds a value that is not a time,
        an event without a name, or no user at all.
    """
    export = find_export(path, formats=("parquet", "jsonl"), tool=TOOL)
    _refuse_day_read_twice(export)
    con = staging.con
    columns = columns_of(con, export)
    require(columns, NEEDED, export, TOOL)
    if export.format == "jsonl":
        columns, relation = JSON_COLUMNS, export.relation(JSON_COLUMNS)
    else:
        _check_params_shape(columns, export)
        relation = export.relation()
    staged = staging.folder / "staged.parquet"
    try:
        con.execute(f"COPY ({_staging_query(columns, relation)}) "
                    f"TO {sql.string(staged)} (FORMAT parquet)")
    except Exception as error:  # duckdb.Error: the export's fault, said in one line
        raise DataError([_read_problem(error, export)]) from None
    _refuse_unread(con, staged, export)
    automatic = ", ".join(f"'{e}'" for e in AUTOMATIC)
    no_user, with_user = con.execute(
        f"SELECT count(*) FILTER (WHERE user_id IS NULL), "
        f"count(*) FILTER (WHERE user_id IS NOT NULL) FROM {sql.string(staged)}").fetchone()
    if no_user and not with_user:
        raise DataError([DataProblem(
            export.shown, "no event has a user_id or a user_pseudo_id, so there is nobody "
            "to import (GA4 writes neither where the visitor refused analytics cookies)",
            column="user_pseudo_id")])
    staging.drop("events with neither user_id nor user_pseudo_id (a visitor who refused "
                 "analytics cookies)", no_user)
    for event, count in con.execute(
            f"SELECT event, count(*) FROM {sql.string(staged)} WHERE user_id IS NOT NULL "
            f"AND event IN ({automatic}) GROUP BY event ORDER BY event").fetchall():
        staging.drop(f"{event} events ({AUTOMATIC[event]}, not a user's action)", count)
    staging.write("events", f"""
        SELECT user_id, timestamp, event, CAST(NULL AS VARCHAR) AS feature, platform,
               session_id
        FROM {sql.string(staged)} WHERE user_id IS NOT NULL AND event NOT IN ({automatic})""")
    staging.write("users", f"""
        SELECT user_id, coalesce(min(first_touch), min(timestamp)) AS signup_at,
               arg_min(country, timestamp) FILTER (WHERE country IS NOT NULL) AS country
        FROM {sql.string(staged)} WHERE user_id IS NOT NULL GROUP BY user_id ORDER BY user_id""")
    staged.unlink()


def _staging_query(columns: dict[str, str], relation: str) -> str:
    """The export's rows mapped to the contract's columns, with what a refusal needs (the
    file, and each time as written)."""
    pseudo = _text("user_pseudo_id", columns)
    platform = f"lower({_text('platform', columns)})"
    # Only the one parameter is read, from each row's own list: nothing is unnested.
    session = ("list_filter(event_params, lambda p: p.key = 'ga_session_id')[1]"
               ".value.int_value" if "event_params" in columns else "NULL")
    country = ("nullif(nullif(trim(geo.country), ''), '(not set)')"
               if "country" in columns.get("geo", "") else "NULL")
    first_touch = ("user_first_touch_timestamp" if "user_first_touch_timestamp" in columns
                   else "NULL")
    return f"""
        SELECT filename, user_id, event, timestamp, written_time, first_touch,
               written_first_touch, country, platform,
               coalesce(pseudo, user_id) || '-' || ga_session AS session_id
        FROM (
          SELECT filename, coalesce({_text('user_id', columns)}, {pseudo}) AS user_id,
                 {pseudo} AS pseudo, {_text('event_name', columns)} AS event,
                 {_micros('event_timestamp')} AS timestamp,
                 CAST(event_timestamp AS VARCHAR) AS written_time,
                 {_micros(first_touch)} AS first_touch,
                 CAST({first_touch} AS VARCHAR) AS written_first_touch,
                 nullif(trim(CAST(({session}) AS VARCHAR)), '') AS ga_session,
                 CASE WHEN {platform} IN ('web', 'ios', 'android') THEN {platform} END
                   AS platform,
                 {country} AS country
          FROM {relation})"""


def _text(column: str, columns: dict[str, str]) -> str:
    """SQL giving ``column`` as trimmed text, empty as NULL; NULL where the export lacks it."""
    if column not in columns:
        return "CAST(NULL AS VARCHAR)"
    return f"nullif(trim(CAST({column} AS VARCHAR)), '')"


def _micros(column: str) -> str:
    """SQL giving microseconds since 1970 as a UTC ``TIMESTAMP``; NULL where the value is
    not a number, or not a time GA4 could have written (before 2000, after 2099)."""
    number = f"try_cast(trim(CAST({column} AS VARCHAR)) AS DOUBLE)"
    return (f"CASE WHEN {number} >= {EARLIEST} AND {number} < {LATEST} "
            f"THEN {from_epoch(column, 'us')} END")


def _refuse_day_read_twice(export: Export) -> None:
    """Refuse a folder with a day's daily table and its intraday table both."""
    days = {}
    for file in export.files:
        if m := DAY_TABLE.match(file.name):
            days.setdefault(m.group(2), {})[bool(m.group(1))] = file
    for day in sorted(days):
        if len(days[day]) == 2:
            raise DataError([DataProblem(
                str(days[day][True]), f"is the intraday table of a day whose daily table "
                f"{days[day][False].name} is there too: the same events would be read "
                "twice", expected="the daily table alone: it holds the whole day")])


def _check_params_shape(columns: dict[str, str], export: Export) -> None:
    """Refuse Parquet whose ``event_params`` is not GA4's list of key and value records."""
    kind = columns.get("event_params")
    if kind is not None and not (kind.endswith("[]") and "key" in kind
                                 and "int_value" in kind):
        raise DataError([DataProblem(
            str(export.files[0]), "is not GA4's repeated record of event parameters",
            column="event_params", found=kind[:120],
            expected="a list of {key, value: {string_value, int_value, float_value, "
                     "double_value}}")])


def _read_problem(error: Exception, export: Export) -> DataProblem:
    """A fault in reading, naming the field of a JSON line whose nested shape is wrong."""
    m = re.search(r'JSON transform error in file "(.*?)", in line (\d+)', str(error))
    if not m:
        return read_problem(error, export)
    file, line = Path(m.group(1)), int(m.group(2))
    field, found = _misshapen(file, line)
    return DataProblem(str(file), "is not of the shape GA4 exports", row=line,
                       column=field, found=found, expected=SHAPES.get(field))


def _misshapen(file: Path, line: int) -> tuple[str | None, str | None]:
    """The first nested field of ``line`` of ``file`` that is not of GA4's shape."""
    with open_text(file) as lines:
        text = next((t for n, t in enumerate(lines, start=1) if n == line), "")
    try:
        record = json.loads(text)
    except ValueError:
        return None, None
    params = record.get("event_params")
    if params is not None and not (isinstance(params, list) and all(
            isinstance(p, dict) and isinstance(p.get("value", {}), (dict, type(None)))
            for p in params)):
        return "event_params", repr(json.dumps(params))[:120]
    geo = record.get("geo")
    if geo is not None and not isinstance(geo, dict):
        return "geo", repr(json.dumps(geo))[:120]
    return None, None


def _refuse_unread(con, staged: Path, export: Export) -> None:
    """Refuse the first event without a name, or with a time that is not GA4's."""
    row = con.execute(f"SELECT filename FROM {sql.string(staged)} "
                      "WHERE event IS NULL LIMIT 1").fetchone()
    if row:
        raise DataError([DataProblem(row[0], "an event has no name", column="event_name",
                                     row=line_where(Path(row[0]), export.format,
                                                    ("event_name",), None))])
    for field, written, value in (("event_timestamp", "written_time", "timestamp"),
                                  ("user_first_touch_timestamp", "written_first_touch",
                                   "first_touch")):
        row = con.execute(f"SELECT filename, {written} FROM {sql.string(staged)} "
                          f"WHERE {value} IS NULL AND {written} IS NOT NULL LIMIT 1").fetchone()
        if row:
            raise _refuse_time(export, row[0], field, row[1])
    row = con.execute(f"SELECT filename FROM {sql.string(staged)} WHERE written_time IS NULL "
                      "LIMIT 1").fetchone()
    if row:
        raise DataError([DataProblem(row[0], "an event has no time", column="event_timestamp",
                                     row=line_where(Path(row[0]), export.format,
                                                    ("event_timestamp",), None))])


def _refuse_time(export: Export, file: str, field: str, written: str) -> DataError:
    try:
        float(written.strip())
    except ValueError:
        return refuse(export, file, (field,), written, "is not a number",
                      expected=MICROSECONDS)
    return refuse(export, file, (field,), written, "is not a time between 2000 and 2099 in "
                  "microseconds (a time in seconds or milliseconds would read as 1970)",
                  expected=MICROSECONDS)
