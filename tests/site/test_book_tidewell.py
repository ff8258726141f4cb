"""Tidewell's own book: true for Tidewell, in its currency, with nothing of Brightlane's.

``make test`` runs every notebook on the second sample company (``tidewell_run``) and
publishes its book, as a Tidewell product leader would. The company's own amounts are on
the notebook pages (and in the chapters, through substitutions written in the run's
currency): none of them may be in a currency but the euro. The chapters' teaching
examples ("a plan at $50 a seat") are nobody's figures and may keep theirs.
"""
from __future__ import annotations

import re

import pytest
from conftest import ROOT, cpo_kit

EXPECTED = ROOT / "tests" / "expected"

#: An amount written in a currency other than the euro: $12, US$ 4, USD 12, £3.
FOREIGN_AMOUNT = re.compile(r"(?:US)?\$\s?\d|\bUSD\s?\d|£\s?\d")


@pytest.fixture(scope="module")
def tidewell_site(tidewell_run, tmp_path_factory):
    runs, result = tidewell_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path_factory.mktemp("tidewell-site")
    built = cpo_kit("publish", runs / "latest", "--out", out)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out / "_build" / "html"


def _pages(site):
    for page in sorted(site.rglob("*.html")):
        if "_static" not in page.parts:
            yield page.relative_to(site).as_posix(), _text(page.read_text())


def _text(html: str) -> str:
    """The words a reader sees: tags, scripts and styles left out."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_no_page_of_tidewells_book_names_brightlane(tidewell_site):
    assert [path for path, text in _pages(tidewell_site) if "Brightlane" in text] == []


def test_tidewells_amounts_are_in_euros_only(tidewell_site):
    foreign = {path: FOREIGN_AMOUNT.findall(text) for path, text in _pages(tidewell_site)
               if path.startswith("notebooks/")}
    assert len(foreign) == 11
    assert {path: found for path, found in foreign.items() if found} == {}
    kpis = (tidewell_site / "notebooks" / "kpi_overview.html").read_text()
    assert "€2,788" in kpis and "Tidewell" in kpis


def _brightlane_figures() -> dict[str, bool]:
    """Brightlane's headline numbers of four digits or more, without their currency, and
    whether each is an amount: {"114,801": True} for "$114,801", {"2,271": False} for
    its 2,271 active users. Shorter ones (a 1.9% churn) could be anyone's."""
    figures = {}
    for stored in (EXPECTED / "brightlane").glob("*.txt"):
        for line in stored.read_text().splitlines():
            shown = line.split()[-1]
            for figure in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", shown):
                figures[figure] = "$" in shown
    return figures


def _quotes(text: str, figure: str, *, amount: bool) -> bool:
    """Whether ``text`` holds ``figure``: an amount in any currency, a count without one
    (Tidewell's €2,271 is not Brightlane's 2,271 users)."""
    before = r"(?<![\d,.])" if amount else r"(?<![\d,.€$£])"
    return re.search(rf"{before}{re.escape(figure)}(?![\d,])", text) is not None


@pytest.mark.parametrize("text, figure, amount, found", [
    ("ending MRR €114,801.", "114,801", True, True),
    ("ending MRR $114,801.", "114,801", True, True),
    ("ending MRR €2,114,801.", "114,801", True, False),
    ("2,271 monthly users", "2,271", False, True),
    ("a forecast of €2,271", "2,271", False, False),
])
def test_a_quoted_figure_is_found_by_its_digits_and_kind(text, figure, amount, found):
    assert _quotes(text, figure, amount=amount) is found


def test_brightlanes_figures_are_known_to_the_check():
    figures = _brightlane_figures()
    assert (figures["114,801"], figures["1,377,610"], figures["2,271"]) == (True, True, False)


def test_no_page_of_tidewells_book_quotes_a_brightlane_figure(tidewell_site):
    figures = _brightlane_figures()
    quoted = {path: sorted(f for f, amount in figures.items()
                           if _quotes(text, f, amount=amount))
              for path, text in _pages(tidewell_site)}
    assert {path: found for path, found in quoted.items() if found} == {}


def test_tidewells_product_page_flags_the_incident_per_attempt(tidewell_site):
    page = _text((tidewell_site / "notebooks" / "product_kpis.html").read_text())
    assert "Funnel conversion, every attempt" in page
    assert "14 Sep 2026" in page


def test_without_a_price_change_the_pricing_page_says_so_and_shows_no_empty_section(
        tidewell_site):
    html = (tidewell_site / "notebooks" / "pricing.html").read_text()
    assert "No price change is given (<code" in html
    page = _text(html)
    assert "Did new accounts pay more?" not in page
    assert "a higher median after the change" not in page
