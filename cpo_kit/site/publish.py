"""Publishing a run: the Jupyter Book of one run's executed notebooks.

``cpo-kit publish RUN_DIR`` builds the playbook from a run folder written by
``cpo-kit run``, without executing anything again. The book's sources
(``_config.yml``, ``_toc.yml``, ``book/``) are copied with the run's notebooks
into a staging folder, each notebook page opening with the run's parameters and
data sources in place of the cell papermill injected. The site replaces the
previous one only once the strict build (warnings are errors) has succeeded.

A run in which some notebooks failed is published too: each failed notebook's
page keeps its question and says that it failed on this run and why, in place of
results it does not have, and a chapter quoting one of its numbers says that the
number is missing and why.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import nbformat
import yaml

from cpo_kit.core import formats
from cpo_kit.core.errors import PublishError
from cpo_kit.core.files import made_folder
from cpo_kit.core.formats import format_value
from cpo_kit.core.text import markdown_literal
from cpo_kit.inputs.contract import TABLES
from cpo_kit.running.notebooks import NOTEBOOKS, ROOT
from cpo_kit.site.book_ext import EXAMPLES, SAMPLE_COMPANY
from cpo_kit.site.run_examples import write_run_examples

#: The runner's own parameters: paths on the machine that ran, not choices worth showing.
NOT_SHOWN = ("data_dir", "results_dir", "data_checked")




def publish_run(run_dir: str | Path, *, out: str | Path = ".", root: Path = ROOT,
                progress: bool = False, feedback: str = "") -> Path:
    """Build the playbook of the run in ``run_dir`` into ``out/_build/html``.

    Parameters
    ----------
    run_dir : str or Path
        A run of every notebook (``runs/latest`` or ``runs/<date>-<hash>``); the
        pages of notebooks that failed in it say so.
    out : str or Path
        The site goes to ``out/_build/html``, replacing the one there only once
        the new one is built.
    root : Path
        The folder holding the book's sources: ``_config.yml``, ``_toc.yml`` and ``book/``.
    progress : bool
        Show Sphinx's progress (the build's own messages); otherwise only warnings.
    feedback : str
        Where readers send feedback on a page (a web address or ``mailto:``); every
        page links to it. Empty: to the book's page on sending feedback.

    Returns
    -------
    Path
        The built book's ``index.html``.

    Raises
    ------
    PublishError
        ``run_dir`` is not a run of every notebook, or files of it are missing
        (exit status 2), or the book failed to build (exit status 1).
    """
    run, root = Path(run_dir), Path(root)
    manifest = read_manifest(run)
    if not (root / "_config.yml").is_file():
        raise PublishError(f"{root}: no _config.yml here, so not the playbook's sources "
                           "(give their folder with --root)")
    target = Path(out).resolve() / "_build" / "html"
    try:
        return _publish(run, manifest, root, target, progress=progress, feedback=feedback)
    except OSError as error:
        # The staging folder is gone with its context; the site in place is as it was.
        name = error.filename and Path(error.filename).resolve()
        if name and name.is_relative_to(run.resolve()):
            raise PublishError(f"{error.filename}: cannot be read "
                               f"({error.strerror or error})") from None
        raise PublishError(f"{out}: the book cannot be written here "
                           f"({error.strerror or error}); give another --out") from None


#: Files outside book/ that pages show with literalinclude, relative to the root.
SHOWN_FILES = ("deploy/github-actions.yml", "scripts/refresh-playbook")


def _publish(run: Path, manifest: dict, root: Path, target: Path, *, progress: bool,
             feedback: str) -> Path:
    """Build the book in a staging folder beside ``target``, then put it in its place."""
    with made_folder(target.parent), tempfile.TemporaryDirectory(
            prefix=".publishing-", dir=target.parent) as staging:
        staging = Path(staging)
        shutil.copy(root / "_toc.yml", staging / "_toc.yml")
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
        failed = failures(manifest)
        config.setdefault("parse", {})["myst_substitutions"] = substitutions(
            run, failed=failed, wanted=quoted_keys(root / "book"),
            whole=set(manifest.get("inputs", {})) >= set(TABLES))
        # The company picks the chapters' worked examples (cpo_kit.site.book_ext); its data
        # folder gives the data contract's example rows.
        data = Path(manifest["data"])
        config.setdefault("sphinx", {}).setdefault("config", {}).update(
            cpo_company=run_company(run),
            cpo_data_dir=str(data) if data.is_dir() else "",
            **({"cpo_feedback_url": feedback} if feedback else {}))
        (staging / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                             encoding="utf-8")
        shutil.copytree(root / "book", staging / "book")
        if "stakeholder_report" not in failed:
            write_run_examples(run / "stakeholder_report_results", staging / EXAMPLES,
                               run_company(run))
        # book/reference/schedule.md shows these files as they are (literalinclude): the
        # root's own, else the playbook's, for a root that holds only the book's sources.
        for shown in SHOWN_FILES:
            source = root / shown if (root / shown).is_file() else ROOT / shown
            (staging / shown).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, staging / shown)
        (staging / "notebooks").mkdir()
        for name in NOTEBOOKS:
            notebook = nbformat.read(run / f"{name}.ipynb", as_version=4)
            page = (failed_page(notebook, manifest, name, failed[name]) if name in failed
                    else page_notebook(notebook, manifest, name))
            nbformat.write(page, staging / "notebooks" / f"{name}.ipynb")
        _build(staging, progress=progress)
        _replace(staging / "_build" / "html", target)
    return target / "index.html"


def read_manifest(run: Path) -> dict:
    """The run's manifest, once it is known to hold every notebook and their files.

    A notebook that failed needs only its executed notebook: its results were
    never written.
    """
    try:
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        statuses = {name: n["status"] for name, n in manifest["notebooks"].items()}
    except (FileNotFoundError, NotADirectoryError):
        raise PublishError(f"{run}: not a run folder (it has no manifest.json); "
                           "make one with cpo-kit run") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise PublishError(f"{run / 'manifest.json'}: cannot be read ({error})") from None
    missing = [name for name in NOTEBOOKS if name not in statuses]
    if missing:
        raise PublishError(f"{run}: the book needs every notebook, and this run lacks "
                           f"{', '.join(missing)}; run them without --only")
    lost = [f"{name}.ipynb" for name in NOTEBOOKS if not (run / f"{name}.ipynb").is_file()]
    lost += [f"{name}_results/headline.json" for name in NOTEBOOKS
             if statuses[name] == "ok"
             and not (run / f"{name}_results" / "headline.json").is_file()]
    if lost:
        raise PublishError(f"{run}: files of the run are missing: {', '.join(lost)}")
    return manifest


def failures(manifest: dict) -> dict[str, str]:
    """The notebooks that failed in the run, each with the error it ended with."""
    return {name: n.get("error") or "no error was recorded"
            for name, n in manifest["notebooks"].items() if n["status"] != "ok"}


#: A substitution as a chapter writes it: ``{{ pricing_opp }}``.
_QUOTED = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def quoted_keys(book: Path) -> set[str]:
    """The substitutions the chapters under ``book`` quote."""
    return {key for path in book.rglob("*.md")
            for key in _QUOTED.findall(path.read_text(encoding="utf-8"))}


def substitutions(run: Path, *, failed: dict[str, str] | None = None,
                  wanted: set[str] = frozenset(), whole: bool = True) -> dict[str, str]:
    """The run's headline numbers, for the chapters to quote: ``{{ pricing_opp }}``.

    A chapter that cites a number of the worked examples writes it as a
    substitution, so the book never disagrees with its notebooks and a company's
    own playbook quotes its own numbers. A key that no notebook records fails the
    strict build. ``{{ company }}`` is the company's name.

    A notebook in ``failed`` recorded nothing: each key of ``wanted`` (the keys
    the chapters quote) that belongs to it reads that the number is missing and why.
    When the run's data is not ``whole`` (it lacks tables of the contract, as an
    import of one tool's events does), a key a notebook did not record reads that
    the data lacked what it needs; with every table there, such a key is a mistake
    of the chapter's and fails the build.
    """
    failed = failed or {}
    values = {"company": markdown_literal(run_company(run))}
    for name in NOTEBOOKS:
        if name in failed:
            said = markdown_literal(f"(not known: the {name} notebook failed on this run)")
            values.update({key: said for key in wanted if key.startswith(f"{name}_")})
            continue
        summary = json.loads((run / f"{name}_results" / "headline.json").read_text(
            encoding="utf-8"))
        for key, headline in summary["headlines"].items():
            value = headline["value"]
            # In the currency and locale the notebook wrote them in.
            with formats.using(currency=summary.get("currency"), locale=summary.get("locale")):
                shown = value if isinstance(value, str) else format_value(value,
                                                                          headline["unit"])
            # Literal: a "$" would open a formula, and a theme or a name from the
            # company's data must not become markup.
            values[f"{name}_{key}"] = markdown_literal(shown)
        if not whole:
            said = markdown_literal(f"(not known: this run's data lacks the tables the {name} "
                                    "notebook needs for it)")
            values.update({key: said for key in wanted
                           if key.startswith(f"{name}_") and key not in values})
    return values


def run_company(run: Path) -> str:
    """The company the run's notebooks named: the one given, else the notebooks' default.

    Each notebook records it in its ``headline.json``; the first that does names it.
    """
    for name in NOTEBOOKS:
        path = run / f"{name}_results" / "headline.json"
        if not path.is_file():  # a notebook that failed
            continue
        summary = json.loads(path.read_text(encoding="utf-8"))
        if summary.get("company"):
            return summary["company"]
    return SAMPLE_COMPANY


def page_notebook(notebook: nbformat.NotebookNode, manifest: dict, name: str
                  ) -> nbformat.NotebookNode:
    """The notebook as its page shows it: the run's parameters in place of the injected cell.

    The cell papermill injects holds paths of the machine that ran it, and the
    declared parameters cell holds the sample's defaults; the page shows instead a
    small table of the company, the period, the parameters given and the tables
    read, placed after the page's opening cell. A cell tagged ``if-set-<parameter>``
    (a section about a price change, say) is left out when the run left that
    parameter empty: its text would describe a chart that is not there.
    """
    defaults = {}
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            from papermill.translators import PythonTranslator

            defaults = {p.name: p.default for p in PythonTranslator.inspect(cell)}
    # The declared defaults are the sample's (its folder, its name); the run's own values
    # are in the box below the title, so neither parameters cell is shown.
    cells = [c for c in notebook.cells
             if not {"injected-parameters", "parameters"} & set(c.metadata.get("tags", []))
             and _shown_for_run(c, manifest["parameters"].get(name, {}), defaults)]
    opening = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                    and any(line.startswith("# ") for line in c.source.splitlines())), 0)
    cells.insert(opening + 1, nbformat.v4.new_markdown_cell(run_table(manifest, name, defaults)))
    notebook.cells = cells
    return notebook


def failed_page(notebook: nbformat.NotebookNode, manifest: dict, name: str, error: str
                ) -> nbformat.NotebookNode:
    """The page of a notebook that failed on the run: its question, the run, and why.

    The executed notebook holds the cells that ran before the error and a
    traceback: neither is a result. The page keeps the opening text (the label
    the chapters cite, the title, the question and the decisions it informs),
    then the run's box and what went wrong.
    """
    opening = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            break
        # papermill's own note of the error, in red at the top: this page says it once.
        if "papermill-error-cell-tag" not in cell.metadata.get("tags", []):
            opening.append(cell)
    defaults = {}
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            from papermill.translators import PythonTranslator

            defaults = {p.name: p.default for p in PythonTranslator.inspect(cell)}
    failure = (":::{admonition} This notebook failed on this run\n:class: error\n\n"
               "None of its results are on this page, and the chapters that quote its "
               f"numbers say so. It stopped with: {_code(error)}. The executed notebook, "
               f"{_code(name + '.ipynb')} in the run's folder, shows the cell where it "
               f"stopped. Correct the cause, then run it again: {_code('cpo-kit run')} "
               "with the same data and parameters.\n:::\n")
    notebook.cells = [*opening, nbformat.v4.new_markdown_cell(run_table(manifest, name, defaults)),
                      nbformat.v4.new_markdown_cell(failure)]
    return notebook


#: A cell with this tag and a parameter's name after it is shown only where the parameter
#: is set (not empty, not 0) in the run.
IF_SET = "if-set-"


def _shown_for_run(cell, given: dict, defaults: dict[str, str]) -> bool:
    """Whether each parameter that ``cell``'s ``if-set-`` tags name is set in the run."""
    for tag in cell.metadata.get("tags", []):
        if tag.startswith(IF_SET):
            key = tag[len(IF_SET):]
            try:
                value = given[key] if key in given else ast.literal_eval(defaults[key])
            except (KeyError, ValueError, SyntaxError):
                raise PublishError(f"a cell is tagged {tag!r}, but the notebook has no "
                                   f"parameter {key!r} with a plain default") from None
            if not value:
                return False
    return True


def run_table(manifest: dict, name: str, defaults: dict[str, str]) -> str:
    """The markdown of a notebook's "about this run" box.

    ``defaults`` holds the notebook's declared defaults as source text, for the
    company and period when the run did not set them.
    """
    given = {k: v for k, v in manifest["parameters"].get(name, {}).items()
             if k not in NOT_SHOWN}
    rows = [("Run", f"`{manifest['run']}`, {_when(manifest['ended'])}"),
            ("Data", f"`{_data_shown(manifest['data'])}`")]
    for key, label in (("company_name", "Company"), ("period_end", "Period end")):
        if key in given:
            rows.append((label, _shown(given.pop(key))))
        elif key in defaults:
            rows.append((label, f"{_code(_literal(defaults[key]))} (the notebook's default)"))
    rows += [(f"Parameter `{key}`", _shown(value)) for key, value in sorted(given.items())]
    if manifest.get("columns"):
        rows.append(("Columns renamed", ", ".join(
            f"{table}: " + ", ".join(f"`{a}` → `{b}`" for a, b in mapping.items())
            for table, mapping in manifest["columns"].items())))
    read = set(NOTEBOOKS[name].needs) | set(NOTEBOOKS[name].uses)
    tables = ", ".join(
        f"`{Path(i['file']).name if os.path.isabs(i['file']) else table}` ({i['sha256'][:8]})"
        for table, i in manifest["inputs"].items() if table in read)
    if NOTEBOOKS[name].reads_run:
        tables = "the results of the other notebooks of this run"
    rows.append(("Tables read", tables or "none"))
    # An escaped pipe stays in its cell, inside code too.
    body = "\n".join(f"| {label} | {value.replace('|', chr(92) + '|')} |" for label, value in rows)
    return (":::{admonition} About this run\n:class: cpo-run\n\n"
            "The numbers on this page come from this run of the notebook; the tables are "
            "shown with the start of their SHA-256.\n\n"
            f"| | |\n|---|---|\n{body}\n:::\n")


def _build(staging: Path, *, progress: bool) -> None:
    """Run the strict Jupyter Book build; Sphinx's warnings always reach standard error.

    With ``progress``, Sphinx's own progress is shown as it goes, up to "build
    succeeded": what follows names the staging folder, gone once the site is in
    place. Without, its messages are shown only if the build fails.
    """
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(staging), "-W", "--keep-going"]
    if not progress:
        command.append("--quiet")
    child = subprocess.Popen(command, cwd=staging, stdout=subprocess.PIPE, text=True)
    said, banner = [], False
    for line in child.stdout:
        said.append(line)
        if progress and not banner:
            print(line, end="", file=sys.stderr, flush=True)
        banner = banner or "build succeeded" in line
    if child.wait():
        if not progress:
            print("".join(said), end="", file=sys.stderr)
        raise PublishError("the book build failed; its messages are above", exit_code=1)


def _replace(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, keeping the old one until the new one is in place."""
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _data_shown(data: str) -> str:
    # A folder by its name: the rest of its path belongs to the machine that ran, not
    # to the readers. A database is shown as the run recorded it, without credentials.
    return Path(data).name if os.path.isabs(data) else data


def _literal(source: str) -> str:
    try:
        return str(ast.literal_eval(source))
    except (ValueError, SyntaxError):
        return source


def _when(stamp: str) -> str:
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M UTC")


def _shown(value) -> str:
    """A parameter's value as inline code; a long list or mapping by its size."""
    if isinstance(value, (date, str)):
        return _code(str(value))
    text = json.dumps(value, default=str)
    if len(text) > 60 and isinstance(value, (list, dict)):
        noun = ("item", "items") if isinstance(value, list) else ("entry", "entries")
        return f"{len(value)} {noun[len(value) != 1]}"
    return _code(text)


def _code(text: str) -> str:
    """Inline code that holds ``text`` literally, whatever backticks or markup it contains."""
    runs = re.findall("`+", text)
    fence = "`" * (max(map(len, runs), default=0) + 1)
    return f"{fence} {text} {fence}" if runs else f"`{text}`"