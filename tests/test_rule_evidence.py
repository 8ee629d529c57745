"""Evidence attached to a rule (``netkg:appliesTo`` a rule) reaches the report when that rule is behind a finding."""

from __future__ import annotations

from rdflib import Literal

from netkg import pipeline
from netkg.cases.reader import load_case
from netkg.knowledge.ontology import Knowledge
from netkg.paths import EXAMPLES_DIR
from netkg.vocabulary import DCTERMS, NETKG, OWL, RDF, RDFS, SKOS

FIRING = NETKG.LowGradeGEPSomatostatinAnalog  # a recommendation rule the example case triggers
SILENT = NETKG.BoneMetastasesRadiotherapy  # one it does not


def _figure(g, name: str, rule) -> None:
    fig = NETKG[name]
    g.add((fig, RDF.type, OWL.NamedIndividual))
    g.add((fig, RDF.type, NETKG.EvidenceFigure))
    g.add((fig, RDFS.label, Literal(f"figure {name}", lang="en")))
    g.add((fig, SKOS.definition, Literal(f"Figure {name}.", lang="en")))
    g.add((fig, DCTERMS.source, NETKG.Article001))
    g.add((fig, NETKG.statementId, Literal("K001")))
    g.add((fig, NETKG.appliesTo, rule))


def test_evidence_on_a_rule_is_shown_with_that_rules_finding(tmp_path) -> None:
    g = Knowledge.load().graph
    _figure(g, "EvidenceOnFiringRule", FIRING)
    _figure(g, "EvidenceOnSilentRule", SILENT)
    path = tmp_path / "with-rule-evidence.ttl"
    g.serialize(path, format="turtle")
    k = Knowledge.load(path)
    record = load_case(EXAMPLES_DIR / "wd-sigmoid-liver.yaml")
    report = pipeline.reason_records([record], "fast", k)[0].report
    assert any(str(FIRING) == r.iri for f in report.findings for r in f.rules)
    shown = {e["label"]: e["applies_to"] for e in report.evidence}
    assert shown.get("figure EvidenceOnFiringRule") == [k.label(FIRING)]
    assert "figure EvidenceOnSilentRule" not in shown
