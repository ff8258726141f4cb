"""Segment's raw messages, the spec's JSON one call a line, staged as tracks and identifies.

A message is one call of Segment's spec (RudderStack's is the same): ``type``
(``track``, ``identify``, ``page``, ``screen``, ``group``, ``alias``), ``userId``,
``anonymousId``, ``event`` (track calls), ``timestamp``, ``context`` (``library``,
``os``, ``device``, ``location``, RudderStack's ``sessionId``) and ``traits``
(identify calls). Each field is read where the warehouse would have put it
(``context.library.name`` is ``context_library_name``), so the rules of
:mod:`~cpo_kit.inputs.importers.segment` apply unchanged; this module only reads
the messages, in one pass, into the two staged tables it stitches.

- Track calls are the events; the name the code sent is turned into Segment's
  warehouse slug (:func:`~cpo_kit.inputs.importers.segment.slug`).
- Identify calls tie anonymous ids to users; their country is
  ``context.location.country``, else ``traits.address.country``, else
  ``traits.country``.
- Every other call is dropped, counted by its type: page and screen calls have
  tables of their own in the warehouse, which this importer does not read, so
  keeping them here would make the two forms of one export differ.
- ``timestamp`` must carry its zone, as the spec's ISO 8601 times do (unless the
  params file's ``imports: {timezone: ...}`` says in which zone they were written).

Part of :mod:`cpo_kit.inputs.importers`.
"""
from __future__ import annotations

from cpo_kit.core.errors import DataError, DataProblem
from cpo_kit.inputs.importers.exports import Export, columns_of, require
from cpo_kit.inputs.importers.segment import (copy, platform, refuse_unread, slug, staged_sql,
                                              utc_suffix)
from cpo_kit.inputs.importers.staging import Staging
from cpo_kit.inputs.importers.times import utc, why_unread

#: The fields read, with their types; every other field of a message is left out.
COLUMNS = {"type": "VARCHAR", "userId": "VARCHAR", "anonymousId": "VARCHAR",
           "event": "VARCHAR", "timestamp": "VARCHAR", "context": "JSON", "traits": "JSON"}
NEEDED = {"type": "the call's type, such as track or identify",
          "timestamp": "when it happened"}


def stage(export: Export, staging: Staging, *, tool: str, timezone: str | None) -> bool:
    """Stage the messages of ``export`` as the staged ``tracks`` and ``identifies``.

    Parameters
    ----------
    export : Export
        JSON-lines files of Segment's (or RudderStack's) messages.
    staging : Staging
        Where ``tracks.staged.parquet`` and ``identifies.staged.parquet`` are written.
    tool : str
        The tool's name, for messages.
    timezone : str or None
        The zone of times written without one; None refuses them.

    Returns
    -------
    bool
        True: identifies are staged (maybe none), so anonymous ids are stitched.

    Raises
    ------
    DataError
        Another tool's export, a line that does not parse, or a time that cannot be read.
    """
    con = staging.con
    columns = columns_of(con, export)
    require(columns, NEEDED, export, tool)
    if "userId" not in columns and "anonymousId" not in columns:
        raise DataError([DataProblem(
            str(export.files[0]), "has neither 'userId' nor 'anonymousId' (who did it), one "
            f"of which every {tool} message has: is it another tool's export?",
            found=", ".join(sorted(columns)[:12]))])

    def context(path):
        return f"nullif(trim(json_extract_string(context, '$.{path}')), '')"

    def trait(path):
        return f"nullif(trim(json_extract_string(traits, '$.{path}')), '')"

    calls = staged_sql(staging, "calls")
    copy(staging, export, "calls", f"""
        SELECT filename, lower(trim(type)) AS type,
               nullif(trim(userId), '') AS user_id,
               nullif(trim(anonymousId), '') AS anonymous_id,
               {utc(utc_suffix('timestamp'), 'VARCHAR', timezone=timezone)} AS timestamp,
               timestamp AS written_time,
               {slug("nullif(trim(event), '')")} AS event,
               {platform(context('library.name'), context('os.name'), context('device.type'))}
                 AS platform,
               {context('sessionId')} AS session_id,
               coalesce({context('location.country')}, {trait('address.country')},
                        {trait('country')}) AS country
        FROM {export.relation(columns=COLUMNS)}""")
    refuse_unread(staging, export, "calls", ("timestamp",), why_unread(timezone))
    for kind, count in con.execute(
            f"SELECT type, count(*) FROM {calls} WHERE type IS DISTINCT FROM 'track' "
            "AND type IS DISTINCT FROM 'identify' GROUP BY type ORDER BY type").fetchall():
        staging.drop(f"{kind} calls (only track calls are events)" if kind
                     else "calls without a type", count)
    con.execute(f"""COPY (SELECT filename, user_id, anonymous_id, timestamp, event, platform,
                                 session_id FROM {calls} WHERE type = 'track')
                    TO {staged_sql(staging, 'tracks')} (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT filename, user_id, anonymous_id, timestamp, country
                          FROM {calls} WHERE type = 'identify')
                    TO {staged_sql(staging, 'identifies')} (FORMAT parquet)""")
    (staging.folder / "calls.staged.parquet").unlink()
    return True
