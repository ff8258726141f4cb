"""Notebook parameters: what each notebook declares, and checking what a user gives.

Each notebook declares its parameters in papermill's documented form, one a line
in its ``parameters`` cell (``name: type = value  # help``). A params file and
``-p name=value`` options are checked against those declarations before anything
runs: an unknown name, a value of the wrong type, or one whose inside the
notebook cannot use (a list of steps holding a number, a mapping of milestones
to something that is no day, a period that is no period) is a :class:`ParamsError`.
The rules for what is inside a value are kept here, by parameter name (``_RULES``);
where a rule belongs to the code that uses the value (the funnel's steps and
window, the forecast's methods), it is that code's check or list that is called.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cpo_kit.core import formats
from cpo_kit.core.errors import ParamsError
from cpo_kit.core.text import did_you_mean
from cpo_kit.inputs.params_file import one_line, read_yaml, shown
from cpo_kit.inputs.sources import masked
from cpo_kit.metrics.kpis import check_targets
from cpo_kit.running.notebooks import NOTEBOOK_DIR, NOTEBOOKS

#: Keys of a params file that are not notebook parameters.
RESERVED = ("columns", "notebooks", "categories", "imports")
#: Parameters that only the top of a params file gives, read there by validate and run.
FILE_ONLY = ("columns",)
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


@dataclass(frozen=True)
class Given:
    """A parameter's value for one notebook, and where the user gave it.

    Parameters
    ----------
    value : object
        The value, of the notebook's declared type.
    where : str
        The params file's name, or the ``-p name=value`` option (its secrets masked).
    """

    value: object
    where: str


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
        A name that no notebook declares, a value of the wrong type or shape, or a
        parameter that the runner sets itself.
    """
    given = given_parameters(params, overrides, notebooks, source=source, declared=declared)
    return {notebook: {name: g.value for name, g in values.items()}
            for notebook, values in given.items()}


def given_parameters(params: dict, overrides: list[str], notebooks: list[str], *,
                     source: str = "params file",
                     declared: dict[str, dict[str, Parameter]] | None = None
                     ) -> dict[str, dict[str, Given]]:
    """As :func:`resolve_parameters`, each value with where it was given.

    The checks that come after (a password written out, a day outside the data,
    funnel steps no event has) name the place of the value they refuse.
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
        # The option is the place named in messages: never with a password written out.
        where = f"-p {one_line(masked(option))}"
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
        if name in FILE_ONLY:
            # The data is checked with the file's columns: the notebooks must read it so.
            raise ParamsError(where, f"{prefix}{name} is given once, at the top of the params "
                              f"file ({name}:), where cpo-kit validate reads it too")
        known = everyone if nb is None else set(declared[nb])
        if name not in known:
            who = "no notebook declares it" if nb is None else f"notebook {nb} does not declare it"
            raise ParamsError(where, f"{prefix}unknown parameter {shown(name)}: {who}"
                              f"{did_you_mean(str(name), known)}")
    resolved = {}
    for notebook in notebooks:
        given = {}
        for nb, name, value, where in file_shared + file_own + cli_shared + cli_own:
            if nb in (None, notebook) and name in declared[notebook]:
                given[name] = (value, where)
        resolved[notebook] = {
            name: Given(_plain(_checked(_typed(value, declared[notebook][name], where,
                                                 notebook), name, where)), where)
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
    problem = _day_problem(text)
    if problem:
        raise ParamsError(where, f"{name}: {problem}")
    return dt.date.fromisoformat(text)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_problem(text) -> str | None:
    """What keeps ``text`` from being an ISO day, or None (a YAML date is one)."""
    if isinstance(text, dt.date) and not isinstance(text, dt.datetime):
        return None
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        return f"{shown(text)} is not a date written as YYYY-MM-DD, such as 2026-10-31"
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a real day"
    return None


def _checked(value, name: str, where: str):
    """The value, once the parameters whose values have rules of their own are checked."""
    if name == "period_end":
        iso_day(value, where=where)
        return value
    rule = _RULES.get(name)
    if rule is None:
        return value
    try:
        problem = rule(value)
    except ValueError as error:  # the rules kept beside the code they serve say why so
        problem = str(error)
    if problem:
        raise ParamsError(where, f"{name}: {problem}")
    return value


def _known_notebook(name, declared: dict, where: str) -> None:
    if name not in declared:
        raise ParamsError(where, f"no notebook is called {shown(name)}"
                          f"{did_you_mean(str(name), declared)}")


def _typed(value, parameter: Parameter, where: str, notebook: str):
    """The value as the notebook's declared type, or a ParamsError saying what was expected."""
    accepted = _TYPES.get(parameter.type)
    if accepted is None:  # a type papermill could not read: pass the value on as it is
        return value
    kinds, words = accepted
    if parameter.type == "str" and isinstance(value, (dt.date, dt.datetime)):
        # YAML reads 2026-10-31 as a date; the notebooks take dates as ISO text.
        return value.isoformat()
    if (isinstance(value, bool) and parameter.type != "bool" or not isinstance(value, kinds)
            or isinstance(value, float) and not math.isfinite(value)):
        found = "nothing" if value is None else f"{shown(value)} ({type(value).__name__})"
        raise ParamsError(where, f"{parameter.name} of notebook {notebook}: expected {words} "
                          f"({parameter.type}), found {found}")
    return float(value) if parameter.type == "float" else value


def _plain(value):
    """``value`` with every date inside it as ISO text, as the notebooks take dates.

    A date nested in a mapping (``milestones: {launch: 2026-03-01}``) would otherwise
    reach neither the notebook's code nor the run's manifest, which are JSON.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- the values inside lists and mappings, and the values with a rule of their own ---------
# Each rule takes a value of the declared type and returns what is wrong with it, or None.

def _kind(kinds: tuple, words: str):
    def rule(value):
        fits = (isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
                and not (isinstance(value, float) and not math.isfinite(value)))
        return None if fits else f"expected {words}, found {shown(value)}"
    return rule


_TEXT = _kind((str,), "text")
_NUMBER = _kind((int, float), "a number")


def _day(value):
    return _day_problem(value)


def _list_of(item, *, words: str, size: int | None = None):
    """A list of items, each as ``item`` wants it (``size`` of them, if given)."""
    def rule(value):
        if not isinstance(value, list) or size is not None and len(value) != size:
            return f"expected {words}, found {shown(value)}"
        for number, each in enumerate(value, start=1):
            problem = item(each)
            if problem:
                return f"item {number}: {problem}"
        return None
    return rule


def _mapping_of(item, *, words: str, keys=None):
    """A mapping of names to values, each as ``item`` wants it; names among ``keys()``."""
    def rule(value):
        if not isinstance(value, dict):
            return f"expected {words}, found {shown(value)}"
        for key, each in value.items():
            if not isinstance(key, str):
                return f"{shown(key)}: expected a name (text) as the key, as in {words}"
            known = keys() if keys else None
            if known is not None and key not in known:
                return (f"{key!r} is none of {', '.join(known)}"
                        f"{did_you_mean(key, known)}")
            problem = item(each)
            if problem:
                return f"{key}: {problem}"
        return None
    return rule


def _one_of(choices):
    """One of ``choices()`` (read when the rule runs: the lists live with their code)."""
    def rule(value):
        known = choices()
        if value not in known:
            return (f"{shown(value)} is not one of {', '.join(known)}"
                    f"{did_you_mean(str(value), known)}")
        return None
    return rule


def _funnel_steps(value):
    from cpo_kit.metrics.funnel import _check_steps

    problem = _list_of(_TEXT, words="a list of event names")(value)
    if problem:
        return problem
    _check_steps(value)
    return None


def _funnel_window(value):
    from cpo_kit.metrics.funnel import _check_window

    return _raises(_check_window)(value)


def _week_start(value):
    # Here: importing the metrics package brings ibis, which the checks need not.
    from cpo_kit.metrics.periods import check_week_start

    return _raises(check_week_start)(value)


def _periods():
    from cpo_kit.metrics.periods import PERIODS
    return PERIODS


def _plan_scores():
    from cpo_kit.analyses.roadmap import SCORES
    return tuple(SCORES)


def _forecast_methods():
    from cpo_kit.analyses.forecast import METHODS
    return METHODS


def _drivers():
    from cpo_kit.analyses.finance import DRIVERS
    return DRIVERS


def _optional(rule):
    """Empty text, or a value ``rule`` accepts."""
    return lambda value: None if value == "" else rule(value)


def _raises(check):
    """A rule of a check that raises ValueError for what it refuses (and returns the value)."""
    def rule(value):
        check(value)
        return None
    return rule


_TEXTS = _list_of(_TEXT, words="a list of text")
_RULES = {
    "week_start": _week_start,
    "targets": _raises(check_targets),
    "currency": _optional(_raises(formats.check_currency)),
    "locale": _optional(_raises(formats.check_locale)),
    "period": _one_of(_periods),
    "plan_score": _one_of(_plan_scores),
    "forecast_method": _one_of(_forecast_methods),
    "price_change": _optional(_day),
    "funnel_steps": _funnel_steps,
    "funnel_window": _funnel_window,
    "wsjf_weights": _list_of(_NUMBER, size=3, words="three numbers, the weights of value, "
                             "time criticality and risk reduction, such as [1.0, 1.0, 1.0]"),
    "proposed_statuses": _TEXTS,
    "senior_rungs": _TEXTS,
    "decisions": _TEXTS,
    "risks": _TEXTS,
    "milestones": _mapping_of(_day, words='{"price change": "2025-09-01"}'),
    "ladder": _mapping_of(_mapping_of(_NUMBER, words="{skill_strategy: 3.5}"),
                          words="{PM: {skill_strategy: 3.5}}"),
    "role_rungs": _mapping_of(_TEXT, words='{"staff product manager": "senior PM"}'),
    "onboarding_plan": _mapping_of(_list_of(_NUMBER, size=2, words="[day, share of the plan "
                                                                   "done], such as [30, 0.33]"),
                                   words="{learn: [30, 0.33]}"),
    "tornado_ranges": _mapping_of(_list_of(_NUMBER, size=2, words="[low, high], such as "
                                                                  "[0.08, 0.12]"),
                                  words="{discount_rate: [0.08, 0.12]}", keys=_drivers),
}
