"""``cpo-kit run``: the whole playbook on a company's data, into a new run folder.

A run checks the data and the parameters before anything executes, then runs the
notebooks with papermill, several at a time, each in a process of its own. It
writes into a hidden folder and renames it into place only once every notebook
has finished, so an interrupted run never looks complete and never touches
earlier runs or ``runs/latest``.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat

from cpo_kit.core.errors import KernelCannotStart, ParamsError, RunLocked, RunWriteError
from cpo_kit.core.files import made_folder
from cpo_kit.core.text import did_you_mean
from cpo_kit.inputs.sources import Source
from cpo_kit.running.notebook_process import KERNEL_FAILED, WRITE_FAILED
from cpo_kit.running.notebooks import NOTEBOOK_DIR, NOTEBOOKS
from cpo_kit.running.preflight import checked_inputs

#: Packages whose versions the manifest records: what a rerun would need to match.
#: The script each notebook's process runs.
PROCESS = Path(__file__).with_name("notebook_process.py")
PACKAGES = ("cpo-kit", "duckdb", "ibis-framework", "jupytext", "matplotlib", "numpy",
            "pandas", "pandera", "papermill", "pyarrow", "scipy", "seaborn", "statsmodels")

#: Notebook names are padded to this width in the lines a run prints.
NAME_WIDTH = max(len(name) for name in NOTEBOOKS)

@dataclass
class NotebookRun:
    """How one notebook of a run ended."""

    name: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str | None = None
    #: What the notebook noted for the run's reader (a file it could not make, say).
    notes: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """A finished run: its folder and how each notebook ended."""

    folder: Path
    notebooks: list[NotebookRun]

    @property
    def failed(self) -> list[NotebookRun]:
        return [n for n in self.notebooks if n.status != "ok"]


def run_playbook(data: str | Path, *, params_file: str | Path | None = None,
                 overrides: list[str] = (), out: str | Path = "runs",
                 only: list[str] | None = None, jobs: int | None = None,
                 progress: bool = False, echo=print) -> RunResult:
    """Run the playbook's notebooks on a company's data into ``out/<date>-<hash>/``.

    Parameters
    ----------
    data : str or Path
        A folder of table files, a DuckDB database file, or a database URL whose
        credentials come from environment variables (see :mod:`cpo_kit.inputs.sources`).
    params_file : str or Path, optional
        YAML: company name, period end, column mappings and any notebook parameter.
    overrides : list of str
        ``name=value`` or ``notebook.name=value``, overriding the params file.
    out : str or Path
        The folder of runs; ``out/latest`` points to the newest complete run.
    only : list of str, optional
        The notebooks to run; all when omitted.
    jobs : int, optional
        How many notebooks run at once; the number of cores when omitted.
    progress : bool
        Show a progress bar per running notebook (on standard error).
    echo : callable
        Where the line per finished notebook goes.

    Returns
    -------
    RunResult

    Raises
    ------
    ParamsError, DataError
        Invalid parameters or data; nothing was run or written.
    RunLocked
        Another run is writing into ``out``; nothing was run.
    """
    started = datetime.now(timezone.utc)
    selected = _selected(only)
    with checked_inputs(data, params_file=params_file, overrides=overrides, notebooks=selected,
                        progress=progress) as ready:
        inputs = {table: _describe(path, ready.source)
                  for table, path in sorted(ready.checked.files.items())}
        return _run(ready.source, inputs, ready.params, ready.values, ready.declared, selected,
                    started=started, out=Path(out),
                    jobs=jobs or os.cpu_count() or 1, progress=progress, echo=echo)








@contextmanager
def _only_run(out: Path):
    """Hold the folder of runs for this run alone; refuse if another run holds it.

    The lock is the operating system's (``flock``) on ``out/.lock``: it ends with
    the process that holds it, however that process ends, so a killed run never
    leaves the folder locked. A folder this run made is removed again if the run
    keeps nothing in it.
    """
    try:
        with made_folder(out, leave=(".lock",)), open(out / ".lock", "a+",
                                                       encoding="utf-8") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.seek(0)
                holder = lock.read().strip() or "unknown"
                raise RunLocked(f"{out}: another cpo-kit run is writing here (process "
                                f"{holder}); wait for it to finish, or give another --out"
                                ) from None
            lock.seek(0)
            lock.truncate()
            lock.write(str(os.getpid()))
            lock.flush()
            yield
    except OSError as error:
        # The folder or its lock: the run's own writes fail as RunWriteError (_run_locked).
        raise RunWriteError(f"{out}: runs cannot be written here "
                            f"({error.strerror or error}); give another --out") from None


def _run(source: Source, inputs: dict, params: dict, values: dict, declared: dict,
         selected: list[str], *, started: datetime, out: Path, jobs: int, progress: bool,
         echo) -> RunResult:
    with _only_run(out):
        return _run_locked(source, inputs, params, values, declared, selected, started=started,
                           out=out, jobs=jobs, progress=progress, echo=echo)


def _run_locked(source: Source, inputs: dict, params: dict, values: dict, declared: dict,
                selected: list[str], *, started: datetime, out: Path, jobs: int,
                progress: bool, echo) -> RunResult:
    name = _run_name(started, inputs, values)
    partial = out / f".partial-{name}"
    _remove_dead_runs(out)
    try:
        partial.mkdir()
        log = _Log(partial / "run.log")
        log.write(f"run {name} of {len(selected)} notebook(s) on {source.shown}")
        latest = out / "latest"
        # The newest complete run before this one, for the notebooks that compare with it.
        previous = str(latest.resolve()) if latest.is_dir() else None
        parameters = notebook_parameters(values, source.folder, params.get("columns"),
                                         declared, previous_run=previous)
        finished = _execute_all(selected, parameters, partial, jobs=jobs,
                                progress=progress, echo=echo, log=log,
                                previous=_previous_seconds(out))
        _write_manifest(partial, name, source, inputs, params, values, started, finished)
        failed = [n.name for n in finished if n.status != "ok"]
        log.write(f"finished: {len(finished) - len(failed)} ok, {len(failed)} failed"
                  + (f" ({', '.join(failed)})" if failed else ""))
        folder = out / name
        os.replace(partial, folder)
    except OSError as error:
        # A full disk, a quota, a folder that became read-only: no half run is left.
        shutil.rmtree(partial, ignore_errors=True)
        raise RunWriteError(f"{out}: the run could not be written ({error.strerror or error}); "
                            "nothing of it was kept, and earlier runs are as they were") from None
    except BaseException:
        # Interrupted (Ctrl-C, or SIGTERM turned into one by the command line): the
        # notebooks were stopped; drop the half run so that only complete runs remain.
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _point_latest(out, name)
    return RunResult(folder, finished)


def _remove_dead_runs(out: Path) -> None:
    """Remove what runs that were killed left in ``out``: their hidden, half-written folders.

    Only the run that holds ``out``'s lock writes there, and this one holds it now,
    so every ``.partial-*`` folder (and ``.latest-*`` link) belongs to a run that
    has ended without finishing.
    """
    for path in out.glob(".partial-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in out.glob(".latest-*"):
        if path.is_symlink():
            path.unlink(missing_ok=True)


def _write_manifest(partial: Path, name: str, source: Source, inputs: dict, params: dict,
                    values: dict, started: datetime, finished: list[NotebookRun]) -> None:
    manifest = {
        "run": name,
        "data": source.shown if source.database else str(source.folder.resolve()),
        "inputs": inputs,
        "parameters": values,
        "columns": params.get("columns") or {},
        "packages": _versions(),
        "python": platform.python_version(),
        "started": started.isoformat(timespec="seconds"),
        "ended": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notebooks": {n.name: asdict(n) for n in finished},
    }
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n",
                                           encoding="utf-8")


def notebook_parameters(values: dict[str, dict], data_dir: Path, columns: dict | None,
                        declared: dict[str, dict], *, previous_run: str | None = None
                        ) -> dict[str, dict]:
    """Each notebook's parameters: the user's, and those the runner sets.

    The data was checked whole before any notebook runs, so notebooks that can
    skip their own check of the events (``data_checked``) do. ``results_dir`` is
    relative to the working directory, the folder the notebook is executed into,
    so an executed notebook rerun where it lies writes beside itself. Notebooks
    that compare with the previous complete run get its folder (``previous_run``),
    and those that read the others' results learn which of them failed
    (``failed_notebooks``, filled in once those have finished).
    ``declared`` holds each notebook's declared parameters, read once per run.
    """
    common = {"data_dir": str(Path(data_dir).resolve()), "results_dir": "."}
    if columns:
        common["columns"] = columns
    runner = {"data_checked": True, "previous_run": previous_run, "failed_notebooks": {}}
    parameters = {}
    for name, given in values.items():
        parameters[name] = {**given, **common, **{key: value for key, value in runner.items()
                                                  if key in declared[name] and value is not None}}
    return parameters


def _selected(only: list[str] | None) -> list[str]:
    if not only:
        return list(NOTEBOOKS)
    for name in only:
        if name not in NOTEBOOKS:
            raise ParamsError("--only", f"no notebook is called {name!r}"
                              f"{did_you_mean(name, NOTEBOOKS)}")
    return [n for n in NOTEBOOKS if n in only]


def _describe(path: Path, source: Source) -> dict:
    """A table's input: its file (or the database's snapshot of it), size and content hash."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    where = (f"{source.shown} (table {path.stem})" if source.database
             else str(path.resolve()))
    return {"file": where, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


def _run_name(started: datetime, inputs: dict, values: dict) -> str:
    """``<date>-<hash>``: the hash covers the inputs, the parameters and the start time."""
    key = json.dumps([started.isoformat(), inputs, values], sort_keys=True, default=str)
    return f"{started:%Y-%m-%d}-{hashlib.sha256(key.encode()).hexdigest()[:7]}"


def _versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _previous_seconds(out: Path) -> dict[str, float]:
    """Each notebook's seconds in the newest complete run, if there is one."""
    try:
        manifest = json.loads((out / "latest" / "manifest.json").read_text(encoding="utf-8"))
        return {name: float(n["seconds"]) for name, n in manifest["notebooks"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _point_latest(out: Path, name: str) -> None:
    """Point ``out/latest`` at the run ``name`` in one step: readers never see it missing."""
    link = out / "latest"
    fresh = out / f".latest-{name}"
    if fresh.is_symlink() or fresh.exists():
        fresh.unlink()
    fresh.symlink_to(name, target_is_directory=True)
    os.replace(fresh, link)


class _Log:
    """The run's log file, written line by line from several threads."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
        with self._lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(f"{stamp} {line}\n")


def _execute_all(names: list[str], parameters: dict, folder: Path, *, jobs: int,
                 progress: bool, echo, log: _Log, previous: dict[str, float]
                 ) -> list[NotebookRun]:
    """Run the notebooks ``jobs`` at a time, each in a child process; results in given order.

    ``previous`` holds each notebook's seconds in the last run, to start the longest first.
    """
    slots = list(range(min(jobs, len(names))))
    lock = threading.Lock()
    # Set once the run is being stopped: the notebooks stopped then are not reported.
    stopping = threading.Event()
    children: set[subprocess.Popen] = set()

    # The longest notebooks (by the last run) start first: the run ends sooner.
    longest_first = sorted(names, key=lambda n: -previous.get(n, 0.0))

    def one(name: str, sources: Path, watch: int) -> NotebookRun:
        with lock:
            slot = slots.pop(0)
        try:
            outcome = _execute_one(name, sources / f"{name}.ipynb", parameters[name], folder,
                                   slot=slot, watch=watch,
                                   progress=progress, children=children, lock=lock)
        finally:
            with lock:
                slots.append(slot)
        if stopping.is_set():
            return outcome
        line = f"{name:<{NAME_WIDTH}} {outcome.status:<7} {outcome.seconds:6.1f} s"
        outcome.notes = _notes(folder, name)
        said = [line + (f"  {outcome.error}" if outcome.error else "")]
        said += [f"{'':<{NAME_WIDTH}} note: {note}" for note in outcome.notes]
        for text in said:
            log.write(text)
            echo(text)
        return outcome

    pool = ThreadPoolExecutor(max_workers=len(slots) or 1)
    # Inside the hidden run folder, so that a killed run leaves nothing elsewhere: the
    # next run removes the folder (_remove_dead_runs).
    sources = folder / ".sources"
    # Each notebook's process holds the reading end and ends itself, with its kernel,
    # once the writing end closes: when this process ends, however it ends.
    watch, alive = os.pipe()
    try:
        sources.mkdir()
        # Converted here once, so that no notebook's process imports jupytext.
        for name in names:
            nbformat.write(jupytext.read(NOTEBOOK_DIR / f"{name}.md", fmt="md:myst"),
                           sources / f"{name}.ipynb")
        # Notebooks that read the others' results start once those have all finished.
        first = [n for n in longest_first if not NOTEBOOKS[n].reads_run]
        last = [n for n in longest_first if NOTEBOOKS[n].reads_run]
        done = dict(zip(first, pool.map(lambda n: one(n, sources, watch), first)))
        failed = {n: r.error for n, r in done.items() if r.status != "ok"}
        for name in last:
            if "failed_notebooks" in parameters[name]:
                parameters[name]["failed_notebooks"] = failed
        done.update(zip(last, pool.map(lambda n: one(n, sources, watch), last)))
        return [done[name] for name in names]
    except BaseException:
        # Interrupted: stop the notebooks still running; the run folder stays hidden.
        stopping.set()
        for child in list(children):
            _stop(child)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        os.close(alive)
        os.close(watch)
        shutil.rmtree(sources, ignore_errors=True)


def _notes(folder: Path, name: str) -> list[str]:
    """The notes a notebook recorded in its ``headline.json`` (:meth:`Results.note`)."""
    from cpo_kit.reports.results import read_results

    try:
        return [str(note) for note in read_results(folder, name).get("notes", [])]
    except (OSError, ValueError, AttributeError):  # a notebook that failed wrote none
        return []


def _execute_one(name: str, source: Path, parameters: dict, folder: Path, *, slot: int,
                 watch: int, progress: bool, children: set, lock) -> NotebookRun:
    request = {"source": str(source),
               "output": str(folder / f"{name}.ipynb"), "parameters": parameters,
               "cwd": str(folder), "watch": watch,
               "progress": {"desc": f"{name:<{NAME_WIDTH}}", "position": slot, "leave": False}
               if progress else False}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-I", str(PROCESS), json.dumps(request)],
                             stdout=subprocess.PIPE, stderr=None if progress else subprocess.PIPE,
                             text=True, start_new_session=True, pass_fds=(watch,))
    with lock:
        children.add(child)
    try:
        report, _ = child.communicate()
    finally:
        with lock:
            children.discard(child)
    seconds = round(time.perf_counter() - started, 1)
    lines = (report or "").strip().splitlines()
    if child.returncode == 0:
        return NotebookRun(name, "ok", seconds)
    if child.returncode == WRITE_FAILED:
        # As if this process had met the disk's refusal: the run keeps nothing (_run_locked).
        number = re.search(r"\[Errno (\d+)\]", lines[-1] if lines else "")
        code = int(number.group(1)) if number else errno.EIO
        raise OSError(code, os.strerror(code))
    if child.returncode == KERNEL_FAILED:
        raise KernelCannotStart(
            f"the notebooks' Python kernel cannot start ({lines[-1] if lines else 'no reason'}"
            "): check that ipykernel is installed beside cpo-kit, and that 'jupyter "
            "kernelspec list' shows the kernel python3 (make playbook sets them up); "
            "nothing of this run was kept")
    error = lines[-1] if lines else f"the notebook's process ended with status {child.returncode}"
    return NotebookRun(name, "failed", seconds, error)


def _stop(child: subprocess.Popen) -> None:
    """End a notebook's process; on SIGTERM it kills its kernel first (notebook_process)."""
    import signal

    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
