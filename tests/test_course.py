"""Course-aware reasoning: a report is right for where the patient is in the course of the disease.

Each test is one observation of a tumour-board review (issue 12), on a case of
``examples/cohort/course-*.yaml`` or a variation of it: treatment history and the
derived line, setting (surveillance after complete resection), intent (syndrome
control versus antitumour), fitness, and what the sources do not cover.
"""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import URIRef

from netkg.cases import course
from netkg.cases.reader import load_case, validate_case
from netkg.pipeline import knowledge, recommend
from netkg.report.writers import to_text
from netkg.report.model import Report
from netkg.vocabulary import NETKG

from conftest import EXAMPLES

COHORT = EXAMPLES / "cohort"
K = knowledge()
SSA = str(NETKG.SomatostatinAnalog)
PRRT = str(NETKG.Lutetium177Dotatate)
ANTITUMOUR = K.label(NETKG.AntitumourIntent)
SYNDROME_CONTROL = K.label(NETKG.SyndromeControlIntent)


def run(name: str, **changes: Any) -> Report:
    case = load_case(COHORT / f"{name}.yaml").model_dump(mode="json", exclude_none=True)
    return recommend({**case, **changes}, engine="fast")


def positives(r: Report) -> set[str]:
    return r.therapies("recommended") | r.therapies("consider")


def rows(r: Report, therapy: str) -> list[tuple[str, str | None, list[str]]]:
    return [(f.category, f.intent, f.line) for f in r.findings if f.therapy == therapy]


def family(r: Report, iri: Any) -> Any:
    return next(f for f in r.therapy_families if f.family == str(iri))


# 1 ----------------------------------------------------------------------------------------
def test_progression_on_ssa_moves_the_patient_to_second_line_and_prrt() -> None:
    r = run("course-01-progressed-on-ssa")
    assert r.key_facts["line of therapy"].startswith("second line (after progression on lanreotide)")
    assert SSA not in positives(r)
    assert ("recommended", ANTITUMOUR, ["second line"]) in rows(r, PRRT)


def test_treatment_naive_patient_is_in_first_line_and_gets_no_prrt() -> None:
    r = run("course-01-progressed-on-ssa", treatment_history=[], disease_course="stable")
    assert r.key_facts["line of therapy"].startswith("first line")
    assert ("recommended", ANTITUMOUR, ["first line"]) in rows(r, SSA)
    assert PRRT not in positives(r)
    assert family(r, NETKG.RadionuclideTherapy).status == "not offered"


def test_line_is_derived_from_ended_systemic_antitumour_lines_only() -> None:
    history = validate_case({"id": "x", "tumour": {"primary_site": "ileum"}, "treatment_history": [
        {"therapy": "octreotide", "intent": "syndrome_control", "outcome": "progressed"},
        {"therapy": "tace", "intent": "antitumour", "outcome": "completed"},
        {"therapy": "lanreotide", "intent": "antitumour", "outcome": "toxicity"},
        {"therapy": "everolimus", "intent": "antitumour", "outcome": "ongoing"}]}).record.treatment_history
    assert course.current_line(history) == 2


def test_unknown_history_is_a_work_up_not_a_guess() -> None:
    case = load_case(COHORT / "course-06-unknown-primary-g2.yaml").model_dump(mode="json", exclude_none=True)
    del case["treatment_history"]
    r = recommend(case, engine="fast")
    assert str(NETKG.WorkupTreatmentHistory) in {n.source.iri for n in r.workup}
    assert SSA not in positives(r)
    assert r.key_facts["line of therapy"].startswith("not known")


# 2 ----------------------------------------------------------------------------------------
def test_platinum_refractory_nec_gets_no_first_line_platinum() -> None:
    r = run("course-02-platinum-refractory-nec")
    assert str(NETKG.PlatinumEtoposide) not in positives(r)
    assert "platinum-refractory" in r.key_facts["refractory to"]
    # Current evidence (K117, refining K011): after progression on platinum the second line is irinotecan-based;
    # K011's later-line cisplatin plus etoposide is withheld and shown as a conflict (tests/test_no_rechallenge.py).
    assert str(NETKG.CisplatinEtoposide) in {c.therapy for c in r.conflicts}
    assert ("consider", ANTITUMOUR, ["second line"]) in rows(r, str(NETKG.IrinotecanFluoropyrimidine))


# 3 ----------------------------------------------------------------------------------------
def test_after_complete_resection_the_report_is_surveillance_not_treatment() -> None:
    r = run("course-03-resected-pancreatic-g2")
    assert r.key_facts["stage and setting"] == "surveillance after complete resection"
    assert not positives(r)
    assert any("K028" in f.statements for f in r.items("not_recommended") if f.therapy == SSA)
    assert [n.source.statements for n in r.followup] == [["K056"]]


# 4, 5 -------------------------------------------------------------------------------------
def test_nec_with_vipoma_gets_ssa_for_the_syndrome_never_as_antitumour_therapy() -> None:
    r = run("course-04-nec-vipoma")
    assert ("recommended", SYNDROME_CONTROL, ["any line"]) in rows(r, SSA)
    assert ("contraindicated", ANTITUMOUR, ["any line"]) in rows(r, SSA)
    assert str(NETKG.PlatinumEtoposide) in r.therapies("recommended")


def test_net_g3_with_carcinoid_syndrome_gets_ssa_for_the_syndrome() -> None:
    r = run("course-05-ileal-g3-carcinoid")
    assert ("recommended", SYNDROME_CONTROL, ["any line"]) in rows(r, SSA)


# 6 ----------------------------------------------------------------------------------------
def test_net_g2_of_unknown_primary_gets_first_line_ssa() -> None:
    r = run("course-06-unknown-primary-g2")
    assert ("recommended", ANTITUMOUR, ["first line"]) in rows(r, SSA)
    assert any(R.extrapolation for R in K.rules.values() if R.iri == NETKG.LowGradeGEPSomatostatinAnalog)


# 7 ----------------------------------------------------------------------------------------
def test_no_prophylactic_cholecystectomy_when_surgery_is_contraindicated() -> None:
    r = run("course-07-ileal-bone")
    assert str(NETKG.UpfrontSurgery) in r.therapies("contraindicated")
    assert str(NETKG.ProphylacticCholecystectomy) not in positives(r)
    assert [w.therapy for w in r.withheld] == [str(NETKG.ProphylacticCholecystectomy)]


# 8 ----------------------------------------------------------------------------------------
def test_frail_elderly_patient_is_not_offered_major_surgery() -> None:
    r = run("course-08-frail-sigmoid-g1")
    surgery = {t for t in positives(r) if K.subsumes(NETKG.Surgery, t)}
    assert not surgery
    assert {str(NETKG.UpfrontSurgery), str(NETKG.LiverTransplantation)} <= r.therapies("not_recommended")


def test_the_same_patient_fit_gets_the_colectomy() -> None:
    r = run("course-08-frail-sigmoid-g1", age=60, ecog=0)
    assert str(NETKG.PrimaryTumourResection) in r.therapies("recommended")


# 9 ----------------------------------------------------------------------------------------
def test_small_rectal_net_gets_surgery_of_fitting_extent_not_lymph_node_clearance() -> None:
    r = run("course-09-small-rectal")
    assert str(NETKG.PrimaryTumourResection) not in positives(r)
    assert str(NETKG.LocoregionalResection) in r.therapies("recommended")


def test_rectal_primary_with_liver_metastases_does_not_get_the_sigmoid_rule() -> None:
    r = run("course-14-transplant-colon-g1", tumour={"primary_site": "rectum", "differentiation": "well", "ki67": 2,
                                                      "sstr_status": "positive", "functioning": False})
    assert str(NETKG.PrimaryTumourResection) not in positives(r)


# 10 ---------------------------------------------------------------------------------------
def test_neoadjuvant_prrt_only_when_the_surgeons_would_resect_after_downsizing() -> None:
    selected = run("course-10-neoadjuvant-prrt")
    assert ("consider", K.label(NETKG.CurativeIntent), ["neoadjuvant"]) in rows(selected, PRRT)
    diffuse = run("course-10-neoadjuvant-prrt", liver={"lesion_count": 16, "resectable": False})
    assert PRRT not in positives(diffuse)


# 11, 12 -----------------------------------------------------------------------------------
def test_no_upfront_surgery_in_metastatic_high_grade_disease_even_with_one_liver_metastasis() -> None:
    r = run("course-11-colon-nec-single-liver")
    assert str(NETKG.UpfrontSurgery) in r.therapies("contraindicated")
    assert str(NETKG.LiverMetastasisResection) not in positives(r)


def test_palliative_primary_resection_is_for_bowel_primaries_only() -> None:
    r = run("course-12-pancreatic-nec-symptomatic")
    assert str(NETKG.PalliativePrimaryResection) not in positives(r)
    bowel = run("course-12-pancreatic-nec-symptomatic",
                tumour={"primary_site": "sigmoid_colon", "differentiation": "poor", "ki67": 80})
    assert str(NETKG.PalliativePrimaryResection) in positives(bowel)


# 13 ---------------------------------------------------------------------------------------
def test_nec_liver_directed_therapy_only_when_indolent_after_chemotherapy() -> None:
    indolent = run("course-13-nec-indolent-after-chemo")
    assert ("consider", ANTITUMOUR, ["any line"]) in rows(indolent, str(NETKG.LiverDirectedTherapy))
    progressing = run("course-13-nec-indolent-after-chemo", disease_course="progressive", months_stable=None,
                      treatment_history=[{"therapy": "carboplatin_etoposide", "intent": "antitumour", "outcome": "progressed"}])
    assert not {t for t in positives(progressing) if K.subsumes(NETKG.LiverDirectedTherapy, t)}


# 14 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule, category", [
    (NETKG.NECNoSomatostatinAnalog, NETKG.contraindicatedTherapy),  # "a critical error"
    (NETKG.NECNoTargetedTherapy, NETKG.notRecommendedTherapy),  # "needs chemotherapy": no harm claimed
    (NETKG.NECNoColorectalRegimens, NETKG.notRecommendedTherapy),  # "ineffective"
])
def test_strength_follows_the_source_wording(rule: Any, category: Any) -> None:
    assert [a.strength for a in K.rules[rule].axioms] == [category]


# 15 ---------------------------------------------------------------------------------------
def test_no_palliative_care_or_metastatic_survival_figure_for_a_resected_patient() -> None:
    r = run("course-03-resected-pancreatic-g2")
    assert str(NETKG.ProcessEarlyPalliativeCare) not in {n.source.iri for n in r.process}
    assert str(NETKG.PrognosisMetastaticNET) not in {n.source.iri for n in r.prognosis}


def test_metastatic_net_survival_figure_is_not_shown_for_nec() -> None:
    r = run("course-11-colon-nec-single-liver")
    assert str(NETKG.PrognosisMetastaticNET) not in {n.source.iri for n in r.prognosis}
    assert str(NETKG.ProcessEarlyPalliativeCare) in {n.source.iri for n in r.process}


# 16 ---------------------------------------------------------------------------------------
def test_a_row_never_holds_another_categorys_rule() -> None:
    for path in sorted(COHORT.glob("*.yaml")):
        r = recommend(path, engine="fast")
        for f in r.findings:
            for source in f.rules:
                axioms = K.rules[URIRef(source.iri)].axioms
                names = {a.strength for a in axioms if str(a.therapy) == f.therapy}
                assert {"recommended": NETKG.recommendedTherapy, "consider": NETKG.considerTherapy,
                        "not_recommended": NETKG.notRecommendedTherapy,
                        "contraindicated": NETKG.contraindicatedTherapy}[f.category] in names, (path.name, f)


# 17 ---------------------------------------------------------------------------------------
def test_silence_is_never_an_answer_every_family_is_offered_negated_or_explained() -> None:
    r = run("course-16-net-g3-after-everolimus")
    statuses = {f.family_label: f.status for f in r.therapy_families}
    assert len(statuses) == 8
    assert statuses[K.label(NETKG.SomatostatinAnalog)] == "not covered"
    transplant = run("course-15-transplant", tumour={"primary_site": "ileum", "differentiation": "well", "ki67": 15,
                                                     "sstr_status": "positive", "functioning": False})
    line = family(transplant, NETKG.LiverTransplantation)
    assert line.status == "not offered" and "K051" in line.text and "Ki-67 below 10%" in line.text


# the table a clinician reads ---------------------------------------------------------------
def test_table_report_leads_with_key_facts_and_hides_the_class_list() -> None:
    r = run("course-01-progressed-on-ssa")
    text = to_text(r)
    head = text[: text.index("Indicated")]
    for fact in ("grade", "stage and setting", "line of therapy", "refractory to", "fitness"):
        assert fact in head
    assert "second line (after progression on lanreotide)" in head
    assert "every inferred class" not in text and "every inferred class" in to_text(r, verbose=True)
    assert "Therapy families" in text


def test_old_prior_therapies_field_names_its_replacement() -> None:
    result = validate_case({"id": "old", "tumour": {"primary_site": "ileum"}, "prior_therapies": ["octreotide"]})
    assert result.record is None
    assert "treatment_history" in result.errors[0].message


def test_systemic_therapies_of_the_line_rule_match_the_ontology() -> None:
    from netkg.cases import codes
    systemic = {code for code, iri in codes.THERAPIES.items() if K.subsumes(NETKG.SystemicTherapy, iri)}
    assert systemic == set(course.SYSTEMIC_THERAPIES)


def test_every_cohort_report_is_json_ready() -> None:
    from netkg.report.writers import to_json
    for path in sorted(COHORT.glob("*.yaml")):
        assert '"therapy_families"' in to_json(recommend(path, engine="fast")), path.name
