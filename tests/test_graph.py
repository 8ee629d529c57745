"""The decision graph: structure, export and the graph checks."""

from __future__ import annotations

import shutil

import networkx as nx
import pytest

from netkg.cli import main
from netkg.errors import EXIT_ENVIRONMENT
from netkg.maintenance.graph import build_graph, therapy_family, to_dot, unreachable_therapies, untriggered_rules
from netkg.knowledge.ontology import Knowledge
from netkg.vocabulary import NETKG


def test_graph_has_typed_edges():
    G = build_graph(Knowledge.load())
    kinds = {d["kind"] for _, _, d in G.edges(data=True)}
    assert {"recommended", "consider", "contraindicated", "subclass", "component"} <= kinds
    assert G.nodes["rule:NECPlatinumEtoposide"]["kind"] == "rule"
    assert G.edges["rule:NECPlatinumEtoposide", "therapy:PlatinumEtoposide"]["kind"] == "recommended"
    assert G.edges["therapy:CisplatinEtoposide", "drug:Cisplatin"]["kind"] == "component"


needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None,
                                    reason="Graphviz's dot program is installed by scripts/setup.sh; not on PATH")


def test_each_therapy_belongs_to_its_narrowest_family():
    k = Knowledge.load()
    assert therapy_family(k, NETKG.CisplatinEtoposide) == NETKG.Chemotherapy
    assert therapy_family(k, NETKG.LiverTransplantation) == NETKG.LiverTransplantation  # not under surgery
    assert therapy_family(k, NETKG.Everolimus) == NETKG.TargetedTherapy
    assert therapy_family(k, NETKG.ProtonPumpInhibitor) is None


def test_the_picture_groups_rules_and_therapies_by_family():
    k = Knowledge.load()
    source = to_dot(build_graph(k), k).source
    chemotherapy = source[source.index("label=chemotherapy"):]
    chemotherapy = chemotherapy[:chemotherapy.index("}")]
    assert "rule__NECPlatinumEtoposide" in chemotherapy and "therapy__PlatinumEtoposide" in chemotherapy
    assert "therapy__Everolimus" not in chemotherapy
    assert "[first line]" in source  # lines are shown by their labels
    assert ":" not in "".join(line.split("[")[0] for line in source.splitlines() if "->" in line)  # no port syntax


def test_graph_cli_writes_dot_source_without_graphviz(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program
    assert main(["graph", "--out", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph netkg {")
    assert main(["graph", "--out", str(tmp_path / "g.svg")]) == EXIT_ENVIRONMENT
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert not (tmp_path / "g.svg").exists()


@needs_graphviz
def test_graph_cli_writes_svg_and_graphml(tmp_path, capsys):
    svg, gml = tmp_path / "g.svg", tmp_path / "g.graphml"
    assert main(["graph", "--out", str(svg), "--graphml", str(gml)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "somatostatin analog" in text and "chemotherapy" in text
    G = nx.read_graphml(gml)
    assert G.number_of_nodes() > 50
    assert main(["graph", "--out", str(tmp_path / "g.jpg")]) == 2


def test_graph_checks():
    k = Knowledge.load()
    unreachable = unreachable_therapies(k)
    assert NETKG.PlatinumEtoposide not in unreachable
    assert untriggered_rules(k) == []
