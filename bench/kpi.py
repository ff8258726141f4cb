"""Benchmark: the events metric suite, cpo_kit (ibis on DuckDB) against plain pandas.

For each size, the sample company is generated once (``cpo-kit sample --scale``)
into ``bench/out/`` and reused. Each contender runs in a fresh child process, so
its wall time and peak memory are its own: the cpo_kit suite, the pandas
reference suite (left out at 100M events), and the floor: one DuckDB pass that
counts rows and distinct users. Their results must agree.

Usage: python bench/kpi.py [--sizes 10M 100M] [--no-reference-above 20M]
"""
from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))  # the pandas reference lives in tests/reference

#: Events per unit of --scale is about 0.5M: these scales give 10M and 100M events.
SCALES = {"10M": 20, "100M": 203}
PERIOD_END = "2026-10-31"
FUNNEL = ["signup", "login", "create_report", "share_report"]
TARGETS = {"speedup": 5.0, "memory_ratio": 1 / 3, "seconds_100M": 90.0, "gb_100M": 4.0,
           "floor_multiple": 8.0}


def suite_cpo_kit(data: Path) -> dict[str, pd.DataFrame]:
    """The events suite computed by cpo_kit, on the engine."""
    from cpo_kit import load_company
    from cpo_kit.metrics import suite

    company = load_company(data, check_events=False, tables=("events",))
    return suite.events_suite(company, period_end=PERIOD_END, funnel_steps=FUNNEL)


def suite_reference(data: Path) -> dict[str, pd.DataFrame]:
    """The same suite by the plain pandas reference implementations."""
    from tests.reference import suite

    events = pd.read_parquet(data / "events.parquet")
    return suite.events_suite(events, period_end=PERIOD_END, funnel_steps=FUNNEL)


def floor(data: Path) -> dict[str, pd.DataFrame]:
    """One DuckDB pass over the events file that counts rows and distinct users."""
    import duckdb

    path = str(data / "events.parquet").replace("'", "''")
    row = duckdb.connect().execute(
        f"SELECT count(*) AS events, count(DISTINCT user_id) AS users FROM read_parquet('{path}')"
    ).df()
    return {"floor": row}


CONTENDERS = {"cpo_kit": suite_cpo_kit, "pandas": suite_reference, "floor": floor}


def child(name: str, data: Path, result: Path) -> None:
    started = time.perf_counter()
    tables = CONTENDERS[name](data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
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
        ours_fig, ours = measure("cpo_kit", data)
        row = {"size": size, "events": events, "floor_s": floor_fig["seconds"],
               "cpo_kit_s": ours_fig["seconds"], "cpo_kit_gb": ours_fig["peak_gb"]}
        row["floor_multiple"] = row["cpo_kit_s"] / row["floor_s"]
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
    return 1 if failures else 0


def print_row(row: dict) -> None:
    print(f"\n{row['size']} events ({row['events']:,}):")
    print(f"  floor (count rows, distinct users)  {row['floor_s']:8.2f} s")
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
