"""Fuzzing the params file: random YAML for every parameter the notebooks declare.

Whatever a params file holds, ``cpo-kit validate --params`` and ``cpo-kit run --params``
either take it (exit 0) or refuse it in one line that starts ``cpo-kit: `` and names
the file (exit 2), and both say the same: a file that validate passes is never
refused by run. A refused run writes nothing; an earlier run in its folder stays
as it was. A traceback, an "internal error" or any other exit status is a defect.

Both commands go through :func:`cpo_kit.cli.main` in this process. Examples are
derandomized, so that every run of the suite (and CI) tries the same files.
"""
from __future__ import annotations

import ast
import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_params_checked import write_tiny_company

import cpo_kit.running.playbook
from cpo_kit.cli import main
from cpo_kit.running.notebooks import NOTEBOOKS
from cpo_kit.running.parameters import RESERVED, SET_BY_RUNNER, declared_parameters

DECLARED = {name: declared_parameters(name) for name in NOTEBOOKS}
#: Every parameter name, with one of its declarations (the type is the same in each notebook).
PARAMETERS = {p.name: p for params in DECLARED.values() for p in params.values()}
NAMES = sorted(PARAMETERS)

#: Text the parameters take, and near misses.
TEXTS = st.one_of(
    st.sampled_from(["", "2026-10-30", "2026-09-15", "2026-02-30", "30/10/2026", "week",
                     "fortnight", "rice", "ets", "7D", "-3D", "EUR", "EURO", "en_US", "xx_YY",
                     "monday", "signup", "login", "${HOME}", "postgres://a:b@h/db",
                     "duckdb:///nowhere.duckdb?table=events", "<script>", "é€😀"]),
    st.text(max_size=12))
#: Scalars YAML reads.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), TEXTS)
#: Any YAML value: scalars, and lists and mappings of them, a few levels deep.
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(NAMES)), inner, max_size=4)),
    max_leaves=10)


def value_for(name: str) -> st.SearchStrategy:
    """Values for one parameter: its default, one of its type, or anything at all."""
    parameter = PARAMETERS[name]
    default = ast.literal_eval(parameter.default)
    typed = {"str": TEXTS,
             "int": st.integers(-10**6, 10**6), "float": st.floats(-1e6, 1e6),
             "bool": st.booleans(), "list": st.lists(SCALARS, max_size=4),
             "dict": st.dictionaries(st.text(max_size=8), VALUES, max_size=3)}[parameter.type]
    if name == "period_end":  # inside the tiny company's data, or near it
        typed = st.dates(dt.date(2026, 8, 25), dt.date(2026, 11, 5))
    return st.one_of(st.just(default), typed, VALUES)


@st.composite
def documents(draw) -> dict:
    """A params file's mapping: some parameters, some reserved sections, some mistakes."""
    names = draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True))
    doc = {name: draw(value_for(name)) for name in names}
    if draw(st.booleans()):
        notebook = draw(st.sampled_from([*NOTEBOOKS, "teams"]))
        own = DECLARED.get(notebook, DECLARED["team"])
        chosen = draw(st.lists(st.sampled_from(sorted(own)), max_size=3, unique=True))
        doc["notebooks"] = {notebook: {name: draw(value_for(name)) for name in chosen}}
    for key in draw(st.lists(st.sampled_from([*RESERVED, *SET_BY_RUNNER, "compnay_name", "1"]),
                             max_size=1)):
        doc[key] = draw(VALUES)
    return doc


#: YAML that no mapping dumped by PyYAML holds: aliases, merges, tags, tabs, repeated keys.
ODD_LINES = [
    "company_name: &name Acme\nlocale: *name\n",
    "base: &base {company_name: Acme}\n",
    "<<: {company_name: Acme}\n",
    "company_name: &loop [*loop]\n",
    "company_name: !!python/object/apply:os.system [echo pwned]\n",
    "company_name: !!binary aGVsbG8=\n",
    "company_name: !!set {a, b}\n",
    "trend_months: !!float 3\n",
    "trend_months: 1" + "0" * 400 + "\n",
    "gap_warning: 1.0e+999\n",
    "period_end: 2026-10-30\nperiod_end: 2026-10-29\n",
    "notebooks:\n\tteam: {}\n",
    "decisions: " + "[" * 2000 + "]" * 2000 + "\n",
    "? [a, b]\n: c\n",
    "company_name: 'unclosed\n",
    "%YAML 1.1\n---\ncompany_name: Acme\n",
    "company_name: Acme\n---\ncompany_name: Birch\n",
]


@st.composite
def params_files(draw) -> bytes:
    """The bytes of a params file: a dumped document, odd lines, an encoding, damage."""
    text = yaml.safe_dump(draw(documents()), allow_unicode=True, sort_keys=False,
                          default_flow_style=draw(st.sampled_from([False, False, None])))
    if draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from(ODD_LINES))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16",
                                     "latin-1"]))
    content = text.encode(encoding, errors="replace")
    damage = draw(st.sampled_from(["none", "none", "none", "nul", "cut", "tab"]))
    at = draw(st.integers(0, max(len(content) - 1, 0)))
    if damage == "nul":
        content = content[:at] + b"\x00" + content[at:]
    elif damage == "cut":
        content = content[:at]
    elif damage == "tab":
        content = content.replace(b"  ", b"\t", 1)
    return content


@pytest.fixture(scope="module")
def tiny_company(tmp_path_factory) -> Path:
    return write_tiny_company(tmp_path_factory.mktemp("tiny") / "data")


@pytest.fixture
def recorded(monkeypatch):
    """``run`` without its notebooks: the recorder stands in for their execution.

    Executing the notebooks of a run that the checks let through takes minutes, and
    they are not under test here: what a run passes them is. The recorder keeps
    what each notebook would get, and returns each as finished, so the run writes
    its folder and manifest as after any complete run.
    """
    calls = []

    def record(names, parameters, folder, **options):
        # The parameters go to each notebook's process as JSON: they must be JSON.
        json.dumps(parameters)
        calls.append(names)
        return [cpo_kit.running.playbook.NotebookRun(name, "ok", 0.0) for name in names]

    monkeypatch.setattr(cpo_kit.running.playbook, "_execute_all", record)
    return calls


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<folder>"
            for p in sorted(folder.rglob("*"))}


def _earlier_run(out: Path) -> None:
    """A complete earlier run in ``out``, as a run leaves it."""
    earlier = out / "2026-10-01-abcdef0"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"run": "2026-10-01-abcdef0"}\n')
    cpo_kit.running.playbook._point_latest(out, earlier.name)


def run_both(data: Path, content: bytes, capsys, calls: list) -> None:
    """Validate and run one params file; fail unless both take it, or both refuse it alike."""
    with tempfile.TemporaryDirectory() as folder:
        params, out = Path(folder) / "params.yml", Path(folder) / "runs"
        params.write_bytes(content)
        _earlier_run(out)
        before = _files(out)
        capsys.readouterr()
        checked = main(["validate", str(data), "--params", str(params)])
        said = capsys.readouterr()
        ran = main(["run", str(data), "--params", str(params), "--out", str(out)])
        run_said = capsys.readouterr()
        for code, what in ((checked, said), (ran, run_said)):
            assert "Traceback" not in what.err and "internal error" not in what.err, what.err
            assert code in (0, 2), what.err
        # What validate passes, run takes; what validate refuses, run refuses in its words.
        assert checked == ran, (said.err, run_said.err)
        if ran == 2:
            assert said.err == run_said.err
            assert said.err.startswith(f"cpo-kit: {params}"), said.err
            assert said.err.count("\n") == 1 and said.err.endswith("\n"), said.err
            assert _files(out) == before
            assert not calls
        else:
            assert said.err == "", said.err
            assert calls == [list(NOTEBOOKS)]
            # The new run beside the earlier one, which is as it was.
            assert {k: v for k, v in _files(out).items() if k in before} == before
        calls.clear()


FUZZ = settings(max_examples=125, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(content=params_files())
def test_validate_and_run_take_or_refuse_any_params_file_alike(tiny_company, capsys, recorded,
                                                               content):
    run_both(tiny_company, content, capsys, recorded)


@FUZZ
@given(doc=documents())
def test_validate_and_run_take_or_refuse_any_parameters_alike(tiny_company, capsys, recorded,
                                                              doc):
    # Plain YAML, no damage: more of the files get past the reading to the values' checks.
    run_both(tiny_company, yaml.safe_dump(doc, allow_unicode=True).encode(), capsys, recorded)
