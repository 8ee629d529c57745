"""Sources of the current-evidence statements (K101-K135) are sources the checks accept."""

from __future__ import annotations

from rdflib import Literal

from netkg.knowledge.ontology import Knowledge
from netkg.cli import main
from netkg.vocabulary import DCTERMS, NETKG, RDF, RDFS, SKOS, XSD

ADDITIONS = [f"K{n}" for n in range(101, 136)]
SOURCE_CLASSES = {NETKG.TrialPublication, NETKG.Guideline, NETKG.ProductLabel, NETKG.JournalPublication}


def test_every_addition_has_a_typed_source_with_title_and_verifying_page():
    g = Knowledge.load().graph
    for sid in ADDITIONS:
        src = NETKG[f"Source_{sid}"]
        types = set(g.objects(src, RDF.type)) & SOURCE_CLASSES
        assert len(types) == 1, sid
        assert (next(iter(types)), RDFS.subClassOf, NETKG.Source) in g
        assert g.value(src, DCTERMS.title) and g.value(src, RDFS.label) and g.value(src, SKOS.definition), sid
        assert list(g.objects(src, RDFS.seeAlso)), sid
        assert g.value(src, NETKG.reviewed) == Literal("2026-11-25", datatype=XSD.date)
        # a source is not a statement: it must not count as encoding one
        assert g.value(src, NETKG.statementId) is None


def test_known_citation_fields():
    g = Knowledge.load().graph
    netter1 = NETKG.Source_K102
    assert str(g.value(netter1, NETKG.pmid)) == "28076709"
    assert str(g.value(netter1, NETKG.doi)) == "10.1056/NEJMoa1607427"
    assert str(g.value(netter1, NETKG.firstAuthor)) == "Strosberg J"
    assert (NETKG.Source_K103, RDF.type, NETKG.ProductLabel) in g
    assert (NETKG.SourceArticle, RDFS.subClassOf, NETKG.Source) in g


def test_rule_citing_a_new_source_passes_and_a_non_source_fails(tmp_path):
    g = Knowledge.load().graph
    g.remove((NETKG.BoneMetastasesRadiotherapy, DCTERMS.source, None))
    g.add((NETKG.BoneMetastasesRadiotherapy, DCTERMS.source, NETKG.Source_K101))
    ok = tmp_path / "ok.ttl"
    g.serialize(ok, format="longturtle")
    assert main(["check", "--ontology", str(ok), "--no-reasoner", "--only", "qc-rule-without-source"]) == 0
    g.remove((NETKG.BoneMetastasesRadiotherapy, DCTERMS.source, None))
    g.add((NETKG.BoneMetastasesRadiotherapy, DCTERMS.source, NETKG.EvidenceRandomisedPhase3))
    bad = tmp_path / "bad.ttl"
    g.serialize(bad, format="longturtle")
    assert main(["check", "--ontology", str(bad), "--no-reasoner", "--only", "qc-rule-without-source"]) == 1


def test_evidence_levels_are_declared_and_ranked():
    g = Knowledge.load().graph
    levels = set(g.subjects(RDF.type, NETKG.EvidenceLevel))
    assert {l.split("/")[-1] for l in levels} == {
        "EvidenceRandomisedPhase3", "EvidenceRandomisedPhase2", "EvidenceSingleArmOrRetrospective",
        "EvidenceGuidelineConsensus", "EvidenceProductLabel", "EvidenceExpertReview"}
    assert all(g.value(l, NETKG.evidenceRank) is not None and g.value(l, SKOS.definition) for l in levels)
