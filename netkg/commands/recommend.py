"""``netkg recommend CASE``: the recommendation report for one case."""

from __future__ import annotations

import argparse
import sys

from netkg import pipeline
from netkg.fhir.files import read_case_file
from netkg.reasoning import DEFAULT_ENGINE, ENGINES
from netkg.report.writers import to_json, to_text, to_turtle

NAME = "recommend"
HELP = "Reason over one case file (JSON or YAML) or FHIR R4 Bundle (JSON) and print its recommendation report."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", help="case file (.json, .yaml; docs/case-format.md) or FHIR R4 Bundle (.json; docs/fhir.md)")
    parser.add_argument("--format", choices=("table", "json", "ttl"), default="table",
                        help="table (default), json (docs/report-format.md) or ttl (the case with inferred triples)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                        help="fast: the verified fast path (default); hermit: the reference reasoner (needs Java)")
    parser.add_argument("--ontology", help="ontology file to use instead of the default")
    parser.add_argument("--verbose", action="store_true", help="table: also list every class the case was inferred to belong to")


def run(args: argparse.Namespace) -> int:
    record, note = read_case_file(args.case)
    if note:
        print(f"netkg: note: {note}", file=sys.stderr)
    k = pipeline.knowledge(args.ontology)
    reasoned = pipeline.reason_records([record], args.engine, k)[0]
    if args.format == "json":
        sys.stdout.write(to_json(reasoned.report) + "\n")
    elif args.format == "ttl":
        sys.stdout.write(to_turtle(reasoned.report, reasoned.facts, reasoned.classification))
    else:
        sys.stdout.write(to_text(reasoned.report, verbose=args.verbose))
    return 0
