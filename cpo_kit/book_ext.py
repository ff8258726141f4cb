"""A Sphinx extension for the playbook: MathJax served from the book itself.

Jupyter Book pages load MathJax from a CDN by default, which fails for offline
readers. This extension copies the MathJax that the ``jupyter-server-mathjax``
package ships into the built site and points the pages at it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

MATHJAX_DIR = "mathjax"


def _mathjax_source() -> Path:
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def _use_local_mathjax(app) -> None:
    app.config.mathjax_path = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS_CHTML"


def _copy_mathjax(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / MATHJAX_DIR
        if not (target / "MathJax.js").exists():
            shutil.copytree(_mathjax_source(), target, dirs_exist_ok=True)


def setup(app):
    app.connect("builder-inited", _use_local_mathjax)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
