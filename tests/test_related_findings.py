"""Two positive findings of which one therapy is a form of the other are read as one decision.

A metastatic digestive NEC in first line gets carboplatin plus etoposide (K115, ENETS 2023) and
platinum plus etoposide (K007). Carboplatin plus etoposide is a platinum-etoposide regimen, so each
row names the other: the report shows the preferred form and the regimen it belongs to, not two
unrelated recommendations. Both stay findings; the link comes from the therapy hierarchy.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from rdflib import URIRef

from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.generate import generate_cases
from netkg.pipeline import as_record, reason_records
from netkg.report.model import Finding
from netkg.report.writers import to_json, to_text
from netkg.vocabulary import NETKG

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NEC = yaml.safe_load((EXAMPLES / "nec-sigmoid-liver.yaml").read_text())


def _finding(findings: list[Finding], therapy: URIRef) -> Finding:
    [found] = [f for f in findings if f.therapy == str(therapy)]
    return found


def test_the_preferred_regimen_and_the_general_one_name_each_other():
    report = reason_records([as_record(NEC)], engine="fast")[0].report
    carboplatin = _finding(report.items("recommended"), NETKG.CarboplatinEtoposide)
    platinum = _finding(report.items("recommended"), NETKG.PlatinumEtoposide)
    assert [(r.therapy, r.category, r.statements) for r in carboplatin.broader] == [(str(NETKG.PlatinumEtoposide), "recommended", ["K007"])]
    assert [(r.therapy, r.category, r.statements) for r in platinum.narrower] == [(str(NETKG.CarboplatinEtoposide), "recommended", ["K115"])]
    assert not carboplatin.narrower and not platinum.broader


def test_one_therapy_recommended_by_one_source_and_to_consider_by_another_names_both_strengths():
    case = yaml.safe_load((EXAMPLES / "cohort" / "current-19-localised-colon-nec.yaml").read_text())
    report = reason_records([as_record(case)], engine="fast")[0].report
    surgery = NETKG.LocoregionalResection
    recommended = _finding(report.items("recommended"), surgery)
    consider = _finding(report.items("consider"), surgery)
    assert [(r.category, r.statements) for r in recommended.also] == [("consider", ["K116"])]
    assert [(r.category, r.statements) for r in consider.also] == [("recommended", ["K053"])]
    text = " ".join(to_text(report, width=400).split())
    assert "the sources differ in strength: to consider under K116" in text
    assert "the sources differ in strength: recommended under K053" in text


def test_unrelated_positives_and_negatives_are_not_linked():
    report = reason_records([as_record(NEC)], engine="fast")[0].report
    temozolomide = _finding(report.items("consider"), NETKG.TemozolomideBasedChemotherapy)
    assert not temozolomide.broader and not temozolomide.narrower and not temozolomide.also
    assert all(not f.broader and not f.narrower and not f.also for c in ("not_recommended", "contraindicated") for f in report.items(c))


def test_every_format_shows_the_link():
    report = reason_records([as_record(NEC)], engine="fast")[0].report
    text = " ".join(to_text(report, width=400).split())
    assert "a form of platinum plus etoposide, recommended (K007)" in text
    assert "the sources name a form of it for this case: carboplatin plus etoposide, recommended (K115)" in text
    data = json.loads(to_json(report))
    [carboplatin] = [f for f in data["recommended"] if f["therapy"] == str(NETKG.CarboplatinEtoposide)]
    assert carboplatin["broader"][0]["therapy"] == str(NETKG.PlatinumEtoposide)


def test_links_are_symmetric_and_follow_the_hierarchy_on_generated_cases():
    k = Knowledge.load()
    linked = 0
    for reasoned in reason_records([as_record(c) for c in generate_cases(400, seed=11)], engine="fast", knowledge_=k):
        positives = [f for f in reasoned.report.findings if f.category in ("recommended", "consider")]
        def linked_from(therapy: str, side: str) -> set[str]:
            return {r.therapy for f in positives if f.therapy == therapy for r in getattr(f, side)}
        for f in reasoned.report.findings:
            if f not in positives:
                assert not f.broader and not f.narrower and not f.also
                continue
            for r in f.also:
                assert r.therapy == f.therapy and r.category != f.category
            for r in f.broader:
                linked += 1
                assert r.therapy != f.therapy and k.subsumes(URIRef(r.therapy), URIRef(f.therapy))
                assert f.therapy in linked_from(r.therapy, "narrower")
            for r in f.narrower:
                assert k.subsumes(URIRef(f.therapy), URIRef(r.therapy))
                assert f.therapy in linked_from(r.therapy, "broader")
        for a in positives:
            for b in positives:
                if a.therapy != b.therapy and k.subsumes(URIRef(b.therapy), URIRef(a.therapy)) \
                        and (a.intent is None or b.intent is None or a.intent == b.intent):
                    assert b.therapy in {r.therapy for r in a.broader}
    assert linked, "no generated case has a positive that is a form of another: the test checks nothing"
