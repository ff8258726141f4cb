"""The ``cpo-kit`` command: check company data, make the sample company, build the playbook.

Every failure a user can cause ends in a one-line message and exit status 2;
a traceback is never shown unless ``CPO_KIT_DEBUG=1`` is set.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

from cpo_kit.core.errors import CpoKitError, DataError
from cpo_kit.running.notebook_process import skip_slow_format_checks
from cpo_kit.running.notebooks import ROOT

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    skip_slow_format_checks()
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except CpoKitError as error:
        print(f"cpo-kit: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("cpo-kit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output went away (cpo-kit ... | head): the work is done, and
        # Python must not complain again when it flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # a bug of ours: say so in one line, keep the details opt-in
        if os.environ.get("CPO_KIT_DEBUG"):
            raise
        if isinstance(error, OSError) and error.filename:
            # A file or folder of the user's that the system refused: not a bug of ours.
            print(f"cpo-kit: {error.filename}: {error.strerror or error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"cpo-kit: internal error: {type(error).__name__}: {error} "
              "(set CPO_KIT_DEBUG=1 to see where, and please report it)", file=sys.stderr)
        return EXIT_FAILED


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def parser() -> argparse.ArgumentParser:
    """The ``cpo-kit`` command's parser, each command's handler set as ``handler``."""
    return _parsers()[0]


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """Each command's own parser by name, in the order ``--help`` lists them.

    The command-line reference page shows each one's ``format_help()``; argparse has
    no public way to find a parser's commands again, so they are kept as made.
    """
    return _parsers()[1]


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="cpo-kit",
        description="The CPO Playbook's tools: check a company's data against the data "
                    "contract, generate the sample company, and build the playbook.",
        epilog="Exit status: 0 success, 1 a step failed, 2 invalid input or parameters.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    validate = commands.add_parser(
        "validate", help="check a folder of company data against the data contract",
        description="Load every table in DATA_DIR (CSV, Parquet or Excel files named after "
                    "the tables: accounts.csv, events.parquet, ...), check each against its "
                    "schema and the keys between tables, and print a summary or every problem "
                    "as 'file:row: column: what is wrong (found X, expected Y)'. The "
                    "parameters (--params, -p) are checked as run checks them, against "
                    "this data: what validate passes, run does not refuse.",
        epilog="Exit status: 0 valid, 2 problems found.")
    validate.add_argument("data_dir", metavar="DATA",
                          help="folder of table files, a DuckDB database file, or a database "
                               "URL (as for run)")
    validate.add_argument("--params", metavar="FILE", type=Path,
                          help="YAML params file, checked whole as run checks it; its "
                               "'columns:' mapping renames your column names to the "
                               "contract's")
    validate.add_argument("-p", "--parameter", metavar="NAME=VALUE", action="append",
                          default=[], dest="overrides",
                          help="a notebook parameter, as for run (repeatable)")
    validate.set_defaults(handler=_validate)

    from cpo_kit.inputs.importers import IMPORTERS, OPTIONS

    imports = commands.add_parser(
        "import", help="convert a tool's export into the contract's tables",
        description="Read the export of TOOL at INPUT (a file, or a folder of its files) "
                    "and write the contract's tables it holds into OUT_DIR as Parquet, "
                    "ready for validate and run; print what was written (tables, rows, "
                    "dates) and what was dropped, and why. Tools: "
                    + "; ".join(f"{key}, {i.reads}" for key, i in IMPORTERS.items())
                    + ". Nothing is written into OUT_DIR unless the whole export is read, "
                      "and a table already in OUT_DIR is never replaced, so exports of "
                      "two tools (events from one, revenue from another) can go into "
                      "one folder.",
        epilog="Options, under imports: in the params file: "
               + "; ".join(f"{k}: {v}" for k, v in OPTIONS.items())
               + ". Exit status: 0 imported, 2 the export or the params cannot be used "
                 "(one line naming the file, line and field; nothing written).")
    imports.add_argument("tool", metavar="TOOL", choices=list(IMPORTERS),
                         help="the tool that made the export: " + ", ".join(IMPORTERS))
    imports.add_argument("input", metavar="INPUT", type=Path,
                         help="the export: a file, or a folder of its files")
    imports.add_argument("out_dir", metavar="OUT_DIR", type=Path,
                         help="the company's data folder to write the tables into")
    imports.add_argument("--params", metavar="FILE", type=Path,
                         help="YAML params file (its imports: section and currency)")
    imports.set_defaults(handler=_import)

    from cpo_kit.sample import COMPANIES

    sample = commands.add_parser(
        "sample", help="write a sample company's data",
        description="Write a realistic sample company to OUT_DIR, the one --company names: "
                    + "; ".join(f"{key}, {c.summary}" for key, c in COMPANIES.items())
                    + ". The same company, seed and scale always write the same files, "
                      "byte for byte.")
    sample.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="folder to write into")
    sample.add_argument("--company", choices=list(COMPANIES), default="brightlane",
                        help="which company (default: brightlane)")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    sample.add_argument("--scale", type=_positive, default=1.0,
                        help="multiplies customers, users and events: 10 writes about ten "
                             "times the events said above (default: 1)")
    sample.set_defaults(handler=_sample)

    run = commands.add_parser(
        "run", help="rerun the playbook's notebooks on a company's data into a new run folder",
        description="Check DATA (a folder of table files) and the parameters, then execute "
                    "the notebooks with papermill, JOBS at a time, into OUT/<date>-<hash>/: "
                    "the executed notebooks, each notebook's result tables and headline "
                    "numbers (<name>_results/), run.log and manifest.json (input hashes, "
                    "parameters, package versions, times, the status of each notebook). "
                    "OUT/latest points to the newest complete run; an interrupted run "
                    "leaves earlier runs as they were.",
        epilog="Parameters: a params file holds company_name, period_end, columns: (your "
               "column names mapped to the contract's) and any notebook parameter, given to "
               "every notebook that declares it, or under notebooks: <name>: to one. "
               "-p name=value (or -p notebook.name=value) overrides the file; values are "
               "read as YAML. Exit status: 0 every notebook ran, 1 some notebook failed, "
               "2 invalid data or parameters, an output folder that cannot be written, or "
               "a notebook kernel that cannot start (nothing of the run was kept).")
    run.add_argument("data", metavar="DATA",
                     help="folder of table files, a DuckDB database file, or a database URL "
                          "such as postgresql://me:${PGPASSWORD}@host/db (credentials only "
                          "as ${VARIABLES} of the environment)")
    run.add_argument("--params", metavar="FILE", type=Path, help="YAML params file")
    run.add_argument("-p", "--parameter", metavar="NAME=VALUE", action="append", default=[],
                     dest="overrides", help="set a notebook parameter (repeatable)")
    run.add_argument("--out", metavar="DIR", type=Path, default=Path("runs"),
                     help="folder of runs (default: runs)")
    run.add_argument("--only", metavar="NAME", nargs="+",
                     help="run only these notebooks (default: all)")
    run.add_argument("--jobs", metavar="N", type=_whole, default=None,
                     help="notebooks run at once (default: the number of cores)")
    run.set_defaults(handler=_run)

    publish = commands.add_parser(
        "publish", help="build the playbook (a Jupyter Book) from a run's executed notebooks",
        description="Build the playbook from RUN_DIR, a run of every notebook made "
                    "by 'cpo-kit run' (such as runs/latest), without executing anything "
                    "again: the chapters of ROOT/book and the run's notebooks, each page "
                    "opening with the run's parameters and data sources. A notebook that "
                    "failed on the run gets a page saying so and why, and the chapters "
                    "say which of its numbers are missing. The build is strict (any "
                    "Sphinx warning fails it); the new site replaces OUT/_build/html only "
                    "once it is complete.",
        epilog="Exit status: 0 built, 1 the book build failed, 2 RUN_DIR is not a run of "
               "every notebook, or files of it are missing.")
    publish.add_argument("run_dir", metavar="RUN_DIR", type=Path,
                         help="a run folder, such as runs/latest")
    publish.add_argument("--out", metavar="DIR", type=Path, default=Path("."),
                         help="the site goes to DIR/_build/html (default: .)")
    publish.add_argument("--root", metavar="DIR", type=Path, default=ROOT,
                         help="the playbook's sources: _config.yml, _toc.yml, book/ "
                              "(default: the playbook this cpo-kit belongs to)")
    publish.add_argument("--feedback", metavar="ADDRESS", type=_feedback, default=None,
                         help="where readers send feedback on a page: a web address, such "
                              "as your repository's https://github.com/OWNER/REPO/issues/new, "
                              "or an e-mail address; each page links to it, titled with the "
                              "page (default: the book's page on sending feedback)")
    publish.set_defaults(handler=_publish)

    compare = commands.add_parser(
        "compare", help="what changed between two runs: headline numbers and KPI statuses",
        description="Compare two run folders made by 'cpo-kit run' through what their "
                    "notebooks left: print each headline number that changed from RUN_A to "
                    "RUN_B and by how much, and each KPI whose red / amber / green status "
                    "changed; write the whole comparison as JSON.",
        epilog="Exit status: 0 compared, 2 a folder is not a run.")
    compare.add_argument("run_a", metavar="RUN_A", type=Path, help="the earlier run")
    compare.add_argument("run_b", metavar="RUN_B", type=Path, help="the later run")
    compare.add_argument("--out", metavar="FILE", type=Path,
                         help="where the JSON goes (default: compare-<A>-<B>.json here)")
    compare.set_defaults(handler=_compare)
    return parser, {"validate": validate, "import": imports, "sample": sample, "run": run,
                    "publish": publish, "compare": compare}


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, found {text}")
    return value


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, found {text}")
    return value


def _feedback(text: str) -> str:
    """A feedback address as a link: a web address as given, an e-mail as ``mailto:``."""
    address = text.strip()
    if re.fullmatch(r"https?://[^\s/]+\S*", address) or re.fullmatch(r"mailto:\S+@\S+", address):
        return address
    if re.fullmatch(r"[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+", address):
        return f"mailto:{address}"
    raise argparse.ArgumentTypeError(f"{text!r} is no web address (https://...) and no e-mail "
                                     "address")


def _validate(args) -> int:
    from cpo_kit.inputs.validate import problem_lines, summary_lines
    from cpo_kit.running.preflight import checked_inputs

    # The same checks as cpo-kit run's, through the same function: a params file that
    # validate passes is never refused by run.
    try:
        with checked_inputs(args.data_dir, params_file=args.params, overrides=args.overrides,
                            progress=sys.stderr.isatty()) as ready:
            print("\n".join(summary_lines(ready.checked, ready.source.shown)))
    except DataError as error:
        print("\n".join(problem_lines(error)), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def _import(args) -> int:
    from cpo_kit.inputs.importers import import_export
    from cpo_kit.inputs.params_file import load_params

    imported = import_export(args.tool, args.input, args.out_dir,
                             params=load_params(args.params), params_file=args.params,
                             progress=sys.stderr.isatty())
    print("\n".join(imported.lines()))
    return EXIT_OK


def _sample(args) -> int:
    import time

    from cpo_kit.sample import write_sample

    started = time.perf_counter()
    try:
        rows = write_sample(args.out_dir, company=args.company, seed=args.seed,
                            scale=args.scale, progress=sys.stderr.isatty())
    except OSError as error:
        raise CpoKitError(f"{args.out_dir}: the sample cannot be written here "
                          f"({error.strerror or error}); give another folder") from None
    seconds = time.perf_counter() - started
    print(f"Wrote the sample company to {args.out_dir} in {seconds:.1f} s:")
    for name, count in rows.items():
        print(f"  {name:<13} {count:>12,} rows")
    return EXIT_OK


def _publish(args) -> int:
    from cpo_kit.site.publish import publish_run

    print(f"Building the playbook of {args.run_dir} ...", flush=True)
    index = publish_run(args.run_dir, out=args.out, root=args.root,
                        progress=sys.stderr.isatty(), feedback=args.feedback or "")
    print(f"The playbook is built: {index}")
    for remark in _run_remarks(args.run_dir):
        print(remark)
    return EXIT_OK


def _run_remarks(run_dir: Path) -> list[str]:
    """What the run's reader must know of it: notebooks that failed, and the run's notes."""
    from cpo_kit.site.publish import failures, read_manifest

    manifest = read_manifest(run_dir)
    remarks = [f"{name} failed on this run, and its page says so: {error}"
               for name, error in failures(manifest).items()]
    remarks += [f"Note from {name}: {note}" for name, n in manifest["notebooks"].items()
                for note in n.get("notes", [])]
    return remarks


def _compare(args) -> int:
    import json

    from cpo_kit.core.files import write_atomically
    from cpo_kit.running.compare import compare_runs, comparison_lines, status_changes

    changes = compare_runs(args.run_a, args.run_b)
    statuses = status_changes(args.run_a, args.run_b)
    names = [p.resolve().name for p in (args.run_a, args.run_b)]
    out = args.out or Path(f"compare-{names[0]}-{names[1]}.json")
    try:
        write_atomically(out, json.dumps({"before": names[0], "after": names[1],
                                          "headlines": changes.to_dict("records"),
                                          "statuses": statuses.to_dict("records")},
                                         indent=2) + "\n")
    except OSError as error:
        raise CpoKitError(f"{out}: the comparison cannot be written here "
                          f"({error.strerror or error}); give another --out") from None
    print(f"From {names[0]} to {names[1]}:")
    print("\n".join(comparison_lines(changes, statuses)))
    print(f"The whole comparison is in {out}.")
    return EXIT_OK


def _run(args) -> int:
    from cpo_kit.inputs.validate import problem_lines
    from cpo_kit.running.playbook import run_playbook

    # A polite kill (SIGTERM) cleans up like Ctrl-C: the running notebooks are stopped
    # and the half-written run is removed.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_playbook(args.data, params_file=args.params, overrides=args.overrides,
                              out=args.out, only=args.only, jobs=args.jobs,
                              progress=sys.stderr.isatty())
    except DataError as error:
        print("\n".join(problem_lines(error)), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        signal.signal(signal.SIGTERM, previous)
    notes = [f"Note from {n.name}: {note}" for n in result.notebooks for note in n.notes]
    failed = result.failed
    if failed:
        print("\n".join([*notes,
                         f"{len(failed)} of {len(result.notebooks)} notebooks failed: "
                         f"{', '.join(n.name for n in failed)}; their executed notebooks in "
                         f"{result.folder} show the error."]), file=sys.stderr)
        return EXIT_FAILED
    if notes:
        print("\n".join(notes))
    ran = ("The notebook ran" if len(result.notebooks) == 1
           else f"All {len(result.notebooks)} notebooks ran")
    print(f"{ran}; the run is in {result.folder} (also {result.folder.parent / 'latest'}).")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
