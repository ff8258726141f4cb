"""The ``cpo-kit`` command line: help, exit statuses and one-line errors."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cpo_kit.inputs.validate

BIN = Path(sys.executable).parent


def test_the_console_script_is_installed():
    result = subprocess.run([str(BIN / "cpo-kit"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("validate", "sample", "run", "publish"):
        assert command in result.stdout
    assert "Exit status: 0 success, 1 a step failed, 2 invalid input" in result.stdout


@pytest.mark.parametrize("command, words", [
    ("validate", "file:row: column: what is wrong (found X, expected Y)"),
    ("sample", "byte for byte"),
    ("run", "papermill"),
    ("publish", "without executing anything again"),
])
def test_each_command_explains_itself(cli, capsys, command, words):
    with pytest.raises(SystemExit) as stop:
        cli(command, "--help")
    assert stop.value.code == 0
    assert words in " ".join(capsys.readouterr().out.split())


def test_sample_command_reports_rows_written(tmp_path, cli):
    code, out, err = cli("sample", tmp_path, "--seed", "5", "--scale", "0.1")
    assert code == 0
    assert out.startswith(f"Wrote the sample company to {tmp_path} in ")
    # The count reported is the count written.
    reported = re.search(r"^  accounts +([\d,]+) rows$", out, re.MULTILINE).group(1)
    written = (tmp_path / "accounts.csv").read_text().count("\n") - 1
    assert int(reported.replace(",", "")) == written > 15
    assert (tmp_path / "events.parquet").is_file()
    code, out, _ = cli("validate", tmp_path)
    assert code == 0 and "13 of 13 tables present, all valid" in out


@pytest.mark.parametrize("scale", ["0", "-1", "lots"])
def test_sample_refuses_a_scale_that_is_not_positive(tmp_path, cli, capsys, scale):
    with pytest.raises(SystemExit) as stop:
        cli("sample", tmp_path, "--scale", scale)
    assert stop.value.code == 2
    assert "argument --scale: expected a number" in capsys.readouterr().err


@pytest.mark.parametrize("given", ["feedback", "https://", "ftp://host/x", "a b@c.org"])
def test_publish_refuses_a_feedback_address_that_is_none(tmp_path, cli, capsys, given):
    with pytest.raises(SystemExit) as stop:
        cli("publish", tmp_path, "--feedback", given)
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"cpo-kit publish: error: argument --feedback: {given!r} is no web address "
        "(https://...) and no e-mail address")


@pytest.mark.parametrize("given, link", [
    ("https://github.com/acme/book/issues/new", "https://github.com/acme/book/issues/new"),
    ("mailto:po@acme.example", "mailto:po@acme.example"),
    (" po@acme.example ", "mailto:po@acme.example"),
])
def test_a_feedback_address_becomes_a_link(given, link):
    from cpo_kit.cli import _feedback

    assert _feedback(given) == link


def test_an_internal_error_is_one_line_not_a_traceback(company_dir, cli, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something we did not foresee")

    monkeypatch.setattr(cpo_kit.inputs.validate, "check_folder", broken)
    code, _, err = cli("validate", company_dir)
    assert code == 1
    assert err == ("cpo-kit: internal error: RuntimeError: something we did not foresee (set "
                   "CPO_KIT_DEBUG=1 to see where, and please report it)\n")


def test_a_reader_that_stops_reading_gets_no_complaint(tmp_path):
    # cpo-kit import ... | head: the pipe closes before the summary is printed whole.
    import subprocess

    from conftest import CPO_KIT, ROOT

    export = ROOT / "tests" / "inputs" / "exports" / "posthog" / "events.csv"
    reader, writer = os.pipe()
    os.close(reader)
    done = subprocess.run([*CPO_KIT, "import", "posthog", str(export), str(tmp_path / "acme")],
                          stdout=writer, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    os.close(writer)
    assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "acme" / "events.parquet").is_file()
