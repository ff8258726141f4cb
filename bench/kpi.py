"""Benchmark: the events metric suite, cpo_kit (ibis on DuckDB) against plain pandas.

For each size, the sample company is generated once (``cpo-kit sample --scale``)
into ``bench/out/`` and reused. Each contender runs in a fresh child process, so
its wall time and peak memory are its own: the cpo_kit suite, the pandas
reference suite (left out at 100M events), the floor: one DuckDB pass that
counts rows and distinct users, and the bound: the least work any ibis suite on
DuckDB has to do, written by hand. Their results must agree.

Usage: python bench/kpi.py [--sizes 10M 100M] [--no-reference-above 20M]
"""
from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

#: Events per unit of --scale is about 0.5M: these scales give 10M and 100M events.
SCALES = {"10M": 20, "100M": 203}
PERIOD_END = "2026-10-31"
FUNNEL = ["signup", "login", "create_report", "share_report"]
WINDOW = "7D"
TARGETS = {"speedup": 5.0, "memory_ratio": 1 / 3, "seconds_100M": 90.0, "gb_100M": 4.0,
           "floor_multiple": 8.0}


def suite_cpo_kit(data: Path) -> dict[str, pd.DataFrame]:
    """The events suite computed by cpo_kit, on the engine."""
    from cpo_kit import load_company
    from cpo_kit.metrics import suite

    company = load_company(data, check_events=False, tables=("events",))
    return suite.events_suite(company, period_end=PERIOD_END, funnel_steps=FUNNEL,
                              funnel_window=WINDOW)


def suite_reference(data: Path) -> dict[str, pd.DataFrame]:
    """The same suite by the plain pandas reference implementations."""
    from pandas_reference import suite

    events = pd.read_parquet(data / "events.parquet")
    return suite.events_suite(events, period_end=PERIOD_END, funnel_steps=FUNNEL,
                              funnel_window=WINDOW)


def floor(data: Path) -> dict[str, pd.DataFrame]:
    """One DuckDB pass over the events file that counts rows and distinct users."""
    import duckdb

    path = str(data / "events.parquet").replace("'", "''")
    row = duckdb.connect().execute(
        f"SELECT count(*) AS events, count(DISTINCT user_id) AS users FROM read_parquet('{path}')"
    ).df()
    return {"floor": row}


def bound(data: Path) -> dict[str, pd.DataFrame]:
    """The least work an ibis suite on DuckDB must do, in hand-written SQL.

    It imports ibis and connects (the issue asks for ibis), groups the events up to
    the period end by user and day (DAU, WAU, MAU, stickiness, lifecycle and
    retention all start from those pairs) and finds each user's first funnel step
    (the funnel needs each user's own events). It counts the user-days and the
    entries whose window has closed, which must equal the suite's total DAU and its
    funnel's first step.
    """
    import ibis

    con = ibis.duckdb.connect().con
    path = str(data / "events.parquet").replace("'", "''")
    end = pd.Timestamp(PERIOD_END) + pd.Timedelta(days=1)
    last_entry = end - pd.Timedelta(WINDOW)
    events = f"read_parquet('{path}') WHERE timestamp < TIMESTAMP '{end}'"
    user_days = con.execute(
        "SELECT count(*) FROM (SELECT user_id, epoch_us(timestamp) // 86400000000 AS day "
        f"FROM {events} GROUP BY ALL)").fetchone()[0]
    entries = con.execute(
        f"SELECT count(*) FILTER (WHERE entry <= TIMESTAMP '{last_entry}') FROM (SELECT "
        f"min(timestamp) FILTER (WHERE event = '{FUNNEL[0]}') AS entry FROM {events} "
        "GROUP BY user_id)").fetchone()[0]
    return {"bound": pd.DataFrame({"user_days": [user_days], "entries": [entries]})}


CONTENDERS = {"cpo_kit": suite_cpo_kit, "pandas": suite_reference, "floor": floor,
              "bound": bound}


def child(name: str, data: Path, result: Path) -> None:
    from peak import peak_gb  # bench/, the script's own folder

    started = time.perf_counter()
    tables = CONTENDERS[name](data)
    seconds = time.perf_counter() - started
    peak = peak_gb()
    result.write_bytes(pickle.dumps(tables))
    print(json.dumps({"seconds": seconds, "peak_gb": peak}))


def measure(name: str, data: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    result = OUT / f"result-{name}.pkl"
    run = subprocess.run([sys.executable, __file__, "--child", name, "--data", str(data),
                          "--result", str(result)], capture_output=True, text=True, cwd=ROOT)
    if run.returncode:
        raise SystemExit(f"{name} failed:\n{run.stderr[-3000:]}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return figures, pickle.loads(result.read_bytes())


def dataset(size: str) -> Path:
    data = OUT / f"scale-{SCALES[size]}"
    if not (data / "events.parquet").exists():
        print(f"generating {size} events (cpo-kit sample --scale {SCALES[size]}) ...", flush=True)
        subprocess.run([str(Path(sys.executable).with_name("cpo-kit")), "sample", str(data),
                        "--seed", "0", "--scale", str(SCALES[size])], check=True)
    return data


def bound_agrees(ours: dict[str, pd.DataFrame], counts: pd.DataFrame) -> list[str]:
    """Where the bound's counts differ from the suite's (empty when they agree)."""
    pairs = {"user-days": (counts["user_days"].iat[0], ours["dau"]["users"].sum()),
             "funnel entries": (counts["entries"].iat[0], ours["funnel"]["users"].iat[0])}
    return [f"the bound counts {int(b):,} {name}, the suite {int(s):,}"
            for name, (b, s) in pairs.items() if b != s]


def agree(ours: dict[str, pd.DataFrame], theirs: dict[str, pd.DataFrame]) -> list[str]:
    """The metrics on which the two suites differ (empty when they agree)."""
    differ = []
    for name, frame in theirs.items():
        try:
            pd.testing.assert_frame_equal(ours[name].reset_index(drop=True),
                                          frame.reset_index(drop=True), check_dtype=False,
                                          rtol=1e-9)
        except (AssertionError, KeyError) as error:
            differ.append(f"{name}: {str(error).splitlines()[0]}")
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SCALES), choices=list(SCALES))
    parser.add_argument("--no-reference-above", default="10M", choices=list(SCALES),
                        help="largest size at which the pandas reference also runs")
    parser.add_argument("--child", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.result)
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    rows, failures = [], []
    for size in args.sizes:
        data = dataset(size)
        floor_fig, floor_out = measure("floor", data)
        events = int(floor_out["floor"]["events"].iat[0])
        bound_fig, bound_out = measure("bound", data)
        ours_fig, ours = measure("cpo_kit", data)
        row = {"size": size, "events": events, "floor_s": floor_fig["seconds"],
               "bound_s": bound_fig["seconds"], "cpo_kit_s": ours_fig["seconds"],
               "cpo_kit_gb": ours_fig["peak_gb"]}
        row["bound_multiple"] = row["bound_s"] / row["floor_s"]
        row["floor_multiple"] = row["cpo_kit_s"] / row["floor_s"]
        failures += [f"{size}: {d}" for d in bound_agrees(ours, bound_out["bound"])]
        if list(SCALES).index(size) <= list(SCALES).index(args.no_reference_above):
            ref_fig, ref = measure("pandas", data)
            row.update(pandas_s=ref_fig["seconds"], pandas_gb=ref_fig["peak_gb"],
                       speedup=ref_fig["seconds"] / ours_fig["seconds"],
                       memory_ratio=ours_fig["peak_gb"] / ref_fig["peak_gb"])
            differ = agree(ours, ref)
            row["agree"] = not differ
            failures += [f"{size}: results differ: {d}" for d in differ]
        rows.append(row)
        print_row(row)
    failures += check_targets(rows)
    for failure in failures:
        print("MISSED:", failure)
    for row in rows:
        if row["bound_multiple"] > TARGETS["floor_multiple"]:
            print(f"NOTE: {row['size']}: the bound alone is {row['bound_multiple']:.1f}x the "
                  f"floor, so no suite with ibis on DuckDB can be within "
                  f"{TARGETS['floor_multiple']:.0f}x of the floor on this machine.")
    return 1 if failures else 0


def print_row(row: dict) -> None:
    print(f"\n{row['size']} events ({row['events']:,}):")
    print(f"  floor (count rows, distinct users)  {row['floor_s']:8.2f} s")
    print(f"  bound (least an ibis suite must do) {row['bound_s']:8.2f} s"
          f"{'':22}{row['bound_multiple']:5.1f}x the floor")
    print(f"  cpo_kit suite                       {row['cpo_kit_s']:8.2f} s  "
          f"{row['cpo_kit_gb']:6.2f} GB peak   {row['floor_multiple']:5.1f}x the floor")
    if "pandas_s" in row:
        print(f"  pandas reference suite              {row['pandas_s']:8.2f} s  "
              f"{row['pandas_gb']:6.2f} GB peak")
        print(f"  cpo_kit is {row['speedup']:.1f}x faster with {row['memory_ratio']:.2f} of the "
              f"memory; results agree: {'yes' if row['agree'] else 'NO'}")


def check_targets(rows: list[dict]) -> list[str]:
    missed = []
    for row in rows:
        if "speedup" in row and row["speedup"] < TARGETS["speedup"]:
            missed.append(f"{row['size']}: speedup {row['speedup']:.1f}x < 5x")
        if "memory_ratio" in row and row["memory_ratio"] > TARGETS["memory_ratio"]:
            missed.append(f"{row['size']}: memory ratio {row['memory_ratio']:.2f} > 1/3")
        if row["size"] == "100M" and row["cpo_kit_s"] > TARGETS["seconds_100M"]:
            missed.append(f"100M: {row['cpo_kit_s']:.0f} s > 90 s")
        if row["size"] == "100M" and row["cpo_kit_gb"] > TARGETS["gb_100M"]:
            missed.append(f"100M: {row['cpo_kit_gb']:.2f} GB > 4 GB")
        if row["floor_multiple"] > TARGETS["floor_multiple"]:
            missed.append(f"{row['size']}: {row['floor_multiple']:.1f}x the floor > 8x")
    return missed


if __name__ == "__main__":
    sys.exit(main())
