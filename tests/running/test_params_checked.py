"""A params file that ``cpo-kit validate`` passes is never refused by ``cpo-kit run``.

Both check through one function (:func:`cpo_kit.running.preflight.checked_inputs`). Here each
hand-written hostile params file goes through both commands, as a user runs them
(a process of its own each): both must refuse it with the same one line, naming the
params file, with exit status 2, and the run must write nothing.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import cpo_kit

#: A tiny company: three tables, every step of the default funnel among its events, which
#: run from 2026-09-01 to 2026-10-30.
TINY_COMPANY = {
    "accounts.csv": "account_id,name,segment,signup_date\n"
                    "A1,Acme,SMB,2026-01-05\nA2,Birch,Enterprise,2026-02-10\n",
    "users.csv": "user_id,account_id,signup_at\n"
                 "u1,A1,2026-01-05 09:00:00\nu2,A2,2026-02-10 10:00:00\n",
    "events.csv": "user_id,timestamp,event\n"
                  "u1,2026-09-01 09:00:00,signup\nu1,2026-09-01 09:05:00,login\n"
                  "u1,2026-09-02 10:00:00,create_report\nu1,2026-09-02 10:30:00,share_report\n"
                  "u2,2026-10-30 08:00:00,login\n",
}


def write_tiny_company(folder: Path) -> Path:
    """Write :data:`TINY_COMPANY` into ``folder``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TINY_COMPANY.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_company(tmp_path_factory) -> Path:
    return write_tiny_company(tmp_path_factory.mktemp("tiny") / "data")


#: The pieces of a URL the cases use.
NO_DUCKDB = "/cpo-kit-no-such-folder/warehouse.duckdb"
ENGINES = ("pyspark:, athena://, bigquery://, clickhouse://, databricks://, datafusion://, "
           "druid://, duckdb://, exasol://, flink://, impala://, materialize://, mssql://, "
           "mysql://, oracle://, polars://, postgres://, risingwave://, singlestoredb://, "
           "snowflake://, sqlite://, trino://")

#: A params file's bytes, and the line both commands refuse it with after "cpo-kit: FILE".
HOSTILE = [
    pytest.param(b"company_name: Acme\ncompany_name: Birch\n",
                 ":2: not valid YAML: the key 'company_name' is given twice in one mapping",
                 id="a-key-twice"),
    pytest.param("company_name: Acme\n".encode("utf-16"),
                 ": the params file is UTF-16 text; save it as UTF-8", id="utf-16"),
    pytest.param("company_name: Acme\ncompany_name_2: Café\n".encode("latin-1"),
                 ":2: the params file is not UTF-8 text (byte 0xe9); save it as UTF-8",
                 id="latin-1"),
    pytest.param("\ufefftrend_months: many\n".encode("utf-8"),
                 ": trend_months of notebook strategy: expected a whole number (int), found "
                 "'many' (str)", id="utf-8-byte-order-mark"),
    pytest.param(b"company_name: Acme\x00\n",
                 ":1: not valid YAML: the character '\\x00' may not be in it", id="nul-byte"),
    pytest.param(b"company_name: !!python/object/apply:os.system [echo pwned]\n",
                 ":1: not valid YAML: could not determine a constructor for the tag "
                 "'tag:yaml.org,2002:python/object/apply:os.system'", id="python-tag"),
    pytest.param(b"notebooks:\n\tteam:\n\t\tgap_threshold: 1\n",
                 ":2: not valid YAML: found character '\\t' that cannot start any token",
                 id="tab-indent"),
    pytest.param(b"company_name: " + b"[" * 3000 + b"]" * 3000 + b"\n",
                 ": not valid YAML: nested too deeply", id="deep-nesting"),
    pytest.param(b"company_name: &loop [*loop]\n",
                 ": company_name of notebook kpi_overview: expected text (str), found "
                 "[[[[...]]]] (list)", id="alias-loop"),
    pytest.param(b"gap_warning: 1.0e+999\n",
                 ": gap_warning of notebook market: expected a number (float), found inf "
                 "(float)", id="huge-float"),
    pytest.param(b"spike_alpha: .nan\n",
                 ": spike_alpha of notebook customer_voice: expected a number (float), found "
                 "nan (float)", id="not-a-number"),
    pytest.param(b"- company_name\n- Acme\n",
                 ": expected a mapping of names to values, found a list", id="a-list"),
    pytest.param(b"company_nme: Acme\n",
                 ": unknown parameter 'company_nme': no notebook declares it (did you mean "
                 "'company_name'?)", id="unknown-key"),
    pytest.param(b"notebooks:\n  teams: {gap_threshold: 1}\n",
                 ": no notebook is called 'teams' (did you mean 'team'?)",
                 id="unknown-notebook"),
    pytest.param(b"notebooks: [team]\n",
                 ": notebooks: expected a mapping of notebook names to their parameters",
                 id="notebooks-a-list"),
    pytest.param(b"results_dir: /tmp/elsewhere\n",
                 ": results_dir is set by cpo-kit run itself; leave it out",
                 id="set-by-the-runner"),
    pytest.param(b"notebooks:\n  team:\n    columns: {staff_id: member_id}\n",
                 ": notebooks: team: columns is given once, at the top of the params file "
                 "(columns:), where cpo-kit validate reads it too", id="columns-in-a-section"),
    pytest.param(b"columns: {accounts: [account_id]}\n",
                 ": columns: accounts: expected names, found ['account_id']",
                 id="columns-shape"),
    pytest.param(b"categories: {accounts: [segment]}\n",
                 ": categories: accounts: expected a mapping of tables to columns to lists of "
                 "values, such as 'accounts: {segment: [Consumer, Business]}'",
                 id="categories-shape"),
    pytest.param(b"milestones: {launch: next spring}\n",
                 ": milestones: launch: 'next spring' is not a date written as YYYY-MM-DD, "
                 "such as 2026-10-31", id="nested-date"),
    pytest.param(b"funnel_steps: [signup, 7]\n",
                 ": funnel_steps: item 2: expected text, found 7", id="funnel-step-a-number"),
    pytest.param(b"company_name: Acme\r\nperiod_end: 2026-02-30\r\n",
                 ": period_end: 2026-02-30 is not a real day", id="no-real-day-crlf"),
    pytest.param(b"period_end: 2027-01-31\n",
                 ": period_end: 2027-01-31 is after the data, which runs from 2026-09-01 to "
                 "2026-10-30", id="period-end-after-the-data"),
    pytest.param(b"notebooks:\n  product_kpis:\n    funnel_steps: [signup, log_in]\n",
                 ": funnel_steps: no event is named 'log_in' in the events (closest: 'login')",
                 id="funnel-step-no-event-has"),
    pytest.param(b"events_source: 'snowflake://ana:hunter2@account/db?table=events'\n",
                 ": events_source: snowflake://ana:***@account/db?table=events writes a "
                 "password out; write it as ${VARIABLE} and set that variable in the "
                 "environment", id="password-written-out"),
    pytest.param(b"events_source: 'duckdb://" + NO_DUCKDB.encode() + b"?table=events'\n",
                 f": events_source: duckdb://{NO_DUCKDB}?table=events: no such DuckDB "
                 f"database file: {NO_DUCKDB}", id="duckdb-file-missing"),
    pytest.param(b"events_source: 'warehouse://db/product?table=events'\n",
                 ": events_source: warehouse://db/product?table=events: unknown kind of engine "
                 f"'warehouse': start it with one of {ENGINES}", id="unknown-engine"),
    pytest.param(b"events_source: 'pyspark:?master=local[2]'\n",
                 ": events_source: pyspark:?master=local[2]: say where the events are: "
                 "?parquet=<path> or ?table=<name>", id="spark-without-events"),
]


def refused_alike(data: Path, out: Path, *args, env=None) -> tuple[str, str]:
    """Run validate and run with ``args``; both must refuse in one same line, writing nothing."""
    checked = cpo_kit("validate", data, *args, env=env)
    ran = cpo_kit("run", data, *args, "--out", out, env=env)
    assert (checked.returncode, checked.stdout) == (2, ""), checked.stderr
    assert (ran.returncode, ran.stdout) == (2, ""), ran.stderr
    assert checked.stderr == ran.stderr
    assert not out.exists()
    return checked.stderr, ran.stderr


@pytest.mark.parametrize("content, message", HOSTILE)
def test_validate_and_run_refuse_a_hostile_params_file_with_the_same_line(tiny_company, tmp_path,
                                                                          content, message):
    params = tmp_path / "params.yml"
    params.write_bytes(content)
    said, _ = refused_alike(tiny_company, tmp_path / "runs", "--params", params)
    assert said == f"cpo-kit: {params}{message}\n"
    # ibis would create an empty database where none is: the check creates nothing.
    assert not Path(NO_DUCKDB).parent.exists()


#: ``-p`` options, and the line both commands refuse them with after "cpo-kit: ".
OPTIONS = [
    pytest.param("events_source=snowflake://ana:hunter2@account/db?table=events",
                 "-p events_source=snowflake://ana:***@account/db?table=events: events_source: "
                 "writes a password out; write it as ${VARIABLE} and set that variable in the "
                 "environment", id="password-written-out"),
    pytest.param("product_kpis.events_source=ftp://files/events?table=events",
                 "-p product_kpis.events_source=ftp://files/events?table=events: events_source: "
                 f"unknown kind of engine 'ftp': start it with one of {ENGINES}",
                 id="unknown-engine"),
    pytest.param("period_end=2026-08-31",
                 "-p period_end=2026-08-31: period_end: 2026-08-31 is before the data, which "
                 "runs from 2026-09-01 to 2026-10-30", id="period-end-before-the-data"),
    pytest.param("columns={staff_id: member_id}",
                 "-p columns={staff_id: member_id}: columns is given once, at the top of the "
                 "params file (columns:), where cpo-kit validate reads it too",
                 id="columns-as-an-option"),
]


@pytest.mark.parametrize("option, message", OPTIONS)
def test_validate_and_run_refuse_a_bad_option_with_the_same_line(tiny_company, tmp_path, option,
                                                                  message):
    said, _ = refused_alike(tiny_company, tmp_path / "runs", "-p", option)
    assert said == f"cpo-kit: {message}\n"


def test_spark_without_java_is_refused_by_both_before_any_notebook(tiny_company, tmp_path):
    params = tmp_path / "params.yml"
    events = tmp_path / "events.parquet"
    events.write_bytes(b"")
    params.write_text(f"events_source: 'pyspark:?parquet={events}'\n")
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # no java here; the command itself is started by full path
    said, _ = refused_alike(tiny_company, tmp_path / "runs", "--params", params, env=env)
    assert said == (f"cpo-kit: {params}: events_source: pyspark:?parquet={events}: Spark needs "
                    "Java, and no java is on the PATH: install openjdk-17-jre-headless (sudo "
                    "apt-get install openjdk-17-jre-headless)\n")


def test_what_validate_passes_run_takes(tiny_company, tmp_path):
    params = tmp_path / "params.yml"
    params.write_text("company_name: Acme\nperiod_end: 2026-10-30\ncurrency: EUR\nlocale: de_DE\n"
                      "milestones: {launch: 2026-09-15}\n"
                      "notebooks:\n  product_kpis:\n    funnel_steps: [signup, login]\n")
    checked = cpo_kit("validate", tiny_company, "--params", params)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.splitlines()[0] == f"{tiny_company}: 3 of 13 tables present, all valid"
    ran = cpo_kit("run", tiny_company, "--params", params, "--out", tmp_path / "runs",
                  "--only", "team")
    assert ran.returncode == 0, ran.stderr
