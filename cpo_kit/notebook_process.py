"""One notebook executed by papermill: the process ``cpo-kit run`` starts per notebook.

It is run as a script with ``python -I`` (so its own folder is not on the path),
and imports papermill and nothing of cpo_kit: a notebook's start-up then costs
the kernel and the notebook's own imports, not a second copy of the runner's.

Usage: python -I notebook_process.py REQUEST_JSON, where the request holds the
``source`` (.ipynb), ``output``, ``parameters``, ``cwd`` and ``progress`` (as for
:func:`cpo_kit.runner.execute_notebook`). Exit status 0, or 1 with one line on
standard output saying why.
"""
from __future__ import annotations

import json
import os
import sys


def skip_slow_format_checks() -> None:
    """Keep jsonschema from loading rfc3987_syntax, which takes about 2 s to import.

    nbformat's validator imports jsonschema, whose format checker imports that
    package when it is installed (JupyterLab's server brings it) and builds a
    grammar on import. Notebook schemas use none of the formats it checks, so a
    process that only runs notebooks does without it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


#: What jupyter_client raises when a kernel dies before it answers its first message.
KERNEL_DIED_AT_START = "Kernel died before replying to kernel_info"


def execute(notebook, output: str, *, parameters: dict, cwd: str, progress) -> None:
    """Execute a notebook (a NotebookNode) with the playbook's kernel and settings.

    A kernel that dies before it answers is started once more. jupyter_client picks
    a kernel's ports by opening and closing them, before the kernel binds them, so two
    kernels started at the same moment (two notebooks of one run) can pick the same
    port, and one of them dies. No cell has run then, so starting again is safe.
    """
    import papermill

    for attempt in (1, 2):
        try:
            papermill.execute_notebook(notebook, output, parameters=parameters,
                                       kernel_name="python3", language="python", cwd=cwd,
                                       progress_bar=progress)
            return
        except RuntimeError as error:
            if attempt == 2 or KERNEL_DIED_AT_START not in str(error):
                raise


def main(argv: list[str]) -> int:
    skip_slow_format_checks()
    import nbformat
    import papermill

    request = json.loads(argv[0])
    progress = request["progress"]
    if progress:
        # The bar goes to the terminal; the kernel, which inherits standard error,
        # would otherwise print its start-up warnings and shutdown notes across it.
        progress = {**progress, "file": os.fdopen(os.dup(2), "w")}
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
    try:
        execute(nbformat.read(request["source"], as_version=4), request["output"],
                parameters=request["parameters"], cwd=request["cwd"], progress=progress)
    except papermill.PapermillExecutionError as error:
        print(f"cell {error.exec_count}: {error.ename}: {error.evalue}")
        return 1
    except Exception as error:  # the kernel died, or the notebook could not be read
        print(f"{type(error).__name__}: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
