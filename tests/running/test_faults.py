"""Faults of the machine, not of the data: each ends in one line, exit status 2, nothing kept.

An output folder on a read-only or a full file system, or without permission; a
notebook kernel that cannot start. The file systems are real: a small tmpfs
mounted in a mount namespace of the test's own (``unshare``), which needs no
root, so the same test runs on a developer's machine and in CI. What the folder
holds afterwards is copied out of the namespace as a tar archive and compared
with what it held before.
"""
from __future__ import annotations

import io
import os
import shlex
import subprocess
import tarfile

import pytest
from conftest import CPO_KIT, ROOT, SAMPLE

#: The mount point inside the namespace (it exists outside too, and stays empty there).
MOUNT = "/mnt"
RUN = "2026-10-01-abcdef0"


def _earlier_run(folder):
    """A complete earlier run in ``folder``/runs, as a run leaves it."""
    runs = folder / "runs"
    (runs / RUN / "team_results").mkdir(parents=True)
    (runs / RUN / "manifest.json").write_text('{"run": "2026-10-01-abcdef0"}\n')
    (runs / RUN / "team_results" / "headline.json").write_text('{"headlines": {}}\n')
    (runs / "latest").symlink_to(RUN, target_is_directory=True)
    return runs


def _tree(data: bytes) -> dict[str, bytes | str]:
    """Each member of a tar archive: a file's bytes, a link's target, or 'dir'."""
    tree = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix("./")
            if member.issym():
                tree[name] = f"-> {member.linkname}"
            elif member.isdir():
                tree[name] = "dir"
            else:
                tree[name] = archive.extractfile(member).read()
    tree.pop("", None)
    tree.pop(".", None)
    return tree


def _on_small_disk(tmp_path, args, *, size="200k", read_only=False, env=None):
    """Run ``cpo-kit ARGS`` (``{disk}`` in them is the mount) on a fresh tmpfs.

    The tmpfs starts with a copy of ``tmp_path/disk``; returns the finished
    process, and the tree of the tmpfs before and after the command.
    """
    seed = tmp_path / "disk"
    seed.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(str(a).replace("{disk}", MOUNT)) for a in [*CPO_KIT, *args])
    script = "\n".join([
        "set -e",
        f"mount -t tmpfs -o size={size} tmpfs {MOUNT}",
        f"cp -a {shlex.quote(str(seed))}/. {MOUNT}/",
        f"tar -C {MOUNT} -cf {shlex.quote(str(tmp_path / 'before.tar'))} .",
        *([f"mount -o remount,ro {MOUNT}"] if read_only else []),
        "set +e",
        f"{command} > {shlex.quote(str(tmp_path / 'out'))} 2> {shlex.quote(str(tmp_path / 'err'))}",
        f"echo $? > {shlex.quote(str(tmp_path / 'status'))}",
        f"tar -C {MOUNT} -cf {shlex.quote(str(tmp_path / 'after.tar'))} .",
    ])
    done = subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", script],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    result = subprocess.CompletedProcess(
        args, int((tmp_path / "status").read_text()), (tmp_path / "out").read_text(),
        (tmp_path / "err").read_text())
    return (result, _tree((tmp_path / "before.tar").read_bytes()),
            _tree((tmp_path / "after.tar").read_bytes()))


def test_a_run_into_a_read_only_folder_is_refused_and_the_earlier_run_kept(tmp_path):
    _earlier_run(tmp_path / "disk")
    result, before, after = _on_small_disk(
        tmp_path, ["run", SAMPLE, "--out", "{disk}/runs", "--only", "team"], read_only=True)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {MOUNT}/runs: runs cannot be written here (Read-only "
                             "file system); give another --out\n")
    assert after == before and "runs/latest" in after


def test_a_run_that_fills_the_disk_keeps_nothing_and_spares_the_earlier_run(tmp_path):
    _earlier_run(tmp_path / "disk")
    # 200 KB: room for the run's log, not for its notebooks.
    result, before, after = _on_small_disk(
        tmp_path, ["run", SAMPLE, "--out", "{disk}/runs", "--only", "team"])
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {MOUNT}/runs: the run could not be written (No space "
                             "left on device); nothing of it was kept, and earlier runs are "
                             "as they were\n")
    assert {k: v for k, v in after.items() if k != "runs/.lock"} == before


def test_a_sample_that_fills_the_disk_leaves_the_folder_as_it_was(tmp_path):
    (tmp_path / "disk" / "data").mkdir(parents=True)
    (tmp_path / "disk" / "data" / "notes.txt").write_text("ours\n")
    result, before, after = _on_small_disk(tmp_path, ["sample", "{disk}/data"])
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {MOUNT}/data: the sample cannot be written here (No "
                             "space left on device); give another folder\n")
    assert after == before


@pytest.mark.parametrize("command, what", [
    (["publish", "{run}", "--out", "{disk}/site"], "site: the book"),
    (["compare", "{run}", "{run}", "--out", "{disk}/c.json"], "c.json: the comparison"),
])
def test_a_book_or_comparison_into_a_read_only_folder_is_refused(tmp_path, sample_run,
                                                                 command, what):
    runs, _ = sample_run
    result, before, after = _on_small_disk(
        tmp_path, [str(a).replace("{run}", str(runs / "latest")) for a in command],
        read_only=True)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {MOUNT}/{what} cannot be written here (Read-only "
                             "file system); give another --out\n")
    assert after == before


def test_a_run_into_a_folder_without_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    # Root may write anywhere: here it runs without that power, as a user would.
    drop = (["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
            if os.geteuid() == 0 else [])
    result = subprocess.run([*drop, *CPO_KIT, "run", str(SAMPLE), "--out",
                             str(locked / "runs"), "--only", "team"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {locked / 'runs'}: runs cannot be written here "
                             "(Permission denied); give another --out\n")
    assert list(locked.iterdir()) == []


#: Kernel specs for a kernel that cannot start: its program is missing, or it dies at once.
KERNELS = {
    "missing": (["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/python'"),
    "dies": (["/bin/false", "{connection_file}"],
             "RuntimeError: Kernel died before replying to kernel_info"),
}


@pytest.mark.parametrize("kind", list(KERNELS))
def test_a_kernel_that_cannot_start_stops_the_run_in_one_line(tmp_path, kind):
    import json

    argv, reason = KERNELS[kind]
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": "Python 3", "language": "python"}))
    runs = _earlier_run(tmp_path / "disk")
    before = sorted(p.relative_to(runs) for p in runs.rglob("*"))
    result = subprocess.run([*CPO_KIT, "run", str(SAMPLE), "--out", str(runs), "--only",
                             "team", "strategy"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"cpo-kit: the notebooks' Python kernel cannot start ({reason}): check that "
        "ipykernel is installed beside cpo-kit, and that 'jupyter kernelspec list' shows the "
        "kernel python3 (make playbook sets them up); nothing of this run was kept\n")
    after = sorted(p.relative_to(runs) for p in runs.rglob("*") if p.name != ".lock")
    assert after == before
