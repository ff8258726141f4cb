"""Benchmark: ``cpo-kit import`` of 10M events in each event tool's export format.

The events of the sample company at scale (``cpo-kit sample --scale 20``, about 10M
events, shared with ``bench/kpi.py``) are written once into ``bench/out/exports/`` in
the shape each tool exports (``bench/tool_exports.py``): PostHog (CSV with properties
as JSON text), Amplitude (a zip of gzipped JSON-lines files, one a day), Mixpanel (JSON
lines), Segment (``tracks`` and ``identifies`` as Parquet) and Google Analytics 4 (JSON
lines with nested ``event_params``). Each is written twice: in time order, as real
exports are, and grouped by user, as the sample's own file is, which flatters DuckDB.

For each tool, in child processes of their own (wall time and peak resident memory
are their own): the reference, DuckDB reading every field of the same files and
writing them unchanged to Parquet (the least an import can do: read it all, write it
once), and ``cpo-kit import``. Targets (issue 22): peak memory under 2 GB and time at
most 3x the reference.

Usage: python bench/imports.py [--tools posthog mixpanel ...] [--orders time user]
[--repeat 2]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from kpi import OUT, dataset  # noqa: E402
from peak import peak_gb  # noqa: E402
from tool_exports import NAMES, ORDERS, write_export  # noqa: E402

EXPORTS = OUT / "exports"
TARGETS = {"peak_gb": 2.0, "multiple": 3.0}
def write_exports(data: Path, tools: list[str], order: str) -> dict[str, Path]:
    """Write each tool's export once (reused by later runs); the paths to import."""
    folder = EXPORTS / order
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for tool in tools:
        out[tool] = folder / NAMES[tool]
        if not out[tool].exists():
            print(f"writing the {tool} export, {order} order ...", flush=True)
            write_export(tool, data, out[tool], order)
    return out


def _reference(path: Path, tool: str) -> None:
    """DuckDB reads every field of the export and writes it once to Parquet."""
    import duckdb

    from cpo_kit.inputs.importers.exports import find_export

    con = duckdb.connect()
    scratch = OUT / f"reference-{tool}"
    scratch.mkdir(exist_ok=True)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            archive.extractall(scratch / "members")
        path = scratch / "members"
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for i, group in enumerate(_by_table(files)):
        export = find_export(group[0] if len(group) == 1 else group[0].parent,
                             formats=("csv", "parquet", "jsonl"), tool=tool,
                             name=group[0].name.split(".")[0] if len(group) == 1 else None)
        # DuckDB's own defaults: the plainest read of these files.
        files = "[" + ", ".join(f"'{f}'" for f in export.files) + "]"
        reader = {"csv": f"read_csv({files})", "parquet": f"read_parquet({files})",
                  "jsonl": f"read_json({files}, format = 'newline_delimited')"}[export.format]
        con.execute(f"COPY (SELECT * FROM {reader}) TO "
                    f"'{scratch / f'out-{i}.parquet'}' (FORMAT parquet)")
    shutil.rmtree(scratch)


def _by_table(files: list[Path]) -> list[list[Path]]:
    """Files of one table together: a folder of daily members is one table."""
    stems = {}
    for f in files:
        stems.setdefault(f.parent if f.name.endswith(".json.gz") else f, []).append(f)
    return list(stems.values())


def _import(path: Path, tool: str) -> None:
    from cpo_kit.inputs.importers import import_export

    out = OUT / f"imported-{tool}"
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    imported = import_export(tool, path, out)
    shutil.rmtree(out)
    print(json.dumps({"rows": {t: w.rows for t, w in imported.tables.items()}}))


def child(what: str, tool: str, path: Path) -> None:
    started = time.perf_counter()
    extra = (_reference if what == "reference" else _import)(path, tool)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_gb": peak_gb(), "extra": extra}))


def measure(what: str, tool: str, path: Path) -> dict:
    run = subprocess.run([sys.executable, __file__, "--child", what, "--tool", tool,
                          "--path", str(path)], capture_output=True, text=True, cwd=ROOT)
    if run.returncode:
        raise SystemExit(f"{what} of {tool} failed:\n{run.stderr[-3000:]}")
    lines = run.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    if what == "import":
        figures["rows"] = json.loads(lines[-2])["rows"]
    return figures


def main() -> int:
    tools = list(NAMES)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", nargs="+", default=tools, choices=tools)
    parser.add_argument("--orders", nargs="+", default=list(ORDERS), choices=list(ORDERS),
                        help="the orders of the events in the exports (default: both)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (default: 2)")
    parser.add_argument("--child", choices=["reference", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--tool", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.tool, args.path)
        return 0
    data = dataset("10M")
    exports = {order: write_exports(data, args.tools, order) for order in args.orders}
    missed = []
    print(f"\n{'tool':<10} {'order':<5} {'input':>9} {'reference':>22} {'cpo-kit import':>24} "
          f"{'× ref':>6}  rows")
    for order, paths in exports.items():
        for tool, path in paths.items():
            missed += _compare(tool, order, path, args.repeat)
    for m in missed:
        print("MISSED:", m)
    return 1 if missed else 0


def _compare(tool: str, order: str, path: Path, repeat: int) -> list[str]:
    """Measure the reference and the import of one export; print their row of the table
    and return the targets missed."""
    size = sum(p.stat().st_size for p in (path.rglob("*") if path.is_dir() else [path]))
    ref = [measure("reference", tool, path) for _ in range(repeat)]
    ours = [measure("import", tool, path) for _ in range(repeat)]
    peak = max(r["peak_gb"] for r in ours)
    multiple = min(r["seconds"] for r in ours) / min(r["seconds"] for r in ref)

    def spread(runs):
        return "–".join(f"{r['seconds']:.1f}" for r in runs)

    rows = ", ".join(f"{n:,} {table}" for table, n in ours[0]["rows"].items())
    print(f"{tool:<10} {order:<5} {size / 2**30:5.2f} GB {spread(ref):>14} s "
          f"{max(r['peak_gb'] for r in ref):4.2f} GB {spread(ours):>14} s {peak:5.2f} GB "
          f"{multiple:5.1f}×  {rows}", flush=True)
    missed = []
    if peak > TARGETS["peak_gb"]:
        missed.append(f"{tool} ({order} order): peak {peak:.2f} GB > {TARGETS['peak_gb']} GB")
    if multiple > TARGETS["multiple"]:
        missed.append(f"{tool} ({order} order): {multiple:.1f}× the reference > "
                      f"{TARGETS['multiple']}×")
    return missed


if __name__ == "__main__":
    sys.exit(main())
