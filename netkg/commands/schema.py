"""``netkg schema``: the JSON Schema of a case file, or (``--shacl``) the SHACL shapes of a case as RDF."""

from __future__ import annotations

import argparse
import json
import sys
from netkg.cases.record import CaseRecord
from netkg.cases.shapes import shapes_turtle

NAME = "schema"
HELP = "Print the JSON Schema of a case file (fields, types, allowed values), or with --shacl the SHACL shapes of a case as RDF."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shacl", action="store_true",
                        help="print the SHACL shapes of a case as RDF (Turtle; ontology/shapes/case-shapes.ttl) instead")


def run(args: argparse.Namespace) -> int:
    if getattr(args, "shacl", False):
        sys.stdout.write(shapes_turtle())
        return 0
    sys.stdout.write(json.dumps(CaseRecord.model_json_schema(), indent=2) + "\n")
    return 0
