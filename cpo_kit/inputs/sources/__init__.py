"""Where a run's data and its events come from: one URL grammar, one registry, one connect.

A source is a folder of table files, a database, or the engine that holds the
events, always written in one grammar (:mod:`~cpo_kit.inputs.sources.url`):
``scheme://where?option=value``, or a plain path, with credentials written as
``${VARIABLE}`` and never shown. Each kind of source is an entry of the registry
(:data:`~cpo_kit.inputs.sources.registry.SCHEMES`), and :func:`connect` opens any
of them as a :class:`~cpo_kit.inputs.sources.connection.Connection`, whose
``events()`` the notebooks' metrics run on and whose ``snapshot()`` a run reads:

- :mod:`~cpo_kit.inputs.sources.databases`: DuckDB files and MySQL, attached by
  DuckDB and copied once into Parquet as a run's data;
- :mod:`~cpo_kit.inputs.sources.postgres`: PostgreSQL, read through psycopg in one
  read-only transaction and streamed into Parquet as a run's data;
- :mod:`~cpo_kit.inputs.sources.engines`: Apache Spark, or any engine ibis
  connects to, as the engine of the events.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it
(the contract, the loaders' name rules, the params file's way to show a value).
"""
from cpo_kit.inputs.sources.connection import Connection, Opener, Scheme
from cpo_kit.inputs.sources.databases import DATABASE_SUFFIXES, is_database
from cpo_kit.inputs.sources.engines import spark_session
from cpo_kit.inputs.sources.registry import (SCHEMES, Source, check, check_events_source, connect,
                                             connect_events, open_source, shown_problem)
from cpo_kit.inputs.sources.url import SourceURL, expand_variables, masked, parse

__all__ = ["DATABASE_SUFFIXES", "SCHEMES", "Connection", "Opener", "Scheme", "Source",
           "SourceURL", "check", "check_events_source", "connect", "connect_events",
           "expand_variables", "is_database", "masked", "open_source", "parse",
           "shown_problem", "spark_session"]
