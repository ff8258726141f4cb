"""A book true for any company: the chapters' worked examples follow the run's company.

Chapters name each worked example in a ``{company-example} NAME`` block whose content
is true of any company; the sample company tells its own in
``book/examples/brightlane/NAME.md``, which only its book shows
(:mod:`cpo_kit.site.book_ext`). ``{only}`` blocks that test a company tag are resolved
too. The published books are built from the session's sample run, made under
another company's name, and from a copy of it whose notebooks named Brightlane.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import HOSTILE_COMPANY, ROOT, cpo_kit
from sphinx.util.tags import Tags

from cpo_kit.inputs.contract import TABLES
from cpo_kit.running.notebooks import NOTEBOOKS
from cpo_kit.site import publish
from cpo_kit.site.book_ext import (company_slug, company_tag, example_names,
                                   resolve_company_blocks, resolve_company_examples)
from cpo_kit.site.publish import run_company, substitutions
from cpo_kit.site.reference import EXAMPLE_ROWS, contract_page, write_examples
from cpo_kit.site.run_examples import PUBLISHED_EXAMPLES

#: Chapters whose worked examples name the sample company in its own book.
EXAMPLE_PAGES = ("book/intro.html", "book/playbook/market.html", "book/playbook/kpis.html",
                 "book/templates/qbr.html", "book/templates/prd.html",
                 "book/playbook/regulatory_vendors.html", "book/onboarding/exercises.html",
                 "book/templates/cpo_job.html", "book/templates/interview_kit.html",
                 "book/templates/launch.html", "book/templates/retirement.html",
                 "book/templates/vendor_scorecard.html", "book/templates/decision_record.html")


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
    # The same word names the company's folder of worked examples.
    assert company_slug(name) == tag.removeprefix("company_")


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
    for path in _chapters():
        text = resolve_company_examples(path.read_text(encoding="utf-8"),
                                        ROOT / "book" / "examples" / "tidewell")
        text = resolve_company_blocks(text, tags.eval_condition)
        keys = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text)) - {"company"}
        if "Brightlane" in text or keys:
            found.append((str(path), sorted(keys)))
    assert found == []


# --- The companies' own worked examples --------------------------------------------------

#: The sample company's stories, the only files of the book that may name it.
BRIGHTLANE_EXAMPLES = ROOT / "book" / "examples" / "brightlane"


def _chapters() -> list[Path]:
    """The book's pages, without the companies' examples that they pull in."""
    return [path for path in sorted((ROOT / "book").rglob("*.md"))
            if not path.is_relative_to(ROOT / "book" / "examples")]


CHAPTER = """\
The plan.

```{company-example} qbr
Any company's example, {{ company }}.
```

1. A step

   ```{company-example} step
   Any company's step.
   ```

Hiring for
:::{company-example} hire
the skills most short.
:::
Then train.
"""


@pytest.mark.parametrize("stories, expected", [
    # The company tells every example: each block is its file, indented as the block.
    ({"qbr.md": "## Example: Ours\n\nOur quarter, {{ ours }}.\n",
      "step.md": "Our step,\n\nin two paragraphs.\n",
      "hire.md": "analytics"},
     "The plan.\n\n## Example: Ours\n\nOur quarter, {{ ours }}.\n\n1. A step\n\n"
     "   Our step,\n\n   in two paragraphs.\n\nHiring for\nanalytics\nThen train.\n"),
    # Only some: the others keep the text for any company.
    ({"hire.md": "analytics\n"},
     "The plan.\n\nAny company's example, {{ company }}.\n\n1. A step\n\n"
     "   Any company's step.\n\nHiring for\nanalytics\nThen train.\n"),
    # None: a company without a folder of its own.
    (None,
     "The plan.\n\nAny company's example, {{ company }}.\n\n1. A step\n\n"
     "   Any company's step.\n\nHiring for\nthe skills most short.\nThen train.\n"),
])
def test_an_example_is_the_companys_own_file_or_the_text_for_any_company(
        tmp_path, stories, expected):
    folder = tmp_path / "acme"
    if stories is not None:
        folder.mkdir()
        for name, text in stories.items():
            (folder / name).write_text(text, encoding="utf-8")
    assert resolve_company_examples(CHAPTER, folder) == expected
    assert resolve_company_examples(CHAPTER, None) == (
        resolve_company_examples(CHAPTER, tmp_path / "nobody"))


def test_an_example_block_may_be_empty_for_other_companies(tmp_path):
    (tmp_path / "red.md").write_text("Two KPIs are red.\n")
    text = "Before.\n\n```{company-example} red\n```\n\nAfter.\n"
    assert resolve_company_examples(text, tmp_path) == "Before.\n\nTwo KPIs are red.\n\nAfter.\n"
    assert resolve_company_examples(text, None) == "Before.\n\n\nAfter.\n"


@pytest.mark.parametrize("text, message", [
    ("```{company-example} ../../secrets\nText.\n```\n",
     "line 1: the example name '../../secrets' is not a file name of lowercase letters, "
     "digits, '-' and '_'"),
    ("Text.\n:::{company-example}\nText.\n:::\n",
     "line 2: the example name '' is not a file name of lowercase letters, digits, '-' and '_'"),
    ("```{company-example} QBR\nText.\n```\n",
     "line 1: the example name 'QBR' is not a file name of lowercase letters, digits, "
     "'-' and '_'"),
    ("Text.\n\n   ```{company-example} qbr\n   Never closed.\n```\n",
     "line 3: the block ```{company-example} qbr is never closed by a line ```"),
])
def test_a_wrong_example_block_is_named_with_its_line(tmp_path, text, message):
    with pytest.raises(ValueError) as error:
        resolve_company_examples(text, tmp_path)
    assert str(error.value) == message


def test_only_the_sample_companys_examples_name_it():
    named = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "book").rglob("*"))
             if path.is_file() and not path.is_relative_to(BRIGHTLANE_EXAMPLES)
             and "Brightlane" in path.read_text(encoding="utf-8", errors="replace")]
    assert named == []


def test_the_sample_company_tells_every_example_the_chapters_name():
    # A name without its file would show the sample's book the text for any company,
    # and a file no chapter names would be a story no book shows.
    named = [name for path in _chapters() for name in example_names(path.read_text(encoding="utf-8"))]
    assert len(named) == len(set(named)), "an example named by two blocks"
    # Every company's book has its QBR draft and its changes since the last run.
    assert sorted(set(named) - set(PUBLISHED_EXAMPLES)) == sorted(
        p.stem for p in BRIGHTLANE_EXAMPLES.glob("*.md"))
    assert len(named) == 60


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


#: The one worked example that the other company of the published books tells itself.
OWN_EXAMPLE = ("Our NPS of {{ customer_voice_nps }} runs from {{ customer_voice_nps_low }} to\n"
               "{{ customer_voice_nps_high }}, so we read no move of a point or two.\n")


def _with_own_example(root: Path) -> Path:
    """A copy of the book's sources in which the run's company tells one example."""
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "book", root / "book")
    folder = root / "book" / "examples" / company_slug(HOSTILE_COMPANY)
    folder.mkdir()
    (folder / "qbr-nps-interval.md").write_text(OWN_EXAMPLE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def books(sample_run, tmp_path_factory):
    """The HTML of the sample run's book (another company) and of its Brightlane copy.

    Keyed by company, then by page; and by company and " sources", then by file, the
    chapters' sources the site offers for download (``_sources/book``). The other
    company tells one example of its own (:data:`OWN_EXAMPLE`).
    """
    runs, result = sample_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path_factory.mktemp("company-books")
    (out / "other-root").mkdir()
    sites = {}
    for company, run, root in (
            ("other", runs / "latest", _with_own_example(out / "other-root")),
            ("Brightlane", _as_brightlane(runs / "latest", out / "brightlane-run"), ROOT)):
        built = cpo_kit("publish", run, "--out", out / company, "--root", root)
        assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]
        site = out / company / "_build" / "html"
        sites[company] = {str(p.relative_to(site)): p.read_text()
                          for p in site.rglob("*.html") if "_static" not in p.parts}
        sites[f"{company} sources"] = {str(p.relative_to(site)): p.read_text()
                                       for p in (site / "_sources" / "book").rglob("*")
                                       if p.is_file()}
    return sites


def test_the_company_is_the_one_the_notebooks_named(sample_run):
    runs, _ = sample_run
    assert run_company(runs / "latest") == HOSTILE_COMPANY
    assert substitutions(runs / "latest")["company"] == (
        r"Acme \<script\>alert\(\'pwned\'\)\<\/script\> \& \`Co\` \| \*Analytics\*")


def test_no_chapter_of_another_companys_book_names_the_sample_company(books):
    # The notebooks' pages show the run's data, here the sample's own tables. The
    # command-line reference names the samples only by the keys --company takes.
    chapters = {page: text for page, text in books["other"].items()
                if not page.startswith("notebooks/")}
    # The 52 pages of the table of contents, the index, search and genindex: the
    # examples are not pages of their own.
    assert len(chapters) == 55
    assert [page for page, text in chapters.items() if "Brightlane" in text] == []
    assert "--company {brightlane,tidewell}" in chapters["book/reference/cli.html"]
    # Named through {{ company }}, as text.
    assert "on <strong>Acme &lt;script&gt;alert(" in chapters["book/intro.html"]
    # Nor do the chapters' sources that the site offers for download.
    assert [page for page, text in books["other sources"].items()
            if "Brightlane" in text] == []


def test_a_company_tells_its_own_example_in_its_book(books):
    qbr = books["other"]["book/templates/qbr.html"]
    said = " ".join(re.sub(r"<[^>]+>", " ", qbr).split())
    # Its run's numbers, as the sample's story quotes the sample's.
    number = r"[−-]?\d[\d.,]*"
    assert re.search(rf"Our NPS of {number} runs from {number} to {number}, so we read no move "
                     r"of a point or two\.", said), said
    assert "often has a 95% interval 20 or 30 points wide" not in said
    # Every other example keeps the text for any company.
    assert "Three worked examples do this for Acme" in books["other"]["book/playbook/kpis.html"]


def test_the_qbr_example_is_the_runs_own_draft(books):
    said = " ".join(re.sub(r"<[^>]+>", " ", books["other"]["book/templates/qbr.html"]).split())
    said = html.unescape(said)
    # The company the run named, and the decisions its params file asks of the report.
    # As text (Sphinx curls its quotes), with the heading's link mark after it.
    assert ("Example: Acme <script>alert(‘pwned’)</script> & `Co` | *Analytics*, quarter "
            "ending 31 October 2026 # Drafted by cpo-kit run from the same run as the "
            "stakeholder report") in said
    assert ("Move two engineers from new features to the overdue roadmap items until they "
            "ship (recommended), or accept a quarter of slipped commitments.") in said
    # The report's KPIs and statuses (the sample's targets), and the run's quarter.
    assert "NPS (last 90 days) 30.0 21.6 R +1.2 since the previous period" in said
    assert "Activation (whole funnel) 20.0% 15.1% R −2.8 pts since the previous period" in said
    assert ("starting MRR $96,432 + new $13,247 + expansion $6,722 + reactivated $111 − "
            "contraction $373 − churned $1,338 = ending MRR $114,801") in said
    assert ("Shipped: SOC 2 evidence automation (2 days late); Support macros for top "
            "issues (on time).") in said
    # The template's text for a run without a draft is not shown.
    assert "This run has none" not in said


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


def test_an_example_that_quotes_a_number_the_run_lacks_gives_way_to_the_generic_text(tmp_path):
    (tmp_path / "pricing.md").write_text("Churn went from {{ pricing_churn_before }} to "
                                         "{{ pricing_churn_after }}.\n")
    page = "Intro\n```{company-example} pricing\nCompare churn before and after.\n```\n"
    assert resolve_company_examples(page, tmp_path, {"pricing_churn_before"}) == (
        "Intro\nCompare churn before and after.\n")
    assert resolve_company_examples(
        page, tmp_path, {"pricing_churn_before", "pricing_churn_after"}) == (
        "Intro\nChurn went from {{ pricing_churn_before }} to {{ pricing_churn_after }}.\n")


@pytest.mark.parametrize("value, shown", [
    (["Ship the watchdog before January, a sentence long enough to fold up."], "1 item"),
    (["First decision, written out at length", "Second decision, also long"], "2 items"),
    ({"risks": "one long sentence about the export rewrite and its only engineer"}, "1 entry"),
    ("2026-10-31", "`2026-10-31`"),
])
def test_a_long_parameter_is_shown_by_its_size_in_words_that_agree(value, shown):
    assert publish._shown(value) == shown


def _tagged_notebook(default: str) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_markdown_cell("# Pricing"),
             nbformat.v4.new_code_cell(f'price_change: str = {default}'),
             nbformat.v4.new_markdown_cell("## What did the last price change do?"),
             nbformat.v4.new_markdown_cell("### Did new accounts pay more?"),
             nbformat.v4.new_code_cell("print(price_change)"),
             nbformat.v4.new_markdown_cell("## Headline numbers")]
    cells[1].metadata["tags"] = ["parameters"]
    cells[3].metadata["tags"] = cells[4].metadata["tags"] = ["if-set-price_change"]
    return nbformat.v4.new_notebook(cells=cells)


#: A manifest as a run writes it, cut to what the page's run box reads.
MANIFEST = {"run": "2026-12-04-abc1234", "ended": "2026-12-04T21:00:00+00:00",
            "data": "/data/acme", "inputs": {}, "columns": {}}


@pytest.mark.parametrize("default, given, shown", [
    ('""', {}, ["# Pricing", "## What did the last price change do?", "## Headline numbers"]),
    ('""', {"price_change": "2025-09-01"},
     ["# Pricing", "## What did the last price change do?", "### Did new accounts pay more?",
      "print(price_change)", "## Headline numbers"]),
    ('"2025-09-01"', {}, ["# Pricing", "## What did the last price change do?",
                          "### Did new accounts pay more?", "print(price_change)",
                          "## Headline numbers"]),
])
def test_a_section_about_a_parameter_left_empty_is_left_off_the_page(default, given, shown):
    manifest = {**MANIFEST, "parameters": {"pricing": given}}
    page = publish.page_notebook(_tagged_notebook(default), manifest, "pricing")
    # The run box is inserted after the title.
    assert [c.source for c in page.cells if "About this run" not in c.source] == shown
