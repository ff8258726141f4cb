"""Reading a params file: the YAML that adapts the playbook to one company."""
from __future__ import annotations

from pathlib import Path

import yaml

from cpo_kit.errors import ParamsError
from cpo_kit.text import did_you_mean


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, except that a date that is no real day stays the text it was.

    PyYAML raises a bare ValueError for ``2026-02-30``, with no line; kept as text,
    the value reaches the check of its parameter, which names it and says why.
    """


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(text: str):
    """``text`` read as YAML by the params file's rules (see :class:`_Loader`)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


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
        params = read_yaml(text)
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
    _check_categories(path, params.get("categories"))
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


def _check_categories(path: Path, categories: object) -> None:
    """``categories:`` maps tables to their text columns to the company's list of values."""
    from cpo_kit.schemas import TABLES

    if categories is None:
        return
    shape = ("expected a mapping of tables to columns to lists of values, such as "
             "'accounts: {segment: [Consumer, Business]}'")
    if not isinstance(categories, dict):
        raise ParamsError(path, f"categories: {shape}")
    for table, lists in categories.items():
        if table not in TABLES:
            raise ParamsError(path, f"categories: no table is called {table!r}"
                              f"{did_you_mean(str(table), TABLES)}")
        if not isinstance(lists, dict):
            raise ParamsError(path, f"categories: {table}: {shape}")
        text = [c for c in TABLES[table].columns if TABLES[table].kind(c) == "string"]
        for column, values in lists.items():
            if column not in text:
                raise ParamsError(path, f"categories: {table}: {column!r} is not a text "
                                  f"column of {table}{did_you_mean(str(column), text)}")
            if (not isinstance(values, list) or not values
                    or not all(isinstance(v, str) for v in values)):
                raise ParamsError(path, f"categories: {table}: {column}: expected a list of "
                                  f"names, found {values!r}")
