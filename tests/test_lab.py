"""`make lab`: JupyterLab on localhost, opening the MyST notebooks as notebooks."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT

TOKEN = "cpo-playbook-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """`make lab` running in the background; yields a function that GETs a JSON path."""
    port = _free_port()
    # --allow-root only because CI runs as root; the target itself does not need it.
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab",
         f"LAB_ARGS=--no-browser --allow-root --ServerApp.port={port} "
         f"--ServerApp.port_retries=0 --IdentityProvider.token={TOKEN}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)

    def get(path: str):
        url = f"http://127.0.0.1:{port}{path}{'&' if '?' in path else '?'}token={TOKEN}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get("/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.poll() is not None else ""
                    pytest.fail(f"make lab did not start a server:\n{output[-2000:]}")
                time.sleep(0.5)
        yield get
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_lab_opens_markdown_notebooks_with_the_jupytext_viewer(lab):
    plugin = lab("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    assert plugin["schema"]["properties"]["defaultViewers"]["default"] == {
        "markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_lab_serves_a_text_notebook_as_a_notebook_with_its_parameters_cell(lab):
    model = lab("/api/contents/product_kpis.md?type=notebook&content=1")
    assert model["type"] == "notebook"
    cells = model["content"]["cells"]
    parameters = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(parameters) == 1
    assert 'period_end: str = "2026-10-31"  # last day counted' in parameters[0]["source"]
