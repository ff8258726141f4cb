"""The monthly refresh: the GitHub Actions template and scripts/refresh-playbook."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

from cpo_kit.cli import _parsers

WORKFLOW = ROOT / "deploy" / "github-actions.yml"
SCRIPT = ROOT / "scripts" / "refresh-playbook"
BIN = Path(sys.executable).parent


def _options(subcommand: str) -> set[str]:
    _, subcommands = _parsers()
    return {o for a in subcommands[subcommand]._actions for o in a.option_strings}


def test_workflow_runs_monthly_and_on_demand():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow[True]          # YAML 1.1 reads the key "on" as true
    assert "workflow_dispatch" in triggers
    minute, hour, day, month, weekday = triggers["schedule"][0]["cron"].split()
    assert (day, month, weekday) != ("*", "*", "*") and month == "*" and day.isdigit()


def test_workflow_uses_only_commands_and_options_that_exist():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    commands = [line for step in workflow["jobs"]["refresh"]["steps"] if "run" in step
                for line in step["run"].splitlines()]
    cpo = [shlex.split(c) for c in commands if c.startswith("cpo-kit ")]
    assert [c[1] for c in cpo] == ["run", "publish"]
    for words in cpo:
        used = {w for w in words if w.startswith("--")}
        assert used <= _options(words[1]), words
    ghp = [shlex.split(c) for c in commands if c.startswith("ghp-import ")]
    assert len(ghp) == 1
    assert "--push" in ghp[0] and ghp[0][-1] == "site/_build/html"
    # publish writes the site where ghp-import looks for it, from the run that run made
    assert cpo[1][2] == "runs/latest" and cpo[0][cpo[0].index("--out") + 1] == "runs"


def test_refresh_script_twice_deploys_to_gh_pages(tmp_path):
    remote = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--bare", "-q", str(remote)], check=True)
    work = tmp_path / "repo"
    work.mkdir()
    git = ["git", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com",
           "CPO_KIT": f"{sys.executable} -m cpo_kit.cli", "GHP_IMPORT": str(BIN / "ghp-import"),
           "FEEDBACK": "https://git.example.org/acme/playbook/issues/new"}
    runs, site = tmp_path / "runs", tmp_path / "site"
    for _ in range(2):
        done = subprocess.run([str(SCRIPT), str(ROOT / "data" / "sample"),
                               str(ROOT / "data" / "brightlane.yml"), str(runs), str(site),
                               str(remote)], cwd=work, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    kept = [p for p in runs.iterdir() if p.name != "latest" and not p.name.startswith(".")]
    assert len(kept) == 2          # the second run left the first for comparison
    files = subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only",
                            "gh-pages"], capture_output=True, text=True, check=True).stdout
    assert "index.html" in files.split() and ".nojekyll" in files.split()
    # FEEDBACK reached every page: the roadmap chapter's link opens an issue titled with it.
    page = subprocess.run(["git", "--git-dir", str(remote), "show",
                           "gh-pages:book/playbook/roadmap.html"],
                          capture_output=True, text=True, check=True).stdout
    assert ('<a class="cpo-feedback" href="https://git.example.org/acme/playbook/issues/new'
            '?title=Feedback%20on%20%E2%80%9CRoadmap%20and%20product%20development%E2%80%9D">'
            "Send feedback on this page</a>") in page
