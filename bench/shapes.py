"""Benchmark events shaped like real exports, and the shape on which nothing reduces.

The sample generator (``cpo-kit sample --scale``) writes its events grouped by user,
which flatters any engine. Real exports are append-only logs: rows in time order,
string (often UUID) user ids, every user's rows spread through the whole file.

- ``realistic``: time order, UUID user ids, users interleaved, sessions of a few
  events, about five events per active user-day; a mix of users who sign up and
  never return, casual and engaged ones, signing up more as time goes on (the
  product grows), so retention and lifecycle have something to show. Event names,
  features and platforms are the sample's, and each user's first day opens the
  funnel (signup, login, often create_report, sometimes share_report).
- ``pathological``: one event per active user-day, about 16 active days per user
  (the issue measured 100M events of 5M users), so grouping by user and day reduces nothing.
  Each user's first event is a signup; later days carry the funnel's other steps
  and the sample's other events.

Written in DuckDB SQL and streamed to Parquet, not in pandas: at 100M events the
rows do not fit in memory, DuckDB spills to disk under its ``memory_limit``.
Every random draw is a hash of the seed and the row's keys, not ``random()``, so
the same shape, size and seed give the same file. The sizes are targets: the file
holds about that many events (within a few percent).

Usage: python bench/shapes.py {realistic,pathological} SIZE OUT_DIR [--seed 0]
(SIZE such as 20k, 10M, 100M, 300M); writes OUT_DIR/events.parquet.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

SHAPES = ("realistic", "pathological")
#: The sample's period: two years of events up to the benchmark's period end.
FIRST_DAY, DAYS = "2024-11-01", 730
MEMORY_LIMIT = "1.5GB"

#: Events after the first of a day, as in the sample: name, feature, weight.
EVENTS = [("view_dashboard", "dashboards", 24), ("login", None, 10),
          ("create_report", "reports", 10), ("search", None, 8),
          ("edit_dashboard", "dashboards", 7), ("comment", "collaboration", 7),
          ("export_csv", "exports", 6), ("run_automation", "automation", 5),
          ("share_report", "reports", 4), ("open_alert", "alerts", 4),
          ("invite_user", "collaboration", 1), ("create_automation", "automation", 1),
          ("error_shown", None, 1)]
#: Each user's platform: name and share.
PLATFORMS = [("web", 62), ("desktop", 15), ("ios", 13), ("android", 10)]


def parse_size(size: str) -> int:
    """``"20k"``, ``"10M"``, ``"1.5M"`` or ``"300000"`` as a number of events."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", size)
    if not match:
        raise ValueError(f"size {size!r}: write a number with k or M, such as 10M")
    unit = {"": 1, "k": 1_000, "m": 1_000_000}[match[2].lower()]
    return int(float(match[1]) * unit)


def _uniform(seed: int, *keys: str) -> str:
    """SQL for a number in [0, 1) drawn from the seed and the row's keys."""
    return f"(hash({seed}, {', '.join(keys)}) % 1000003) / 1000003.0"


def _pick(draw: str, choices: list[tuple]) -> str:
    """SQL choosing ``choices[i][0]`` (and its feature) with weights ``choices[i][-1]``."""
    total = sum(c[-1] for c in choices)
    cases, upto = [], 0
    for choice in choices[:-1]:
        upto += choice[-1]
        cases.append(f"WHEN {draw} < {upto / total} THEN {_literal(choice[0])}")
    return f"CASE {' '.join(cases)} ELSE {_literal(choices[-1][0])} END"


def _literal(value) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _feature(event: str) -> str:
    cases = " ".join(f"WHEN '{name}' THEN {_literal(feature)}"
                     for name, feature, _ in EVENTS if feature)
    return f"CASE {event} {cases} ELSE NULL END"


def _md5(seed: int, key: str) -> str:
    return f"md5({seed}::VARCHAR || ':' || {key}::VARCHAR)"


def _uuid(h: str) -> str:
    """SQL for a version-4-looking UUID string made from ``h``, a column of md5 hex.

    ``h`` is a column, not the md5 call itself: DuckDB would compute it once per use.
    """
    return (f"substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-4' || substr({h}, 14, 3) "
            f"|| '-a' || substr({h}, 18, 3) || '-' || substr({h}, 21, 12)")


def _users(shape: str, events: int, seed: int) -> str:
    """SQL for the users: id, signup day, active days, gap between active days."""
    u = lambda name: _uniform(seed, f"'{name}'", "u")  # noqa: E731
    if shape == "realistic":
        # 30% never come back, 45% casual (a visit every ~9 days), 25% engaged (~2 days);
        # lifetimes are geometric.
        per_user = 47  # about 9.4 active days of 5 events, once cut at the period end
        kind = f"CASE WHEN {u('kind')} < 0.30 THEN 0 WHEN {u('kind')} < 0.75 THEN 1 ELSE 2 END"
        days = (f"CASE kind WHEN 0 THEN 1 WHEN 1 THEN 1 + floor(-ln(1 - {u('life')}) * 7) "
                f"ELSE 1 + floor(-ln(1 - {u('life')}) * 30) END")
        gap = f"CASE kind WHEN 1 THEN 4 + 10 * {u('gap')} ELSE 1 + 2 * {u('gap')} END"
    else:
        per_user = 15.9  # 20 days drawn, fewer once cut at the period end
        kind = "2"
        days = f"1 + floor(-ln(1 - {u('life')}) * 19)"
        gap = f"1 + 6 * {u('gap')}"
    users = max(1, round(events / per_user))
    return f"""
        SELECT u, kind, {_uuid('h')} AS user_id,
               floor({DAYS} * sqrt({u('signup')}))::INTEGER AS signup,
               ({days})::INTEGER AS active_days, {gap} AS gap,
               {_pick(u('platform'), PLATFORMS)} AS platform
        FROM (SELECT u, {kind} AS kind, {_md5(seed, 'u')} AS h FROM range({users}) t(u))"""


def query(shape: str, events: int, seed: int = 0) -> str:
    """The SQL selecting the events of a shape, in time order."""
    if shape not in SHAPES:
        raise ValueError(f"shape {shape!r}: choose one of {', '.join(SHAPES)}")
    # Active days are the signup day and then one every `gap` days (gap >= 1), each
    # moved later by less than gap - 1 so that they stay distinct and in order; cut at
    # the period's end.
    user_days = f"""
        SELECT u, user_id, platform, i, day FROM (
            SELECT u, user_id, platform, i,
                   (signup + CASE WHEN i = 0 THEN 0
                                  ELSE floor(i * gap + {_uniform(seed, "'jit'", 'u', 'i')}
                                                       * (gap - 1) * 0.99) END)::INTEGER AS day
            FROM (SELECT *, unnest(range(active_days)) AS i FROM users))
        WHERE day < {DAYS}"""
    d = lambda name, *more: _uniform(seed, f"'{name}'", "u", "i", *more)  # noqa: E731
    if shape == "realistic":
        # Events a day: 1 + geometric with mean about 4 (5 on average), at most 30; a new
        # session every ~4 events; the day starts between 06:00 and 14:00.
        n = f"least(30, 1 + floor(-ln(1 - {d('n')}) * 4.5))::INTEGER"
        first = (f"CASE WHEN i = 0 AND j = 0 THEN 'signup' WHEN i = 0 AND j = 1 THEN 'login' "
                 f"WHEN i = 0 AND j = 2 AND {d('c')} < 0.6 THEN 'create_report' "
                 f"WHEN i = 0 AND j = 3 AND {d('s')} < 0.5 THEN 'share_report' "
                 f"WHEN j = 0 THEN 'login' ELSE {_pick(d('e', 'j'), EVENTS)} END")
        offset = (f"(6 + 8 * {d('start')}) * 3600 + (j // 4) * 2700 "
                  f"+ j * 120 + 100 * {d('t', 'j')}")
        session = _md5(seed, "u || ':' || i || ':' || (j // 4)")
        events_of = f"""
            SELECT u, user_id, platform, i, day, unnest(range({n})) AS j FROM user_days"""
    else:
        first = (f"CASE WHEN i = 0 THEN 'signup' WHEN i = 1 THEN 'login' "
                 f"WHEN {d('f')} < 0.2 THEN 'create_report' "
                 f"WHEN {d('f')} < 0.3 THEN 'share_report' "
                 f"ELSE {_pick(d('e'), EVENTS)} END")
        offset = f"86399 * {d('t')}"
        session = _md5(seed, "u || ':' || i")
        events_of = "SELECT u, user_id, platform, i, day, 0 AS j FROM user_days"
    return f"""
        WITH users AS ({_users(shape, events, seed)}),
             user_days AS ({user_days}),
             rows AS ({events_of}),
             named AS (
                SELECT user_id, u, i, j,
                       TIMESTAMP '{FIRST_DAY}' + to_days(day)
                           + to_microseconds(CAST(({offset}) * 1000000 AS BIGINT)) AS timestamp,
                       {first} AS event, platform, {session} AS h
                FROM rows)
        SELECT user_id, timestamp, event, {_feature('event')} AS feature, platform,
               {_uuid('h')} AS session_id
        FROM named ORDER BY timestamp, u, j"""


def write(shape: str, size: str | int, out: Path, *, seed: int = 0,
          memory_limit: str = MEMORY_LIMIT, threads: int | None = None) -> Path:
    """Write ``out/events.parquet`` in a shape; return its path.

    Parameters
    ----------
    shape : {"realistic", "pathological"}
    size : str or int
        About how many events, such as ``"10M"``.
    out : Path
        The data folder, made if missing.
    seed : int
        The same shape, size and seed give the same file.
    memory_limit : str
        DuckDB's memory limit; past it, the sort spills to ``out/.spill``.
    threads : int, optional
        DuckDB's threads (its default: all cores).
    """
    import duckdb

    events = parse_size(size) if isinstance(size, str) else int(size)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "events.parquet"
    partial = out / "events.parquet.partial"
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    spill = str(out / ".spill").replace("'", "''")
    con.execute(f"SET temp_directory = '{spill}'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    target = str(partial).replace("'", "''")
    con.execute(f"COPY ({query(shape, events, seed)}) TO '{target}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)")
    con.close()
    partial.replace(path)  # a file cut short by a crash is never taken for a finished one
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", choices=SHAPES)
    parser.add_argument("size", help="about how many events, such as 10M")
    parser.add_argument("out", type=Path, help="folder to write events.parquet into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-limit", default=MEMORY_LIMIT)
    args = parser.parse_args()
    started = time.perf_counter()
    path = write(args.shape, args.size, args.out, seed=args.seed,
                 memory_limit=args.memory_limit)
    print(f"{path}: {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
