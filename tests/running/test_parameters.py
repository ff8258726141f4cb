"""Notebook parameters: declarations read from the notebooks, and checking what users give."""
import datetime as dt

import pytest

from cpo_kit.core.errors import ParamsError
from cpo_kit.running.notebooks import NOTEBOOKS
from cpo_kit.running.parameters import (_RULES, FILE_ONLY, SET_BY_RUNNER, Given, Parameter,
                                        declared_parameters, given_parameters, resolve_parameters)


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


def resolve_real(params, overrides=()):
    """Resolved against the playbook's own notebooks, whose parameter names carry the rules."""
    return resolve_parameters(params, list(overrides), list(NOTEBOOKS), source="my.yml")


#: The rules inside values: lists and mappings item by item, choices, days and durations.
VALUE_CASES = [
    ({"funnel_steps": [1, 2]}, "funnel_steps: item 1: expected text, found 1"),
    ({"funnel_steps": ["signup"]}, "funnel_steps: steps must be a list of two or more event "
                                   "names, not ['signup']"),
    ({"funnel_steps": ["login", "login"]}, "funnel_steps: steps must be distinct event names; "
                                           "repeated: login"),
    ({"funnel_window": "soon"}, "funnel_window: window must be a positive duration such as "
                                "'7D' or '12h', not 'soon'"),
    ({"period": "fortnight"}, "period: 'fortnight' is not one of day, week, month"),
    ({"plan_score": "ice"}, "plan_score: 'ice' is not one of rice, wsjf (did you mean 'rice'?)"),
    ({"forecast_method": "arima"}, "forecast_method: 'arima' is not one of ets_damped, ets, "
                                   "loglinear"),
    ({"price_change": "09/01/2025"}, "price_change: '09/01/2025' is not a date written as "
                                     "YYYY-MM-DD, such as 2026-10-31"),
    ({"wsjf_weights": [1, 2]}, "wsjf_weights: expected three numbers, the weights of value, "
                               "time criticality and risk reduction, such as [1.0, 1.0, 1.0], "
                               "found [1, 2]"),
    ({"decisions": ["Ship it.", {"why": 1}]}, "decisions: item 2: expected text, found "
                                              "{'why': 1}"),
    ({"milestones": {"launch": "soon"}}, "milestones: launch: 'soon' is not a date written as "
                                         "YYYY-MM-DD, such as 2026-10-31"),
    ({"milestones": {2025: "2025-09-01"}}, "milestones: 2025: expected a name (text) as the "
                                           "key, as in {\"price change\": \"2025-09-01\"}"),
    ({"ladder": {"PM": {"skill_strategy": "high"}}}, "ladder: PM: skill_strategy: expected a "
                                                     "number, found 'high'"),
    ({"ladder": {"PM": 3}}, "ladder: PM: expected {skill_strategy: 3.5}, found 3"),
    ({"role_rungs": {"staff pm": 5}}, "role_rungs: staff pm: expected text, found 5"),
    ({"onboarding_plan": {"learn": [30]}}, "onboarding_plan: learn: expected [day, share of the "
                                           "plan done], such as [30, 0.33], found [30]"),
    ({"tornado_ranges": {"discount": [0.1, 0.2]}},
     "tornado_ranges: 'discount' is none of discount_rate, horizon_years, ramp_up, "
     "default_build_months, delay_months, benefit_scale, cost_scale (did you mean "
     "'discount_rate'?)"),
    ({"tornado_ranges": {"ramp_up": [0.4, float("inf")]}},
     "tornado_ranges: ramp_up: item 2: expected a number, found inf"),
    ({"gap_warning": float("nan")}, "gap_warning of notebook market: expected a number "
                                    "(float), found nan (float)"),
    ({"company_name": "x" * 500}, None),
    # A long value is shown cut: 80 characters a text, 6 items a list.
    ({"company_name": ["x" * 500] * 50}, "company_name of notebook kpi_overview: expected text "
     "(str), found [" + ", ".join(["'" + "x" * 37 + "..." + "x" * 38 + "'"] * 6) + ", ...] "
     "(list)"),
    ({1: "x"}, "unknown parameter 1: no notebook declares it"),
    ({"notebooks": {3: {}}}, "no notebook is called 3"),
    ({"notebooks": {"team": {"columns": {"staff": "member_id"}}}},
     "notebooks: team: columns is given once, at the top of the params file (columns:), where "
     "cpo-kit validate reads it too"),
]


@pytest.mark.parametrize("params, message", VALUE_CASES)
def test_values_are_checked_inside_as_the_notebooks_use_them(params, message):
    if message is None:
        resolve_real(params)
        return
    with pytest.raises(ParamsError) as error:
        resolve_real(params)
    assert str(error.value) == f"my.yml: {message}"


def test_a_date_inside_a_mapping_reaches_the_notebook_as_iso_text():
    out = resolve_real({"milestones": {"launch": dt.date(2026, 3, 1)},
                        "tornado_ranges": {"delay_months": [0, 3]}})
    assert out["customer_voice"]["milestones"] == {"launch": "2026-03-01"}
    assert out["business_case"]["tornado_ranges"] == {"delay_months": [0, 3]}


def test_an_option_is_named_with_its_password_masked():
    with pytest.raises(ParamsError) as error:
        resolve_real({}, ["compan_name=postgres://ana:hunter2@db/x"])
    assert str(error.value) == ("-p compan_name=postgres://ana:***@db/x: unknown parameter "
                                "'compan_name': no notebook declares it (did you mean "
                                "'company_name'?)")


def test_columns_is_given_in_the_file_only():
    with pytest.raises(ParamsError) as error:
        resolve_real({}, ["columns={customer: account_id}"])
    assert str(error.value) == ("-p columns={customer: account_id}: columns is given once, at "
                                "the top of the params file (columns:), where cpo-kit validate "
                                "reads it too")


def test_each_value_knows_where_it_was_given():
    given = given_parameters({"window": 4, "notebooks": {"alpha": {"capacity": 2}}},
                             ["beta.window=6"], ["alpha", "beta"], source="my.yml",
                             declared=DECLARED)
    assert given == {"alpha": {"capacity": Given(2.0, "my.yml")},
                     "beta": {"window": Given(6, "-p beta.window=6")}}


def test_every_list_and_mapping_parameter_has_a_rule_for_what_is_inside():
    unruled = {(name, p.name) for name in NOTEBOOKS
               for p in declared_parameters(name).values()
               if p.type in ("list", "dict") and p.name not in _RULES
               and p.name not in SET_BY_RUNNER + FILE_ONLY}
    assert unruled == set()


#: Values every rule must let through as they are.
ACCEPTED = [
    {"currency": "USD", "locale": "de_DE", "week_start": "sunday", "period": "month"},
    {"currency": "", "locale": ""},
    {"plan_score": "wsjf", "forecast_method": "ets", "price_change": "2025-09-01"},
    {"price_change": dt.date(2025, 9, 1), "funnel_window": "12h"},
    {"funnel_steps": ["signup", "login"], "targets": {"wau": 1100, "nps": {"target": 30}}},
    {"wsjf_weights": [1, 2.5, 0], "decisions": ["Ship it."], "risks": []},
    {"ladder": {"PM": {"skill_strategy": 3}}, "role_rungs": {"staff pm": "senior PM"},
     "onboarding_plan": {"learn": [30, 0.33]}, "senior_rungs": ["VP"]},
    {"tornado_ranges": {"ramp_up": [0.4, 0.6]}, "proposed_statuses": ["idea"]},
    {"milestones": {"launch": "2026-03-01", "incident": dt.date(2026, 3, 9)}},
]


@pytest.mark.parametrize("params", ACCEPTED)
def test_good_values_pass_every_rule(params):
    out = resolve_real(params)
    given = {name: value for values in out.values() for name, value in values.items()}
    assert set(given) == set(params)


@pytest.mark.parametrize("company", ["brightlane", "tidewell"])
def test_the_sample_companies_params_files_pass(company):
    from conftest import COMPANIES

    from cpo_kit.inputs.params_file import load_params

    resolve_real(load_params(COMPANIES[company][1]))
