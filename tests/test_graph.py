"""The decision graph: structure, export and the graph checks."""

from __future__ import annotations

import networkx as nx

from netkg.cli import main
from netkg.maintenance.graph import build_graph, unreachable_therapies, untriggered_rules
from netkg.knowledge.ontology import Knowledge
from netkg.vocabulary import NETKG


def test_graph_has_typed_edges():
    G = build_graph(Knowledge.load())
    kinds = {d["kind"] for _, _, d in G.edges(data=True)}
    assert {"recommended", "consider", "contraindicated", "subclass", "component"} <= kinds
    assert G.nodes["rule:NECPlatinumEtoposide"]["kind"] == "rule"
    assert G.edges["rule:NECPlatinumEtoposide", "therapy:PlatinumEtoposide"]["kind"] == "recommended"
    assert G.edges["therapy:CisplatinEtoposide", "drug:Cisplatin"]["kind"] == "component"


def test_graph_cli_writes_svg_and_graphml(tmp_path, capsys):
    svg, gml = tmp_path / "g.svg", tmp_path / "g.graphml"
    assert main(["graph", "--out", str(svg), "--graphml", str(gml)]) == 0
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    G = nx.read_graphml(gml)
    assert G.number_of_nodes() > 50
    assert main(["graph", "--out", str(tmp_path / "g.pdf")]) == 2


def test_graph_checks():
    k = Knowledge.load()
    unreachable = unreachable_therapies(k)
    assert NETKG.PlatinumEtoposide not in unreachable
    assert untriggered_rules(k) == []
