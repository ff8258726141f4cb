"""A book true for any company: the chapters' worked examples follow the run's company.

Chapters carry the sample company's worked examples in ``{only} company_brightlane``
blocks and, for every other company, text true of any company in
``{only} not company_brightlane`` blocks (:mod:`cpo_kit.book_ext`). The published
books are built from the session's sample run, made under another company's name,
and from a copy of it whose notebooks named Brightlane.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sphinx.util.tags import Tags

from conftest import HOSTILE_COMPANY, ROOT, cpo_kit
from cpo_kit.book_ext import company_tag, resolve_company_blocks
from cpo_kit.book_reference import EXAMPLE_ROWS, contract_page, write_examples
from cpo_kit.notebooks import NOTEBOOKS
from cpo_kit.publish import run_company, substitutions
from cpo_kit.schemas import TABLES

#: Chapters whose worked examples name the sample company in its own book.
EXAMPLE_PAGES = ("book/intro.html", "book/playbook/market.html", "book/playbook/kpis.html",
                 "book/templates/qbr.html", "book/templates/prd.html",
                 "book/playbook/regulatory_vendors.html", "book/onboarding/exercises.html")


@pytest.mark.parametrize("name, tag", [
    ("Brightlane", "company_brightlane"),
    ("  Tidewell ", "company_tidewell"),
    ("Café Müller GmbH", "company_cafe_muller_gmbh"),
    ("Acme <script>alert('pwned')</script> & `Co` | *Analytics*",
     "company_acme_script_alert_pwned_script_co_analytics"),
    ("42 Labs", "company_42_labs"),
])
def test_a_company_name_gives_a_tag_that_only_can_test(name, tag):
    assert company_tag(name) == tag


def _resolved(text: str, *tags: str) -> str:
    return resolve_company_blocks(text, Tags(tags).eval_condition)


PAGE = """\
Before.

```{only} company_brightlane
Brightlane's example, {{ brightlane_only_key }}.
```

```{only} not company_brightlane
Any company's text.
```

After.
"""


@pytest.mark.parametrize("tag, expected", [
    ("company_brightlane",
     "Before.\n\nBrightlane's example, {{ brightlane_only_key }}.\n\n\nAfter.\n"),
    ("company_tidewell", "Before.\n\n\nAny company's text.\n\nAfter.\n"),
])
def test_the_blocks_of_the_books_company_are_kept_and_the_others_dropped(tag, expected):
    assert _resolved(PAGE, tag) == expected


@pytest.mark.parametrize("text, expected", [
    # Inside a directive, a block fenced by colons; inside a list item, one indented.
    ("```{exercise} E\n:::{only} company_tidewell\nOurs.\n:::\n:::{only} company_brightlane\n"
     "Theirs.\n:::\nEnd.\n```\n",
     "```{exercise} E\nOurs.\nEnd.\n```\n"),
    ("1. Step.\n\n   ```{only} company_tidewell or company_acme\n   Ours.\n   ```\n",
     "1. Step.\n\n   Ours.\n"),
    # A longer fence holds a shorter one: only its own length closes it.
    ("````{only} not company_tidewell\n```text\ncode\n```\n````\nEnd.\n", "End.\n"),
    # Blocks that test no company are Sphinx's own.
    ("```{only} html\nFor the site.\n```\n", "```{only} html\nFor the site.\n```\n"),
])
def test_company_blocks_nest_in_directives_and_lists(text, expected):
    assert _resolved(text, "company_tidewell") == expected


def test_a_company_block_left_open_is_named_with_its_line():
    with pytest.raises(ValueError) as error:
        _resolved("Text.\n\n```{only} company_brightlane\nNever closed.\n", "company_tidewell")
    assert str(error.value) == ("line 3: the block ```{only} company_brightlane is never "
                                "closed by a line ```")


def test_every_chapter_resolves_for_another_company_without_the_sample_company():
    # What the build reads: neither the sample company nor a number only its run records.
    tags = Tags(["company_tidewell"])
    found = []
    for path in sorted((ROOT / "book").rglob("*.md")):
        text = resolve_company_blocks(path.read_text(encoding="utf-8"), tags.eval_condition)
        keys = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text)) - {"company"}
        if "Brightlane" in text or keys:
            found.append((str(path), sorted(keys)))
    assert found == []


@pytest.mark.parametrize("examples, sample, shown, said", [
    (None, True, set(TABLES), "the sample company's table"),
    ({"accounts", "events"}, False, {"accounts", "events"}, "this book's company's table"),
    (set(), False, set(), None),
])
def test_the_data_contract_offers_the_example_files_it_has(examples, sample, shown, said):
    page = contract_page(examples, sample=sample)
    links = set(re.findall(r"\{download\}`(\w+)\.csv <examples/\w+\.csv>`", page))
    assert links == shown
    if said:
        assert f"(the first {EXAMPLE_ROWS} rows of {said})." in page
    else:
        assert "Example:" not in page


def test_example_files_are_cut_from_the_tables_of_a_data_folder(company_dir, tmp_path):
    (company_dir / "notes.csv").write_text("not,a,table\n")
    folder = tmp_path / "examples"
    written = write_examples(company_dir, folder)
    assert written == {"accounts", "users", "events", "products", "mrr", "surveys"}
    assert sorted(p.name for p in folder.iterdir()) == [
        "accounts.csv", "events.csv", "mrr.csv", "products.csv", "surveys.csv", "users.csv"]
    assert (folder / "products.csv").read_text() == (
        "product_id,name,launch_date,stage,gross_margin\nP1,Core,2020-01-01,maturity,0.8\n")


# --- Published books ---------------------------------------------------------------------

def _as_brightlane(run: Path, copy: Path) -> Path:
    """A copy of ``run`` whose notebooks named Brightlane, as a run without company_name does."""
    shutil.copytree(run, copy)
    for name in NOTEBOOKS:
        path = copy / f"{name}_results" / "headline.json"
        summary = json.loads(path.read_text())
        summary["company"] = "Brightlane"
        path.write_text(json.dumps(summary))
    return copy


@pytest.fixture(scope="module")
def books(sample_run, tmp_path_factory):
    """The HTML of the sample run's book (another company) and of its Brightlane copy."""
    runs, result = sample_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path_factory.mktemp("company-books")
    sites = {}
    for company, run in (("other", runs / "latest"),
                         ("Brightlane", _as_brightlane(runs / "latest", out / "brightlane-run"))):
        built = cpo_kit("publish", run, "--out", out / company)
        assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]
        site = out / company / "_build" / "html"
        sites[company] = {str(p.relative_to(site)): p.read_text()
                          for p in site.rglob("*.html") if "_static" not in p.parts}
    return sites


def test_the_company_is_the_one_the_notebooks_named(sample_run):
    runs, _ = sample_run
    assert run_company(runs / "latest") == HOSTILE_COMPANY
    assert substitutions(runs / "latest")["company"] == (
        r"Acme \<script\>alert\(\'pwned\'\)\<\/script\> \& \`Co\` \| \*Analytics\*")


def test_no_chapter_of_another_companys_book_names_the_sample_company(books):
    # The notebooks' pages show the run's data, here the sample's own tables, and the
    # command-line reference is the commands' help, where `sample` names what it writes.
    chapters = {page: text for page, text in books["other"].items()
                if not page.startswith("notebooks/") and page != "book/reference/cli.html"}
    # The 36 pages of the table of contents but one, the index, search and genindex.
    assert len(chapters) == 38
    assert [page for page, text in chapters.items() if "Brightlane" in text] == []
    # Named through {{ company }}, as text.
    assert "on <strong>Acme &lt;script&gt;alert(" in chapters["book/intro.html"]


def test_the_sample_companys_book_keeps_its_worked_examples(books):
    pages = books["Brightlane"]
    assert [page for page in EXAMPLE_PAGES if "Brightlane" not in pages[page]] == []
    assert "Brightlane sells reporting and analytics software" in (
        pages["book/templates/vision_statement.html"])
    # The text for other companies is not in it.
    assert "ask the same questions of" not in pages["book/onboarding/exercises.html"]


@pytest.mark.parametrize("company, said", [
    ("other", "this book’s company’s table"),
    ("Brightlane", "the sample company’s table"),
])
def test_the_data_contract_says_whose_rows_its_examples_are(books, company, said):
    assert f"rows of {said})" in books[company]["book/reference/data_contract.html"]
