"""Executing one notebook with papermill, from its jupytext source or an ``.ipynb``."""
from __future__ import annotations

from pathlib import Path

import nbformat

from cpo_kit.running.notebook_process import execute


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
