"""One notebook executed by papermill: the process ``cpo-kit run`` starts per notebook.

It is run as a script with ``python -I`` (so its own folder is not on the path),
and imports papermill and nothing of cpo_kit: a notebook's start-up then costs
the kernel and the notebook's own imports, not a second copy of the runner's.

Usage: python -I notebook_process.py REQUEST_JSON, where the request holds the
``source`` (.ipynb), ``output``, ``parameters``, ``cwd`` and ``progress`` (as for
``execute_notebook`` of the tests' ``run_notebook.py``), and ``watch``: the reading end of a pipe
whose writing end only the run holds. Exit status 0, or 1 with one line on
standard output saying why; exit status 3 (:data:`KERNEL_FAILED`) when the
kernel could not start, so that no notebook could run, and 4
(:data:`WRITE_FAILED`) when the disk refused a write (full, read-only), which
no notebook can be blamed for.

The process ends with the run that started it, however the run ends (even
``kill -9``): the pipe reaches its end when the run's process is gone, and the
notebook's kernel, which jupyter_client starts in a session of its own, is
killed with it, so nothing writes on into the run's hidden folder.
"""
from __future__ import annotations

import errno
import json
import os
import re
import signal
import sys
import threading


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
#: The exit status of a notebook's process whose kernel could not start.
KERNEL_FAILED = 3
#: The exit status of a notebook's process that could not write: the disk is full, say.
WRITE_FAILED = 4
#: The errors of a write that the disk refused, by number.
NO_ROOM = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


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


def end_with_run(watch: int) -> None:
    """End this process and its kernel once the run is gone, or when it asks (SIGTERM).

    The run never writes into the pipe, so a read returns only at its end: when
    the run's process has exited, whichever way.
    """
    def wait_for_the_run() -> None:
        try:
            while os.read(watch, 1):
                pass
        except OSError:
            pass
        end_now()

    signal.signal(signal.SIGTERM, lambda signum, frame: end_now())
    threading.Thread(target=wait_for_the_run, daemon=True).start()


def end_now() -> None:
    """Kill the kernel and anything it started, then this process, with no clean-up.

    Nothing of a stopped notebook is kept, so there is nothing to save; a clean
    shutdown would let the kernel run its current cell on for seconds.
    """
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        children = []
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    os._exit(1)


def main(argv: list[str]) -> int:
    skip_slow_format_checks()
    request = json.loads(argv[0])
    if request.get("watch") is not None:
        end_with_run(request["watch"])
    import nbformat
    import papermill

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
        # A cell that writes a result table meets a full disk like papermill does.
        number = re.match(r"\[Errno (\d+)\]", str(error.evalue))
        return WRITE_FAILED if number and int(number.group(1)) in NO_ROOM else 1
    except Exception as error:  # the kernel died, or the notebook could not be read
        print(f"{type(error).__name__}: {error}")
        if isinstance(error, OSError) and error.errno in NO_ROOM:
            return WRITE_FAILED
        return KERNEL_FAILED if kernel_failed(error, request["cwd"]) else 1
    return 0


def kernel_failed(error: Exception, cwd: str) -> bool:
    """Whether ``error`` says that the kernel could not start, rather than a notebook's fault.

    The kernel's program may be missing (an error naming a file outside the run's
    folder), its kernel spec unknown, or the kernel may die before it answers.
    """
    from jupyter_client.kernelspec import NoSuchKernel

    if isinstance(error, NoSuchKernel) or KERNEL_DIED_AT_START in str(error):
        return True
    name = getattr(error, "filename", None)
    return isinstance(error, OSError) and bool(name) and not os.path.abspath(
        str(name)).startswith(os.path.abspath(cwd))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
