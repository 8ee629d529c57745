"""``netkg graph``: draw the rule-therapy graph and export it as GraphML."""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import InputError
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.graph import build_graph, draw, write_graphml

NAME = "graph"
HELP = "Draw the decision graph (rules to therapies, typed by strength) as SVG/PNG and optionally export GraphML."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("docs/decision-graph.svg"), help="picture (.svg or .png)")
    parser.add_argument("--graphml", type=Path, default=None, help="also write the graph as GraphML")
    parser.add_argument("--ontology", type=Path, default=None, help="ontology module folder or single file (default: ontology/modules/)")


def run(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() not in (".svg", ".png"):
        raise InputError(f"--out: picture must end in .svg or .png, got {args.out.name}")
    knowledge = Knowledge.load(args.ontology)
    G = build_graph(knowledge)
    draw(G, args.out, title=f"netkg decision graph, {knowledge.version_info}")
    print(f"wrote {args.out} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)")
    if args.graphml:
        write_graphml(G, args.graphml)
        print(f"wrote {args.graphml}")
    return 0
