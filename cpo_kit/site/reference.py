"""The book's reference pages, written from the code each time the book is built.

The metric glossary comes from the metric registry, the data contract from the
schemas and the command-line reference from the ``cpo-kit`` parser itself, so
none of them can say something the code does not do. The pages are written
into the book's sources before Sphinx reads them (see :mod:`cpo_kit.site.book_ext`).
"""
from __future__ import annotations

from pathlib import Path

#: Generated pages, by path under the book's sources.
GLOSSARY = "book/reference/glossary.md"
CONTRACT = "book/reference/data_contract.md"
CLI = "book/reference/cli.md"
EXAMPLES = "book/reference/examples"
#: Rows of each sample table offered for download on the data contract page.
EXAMPLE_ROWS = 20
#: The headings of the metric families, in the glossary's order.
FAMILY_TITLES = {
    "usage": "Usage and engagement",
    "retention": "Retention",
    "funnel": "Conversion",
    "revenue": "Revenue and unit economics",
    "voice": "Customer voice",
}
GENERATED = "<!-- Written by cpo_kit.site.reference at build time: edit the code, not this page. -->"


def write_reference(srcdir: Path, examples: Path | None, *, sample: bool = True) -> None:
    """Write the generated pages and the example files into the book's sources.

    Parameters
    ----------
    srcdir : Path
        The book's sources.
    examples : Path or None
        The folder of tables whose first rows the data contract offers as
        example files; None for a page without example files.
    sample : bool
        Whether ``examples`` holds the sample company's tables, as the page
        then says, rather than those of the company the book is for.
    """
    tables = write_examples(examples, srcdir / EXAMPLES) if examples is not None else set()
    pages = {GLOSSARY: glossary_page(), CONTRACT: contract_page(tables, sample=sample),
             CLI: cli_page()}
    for path, text in pages.items():
        target = srcdir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        # Unchanged pages are left alone, so Sphinx does not reread them.
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")


def glossary_page() -> str:
    """Every metric of the registry with its definition, formula, tables and unit."""
    from cpo_kit.metrics import METRICS

    lines = [GENERATED, "(ref-glossary)=", "# Metric glossary", "",
             "Every metric the playbook computes, as the code defines it. Each notebook "
             "computes its numbers through these definitions, and the tests check each one "
             "against hand-worked examples, so this page, the notebooks and the tests "
             "cannot disagree.", ""]
    for family, title in FAMILY_TITLES.items():
        members = sorted((m for m in METRICS.values() if m.family == family),
                         key=lambda m: m.title.lower())
        if not members:
            continue
        lines += [f"## {title}", ""]
        for m in members:
            needs = "; ".join(f"**{table}** ({', '.join(f'`{c}`' for c in columns)})"
                              for table, columns in m.needs.items())
            lines += [f"(metric-{m.name})=", f"### {m.title}", "", m.definition, "",
                      # Wrapped like prose (book_static): a formula is read, not copied.
                      "```{code-block} text", ":class: cpo-formula", "", m.formula, "```", "",
                      f"Reads: {needs}. Unit: {m.unit}. "
                      f"In code: `compute(\"{m.name}\", company)`.", ""]
    return "\n".join(lines + _kpi_lines())


def _kpi_lines() -> list[str]:
    """The KPI catalogue: the keys a params file's ``targets:`` and a key result name."""
    from cpo_kit.metrics.kpis import SCORED

    lines = ["(ref-kpis)=", "## KPIs and their targets", "",
             "The KPIs the notebooks score against the company's targets. A target is set "
             "by the KPI's key, under `targets:` in the params file "
             "(`targets: {activation: 0.3}`) or in the `kpi` column of a key result of the "
             "quarter in the `okrs` table; a KPI without one is shown in grey, unrated.", "",
             "| key | KPI | better | unit | scored in | what it is |", "|---|---|---|---|---|---|"]
    lines += [f"| `{k.key}` | {k.label} | {'higher' if k.higher_is_better else 'lower'} | "
              f"{k.unit} | {{ref}}`{k.notebook} <nb-{k.notebook.replace('_', '-')}>` | "
              f"{k.definition} |" for k in SCORED.values()]
    return lines + [""]


def contract_page(examples=None, *, sample: bool = True) -> str:
    """Every table and column of the data contract, with an example file of each table.

    Parameters
    ----------
    examples : collection of str, optional
        The tables that have an example file; every table when omitted.
    sample : bool
        Whether the example files come from the sample company, rather than from
        the data of the company the book is for.
    """
    from cpo_kit.inputs.contract import TABLES, TYPE_WORDS, describe_check

    lines = [GENERATED, "(ref-data-contract)=", "# Data contract", "",
             "The tables the playbook reads. Put each in one folder as a file named after "
             "the table (`accounts.csv`, `events.parquet`, `team.xlsx`); CSV, Parquet and "
             "Excel are read. Only **events** is needed to begin; every other table adds "
             "the analyses that read it. Column names match regardless of case and spacing, "
             "and a `columns:` mapping in the params file renames yours to these. Extra "
             "columns are ignored. Check a folder with `cpo-kit validate FOLDER`.", "",
             "| Table | One row is | Needed columns |", "|---|---|---|"]
    for table in TABLES.values():
        lines.append(f"| {{ref}}`{table.name} <contract-{table.name}>` | {table.description} | "
                     f"{len(table.required_columns)} of {len(table.columns)} |")
    lines.append("")
    if examples is None:
        examples = set(TABLES)
    whose = "the sample company's table" if sample else "this book's company's table"
    for table in TABLES.values():
        lines += [f"(contract-{table.name})=", f"## {table.name}", "", table.description, ""]
        facts = []
        if table.key:
            facts.append(f"Each row is identified by {_listed(table.key)}.")
        for column, (other, other_column) in table.references.items():
            facts.append(f"`{column}` refers to `{other_column}` of "
                         f"{{ref}}`{other} <contract-{other}>`.")
        for rule in table.rules:
            facts.append(f"`{rule.left}` may not be before `{rule.right}`.")
        if table.large:
            facts.append("It may be very large: it is read in chunks and queried in place.")
        if table.name in examples:
            facts.append(f"Example: {{download}}`{table.name}.csv <examples/{table.name}.csv>` "
                         f"(the first {EXAMPLE_ROWS} rows of {whose}).")
        lines += [" ".join(facts), "", "| Column | Type | Needed | Allowed | What it holds |",
                  "|---|---|---|---|---|"]
        for name, column in table.columns.items():
            allowed = [describe_check(c) for c in column.checks]
            if table.past(name):
                allowed.append("not in the future")
            allowed = "; ".join(allowed)
            needed = "yes" if column.required else "no"
            if not column.nullable:
                needed += ", never empty"
            lines.append(f"| `{name}` | {TYPE_WORDS[table.kind(name)]} | {needed} | "
                         f"{allowed} | {column.description} |")
        lines.append("")
    return "\n".join(lines)


def cli_page() -> str:
    """The ``--help`` of ``cpo-kit`` and of each of its commands."""
    from cpo_kit.cli import command_parsers, parser

    lines = [GENERATED, "(ref-cli)=", "# Command-line reference", "",
             "`cpo-kit` is installed with the playbook (`make playbook` puts it in "
             "`.venv/bin/`). This page is its own `--help`, taken from the command "
             "itself when the book was built.", "", "```text", _help(parser()), "```", ""]
    for name, command in command_parsers().items():
        lines += [f"(ref-cli-{name})=", f"## cpo-kit {name}", "", "```text", _help(command),
                  "```", ""]
    return "\n".join(lines)


def write_examples(data: Path, folder: Path) -> set[str]:
    """The first rows of each table of ``data`` as a CSV file, for the data contract page.

    The files are matched to the tables as the loader matches them; only CSV
    and Parquet files are cut (an Excel table has no example file). Returns the
    names of the tables cut.
    """
    import duckdb

    from cpo_kit.inputs.contract import TABLES
    from cpo_kit.inputs.table_files import file_format, find_files

    folder.mkdir(parents=True, exist_ok=True)
    found, _, _ = find_files(data, TABLES)
    written = set()
    with duckdb.connect() as con:
        for table, path in sorted(found.items()):
            kind = file_format(path)[0]
            if kind == "excel":
                continue
            reader = "read_parquet" if kind == "parquet" else "read_csv"
            frame = con.sql(f"select * from {reader}(?) limit {EXAMPLE_ROWS}",
                            params=[str(path)]).df()
            text = frame.to_csv(index=False)
            target = folder / f"{table}.csv"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
            written.add(table)
    return written


def _help(parser) -> str:
    # A fixed width, so the page does not depend on the terminal the book was built in.
    import os

    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        return parser.format_help().rstrip()
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


def _listed(columns) -> str:
    return " and ".join(f"`{c}`" for c in columns)
