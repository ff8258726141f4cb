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
