"""Reading a params file: the YAML that adapts the playbook to one company."""
from __future__ import annotations

from pathlib import Path

import yaml

from cpo_kit.errors import ParamsError


def load_params(path: str | Path | None) -> dict:
    """Read a YAML params file into a mapping.

    Parameters
    ----------
    path : str or Path, optional
        The file; ``None`` gives empty params.

    Returns
    -------
    dict
        The file's top-level mapping. Dates stay :class:`datetime.date`.

    Raises
    ------
    ParamsError
        The file is missing, is not valid YAML (with the line of the mistake),
        is not a mapping, or has a ``columns:`` entry of the wrong shape.
    """
    if path is None:
        return {}
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(path, "no such params file") from None
    except UnicodeDecodeError:
        raise ParamsError(path, "the params file is not UTF-8 text") from None
    try:
        params = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise ParamsError(path, f"not valid YAML: {problem}",
                          line=mark.line + 1 if mark else None) from None
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ParamsError(path, f"expected a mapping of names to values, found a "
                          f"{type(params).__name__}")
    _check_columns(path, params.get("columns"))
    return params


def _check_columns(path: Path, columns: object) -> None:
    if columns is None:
        return
    if not isinstance(columns, dict):
        raise ParamsError(path, "columns: expected a mapping of your column names to the "
                          "contract's, such as 'customer: account_id'")
    for key, value in columns.items():
        inner = value if isinstance(value, dict) else {key: value}
        for theirs, ours in inner.items():
            if not isinstance(ours, str) or not isinstance(theirs, str):
                raise ParamsError(path, f"columns: {key}: expected names, found {value!r}")
