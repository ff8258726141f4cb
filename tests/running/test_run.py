"""`cpo-kit run`: the whole playbook on company data, into run folders that never break."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import nbformat
import pytest
from conftest import CPO_KIT, HOSTILE_COMPANY, ROOT, SAMPLE_TARGETS
from conftest import cpo_kit as _cpo_kit

from cpo_kit.running.notebooks import NOTEBOOKS


def _files(folder):
    """Every file under a folder with its bytes, to show that nothing changed."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _injected(notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    return next(c.source for c in notebook.cells
                if "injected-parameters" in c.metadata.get("tags", []))


@pytest.fixture(scope="module")
def full_run(sample_run):
    return sample_run


def test_a_run_executes_every_notebook_into_a_new_folder_and_points_latest_at_it(full_run):
    out, result = full_run
    assert result.returncode == 0, result.stderr[-3000:]
    runs = [p for p in out.iterdir() if not p.name.startswith(".") and p.name != "latest"]
    assert len(runs) == 1 and (out / "latest").resolve() == runs[0].resolve()
    run = runs[0]
    assert f"All {len(NOTEBOOKS)} notebooks ran; the run is in {run}" in result.stdout
    for name in NOTEBOOKS:
        assert (run / f"{name}.ipynb").is_file()
        assert json.loads((run / f"{name}_results" / "headline.json").read_text())["headlines"]
        assert f"{name} " in result.stdout  # one line per finished notebook
    log = (run / "run.log").read_text()
    assert f"finished: {len(NOTEBOOKS)} ok, 0 failed" in log


def test_the_manifest_records_inputs_parameters_versions_times_and_statuses(full_run,
                                                                            sample_dir):
    out, _ = full_run
    manifest = json.loads((out / "latest" / "manifest.json").read_text())
    assert manifest["run"] == (out / "latest").resolve().name
    events = manifest["inputs"]["events"]
    assert events["bytes"] == (sample_dir / "events.parquet").stat().st_size
    assert len(events["sha256"]) == 64
    assert set(manifest["inputs"]) == {p.stem for p in sample_dir.iterdir()}
    assert manifest["parameters"]["product_kpis"] == {
        "company_name": HOSTILE_COMPANY, "period_end": "2026-10-31", "currency": "USD",
        "targets": SAMPLE_TARGETS, "unusual_window": 6}
    assert manifest["parameters"]["kpi_overview"] == {
        "company_name": HOSTILE_COMPANY, "period_end": "2026-10-31", "currency": "USD"}
    assert {"pandas", "duckdb", "papermill", "cpo-kit"} <= set(manifest["packages"])
    assert manifest["started"] <= manifest["ended"]
    assert {n: s["status"] for n, s in manifest["notebooks"].items()} == {
        n: "ok" for n in NOTEBOOKS}


def test_params_file_and_command_line_values_reach_the_notebooks(full_run):
    out, _ = full_run
    injected = _injected(out / "latest" / "product_kpis.ipynb")
    assert f'company_name = "{HOSTILE_COMPANY}"' in injected
    assert "unusual_window = 6" in injected
    # Relative to the run folder, which is the notebook's working directory.
    assert 'results_dir = "."' in injected


def test_a_run_of_one_notebook_says_so_in_the_singular(tmp_path, sample_dir):
    result = _cpo_kit("run", sample_dir, "--out", tmp_path, "--only", "team")
    assert result.returncode == 0
    run = (tmp_path / "latest").resolve()
    assert result.stdout.endswith(f"The notebook ran; the run is in {run} "
                                  f"(also {tmp_path / 'latest'}).\n")


def test_a_failing_notebook_does_not_stop_the_others(tmp_path, sample_dir):
    # A value the checks before the run let through, and the notebook's own code refuses.
    result = _cpo_kit("run", sample_dir, "--out", tmp_path, "--only", "kpi_overview",
                      "product_kpis", "-p", "product_kpis.unusual_threshold=-1")
    assert result.returncode == 1
    assert "1 of 2 notebooks failed: product_kpis" in result.stderr
    run = (tmp_path / "latest").resolve()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["notebooks"]["kpi_overview"]["status"] == "ok"
    failed = manifest["notebooks"]["product_kpis"]
    assert failed["status"] == "failed" and "above zero" in failed["error"]
    notebook = nbformat.read(run / "product_kpis.ipynb", as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert len(errors) == 1 and "above zero" in errors[0]["evalue"]
    assert re.search(r"^\S+ product_kpis +failed .*above zero", (run / "run.log").read_text(),
                     re.MULTILINE)


def test_a_kernel_that_dies_mid_notebook_fails_that_notebook_only(tmp_path, sample_dir):
    import psutil

    run = subprocess.Popen([*CPO_KIT, "run", str(sample_dir), "--out", str(tmp_path),
                            "--jobs", "1", "--only", "kpi_overview", "product_kpis"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    killed = None
    while killed is None:
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        if _has_run_a_cell(tmp_path.glob(".partial-*/product_kpis.ipynb")):  # mid-notebook
            kernels = [p for p in psutil.Process(run.pid).children(recursive=True)
                       if "ipykernel" in " ".join(p.cmdline())]
            if kernels:
                kernels[0].kill()
                killed = kernels[0].pid
        time.sleep(0.1)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr
    assert "1 of 2 notebooks failed: product_kpis" in stderr
    folder = (tmp_path / "latest").resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["notebooks"]["kpi_overview"]["status"] == "ok"
    failed = manifest["notebooks"]["product_kpis"]
    assert failed["status"] == "failed" and "Kernel died" in failed["error"]
    assert not list(tmp_path.glob(".partial-*"))


def _has_run_a_cell(paths) -> bool:
    for path in paths:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # papermill is rewriting it
            return False
        return any(c.get("execution_count") for c in notebook.cells if c.cell_type == "code")
    return False


def test_a_run_that_cannot_be_written_keeps_nothing_and_spares_earlier_runs(tmp_path,
                                                                           sample_dir):
    import resource

    out = tmp_path / "runs"
    earlier = _earlier_run(out)
    before = _files(out)

    def small_disk():
        # Files may not grow past 2 KB: a full disk, as the run's writes meet it.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = subprocess.run([*CPO_KIT, "run", str(sample_dir), "--out", str(out), "--only",
                             "team"], cwd=ROOT, capture_output=True, text=True,
                            preexec_fn=small_disk)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {out}: the run could not be written (File too "
                             "large); nothing of it was kept, and earlier runs are as they "
                             "were\n")
    assert not list(out.glob(".partial-*"))
    assert (out / "latest").resolve() == earlier.resolve()
    assert {k: v for k, v in _files(out).items() if not str(k).startswith(".")} == before


def test_invalid_data_stops_the_run_before_anything_is_written(tmp_path, company_dir):
    (company_dir / "accounts.csv").write_text(
        "account_id,name,segment,signup_date\nA1,Acme,SMB,2026-13-05\n")
    out = tmp_path / "runs"
    result = _cpo_kit("run", company_dir, "--out", out)
    assert result.returncode == 2
    assert "accounts.csv:2: signup_date:" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--only", "roadmaps"], "--only: no notebook is called 'roadmaps' (did you mean "
                             "'roadmap'?)"),
    (["-p", "product_kpis.unusual_window=many"],
     "-p product_kpis.unusual_window=many: unusual_window of notebook product_kpis: expected "
     "a whole number (int), found 'many' (str)"),
])
def test_invalid_parameters_stop_the_run_before_anything_is_written(tmp_path, sample_dir,
                                                                     args, message):
    out = tmp_path / "runs"
    result = _cpo_kit("run", sample_dir, "--out", out, *args)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(message)
    assert "Traceback" not in result.stderr and not out.exists()


def _earlier_run(out):
    """A complete earlier run, made the way a run makes them."""
    from cpo_kit.running.playbook import _point_latest

    earlier = out / "2026-10-01-abcdef0"
    (earlier / "kpi_overview_results").mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"run": "2026-10-01-abcdef0"}\n')
    (earlier / "kpi_overview_results" / "headline.json").write_text('{"headlines": {}}\n')
    _point_latest(out, earlier.name)
    return earlier


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL],
                         ids=["ctrl-c", "kill", "kill-9"])
def test_an_interrupted_run_leaves_earlier_runs_and_latest_untouched(tmp_path, sample_dir,
                                                                     how):
    out = tmp_path / "runs"
    earlier = _earlier_run(out)
    before = _files(out)
    run = subprocess.Popen([*CPO_KIT, "run", str(sample_dir), "--out", str(out), "--jobs", "1",
                            "--only", "kpi_overview", "product_kpis"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True, preexec_fn=_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not list(out.glob(".partial-*/kpi_overview.ipynb")):  # papermill has started
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.2)
    import psutil

    workers = []
    while len(workers) < 2:  # the notebook's process and its kernel
        assert time.monotonic() < deadline
        workers = psutil.Process(run.pid).children(recursive=True)
        time.sleep(0.1)
    os.kill(run.pid, how)
    _, stderr = run.communicate(timeout=60)
    if how == signal.SIGKILL:
        # Nothing of the run could clean up: its notebooks and their kernels stop by
        # themselves, and the half-written folder waits for the next run to remove it.
        time.sleep(1)
        assert _still_running(workers) == []
        partial = list(out.glob(".partial-*"))
        assert len(partial) == 1
        frozen = _files(partial[0])
        time.sleep(2)
        assert _files(partial[0]) == frozen
    else:
        assert run.returncode == 130 and "cpo-kit: interrupted" in stderr
        assert not list(out.glob(".partial-*"))
    assert (out / "latest").resolve() == earlier.resolve()
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == [earlier.name, "latest"]
    assert {k: v for k, v in _files(out).items() if not str(k).startswith(".")} == before
    if how == signal.SIGKILL:
        after = _cpo_kit("run", sample_dir, "--out", out, "--only", "team")
        assert after.returncode == 0, after.stderr
        assert not list(out.glob(".partial-*"))


def _still_running(processes) -> list:
    """Those of ``processes`` (psutil) that have not ended."""
    import psutil

    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(tmp_path,
                                                                          sample_dir):
    out = tmp_path / "runs"
    first = subprocess.Popen([*CPO_KIT, "run", str(sample_dir), "--out", str(out), "--jobs", "1",
                              "--only", "kpi_overview", "product_kpis"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.glob(".partial-*/kpi_overview.ipynb")):  # the first is running
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.2)
    second = _cpo_kit("run", sample_dir, "--out", out, "--only", "team")
    assert second.returncode == 2
    assert second.stderr == (f"cpo-kit: {out}: another cpo-kit run is writing here (process "
                             f"{first.pid}); wait for it to finish, or give another --out\n")
    _, stderr = first.communicate(timeout=180)
    assert first.returncode == 0, stderr
    runs = [p for p in out.iterdir() if not p.name.startswith(".") and p.name != "latest"]
    assert len(runs) == 1 and (out / "latest").resolve() == runs[0].resolve()
    assert sorted(p.name for p in runs[0].glob("*.ipynb")) == ["kpi_overview.ipynb",
                                                               "product_kpis.ipynb"]
    # Once it has finished, the folder is free again.
    third = _cpo_kit("run", sample_dir, "--out", out, "--only", "team")
    assert third.returncode == 0, third.stderr


def _as_in_a_terminal():
    # A shell ignores Ctrl-C in the commands it starts in the background, and Python then
    # keeps ignoring it: restore what a user's terminal gives, whoever started the tests.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_papermill_runs_a_single_notebook_directly_through_jupytext(tmp_path, sample_dir):
    """The README's recipe for running one notebook without cpo-kit."""
    bin_dir = ROOT / ".venv" / "bin"
    command = (f"{bin_dir / 'jupytext'} --to ipynb -o - notebooks/kpi_overview.md | "
               f"{bin_dir / 'papermill'} - {tmp_path / 'out.ipynb'} --cwd notebooks "
               f"-p data_dir {sample_dir} -p period_end 2026-09-30 -p results_dir {tmp_path}")
    result = subprocess.run(command, shell=True, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads((tmp_path / "kpi_overview_results" / "headline.json").read_text())
    assert summary["period_end"] == "2026-09-30"
