"""Unsatisfiable classes are explained: ROOT or DERIVED, with their justifications."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode
from rdflib.collection import Collection

from netkg.cli import main
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.owltools import DERIVED, ROOT, UNEXPLAINED, _status, shorten
from netkg.vocabulary import NETKG, OWL, RDF, RDFS


def _intersection(g, *members):
    node, items = BNode(), BNode()
    Collection(g, items, list(members))
    g.add((node, RDF.type, OWL.Class))
    g.add((node, OWL.intersectionOf, items))
    return node


@pytest.mark.java
def test_unsatisfiable_rule_is_explained_as_root_and_its_subclass_as_derived(tmp_path, capsys):
    g = Knowledge.load().graph
    tumour = BNode()  # a tumour both low-grade NET and NEC, which differ in differentiation
    g.add((tumour, RDF.type, OWL.Restriction))
    g.add((tumour, OWL.onProperty, NETKG.hasTumour))
    g.add((tumour, OWL.someValuesFrom, _intersection(g, NETKG.LowGradeNET, NETKG.NEC)))
    g.add((NETKG.ImpossibleRule, RDF.type, OWL.Class))
    g.add((NETKG.ImpossibleRule, OWL.equivalentClass, _intersection(g, NETKG.PatientCase, tumour)))
    g.add((NETKG.ImpossibleRuleVariant, RDF.type, OWL.Class))
    g.add((NETKG.ImpossibleRuleVariant, RDFS.subClassOf, NETKG.ImpossibleRule))
    path = tmp_path / "unsatisfiable.ttl"
    g.serialize(path, format="longturtle")
    assert main(["check", "--ontology", str(path), "--only", "coherence", "--format", "json"]) == 1
    found = {f["entity"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert set(found) == {"netkg:ImpossibleRule", "netkg:ImpossibleRuleVariant"}
    root, derived = found["netkg:ImpossibleRule"], found["netkg:ImpossibleRuleVariant"]
    assert (root["severity"], root["value"], derived["value"]) == ("ERROR", ROOT, DERIVED)
    assert root["message"].startswith("ROOT")
    disjointness = "DifferentIndividuals(netkg:PoorlyDifferentiated netkg:WellDifferentiated )"
    assert "justification 1:" in root["message"] and disjointness in root["message"]
    assert "SubClassOf(netkg:ImpossibleRuleVariant netkg:ImpossibleRule)" in derived["message"]


def _axiom(text, kind="SubClassOf", left=(), classes=()):
    return {"axiom": text, "type": kind, "left": list(left), "classes": list(classes)}


def test_root_and_derived_are_told_apart():
    clash = [_axiom("DisjointClasses(A B)", "DisjointClasses", (), ("A", "B")),
             _axiom("C SubClassOf A", "SubClassOf", ("C",), ("A", "C")),
             _axiom("C SubClassOf B", "SubClassOf", ("C",), ("B", "C"))]
    through_c = clash + [_axiom("D SubClassOf C", "SubClassOf", ("D",), ("C", "D"))]
    found = {"C": [clash], "D": [through_c], "E": []}
    unsat = set(found)
    assert _status("C", found["C"], unsat, found) == ROOT
    assert _status("D", found["D"], unsat, found) == DERIVED
    assert _status("E", found["E"], unsat, found) == UNEXPLAINED
    # named on the left of an axiom that names another unsatisfiable class, without C's justification
    only_link = {"C": [], "D": [[_axiom("D SubClassOf C", "SubClassOf", ("D",), ("C", "D"))]]}
    assert _status("D", only_link["D"], {"C", "D"}, only_link) == DERIVED


def test_iris_are_shortened():
    assert shorten("SubClassOf(<https://w3id.org/netkg/A> <http://example.org/B>)") == \
        "SubClassOf(netkg:A <http://example.org/B>)"
