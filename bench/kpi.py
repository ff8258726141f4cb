"""Benchmark: the events metric suite, cpo_kit (ibis on DuckDB) against plain pandas.

Each size is run on three shapes of events (``--shapes``): the sample company's own
order (``cpo-kit sample --scale``, grouped by user), events like real exports
(``realistic``: time order, UUID user ids, sessions) and one event per active
user-day (``pathological``), the last two written by ``bench/shapes.py``. Each file
is generated once into ``bench/out/`` and reused. Each contender runs in a fresh
child process, so its wall time and peak memory are its own: the cpo_kit suite, the
pandas reference suite (left out above ``--no-reference-above``), the bound: the
least work any ibis suite on DuckDB has to do, written by hand, and, as information,
the floor: one DuckDB pass that counts rows and distinct users. Their results must
agree. One table per shape, then the targets of issue 24 that were missed.

Usage: python bench/kpi.py [--shapes sample realistic pathological] [--sizes 10M 100M]
                           [--no-reference-above 10M]
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

#: Events per unit of --scale is about 0.5M: these scales give 1M (a quick check), 10M,
#: 100M and 300M events.
SCALES = {"1M": 2, "10M": 20, "100M": 203, "300M": 609}
SHAPES = ("sample", "realistic", "pathological")
PERIOD_END = "2026-10-31"
FUNNEL = ["signup", "login", "create_report", "share_report"]
WINDOW = "7D"
#: Issue 24's targets: (shape, size) -> (figure, "min" or "max", limit, how it reads).
TARGETS = {
    ("realistic", "10M"): [("speedup", "min", 6.0, "x faster than pandas"),
                           ("memory_ratio", "max", 0.3, "of pandas' peak memory")],
    ("realistic", "100M"): [("cpo_kit_s", "max", 25.0, "s"), ("cpo_kit_gb", "max", 2.0, "GB peak"),
                            ("bound_multiple", "max", 2.5, "x the bound")],
    ("pathological", "100M"): [("bound_multiple", "max", 3.0, "x the bound"),
                               ("cpo_kit_gb", "max", 3.0, "GB peak")],
    ("sample", "10M"): [("bound_multiple", "max", 2.5, "x the bound")],
    ("sample", "100M"): [("bound_multiple", "max", 2.5, "x the bound")],
}


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
        raise SystemExit(f"{name} failed on {data}:\n{run.stderr[-3000:]}")
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    return figures, pickle.loads(result.read_bytes())


def dataset(shape: str, size: str) -> Path:
    """The folder holding the events of a shape and size, generated the first time."""
    if shape == "sample":
        data = OUT / f"scale-{SCALES[size]}"
    else:
        data = OUT / f"{shape}-{size}"
    if not (data / "events.parquet").exists():
        if shape == "sample":
            print(f"generating {size} events (cpo-kit sample --scale {SCALES[size]}) ...",
                  flush=True)
            subprocess.run([str(Path(sys.executable).with_name("cpo-kit")), "sample", str(data),
                            "--seed", "0", "--scale", str(SCALES[size])], check=True)
        else:
            import shapes  # bench/, the script's own folder

            print(f"generating {size} {shape} events (bench/shapes.py) ...", flush=True)
            shapes.write(shape, size, data, seed=0)
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
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=SHAPES)
    parser.add_argument("--sizes", nargs="+", default=["10M", "100M"], choices=list(SCALES))
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
    for shape in args.shapes:
        for size in args.sizes:
            with_reference = list(SCALES).index(size) <= list(SCALES).index(
                args.no_reference_above)
            row, differ = run_one(shape, size, dataset(shape, size), with_reference)
            rows.append(row)
            failures += [f"{shape} {size}: {d}" for d in differ]
            print(f"{shape} {size}: done", flush=True)
    for shape in args.shapes:
        print_table(shape, [row for row in rows if row["shape"] == shape])
    failures += check_targets(rows)
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


def run_one(shape: str, size: str, data: Path, with_reference: bool) -> tuple[dict, list[str]]:
    """Every contender on one file: the row of figures and where results differ."""
    floor_fig, floor_out = measure("floor", data)
    bound_fig, bound_out = measure("bound", data)
    ours_fig, ours = measure("cpo_kit", data)
    row = {"shape": shape, "size": size, "events": int(floor_out["floor"]["events"].iat[0]),
           "floor_s": floor_fig["seconds"], "bound_s": bound_fig["seconds"],
           "cpo_kit_s": ours_fig["seconds"], "cpo_kit_gb": ours_fig["peak_gb"]}
    row["bound_multiple"] = row["cpo_kit_s"] / row["bound_s"]
    differ = bound_agrees(ours, bound_out["bound"])
    if with_reference:
        ref_fig, ref = measure("pandas", data)
        row.update(pandas_s=ref_fig["seconds"], pandas_gb=ref_fig["peak_gb"],
                   speedup=ref_fig["seconds"] / ours_fig["seconds"],
                   memory_ratio=ours_fig["peak_gb"] / ref_fig["peak_gb"])
        mismatch = agree(ours, ref)
        row["agree"] = not mismatch
        differ += [f"results differ: {d}" for d in mismatch]
    return row, differ


def print_table(shape: str, rows: list[dict]) -> None:
    """One shape's figures, a row per size, as a markdown table for bench/README.md."""
    print(f"\n{shape}:\n")
    print("| events | floor | bound | cpo_kit suite | cpo_kit peak | x bound "
          "| pandas suite | pandas peak | speed-up | memory ratio | agree |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|")
    for row in rows:
        cells = [f"{row['events']:,}", f"{row['floor_s']:.2f} s", f"{row['bound_s']:.2f} s",
                 f"{row['cpo_kit_s']:.2f} s", f"{row['cpo_kit_gb']:.2f} GB",
                 f"{row['bound_multiple']:.1f}x"]
        if "pandas_s" in row:
            cells += [f"{row['pandas_s']:.2f} s", f"{row['pandas_gb']:.2f} GB",
                      f"{row['speedup']:.1f}x", f"{row['memory_ratio']:.2f}",
                      "yes" if row["agree"] else "NO"]
        else:
            cells += ["(left out)", "", "", "", ""]
        print("| " + " | ".join(cells) + " |")


def check_targets(rows: list[dict]) -> list[str]:
    """The targets of :data:`TARGETS` that the rows miss (a figure not measured is not judged)."""
    missed = []
    for row in rows:
        for figure, sense, limit, unit in TARGETS.get((row["shape"], row["size"]), []):
            if figure not in row:
                continue
            value = row[figure]
            if (value < limit) if sense == "min" else (value > limit):
                word = "at least" if sense == "min" else "at most"
                missed.append(f"{row['shape']} {row['size']}: {value:.2f} {unit}, "
                              f"the target is {word} {limit:g}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
