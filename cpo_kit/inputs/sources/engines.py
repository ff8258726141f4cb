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

The engine's table must use the data contract's column names (a view on the
engine's side can rename them).

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

import os
import shutil
import warnings
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from cpo_kit.core.errors import ParamsError
from cpo_kit.inputs.params_file import one_line
from cpo_kit.inputs.sources.connection import Connection, Opener
from cpo_kit.inputs.sources.url import SourceURL

SPARK = "pyspark"
#: Suffixes of a DuckDB database file named without a scheme, as ibis.connect reads them.
DUCKDB_SUFFIXES = (".duckdb", ".ddb")
#: The Debian package of the Java that Spark runs on.
JAVA_PACKAGE = "openjdk-17-jre-headless"


class IbisEngine(Connection):
    """An engine that ``ibis.connect`` reaches from the URL, ``table=`` left out."""

    def __init__(self, url: SourceURL):
        import ibis

        super().__init__(url)
        self.backend = ibis.connect(url.expanded(url.without("table")))

    def table_names(self) -> list[str]:
        return self.backend.list_tables()

    def table(self, name: str):
        return self.backend.table(name)


class SparkEngine(Connection):
    """A Spark session (started, or joined), its ``spark.*`` options from the URL."""

    def __init__(self, url: SourceURL):
        import ibis

        super().__init__(url)
        config = {key: url.expanded(value) for key, value in url.options.items()
                  if key.startswith("spark.")}
        self.session = spark_session(url.options.get("master", "local[*]"), **config)
        self.backend = ibis.pyspark.connect(self.session)

    def table_names(self) -> list[str]:
        return self.backend.list_tables()

    def table(self, name: str):
        database, _, name = name.rpartition(".")
        return self.backend.table(name, database=database or None)

    def events(self):
        """The events: the Parquet files of ``parquet=``, or the catalog's table of ``table=``."""
        if "parquet" in self.url.options:
            events = self.session.read.parquet(self.url.expanded(self.url.options["parquet"]))
            events.createOrReplaceTempView("cpo_kit_events")
            return self.backend.table("cpo_kit_events")
        return self.table(self.url.options["table"])


def ibis_backends() -> set[str]:
    """The names of the backends ibis knows, installed or not."""
    return {entry.name for entry in metadata.entry_points(group="ibis.backends")}


def ibis_backend(url: SourceURL) -> str | None:
    """The ibis backend that reads ``url`` as ``ibis.connect`` does, or None if none does."""
    if url.scheme in ("", "file") and url.path.lower().endswith(DUCKDB_SUFFIXES):
        return "duckdb"
    backend = url.scheme.replace("postgresql", "postgres")  # as ibis.connect reads them
    return backend if backend in ibis_backends() else None


def check_table_named(url: SourceURL) -> None:
    """Refuse an engine's URL that does not say which of its tables holds the events."""
    if not url.options.get("table"):
        raise ParamsError(url.one_line, "say which table holds the events: ?table=<name>")


def check_ibis_engine(url: SourceURL, backend: str) -> None:
    """Refuse what ibis cannot connect to, without connecting.

    Checked: that the backend's packages are installed, that each ``${VARIABLE}``
    is set, and that a DuckDB database file exists; ibis would create an empty one
    where it does not.
    """
    shown = url.one_line
    missing = _missing_packages(backend)
    if missing:
        raise ParamsError(shown, f"the ibis backend for {backend} is not installed (missing "
                          f"{', '.join(missing)}): pip install 'ibis-framework[{backend}]'")
    url.expanded()
    if backend == "duckdb":
        path = url.where if url.scheme in ("", "file", "duckdb") else ""
        if not path or path == ":memory:":
            raise ParamsError(shown, "name the DuckDB database file, as in "
                              "duckdb:///srv/product.duckdb?table=events")
        path = Path(url.expanded(path)).expanduser()
        if not path.is_file():
            raise ParamsError(shown, f"no such DuckDB database file: {one_line(str(path))}")


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


def check_spark(url: SourceURL) -> None:
    """Refuse a Spark URL that cannot work, without starting Spark (that takes seconds).

    Checked: that it says where the events are, that each ``${VARIABLE}`` is set,
    that pyspark and Java are installed, and that a local Spark's Parquet path exists.
    """
    shown, query = url.one_line, url.options
    if "parquet" not in query and "table" not in query:
        raise ParamsError(shown, "say where the events are: ?parquet=<path> or ?table=<name>")
    for key, value in query.items():
        if key == "parquet" or key.startswith("spark."):
            url.expanded(value)
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
        path = Path(url.expanded(parquet)).expanduser()
        if not path.exists():
            raise ParamsError(shown, f"no such Parquet file or folder: {one_line(str(path))}")


def spark_session(master: str = "local[*]", **config):
    """A Spark session set up as the metrics need it: UTC, quiet, few shuffle partitions.

    ``getOrCreate`` joins the session the process already has, if any.

    Parameters
    ----------
    master : str
        Spark's master URL: ``local[2]``, ``spark://host:7077`` ...
    **config
        Further ``spark.*`` settings of the session.
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


#: The registry's way to open Spark as the engine of the events.
SPARK_ENGINE = Opener(check=check_spark, connect=SparkEngine)
