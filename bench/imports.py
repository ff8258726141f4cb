"""Benchmark: ``cpo-kit import`` of 10M events in each event tool's export format.

The events of the sample company at scale (``cpo-kit sample --scale 20``, about 10M
events, shared with ``bench/kpi.py``) are written once into ``bench/out/exports/`` in
the shape each tool exports, in time order as real exports are: PostHog (CSV with
properties as JSON text), Amplitude (a zip of gzipped JSON-lines files, one a day),
Mixpanel (JSON lines), Segment (``tracks`` and ``identifies`` as Parquet) and Google
Analytics 4 (JSON lines with nested ``event_params``).

For each tool, in child processes of their own (wall time and peak resident memory
are their own): the reference, DuckDB reading every field of the same files and
writing them unchanged to Parquet (the least an import can do: read it all, write it
once), and ``cpo-kit import``. Targets (issue 22): peak memory under 2 GB and time at
most 3x the reference.

Usage: python bench/imports.py [--tools posthog mixpanel ...] [--repeat 2]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from kpi import OUT, dataset  # noqa: E402
from tool_exports import NAMES, write_export  # noqa: E402

EXPORTS = OUT / "exports"
TARGETS = {"peak_gb": 2.0, "multiple": 3.0}
def write_exports(data: Path, tools: list[str]) -> dict[str, Path]:
    """Write each tool's export once (reused by later runs); the paths to import."""
    EXPORTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for tool in tools:
        out[tool] = EXPORTS / NAMES[tool]
        if not out[tool].exists():
            print(f"writing the {tool} export ...", flush=True)
            write_export(tool, data, out[tool])
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps({"seconds": seconds, "peak_gb": peak, "extra": extra}))


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
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (default: 2)")
    parser.add_argument("--child", choices=["reference", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--tool", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.tool, args.path)
        return 0
    exports = write_exports(dataset("10M"), args.tools)
    missed = []
    print(f"\n{'tool':<10} {'input':>9} {'reference':>22} {'cpo-kit import':>24} "
          f"{'× ref':>6}  rows")
    for tool, path in exports.items():
        size = sum(p.stat().st_size for p in (path.rglob("*") if path.is_dir() else [path]))
        ref = [measure("reference", tool, path) for _ in range(args.repeat)]
        ours = [measure("import", tool, path) for _ in range(args.repeat)]
        ref_s = min(r["seconds"] for r in ref)
        ours_s = min(r["seconds"] for r in ours)
        peak = max(r["peak_gb"] for r in ours)
        multiple = ours_s / ref_s
        spread = lambda runs: "–".join(f"{r['seconds']:.1f}" for r in runs)  # noqa: E731
        print(f"{tool:<10} {size / 2**30:7.2f} GB {spread(ref):>14} s "
              f"{max(r['peak_gb'] for r in ref):4.2f} GB {spread(ours):>14} s {peak:5.2f} GB "
              f"{multiple:5.1f}×  {ours[0]['rows']}")
        if peak > TARGETS["peak_gb"]:
            missed.append(f"{tool}: peak {peak:.2f} GB > {TARGETS['peak_gb']} GB")
        if multiple > TARGETS["multiple"]:
            missed.append(f"{tool}: {multiple:.1f}× the reference > {TARGETS['multiple']}×")
    for m in missed:
        print("MISSED:", m)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
