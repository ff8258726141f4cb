"""The events table where it lives: Apache Spark, or any engine ibis connects to.

Events can run to billions of rows; nobody exports them to files. Given an
``events_source`` URL, the events metrics run as ibis expressions on that engine
and only their aggregates come back; the small tables still come from files.

- ``pyspark:?master=local[2]&parquet=/data/events`` starts (or joins) a Spark
  session and reads the events from Parquet files, local or on the cluster's
  storage (``s3a://...``, ``hdfs://...``);
- ``pyspark:?master=spark://host:7077&table=analytics.events`` uses a table of
  the Spark catalog; any ``spark.*`` key of the query is passed to the session;
- any other URL that ``ibis.connect`` understands, with ``table=`` naming the
  events table: ``duckdb:///srv/product.duckdb?table=events``,
  ``bigquery://project/dataset?table=events``,
  ``snowflake://analyst:${SNOWFLAKE_PASSWORD}@account/db/schema?table=events``.

Credentials are written as ``${VARIABLE}`` and read from the environment when the
connection is made, so no output holds them. The engine's table must use the
data contract's column names (a view on the engine's side can rename them).
"""
from __future__ import annotations

import os
import shutil
import warnings
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cpo_kit.core.errors import ParamsError
from cpo_kit.core.text import did_you_mean
from cpo_kit.inputs.params_file import one_line
from cpo_kit.inputs.sources import expand_variables, masked

SPARK = "pyspark"
#: Suffixes of a DuckDB database file named without a scheme, as ibis.connect reads them.
DUCKDB_SUFFIXES = (".duckdb", ".ddb")
#: The Debian package of the Java that Spark runs on.
JAVA_PACKAGE = "openjdk-17-jre-headless"


def connect_events(url: str):
    """The events table of the engine that ``url`` names, as an ibis table.

    Raises
    ------
    ParamsError
        Whatever :func:`check_events_source` refuses.
    """
    check_events_source(url)
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == SPARK:
        return _spark_events(url, query)
    import ibis

    table = query.pop("table")
    plain = urlunsplit(parts._replace(query=urlencode(query)))
    return ibis.connect(expand_variables(plain, masked(url))).table(table)


def check_events_source(url: str) -> None:
    """Refuse an ``events_source`` that cannot work, without connecting to its engine.

    Checked: that the URL names the events' table (or Parquet files), that its
    engine is one ibis knows and that what it needs is installed (for Spark:
    pyspark, and Java), that each ``${VARIABLE}`` is set, and that a DuckDB
    database file exists; ibis would create an empty one where it does not.
    Spark itself is not started: that takes seconds.

    Raises
    ------
    ParamsError
        Naming the URL (its passwords masked) and saying what to do.
    """
    shown = one_line(masked(url))
    if not url.isprintable():
        raise ParamsError(shown, "not a URL: it holds a line break or another control character")
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
    except ValueError as error:
        raise ParamsError(shown, f"not a URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme == SPARK:
        _check_spark(parts, query, shown)
        return
    if not query.get("table"):
        raise ParamsError(shown, "say which table holds the events: ?table=<name>")
    backend = _ibis_backend(scheme, parts.path, shown)
    expand_variables(url, shown)
    if backend == "duckdb":
        path = parts.netloc + parts.path if scheme in ("", "file", "duckdb") else ""
        if not path or path == ":memory:":
            raise ParamsError(shown, "name the DuckDB database file, as in "
                              "duckdb:///srv/product.duckdb?table=events")
        path = Path(expand_variables(path, shown)).expanduser()
        if not path.is_file():
            raise ParamsError(shown, f"no such DuckDB database file: {one_line(str(path))}")


def _ibis_backend(scheme: str, path: str, shown: str) -> str:
    """The name of the ibis backend of ``scheme``, once its packages are known installed."""
    known = {entry.name for entry in metadata.entry_points(group="ibis.backends")}
    if scheme in ("", "file") and path.lower().endswith(DUCKDB_SUFFIXES):
        return "duckdb"
    backend = scheme.replace("postgresql", "postgres")  # as ibis.connect reads them
    if backend not in known:
        what = f"unknown kind of engine {scheme!r}" if scheme else "not the URL of an engine"
        starts = [f"{SPARK}:"] + [f"{name}://" for name in sorted(known - {SPARK})]
        raise ParamsError(shown, f"{what}{did_you_mean(backend, known) if scheme else ''}: "
                          f"start it with one of {', '.join(starts)}")
    missing = _missing_packages(backend)
    if missing:
        raise ParamsError(shown, f"the ibis backend for {backend} is not installed (missing "
                          f"{', '.join(missing)}): pip install 'ibis-framework[{backend}]'")
    return backend


def _missing_packages(extra: str) -> list[str]:
    """The packages that ibis-framework's ``extra`` needs and that are not installed.

    Read from ibis's own list of what each backend needs, without importing any
    of them: a backend's module loads fine without its driver, which it imports
    only when it connects.
    """
    from packaging.requirements import Requirement

    missing = []
    for line in metadata.requires("ibis-framework") or []:
        requirement = Requirement(line)
        if requirement.marker is None or not requirement.marker.evaluate({"extra": extra}):
            continue
        try:
            metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
    return missing


def _check_spark(parts, query: dict, shown: str) -> None:
    if "parquet" not in query and "table" not in query:
        raise ParamsError(shown, "say where the events are: ?parquet=<path> or ?table=<name>")
    for key, value in query.items():
        if key == "parquet" or key.startswith("spark."):
            expand_variables(value, shown)
    missing = _missing_packages(SPARK)
    if missing:
        raise ParamsError(shown, f"Spark is not installed (missing {', '.join(missing)}): "
                          f"pip install 'ibis-framework[{SPARK}]'")
    java_home = os.environ.get("JAVA_HOME")
    if java_home and not (Path(java_home) / "bin" / "java").is_file():
        raise ParamsError(shown, f"Spark needs Java, and JAVA_HOME ({one_line(java_home)}) "
                          "holds no bin/java: point it at a Java installation, or unset it")
    if not java_home and not shutil.which("java"):
        raise ParamsError(shown, f"Spark needs Java, and no java is on the PATH: install "
                          f"{JAVA_PACKAGE} (sudo apt-get install {JAVA_PACKAGE})")
    parquet = query.get("parquet")
    # Only a local Spark reads a path without a scheme from this machine's disk; a
    # cluster reads it from its own default file system.
    local = query.get("master", "local[*]").startswith("local")
    if parquet and local and "://" not in parquet:
        path = Path(expand_variables(parquet, shown)).expanduser()
        if not path.exists():
            raise ParamsError(shown, f"no such Parquet file or folder: {one_line(str(path))}")


def spark_session(master: str = "local[*]", **config):
    """A Spark session set up as the metrics need it: UTC, quiet, few shuffle partitions.

    ``getOrCreate`` joins the session the process already has, if any.
    """
    from pyspark.sql import SparkSession

    # PySpark 4.0 passes pandas 3 a keyword it deprecates: theirs to fix, and noise in
    # every notebook that brings Spark results back.
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated")

    builder = (SparkSession.builder.master(master).appName("cpo-kit")
               # Timestamps are UTC in the data contract: days must start at UTC midnight.
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "8")
               .config("spark.ui.showConsoleProgress", "false"))
    for key, value in config.items():
        builder = builder.config(key, value)
    with _jvm_stderr_silenced():
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def _jvm_stderr_silenced():
    """Start the JVM with its standard error on /dev/null.

    Spark's JVM writes its start-up notices (log4j profile, native libraries,
    incubator modules) to the standard error it inherits, which a notebook
    would show as output. Errors still reach Python, as exceptions.
    """
    saved, quiet = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)


def _spark_events(url: str, query: dict):
    import ibis

    shown = masked(url)
    config = {key: expand_variables(value, shown) for key, value in query.items()
              if key.startswith("spark.")}
    session = spark_session(query.get("master", "local[*]"), **config)
    backend = ibis.pyspark.connect(session)
    if "parquet" in query:
        events = session.read.parquet(expand_variables(query["parquet"], shown))
        events.createOrReplaceTempView("cpo_kit_events")
        return backend.table("cpo_kit_events")
    if "table" in query:
        database, _, name = query["table"].rpartition(".")
        return backend.table(name, database=database or None)
    raise ParamsError(shown, "say where the events are: ?parquet=<path> or ?table=<name>")
