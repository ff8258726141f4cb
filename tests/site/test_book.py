"""The published playbook: ``cpo-kit publish`` of a run, read as files and in a real browser.

The browser is Debian's Chromium (``.ci/run`` installs it), driven by Playwright
(the ``browser`` and ``page`` fixtures of ``conftest.py``), and the site is served
from a local HTTP server as a reader's would be.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, cpo_kit, serve, toc_pages

from cpo_kit.inputs.contract import TABLES
from cpo_kit.metrics import METRICS
from cpo_kit.running.notebooks import NOTEBOOKS


@pytest.fixture(scope="module")
def published(sample_run, tmp_path_factory):
    """The book of the sample run, published the way ``make playbook`` does."""
    runs, result = sample_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path_factory.mktemp("site")
    built = cpo_kit("publish", runs / "latest", "--out", out)
    return out, built


@pytest.fixture(scope="module")
def site(published) -> Path:
    out, built = published
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]
    return out / "_build" / "html"


def test_publish_builds_without_a_warning(published):
    out, built = published
    assert built.returncode == 0, built.stderr[-5000:]
    assert "WARNING" not in built.stdout + built.stderr
    assert built.stdout.endswith(f"The playbook is built: {out / '_build' / 'html' / 'index.html'}\n")


def test_the_book_opens_on_the_start_page(site):
    assert 'url=book/intro.html' in (site / "index.html").read_text()
    intro = (site / "book" / "intro.html").read_text()
    assert "<h1>The CPO Playbook" in intro


def test_every_page_of_the_table_of_contents_is_built(site):
    pages = toc_pages()
    assert len(pages) == 1 + 6 + 13 + len(NOTEBOOKS) + 4 + 14 + 4 + 10
    assert [p for p in pages if not (site / p).is_file()] == []


def test_no_internal_link_or_image_is_broken(site):
    broken = []
    ids = {}
    for page in site.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text()
        for ref in re.findall(r'<(?:a|img|link|script)\b[^>]*?(?:href|src)="([^"]+)"', text):
            ref = html.unescape(ref)
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith(("mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {ref}")
            elif parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text()))
                if parts.fragment not in ids[target]:
                    broken.append(f"{page.relative_to(site)}: {ref} (no such anchor)")
    assert broken == []


def test_no_page_loads_anything_from_the_network(site):
    for page in site.rglob("*.html"):
        sources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:[^"]+)"',
                             page.read_text())
        assert sources == [], page
    assert (site / "_static" / "mathjax" / "MathJax.js").is_file()


def test_the_changes_since_the_previous_run_link_each_notebook():
    import pandas as pd

    from cpo_kit.site.run_examples import changes_markdown

    frame = pd.DataFrame({
        "notebook": ["kpi_overview", "product_kpis", "product_kpis", "market"],
        "label": ["MRR", "Unusual weeks (last 12)", "Activation (whole funnel)", "Rivals"],
        "before": ["$106,947", "3", "17.9%", "n/a"], "after": ["$114,801", "5", "15.1%", "4"],
        "change": ["+$7,854", "+2", "−2.8 pts", ""], "changed": ["True", "True", "True", "True"]})
    # A number only one run has is not a change; the notebooks keep their order.
    assert changes_markdown(frame, previous="2026-09-30-a1b2c3d") == (
        "Since the previous run (2026\\-09\\-30\\-a1b2c3d), 3 of 3 headline numbers changed:\n\n"
        "- {ref}`nb-kpi-overview`: MRR \\$106\\,947 → \\$114\\,801 (\\+\\$7\\,854).\n"
        "- {ref}`nb-product-kpis`: Unusual weeks \\(last 12\\) 3 → 5 (\\+2); Activation "
        "\\(whole funnel\\) 17\\.9\\% → 15\\.1\\% (−2\\.8 pts).\n")
    assert changes_markdown(frame.assign(changed="False")) == (
        "Since the previous run, none of its 3 headline numbers changed.\n")
    # The KPIs whose status changed follow, linked to the report's scorecard.
    statuses = pd.DataFrame({"kpi": ["Weekly active users", "Logo churn per month"],
                             "before": ["red", "amber"], "after": ["amber", "green"]})
    assert changes_markdown(frame.assign(changed="False"), statuses=statuses) == (
        "Since the previous run, none of its 3 headline numbers changed.\n\n"
        "2 KPIs changed status in the {ref}`stakeholder report <nb-stakeholder-report>`'s "
        "scorecard:\n\n"
        "- Weekly active users: red → amber.\n"
        "- Logo churn per month: amber → green.\n")


def test_the_start_page_of_a_first_run_says_it_has_nothing_to_compare_with(site):
    page = (site / "book" / "intro.html").read_text()
    # The session's run has no run before it in its folder.
    assert "What changed since the previous run" in page
    assert "first complete run, or from one with nothing before" in page


def test_every_link_to_an_exercise_reads_its_title(site):
    links = [re.sub(r"<[^>]+>", "", text) for page in site.rglob("*.html")
             for text in re.findall(r'<a class="reference internal" href="[^"]*#ex-onb-\d+">(.*?)</a>',
                                    page.read_text())]
    # The table of exercises and the onboarding track's steps, each exercise by its title.
    assert "Exercise" not in links
    assert links.count("Net revenue retention above 100%") == 2
    assert links.count("NPS and its confidence interval") == 3


def test_a_notebook_page_shows_its_numbers_and_chart(site):
    page = (site / "notebooks" / "kpi_overview.html").read_text()
    assert "Headline KPIs at a glance" in page
    assert re.search(r">Monthly active users</td>\s*<td[^>]*>[\d,]+</td>", page)
    assert re.search(r'<img[^>]+src="\.\./_images/[0-9a-f]+\.png"', page)


def test_every_chart_says_in_its_alt_text_what_it_shows(site):
    alts = {path.stem: re.findall(r'<img alt="([^"]*)"[^>]*src="\.\./_images/', path.read_text())
            for path in (site / "notebooks").glob("*.html")}
    charts = [alt for found in alts.values() for alt in found]
    assert len(charts) >= 40
    kinds = ("Line chart", "Bar chart", "Heatmap", "Area chart", "Chart of points", "2 charts",
             "3 charts")
    assert [alt for alt in charts if not alt.startswith(kinds)] == []
    # Written from the run's data: the headline chart's line ends at the month's active users.
    assert alts["kpi_overview"][0].startswith(
        "2 charts. First: Line chart: Monthly active users. It covers ")
    assert "The line runs from 791 to 2,271." in alts["kpi_overview"][0]


def test_the_price_change_is_studied_on_the_page_of_a_run_that_names_one(site):
    page = (site / "notebooks" / "pricing.html").read_text()
    assert "Did new accounts pay more?" in page and "Did more paying customers leave?" in page
    # The sentence is in the cell's hidden source, but not among what it showed.
    assert "No price change is given (<code" not in page


def test_a_notebook_page_opens_with_the_run_it_comes_from(site, sample_run, sample_dir):
    runs, _ = sample_run
    manifest = json.loads((runs / "latest" / "manifest.json").read_text())
    page = (site / "notebooks" / "product_kpis.html").read_text()
    box = page[page.index("About this run"):]
    box = box[:box.index("</table>")]
    assert manifest["run"] in box
    assert "<code class=\"docutils literal notranslate\"><span class=\"pre\">sample</span>" in box
    assert re.search(r"Parameter <code[^>]*><span class=\"pre\">unusual_window</span></code>"
                     r"</p></td>\s*<td><p><code[^>]*><span class=\"pre\">6</span>", box)
    assert "2026-10-31" in box
    sha = manifest["inputs"]["events"]["sha256"][:8]
    assert f'<span class="pre">events.parquet</span></code> ({sha})' in box
    # Only the tables the notebook reads: product KPIs read the events alone.
    assert "mrr.csv" not in box and "accounts.csv" not in box
    assert re.search(r"Company</p></td>\s*<td><p><code[^>]*><span class=\"pre\">Acme</span>",
                     box)
    # The page opens with it: after the title and the question, before the first section.
    article = page[page.index('<article class="bd-article">'):]
    assert article.index("About this run") < article.index("<h2")
    # The injected cell, with this machine's paths, is not on the page.
    assert str(sample_dir) not in page and "injected-parameters" not in page


def test_a_company_name_full_of_markup_is_shown_as_text_on_every_page(site):
    pages = {p.relative_to(site): p.read_text() for p in site.rglob("*.html")}
    assert [p for p, text in pages.items() if "<script>alert(" in text] == []
    shown = "&lt;script&gt;alert("
    for page in ("notebooks/product_kpis.html", "notebooks/stakeholder_report.html",
                 "notebooks/kpi_overview.html"):
        assert shown in pages[Path(page)], page
    # The run box keeps the name whole, pipe included, in one cell.
    box = pages[Path("notebooks/pricing.html")]
    assert "<span class=\"pre\">|</span>" in box


def test_the_glossary_lists_every_metric_of_the_registry(site):
    page = html.unescape((site / "book" / "reference" / "glossary.html").read_text())
    for m in METRICS.values():
        assert f'id="metric-{m.name.replace("_", "-")}"' in page, m.name
        assert m.title in page and m.formula in page
    assert "NRR = MRR now of the cohort / MRR of the cohort N months before" in page


def test_the_data_contract_lists_every_column_and_offers_example_files(site):
    page = html.unescape((site / "book" / "reference" / "data_contract.html").read_text())
    for table in TABLES.values():
        assert f'<h2>{table.name}' in page
        for column in table.columns:
            assert f'<span class="pre">{column}</span>' in page, (table.name, column)
    links = re.findall(r'href="(\.\./\.\./_downloads/[0-9a-f]+/(\w+)\.csv)"', page)
    assert sorted(name for _, name in links) == sorted(TABLES)
    accounts = dict((name, link) for link, name in links)["accounts"]
    rows = (site / "book" / "reference" / accounts).resolve().read_text().splitlines()
    assert rows[0].startswith("account_id,name,segment,")
    assert len(rows) == 1 + 20


def test_the_cli_reference_is_the_commands_own_help(site):
    page = html.unescape((site / "book" / "reference" / "cli.html").read_text())
    for command in ("validate", "sample", "run", "publish"):
        assert f"usage: cpo-kit {command}" in page
    assert "--jobs N" in page and "notebooks run at once" in page


@pytest.mark.parametrize("given", ["folder", "file"])
def test_publishing_a_folder_that_is_not_a_run_is_refused(tmp_path, given):
    run = tmp_path
    if given == "file":
        run = tmp_path / "notes.txt"
        run.write_text("not a run\n")
    result = cpo_kit("publish", run, "--out", tmp_path / "site")
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {run}: not a run folder (it has no "
                             "manifest.json); make one with cpo-kit run\n")
    assert not (tmp_path / "site").exists()


def test_publishing_a_partial_run_is_refused(sample_run, tmp_path):
    runs, _ = sample_run
    run = tmp_path / "run"
    shutil.copytree(runs / "latest", run)
    manifest = json.loads((run / "manifest.json").read_text())
    del manifest["notebooks"]["pricing"]
    (run / "manifest.json").write_text(json.dumps(manifest))
    result = cpo_kit("publish", run, "--out", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {run}: the book needs every notebook, and this run "
                             "lacks pricing; run them without --only\n")
    assert not (tmp_path / "_build").exists()


def test_a_run_in_which_a_notebook_failed_is_published_with_a_page_that_says_so(sample_run,
                                                                              tmp_path):
    runs, _ = sample_run
    run = tmp_path / "run"
    shutil.copytree(runs / "latest", run)
    # As a failed notebook leaves it: an error, and no headline numbers.
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["notebooks"]["pricing"].update(
        status="failed", error="cell 5: KeyError: 'willingness'")
    manifest["notebooks"]["stakeholder_report"]["notes"] = ["no PDF of the stakeholder report"]
    (run / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(run / "pricing_results")
    result = cpo_kit("publish", run, "--out", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-2:] == [
        "pricing failed on this run, and its page says so: cell 5: KeyError: 'willingness'",
        "Note from stakeholder_report: no PDF of the stakeholder report"]
    site = tmp_path / "_build" / "html"
    page = _text(site / "notebooks" / "pricing.html")
    assert "Pricing: what customers would pay, and what the last change did" in page
    assert "The question: what price range do buyers find acceptable" in page
    assert ("This notebook failed on this run None of its results are on this page, and "
            "the chapters that quote its numbers say so. It stopped with: cell 5: "
            "KeyError: 'willingness' .") in page
    assert "An Exception was encountered" not in page and "What would buyers pay?" not in page
    # The other notebooks' pages are whole.
    assert "What it shows for" in _text(site / "notebooks" / "revenue_health.html")


def test_a_chapter_quoting_a_number_of_a_failed_notebook_says_it_is_not_known(sample_run,
                                                                              tmp_path):
    from cpo_kit.site.publish import quoted_keys, substitutions

    runs, _ = sample_run
    wanted = quoted_keys(ROOT / "book")
    assert {"revenue_health_cac_payback", "revenue_health_nrr_t12m"} <= wanted
    values = substitutions(runs / "latest", failed={"revenue_health": "cell 2: Oops"},
                           wanted=wanted)
    assert values["revenue_health_cac_payback"] == (
        r"\(not known\: the revenue\_health notebook failed on this run\)")
    assert values["pricing_opp"] != values["revenue_health_cac_payback"]


def test_a_failed_page_keeps_the_opening_and_drops_what_ran():
    import nbformat

    from cpo_kit.site.publish import failed_page

    new = nbformat.v4
    notebook = new.new_notebook(cells=[
        new.new_markdown_cell("An Exception was encountered at In [3].",
                              metadata={"tags": ["papermill-error-cell-tag"]}),
        new.new_markdown_cell("(nb-team)=\n# Team\n\n**The question:** who can do what?"),
        new.new_code_cell("team_size: int = 8  # people", metadata={"tags": ["parameters"]}),
        new.new_code_cell("1 / 0"),
        new.new_markdown_cell("## What it shows"),
    ])
    manifest = {"run": "2026-12-01-abcdef0", "ended": "2026-12-01T10:00:00+00:00",
                "data": "/srv/acme", "parameters": {"team": {}}, "inputs": {}}
    page = failed_page(notebook, manifest, "team", "cell 3: ZeroDivisionError: division by zero")
    sources = [c.source for c in page.cells]
    assert sources[0] == "(nb-team)=\n# Team\n\n**The question:** who can do what?"
    assert sources[1].startswith(":::{admonition} About this run")
    assert "| Period end |" not in sources[1] and "| Data | `acme` |" in sources[1]
    assert sources[2] == (
        ":::{admonition} This notebook failed on this run\n:class: error\n\nNone of its "
        "results are on this page, and the chapters that quote its numbers say so. It stopped "
        "with: `cell 3: ZeroDivisionError: division by zero`. The executed notebook, "
        "`team.ipynb` in the run's folder, shows the cell where it stopped. Correct the "
        "cause, then run it again: `cpo-kit run` with the same data and parameters.\n:::\n")
    assert len(sources) == 3


def _text(path) -> str:
    """A page's text as a reader reads it, each run of spaces and line breaks one space."""
    from bs4 import BeautifulSoup

    article = BeautifulSoup(path.read_text(), "html.parser").select_one("article")
    return " ".join(article.get_text(" ").split())


def test_publishing_a_run_with_a_file_missing_is_refused(sample_run, tmp_path):
    runs, _ = sample_run
    run = tmp_path / "run"
    shutil.copytree(runs / "latest", run)
    (run / "team.ipynb").unlink()
    (run / "market_results" / "headline.json").unlink()
    result = cpo_kit("publish", run, "--out", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {run}: files of the run are missing: team.ipynb, "
                             "market_results/headline.json\n")


def test_publishing_with_a_root_that_holds_no_book_is_refused(sample_run, tmp_path):
    runs, _ = sample_run
    result = cpo_kit("publish", runs / "latest", "--out", tmp_path, "--root", tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"cpo-kit: {tmp_path}: no _config.yml here, so not the "
                             "playbook's sources (give their folder with --root)\n")


def test_a_failed_build_leaves_the_published_site_as_it_was(sample_run, site, tmp_path):
    runs, _ = sample_run
    root = tmp_path / "sources"
    root.mkdir()
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "book", root / "book")
    intro = root / "book" / "intro.md"
    intro.write_text(intro.read_text() + "\nSee {ref}`a-label-nobody-defined`.\n")
    out = tmp_path / "out"
    shutil.copytree(site, out / "_build" / "html")
    before = {p: p.read_bytes() for p in (out / "_build" / "html").rglob("*") if p.is_file()}
    result = cpo_kit("publish", runs / "latest", "--out", out, "--root", root)
    assert result.returncode == 1
    assert "a-label-nobody-defined" in result.stdout + result.stderr
    assert result.stderr.endswith("cpo-kit: the book build failed; its messages are above\n")
    after = {p: p.read_bytes() for p in (out / "_build" / "html").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in (out / "_build").iterdir()) == ["html"]


# --- In a real browser -------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    with serve(site) as address:
        yield address


def test_every_page_loads_with_no_console_error_and_every_image_shows(page, server):
    for path in toc_pages():
        page.goto(f"{server}/{path}", wait_until="load")
        assert page.locator("article h1").first.is_visible(), path
        unloaded = page.evaluate(
            "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.src)")
        assert unloaded == [], path
        assert page.problems == [], path


def test_the_notebook_pages_show_their_charts(page, server):
    page.goto(f"{server}/notebooks/product_kpis.html", wait_until="load")
    sizes = page.evaluate("Array.from(document.querySelectorAll('article img'))"
                          ".map(i => i.naturalWidth)")
    assert len(sizes) >= 5 and min(sizes) >= 300


def test_search_for_retention_finds_the_kpi_notebook(page, server):
    page.goto(f"{server}/search.html?q=retention", wait_until="load")
    results = page.locator("#search-results a")
    results.first.wait_for(timeout=15000)
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(h.startswith("notebooks/product_kpis.html") for h in hrefs), hrefs
    assert page.problems == []


def test_an_exercise_solution_opens_on_a_click(page, server):
    page.goto(f"{server}/book/onboarding/exercises.html", wait_until="load")
    solution = page.locator(".solution.dropdown").first
    body = solution.locator(".solution-content, section, p").last
    assert not body.is_visible()
    solution.locator(".toggle-button").click()
    body.wait_for(state="visible", timeout=5000)
    assert body.is_visible()


def test_the_start_page_links_to_each_part(page, server):
    page.goto(f"{server}/book/intro.html", wait_until="load")
    targets = {"The role": "role/index.html", "The playbook": "playbook/index.html",
               "Templates": "templates/index.html", "Onboarding": "onboarding/index.html",
               "Worked examples": "../notebooks/kpi_overview.html",
               "Reference": "reference/rerun.html"}
    hrefs = page.locator("article a.reference.internal").evaluate_all(
        "links => links.map(a => a.getAttribute('href').split('#')[0])")
    assert set(targets.values()) <= set(hrefs)
    page.locator("article a.reference.internal[href^='playbook/index.html']").first.click()
    page.wait_for_url("**/book/playbook/index.html*")
    assert page.locator("article h1").first.inner_text().startswith("How the playbook is organised")


def test_a_long_table_sorts_by_a_click_on_its_heading(page, server):
    page.goto(f"{server}/book/reference/data_contract.html", wait_until="load")
    table = page.locator("section#accounts table.cpo-sortable")
    first_column = "rows => rows.map(r => r.cells[0].textContent.trim())"
    before = table.locator("tbody tr").evaluate_all(first_column)
    assert before[0] == "account_id" and len(before) >= 8
    table.locator("thead th").first.click()
    assert table.locator("tbody tr").evaluate_all(first_column) == sorted(before)
    table.locator("thead th").first.click()
    assert table.locator("tbody tr").evaluate_all(first_column) == sorted(before, reverse=True)


def test_a_chapter_prints_without_the_site_around_it(page, server):
    page.goto(f"{server}/book/playbook/kpis.html", wait_until="load")
    assert page.locator(".bd-sidebar-primary").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".bd-sidebar-primary").is_visible()
    assert not page.locator(".bd-header").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


#: What a reader's screen shows of every page, measured in the browser: how far the page
#: reaches beyond the screen, text that sticks out of the page or is clipped where it
#: cannot scroll, and the boxes whose tables scroll with, or without, their hint.
LAYOUT = """() => {
  const screen = document.documentElement.clientWidth;
  const inBox = e => e.closest('.cpo-scroll, .pst-scrollable-table-container, pre, mjx-container');
  const out = {wider: document.documentElement.scrollWidth - screen, beyond: [], clipped: [],
               boxes: 0, silent: []};
  for (const e of document.querySelectorAll('article *')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(e);
    const sticksOut = style.overflowX === 'visible' && e.scrollWidth > e.clientWidth + 1;
    if ((box.right > screen + 1 || sticksOut) && !inBox(e))
      out.beyond.push(e.tagName + ' ' + e.textContent.slice(0, 40));
    if (style.overflowX === 'hidden' && e.scrollWidth > e.clientWidth + 1 && !inBox(e))
      out.clipped.push(e.tagName + ' ' + e.textContent.slice(0, 40));
  }
  for (const e of document.querySelectorAll('article .cpo-scroll, article .pst-scrollable-table-container')) {
    if (e.scrollWidth <= e.clientWidth + 1) continue;
    out.boxes += 1;
    const hint = e.previousElementSibling;
    if (!hint || !hint.classList.contains('cpo-scroll-hint') || hint.hidden) out.silent.push(e.textContent.slice(0, 40));
  }
  return out;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_scrolls_sideways_and_a_wide_table_says_it_scrolls(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found, wide_tables = {}, 0
    for path in toc_pages():
        page.goto(f"{server}/{path}", wait_until="load")
        layout = page.evaluate(LAYOUT)
        wide_tables += layout["boxes"]
        problems = {k: layout[k] for k in ("beyond", "clipped", "silent") if layout[k]}
        if layout["wider"] > 0 or problems:
            found[path] = (layout["wider"], problems)
    context.close()
    assert found == {}
    # On a phone many tables are wider than the screen; each says it scrolls.
    if width == 390:
        assert wide_tables >= 20


@pytest.mark.parametrize("width, drawn, hinted", [(390, 640, True), (1280, None, False)])
def test_a_chart_keeps_a_readable_width_on_a_phone(browser, server, width, drawn, hinted):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/notebooks/product_kpis.html", wait_until="load")
    charts = page.evaluate("""() => [...document.querySelectorAll('article .cpo-chart')].map(
        box => ({image: box.querySelector('img').getBoundingClientRect().width,
                 box: box.clientWidth, hint: box.previousElementSibling.textContent,
                 shown: !box.previousElementSibling.hidden}))""")
    context.close()
    # Every chart of the page is boxed: the WAU and stickiness pair, the lifecycle, ...
    assert len(charts) >= 5
    assert {c["hint"] for c in charts} == {"Wider than the screen: scroll the chart sideways →"}
    # On a phone each is drawn 640 px wide in a narrower box that says it scrolls; on a
    # desktop each fits its column and says nothing.
    assert {c["shown"] for c in charts} == {hinted}
    if drawn:
        assert {round(c["image"]) for c in charts} == {drawn}
        assert max(c["box"] for c in charts) < drawn
    else:
        assert all(c["image"] <= c["box"] for c in charts)


def test_a_page_shows_when_its_source_last_changed_and_where_feedback_goes(site):
    from cpo_kit.site.book_ext import last_changed, page_source

    page = (site / "book" / "playbook" / "roadmap.html").read_text()
    date = last_changed(page_source("book/playbook/roadmap"))
    # The tests run in a git checkout, where the chapter is committed.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or "")
    assert f"Last reviewed {date}." in page
    # Published without --feedback: the link leads to the book's page on sending feedback,
    # which has no link to itself.
    assert ('<a class="cpo-feedback" href="../reference/feedback.html">How to send feedback '
            "on this page</a>") in page
    assert "cpo-feedback" not in (site / "book" / "reference" / "feedback.html").read_text()
