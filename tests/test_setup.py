"""Set-up by the README's two commands: the system packages they install, or name.

On a machine where Chromium, Java and PostgreSQL's server are missing and cannot
be installed (no root, no sudo), ``make test`` stops at once with the exact
command to run, and
``make playbook`` goes on without the PDF and says how to have it. The machine is
made so in a mount namespace of the test's own: the programs are hidden under
``/dev/null`` (which is no program), and ``id`` says the user is not root.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess

import pytest
from conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-packages"
#: The programs of each system package the tests need; PostgreSQL's are off the PATH.
TEST_PROGRAMS = ["chromium", "java", *glob.glob("/usr/lib/postgresql/*/bin/initdb"), "soffice"]


def _without(programs, tmp_path, *command):
    """Run ``command`` where ``programs`` are missing and nothing can be installed."""
    fake = tmp_path / "bin"
    fake.mkdir(parents=True)
    (fake / "id").write_text('#!/bin/sh\n[ "$1" = -u ] && echo 1000 && exit 0\n'
                             'exec /usr/bin/id "$@"\n')
    (fake / "sudo").write_text("#!/bin/sh\nexit 1\n")  # a sudo that asks for a password
    for path in fake.iterdir():
        path.chmod(0o755)
    # A bind mount follows a link: the program itself is hidden, whatever links to it.
    hidden = {os.path.realpath(shutil.which(p)) for p in programs if shutil.which(p)}
    script = " && ".join([*(f"mount --bind /dev/null {path}" for path in sorted(hidden)),
                          f'PATH={fake}:"$PATH" exec "$@"'])
    return subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", script, "sh",
                           *command], cwd=ROOT, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def test_the_tests_stop_at_once_and_say_what_to_install(tmp_path):
    result = _without(TEST_PROGRAMS, tmp_path, "bash", SCRIPT, "test")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:4] == [
        "make test needs Chromium (for the browser tests and the report's PDF), which is not "
        "installed and could not be installed here.",
        "make test needs Java 17 or newer (for the Spark tests), which is not installed and "
        "could not be installed here.",
        "make test needs PostgreSQL's server (for the PostgreSQL tests), which is not "
        "installed and could not be installed here.",
        "make test needs LibreOffice Impress (opens the report's slides in the tests), which is "
        "not installed and could not be installed here."]
    # Java's package is the first this machine's package lists offer, newest lists first.
    assert lines[4] in [f"Install them, then run make test again: sudo apt-get install -y "
                        f"chromium {java} postgresql libreoffice-impress"
                        for java in ("openjdk-17-jre-headless", "openjdk-21-jre-headless",
                                     "default-jre-headless")]
    assert len(lines) == 5


def test_the_playbook_goes_on_without_the_pdf_and_says_how_to_have_it(tmp_path):
    result = _without(TEST_PROGRAMS, tmp_path, "bash", SCRIPT, "playbook")
    assert result.returncode == 0
    assert result.stderr == (
        "Going on without the PDF of the stakeholder report: Chromium, which prints it, is "
        "not installed and could not be installed here. To have it: sudo apt-get install -y "
        "chromium\n")


def test_with_everything_there_it_says_nothing(tmp_path):
    for mode in ("venv", "playbook", "test"):
        result = _without([], tmp_path / mode, "bash", SCRIPT, mode)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize("goal, before", [("test", "-m pytest"), ("playbook", "cpo-kit run")])
def test_make_installs_the_system_packages_first(goal, before):
    planned = subprocess.run(["make", "-n", goal], cwd=ROOT, capture_output=True,
                             text=True).stdout.splitlines()
    step = next(i for i, line in enumerate(planned) if "scripts/system-packages " + goal in line)
    assert step < next(i for i, line in enumerate(planned) if before in line)


def test_ci_runs_the_readmes_command_and_keeps_no_list_of_its_own():
    script = (ROOT / ".ci" / "run").read_text()
    assert script.rstrip().endswith("make test")
    assert "apt-get" not in script and "chromium" not in script
