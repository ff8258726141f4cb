"""A Sphinx extension for the playbook: a book that works offline and is made from the code.

- Each chart of a notebook's page has alt text that says what it shows
  (:func:`chart_alts`), not its file name.
- MathJax is served from the book itself: Jupyter Book pages load it from a CDN
  by default, which fails for offline readers. The MathJax that the
  ``jupyter-server-mathjax`` package ships is copied into the site instead.
- The reference pages (metric glossary, data contract, command line) are written
  from the code before Sphinx reads the sources (:mod:`cpo_kit.site.reference`).
- Long tables can be sorted by a click on a column's heading, tables wider than
  the screen scroll in a box of their own with a hint, and pages print without
  the site's navigation (``book_static/``).
- A chapter's worked example of one company is shown in that company's book
  only. The sample company's stories live in files of their own, under
  ``book/examples/<company>/``, which a chapter names in a ``{company-example}``
  block (:func:`resolve_company_examples`); ``{only}`` blocks that test a company
  tag are resolved too (:func:`resolve_company_blocks`).
- Every page ends with the date its source was last changed, from git
  (:func:`last_changed`), and a link to where feedback goes when
  ``cpo_feedback_url`` is set (:func:`page_footer`).
"""
from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import unicodedata
from binascii import a2b_base64
from pathlib import Path
from urllib.parse import quote, urlsplit

from docutils import nodes
from sphinx.util import logging

from cpo_kit.running.notebooks import ROOT

MATHJAX_DIR = "mathjax"
STATIC = Path(__file__).with_name("book_static")
#: The sample company's tables, from which the data contract's example files are cut.
SAMPLE = ROOT / "data" / "sample"
#: The sample company's name: the book's company when ``cpo_company`` is not set.
SAMPLE_COMPANY = "Brightlane"
#: The companies' own worked examples, under the book's sources: ``<slug>/<name>.md``.
EXAMPLES = Path("book") / "examples"
#: The opening line of a ``{only}`` block, fenced by backticks or colons.
_ONLY = re.compile(r"^(?P<fence>[ \t]*(?:`{3,}|:{3,}))\{only\}[ \t]+(?P<condition>.*?)[ \t]*$")
#: The opening line of a ``{company-example}`` block, fenced by backticks or colons.
_EXAMPLE = re.compile(r"^(?P<fence>[ \t]*(?:`{3,}|:{3,}))\{company-example\}"
                      r"(?:[ \t]+(?P<name>.*?))?[ \t]*$")
#: An example's name: the stem of a file in the company's folder, never a path.
_NAME = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")

logger = logging.getLogger(__name__)


#: A substitution a page quotes: ``{{ pricing_opp }}``.
_SUBSTITUTION = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def company_slug(name: str) -> str:
    """The company called ``name`` as a word of lowercase letters, digits and ``_``.

    Accents are dropped and every run of other characters becomes one
    underscore, so that any name gives a folder name and a Sphinx tag.

    Examples
    --------
    >>> company_slug("Brightlane")
    'brightlane'
    >>> company_slug("Café Tidewell & Co.")
    'cafe_tidewell_co'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def company_tag(name: str) -> str:
    """The Sphinx tag set in the book of the company called ``name``.

    Examples
    --------
    >>> company_tag("Brightlane")
    'company_brightlane'
    >>> company_tag("Café Tidewell & Co.")
    'company_cafe_tidewell_co'
    """
    return "company_" + company_slug(name)


def example_names(text: str) -> list[str]:
    """The names that the ``{company-example}`` blocks of ``text`` give, in order.

    Examples
    --------
    >>> example_names("```{company-example} qbr\\nAny company's.\\n```\\n")
    ['qbr']
    """
    return [opened["name"] or "" for line in text.splitlines()
            if (opened := _EXAMPLE.match(line))]


def resolve_company_examples(text: str, folder: Path | None,
                             known: set[str] | None = None) -> str:
    """``text`` with each ``{company-example}`` block resolved for one company.

    A block ``{company-example} NAME`` stands where a chapter tells a worked
    example with one company's names and numbers. It becomes the content of
    ``folder/NAME.md`` when the company has that file, and its own content, the
    text true of any company, otherwise. The file's lines take the indentation
    of the block's opening line and are read as part of the page, so an example
    may end a sentence the chapter began, and its substitutions are the run's.

    Parameters
    ----------
    text : str
        A page's source.
    folder : Path or None
        The company's examples, ``book/examples/<slug>`` (:func:`company_slug`);
        None, or a folder that does not exist, keeps every block's own text.
    known : set of str, optional
        The substitutions the run has. A company's example that quotes one the run
        lacks (its run left a notebook's section out, say) gives way to the block's
        own text, so the strict build does not fail on a number nobody computed.

    Returns
    -------
    str
        The source, with the example blocks resolved.

    Raises
    ------
    ValueError
        A block's name is not a file name of lowercase letters, digits, ``-``
        and ``_``, or the block is not closed by a fence like its opening one.
    """
    lines = text.splitlines(keepends=True)
    kept, number = [], 0
    while number < len(lines):
        opened = _EXAMPLE.match(lines[number].rstrip("\r\n"))
        if not opened:
            kept.append(lines[number])
            number += 1
            continue
        name = opened["name"] or ""
        if not _NAME.fullmatch(name):
            raise ValueError(f"line {number + 1}: the example name {name!r} is not a file name "
                             "of lowercase letters, digits, '-' and '_'")
        end = _closing(lines, number, opened["fence"])
        story = folder / f"{name}.md" if folder is not None else None
        told = story.read_text(encoding="utf-8") if story is not None and story.is_file() else ""
        if told and (known is None or set(_SUBSTITUTION.findall(told)) <= known):
            fence = opened["fence"]
            indent = fence[:len(fence) - len(fence.lstrip())]
            # Without its last line break, the file's last line would run into the page's next.
            told += "" if told.endswith("\n") else "\n"
            kept += [indent + line if line.strip() else "\n"
                     for line in told.splitlines(keepends=True)]
        else:
            kept += lines[number + 1:end]
        number = end + 1
    return "".join(kept)


def _closing(lines: list[str], number: int, fence: str) -> int:
    """The number of the line that closes the block opened on line ``number``."""
    end = next((n for n in range(number + 1, len(lines)) if lines[n].rstrip() == fence.rstrip()),
               None)
    if end is None:
        raise ValueError(f"line {number + 1}: the block {lines[number].strip()} is never closed "
                         f"by a line {fence.strip()}")
    return end


def resolve_company_blocks(text: str, holds) -> str:
    """``text`` with each ``{only}`` block that tests a company tag resolved.

    A block whose condition holds is replaced by its content, and one whose
    condition fails is dropped, before MyST reads the page. Sphinx's own
    ``{only}`` directive would drop it only after reading it, and the
    substitutions in another company's example name numbers that this
    company's run may not record: an unknown substitution fails the build.

    Parameters
    ----------
    text : str
        A page's source.
    holds : callable
        Whether a condition holds: ``app.tags.eval_condition``.

    Returns
    -------
    str
        The source, with the company blocks resolved; other ``{only}`` blocks
        are left to Sphinx.

    Raises
    ------
    ValueError
        A company block is not closed by a fence like its opening one (the same
        characters, as many, as far indented), on a line of its own.
    """
    lines = text.splitlines(keepends=True)
    kept, closing, skip_to = [], set(), 0
    for number, line in enumerate(lines):
        if number < skip_to or number in closing:
            continue
        opened = _ONLY.match(line.rstrip("\r\n"))
        if not opened or "company_" not in opened["condition"]:
            kept.append(line)
            continue
        end = _closing(lines, number, opened["fence"])
        if holds(opened["condition"]):
            closing.add(end)
        else:
            skip_to = end + 1
    return "".join(kept)


def _mathjax_source() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _add_company_tag(app, config) -> None:
    app.tags.add(company_tag(config.cpo_company))


def _write_reference(app, config) -> None:
    from cpo_kit.site.reference import write_reference

    # The sample company's book keeps the sample's rows; another company's shows
    # its own data's, or none when its run did not read a folder.
    sample = company_tag(config.cpo_company) == company_tag(SAMPLE_COMPANY)
    if sample:
        examples = SAMPLE
    elif config.cpo_data_dir and Path(config.cpo_data_dir).is_dir():
        examples = Path(config.cpo_data_dir)
    else:
        examples = None
    write_reference(Path(app.srcdir), examples, sample=sample)


def _resolve_company_blocks(app, docname, source) -> None:
    slug = company_slug(app.config.cpo_company)
    folder = Path(app.srcdir) / EXAMPLES / slug if slug else None
    names = example_names(source[0])
    try:
        text = resolve_company_examples(source[0], folder,
                                        set(app.config.myst_substitutions or {}))
        source[0] = resolve_company_blocks(text, app.tags.eval_condition)
    except ValueError as error:
        logger.warning(str(error), location=docname)
        return
    # A page is read again when one of its examples changes, in a build that keeps its
    # environment (jupyter-book build .); cpo-kit publish always starts afresh.
    for name in names if folder is not None else ():
        if (folder / f"{name}.md").is_file():
            app.env.note_dependency(str(folder / f"{name}.md"))


def chart_alts(notebook: dict) -> dict[str, str]:
    """The alt text of each chart of a notebook, by the SHA-256 of its PNG.

    A notebook's figures carry their description in their output's metadata
    (:func:`cpo_kit.plots.describe.register_alt_text`); myst-nb names each image
    file after the SHA-256 of its bytes, which ties the two together.

    Examples
    --------
    >>> chart_alts({"cells": [{"outputs": [{"data": {"image/png": "AAEC"},
    ...     "metadata": {"image/png": {"alt": "Line chart: MAU."}}}]}]})
    {'ae4b3280e56e2faf83f414a6e3dabe9d5fbe18976544c05fed121accb85b53fc': 'Line chart: MAU.'}
    """
    alts = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                data = png if isinstance(png, str) else "".join(png)
                alts[hashlib.sha256(a2b_base64(data)).hexdigest()] = alt
    return alts


def _set_chart_alts(app, doctree) -> None:
    """Give each chart of a notebook's page its description as alt text, not its file name."""
    source = Path(app.env.doc2path(app.env.docname))
    if source.suffix != ".ipynb":
        return
    alts = chart_alts(json.loads(source.read_text(encoding="utf-8")))
    for image in doctree.findall(nodes.image):
        alt = alts.get(Path(image["uri"]).stem)
        if alt:
            image["alt"] = alt


def _use_local_files(app) -> None:
    app.config.mathjax_path = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS_CHTML"
    # With an icon of its own, no browser asks the server for a /favicon.ico it lacks.
    app.config.html_favicon = str(STATIC / "cpo-favicon.svg")


def _copy_mathjax(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / MATHJAX_DIR
        if not (target / "MathJax.js").exists():
            shutil.copytree(_mathjax_source(), target, dirs_exist_ok=True)


def _without_thebe(app, pagename, templatename, context, doctree) -> None:
    """Drop Thebe's scripts, which Jupyter Book 1 adds twice to every page.

    The pages never run code in the browser (the book shows a run's outputs), and
    the second copy of Thebe's configuration is a script error in every page.
    """
    def thebe(asset) -> bool:
        body = getattr(asset, "attributes", {}).get("body", "")
        return "thebe" in str(getattr(asset, "filename", asset) or "") or "THEBE" in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not thebe(asset)]


def last_changed(path: str | Path) -> str | None:
    """Return the date of the last commit that changed a file.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    str or None
        The commit date as ``YYYY-MM-DD``; None when the file is not in a git
        checkout, is not committed, or git is missing.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name],
                              cwd=path.parent, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    date = done.stdout.strip()
    return date if done.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None


#: The book's page on sending feedback, where a page's link goes when no address is set.
FEEDBACK_PAGE = "book/reference/feedback"


def feedback_link(address: str, title: str) -> str:
    """Return where a page's feedback link points: ``address``, titled with the page.

    An e-mail (``mailto:``) gets the page's title as its subject, and an issue form
    (a URL ending in ``/issues/new``, as GitHub's and Gitea's) as the issue's title;
    any other address is used as given.

    >>> feedback_link("mailto:product@acme.example", "Roadmap & plan")
    'mailto:product@acme.example?subject=Feedback%20on%20%E2%80%9CRoadmap%20%26%20plan%E2%80%9D'
    >>> feedback_link("https://github.com/acme/book/issues/new", "Pricing")
    'https://github.com/acme/book/issues/new?title=Feedback%20on%20%E2%80%9CPricing%E2%80%9D'
    """
    subject = quote(f"Feedback on “{title}”", safe="")
    join = "&" if "?" in address else "?"
    if address.startswith("mailto:"):
        return f"{address}{join}subject={subject}"
    if urlsplit(address).path.rstrip("/").endswith("/issues/new"):
        return f"{address}{join}title={subject}"
    return address


def page_footer(date: str | None, feedback_url: str, *, title: str = "",
                guide: str = "") -> str:
    """Return the HTML that ends a page: when it was last reviewed, and where feedback goes.

    Parameters
    ----------
    date : str or None
        The date the page's source last changed; None shows no date.
    feedback_url : str
        Where readers send feedback (a web address or ``mailto:``); empty links
        to ``guide`` instead.
    title : str
        The page's title, which names the feedback (:func:`feedback_link`).
    guide : str
        The link to the book's page on sending feedback, relative to this page;
        empty (that page itself) shows no link when no address is set.

    Returns
    -------
    str
        A ``<p class="cpo-page-meta">``, or "" when there is nothing to show.
    """
    parts = []
    if date:
        parts.append(f"Last reviewed {html.escape(date)}.")
    link, text = ((feedback_link(feedback_url, title), "Send feedback on this page")
                  if feedback_url else (guide, "How to send feedback on this page"))
    if link:
        parts.append(f'<a class="cpo-feedback" href="{html.escape(link, quote=True)}">'
                     f"{text}</a>.")
    return f'<p class="cpo-page-meta">{" ".join(parts)}</p>' if parts else ""


def page_source(docname: str, root: Path = ROOT) -> Path:
    """Return the file in the checkout that a page of the book is made from.

    ``cpo-kit publish`` builds a copy of the sources, outside git; the page's
    file in the checkout is the one whose history counts. A notebook's page is
    made from its ``.md`` source (jupytext); generated pages are not committed,
    so :func:`last_changed` gives them no date.

    Parameters
    ----------
    docname : str
        The page's name, e.g. ``book/playbook/roadmap`` or ``notebooks/market``.
    root : Path
        The checkout.

    Returns
    -------
    Path
        ``<root>/<docname>.md``.
    """
    return root / f"{docname}.md"


def _add_page_footer(app, pagename, templatename, context, doctree) -> None:
    """End each page of the book with :func:`page_footer`."""
    if doctree is None or "body" not in context:
        return
    guide = ("" if pagename == FEEDBACK_PAGE
             else app.builder.get_relative_uri(pagename, FEEDBACK_PAGE))
    title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", "")))
    footer = page_footer(last_changed(page_source(pagename)), app.config.cpo_feedback_url,
                         title=title, guide=guide)
    if footer:
        context["body"] += footer


def setup(app):
    # Set by cpo-kit publish from the run: the company the notebooks named, and the
    # folder of tables the run read ("" for a database).
    app.add_config_value("cpo_company", SAMPLE_COMPANY, "env", types=[str])
    app.add_config_value("cpo_data_dir", "", "env", types=[str])
    # Where readers send feedback on a page, e.g. the repository's issue tracker.
    app.add_config_value("cpo_feedback_url", "", "html", types=[str])
    app.connect("config-inited", _add_company_tag)
    # Before sphinx-external-toc reads _toc.yml, which lists the generated pages.
    app.connect("config-inited", _write_reference, priority=100)
    app.connect("source-read", _resolve_company_blocks)
    app.connect("doctree-read", _set_chart_alts)
    app.connect("builder-inited", _use_local_files)
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _without_thebe)
    app.connect("html-page-context", _add_page_footer)
    app.config.html_static_path.append(str(STATIC))
    app.add_js_file("cpo-sortable.js")
    app.add_js_file("cpo-scroll.js")
    app.add_css_file("cpo-playbook.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
