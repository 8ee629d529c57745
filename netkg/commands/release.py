"""``netkg release``: write a dated release (RDF/XML and Turtle)."""

from __future__ import annotations

import argparse
from pathlib import Path
from netkg.maintenance.release import make_release

NAME = "release"
HELP = "Write a dated release of the ontology: netkg.owl (RDF/XML) and netkg.ttl with a dated versionIRI."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", default=None, help="release date YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--out", type=Path, default=Path("release"), help="output folder (default: release/)")
    parser.add_argument("--ontology", type=Path, default=None, help="module folder or single source file (default: ontology/modules/)")


def run(args: argparse.Namespace) -> int:
    rel = make_release(args.date, args.out, args.ontology)
    print(f"release {rel.date}: {rel.version_iri}")
    for f in rel.files:
        print(f"  wrote {f}")
    return 0
