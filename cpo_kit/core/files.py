"""Writing that a failure cannot leave half done: whole files, and folders made for a task.

A reader never finds half a file (:func:`write_atomically`), and a command that
fails leaves no empty folder it made on its way (:func:`made_folder`).
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in one step: beside it first, then renamed into place.

    A failure (a full disk, a kernel that dies mid-write) leaves no partial file,
    and the file that was there, if any, as it was.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):  # a read-only folder refuses this too
            partial.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def made_folder(path: Path, *, leave: tuple[str, ...] = ()) -> Iterator[None]:
    """Make ``path`` and its missing parents for a block; if the block fails, unmake them.

    The folders are removed, innermost first, only where the block left them
    empty but for the files named in ``leave`` (a lock file, say), so nothing
    that was there before, or that another process put there, is lost.
    """
    made = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
        yield
    except BaseException:
        if made and path.is_dir() and all(p.name in leave for p in path.iterdir()):
            for name in leave:
                with contextlib.suppress(OSError):
                    (path / name).unlink(missing_ok=True)
        for folder in made:
            try:
                folder.rmdir()
            except FileNotFoundError:  # the failure came before it was made
                continue
            except OSError:  # not empty: what is in it is not ours to remove
                break
        raise
