"""The published playbook: built by ``cpo-kit book`` from the sample, readable offline."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_dir):
    """A copy of the book's sources, built by the command the Makefile runs."""
    from cpo_kit.cli import main

    root = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "book", root / "book")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb"))
    assert main(["book", str(sample_dir), "--root", str(root)]) == 0
    return root / "_build" / "html"


def test_the_book_opens_on_the_introduction(built):
    index = (built / "index.html").read_text()
    assert 'url=book/intro.html' in index
    intro = (built / "book" / "intro.html").read_text()
    assert "<h1>The CPO Playbook" in intro


def test_the_notebook_page_shows_its_numbers_and_chart(built):
    page = (built / "notebooks" / "kpi_overview.html").read_text()
    assert "Headline KPIs at a glance" in page
    assert re.search(r">Monthly active users</td>\s*<td[^>]*>[\d,]+</td>", page)
    assert re.search(r'<img[^>]+src="\.\./_images/[0-9a-f]+\.png"', page)


def test_the_injected_parameters_do_not_reach_the_page(built, sample_dir):
    page = (built / "notebooks" / "kpi_overview.html").read_text()
    assert str(sample_dir) not in page


def test_no_page_loads_anything_from_the_network(built):
    for page in built.rglob("*.html"):
        sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"',
                             page.read_text())
        assert sources == [], page
    assert (built / "_static" / "mathjax" / "MathJax.js").is_file()


def test_a_failing_notebook_leaves_the_last_good_one_in_place(tmp_path, sample_dir, cli):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "kpi_overview.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n"
        "  name: python3\n  display_name: Python 3\n  language: python\n---\n\n"
        "```{code-cell} ipython3\n:tags: [parameters]\ndata_dir = ''\n```\n\n"
        "```{code-cell} ipython3\nraise ValueError('the data says no')\n```\n")
    previous = tmp_path / "notebooks" / "kpi_overview.ipynb"
    previous.write_text("the last good run")
    code, _, err = cli("book", sample_dir, "--root", tmp_path)
    assert code == 1
    failed = tmp_path / "notebooks" / "kpi_overview.failed.ipynb"
    assert err == (f"cpo-kit: notebook kpi_overview failed in cell 3: ValueError: the data "
                   f"says no (see {failed})\n")
    assert previous.read_text() == "the last good run"
    assert "the data says no" in failed.read_text()
    assert sorted(p.name for p in (tmp_path / "notebooks").iterdir()) == [
        "kpi_overview.failed.ipynb", "kpi_overview.ipynb", "kpi_overview.md"]
