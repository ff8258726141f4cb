"""Notebook parameters: declarations read from the notebooks, and checking what users give."""
import datetime as dt

import pytest

from cpo_kit.errors import ParamsError
from cpo_kit.notebooks import NOTEBOOKS
from cpo_kit.parameters import Parameter, declared_parameters, resolve_parameters


def _declared(**types):
    return {name: Parameter(name, kind, "", "") for name, kind in types.items()}


DECLARED = {
    "alpha": _declared(period_end="str", capacity="float", steps="list", targets="dict",
                       data_dir="str", results_dir="str"),
    "beta": _declared(period_end="str", window="int", strict="bool", data_dir="str",
                      results_dir="str"),
}


def resolve(params, overrides=(), notebooks=("alpha", "beta")):
    return resolve_parameters(params, list(overrides), list(notebooks), source="my.yml",
                              declared=DECLARED)


def test_each_notebook_gets_the_shared_values_it_declares_and_its_own():
    out = resolve({"period_end": dt.date(2026, 9, 30), "capacity": 30, "window": 4,
                   "columns": {"customer": "account_id"},
                   "notebooks": {"beta": {"strict": True}}})
    # A YAML date reaches a text parameter as ISO text; an int a float parameter as a float.
    assert out == {"alpha": {"period_end": "2026-09-30", "capacity": 30.0},
                   "beta": {"period_end": "2026-09-30", "window": 4, "strict": True}}
    assert isinstance(out["alpha"]["capacity"], float)


def test_lists_and_mappings_keep_their_types():
    out = resolve({"steps": ["signup", "login"], "targets": {"nps": {"target": 40}}})
    assert out["alpha"] == {"steps": ["signup", "login"], "targets": {"nps": {"target": 40}}}


def test_the_command_line_overrides_the_file_and_is_read_as_yaml():
    out = resolve({"window": 4, "notebooks": {"beta": {"strict": True}}},
                  ["window=6", "beta.strict=false", "steps=[a, b]", "period_end=2026-08-31"])
    assert out == {"alpha": {"steps": ["a", "b"], "period_end": "2026-08-31"},
                   "beta": {"window": 6, "strict": False, "period_end": "2026-08-31"}}


def test_a_shared_command_line_value_beats_a_per_notebook_one_from_the_file():
    out = resolve({"notebooks": {"beta": {"window": 4}}}, ["window=9"])
    assert out["beta"] == {"window": 9}


def test_only_the_notebooks_that_run_are_resolved():
    assert resolve({"window": 4}, notebooks=["beta"]) == {"beta": {"window": 4}}


@pytest.mark.parametrize("params, overrides, message", [
    ({"windw": 4}, (), "my.yml: unknown parameter 'windw': no notebook declares it "
                       "(did you mean 'window'?)"),
    ({"notebooks": {"alpha": {"window": 4}}}, (),
     "my.yml: notebooks: alpha: unknown parameter 'window': notebook alpha does not "
     "declare it"),
    ({"notebooks": {"gamma": {}}}, (), "my.yml: no notebook is called 'gamma'"),
    ({}, ["alpa.capacity=3"], "-p alpa.capacity=3: no notebook is called 'alpa' "
                              "(did you mean 'alpha'?)"),
    ({}, ["capacity"], "-p capacity: expected name=value or notebook.name=value"),
    ({"window": "4x"}, (), "my.yml: window of notebook beta: expected a whole number (int), "
                           "found '4x' (str)"),
    ({"window": 4.5}, (), "my.yml: window of notebook beta: expected a whole number (int), "
                          "found 4.5 (float)"),
    ({"capacity": True}, (), "my.yml: capacity of notebook alpha: expected a number (float), "
                             "found True (bool)"),
    ({}, ["steps=signup"], "-p steps=signup: steps of notebook alpha: expected a list (list), "
                           "found 'signup' (str)"),
    ({"period_end": None}, (), "my.yml: period_end of notebook alpha: expected text (str), "
                               "found nothing"),
    ({"data_dir": "x"}, (), "my.yml: data_dir is set by cpo-kit run itself; leave it out"),
    # Where a run writes is the runner's: no parameter can send output out of the run folder.
    ({}, ["results_dir=../../elsewhere"],
     "-p results_dir=../../elsewhere: results_dir is set by cpo-kit run itself; leave it out"),
    ({"previous_run": "/"}, (), "my.yml: previous_run is set by cpo-kit run itself; leave it out"),
    ({"notebooks": ["alpha"]}, (), "my.yml: notebooks: expected a mapping of notebook names "
                                   "to their parameters"),
])
def test_bad_parameters_are_refused_before_anything_runs(params, overrides, message):
    with pytest.raises(ParamsError) as error:
        resolve(params, overrides)
    assert str(error.value) == message


def test_declarations_are_read_from_the_notebooks_parameters_cell():
    declared = declared_parameters("product_kpis")
    assert declared["funnel_steps"] == Parameter(
        "funnel_steps", "list", '["signup", "login", "create_report", "share_report"]',
        "activation funnel, in order")
    assert declared["unusual_threshold"].type == "float"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_parameter_of_every_notebook_has_a_type_papermill_reads_and_a_help(name):
    for parameter in declared_parameters(name).values():
        assert parameter.type in {"str", "int", "float", "bool", "list", "dict"}, parameter
        assert parameter.help, f"{name}: {parameter.name} has no help comment"
