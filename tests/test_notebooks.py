"""The notebooks: executed by papermill on both sample companies, then checked by nbval.

nbval only collects ``.ipynb`` files, so each jupytext notebook is first
executed into a temporary folder; nbval then runs it again and compares every
output but images with that run's. The cell that prints the headline numbers is
compared with the output stored in ``tests/expected/<company>/``, so a metric that changes
fails the suite; ``pytest --refresh-headlines`` stores the current ones after a
deliberate change. Each notebook also runs with only the events and with only
the small tables, and must then say what to provide.
"""
from __future__ import annotations

import json
import subprocess
import sys

import jupytext
import nbformat
import pytest
from conftest import COMPANIES, NOTEBOOK_DIR, ROOT, SMALL_TABLES, company_parameters

from cpo_kit.running.notebooks import NOTEBOOKS

from run_notebook import execute_notebook

#: Every notebook's parameters cell has these, so the runner can hand them to all.
COMMON_PARAMETERS = ("data_dir", "company_name", "period_end", "results_dir", "columns")
MISSING_NOTE = "This section needs data that was not provided:"
EXPECTED = ROOT / "tests" / "expected"
HEADLINE_CELL = "results.show()"


def test_every_registered_notebook_has_a_source_and_every_source_is_registered():
    assert {p.stem for p in NOTEBOOK_DIR.glob("*.md")} == set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_has_the_common_parameters(name):
    notebook = jupytext.read(NOTEBOOK_DIR / f"{name}.md", fmt="md:myst")
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    names = [line.split(":")[0] for line in cells[0].source.splitlines() if ":" in line]
    assert set(COMMON_PARAMETERS) <= set(names)


def _errors(notebook: nbformat.NotebookNode) -> list:
    return [o for c in notebook.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error" or o.get("name") == "stderr"]


def _images(notebook: nbformat.NotebookNode) -> list:
    return [o for c in notebook.cells for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]


@pytest.mark.parametrize("company", COMPANIES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_the_sample_and_leaves_its_results(name, company, run_notebook):
    out = run_notebook(name, company=company)
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    assert _errors(notebook) == []
    # A chart is a PNG, or an inline SVG drawing (the report's trend lines).
    assert _images(notebook) or "<svg" in _text(notebook), "every notebook draws a chart"
    assert MISSING_NOTE not in _text(notebook)
    summary = json.loads((out / f"{name}_results" / "headline.json").read_text())
    assert summary["notebook"] == name
    assert summary["period_end"] == str(company_parameters(company, name)["period_end"])
    assert summary["headlines"] and all(h["value"] is not None
                                        for h in summary["headlines"].values())
    assert summary["tables"]
    for file in summary["tables"].values():
        assert (out / f"{name}_results" / file).stat().st_size > 0


@pytest.mark.parametrize("company", COMPANIES)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_reproduces_its_outputs_under_nbval(name, company, run_notebook, request):
    out = run_notebook(name, company=company)
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    stored = EXPECTED / company / f"{name}.txt"
    cell = _headline_cell(notebook)
    if request.config.getoption("--refresh-headlines"):
        stored.write_text("".join(o["text"] for o in cell.outputs))
    assert stored.exists(), "no stored headline numbers: run pytest --refresh-headlines"
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored.read_text())]
    checked = out / f"{name}.stored.ipynb"
    nbformat.write(notebook, checked)
    result = _nbval(checked)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_nbval_fails_when_a_headline_number_differs_from_the_stored_one(run_notebook):
    out = run_notebook("pricing")
    notebook = nbformat.read(out / "pricing.ipynb", as_version=4)
    stored = (EXPECTED / "brightlane" / "pricing.txt").read_text()
    assert stored.startswith("Optimal price point (OPP)             $33.75\n")
    _headline_cell(notebook).outputs = [nbformat.v4.new_output(
        "stream", name="stdout", text=stored.replace("$33.75\n", "$33.76\n", 1))]
    nbformat.write(notebook, out / "pricing.regressed.ipynb")
    result = _nbval(out / "pricing.regressed.ipynb")
    assert result.returncode == 1
    assert "1 failed" in result.stdout and "$33.76" in result.stdout


def _headline_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    (cell,) = [c for c in notebook.cells if c.source.strip() == HEADLINE_CELL]
    assert [o["output_type"] for o in cell.outputs] == ["stream"]
    return cell


def _nbval(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         "--rootdir", str(path.parent), str(path)],
        capture_output=True, text=True, cwd=NOTEBOOK_DIR)


@pytest.mark.parametrize("present", [("events",), SMALL_TABLES], ids=["only-events",
                                                                      "only-small-tables"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_with_tables_missing_says_what_to_provide(name, present, run_notebook):
    out = run_notebook(name, tables=present)
    notebook = nbformat.read(out / f"{name}.ipynb", as_version=4)
    assert _errors(notebook) == []
    wanted = set(NOTEBOOKS[name].needs) | set(NOTEBOOKS[name].uses)
    if wanted - set(present):
        assert MISSING_NOTE in _text(notebook)
    else:
        assert MISSING_NOTE not in _text(notebook)


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for k, v in output.get("data", {}).items() if k != "image/png")
    return "\n".join(parts)


def test_kpi_overview_shows_the_table_and_the_charts(run_notebook):
    notebook = nbformat.read(run_notebook("kpi_overview") / "kpi_overview.ipynb", as_version=4)
    text = _text(notebook)
    for kpi in ("Monthly active users", "MRR", "ARR (MRR × 12)", "Paying accounts",
                "NPS (last 90 days)"):
        assert f">{kpi}</td>" in text
    assert len(_images(notebook)) == 1


def test_a_missing_table_makes_its_section_say_what_to_provide(company_dir, tmp_path):
    (company_dir / "mrr.csv").unlink()
    out = tmp_path / "kpi_overview.ipynb"
    execute_notebook(NOTEBOOK_DIR / "kpi_overview.md", out,
                     parameters={"data_dir": str(company_dir), "period_end": "2026-10-31"},
                     cwd=NOTEBOOK_DIR)
    text = _text(nbformat.read(out, as_version=4))
    assert "> **This section needs data that was not provided:**" in text
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
