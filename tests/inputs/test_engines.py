"""The events on another engine: Apache Spark (local[2]) and a DuckDB database file.

The sample company's events are loaded into each engine as a table; the whole
events metric suite then runs there and must give what it gives on the events
file with the default in-process DuckDB.
"""
from __future__ import annotations

import json
import os
from importlib import metadata

import duckdb
import pandas as pd
import pytest
from conftest import cpo_kit

from cpo_kit import load_company
from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.sources import check_events_source, connect_events, spark_session
from cpo_kit.metrics.suite import events_suite

PERIOD_END = "2026-10-31"
#: Means of many floating-point numbers: a distributed sum adds them in another order.
SUMMED_IN_ANY_ORDER = {"mean_hours_to_convert"}


@pytest.fixture(scope="module")
def small_tables(sample_dir, tmp_path_factory):
    """The sample's small tables only: the events live on the engine."""
    folder = tmp_path_factory.mktemp("small-tables")
    for path in sample_dir.iterdir():
        if path.stem != "events":
            (folder / path.name).symlink_to(path)
    return folder


@pytest.fixture(scope="module")
def on_duckdb(sample_dir):
    return events_suite(load_company(sample_dir), period_end=PERIOD_END)


@pytest.fixture(scope="module")
def spark(sample_dir):
    session = spark_session("local[2]")
    session.read.parquet(str(sample_dir / "events.parquet")).createOrReplaceTempView(
        "product_events")
    yield session
    session.stop()


def _assert_same(left: dict, right: dict) -> None:
    assert set(left) == set(right)
    for name in left:
        a, b = left[name].reset_index(drop=True), right[name].reset_index(drop=True)
        assert list(a.columns) == list(b.columns), name
        exact = [c for c in a.columns if c not in SUMMED_IN_ANY_ORDER]
        pd.testing.assert_frame_equal(a[exact], b[exact], check_exact=True, obj=name)
        for column in set(a.columns) & SUMMED_IN_ANY_ORDER:
            pd.testing.assert_series_equal(a[column], b[column], rtol=1e-12, obj=name)


def test_the_events_suite_on_spark_equals_the_suite_on_duckdb(spark, small_tables, on_duckdb):
    company = load_company(small_tables, events_source="pyspark:?master=local[2]"
                                                       "&table=product_events")
    assert company.table("events").get_backend().name == "pyspark"
    on_spark = events_suite(company, period_end=PERIOD_END)
    _assert_same(on_duckdb, on_spark)
    # The same cohorts, counts and rates, written out for two of them.
    assert len(on_spark["retention"]) == len(on_duckdb["retention"]) == 5460
    assert on_spark["funnel"]["users"].tolist() == [2425, 2336, 2172, 416]


def test_the_events_suite_on_a_duckdb_database_file(sample_dir, small_tables, tmp_path,
                                                    on_duckdb):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE product_events AS SELECT * FROM read_parquet(?)",
                    [str(sample_dir / "events.parquet")])
    company = load_company(small_tables,
                           events_source=f"duckdb://{database}?table=product_events")
    _assert_same(on_duckdb, events_suite(company, period_end=PERIOD_END))


@pytest.mark.parametrize("url, message", [
    ("pyspark:?master=local[2]", "pyspark:?master=local[2]: say where the events are: "
                                 "?parquet=<path> or ?table=<name>"),
    ("duckdb:///tmp/x.duckdb", "duckdb:///tmp/x.duckdb: say which table holds the events: "
                               "?table=<name>"),
    ("pyspark:?master=local[2]&parquet=${CPO_KIT_NOT_SET}",
     "pyspark:?master=local[2]&parquet=${CPO_KIT_NOT_SET}: the environment variable "
     "CPO_KIT_NOT_SET is not set"),
    ("pyspark:?parquet=/cpo-kit-no-such-folder",
     "pyspark:?parquet=/cpo-kit-no-such-folder: no such Parquet file or folder: "
     "/cpo-kit-no-such-folder"),
    ("duckdb://?table=events", "duckdb://?table=events: name the DuckDB database file, as in "
                               "duckdb:///srv/product.duckdb?table=events"),
    ("duckdb:///srv/${CPO_KIT_NOT_SET}.duckdb?table=events",
     "duckdb:///srv/${CPO_KIT_NOT_SET}.duckdb?table=events: the environment variable "
     "CPO_KIT_NOT_SET is not set"),
    ("postgress://db/product?table=events",
     "postgress://db/product?table=events: unknown kind of engine 'postgress' (did you mean "
     "'postgres'?): start it with one of pyspark:, athena://, bigquery://, clickhouse://, "
     "databricks://, datafusion://, druid://, duckdb://, exasol://, flink://, impala://, "
     "materialize://, mssql://, mysql://, oracle://, polars://, postgres://, risingwave://, "
     "singlestoredb://, snowflake://, sqlite://, trino://"),
    ("events.csv?table=events", "events.csv?table=events: not the URL of an engine: start it "
     "with one of pyspark:, athena://, bigquery://, clickhouse://, databricks://, "
     "datafusion://, druid://, duckdb://, exasol://, flink://, impala://, materialize://, "
     "mssql://, mysql://, oracle://, polars://, postgres://, risingwave://, singlestoredb://, "
     "snowflake://, sqlite://, trino://"),
    ("http://[::1?table=events", "http://[::1?table=events: not a URL (Invalid IPv6 URL)"),
    ("duckdb:///srv/x.duckdb?table=events\nrm -rf /",
     "'duckdb:///srv/x.duckdb?table=events\\nrm -rf /': not a URL: it holds a line break or "
     "another control character"),
])
def test_an_engine_url_that_cannot_work_says_why(url, message):
    # Each is refused before an engine is started or a connection tried.
    with pytest.raises(ParamsError) as error:
        connect_events(url)
    assert str(error.value) == message


def test_a_duckdb_file_that_does_not_exist_is_refused_and_not_created(tmp_path):
    # ibis.connect would create an empty database there, and the notebook would then
    # fail on a missing table.
    missing = tmp_path / "warehouse.duckdb"
    for check in (check_events_source, connect_events):
        with pytest.raises(ParamsError) as error:
            check(f"duckdb://{missing}?table=events")
        assert str(error.value) == (f"duckdb://{missing}?table=events: no such DuckDB "
                                    f"database file: {missing}")
    assert list(tmp_path.iterdir()) == []


def test_an_engine_whose_ibis_backend_is_not_installed_says_what_to_install(monkeypatch):
    # Whatever is installed here: the check reads ibis's list of what each backend needs.
    real = metadata.version

    def version(name):
        if name == "snowflake-connector-python":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", version)
    with pytest.raises(ParamsError) as error:
        connect_events("snowflake://analyst:${SNOWFLAKE_PASSWORD}@account/db?table=events")
    assert str(error.value) == (
        "snowflake://analyst:${SNOWFLAKE_PASSWORD}@account/db?table=events: the ibis backend "
        "for snowflake is not installed (missing snowflake-connector-python): pip install "
        "'ibis-framework[snowflake]'")


@pytest.mark.parametrize("java_home, message", [
    (None, "Spark needs Java, and no java is on the PATH: install openjdk-17-jre-headless "
           "(sudo apt-get install openjdk-17-jre-headless)"),
    ("/cpo-kit-no-java", "Spark needs Java, and JAVA_HOME (/cpo-kit-no-java) holds no "
                         "bin/java: point it at a Java installation, or unset it"),
])
def test_spark_without_java_is_refused_before_it_starts(sample_dir, tmp_path, monkeypatch,
                                                        java_home, message):
    monkeypatch.setenv("PATH", str(tmp_path))
    if java_home:
        monkeypatch.setenv("JAVA_HOME", java_home)
    else:
        monkeypatch.delenv("JAVA_HOME", raising=False)
    url = f"pyspark:?parquet={sample_dir / 'events.parquet'}"
    with pytest.raises(ParamsError) as error:
        connect_events(url)
    assert str(error.value) == f"{url}: {message}"


def test_spark_without_pyspark_says_what_to_install(monkeypatch):
    real = metadata.version

    def version(name):
        if name == "pyspark":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", version)
    with pytest.raises(ParamsError) as error:
        check_events_source("pyspark:?table=analytics.events")
    assert str(error.value) == ("pyspark:?table=analytics.events: Spark is not installed "
                                "(missing pyspark): pip install 'ibis-framework[pyspark]'")


def test_a_cluster_reads_a_path_without_a_scheme_from_its_own_storage():
    # Not this machine's disk: nothing to check here.
    check_events_source("pyspark:?master=spark://head:7077&parquet=/warehouse/events")


def test_a_run_with_the_events_on_spark_gives_the_same_headline_numbers(
        small_tables, sample_dir, sample_run, tmp_path):
    runs, _ = sample_run
    secret = "s3cr3t-4c1d-b4tt3ry"
    url = (f"pyspark:?master=local[2]&parquet={sample_dir / 'events.parquet'}"
           "&spark.cpo.planted=${CPO_KIT_PLANTED}")
    result = cpo_kit("run", small_tables, "--out", tmp_path / "runs", "--only",
                     "kpi_overview", "product_kpis", "-p", f"events_source={url}",
                     # as the DuckDB run of the sample it is compared with
                     "-p", "product_kpis.unusual_window=6",
                     env={**os.environ, "CPO_KIT_PLANTED": secret})
    assert result.returncode == 0, result.stderr[-3000:]
    spark_run = tmp_path / "runs" / "latest"
    for notebook in ("kpi_overview", "product_kpis"):
        on_spark = json.loads((spark_run / f"{notebook}_results" / "headline.json")
                              .read_text())["headlines"]
        on_duckdb = json.loads((runs / "latest" / f"{notebook}_results" / "headline.json")
                               .read_text())["headlines"]
        assert {k: h["value"] for k, h in on_spark.items()} == {
            k: h["value"] for k, h in on_duckdb.items()}, notebook
    # The credential was read from the environment where Spark started, and no file of
    # the run holds it.
    files = [p for p in spark_run.resolve().rglob("*") if p.is_file()]
    assert files and not [p for p in files if secret.encode() in p.read_bytes()]
    assert "${CPO_KIT_PLANTED}" in (spark_run / "manifest.json").read_text()


def test_a_password_written_into_a_parameter_is_refused(sample_dir, tmp_path):
    result = cpo_kit("run", sample_dir, "--out", tmp_path / "runs", "--only", "kpi_overview",
                     "-p", "events_source=snowflake://ana:hunter2@account/db?table=events")
    assert result.returncode == 2
    assert result.stderr == (
        "cpo-kit: -p events_source=snowflake://ana:***@account/db?table=events: events_source: "
        "writes a password out; write it as ${VARIABLE} and set that variable in the "
        "environment\n")
    assert not (tmp_path / "runs").exists()
