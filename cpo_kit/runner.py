"""Executing the notebooks with papermill, and building the book from the results."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from cpo_kit.errors import CpoKitError, DataError
from cpo_kit.notebook_process import execute
from cpo_kit.notebooks import NOTEBOOKS
from cpo_kit.parameters import resolve_parameters
from cpo_kit.params import load_params
from cpo_kit.run import notebook_parameters
from cpo_kit.validate import check_folder

class BuildError(CpoKitError):
    """A notebook or the book failed to build; the message says which and where to look."""

    exit_code = 1


def execute_notebook(source: Path, output: Path, *, parameters: dict, cwd: Path,
                     progress: bool | dict = False) -> None:
    """Execute one jupytext notebook with papermill.

    Parameters
    ----------
    source : Path
        A MyST markdown notebook (or an ``.ipynb`` one).
    output : Path
        Where the executed ``.ipynb`` is written.
    parameters : dict
        Values injected after the notebook's ``parameters`` cell.
    cwd : Path
        The kernel's working directory, so relative paths hold wherever the
        command was started.
    progress : bool or dict
        Show papermill's progress bar; a dict holds options for its tqdm bar.
    """
    if source.suffix == ".ipynb":
        notebook = nbformat.read(source, as_version=4)
    else:
        import jupytext  # slow to import (~1.5 s): only for text notebooks

        notebook = jupytext.read(source, fmt="md:myst")
    execute(notebook, str(output), parameters=parameters, cwd=str(cwd), progress=progress)


def build_book(data_dir: Path, *, root: Path = Path("."), params_file: Path | None = None) -> Path:
    """Check the data, execute every notebook on it and build the Jupyter Book.

    The executed notebooks are written beside their sources (``notebooks/<name>.ipynb``),
    where the book's table of contents finds them, and each notebook's result tables and
    headline numbers beside them (``notebooks/<name>_results/``).

    Returns
    -------
    Path
        The built book's ``index.html``.

    Raises
    ------
    DataError
        The data breaks its contract; nothing is executed.
    BuildError
        A notebook or the book build failed.
    """
    import papermill

    root = root.resolve()
    params = load_params(params_file)
    checked = check_folder(data_dir, columns=params.get("columns"))
    if checked.problems:
        raise DataError(checked.problems)
    values = resolve_parameters(params, [], list(NOTEBOOKS),
                                source=str(params_file) if params_file else "params file")
    parameters = notebook_parameters(values, Path(data_dir), params.get("columns"))
    folder = root / "notebooks"
    for name, notebook in NOTEBOOKS.items():
        missing = [t for t in notebook.needs if t not in checked.summaries]
        print(f"Running notebook {name} ..." + (
            f" (without {', '.join(missing)}: its page says what to provide)" if missing else ""),
            flush=True)
        # Executed beside the sources and moved into place only once complete, so a
        # failed run leaves the previous executed notebook as it was.
        with tempfile.TemporaryDirectory(dir=folder, prefix=".running-") as running:
            output = Path(running) / f"{name}.ipynb"
            try:
                execute_notebook(folder / f"{name}.md", output, parameters=parameters[name],
                                 cwd=Path(running), progress=sys.stderr.isatty())
            except papermill.PapermillExecutionError as error:
                failed = folder / f"{name}.failed.ipynb"
                os.replace(output, failed)
                raise BuildError(f"notebook {name} failed in cell {error.exec_count}: "
                                 f"{error.ename}: {error.evalue} (see {failed})") from None
            _hide_injected_parameters(output)
            os.replace(output, folder / f"{name}.ipynb")
            _replace_folder(Path(running) / f"{name}_results", folder / f"{name}_results")
    print("Building the book ...", flush=True)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(root), "-W", "--keep-going"],
                            cwd=root)
    if result.returncode:
        raise BuildError("the book build failed; its messages are above")
    return root / "_build" / "html" / "index.html"


def _replace_folder(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, keeping the old one until the new one is in place."""
    if not new.exists():
        return
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        shutil.rmtree(old)


def _hide_injected_parameters(path: Path) -> None:
    """Keep the cell papermill injects out of the book: it holds this machine's paths."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell.metadata["tags"] = [*tags, "remove-cell"]
    nbformat.write(notebook, path)
