"""``netkg validate FILE...``: check cases written as RDF against the case shapes (SHACL)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from netkg.cases.shacl import RDF_FORMATS, FileResult, validate_file
from netkg.errors import EXIT_FINDINGS, EXIT_OK

NAME = "validate"
HELP = ("Check cases written as RDF (Turtle, JSON-LD, N-Triples) against the SHACL shapes of a case "
        "(ontology/shapes/case-shapes.ttl); exit 1 when a case breaks one.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help=f"RDF file with one or more cases ({', '.join(RDF_FORMATS)})")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default): one line per violation; json: the results as JSON")


def run(args: argparse.Namespace) -> int:
    results = [validate_file(Path(name)) for name in args.files]
    if args.format == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(_text(r) for r in results))
    return EXIT_OK if all(r.conforms for r in results) else EXIT_FINDINGS


def _text(result: FileResult) -> str:
    """One line per file, then one line per violation: individual, property, value, message."""
    cases = f"{len(result.cases)} case{'s' if len(result.cases) != 1 else ''}"
    if result.conforms:
        return f"{result.path}: {cases}, conforms\n"
    lines = [f"{result.path}: {cases}, {len(result.violations)} violation{'s' if len(result.violations) != 1 else ''}"]
    for v in result.violations:
        value = f" value {v.value}" if v.value else ""
        lines.append(f"  {v.focus} {v.property}{value} [{v.constraint}]: {v.message}")
    return "\n".join(lines) + "\n"
