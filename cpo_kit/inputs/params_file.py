"""Reading a params file: the YAML that adapts the playbook to one company."""
from __future__ import annotations

import reprlib
from pathlib import Path

import yaml

from cpo_kit.core.errors import ParamsError
from cpo_kit.core.text import did_you_mean


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, except that a date that is no real day stays the text it was,
    and that a key given twice in one mapping is refused.

    PyYAML raises a bare ValueError for ``2026-02-30``, with no line; kept as text,
    the value reaches the check of its parameter, which names it and says why.
    PyYAML keeps the last of two equal keys and drops the first without a word.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *base' may be overridden
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # unhashable: the safe loader's own message follows
                break
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {shown(key)} is given twice in one mapping",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(text: str):
    """``text`` read as YAML by the params file's rules (see :class:`_Loader`).

    Raises
    ------
    yaml.YAMLError
        Also for nesting deeper than Python's recursion allows, which PyYAML
        meets as a RecursionError.
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except RecursionError:
        raise yaml.YAMLError("nested too deeply") from None


#: Values shown short in messages: a message stays one line a reader can take in.
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxtuple = 3, 6, 6, 6
_SHORT.maxstring = _SHORT.maxother = 80


def shown(value) -> str:
    """``value`` as a message shows it: its repr, cut short, always one line.

    Examples
    --------
    >>> shown("4x")
    "'4x'"
    >>> shown(list(range(100)))
    '[0, 1, 2, 3, 4, 5, ...]'
    """
    return _SHORT.repr(value)


def one_line(text: str) -> str:
    """``text`` as it is when it is printable on one line, else as :func:`shown` writes it.

    Examples
    --------
    >>> one_line("duckdb:///srv/product.duckdb")
    'duckdb:///srv/product.duckdb'
    >>> one_line("two\\nlines")
    "'two\\\\nlines'"
    """
    return text if text.isprintable() else shown(text)


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
        content = path.read_bytes()
    except FileNotFoundError:
        raise ParamsError(path, "no such params file") from None
    except IsADirectoryError:
        raise ParamsError(path, "a folder, not a params file") from None
    text = _decoded(path, content)
    try:
        params = read_yaml(text)
    except yaml.reader.ReaderError as error:
        raise ParamsError(path, f"not valid YAML: the character {chr(error.character)!r} "
                          "may not be in it", line=text.count("\n", 0, error.position) + 1
                          ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error) or "cannot be parsed"
        raise ParamsError(path, f"not valid YAML: {one_line(problem)}",
                          line=mark.line + 1 if mark else None) from None
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ParamsError(path, f"expected a mapping of names to values, found a "
                          f"{type(params).__name__}")
    _check_columns(path, params.get("columns"))
    _check_categories(path, params.get("categories"))
    return params


def _decoded(path: Path, content: bytes) -> str:
    """The params file's text; it must be UTF-8 (a UTF-8 byte order mark is allowed)."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParamsError(path, "the params file is UTF-16 text; save it as UTF-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise ParamsError(path, f"the params file is not UTF-8 text (byte "
                          f"0x{content[error.start]:02x}); save it as UTF-8", line=line) from None


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
    from cpo_kit.inputs.contract import TABLES

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
