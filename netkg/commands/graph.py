"""``netkg graph``: draw the rule-therapy graph (Graphviz) and export it as GraphML."""

from __future__ import annotations

import argparse
from pathlib import Path

from netkg.errors import EXIT_OK, InputError
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.graph import build_graph, render, to_dot, write_graphml

NAME = "graph"
HELP = ("Draw the decision graph (rules to therapies, typed by strength, grouped by therapy family) with Graphviz "
        "as SVG/PNG/PDF or as Graphviz source (.dot), and optionally export GraphML.")
PICTURES = (".svg", ".png", ".pdf", ".dot", ".gv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("docs/decision-graph.svg"),
                        help=f"picture or source, by extension: {', '.join(PICTURES)} (default docs/decision-graph.svg)")
    parser.add_argument("--graphml", type=Path, default=None, help="also write the graph as GraphML")
    parser.add_argument("--ontology", type=Path, default=None, help="ontology module folder or single file (default: ontology/modules/)")


def run(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() not in PICTURES:
        raise InputError(f"--out: the file must end in one of {', '.join(PICTURES)}, got {args.out.name}")
    knowledge = Knowledge.load(args.ontology)
    G = build_graph(knowledge)
    render(to_dot(G, knowledge, title=f"netkg decision graph, knowledge {knowledge.version_info}"), args.out)
    print(f"wrote {args.out} ({G.number_of_nodes()} nodes, {G.number_of_edges()} edges)")
    if args.graphml:
        write_graphml(G, args.graphml)
        print(f"wrote {args.graphml}")
    return EXIT_OK
