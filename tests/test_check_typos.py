"""A mistyped source, term or statement id is an ERROR on every subject that carries it, not only on rules."""

from __future__ import annotations

import json

from rdflib import Literal, URIRef

from netkg.cli import main
from netkg.knowledge.ontology import Knowledge
from netkg.vocabulary import DCTERMS, NETKG, RDF

RULE = NETKG.BoneMetastasesRadiotherapy
EVIDENCE = NETKG.EvidenceCarboplatinEtoposideOS
ONLY = ("dangling-reference", "statement-coverage", "qc-rule-without-source", "qc-source-not-a-source",
        "qc-evidence-without-source")  # the checks a typo can trip (the others take long and see nothing here)


def _subjects() -> dict[str, URIRef]:
    g = Knowledge.load().graph
    return {"rule": RULE, "evidence": EVIDENCE,
            "dosing": sorted(g.subjects(RDF.type, NETKG.DosingInstruction))[0],  # type: ignore[dict-item]
            "monitoring": sorted(g.subjects(RDF.type, NETKG.MonitoringInstruction))[0]}  # type: ignore[dict-item]


SUBJECTS = _subjects()


def _check(graph, tmp_path, capsys) -> tuple[int, list[dict[str, str]]]:
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="longturtle")
    only = [arg for check in ONLY for arg in ("--only", check)]
    code = main(["check", "--ontology", str(path), "--no-reasoner", "--format", "json", *only])
    return code, json.loads(capsys.readouterr().out)["findings"]


def _short(iri: URIRef) -> str:
    return f"netkg:{iri.rsplit('/', 1)[1]}"


def test_a_mistyped_source_is_an_error_on_every_subject(tmp_path, capsys) -> None:
    g = Knowledge.load().graph
    for subject in SUBJECTS.values():
        g.remove((subject, DCTERMS.source, None))
        g.add((subject, DCTERMS.source, NETKG.Article05))
    code, findings = _check(g, tmp_path, capsys)
    assert code == 1
    for kind, subject in SUBJECTS.items():
        hits = {(f["check"], f["severity"]) for f in findings
                if f["entity"] == _short(subject) and f["value"] == "netkg:Article05"}
        assert ("dangling-reference", "ERROR") in hits, kind
        assert {c for c, s in hits if c.startswith("qc-") and s == "ERROR"} \
            == ({"qc-rule-without-source"} if kind == "rule" else {"qc-source-not-a-source"}), kind


def test_an_unknown_statement_id_is_an_error_on_every_subject_citing_it(tmp_path, capsys) -> None:
    g = Knowledge.load().graph
    for subject in SUBJECTS.values():
        g.add((subject, NETKG.statementId, Literal("K610")))
    code, findings = _check(g, tmp_path, capsys)
    assert code == 1
    assert sorted((f["check"], f["severity"], f["entity"]) for f in findings if f["value"] == "K610") == sorted(
        ("statement-coverage", "ERROR", _short(s)) for s in SUBJECTS.values())


def test_a_declared_source_that_is_not_a_source_is_an_error_on_an_item(tmp_path, capsys) -> None:
    g = Knowledge.load().graph
    g.remove((EVIDENCE, DCTERMS.source, None))
    g.add((EVIDENCE, DCTERMS.source, NETKG.EvidenceRandomisedPhase3))
    code, findings = _check(g, tmp_path, capsys)
    assert code == 1
    assert [(f["check"], f["severity"]) for f in findings if f["entity"] == "netkg:EvidenceCarboplatinEtoposideOS"] \
        == [("qc-source-not-a-source", "ERROR")]


def test_a_mistyped_therapy_on_an_item_is_an_error(tmp_path, capsys) -> None:
    g = Knowledge.load().graph
    g.remove((EVIDENCE, NETKG.appliesTo, None))
    g.add((EVIDENCE, NETKG.appliesTo, NETKG.CarboplatinEtoposid))
    code, findings = _check(g, tmp_path, capsys)
    assert code == 1
    assert ("dangling-reference", "ERROR", "netkg:CarboplatinEtoposid") in {
        (f["check"], f["severity"], f["value"]) for f in findings if f["entity"] == "netkg:EvidenceCarboplatinEtoposideOS"}
