"""Benchmark: the sample generator writing about 10M events.

Target (issue 2): under 2 minutes and under 2 GB of memory. Runs the generator in a
child process and reports its wall time and peak resident memory.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALE = 22  # about 11 million events


def main() -> int:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c",
             "import json, sys; from cpo_kit.sample import write_sample; "
             f"print(json.dumps(write_sample(sys.argv[1], seed=0, scale={SCALE})))", out],
            capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
        peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
        rows = json.loads(result.stdout)
        size_mb = sum(p.stat().st_size for p in Path(out).iterdir()) / 2**20
    print(f"cpo-kit sample --scale {SCALE}: {rows['events']:,} events, {rows['users']:,} users, "
          f"{size_mb:,.0f} MB written")
    print(f"  wall time   {seconds:6.1f} s    (target: under 120 s)")
    print(f"  peak memory {peak_gb:6.2f} GB   (target: under 2 GB)")
    return 0 if seconds < 120 and peak_gb < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
