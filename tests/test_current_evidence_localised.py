"""Current evidence for localised, lung and hereditary disease (issue 13: K118, K119, K123-K135).

The case fields these rules read (tumour size, gastric type, lung histology, necrosis, number of lesions,
invasion depth, lympho-vascular invasion, mesoappendiceal invasion, resection margin, hereditary syndrome),
their validation, and one realistic case per rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import URIRef

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.cases.record import CaseRecord, Contradiction
from netkg.vocabulary import NETKG


def record(**changes: Any) -> CaseRecord:
    """A localised rectal NET G1, with the given top-level or tumour fields changed."""
    tumour = {"primary_site": "rectum", "differentiation": "well", "ki67": 1, "functioning": False,
              **changes.pop("tumour", {})}
    case = {"id": "localised", "age": 55, "ecog": 0, "tumour": tumour, "metastatic_sites": [],
            "disease_course": "stable", "primary_resected": False, "primary_complications": [],
            "treatment_history": [], **changes}
    return CaseRecord.model_validate(case)


def test_new_tumour_fields_become_facts() -> None:
    facts = to_facts(record(tumour={"size_cm": 0.8, "lesion_count": 1, "invasion_depth": "submucosa",
                                    "lymphovascular_invasion": False}, hereditary_syndrome="none_known"))
    tumour = facts.individuals[facts.tumour]
    assert [str(v) for v in tumour.data[NETKG.tumourSizeCm]] == ["0.8"]
    assert [int(v) for v in tumour.data[NETKG.primaryLesionCount]] == [1]
    assert tumour.objects[NETKG.hasInvasionDepth] == [NETKG.InvasionSubmucosa]
    assert [bool(v) for v in tumour.data[NETKG.lymphovascularInvasion]] == [False]
    assert facts.individuals[facts.case].objects[NETKG.hasHereditarySyndrome] == [NETKG.NoKnownHereditarySyndrome]


@pytest.mark.parametrize("prop", [NETKG.tumourSizeCm, NETKG.primaryLesionCount, NETKG.hasHistology, NETKG.hasNecrosis,
                                  NETKG.hasGastricType, NETKG.hasInvasionDepth, NETKG.lymphovascularInvasion,
                                  NETKG.mesoappendicealInvasionMm, NETKG.hasResectionMargin])
def test_an_omitted_tumour_field_is_stated_as_not_recorded(prop: URIRef) -> None:
    facts = to_facts(record())
    assert prop in facts.individuals[facts.tumour].closed


def test_an_omitted_hereditary_syndrome_is_not_recorded() -> None:
    facts = to_facts(record())
    assert NETKG.hasHereditarySyndrome in facts.individuals[facts.case].closed


@pytest.mark.parametrize("changes, field", [
    ({"tumour": {"gastric_type": "type_1"}}, "tumour.gastric_type"),
    ({"tumour": {"histology": "typical_carcinoid"}}, "tumour.histology"),
    ({"tumour": {"primary_site": "lung", "histology": "atypical_carcinoid", "differentiation": "poor", "ki67": 60}},
     "tumour.histology"),
    ({"tumour": {"primary_site": "lung", "histology": "small_cell"}}, "tumour.histology"),
    ({"tumour": {"mesoappendiceal_invasion_mm": 2}}, "tumour.mesoappendiceal_invasion_mm"),
    ({"tumour": {"resection_margin": "r0"}}, "tumour.resection_margin"),
])
def test_contradictions_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(Exception) as caught:
        record(**changes)
    cause = caught.value.errors()[0]["ctx"]["error"]  # type: ignore[attr-defined]
    assert isinstance(cause, Contradiction) and cause.field == field


def test_an_unknown_code_is_refused_with_the_allowed_values() -> None:
    case = {"id": "x", "tumour": {"primary_site": "stomach", "gastric_type": "type_4"}}
    result = validate_case(case, "test")
    assert result.record is None
    message = str(result.errors[0])
    assert "tumour.gastric_type" in message and "type_1" in message and "type_3" in message


# ---- the rules, one realistic case each --------------------------------------------------------------------------

from netkg.pipeline import knowledge, reason_records, recommend  # noqa: E402
from netkg.report.model import Finding, Report  # noqa: E402

K = knowledge()
EVIDENCE_LEVEL = NETKG.evidenceLevel


def case(**changes: Any) -> Report:
    """The base record with changes, recommended on the fast path."""
    return recommend(record(**changes).model_dump(mode="json", exclude_none=True), engine="fast")


def finding(report: Report, category: str, therapy: URIRef) -> Finding:
    (found,) = [f for f in report.items(category) if f.therapy == str(therapy)]
    return found


def rule_of(found: Finding, statement: str) -> URIRef:
    (rule,) = [URIRef(r.iri) for r in found.rules if statement in r.statements]
    return rule


def level(rule: URIRef) -> URIRef:
    return K.graph.value(rule, EVIDENCE_LEVEL)


SMALL_RECTAL = {"size_cm": 0.8, "invasion_depth": "submucosa", "lymphovascular_invasion": False}


def test_k127_8mm_rectal_net_gets_endoscopic_resection_not_lymph_node_clearance() -> None:
    r = case(tumour=SMALL_RECTAL)
    found = finding(r, "recommended", NETKG.EndoscopicResection)
    assert found.intent == K.label(NETKG.CurativeIntent)
    assert level(rule_of(found, "K127")) == NETKG.EvidenceGuidelineConsensus
    surgery = {str(NETKG.LocoregionalResection), str(NETKG.PrimaryTumourResection)}
    assert not surgery & (r.therapies("recommended") | r.therapies("consider"))
    assert not [n for n in r.workup if "K127" in n.source.statements]


@pytest.mark.parametrize("risk", [{"size_cm": 1.6}, {"lymphovascular_invasion": True}, {"ki67": 5},
                                  {"invasion_depth": "muscularis_propria"}])
def test_k127_a_risk_factor_keeps_the_oncological_resection(risk: dict[str, Any]) -> None:
    r = case(tumour={**SMALL_RECTAL, **risk})
    assert str(NETKG.EndoscopicResection) not in r.therapies("recommended")
    assert str(NETKG.LocoregionalResection) in r.therapies("recommended")


def test_k127_unrecorded_size_is_a_workup_not_a_guess() -> None:
    r = case()
    assert str(NETKG.EndoscopicResection) not in r.therapies("recommended")
    assert [n for n in r.workup if "K127" in n.source.statements]


APPENDIX = {"primary_site": "appendix", "differentiation": "well", "ki67": 2, "functioning": False}


def test_k126_appendiceal_net_over_2cm_gets_completion_right_hemicolectomy() -> None:
    r = case(tumour={**APPENDIX, "size_cm": 2.5, "resection_margin": "r0"}, primary_resected=True,
             treatment_history=[{"therapy": "primary_resection", "intent": "curative", "outcome": "completed"}])
    found = finding(r, "recommended", NETKG.RightHemicolectomy)
    assert found.intent == K.label(NETKG.CurativeIntent)
    assert level(rule_of(found, "K126")) == NETKG.EvidenceGuidelineConsensus


def test_k126_small_low_risk_appendiceal_net_needs_no_hemicolectomy() -> None:
    r = case(tumour={**APPENDIX, "size_cm": 0.9, "resection_margin": "r0", "mesoappendiceal_invasion_mm": 0,
                     "lymphovascular_invasion": False}, primary_resected=True, complete_resection=True,
             treatment_history=[{"therapy": "primary_resection", "intent": "curative", "outcome": "completed"}])
    found = finding(r, "not_recommended", NETKG.RightHemicolectomy)
    assert level(rule_of(found, "K126")) == NETKG.EvidenceGuidelineConsensus
    assert str(NETKG.RightHemicolectomy) not in r.therapies("recommended")


STOMACH = {"primary_site": "stomach", "differentiation": "well", "ki67": 1, "functioning": False}


def test_k128_small_gastric_type_1_net_is_managed_endoscopically() -> None:
    r = case(tumour={**STOMACH, "gastric_type": "type_1", "size_cm": 0.7, "lesion_count": 3})
    found = finding(r, "recommended", NETKG.EndoscopicResection)
    assert level(rule_of(found, "K128")) == NETKG.EvidenceGuidelineConsensus
    assert str(NETKG.LocoregionalResection) not in r.therapies("recommended")


def test_k129_localised_gastric_type_3_net_gets_gastrectomy_with_lymphadenectomy() -> None:
    r = case(tumour={**STOMACH, "ki67": 8, "gastric_type": "type_3", "size_cm": 1.8})
    found = finding(r, "recommended", NETKG.GastrectomyWithLymphadenectomy)
    assert found.intent == K.label(NETKG.CurativeIntent)
    assert level(rule_of(found, "K129")) == NETKG.EvidenceExpertReview


PANCREAS = {"primary_site": "pancreas", "differentiation": "well", "ki67": 2}


def test_k130_small_sporadic_nf_pnet_may_be_watched() -> None:
    r = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.4}, hereditary_syndrome="none_known")
    found = finding(r, "consider", NETKG.ActiveSurveillance)
    assert level(rule_of(found, "K130")) == NETKG.EvidenceSingleArmOrRetrospective
    unknown_syndrome = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.4})
    assert str(NETKG.ActiveSurveillance) not in unknown_syndrome.therapies("consider")


def test_k131_k132_localised_insulinoma_resection_and_ssa_caution() -> None:
    r = case(tumour={**PANCREAS, "functioning": True, "syndrome": "insulinoma", "size_cm": 1.2})
    found = finding(r, "recommended", NETKG.InsulinomaResection)
    assert level(rule_of(found, "K131")) == NETKG.EvidenceExpertReview
    (caution,) = [n for n in r.cautions if "K132" in n.source.statements]
    assert caution.therapy == str(NETKG.SomatostatinAnalog)
    assert level(URIRef(caution.source.iri)) == NETKG.EvidenceSingleArmOrRetrospective


def test_k131_metastatic_insulinoma_gets_diazoxide_for_the_hypoglycaemia() -> None:
    r = case(tumour={**PANCREAS, "functioning": True, "syndrome": "insulinoma", "ki67": 8}, metastatic_sites=["liver"],
             liver={"lesion_count": 6, "resectable": False}, disease_course="progressive")
    found = finding(r, "recommended", NETKG.Diazoxide)
    assert found.intent == "syndrome control" and found.line == ["any line"]
    assert level(rule_of(found, "K131")) == NETKG.EvidenceExpertReview
    assert [n for n in r.cautions if "K132" in n.source.statements]  # the somatostatin analog stays a caution
    assert str(NETKG.InsulinomaResection) not in r.therapies("recommended")


def test_k131_a_localised_insulinoma_is_resected_not_given_diazoxide_as_a_finding() -> None:
    r = case(tumour={**PANCREAS, "functioning": True, "syndrome": "insulinoma", "size_cm": 1.2})
    assert str(NETKG.Diazoxide) not in r.therapies("recommended")  # before surgery: in the resection rule's text


def test_k131_diazoxide_is_not_offered_for_another_metastatic_pancreatic_syndrome() -> None:
    r = case(tumour={**PANCREAS, "functioning": True, "syndrome": "zollinger_ellison"}, metastatic_sites=["liver"],
             liver={"lesion_count": 3, "resectable": False}, disease_course="progressive")
    assert str(NETKG.Diazoxide) not in r.therapies("recommended")


# ---- gastrinoma and hereditary syndromes (K133-K135) --------------------------------------------------------------

GASTRINOMA = {"primary_site": "duodenum", "differentiation": "well", "ki67": 4, "functioning": True,
              "syndrome": "zollinger_ellison", "size_cm": 0.9}


def workup(report: Report, statement: str) -> list[Any]:
    return [n for n in report.workup if statement in n.source.statements]


def test_k133_gastrinoma_gets_a_proton_pump_inhibitor_with_its_dose() -> None:
    r = case(tumour=GASTRINOMA, age=58, metastatic_sites=["liver"])
    found = finding(r, "recommended", NETKG.ProtonPumpInhibitor)
    assert found.intent == K.label(NETKG.SyndromeControlIntent)
    assert found.line == [K.label(NETKG.AnyLine)]
    assert level(rule_of(found, "K133")) == NETKG.EvidenceSingleArmOrRetrospective
    (dose,) = [d for d in r.dosing if "K133" in d["statements"]]
    assert "60 mg" in dose["dose"] and "10 mmol/h" in dose["interval"]


def test_k133_no_proton_pump_inhibitor_without_zollinger_ellison_syndrome() -> None:
    r = case(tumour={**PANCREAS, "functioning": False, "size_cm": 3.0})
    assert str(NETKG.ProtonPumpInhibitor) not in r.therapies("recommended")


def test_k134_gastrinoma_without_a_recorded_syndrome_needs_men1_testing() -> None:
    r = case(tumour=GASTRINOMA, age=58)
    (note,) = workup(r, "K134")
    assert "MEN1" in (note.action or "")
    assert level(URIRef(note.source.iri)) == NETKG.EvidenceGuidelineConsensus
    assert not workup(case(tumour=GASTRINOMA, age=58, hereditary_syndrome="men1"), "K134")
    assert not workup(case(tumour=GASTRINOMA, age=58, hereditary_syndrome="none_known"), "K134")


@pytest.mark.parametrize("changes, expected", [
    ({"tumour": {**PANCREAS, "functioning": False, "size_cm": 1.0, "lesion_count": 2}, "age": 62}, True),
    ({"tumour": {**PANCREAS, "functioning": False, "size_cm": 1.0}, "age": 35}, True),
    ({"tumour": {**PANCREAS, "functioning": False, "size_cm": 1.0}, "age": 62}, False),
    ({"tumour": {"primary_site": "lung", "differentiation": "well", "ki67": 3}, "age": 66}, True),
    ({"tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 3, "lesion_count": 4}, "age": 35}, False),
])
def test_k134_triggers_for_men1_testing(changes: dict[str, Any], expected: bool) -> None:
    assert bool(workup(case(**changes), "K134")) is expected


def test_k135_multiple_pancreatic_nets_prompt_a_hereditary_syndrome_work_up() -> None:
    r = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.1, "lesion_count": 3}, age=52)
    (note,) = workup(r, "K135")
    assert "family history" in (note.action or "")
    assert level(URIRef(note.source.iri)) == NETKG.EvidenceExpertReview
    young = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.1}, age=29)
    assert workup(young, "K135")
    older_single = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.1}, age=52)
    assert not workup(older_single, "K135")
    assessed = case(tumour={**PANCREAS, "functioning": False, "size_cm": 1.1, "lesion_count": 3}, age=52,
                    hereditary_syndrome="vhl")
    assert not workup(assessed, "K135")


def test_k133_an_ungraded_gastrinoma_gets_the_grading_work_up_not_a_therapy() -> None:
    r = case(tumour={"primary_site": "duodenum", "functioning": True, "syndrome": "zollinger_ellison",
                     "differentiation": "unknown"}, age=58)
    assert str(NETKG.ProtonPumpInhibitor) not in r.therapies("recommended")
    assert r.workup


# ---- SSTR imaging modality (K125) and lung NET classification (K124) -----------------------------------------------

def test_k125_unknown_sstr_status_asks_for_sstr_pet_not_octreoscan() -> None:
    r = case(tumour={**PANCREAS, "functioning": False, "size_cm": 2.5}, metastatic_sites=["liver"])
    (note,) = workup(r, "K125")
    assert "PET/CT" in (note.action or "") and "OctreoScan" in (note.action or "")
    assert level(URIRef(note.source.iri)) == NETKG.EvidenceGuidelineConsensus
    assert [n for n in r.workup if "K006" in n.source.statements], "the K006 SSTR work-up keeps firing"
    known = case(tumour={**PANCREAS, "functioning": False, "size_cm": 2.5, "sstr_status": "positive"},
                 metastatic_sites=["liver"])
    assert not workup(known, "K125")


LUNG = {"primary_site": "lung", "differentiation": "well", "ki67": 4, "functioning": False, "size_cm": 2.1}


@pytest.mark.parametrize("tumour, typical, atypical", [
    ({"histology": "typical_carcinoid"}, True, False),
    ({"histology": "atypical_carcinoid"}, False, True),
    ({"mitotic_count": 1, "necrosis": "none"}, True, False),
    ({"mitotic_count": 4, "necrosis": "none"}, False, True),
    ({"mitotic_count": 1, "necrosis": "punctate"}, False, True),
    ({"necrosis": "punctate"}, False, True),
    ({"mitotic_count": 1}, False, False),  # necrosis not reported: not classified
    ({"histology": "typical_carcinoid", "mitotic_count": 4}, True, False),  # the reported histology wins
])
def test_k124_lung_carcinoids_are_classified_by_mitoses_and_necrosis(tumour: dict[str, Any], typical: bool,
                                                                     atypical: bool) -> None:
    (reasoned,) = reason_records([record(tumour={**LUNG, **tumour})], engine="fast")
    types = reasoned.classification.tumour_types
    assert (NETKG.TypicalCarcinoid in types, NETKG.AtypicalCarcinoid in types) == (typical, atypical)


def test_k124_lung_net_without_histology_gets_the_classification_work_up() -> None:
    r = case(tumour=LUNG, metastatic_sites=["liver"])
    (note,) = workup(r, "K124")
    assert "typical or atypical carcinoid" in (note.action or "")
    assert level(URIRef(note.source.iri)) == NETKG.EvidenceGuidelineConsensus
    assert r.grade == str(NETKG.NETG2), "the GEP grade classes are kept for lung primaries"
    assert not workup(case(tumour={**LUNG, "histology": "typical_carcinoid"}, metastatic_sites=["liver"]), "K124")
    assert not workup(case(tumour={**PANCREAS, "functioning": False}, metastatic_sites=["liver"]), "K124")


# ---- small cell lung carcinoma and checkpoint inhibitors (K118, K119) ----------------------------------------------

SCLC = {"primary_site": "lung", "differentiation": "poor", "ki67": 80, "histology": "small_cell", "functioning": False}


def test_k119_extensive_stage_sclc_gets_platinum_etoposide_with_a_pdl1_antibody() -> None:
    r = case(tumour=SCLC, ecog=1, metastatic_sites=["liver", "bone"], disease_course="progressive")
    found = finding(r, "recommended", NETKG.PlatinumEtoposidePDL1Inhibitor)
    assert found.intent == K.label(NETKG.AntitumourIntent)
    assert found.line == [K.label(NETKG.FirstLine)]
    rule = rule_of(found, "K119")
    assert level(rule) == NETKG.EvidenceRandomisedPhase3
    assert K.rules[rule].extrapolation, "metastatic read as extensive stage carries an extrapolation note"
    doses = {d["label"] for d in r.dosing if "K119" in d["statements"]}
    assert len(doses) == 2
    assert str(NETKG.ImmuneCheckpointInhibitor) not in r.therapies("not_recommended")


@pytest.mark.parametrize("changes", [
    {"ecog": 2},
    {"metastatic_sites": []},
    {"treatment_history": [{"therapy": "platinum_etoposide", "intent": "antitumour", "outcome": "progressed"}]},
    {"tumour": {**SCLC, "histology": "large_cell"}},
])
def test_k119_not_outside_the_trial_population(changes: dict[str, Any]) -> None:
    base = {"tumour": SCLC, "ecog": 1, "metastatic_sites": ["liver"], "disease_course": "progressive"}
    r = case(**{**base, **changes})
    assert str(NETKG.PlatinumEtoposidePDL1Inhibitor) not in r.therapies("recommended")


def test_k118_digestive_nec_gets_no_checkpoint_inhibitor_by_analogy() -> None:
    r = case(tumour={"primary_site": "rectum", "differentiation": "poor", "ki67": 70, "functioning": False},
             metastatic_sites=["liver"], disease_course="progressive")
    found = finding(r, "not_recommended", NETKG.ImmuneCheckpointInhibitor)
    rule = rule_of(found, "K118")
    assert "molecular profiling" in (K.rules[rule].action or "")
    assert level(rule) == NETKG.EvidenceGuidelineConsensus
    assert str(NETKG.CarboplatinEtoposide) in r.therapies("recommended"), "the K115 first line is untouched"
    assert not {str(NETKG.PlatinumEtoposidePDL1Inhibitor), str(NETKG.ImmuneCheckpointInhibitor)} & (
        r.therapies("recommended") | r.therapies("consider"))
