"""Databases as a run's data: DuckDB files and URLs, with credentials kept out of outputs."""
from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from conftest import ROOT

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.sources import (SCHEMES, Connection, Opener, Scheme, connect, is_database,
                                    masked, open_source, parse)

SECRET = "planted-Secret-4f9c2e"


def _database(path, folder, *, key=None, tables=None):
    """Copy the tables of a data folder into a DuckDB database (encrypted with ``key``)."""
    con = duckdb.connect()
    if key:
        # Writing encrypted files needs httpfs, not installed offline; reading does not.
        con.execute("SET force_mbedtls_unsafe = 'true'")
    options = f" (ENCRYPTION_KEY '{key}')" if key else ""
    con.execute(f"ATTACH '{path}' AS db{options}")
    for file in sorted(folder.iterdir()):
        if tables is None or file.stem in tables:
            reader = "read_parquet" if file.suffix == ".parquet" else "read_csv"
            con.execute(f"CREATE TABLE db.{file.stem} AS SELECT * FROM {reader}('{file}')")
    con.close()
    return path


@pytest.mark.parametrize("text, expected", [
    ("postgresql://ana:hunter2@db.internal/product", "postgresql://ana:***@db.internal/product"),
    ("postgresql://ana:${PGPASSWORD}@db/product", "postgresql://ana:${PGPASSWORD}@db/product"),
    ("duckdb:///data/co.duckdb?encryption_key=abc123", "duckdb:///data/co.duckdb?encryption_key=***"),
    ("duckdb:///data/co.duckdb?encryption_key=${KEY}", "duckdb:///data/co.duckdb?encryption_key=${KEY}"),
    ("mysql://reader@db/prod?password=pw", "mysql://reader@db/prod?password=***"),
    ("data/company", "data/company"),
])
def test_literal_secrets_are_masked_and_variables_are_shown_by_name(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize("data, expected", [
    ("data/sample", False), ("company.duckdb", True), ("company.DB", True),
    ("postgresql://ana@db/x", True)])
def test_what_counts_as_a_database(data, expected):
    assert is_database(data) is expected


def test_a_duckdb_file_is_read_as_a_snapshot_of_its_contract_tables(tmp_path, sample_dir):
    path = _database(tmp_path / "company.duckdb", sample_dir, tables=("accounts", "mrr"))
    with open_source(path) as source:
        assert source.database and source.shown == str(path)
        assert sorted(p.name for p in source.folder.iterdir()) == ["accounts.parquet",
                                                                   "mrr.parquet"]
        accounts = pd.read_parquet(source.folder / "accounts.parquet")
        assert len(accounts) == 463 and accounts["account_id"].iloc[0] == "A00001"
        snapshot = source.folder
    assert not snapshot.exists()  # the snapshot lasts as long as the run


def test_problems_in_a_database_name_the_database_table_row_and_column(tmp_path, cli):
    path = tmp_path / "company.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE accounts (account_id VARCHAR, name VARCHAR, segment VARCHAR, "
                "signup_date DATE)")
    con.execute("INSERT INTO accounts VALUES ('A1', 'Acme', 'SMB', '2026-01-05'), "
                "('A2', 'Birch', NULL, '2026-02-01')")
    con.close()
    code, _, err = cli("validate", path)
    assert code == 2
    assert err.startswith(f"{path} (table accounts):2: segment: missing value")


@pytest.mark.parametrize("data, message", [
    ("duckdb:///nowhere.duckdb?encryption_key=${CPO_TEST_UNSET_VARIABLE}",
     "the environment variable CPO_TEST_UNSET_VARIABLE is not set"),
    ("ftp://host/data", "unknown kind of database 'ftp'"),
    ("duckdb:///x.duckdb?mode=fast", "unknown option 'mode' of a duckdb:// URL"),
])
def test_bad_database_sources_say_what_is_wrong(data, message):
    with pytest.raises(ParamsError, match=message):
        with open_source(data):
            pass


def test_a_wrong_key_is_refused_without_showing_it(tmp_path, sample_dir, monkeypatch):
    path = _database(tmp_path / "locked.duckdb", sample_dir, key=SECRET, tables=("accounts",))
    monkeypatch.setenv("CPO_TEST_KEY", SECRET + "-wrong")
    with pytest.raises(ParamsError) as error:
        with open_source(f"duckdb://{path}?encryption_key=${{CPO_TEST_KEY}}"):
            pass
    assert "cannot open the database" in str(error.value)
    assert SECRET not in str(error.value)


def test_a_run_on_an_encrypted_database_writes_the_key_nowhere(tmp_path, sample_dir):
    """The planted secret: a run's every output file is searched for it."""
    path = _database(tmp_path / "locked.duckdb", sample_dir, key=SECRET)
    out = tmp_path / "runs"
    url = f"duckdb://{path}?encryption_key=${{CPO_TEST_KEY}}"
    env = {"PATH": "/usr/bin:/bin", "CPO_TEST_KEY": SECRET, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "cpo_kit.cli", "run", url, "--out", str(out),
                             "--only", "kpi_overview", "product_kpis", "--jobs", "2"],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    run = (out / "latest").resolve()
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"manifest.json", "run.log", "kpi_overview.ipynb",
                                          "product_kpis.ipynb", "headline.json"}
    for file in written:
        assert SECRET.encode() not in file.read_bytes(), file
    assert SECRET not in result.stdout + result.stderr
    manifest = (run / "manifest.json").read_text()
    assert "encryption_key=${CPO_TEST_KEY}" in manifest  # the source, shown by name


@pytest.mark.parametrize("url, scheme, where, options, shown", [
    ("pyspark:?master=local[2]&parquet=/data/events", "pyspark", "",
     {"master": "local[2]", "parquet": "/data/events"},
     "pyspark:?master=local[2]&parquet=/data/events"),
    ("duckdb:///srv/product.duckdb?table=events", "duckdb", "/srv/product.duckdb",
     {"table": "events"}, "duckdb:///srv/product.duckdb?table=events"),
    ("PostgreSQL://ana:hunter2@db/product", "postgresql", "ana:hunter2@db/product", {},
     "PostgreSQL://ana:***@db/product"),
    ("data/company", "", "data/company", {}, "data/company"),
])
def test_every_source_is_read_by_one_grammar(url, scheme, where, options, shown):
    source = parse(url)
    assert (source.scheme, source.where, source.options, source.shown) == (
        scheme, where, options, shown)


def test_a_database_connection_serves_both_uses(tmp_path, sample_dir):
    path = _database(tmp_path / "company.duckdb", sample_dir, tables=("accounts", "mrr"))
    with connect(path, use="data") as connection:
        assert sorted(connection.table_names()) == ["accounts", "mrr"]
        assert connection.table("accounts").count().execute() == 463
        assert connection.snapshot(tmp_path) == ["accounts", "mrr"]
    accounts = pd.read_parquet(tmp_path / "accounts.parquet")
    assert len(accounts) == 463 and accounts["account_id"].iloc[0] == "A00001"
    # The same file as the engine of a table, through ibis.
    with connect(f"duckdb://{path}?table=accounts", use="events") as connection:
        assert connection.events().count().execute() == 463


class _Memo(Connection):
    """A source of the tests' own, holding one small accounts table."""

    def table_names(self):
        return ["Accounts"]

    def table(self, name):
        import ibis

        return ibis.memtable({"account_id": ["A1", "A2"], "name": ["Acme", "Birch"]})


def test_a_new_kind_of_source_is_one_entry_of_the_registry(monkeypatch):
    monkeypatch.setitem(SCHEMES, "memo", Scheme("memo://", data=Opener(
        check=lambda url: None, connect=_Memo)))
    with open_source("memo://anything") as source:
        assert source.database and source.shown == "memo://anything"
        assert [p.name for p in source.folder.iterdir()] == ["accounts.parquet"]
        accounts = pd.read_parquet(source.folder / "accounts.parquet")
        assert accounts["name"].tolist() == ["Acme", "Birch"]


def test_mysql_without_duckdbs_extension_says_it_must_be_downloaded(tmp_path, monkeypatch):
    # An empty folder of extensions and a site that does not answer: as on a machine
    # that cannot reach DuckDB's extension site.
    real = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *args, **kwargs: real(config={
        "extension_directory": str(tmp_path), "custom_extension_repository":
        "http://127.0.0.1:9"}))
    monkeypatch.setenv("CPO_TEST_MYSQL_PASSWORD", SECRET)
    with pytest.raises(ParamsError) as error:
        with open_source("mysql://reader:${CPO_TEST_MYSQL_PASSWORD}@db.internal/prod"):
            pass
    assert str(error.value) == (
        "mysql://reader:${CPO_TEST_MYSQL_PASSWORD}@db.internal/prod: DuckDB reads MySQL "
        "through its mysql extension, which it downloads on first use and could not download "
        "here (DuckDB's extension site cannot be reached): run python -c \"import duckdb; "
        "duckdb.install_extension('mysql')\" once on a network that reaches it, or export the "
        "tables into a folder of files")
