"""The peak resident memory of the running program, as the benchmarks report it."""
from __future__ import annotations

from pathlib import Path


def peak_gb() -> float:
    """This process's peak resident memory since it started its program, in GB.

    Not ``ru_maxrss``: Linux carries it over from the forking parent through ``exec``,
    so a benchmark's child started by a parent that had used 4 GB reports 4 GB.
    ``VmHWM`` belongs to the program's own memory, which ``exec`` starts afresh.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    raise SystemExit("no VmHWM in /proc/self/status: peak memory cannot be measured")
