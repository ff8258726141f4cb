"""The process that executes one notebook: a kernel that dies at start is started again."""
from __future__ import annotations

import papermill
import pytest

from cpo_kit.running import notebook_process


def _papermill_failing(monkeypatch, errors):
    """papermill.execute_notebook raising ``errors`` in turn, then succeeding; returns the calls."""
    calls = []

    def execute_notebook(*args, **kwargs):
        calls.append(kwargs["cwd"])
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    return calls


def _execute():
    notebook_process.execute({}, "out.ipynb", parameters={}, cwd="/tmp", progress=False)


def test_a_kernel_that_dies_at_start_is_started_once_more(monkeypatch):
    calls = _papermill_failing(monkeypatch, [RuntimeError(
        "Kernel died before replying to kernel_info")])
    _execute()
    assert calls == ["/tmp", "/tmp"]


def test_a_kernel_that_dies_at_start_twice_is_a_failure(monkeypatch):
    died = RuntimeError("Kernel died before replying to kernel_info")
    calls = _papermill_failing(monkeypatch, [died, died])
    with pytest.raises(RuntimeError, match="kernel_info"):
        _execute()
    assert len(calls) == 2


def test_other_errors_are_not_retried(monkeypatch):
    calls = _papermill_failing(monkeypatch, [RuntimeError("Kernel didn't respond in 60 seconds")])
    with pytest.raises(RuntimeError, match="60 seconds"):
        _execute()
    assert len(calls) == 1
