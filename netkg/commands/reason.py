"""``netkg reason``: reason a file or folder of cases into a persistent store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netkg.errors import EXIT_FINDINGS, EXIT_OK, InputError
from netkg.reasoning import DEFAULT_ENGINE, ENGINES
from netkg.registry.batch import reason_into_store, summary_line
from netkg.registry.store import EmbeddedStore

NAME = "reason"
HELP = ("Reason every case of a file or folder (JSON, JSON Lines, YAML) into a persistent SPARQL store; "
        "resumable: a case stored from the same content, knowledge and engine is skipped, any other is "
        "reasoned again and replaced (the old report kept as a revision); invalid cases are reported and skipped.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="a case file or a folder of case files")
    parser.add_argument("--store", type=Path, required=True, help="store directory (created if missing)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                        help="fast (default; parallel) or hermit (the reference reasoner; needs Java)")
    parser.add_argument("--workers", type=int, default=0, help="worker processes for the fast engine (default: all cores)")
    parser.add_argument("--chunk-size", type=int, default=250, help="cases per work unit and write transaction")
    parser.add_argument("--ontology", type=Path, default=None, help="ontology file (default: the bundled one)")
    parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")


def run(args: argparse.Namespace) -> int:
    if not args.input.exists():
        raise InputError(f"input: no such file or folder: {args.input}")
    if args.workers < 0 or args.chunk_size < 1:
        raise InputError("--workers must be 0 (all cores) or more, --chunk-size at least 1")
    store = EmbeddedStore(args.store)
    try:
        summary = reason_into_store(args.input, store, engine=args.engine, workers=args.workers or None,
                                    chunk_size=args.chunk_size, ontology=args.ontology,
                                    progress=not args.no_progress and sys.stderr.isatty())
    finally:
        store.close()
    for e in summary.invalid:
        print(f"invalid: {e}", file=sys.stderr)
    print(f"{summary_line(summary)}; store: {args.store}")
    return EXIT_FINDINGS if summary.invalid else EXIT_OK
