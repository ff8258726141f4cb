"""Importers: a tool's export turned into the contract's tables, ready for validate and run.

Each tool is an entry of :data:`IMPORTERS` (its name on the command line, what it
reads, the function that reads it). An importer reads the export in a stream with
DuckDB (:mod:`~cpo_kit.inputs.importers.exports`), writes the contract's tables as
Parquet into a staging folder and tallies what it dropped and why
(:mod:`~cpo_kit.inputs.importers.staging`); :func:`import_export` then moves them
into ``OUT_DIR``, or, on any refusal, leaves it as it was. Times are read into UTC
by :mod:`~cpo_kit.inputs.importers.times`.

Imports only :mod:`cpo_kit.core` and the modules of :mod:`cpo_kit.inputs` before it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cpo_kit.core import formats, sql
from cpo_kit.core.errors import ParamsError
from cpo_kit.core.files import made_folder
from cpo_kit.inputs.importers.amplitude import import_amplitude
from cpo_kit.inputs.importers.ga4 import import_ga4
from cpo_kit.inputs.importers.mixpanel import import_mixpanel
from cpo_kit.inputs.importers.posthog import import_posthog
from cpo_kit.inputs.importers.segment import import_segment
from cpo_kit.inputs.importers.staging import Imported, Staging
from cpo_kit.inputs.importers.stripe import import_stripe
from cpo_kit.inputs.importers.times import check_zone


@dataclass(frozen=True)
class Importer:
    """One tool: its name as the user writes it, and how its export is read.

    Attributes
    ----------
    title : str
        The tool's name as it writes it.
    reads : str
        What export it takes, for ``cpo-kit import --help``.
    run : callable
        ``run(path, staging, options=...)`` writes the tables into ``staging``.
    """

    title: str
    reads: str
    run: Callable[..., None]


IMPORTERS: dict[str, Importer] = {
    "posthog": Importer("PostHog", "an events export: CSV, Parquet or JSON lines, with "
                        "properties as JSON", import_posthog),
    "ga4": Importer("Google Analytics 4", "BigQuery export rows: Parquet or JSON lines, "
                    "with nested event_params", import_ga4),
    "segment": Importer("Segment", "the warehouse tables tracks and identifies (CSV, Parquet "
                        "or JSON lines) in a folder, or raw messages as JSON lines",
                        import_segment),
    "rudderstack": Importer("RudderStack", "the warehouse tables tracks and identifies "
                            "(CSV, Parquet or JSON lines) in a folder, or raw messages as "
                            "JSON lines (Segment's schema)", import_segment),
    "amplitude": Importer("Amplitude", "an Export API archive: a zip of gzipped JSON-lines "
                          "files", import_amplitude),
    "stripe": Importer("Stripe", "customers, subscriptions and invoices: the Dashboard's CSV "
                       "exports or the API's JSON", import_stripe),
    "mixpanel": Importer("Mixpanel", "a raw event export: JSON lines, properties.time in "
                         "seconds", import_mixpanel),
}
#: What the params file's ``imports:`` section may hold, and what each option is.
OPTIONS = {"timezone": "the zone of times written without one, such as UTC",
           "exchange_rates": "units of the reporting currency per unit of another, such as "
                             "{USD: 0.92}"}


def import_export(tool: str, path: str | Path, out_dir: str | Path, *,
                  params: dict | None = None, params_file: str | Path | None = None,
                  progress: bool = False) -> Imported:
    """Import the export of ``tool`` at ``path`` into ``out_dir``.

    Parameters
    ----------
    tool : str
        A key of :data:`IMPORTERS`.
    path : str or Path
        The export: a file, or a folder of its files.
    out_dir : str or Path
        The company's data folder; made if missing. A table already in it is not replaced.
    params : dict, optional
        The params file's mapping; its ``imports:`` section holds the options
        (:data:`OPTIONS`), and ``currency`` the reporting currency.
    params_file : str or Path, optional
        Where ``params`` came from, for messages.
    progress : bool
        Show DuckDB's progress bar on long reads.

    Returns
    -------
    Imported
        The tables written, with their rows and dates, and the rows dropped, and why.

    Raises
    ------
    DataError
        The export cannot be read, or holds a value the contract cannot take; nothing
        is written into ``out_dir``.
    """
    params = params or {}
    source = params_file or "params file"
    options = params.get("imports") or {}
    if not isinstance(options, dict):
        raise ParamsError(source, "imports: expected a mapping of options, such as "
                          "{timezone: UTC}")
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ParamsError(source, f"imports: unknown option {unknown[0]!r}: known are "
                          + ", ".join(OPTIONS))
    importer = IMPORTERS[tool]
    out_dir = Path(out_dir)
    # The staging folder goes beside OUT_DIR, on its disk; folders made for it are
    # removed again if the import fails.
    with made_folder(out_dir.resolve().parent), \
            Staging(importer.title, out_dir, progress=progress) as staging:
        if options.get("timezone") is not None:
            check_zone(staging.con, options["timezone"], str(source))
        importer.run(Path(path), staging, options={**options, "params_file": str(source),
                                                    "currency": params.get("currency")})
        if "events" in staging.imported.tables:
            staging.imported.notes += _commonest_events(staging)
        return staging.keep()


#: How many of the commonest event names the summary shows.
COMMONEST = 8


def _commonest_events(staging: Staging) -> list[str]:
    """The summary's lines naming the commonest events: a run's funnel steps are named
    among them, and the default steps are the sample company's, not the user's."""
    events = sql.string(staging.folder / "events.parquet")
    rows = staging.con.execute(f"SELECT event, count(*) AS n FROM read_parquet({events}) "
                               f"GROUP BY event ORDER BY n DESC, event LIMIT {COMMONEST}"
                               ).fetchall()
    return [f"The commonest events: {', '.join(f'{e} ({formats.count(n)})' for e, n in rows)}.",
            "Before the first run, name the activation funnel's steps among your events in "
            "the params file: notebooks: {product_kpis: {funnel_steps: [...]}}."]
