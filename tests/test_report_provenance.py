"""Reports cite every source by its real IRI and a short citation, and give each finding its evidence level."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef

from netkg.cases.reader import load_case
from netkg.pipeline import reason_records
from netkg.registry.store import EmbeddedStore
from netkg.report.writers import to_json, to_text, to_turtle
from netkg.vocabulary import DCTERMS, NETKG, NKR

COHORT = Path(__file__).resolve().parents[1] / "examples" / "cohort"
NEC_AFTER_PLATINUM = COHORT / "current-03-colon-nec-after-platinum.yaml"


def _reasoned(path: Path):
    return reason_records([load_case(path)], engine="fast")[0]


def _finding(report, category: str, rule: URIRef):
    return next(f for f in report.items(category) if any(r.iri == str(rule) for r in f.rules))


def test_current_evidence_sources_are_written_with_their_own_iri_and_the_store_accepts_them():
    r = _reasoned(NEC_AFTER_PLATINUM)
    turtle = to_turtle(r.report, r.facts, r.classification)
    graph = Graph().parse(data=turtle, format="turtle")
    sources = set(graph.objects(None, DCTERMS.source))
    assert NETKG.Source_K117 in sources and NETKG.Article004 in sources
    assert all(" " not in str(s) for s in sources)
    store = EmbeddedStore(None)
    store.replace_case_graph(str(r.facts.case), r.report.to_rdf(r.facts, r.classification))
    rows = store.select("SELECT ?s WHERE { ?f <http://purl.org/dc/terms/source> ?s }").rows
    assert str(NETKG.Source_K117) in {row["s"] for row in rows}


def test_text_report_cites_new_sources_briefly_and_seed_articles_by_number():
    text = to_text(_reasoned(NEC_AFTER_PLATINUM).report, width=400)
    assert "K117 (ENETS NEC guidance 2023; NET-02, EClinicalMedicine 2023)" in text
    assert "source of K117" not in text
    assert "K014 (art. 000, 003)" in text


def test_every_finding_carries_the_evidence_level_of_its_rules():
    r = _reasoned(NEC_AFTER_PLATINUM)
    second_line = _finding(r.report, "consider", NETKG.NECSecondLineIrinotecan)
    assert [lv["iri"] for lv in second_line.evidence_levels] == [str(NETKG.EvidenceRandomisedPhase2)]
    assert second_line.evidence_levels[0]["rank"] == 2 and second_line.evidence_levels[0]["short"] == "phase 2 RCT"
    data = json.loads(to_json(r.report))
    for category in ("recommended", "consider", "not_recommended", "contraindicated"):
        for f in data[category]:
            assert f["evidence_levels"], f["therapy"]
            assert {"iri", "label", "rank", "short"} <= set(f["evidence_levels"][0])
            assert {"articles", "citations", "sources", "evidence_levels"} <= set(f["rules"][0])
    text = to_text(r.report, width=400)
    assert "phase 2 RCT" in text and "expert review" in text


def test_report_rdf_makes_the_evidence_level_queryable():
    r = _reasoned(NEC_AFTER_PLATINUM)
    store = EmbeddedStore(None)
    store.replace_case_graph(str(r.facts.case), r.report.to_rdf(r.facts, r.classification))
    rows = store.select(f"""SELECT ?therapy ?level WHERE {{
        ?f <{NKR.therapy}> ?therapy ; <{NKR.evidenceLevel}> ?level ; <{NKR.status}> "reported" }}""").rows
    therapy = _finding(r.report, "consider", NETKG.NECSecondLineIrinotecan).therapy
    assert {"therapy": therapy, "level": str(NETKG.EvidenceRandomisedPhase2)} in rows


def test_batch_store_accepts_every_current_evidence_case_and_the_query_returns_evidence_levels():
    import yaml

    from netkg.registry.batch import reason_into_store
    from netkg.registry.queries import run_query

    cases = [yaml.safe_load(p.read_text()) for p in sorted(COHORT.glob("current-*.yaml"))]
    store = EmbeddedStore(None)
    summary = reason_into_store(cases, store, workers=1)
    assert summary.ok and summary.reasoned == len(cases)
    root = COHORT.parents[1]
    rows = run_query(root / "queries/competency/recommendations-with-evidence.rq", store, {}).rows
    netter2 = [r for r in rows if r["rule"] == str(NETKG.NETTER2FirstLinePRRT)]
    assert netter2 and netter2[0]["evidenceLevel"] == str(NETKG.EvidenceRandomisedPhase3)
    assert netter2[0]["evidenceRank"] == "1" and netter2[0]["sources"] == "NETTER-2, Lancet 2024"
    seed = [r for r in rows if r["rule"].endswith("/NECPlatinumEtoposide")]
    assert seed and seed[0]["evidenceLevelLabel"] and seed[0]["sources"]
