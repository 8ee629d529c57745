"""``netkg format``: keep the edit file in its canonical serialisation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "format"
HELP = "Rewrite the edit file in canonical form (rdflib longturtle); with --check, exit 1 if it is not canonical."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when the file is not canonical")
    parser.add_argument("--ontology", type=Path, default=None, help="file to format (default: the edit file)")


def run(args: argparse.Namespace) -> int:
    from netkg.knowledge.ontology import DEFAULT_ONTOLOGY
    from netkg.maintenance.release import format_file, is_canonical

    path = args.ontology or DEFAULT_ONTOLOGY
    if args.check:
        if is_canonical(path):
            print(f"{path}: canonical")
            return 0
        print(f"{path}: not in canonical form; run `netkg format`", file=sys.stderr)
        return 1
    changed = format_file(path)
    print(f"{path}: {'reformatted' if changed else 'already canonical'}")
    return 0
