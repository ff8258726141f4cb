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
import warnings
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from cpo_kit.errors import ParamsError
from cpo_kit.sources import expand_variables, masked

SPARK = "pyspark"


def connect_events(url: str):
    """The events table of the engine that ``url`` names, as an ibis table.

    Raises
    ------
    ParamsError
        The URL names no table, or a variable it uses is not set.
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme == SPARK:
        return _spark_events(url, query)
    import ibis

    table = query.pop("table", None)
    if not table:
        raise ParamsError(masked(url), "say which table holds the events: ?table=<name>")
    plain = urlunsplit(parts._replace(query=urlencode(query)))
    return ibis.connect(expand_variables(plain, masked(url))).table(table)


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
