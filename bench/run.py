"""Benchmark: `cpo-kit run` over every notebook on the sample company, cold.

Cold means fresh kernels: every notebook runs in a new process with a new kernel,
as a user's run does. Besides the wall time of the whole run, it measures what a
notebook costs before it computes anything: starting the child process and its
kernel and importing the notebook's libraries. That is done by running, the same
way, a notebook holding only each notebook's imports.

Target (issue 5): the whole playbook in under 45 s wall on this 2-core machine.

Usage: python bench/run.py [--jobs N]
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "runs"
#: The script `cpo-kit run` starts per notebook.
PROCESS = ROOT / "cpo_kit" / "notebook_process.py"
TARGET_SECONDS = 45.0


def imports_only(source: Path, target: Path) -> None:
    """Write a notebook with the import lines of ``source``: its start-up cost alone."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source, fmt="md:myst")
    statements = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            statements += [ast.get_source_segment(cell.source, node) for node in tree.body
                           if isinstance(node, (ast.Import, ast.ImportFrom))]
    nbformat.write(nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("\n".join(statements))], metadata=notebook.metadata),
        target)


def start_up(names: list[str]) -> dict[str, float]:
    """Seconds to start a notebook's process, its kernel and its imports, one at a time."""
    seconds = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            stub = Path(folder) / f"{name}.ipynb"
            imports_only(ROOT / "notebooks" / f"{name}.md", stub)
            request = {"source": str(stub), "output": str(Path(folder) / f"{name}.out.ipynb"),
                       "parameters": {}, "cwd": folder, "progress": False}
            started = time.perf_counter()
            subprocess.run([sys.executable, "-I", str(PROCESS), json.dumps(request)],
                           check=True, capture_output=True)
            seconds[name] = time.perf_counter() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from cpo_kit.running.notebooks import NOTEBOOKS

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cpo_kit.cli", "run", str(ROOT / "data" / "sample"),
                             "--out", str(OUT), "--jobs", str(args.jobs)],
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    print(result.stdout, end="")
    if result.returncode:
        sys.exit(f"the run failed:\n{result.stderr}")
    manifest = json.loads((OUT / "latest" / "manifest.json").read_text())
    per_notebook = {n: s["seconds"] for n, s in manifest["notebooks"].items()}
    overhead = start_up(list(NOTEBOOKS))
    share = sum(overhead.values()) / sum(per_notebook.values())
    print(f"\n{'notebook':<18} {'run':>7} {'start-up':>9}")
    for name in NOTEBOOKS:
        print(f"{name:<18} {per_notebook[name]:>6.1f}s {overhead[name]:>8.1f}s")
    print(f"\ncpo-kit run, {len(NOTEBOOKS)} notebooks, --jobs {args.jobs}: {wall:.1f} s wall "
          f"(target under {TARGET_SECONDS:.0f} s: {'met' if wall < TARGET_SECONDS else 'NOT met'})")
    print(f"start-up (process, kernel, imports): {sum(overhead.values()):.1f} s of "
          f"{sum(per_notebook.values()):.1f} s notebook time, {share:.0%}")


if __name__ == "__main__":
    main()
