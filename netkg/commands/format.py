"""``netkg format``: keep the ontology modules (or one ontology file) in canonical serialisation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from netkg.maintenance.release import format_file, noncanonical_files
from netkg.paths import DEFAULT_ONTOLOGY

NAME = "format"
HELP = ("Rewrite the ontology modules in canonical form, each term in its module; "
        "with --check, exit 1 and name the module files that are not canonical.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when a file is not canonical")
    parser.add_argument("--ontology", type=Path, default=None,
                        help="module folder or single file to format (default: ontology/modules/)")


def run(args: argparse.Namespace) -> int:
    path = args.ontology or DEFAULT_ONTOLOGY
    if args.check:
        wrong = noncanonical_files(path)
        if not wrong:
            print(f"{path}: canonical")
            return 0
        for file in wrong:
            state = "missing" if not file.exists() else "not in canonical form"
            print(f"{file}: {state}; run `netkg format`", file=sys.stderr)
        return 1
    changed = format_file(path)
    print(f"{path}: {'reformatted' if changed else 'already canonical'}")
    return 0
