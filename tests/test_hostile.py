"""Hostile content: company strings full of markup are text everywhere they are shown.

Every free-text column of the sample company (account names, survey comments,
feedback, competitor names, OKR titles, product and initiative names) gets a
payload of HTML, JavaScript, Markdown and a broken formula. The whole playbook runs
on it and is published; no page may then run a script from the data, load an image
it names, or fail to build.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import cpo_kit, serve, toc_pages

#: What a hostile or careless export could hold: a script, an image whose error
#: handler runs script, Markdown emphasis and a link, and the start of a formula.
PAYLOAD = ('<script>window.__pwned=1</script><img src="x" onerror="window.__pwned=1"> '
           '**loud** [click](javascript:window.__pwned=1) $\\frac{')
#: Free-text columns, by table; rows are left as they are but for these.
COLUMNS = {"accounts": ["name", "industry"], "surveys": ["comment"],
           "feedback": ["theme", "text"], "okrs": ["objective", "key_result", "owner"],
           "products": ["name"], "initiatives": ["title"]}


@pytest.fixture(scope="module")
def hostile_site(sample_dir, tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile-data")
    for path in sample_dir.iterdir():
        if path.stem in COLUMNS or path.stem == "competitors":
            continue
        (data / path.name).symlink_to(path)
    for table, columns in COLUMNS.items():
        frame = pd.read_csv(sample_dir / f"{table}.csv", dtype=str, keep_default_na=False)
        for column in columns:
            filled = frame[column] != ""
            frame.loc[filled, column] = frame.loc[filled, column] + " " + PAYLOAD
        frame.to_csv(data / f"{table}.csv", index=False)
    rivals = pd.read_csv(sample_dir / "competitors.csv", dtype=str, keep_default_na=False)
    ours = rivals["competitor"] == "Brightlane"
    rivals.loc[~ours, "competitor"] = rivals.loc[~ours, "competitor"] + " " + PAYLOAD
    rivals["feature"] = rivals["feature"] + " <b>" + PAYLOAD[:8]
    rivals.to_csv(data / "competitors.csv", index=False)
    out = tmp_path_factory.mktemp("hostile-run")
    run = cpo_kit("run", data, "--out", out / "runs")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    published = cpo_kit("publish", out / "runs" / "latest", "--out", out)
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    return out / "_build" / "html", out / "runs" / "latest"


def test_the_payload_reaches_the_pages_as_text(hostile_site):
    site, _ = hostile_site
    pages = {p.relative_to(site).as_posix(): p.read_text() for p in site.rglob("*.html")}
    escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    for page in ("notebooks/strategy.html", "notebooks/roadmap.html",
                 "notebooks/customer_voice.html", "notebooks/market.html"):
        assert escaped in pages[page], page
    live = [name for name, text in pages.items()
            if "<script>window.__pwned" in text or re.search(r'<img[^>]*src="x"', text)]
    assert live == []


def test_no_script_from_the_data_runs_in_any_page(hostile_site, page):
    site, _ = hostile_site
    with serve(site) as address:
        for path in toc_pages():
            page.goto(f"{address}/{path}", wait_until="load")
            assert page.evaluate("window.__pwned") is None, path
            assert page.locator('img[src="x"]').count() == 0, path
            assert page.problems == [], path


def test_the_report_and_its_files_show_the_payload_as_text(hostile_site):
    _, run = hostile_site
    report = (run / "stakeholder_report.html").read_text()
    assert "<script>window" not in report and not re.search(r'<img[^>]*src="x"', report)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in report
