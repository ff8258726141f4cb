"""PostgreSQL as a run's data, against a real server started from Debian's package.

The session's server is made by ``initdb`` and started by ``pg_ctl`` in a
temporary folder, listening on 127.0.0.1 at a free port (and on a Unix socket in
that folder), with passwords checked (scram-sha-256); it is stopped and removed at
the end. initdb refuses to run as root: as root, the server runs as Debian's
``postgres`` user (made by the package), or a user made for it here.

The sample company is loaded into the database ``brightlane`` (schema ``public``)
with the column types a product database would have (``timestamptz`` events,
``numeric`` and a domain for money, an enum, ``smallint`` scores), the events by
``COPY FROM STDIN``. A run of every notebook on it must give the headline numbers
of the run on the sample's folder, exactly.
"""
from __future__ import annotations

import io
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, cpo_kit

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.contract import TABLES
from cpo_kit.inputs.sources import connect, open_source

#: Where Debian installs each major version's programs; the newest is used.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SUPERUSER, SUPERUSER_PASSWORD = "cpo", "superuser-pw-7e1d"
#: The analyst's password: @, / and % would break the URL if put in as they are.
PASSWORD = "pl@nted/Secret%4f9c 2e"
VARIABLE = "CPO_TEST_PGPASSWORD"
#: As the comparison run of the sample sets it (see conftest's sample_run).
OVERRIDE = "product_kpis.unusual_window=6"

#: The sample's columns as a product database would type them, beyond the contract's
#: plain types (KIND_TYPES).
KIND_TYPES = {"string": "text", "integer": "bigint", "number": "double precision",
              "boolean": "boolean", "date": "date", "timestamp": "timestamp"}
COLUMN_TYPES = {
    ("events", "timestamp"): "timestamptz",
    ("events", "user_id"): "varchar(16)",
    ("accounts", "segment"): "segment",
    ("accounts", "acquisition_cost"): "numeric(12, 2)",
    ("mrr", "mrr"): "amount",
    **{("surveys", c): "smallint" for c in ("nps", "csat", *(f"sus_q{i}" for i in range(1, 11)))},
    ("market", "year"): "integer",
}


@dataclass
class Server:
    """The tests' PostgreSQL server."""

    port: int

    def connect(self, database: str = "postgres"):
        return psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                               password=SUPERUSER_PASSWORD, dbname=database, autocommit=True)

    def url(self, database: str = "brightlane", *, password: str = f"${{{VARIABLE}}}",
            port: int | None = None, options: str = "") -> str:
        return (f"postgresql://analyst:{password}@127.0.0.1:{port or self.port}/{database}"
                f"{options}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> str | None:
    """The user the server runs as: None for the tests' own, unless they run as root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "cpo-kit-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                    "cpo-kit-pg"], check=True)
    return "cpo-kit-pg"


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server of Debian's package, with the sample company loaded."""
    found = sorted(DEBIAN_BINARIES.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        pytest.fail(f"no PostgreSQL server under {DEBIAN_BINARIES}: install Debian's "
                    "postgresql package (make test does)")
    binaries = found[-1].parent
    user = _server_user()
    as_user = ["runuser", "-u", user, "--"] if user else []
    # /tmp itself: the server's user must be able to reach the folder.
    folder = Path(tempfile.mkdtemp(prefix="cpo-kit-pg-", dir="/tmp" if user else None))

    def run(program: str, *args) -> None:
        done = subprocess.run([*as_user, binaries / program, *args], capture_output=True,
                              text=True, cwd=folder)
        if done.returncode:
            log = folder / "server.log"
            pytest.fail(f"{program} failed: {done.stdout}{done.stderr}"
                        f"{log.read_text() if log.exists() else ''}")

    try:
        (folder / "pw").write_text(SUPERUSER_PASSWORD)
        if user:
            for path in (folder, folder / "pw"):
                shutil.chown(path, user)
        run("initdb", "-D", folder / "data", "-U", SUPERUSER, f"--pwfile={folder / 'pw'}",
            "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
        port = _free_port()
        # Durability is of no use to a database thrown away at the end.
        run("pg_ctl", "-D", folder / "data", "-l", folder / "server.log", "-w", "-t", "60",
            "-o", f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off", "start")
        try:
            server = Server(port)
            _load(server)
            yield server
        finally:
            run("pg_ctl", "-D", folder / "data", "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load(server: Server) -> None:
    """The sample into ``brightlane``, and the odd databases and schemas of the refusals."""
    with server.connect() as con:
        con.execute(f"CREATE ROLE analyst LOGIN PASSWORD '{PASSWORD}'")
        for database in ("brightlane", "notes"):
            con.execute(f"CREATE DATABASE {database}")
    with server.connect("brightlane") as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("CREATE TYPE segment AS ENUM ('SMB', 'Mid-Market', 'Enterprise')")
        con.execute("CREATE DOMAIN amount AS numeric(12, 2) CHECK (VALUE >= 0)")
        for path in sorted((ROOT / "data" / "sample").iterdir()):
            _copy_table(con, path)
        con.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst")
        # A schema of hand-written rows, one whose date no snapshot can hold, and one
        # the analyst may not read.
        for schema in ("edge", "odd", "locked"):
            con.execute(f"CREATE SCHEMA {schema}")
            con.execute(f"GRANT USAGE ON SCHEMA {schema} TO analyst")
        con.execute(EDGE_TABLE)
        con.execute("GRANT SELECT ON edge.accounts TO analyst")
        con.execute("CREATE TABLE odd.mrr (account_id text, product_id text, month date, "
                    "mrr numeric)")
        con.execute("INSERT INTO odd.mrr VALUES ('A1', 'P1', '2026-09-01', 10), "
                    "('A1', 'P1', 'infinity', 12)")
        con.execute("GRANT SELECT ON odd.mrr TO analyst")
        con.execute("CREATE TABLE locked.accounts (account_id text)")
    with server.connect("notes") as con:
        con.execute("CREATE TABLE meeting_notes (said text)")
        con.execute("GRANT SELECT ON meeting_notes TO analyst")


def _copy_table(con, path: Path) -> None:
    """One table file of the sample into a table of the same name, by COPY FROM STDIN."""
    name = path.name.partition(".")[0]
    table = TABLES[name]
    if path.suffix == ".parquet":
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        batches = parquet.iter_batches(batch_size=100_000)
    else:
        names = path.open().readline().strip().split(",")
    columns = ", ".join(
        f'"{c}" ' + COLUMN_TYPES.get((name, c), KIND_TYPES.get(
            table.kind(c) if c in table.columns else "string")) for c in names)
    con.execute(f"CREATE TABLE {name} ({columns})")
    with con.cursor().copy(f"COPY {name} FROM STDIN (FORMAT csv"
                           f"{', HEADER' if path.suffix == '.csv' else ''})") as copy:
        if path.suffix == ".csv":
            copy.write(path.read_bytes())
            return
        for batch in batches:
            text = io.BytesIO()
            pacsv.write_csv(batch, text, pacsv.WriteOptions(include_header=False))
            copy.write(text.getvalue())


EDGE_TABLE = """
CREATE TABLE edge.accounts (
    account_id varchar(8), name text, segment segment, signup_date date, churn_date date,
    acquisition_cost money, seats smallint, active boolean, score real,
    updated_at timestamptz, created_at timestamp, owner uuid, paid amount);
INSERT INTO edge.accounts VALUES
    ('A1', 'Acme, "the" Co', 'SMB', '2026-01-05', NULL, 1234.5, 12, true, 0.25,
     '2026-10-01 10:00:00+02', '2026-10-01 10:00:00.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
     99.95),
    ('A2', E'two\\nlines', 'Enterprise', '2026-02-10', '2026-09-15', NULL, NULL, false, NULL,
     NULL, NULL, NULL, 0),
    ('A3', '', 'Mid-Market', '2026-03-01', NULL, 0, -3, NULL, 1e-7,
     '2026-03-29 01:30:00-05', '1999-12-31 23:59:59.999999', NULL, NULL);
"""


# --- A run, and validate, on the database ------------------------------------------------

def _headlines(run: Path) -> dict[str, dict]:
    return {path.parent.name.removesuffix("_results"): {
                key: headline["value"]
                for key, headline in json.loads(path.read_text())["headlines"].items()}
            for path in sorted(run.glob("*_results/headline.json"))}


def test_a_run_on_postgresql_gives_the_headline_numbers_of_the_folder(postgres, sample_run,
                                                                      tmp_path):
    runs, _ = sample_run
    out = tmp_path / "runs"
    result = cpo_kit("run", postgres.url(), "--params", ROOT / "data" / "brightlane.yml",
                     "--out", out, "--jobs", 2, "-p", OVERRIDE,
                     env={**os.environ, VARIABLE: PASSWORD})
    assert result.returncode == 0, result.stderr[-3000:]
    on_postgres, on_folder = _headlines(out / "latest"), _headlines(runs / "latest")
    assert len(on_folder) == 11 and sum(map(len, on_folder.values())) > 40
    for notebook, headlines in on_folder.items():
        assert on_postgres[notebook] == headlines, notebook
    # The password reached the server, and no file of the run holds it, nor its
    # percent-encoded form; the manifest names the source by its variable.
    run = (out / "latest").resolve()
    files = [p for p in run.rglob("*") if p.is_file()]
    for secret in (PASSWORD, "pl%40nted%2FSecret%254f9c%202e"):
        assert not [p for p in files if secret.encode() in p.read_bytes()]
        assert secret not in result.stdout + result.stderr
    assert postgres.url() in (run / "manifest.json").read_text()


def test_validate_reads_the_database(postgres, cli, monkeypatch):
    monkeypatch.setenv(VARIABLE, PASSWORD)
    code, out, err = cli("validate", postgres.url(), "--params",
                         ROOT / "data" / "brightlane.yml")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{postgres.url()}: 13 of 13 tables present, all valid"
    rows = {line.split()[0]: line.split()[2] for line in lines[3:] if line.strip()}
    assert rows["events"] == "457,315" and rows["accounts"] == "463" and rows["mrr"] == "2,798"


def test_the_snapshot_holds_every_event_as_the_sample_has_it(postgres, sample_dir, tmp_path,
                                                           monkeypatch):
    monkeypatch.setenv(VARIABLE, PASSWORD)
    with connect(postgres.url(), use="data") as connection:
        assert connection.snapshot(tmp_path) == list(TABLES)
        # A table as ibis reads it, too.
        assert connection.table("accounts").count().execute() == 463
    # timestamptz comes back as the UTC time the sample has, to the microsecond; a
    # table has no order in PostgreSQL, so both are sorted.
    keys = [(c, "ascending") for c in ("user_id", "timestamp", "event", "session_id",
                                       "feature", "platform")]
    copied = pq.read_table(tmp_path / "events.parquet")
    assert str(copied.schema.field("timestamp").type) == "timestamp[us]"
    assert copied.sort_by(keys).equals(pq.read_table(sample_dir / "events.parquet")
                                       .sort_by(keys))
    types = {(t, f.name): str(f.type) for t in ("mrr", "surveys", "competitors", "accounts")
             for f in pq.read_schema(tmp_path / f"{t}.parquet")}
    assert (types[("mrr", "month")], types[("mrr", "mrr")], types[("surveys", "nps")],
            types[("competitors", "is_us")], types[("accounts", "segment")]) == (
        "date32[day]", "double", "int64", "bool", "string")


def test_each_type_is_read_as_the_contract_reads_it(postgres, tmp_path, monkeypatch):
    monkeypatch.setenv(VARIABLE, PASSWORD)
    with open_source(postgres.url(options="?schema=edge")) as source:
        assert [p.name for p in source.folder.iterdir()] == ["accounts.parquet"]
        table = pq.read_table(source.folder / "accounts.parquet")
    assert [f"{f.name} {f.type}" for f in table.schema] == [
        "account_id string", "name string", "segment string", "signup_date date32[day]",
        "churn_date date32[day]", "acquisition_cost double", "seats int64", "active bool",
        "score double", "updated_at timestamp[us]", "created_at timestamp[us]",
        "owner string", "paid double"]
    ts, day = pd.Timestamp, (lambda text: pd.Timestamp(text).date())
    assert [tuple(row.values()) for row in table.to_pylist()] == [
        # money without its sign; 10:00 at +02:00 is 08:00 in UTC; a real as a double.
        ("A1", 'Acme, "the" Co', "SMB", day("2026-01-05"), None, 1234.5, 12, True, 0.25,
         ts("2026-10-01 08:00:00"), ts("2026-10-01 10:00:00.5"),
         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 99.95),
        # A line break inside a text; NULL is nothing, in every type.
        ("A2", "two\nlines", "Enterprise", day("2026-02-10"), day("2026-09-15"), None, None,
         False, None, None, None, None, 0.0),
        # An empty text is not NULL; 01:30 at -05:00 is 06:30 in UTC.
        # A real is read as the decimal PostgreSQL writes for it.
        ("A3", "", "Mid-Market", day("2026-03-01"), None, 0.0, -3, None, 1e-7,
         ts("2026-03-29 06:30:00"),
         ts("1999-12-31 23:59:59.999999"), None, None)]


# --- Refusals: one line, exit status 2, no password ----------------------------------------

def _refused(cli, url: str) -> str:
    code, out, err = cli("validate", url)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"cpo-kit: {url}")
    assert PASSWORD not in err and "pl%40nted" not in err
    return err.removeprefix(f"cpo-kit: {url}").rstrip("\n")


def test_a_server_that_cannot_be_reached(postgres, cli, monkeypatch):
    monkeypatch.setenv(VARIABLE, PASSWORD)
    port = _free_port()
    assert _refused(cli, postgres.url(port=port)) == (
        f': cannot open the database: connection to server at "127.0.0.1", port {port} '
        "failed: Connection refused")


@pytest.mark.parametrize("password, shown", [
    ("${CPO_TEST_PGPASSWORD}", "${CPO_TEST_PGPASSWORD}"),
    ("wr0ng-literal", "***")])
def test_a_wrong_password_is_refused_without_showing_either(postgres, cli, monkeypatch,
                                                             tmp_path, password, shown):
    monkeypatch.setenv(VARIABLE, "wr0ng-" + PASSWORD)
    url = postgres.url(password=password)
    code, out, err = cli("run", url, "--out", tmp_path / "runs")
    assert (code, out) == (2, "")
    assert err == (f"cpo-kit: {postgres.url(password=shown)}: cannot open the database: "
                   f'connection to server at "127.0.0.1", port {postgres.port} failed: '
                   'FATAL: password authentication failed for user "analyst"\n')
    assert "wr0ng" not in err and not (tmp_path / "runs").exists()


@pytest.mark.parametrize("database, options, message", [
    ("notes", "", ": holds no table of the contract in its schema 'public' (expected tables "
                  "such as events, accounts, mrr)"),
    ("brightlane", "?schema=nope", ": the database has no schema 'nope' (name another with "
                                   "?schema=<name>)"),
    ("nowhere", "", ': cannot open the database: connection to server at "127.0.0.1", port '
                    '{port} failed: FATAL: database "nowhere" does not exist'),
    ("brightlane", "?schema=odd", " (table mrr): cannot read it: column month: 'infinity' "
                                  "cannot be read as a date"),
    ("brightlane", "?schema=locked", " (table accounts): cannot read it: permission denied "
                                     "for table accounts"),
    ("brightlane", "?sslmode=sometimes", ': cannot open the database: invalid sslmode value: '
                                         '"sometimes"'),
])
def test_a_database_that_cannot_be_read_says_why(postgres, cli, monkeypatch, database, options,
                                                 message):
    monkeypatch.setenv(VARIABLE, PASSWORD)
    assert _refused(cli, postgres.url(database, options=options)) == message.format(
        port=postgres.port)


def test_a_variable_that_is_not_set_is_refused_before_connecting(cli, monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    url = "postgresql://analyst:${CPO_TEST_PGPASSWORD}@127.0.0.1:1/brightlane"
    assert _refused(cli, url) == ": the environment variable CPO_TEST_PGPASSWORD is not set"


def test_without_psycopg_it_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(ParamsError) as error:
        with open_source("postgres://analyst@db.internal/product"):
            pass
    assert str(error.value) == ("postgres://analyst@db.internal/product: PostgreSQL is read "
                                "through psycopg, which is not installed: pip install "
                                "'psycopg[binary]'")



def test_a_password_that_libpq_quotes_back_is_not_shown(postgres, cli):
    # libpq quotes the piece of the URL it cannot decode: here, the password itself.
    code, out, err = cli("validate", postgres.url(password="s3cret%zz"))
    assert (code, out) == (2, "")
    assert err == (f"cpo-kit: {postgres.url(password='***')}: cannot open the database: "
                   'invalid percent-encoded token: "***"\n')
