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
        "reasoned again and replaced (the old report kept as a revision); invalid cases are reported and skipped. "
        "With --out, also (or instead) write the case graphs as N-Quads and the findings as Parquet.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="a case file or a folder of case files")
    parser.add_argument("--store", type=Path, default=None, help="store directory (created if missing)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for portable output (created if missing): cases.nq, knowledge.nq, "
                             "findings.parquet, cases.parquet (docs/distributed.md); --store, --out or both")
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
    if args.store is None and args.out is None:
        raise InputError("give --store DIR (a SPARQL store), --out DIR (N-Quads and Parquet files) or both")
    invalid = args.store is not None and _reason_into_store(args)
    if args.out is not None:
        # Imported here: pyarrow costs 0.1 s to import and only --out needs it (not netkg --help).
        from netkg.registry.export import export_summary_line, export_to_folder

        summary = export_to_folder(args.input, args.out, engine=args.engine, workers=args.workers or None,
                                   chunk_size=args.chunk_size, ontology=args.ontology)
        if args.store is None:  # the store run reported the same invalid cases already
            for e in summary.invalid:
                print(f"invalid: {e}", file=sys.stderr)
        print(export_summary_line(summary, args.out))
        invalid = invalid or not summary.ok
    return EXIT_FINDINGS if invalid else EXIT_OK


def _reason_into_store(args: argparse.Namespace) -> bool:
    """Reason into ``--store``, print what was done; True when some case was invalid."""
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
    return bool(summary.invalid)
