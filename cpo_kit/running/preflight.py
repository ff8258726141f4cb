"""The checks before a run: the data, the params file and the ``-p`` options, as one.

``cpo-kit run`` and ``cpo-kit validate`` both check through :func:`checked_inputs`,
so that a params file that validate passes is never refused by run: every
parameter against what the notebooks declare (names, types, shapes), no password
written out, each ``events_source`` able to connect, the data against its
contract, ``period_end`` inside the data and the funnel steps among its events.
Each refusal is one line naming the params file (or the ``-p`` option) and the
parameter.
"""
from __future__ import annotations

import ast
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cpo_kit.core.errors import DataError, DataProblem, ParamsError
from cpo_kit.inputs.params_file import load_params, one_line
from cpo_kit.inputs.sources import Source, masked, open_source, shown_problem
from cpo_kit.running.notebooks import NOTEBOOKS
from cpo_kit.running.parameters import Given, declared_parameters, given_parameters

if TYPE_CHECKING:  # the contract's checks bring pandas and pyarrow: imported when used
    from cpo_kit.inputs.validate import Checked

@dataclass(frozen=True)
class RunInputs:
    """What a run reads, once checked.

    Attributes
    ----------
    source : Source
        The data, as a folder of table files.
    params : dict
        The params file's mapping (``columns:``, ``categories:`` ...).
    given : dict
        Notebook name to the parameters the user gave it, each a :class:`Given`.
    declared : dict
        Each notebook's declared parameters.
    checked : Checked
        The data's check against its contract, without problems.
    """

    source: Source
    params: dict
    given: dict[str, dict[str, Given]]
    declared: dict
    checked: Checked

    @property
    def values(self) -> dict[str, dict]:
        """Notebook name to the values of the parameters the user gave it."""
        return {notebook: {name: g.value for name, g in given.items()}
                for notebook, given in self.given.items()}


@contextlib.contextmanager
def checked_inputs(data: str | Path, *, params_file: str | Path | None = None,
                   overrides: list[str] = (), notebooks: list[str] | None = None,
                   progress: bool = False) -> Iterator[RunInputs]:
    """The data and parameters of a run, checked whole before anything runs.

    Parameters
    ----------
    data : str or Path
        A folder of table files, a DuckDB database file or a database URL.
    params_file : str or Path, optional
        The YAML params file.
    overrides : list of str
        ``-p`` options: ``name=value`` or ``notebook.name=value``.
    notebooks : list of str, optional
        The notebooks that will run; all when omitted.
    progress : bool
        Show a progress bar while the data is checked.

    Yields
    ------
    RunInputs
        For as long as the data (a database's snapshot) is needed.

    Raises
    ------
    ParamsError
        A parameter that cannot be used; the parameters are checked before the
        data is read, and those that need the data once it is.
    DataError
        The data breaks its contract, with every problem found.
    """
    notebooks = list(NOTEBOOKS) if notebooks is None else list(notebooks)
    params = load_params(params_file)
    declared = {name: declared_parameters(name) for name in NOTEBOOKS}
    given = given_parameters(params, list(overrides), notebooks, declared=declared,
                             source=str(params_file) if params_file else "params file")
    _no_literal_secrets(given)
    _check_events_sources(given)
    # Here: the contract's checks bring pandas and pyarrow, which the above need not.
    from cpo_kit.inputs.validate import check_folder

    with open_source(data) as source:
        checked = check_folder(source.folder, columns=params.get("columns"), progress=progress,
                               categories=params.get("categories"))
        if checked.problems:
            raise DataError([shown_problem(p, source) for p in checked.problems])
        _check_period_end(given, checked)
        check_funnel_steps(given, declared, source, checked, params.get("columns"))
        yield RunInputs(source, params, given, declared, checked)


def _refusal(name: str, shown_value: str, problem: str, where: str) -> ParamsError:
    """``where: name: value problem``; a ``-p`` option already shows its value."""
    value = "" if where.startswith("-p ") else f"{shown_value} "
    return ParamsError(where, f"{name}: {value}{problem}")


def _no_literal_secrets(given: dict[str, dict[str, Given]]) -> None:
    """Refuse a parameter that writes a password out, as in ``scheme://user:secret@host``.

    Parameters reach the executed notebooks and the manifest as they are given,
    so a credential must be a ``${VARIABLE}``, read from the environment only
    where the connection is made. Text inside lists and mappings counts too.
    """
    for values in given.values():
        for name, g in values.items():
            for text in _texts(g.value):
                if masked(text) != text:
                    raise _refusal(name, one_line(masked(text)), "writes a password out; "
                                   "write it as ${VARIABLE} and set that variable in the "
                                   "environment", g.where)


def _texts(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


def _check_events_sources(given: dict[str, dict[str, Given]]) -> None:
    """Refuse an ``events_source`` that cannot connect, before any notebook would try."""
    from cpo_kit.inputs.sources import check_events_source

    for values in given.values():
        g = values.get("events_source")
        if g is None or not g.value:
            continue
        try:
            check_events_source(g.value)
        except ParamsError as error:
            problem = str(error).removeprefix(f"{error.file}: ")
            raise _refusal("events_source", error.file + ":", problem, g.where) from None


def _check_period_end(given: dict[str, dict[str, Given]], checked: Checked) -> None:
    """Refuse a ``period_end`` outside the data, naming where it was given."""
    from cpo_kit.inputs.validate import period_end_problem

    days = {(g.value, g.where) for values in given.values()
            for name, g in values.items() if name == "period_end"}
    for day, where in sorted(days):
        problem = period_end_problem(day, checked)
        if problem:
            raise ParamsError(where, problem)


def check_funnel_steps(given: dict[str, dict[str, Given]], declared: dict, source: Source,
                       checked: Checked, columns: dict | None) -> None:
    """Refuse funnel steps that no event is named after, before anything runs.

    A misspelt step would otherwise give a funnel of 0% without a word. Each
    notebook's steps are its given ones, else its declared default; notebooks whose
    events live on another engine (``events_source``) are left to that engine.

    Parameters
    ----------
    given : dict
        Each notebook's given parameters, as :func:`given_parameters` returns them.
    declared : dict
        Each notebook's declared parameters, for the default steps.
    source : Source
        The data.
    checked : Checked
        The data's check, which found the events' file.
    columns : dict, optional
        The params file's ``columns:``.

    Raises
    ------
    ParamsError
        Steps the user gave, naming where.
    DataError
        Events without the default steps, naming the events' file: nothing else
        was given to name, and the line says how to give the company's own steps.
    """
    from cpo_kit.inputs.company import load_company
    from cpo_kit.metrics.funnel import unknown_steps, unknown_steps_message

    wanted = {}
    for name, values in given.items():
        engine = values.get("events_source")
        if "funnel_steps" not in declared[name] or engine and engine.value:
            continue
        if "funnel_steps" in values:
            steps, where = values["funnel_steps"].value, values["funnel_steps"].where
        else:
            steps, where = ast.literal_eval(declared[name]["funnel_steps"].default), None
        wanted.setdefault(tuple(steps), where)
    if not wanted or "events" not in checked.files:
        return
    company = load_company(source.folder, columns=columns, tables=("events",),
                           check_events=False)
    for steps, where in wanted.items():
        unknown = unknown_steps(company.table("events"), list(steps))
        if not unknown:
            continue
        if where is not None:
            raise ParamsError(where, unknown_steps_message(unknown, where="funnel_steps"))
        problem = DataProblem(str(checked.files["events"]), unknown_steps_message(
            unknown, where="the default funnel_steps") + "; set funnel_steps in the params "
            "file to steps your events have", column="event")
        raise DataError([shown_problem(problem, source)])
