"""A Sphinx extension for the playbook: a book that works offline and is made from the code.

- MathJax is served from the book itself: Jupyter Book pages load it from a CDN
  by default, which fails for offline readers. The MathJax that the
  ``jupyter-server-mathjax`` package ships is copied into the site instead.
- The reference pages (metric glossary, data contract, command line) are written
  from the code before Sphinx reads the sources (:mod:`cpo_kit.book_reference`).
- Long tables can be sorted by a click on a column's heading, and pages print
  without the site's navigation (``book_static/``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from cpo_kit.notebooks import ROOT

MATHJAX_DIR = "mathjax"
STATIC = Path(__file__).with_name("book_static")
#: The sample company's tables, from which the data contract's example files are cut.
SAMPLE = ROOT / "data" / "sample"


def _mathjax_source() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _write_reference(app, config) -> None:
    from cpo_kit.book_reference import write_reference

    write_reference(Path(app.srcdir), SAMPLE)


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


def setup(app):
    # Before sphinx-external-toc reads _toc.yml, which lists the generated pages.
    app.connect("config-inited", _write_reference, priority=100)
    app.connect("builder-inited", _use_local_files)
    app.connect("build-finished", _copy_mathjax)
    app.connect("html-page-context", _without_thebe)
    app.config.html_static_path.append(str(STATIC))
    app.add_js_file("cpo-sortable.js")
    app.add_css_file("cpo-playbook.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
