"""``netkg impact``: which cohort cases change their report between two ontology versions."""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import EXIT_OK
from netkg.maintenance.impact import impact
from netkg.maintenance.writers import writer_for
from netkg.reasoning import DEFAULT_ENGINE, ENGINES

NAME = "impact"
HELP = "Reason a cohort under two ontology versions and list every case whose report changes, with the edits that caused it."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    old = parser.add_mutually_exclusive_group(required=True)
    old.add_argument("--old", type=Path, help="the earlier ontology folder or file")
    old.add_argument("--old-rev", metavar="REV", help="the ontology as of this git revision (e.g. HEAD, v0.1.0)")
    parser.add_argument("--new", type=Path, default=None, help="the later ontology folder or file (default: ontology/modules/ in the working tree)")
    parser.add_argument("--cohort", type=Path, default=None, help="folder or file of cases (default: examples/cohort/)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                        help="fast: the verified fast path (default); hermit: the reference reasoner (needs Java)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    report = impact(args.old, args.new, args.cohort, args.engine, args.old_rev)
    print(writer_for("impact", args.format)(report))
    return EXIT_OK
