"""Notebook parameters: what each notebook declares, and checking what a user gives.

Each notebook declares its parameters in papermill's documented form, one a line
in its ``parameters`` cell (``name: type = value  # help``). A params file and
``-p name=value`` options are checked against those declarations before anything
runs: an unknown name or a value of the wrong type is a :class:`ParamsError`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cpo_kit import formats
from cpo_kit.errors import ParamsError
from cpo_kit.kpis import check_targets
from cpo_kit.notebooks import NOTEBOOK_DIR, NOTEBOOKS
from cpo_kit.params import read_yaml
from cpo_kit.text import did_you_mean

#: Keys of a params file that are not notebook parameters.
RESERVED = ("columns", "notebooks", "categories")
#: Parameters the runner sets itself; a user who sets them is told so.
SET_BY_RUNNER = ("data_dir", "results_dir", "data_checked", "previous_run", "failed_notebooks")
#: What each declared type accepts from YAML, and how it is named in messages.
_TYPES = {
    "str": ((str,), "text"),
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "bool": ((bool,), "true or false"),
    "list": ((list,), "a list"),
    "dict": ((dict,), "a mapping"),
}


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: its name, type (as written), default (as code) and help."""

    name: str
    type: str
    default: str
    help: str


def declared_parameters(name: str, folder: Path = NOTEBOOK_DIR) -> dict[str, Parameter]:
    """The parameters a notebook declares, read from its ``parameters`` cell.

    Examples
    --------
    >>> declared_parameters("product_kpis")["period_end"].help
    'last day counted'
    """
    import jupytext
    from papermill.translators import PythonTranslator

    notebook = jupytext.read(folder / f"{name}.md", fmt="md:myst")
    cells = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"notebook {name} has {len(cells)} parameters cells, not one")
    return {p.name: Parameter(p.name, p.inferred_type_name, p.default, p.help)
            for p in PythonTranslator.inspect(cells[0])}


def resolve_parameters(params: dict, overrides: list[str], notebooks: list[str], *,
                       source: str = "params file",
                       declared: dict[str, dict[str, Parameter]] | None = None
                       ) -> dict[str, dict]:
    """The parameters each notebook gets, checked against what it declares.

    Parameters
    ----------
    params : dict
        The params file's mapping. Top-level keys go to every notebook declaring
        them (``columns`` excepted); ``notebooks: {name: {key: value}}`` to one.
    overrides : list of str
        ``name=value`` or ``notebook.name=value`` from the command line; the value
        is read as YAML, so ``10`` is a number and ``[a, b]`` a list.
    notebooks : list of str
        The notebooks that will run.
    source : str
        The params file's name, for messages.
    declared : dict, optional
        Each notebook's declared parameters; read from the notebooks when omitted.

    Returns
    -------
    dict
        Notebook name to its parameter values, each of its declared type.

    Raises
    ------
    ParamsError
        A name that no notebook declares, a value of the wrong type, or a
        parameter that the runner sets itself.
    """
    if declared is None:
        declared = {name: declared_parameters(name) for name in NOTEBOOKS}
    sections = params.get("notebooks") or {}
    if not isinstance(sections, dict):
        raise ParamsError(source, "notebooks: expected a mapping of notebook names to their "
                          "parameters")
    # Layers in rising precedence: the file's shared values, its per-notebook values,
    # then the command line's, shared and per notebook. Each entry: (notebook or None,
    # name, value, where it was given).
    file_shared = [(None, k, v, source) for k, v in params.items() if k not in RESERVED]
    file_own = []
    for nb, values in sections.items():
        _known_notebook(nb, declared, source)
        if not isinstance(values, dict):
            raise ParamsError(source, f"notebooks: {nb}: expected a mapping of parameter "
                              "names to values")
        file_own += [(nb, k, v, source) for k, v in values.items()]
    cli_shared, cli_own = [], []
    for option in overrides:
        where = f"-p {option}"
        key, sep, text = option.partition("=")
        if not sep or not key:
            raise ParamsError(where, "expected name=value or notebook.name=value")
        try:
            value = read_yaml(text)
        except yaml.YAMLError:
            value = text
        nb, dot, name = key.rpartition(".")
        if dot:
            _known_notebook(nb, declared, where)
            cli_own.append((nb, name, value, where))
        else:
            cli_shared.append((None, name, value, where))

    everyone = set().union(*(set(d) for d in declared.values()))
    for nb, name, _, where in file_shared + file_own + cli_shared + cli_own:
        prefix = f"notebooks: {nb}: " if nb and where == source else ""
        if name in SET_BY_RUNNER:
            raise ParamsError(where, f"{prefix}{name} is set by cpo-kit run itself; leave it out")
        known = everyone if nb is None else set(declared[nb])
        if name not in known:
            who = "no notebook declares it" if nb is None else f"notebook {nb} does not declare it"
            raise ParamsError(where, f"{prefix}unknown parameter {name!r}: {who}"
                              f"{did_you_mean(name, known)}")
    resolved = {}
    for notebook in notebooks:
        given = {}
        for nb, name, value, where in file_shared + file_own + cli_shared + cli_own:
            if nb in (None, notebook) and name in declared[notebook]:
                given[name] = (value, where)
        resolved[notebook] = {name: _checked(_typed(value, declared[notebook][name], where,
                                                     notebook), name, where)
                              for name, (value, where) in given.items()}
    return resolved


def iso_day(text: str, *, where: str, name: str = "period_end") -> dt.date:
    """``text`` as the day it names, if it is an ISO date (2026-10-31) of a real day.

    Raises
    ------
    ParamsError
        For any other text: ``05/10/2026`` is read one way in Europe and another
        in the United States, and ``2026-02-30`` is no day at all.

    Examples
    --------
    >>> iso_day("2026-10-31", where="-p period_end=2026-10-31")
    datetime.date(2026, 10, 31)
    """
    if not _ISO_DAY.fullmatch(str(text)):
        raise ParamsError(where, f"{name}: {str(text)!r} is not a date written as "
                          "YYYY-MM-DD, such as 2026-10-31")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParamsError(where, f"{name}: {text} is not a real day") from None


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _checked(value, name: str, where: str):
    """The value, once the parameters whose values have rules of their own are checked."""
    if name == "period_end":
        iso_day(value, where=where)
    elif name == "week_start":
        # Here: importing the metrics package brings ibis, which the checks need not.
        from cpo_kit.metrics.periods import check_week_start

        try:
            check_week_start(value)
        except ValueError as error:
            raise ParamsError(where, f"week_start: {error}") from None
    elif name == "targets":
        try:
            check_targets(value)
        except ValueError as error:
            raise ParamsError(where, f"targets: {error}") from None
    elif name in ("currency", "locale") and value:
        check = formats.check_currency if name == "currency" else formats.check_locale
        try:
            check(value)
        except ValueError as error:
            raise ParamsError(where, f"{name}: {error}") from None
    return value


def _known_notebook(name: str, declared: dict, where: str) -> None:
    if name not in declared:
        raise ParamsError(where, f"no notebook is called {name!r}{did_you_mean(name, declared)}")


def _typed(value, parameter: Parameter, where: str, notebook: str):
    """The value as the notebook's declared type, or a ParamsError saying what was expected."""
    accepted = _TYPES.get(parameter.type)
    if accepted is None:  # a type papermill could not read: pass the value on as it is
        return value
    kinds, words = accepted
    if parameter.type == "str" and isinstance(value, (dt.date, dt.datetime)):
        # YAML reads 2026-10-31 as a date; the notebooks take dates as ISO text.
        return value.isoformat()
    if isinstance(value, bool) and parameter.type != "bool" or not isinstance(value, kinds):
        shown = "nothing" if value is None else f"{value!r} ({type(value).__name__})"
        raise ParamsError(where, f"{parameter.name} of notebook {notebook}: expected {words} "
                          f"({parameter.type}), found {shown}")
    return float(value) if parameter.type == "float" else value
