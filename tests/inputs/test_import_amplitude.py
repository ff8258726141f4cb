"""``cpo-kit import amplitude``: a hand-written Export API archive, each mapping rule and refusal.

The fixture ``exports/amplitude/`` holds two files of JSON lines written by hand in
the shape of Amplitude's Export API (one event per line, every field of its
schema); each test gzips them and zips them as the API does
(``<project_id>/<project_id>_<date>_<hour>#<n>.json.gz``). The second file repeats
one event of the first, as two overlapping exports put together do. The expected
tables are worked out from the fixture by hand.
"""
from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import FUNNEL_HINT

EXPORTS = Path(__file__).parent / "exports" / "amplitude"
HOURS = ("123456_2026-10-01_8#0.json", "123456_2026-10-01_9#0.json")
FIRST, SECOND = (f"123456/{name}.gz" for name in HOURS)
T = pd.Timestamp


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip archive holding ``members`` (name -> bytes), as the Export API sends."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def _fixture(tmp_path: Path) -> Path:
    return _zip(tmp_path / "export.zip", {f"123456/{name}.gz": _gz((EXPORTS / name).read_text())
                                          for name in HOURS})


def _lines(tmp_path: Path, *files: list[str]) -> Path:
    """An archive of one member per list of JSON lines, named as hours 8, 9, ..."""
    return _zip(tmp_path / "export.zip", {
        f"123456/123456_2026-10-01_{8 + i}#0.json.gz": _gz("".join(line + "\n" for line in lines))
        for i, lines in enumerate(files)})


def _table(folder: Path, name: str) -> list[tuple]:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    # Events in the order they happened (DuckDB writes them in the order it reads).
    return sorted(rows, key=lambda r: (r[1], r[0])) if name == "events" else rows


EVENTS = [
    # The Start Session marker before it is dropped; the page view is kept, with its
    # session (the session's start in epoch ms) and Web as the platform.
    ("user-1001", T("2026-10-01 08:00:00.250"), "[Amplitude] Page Viewed", None, "web",
     "1790841600000"),
    # Read as UTC, microseconds kept; its second copy (in the 9 o'clock file) is dropped.
    ("user-1001", T("2026-10-01 08:03:10.123456"), "report_created", None, "web",
     "1790841600000"),
    # No user_id: the device is the user; the platform from "iOS".
    ("dev-ios-77", T("2026-10-01 08:09:58.500"), "report_viewed", None, "ios",
     "1790842198000"),
    # Session -1 (outside any session): empty.
    ("user-1002", T("2026-10-01 09:05:00.500"), "report_shared", None, "android", None),
    # Neither user_id nor device_id: the amplitude_id; no platform, no os_name: empty.
    ("880000003", T("2026-10-01 09:30:00"), "invoice_paid", None, None, None),
    ("user-1001", T("2026-10-01 09:40:00"), "report_created", None, "web", "1790847521000"),
    # No platform: os_name ios says iOS.
    ("dev-ios-77", T("2026-10-01 09:50:00"), "report_viewed", None, "ios", "1790848110000")]

USERS = [
    # Created before the export's first hour: signed up then.
    ("880000003", T("2026-09-15 10:00:00"), None),
    # Created half a second before the first event.
    ("dev-ios-77", T("2026-10-01 08:09:58"), "France"),
    # The country of the latest event: Austria, not Germany.
    ("user-1001", T("2026-09-28 17:45:12"), "Austria"),
    ("user-1002", T("2026-10-01 09:04:30"), "Brazil")]


def _summary(out_dir: Path, tool="Amplitude") -> list[str]:
    return [f"Imported the {tool} export into {out_dir}:",
            "  events.parquet               7 rows, 2026-10-01 to 2026-10-01",
            "  users.parquet                4 rows, 2026-09-15 to 2026-10-01",
            "Dropped:",
            "             1 events exported twice (the same $insert_id and device_id, or the "
            "same uuid): one copy kept",
            "             1 $identify events (Amplitude's bookkeeping, not a user's action)",
            "             1 [Amplitude] End Session events (Amplitude's bookkeeping, not a "
            "user's action)",
            "             1 [Amplitude] Start Session events (Amplitude's bookkeeping, not a "
            "user's action)",
            "User ids: 4 events by user_id, 2 by device_id (no user_id), 1 by amplitude_id "
            "(no user_id or device_id).",
            "The commonest events: report_created (2), report_viewed (2), [Amplitude] Page "
            "Viewed (1), invoice_paid (1), report_shared (1).",
            FUNNEL_HINT]


def test_the_archive_becomes_events_and_users(cli, tmp_path):
    code, out, err = cli("import", "amplitude", _fixture(tmp_path), tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == EVENTS
    assert _table(tmp_path / "acme", "users") == USERS
    assert out.splitlines() == _summary(tmp_path / "acme")
    # Nothing of the staging (the extracted members, the staged rows) is left behind.
    assert sorted(p.name for p in (tmp_path / "acme").iterdir()) == ["events.parquet",
                                                                      "users.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["acme", "export.zip"]


def test_the_unzipped_folder_gives_the_same_tables(cli, tmp_path):
    with zipfile.ZipFile(_fixture(tmp_path)) as archive:
        archive.extractall(tmp_path / "unzipped")
    # The folder the archive was unzipped into: its files are in the project's subfolder.
    code, out, err = cli("import", "amplitude", tmp_path / "unzipped", tmp_path / "acme")
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == EVENTS
    assert _table(tmp_path / "acme", "users") == USERS
    assert out.splitlines() == _summary(tmp_path / "acme")


def test_the_imported_tables_pass_the_contract(cli, tmp_path):
    cli("import", "amplitude", _fixture(tmp_path), tmp_path / "acme")
    params = tmp_path / "acme.yml"
    params.write_text('funnel_steps: ["[Amplitude] Page Viewed", report_created, '
                      "report_shared]\n")
    code, out, err = cli("validate", tmp_path / "acme", "--params", params)
    assert (code, err) == (0, ""), err
    assert "events" in out and "users" in out


def test_other_bookkeeping_events_without_ids_and_copies_by_uuid_are_dropped(cli, tmp_path):
    archive = _lines(tmp_path, [
        # The session markers of older mobile SDKs and of the newer web SDK, a group's
        # identify call: dropped.
        '{"event_type": "session_start", "event_time": "2026-10-02 07:00:00.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000}',
        '{"event_type": "Session Started", "event_time": "2026-10-02 07:00:00.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000}',
        '{"event_type": "login", "event_time": "2026-10-02 07:00:01.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000, '
        '"uuid": "u-1", "platform": "iPadOS"}',
        '{"event_type": "$groupidentify", "event_time": "2026-10-02 07:00:02.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": -1}',
        '{"event_type": "session_end", "event_time": "2026-10-02 07:30:00.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000}',
        '{"event_type": "Session Ended", "event_time": "2026-10-02 07:30:00.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000}',
        # No id at all: nobody to count it for.
        '{"event_type": "login", "event_time": "2026-10-02 07:40:00.000000", '
        '"user_id": null, "device_id": "", "amplitude_id": null}',
        # A time written with a zone (Amplitude writes none): converted to UTC.
        '{"event_type": "logout", "event_time": "2026-10-02T09:45:00+02:00", '
        '"user_id": "user-2001", "amplitude_id": 5, "platform": "Unity", '
        '"os_name": "Android"}'], [
        # The same stored event (one uuid, no $insert_id) in a second file: dropped.
        '{"event_type": "login", "event_time": "2026-10-02 07:00:01.000000", '
        '"user_id": "user-2001", "amplitude_id": 5, "session_id": 1790924400000, '
        '"uuid": "u-1", "platform": "iPadOS"}'])
    params = tmp_path / "acme.yml"
    # The timezone option is not used (Amplitude's times are UTC), and the summary says so.
    params.write_text("imports:\n  timezone: Europe/Berlin\n")
    code, out, err = cli("import", "amplitude", archive, tmp_path / "acme", "--params", params)
    assert (code, err) == (0, "")
    assert _table(tmp_path / "acme", "events") == [
        ("user-2001", T("2026-10-02 07:00:01"), "login", None, "ios", "1790924400000"),
        # Unity is no platform we know; the os_name says Android.
        ("user-2001", T("2026-10-02 07:45:00"), "logout", None, "android", None)]
    # No user_creation_time: signed up at the first event kept; no country.
    assert _table(tmp_path / "acme", "users") == [("user-2001", T("2026-10-02 07:00:01"), None)]
    assert out.splitlines()[3:] == [
        "Dropped:",
        "             1 events exported twice (the same $insert_id and device_id, or the "
        "same uuid): one copy kept",
        "             1 events with no user_id, device_id or amplitude_id",
        "             1 $groupidentify events (Amplitude's bookkeeping, not a user's action)",
        "             1 Session Ended events (Amplitude's bookkeeping, not a user's action)",
        "             1 Session Started events (Amplitude's bookkeeping, not a user's action)",
        "             1 session_end events (Amplitude's bookkeeping, not a user's action)",
        "             1 session_start events (Amplitude's bookkeeping, not a user's action)",
        "User ids: 2 events by user_id.",
        "The params file's imports: timezone (Europe/Berlin) is not used: Amplitude writes "
        "its times in UTC.",
        "The commonest events: login (1), logout (1).",
        FUNNEL_HINT]


def test_events_with_one_insert_id_on_two_devices_are_two_events(cli, tmp_path):
    # Amplitude deduplicates by $insert_id and device_id together.
    archive = _lines(tmp_path, [
        '{"event_type": "login", "event_time": "2026-10-02 07:00:00.000000", '
        '"device_id": "d-1", "amplitude_id": 7, "$insert_id": "same"}',
        '{"event_type": "login", "event_time": "2026-10-02 07:05:00.000000", '
        '"device_id": "d-2", "amplitude_id": 8, "$insert_id": "same"}'])
    code, out, err = cli("import", "amplitude", archive, tmp_path / "acme")
    assert (code, err) == (0, "")
    assert [r[0] for r in _table(tmp_path / "acme", "events")] == ["d-1", "d-2"]
    assert "Nothing was dropped." in out.splitlines()


GOOD = ('{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000", '
        '"user_id": "user-1001", "amplitude_id": 1}')
TIME = ("expected a date and time as Amplitude writes it, in UTC, such as "
        "2026-10-01 08:00:00.123456)")


@pytest.mark.parametrize("second, message", [
    ('{"event_type": "login", "event_time": 2026-10-01 08:00:00}',
     f"export.zip/{SECOND}:2: is not valid JSON (expected one JSON object per line)"),
    ('{"event_time": "2026-10-01 08:00:00.000000", "user_id": "user-1001"}',
     f"export.zip/{SECOND}:2: event_type: is missing (expected the event's name)"),
    ('{"event_type": "", "event_time": "2026-10-01 08:00:00.000000", "user_id": "u"}',
     f"export.zip/{SECOND}:2: event_type: is missing (expected the event's name)"),
    ('{"event_type": "login", "event_time": "yesterday", "user_id": "user-1001"}',
     f"export.zip/{SECOND}:2: event_time: cannot be read as a time (found 'yesterday', "
     f"{TIME}"),
    ('{"event_type": "login", "event_time": null, "user_id": "user-1001"}',
     f"export.zip/{SECOND}:2: event_time: is missing ({TIME}"),
    ('{"event_type": "login", "event_time": "2026-10-01 08:00:00.000000", '
     '"user_id": "user-1001", "user_creation_time": "2026-13-01 00:00:00.000000"}',
     f"export.zip/{SECOND}:2: user_creation_time: cannot be read as a time (found "
     f"'2026-13-01 00:00:00.000000', {TIME}"),
])
def test_a_bad_line_is_refused_with_its_member_and_line(cli, tmp_path, second, message):
    # The bad line is the second of the second member: the message names both.
    archive = _lines(tmp_path, [GOOD, GOOD], [GOOD, second])
    out_dir = tmp_path / "acme"
    code, out, err = cli("import", "amplitude", archive, out_dir)
    assert (code, out) == (2, "")
    assert err == f"cpo-kit: {tmp_path}/{message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]


def test_another_tools_export_is_refused_by_its_missing_fields(cli, tmp_path):
    # A Mixpanel-like export zipped: "event" and "properties", no event_type.
    archive = _lines(tmp_path, ['{"event": "login", "properties": {"time": 1790841600, '
                                '"distinct_id": "u1"}}'])
    code, _, err = cli("import", "amplitude", archive, tmp_path / "acme")
    assert code == 2
    assert err == (f"cpo-kit: {archive}/{FIRST}: has no field 'event_type' (the event's "
                   "name), which every Amplitude export has: is it another tool's export? "
                   "(found event, properties)\n")


def _refused(cli, tmp_path, export: Path) -> str:
    """The refusal of ``export``, after checking nothing was written beside it."""
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli("import", "amplitude", export, tmp_path / "acme")
    assert (code, out) == (2, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    return err


def test_a_truncated_archive_is_refused(cli, tmp_path):
    data = _fixture(tmp_path).read_bytes()
    (tmp_path / "export.zip").write_bytes(data[:len(data) // 2])
    assert _refused(cli, tmp_path, tmp_path / "export.zip") == (
        f"cpo-kit: {tmp_path}/export.zip: is not a complete zip archive: it may be truncated "
        "or damaged (expected the zip file the Export API sends, downloaded whole)\n")


def test_a_damaged_member_is_refused_by_name(cli, tmp_path):
    archive = _fixture(tmp_path)
    data = bytearray(archive.read_bytes())
    # A byte inside the second member's data: its checksum no longer matches.
    at = data.index(b"123456/" + SECOND.split("/")[1].encode()) + len(SECOND) + 20
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    assert _refused(cli, tmp_path, archive) == (
        f"cpo-kit: {archive}/{SECOND}: cannot be extracted: the archive is truncated or "
        "damaged (expected the zip file the Export API sends, downloaded whole)\n")


def test_a_truncated_gzip_member_is_refused_by_name(cli, tmp_path):
    whole = _gz((EXPORTS / HOURS[1]).read_text())
    archive = _zip(tmp_path / "export.zip", {
        FIRST: _gz((EXPORTS / HOURS[0]).read_text()), SECOND: whole[:len(whole) - 40]})
    assert _refused(cli, tmp_path, archive) == (
        f"cpo-kit: {archive}/{SECOND}: is not a complete gzip file: it may be truncated or "
        "damaged (expected gzipped JSON lines, as the Export API writes)\n")


def test_a_member_that_is_not_gzip_is_refused_by_name(cli, tmp_path):
    archive = _zip(tmp_path / "export.zip", {FIRST: (EXPORTS / HOURS[0]).read_bytes()})
    assert _refused(cli, tmp_path, archive) == (
        f"cpo-kit: {archive}/{FIRST}: is not a complete gzip file: it may be truncated or "
        "damaged (expected gzipped JSON lines, as the Export API writes)\n")


def test_an_empty_archive_is_refused(cli, tmp_path):
    archive = _zip(tmp_path / "export.zip", {"123456/": b""})
    assert _refused(cli, tmp_path, archive) == (
        f"cpo-kit: {archive}: holds no event files (expected gzipped JSON-lines files "
        "(.json.gz), as the Export API writes)\n")


def test_an_archive_of_empty_files_is_refused(cli, tmp_path):
    archive = _zip(tmp_path / "export.zip", {FIRST: _gz(""), SECOND: _gz("\n")})
    assert _refused(cli, tmp_path, archive) == (
        f"cpo-kit: {archive}: holds no events (expected one JSON object per line, for each "
        "event)\n")


def test_a_file_of_another_format_is_refused(cli, tmp_path):
    export = tmp_path / "events.csv"
    export.write_text("event_type,event_time\nlogin,2026-10-01 08:00:00\n")
    assert _refused(cli, tmp_path, export) == (
        f"cpo-kit: {export}: not a format Amplitude exports (expected the Export API's zip "
        "archive, or its .json.gz files)\n")


def test_a_folder_without_event_files_is_refused(cli, tmp_path):
    (tmp_path / "downloads").mkdir()
    (tmp_path / "downloads" / "notes.txt").write_text("the export\n")
    assert _refused(cli, tmp_path, tmp_path / "downloads") == (
        f"cpo-kit: {tmp_path}/downloads: no file of an Amplitude export in it (expected the "
        ".json.gz files of an Export API archive, or the archive itself)\n")


def test_a_quote_in_the_folders_names_is_no_trouble(cli, tmp_path):
    # The staging folder is made beside OUT_DIR, so its name has the quote too.
    folder = tmp_path / "ana's exports"
    folder.mkdir()
    code, out, err = cli("import", "amplitude", _fixture(folder), folder / "acme")
    assert (code, err) == (0, "")
    assert _table(folder / "acme", "events") == EVENTS
    assert out.splitlines() == _summary(folder / "acme")
