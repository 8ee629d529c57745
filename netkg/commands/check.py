"""``netkg check``: run the quality checks over the ontology (exit 1 on any ERROR)."""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import EXIT_FINDINGS, EXIT_OK, InputError
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.checks import all_checks, run_checks
from netkg.maintenance.checks.base import QC_QUERIES, CheckContext
from netkg.maintenance.writers import writer_for

NAME = "check"
HELP = "Run the ontology quality checks (coherence, lint, coverage, violation queries, graph checks); exit 1 on any ERROR."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ontology", type=Path, default=None, help="ontology module folder or single file (default: ontology/modules/)")
    parser.add_argument("--format", choices=("table", "json", "tsv"), default="table")
    parser.add_argument("--no-reasoner", action="store_true", help="skip the checks that need HermiT (and Java)")
    parser.add_argument("--only", action="append", metavar="CHECK_ID", help="run only this check (repeatable)")
    parser.add_argument("--queries", type=Path, default=None, help="folder of *-violation.rq queries (default: queries/qc)")
    parser.add_argument("--terminology", type=Path, default=None, help="verified terminology list (terminology.tsv)")
    parser.add_argument("--cohort", type=Path, default=None, help="cases for the untriggered-rule check (default: examples/cohort)")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")


def run(args: argparse.Namespace) -> int:
    knowledge = Knowledge.load(args.ontology)
    if args.queries is not None and not args.queries.is_dir():
        raise InputError(f"--queries: not a folder: {args.queries}")
    ctx = CheckContext(knowledge, use_reasoner=not args.no_reasoner, queries_dir=args.queries or QC_QUERIES,
                       terminology=args.terminology, cohort=args.cohort)
    if args.list:
        for c in all_checks(ctx):
            print(f"{c.id:<32} {c.severity:<5} {c.description}")
        return EXIT_OK
    try:
        report = run_checks(ctx, args.only)
    except KeyError as exc:
        raise InputError(f"--only: unknown check id(s) {exc.args[0]}; see netkg check --list") from None
    text = writer_for("check", args.format)(report)
    print(text, end="" if text.endswith("\n") else "\n")
    return EXIT_FINDINGS if report.has_errors else EXIT_OK
