"""``netkg coverage``: which source statements the ontology encodes."""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import EXIT_FINDINGS, EXIT_OK, InputError
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.coverage import compute_coverage
from netkg.maintenance.writers import writer_for

NAME = "coverage"
HELP = "Report for every source statement whether it is encoded, out of scope or missing (exit 1 if any is missing)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ontology", type=Path, default=None, help="ontology module folder or single file (default: ontology/modules/)")
    parser.add_argument("--statements", type=Path, default=None, help="statement list (default: ontology/statements.tsv)")
    parser.add_argument("--out-of-scope", type=Path, default=None, help="out-of-scope list (default: ontology/out-of-scope.tsv)")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    knowledge = Knowledge.load(args.ontology)
    try:
        report = compute_coverage(knowledge.graph, args.statements, args.out_of_scope)
    except (OSError, KeyError) as exc:
        raise InputError(f"statement list cannot be read: {exc}") from None
    print(writer_for("coverage", args.format)(report))
    return EXIT_FINDINGS if report.missing else EXIT_OK
