"""The OWL 2 DL profile (OWL API) and reproducible releases."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, Namespace

from netkg.cli import main
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.checks import run_checks
from netkg.maintenance.checks.base import CheckContext
from netkg.maintenance.release import make_release, stable_blank_nodes
from netkg.reasoning.owltools import ReasonerUnavailable, compiled_tools, owl2_dl_violations
from netkg.vocabulary import NETKG, OWL, RDF

EX = Namespace("http://example.org/")


@pytest.mark.java
def test_merged_modules_and_release_are_owl2_dl(knowledge, tmp_path):
    release = make_release("2026-12-01", tmp_path)
    assert owl2_dl_violations(knowledge.ntriples_file()) == []
    assert owl2_dl_violations(release.files[0]) == []  # netkg.owl, the RDF/XML
    assert owl2_dl_violations(release.files[1]) == []  # netkg.ttl: the OWL API reads its @prefix lines


@pytest.mark.java
def test_undeclared_annotation_property_is_an_error(tmp_path, capsys):
    g = Knowledge.load().graph
    g.bind("ex", EX)
    g.add((NETKG.Everolimus, EX.note, Literal("a note on everolimus")))
    path = tmp_path / "undeclared.ttl"
    g.serialize(path, format="longturtle")
    assert main(["check", "--ontology", str(path), "--only", "owl2-dl-profile", "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["severity"], f["entity"], f["value"]) for f in findings] == [
        ("ERROR", "http://example.org/note", "UseOfUndeclaredAnnotationProperty")]
    assert "netkg:Everolimus" in findings[0]["message"]


def test_profile_check_needs_the_reasoner(knowledge):
    report = run_checks(CheckContext(knowledge, use_reasoner=False), only=["owl2-dl-profile"])
    assert report.skipped == ["owl2-dl-profile"] and report.findings == []


def test_missing_javac_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("NETKG_JAVA_TOOLS_CACHE", str(tmp_path))
    monkeypatch.setenv("NETKG_JAVAC", str(tmp_path / "no-javac"))
    with pytest.raises(ReasonerUnavailable, match="javac"):
        compiled_tools("java")


def test_two_releases_of_one_date_are_byte_identical(tmp_path):
    first = make_release("2026-12-01", tmp_path / "a")
    second = make_release("2026-12-01", tmp_path / "b")
    for a, b in zip(first.files, second.files):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert b"rdf:nodeID=\"b" in first.files[0].read_bytes()


def _with_blank_nodes() -> Graph:
    g = Graph()
    for cls in (NETKG.A, NETKG.B):  # alike blank nodes under different owners
        restriction = BNode()
        g.add((cls, OWL.equivalentClass, restriction))
        g.add((restriction, RDF.type, OWL.Restriction))
        g.add((restriction, OWL.onProperty, NETKG.hasTumour))
        g.add((restriction, OWL.someValuesFrom, NETKG.NEC))
    return g


def test_blank_node_names_depend_on_content_only():
    one, two = stable_blank_nodes(_with_blank_nodes()), stable_blank_nodes(_with_blank_nodes())
    assert one.serialize(format="xml") == two.serialize(format="xml")
    assert len(one) == 8 and len(set(one.subjects(RDF.type, OWL.Restriction))) == 2
