"""Seed statements narrowed by newer ones (K013 by K117, K038 by K131) and evidence levels on seed rules."""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from netkg.knowledge.ontology import Knowledge
from netkg.pipeline import recommend
from netkg.vocabulary import NETKG, RDFS, XSD
from netkg import vocabulary as V

K = Knowledge.load()

NEC = {"id": "sup-nec", "age": 60, "ecog": 1,
       "tumour": {"primary_site": "sigmoid_colon", "differentiation": "poor", "ki67": 70,
                  "sstr_status": "negative", "functioning": False},
       "metastatic_sites": ["liver"], "disease_course": "progressive", "primary_resected": False,
       "primary_complications": [], "treatment_history": []}


def rules_of(report: Any, category: str) -> set[str]:
    return {r.iri for f in report.items(category) for r in f.rules}


def test_k013_applies_in_first_line_only() -> None:
    first = recommend(NEC, engine="fast")
    assert str(NETKG.NECNoColorectalRegimens) in rules_of(first, "not_recommended")
    second = recommend({**NEC, "treatment_history": [
        {"therapy": "carboplatin_etoposide", "intent": "antitumour", "outcome": "progressed"}]}, engine="fast")
    assert str(NETKG.NECNoColorectalRegimens) not in rules_of(second, "not_recommended")


def test_k038_applies_to_pancreatic_tumours_other_than_insulinoma() -> None:
    pnet = {**NEC, "id": "sup-pnet", "tumour": {"primary_site": "pancreas", "differentiation": "well", "ki67": 5,
                                               "sstr_status": "positive", "functioning": False}}

    def fires(**tumour: object) -> bool:
        case = {**pnet, "tumour": {k: v for k, v in {**pnet["tumour"], **tumour}.items() if v is not None}}
        return str(NETKG.PancreaticNoLaparoscopicResection) in rules_of(recommend(case, engine="fast"), "not_recommended")

    assert fires()
    assert fires(functioning=None)  # function not recorded: the oncological rule stays
    assert fires(functioning=True, syndrome="zollinger_ellison")
    assert not fires(functioning=True, syndrome="insulinoma")  # K131: the approach follows localisation
    assert not fires(functioning=True)  # functioning, syndrome not recorded: may be an insulinoma


def test_narrowed_rules_name_what_replaced_them_and_when() -> None:
    g = K.graph
    for rule, newer in ((NETKG.NECNoColorectalRegimens, "K117"), (NETKG.PancreaticNoLaparoscopicResection, "K131"),
                        (NETKG.LowGradeGEPSomatostatinAnalog, "K101")):
        assert Literal(newer) in set(g.objects(rule, NETKG.supersededBy))
        assert g.value(rule, NETKG.reviewed) == Literal("2026-11-25", datatype=XSD.date)
        assert newer in str(g.value(rule, NETKG.revisionNote))
    assert {str(x) for x in g.objects(NETKG.PancreaticNETEverolimus, NETKG.refinedBy)} == {"K109", "K110"}
    assert "FDA label" in str(g.value(NETKG.EvidenceLanreotidePFS, RDFS.label))
    assert str(g.value(NETKG.EvidenceLanreotidePFS, NETKG.refinedBy)) == "K105"


def test_every_seed_recommendation_and_caution_rule_has_an_evidence_level() -> None:
    g = K.graph
    levels = set(g.subjects(None, NETKG.EvidenceLevel))
    for iri, rule in K.rules.items():
        if rule.family in (V.RECOMMENDATION_RULE, V.CAUTION_RULE) and all(s <= "K060" for s in rule.statements):
            level = g.value(iri, NETKG.evidenceLevel)
            assert level is not None and (level, None, NETKG.EvidenceLevel) in g, iri
    assert g.value(NETKG.PancreaticNETEverolimus, NETKG.evidenceLevel) == NETKG.EvidenceRandomisedPhase3
    assert g.value(NETKG.PRRTProgressiveSSTRPositive, NETKG.evidenceLevel) == NETKG.EvidenceRandomisedPhase3
    _ = levels
