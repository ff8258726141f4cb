"""The notebooks: executed by papermill on the sample, then checked by nbval.

nbval only collects ``.ipynb`` files, so each jupytext notebook is first
executed into a temporary folder; nbval then runs it again and compares every
output but images with the stored one.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cpo_kit.notebooks import NOTEBOOKS
from cpo_kit.runner import execute_notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"


@pytest.fixture(scope="module")
def executed(tmp_path_factory, sample_dir):
    out = tmp_path_factory.mktemp("executed")
    for name in NOTEBOOKS:
        execute_notebook(NOTEBOOK_DIR / f"{name}.md", out / f"{name}.ipynb",
                         parameters={"data_dir": str(sample_dir)}, cwd=NOTEBOOK_DIR)
    return out


def test_every_registered_notebook_has_a_source_and_every_source_is_registered():
    assert {p.stem for p in NOTEBOOK_DIR.glob("*.md")} == set(NOTEBOOKS)


def test_notebooks_reproduce_their_outputs_under_nbval(executed):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         "--rootdir", str(executed), str(executed)],
        capture_output=True, text=True, cwd=NOTEBOOK_DIR)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for k, v in output.get("data", {}).items() if k != "image/png")
    return "\n".join(parts)


def test_kpi_overview_shows_the_table_and_the_charts(executed):
    notebook = nbformat.read(executed / "kpi_overview.ipynb", as_version=4)
    assert not [o for c in notebook.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]
    text = _text(notebook)
    for kpi in ("Monthly active users", "MRR", "ARR (MRR × 12)", "Paying accounts",
                "NPS (last 90 days)"):
        assert f">{kpi}</td>" in text
    images = [o for c in notebook.cells for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) == 1


def test_a_missing_table_makes_its_section_say_what_to_provide(company_dir, tmp_path):
    (company_dir / "mrr.csv").unlink()
    out = tmp_path / "kpi_overview.ipynb"
    execute_notebook(NOTEBOOK_DIR / "kpi_overview.md", out,
                     parameters={"data_dir": str(company_dir), "period_end": "2026-10-31"},
                     cwd=NOTEBOOK_DIR)
    text = _text(nbformat.read(out, as_version=4))
    assert "This section needs data that was not provided" in text
    assert "**mrr** (Monthly recurring revenue of one account for one product in one month)" in text
    assert ">Monthly active users</td>" in text and ">MRR</td>" not in text


def test_product_kpis_without_events_says_what_to_provide(company_dir, tmp_path):
    (company_dir / "events.csv").unlink()
    out = tmp_path / "product_kpis.ipynb"
    execute_notebook(NOTEBOOK_DIR / "product_kpis.md", out,
                     parameters={"data_dir": str(company_dir)}, cwd=NOTEBOOK_DIR)
    notebook = nbformat.read(out, as_version=4)
    text = _text(notebook)
    assert "**events** (One row per thing a user did in the product; the only table that can " \
           "be large)" in text
    assert not [o for c in notebook.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error" or "image/png" in o.get("data", {})]
