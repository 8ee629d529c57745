"""Bone metastases: external beam radiotherapy (K054) for those that cause or threaten complications.

K054 names radiotherapy for bone metastases without a condition; its intent is palliative. netkg offers it
when the bone metastases cause pain or threaten a fracture or the spinal cord (``bone_metastasis_complications``),
asks for that assessment when it is not recorded, and does not offer it for bone metastases recorded as
asymptomatic -- saying why. Both engines agree on each of these cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest
import yaml

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.cases.record import CaseRecord
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.generate import generate_cases
from netkg.pipeline import Reasoned, as_record, reason_records
from netkg.vocabulary import NETKG

COHORT = Path(__file__).resolve().parents[1] / "examples" / "cohort"
EBRT = str(NETKG.ExternalBeamRadiotherapy)
WORKUP = str(NETKG.WorkupBoneMetastasisSymptoms)
NEC_WITH_BONE = {
    "id": "bone-nec", "age": 64, "ecog": 1,
    "tumour": {"primary_site": "colon", "differentiation": "poor", "ki67": 70, "sstr_status": "negative",
               "functioning": False},
    "metastatic_sites": ["liver", "bone"], "disease_course": "progressive", "primary_resected": False,
    "primary_complications": [], "treatment_history": [],
}


def case(complications: Optional[list[str]] = None, **changes: Any) -> dict[str, Any]:
    out = {**NEC_WITH_BONE, **changes}
    if complications is not None:
        out["bone_metastasis_complications"] = complications
    return out


def reasoned(data: dict[str, Any]) -> Reasoned:
    return reason_records([as_record(data)], engine="fast")[0]


def radiotherapy_family(r: Reasoned) -> Any:
    [family] = [s for s in r.report.therapy_families if s.family == str(NETKG.Radiotherapy)]
    return family


# ---- the case field ------------------------------------------------------------------------------------------------

def test_the_field_becomes_a_symptom_status_and_its_complications() -> None:
    facts = to_facts(CaseRecord.model_validate(case(["spinal_cord_compression", "pain"])))
    patient = facts.individuals[facts.case]
    assert patient.objects[NETKG.hasBoneMetastasisSymptomStatus] == [NETKG.SymptomaticBoneMetastases]
    assert patient.objects[NETKG.hasBoneMetastasisComplication] == [NETKG.BoneMetastasisPain, NETKG.SpinalCordCompression]
    asymptomatic = to_facts(CaseRecord.model_validate(case([])))
    assert asymptomatic.individuals[asymptomatic.case].objects[NETKG.hasBoneMetastasisSymptomStatus] == \
        [NETKG.AsymptomaticBoneMetastases]
    unrecorded = to_facts(CaseRecord.model_validate(case()))
    assert NETKG.hasBoneMetastasisSymptomStatus in unrecorded.individuals[unrecorded.case].closed


def refused(data: dict[str, Any]) -> tuple[str, str]:
    """The one error of an invalid case: its field and message."""
    result = validate_case(data)
    assert result.record is None
    [error] = result.errors
    return error.field, error.message


@pytest.mark.parametrize("sites", [["liver"], [], None])
def test_complications_of_bone_metastases_need_bone_among_the_metastatic_sites(sites: Optional[list[str]]) -> None:
    field, message = refused(case(["pain"], metastatic_sites=sites))
    assert field == "bone_metastasis_complications" and "metastatic_sites does not list 'bone'" in message


def test_a_complication_may_be_listed_once_and_an_unknown_code_is_refused_with_the_allowed_ones() -> None:
    field, message = refused(case(["pain", "pain"]))
    assert field == "bone_metastasis_complications" and "once" in message
    field, message = refused(case(["ache"]))
    assert field.startswith("bone_metastasis_complications")
    assert "pain" in message and "spinal_cord_compression" in message


# ---- the report ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("complications", [["pain"], ["fracture_risk"], ["spinal_cord_compression"]])
def test_bone_metastases_that_cause_or_threaten_complications_get_radiotherapy(complications: list[str]) -> None:
    r = reasoned(case(complications))
    [found] = [f for f in r.report.items("recommended") if f.therapy == EBRT]
    assert found.statements == ["K054"] and found.intent == "palliative"
    assert WORKUP not in [n.source.iri for n in r.report.workup]


def test_asymptomatic_bone_metastases_are_not_offered_radiotherapy_and_the_report_says_why() -> None:
    r = reasoned(case([]))
    assert EBRT not in r.report.therapies("recommended") | r.report.therapies("consider")
    family = radiotherapy_family(r)
    assert family.status == "not offered" and family.nearest_rule == str(NETKG.BoneMetastasesRadiotherapy)
    assert "causing or threatening complications" in family.text and "K054" in family.text
    assert WORKUP not in [n.source.iri for n in r.report.workup]


def test_unrecorded_symptoms_of_bone_metastases_are_a_work_up_not_a_guess() -> None:
    r = reasoned(case())
    assert EBRT not in r.report.therapies("recommended") | r.report.therapies("consider")
    [note] = [n for n in r.report.workup if n.source.iri == WORKUP]
    assert note.source.statements == ["K054"] and "bone_metastasis_complications" in (note.action or "")
    assert "not recorded" in radiotherapy_family(r).text


def test_without_disease_present_no_work_up_is_asked() -> None:
    resected = case(metastatic_sites=["bone"], primary_resected=True, complete_resection=True,
                    disease_course="stable", months_stable=6)
    assert WORKUP not in [n.source.iri for n in reasoned(resected).report.workup]


def test_the_cohort_cases_read_as_a_tumour_board_would() -> None:
    spinal = reasoned(yaml.safe_load((COHORT / "current-27-rectal-nec-spinal-metastasis.yaml").read_text()))
    assert {EBRT, str(NETKG.PlatinumEtoposide)} <= spinal.report.therapies("recommended")
    quiet = reasoned(yaml.safe_load((COHORT / "current-28-lung-net-asymptomatic-bone-metastases.yaml").read_text()))
    assert radiotherapy_family(quiet).status == "not offered"


def test_the_reference_reasoner_gives_the_same_classes() -> None:
    records = [as_record(case(complications, id=f"bone-{n}")) for n, complications in enumerate((["pain"], [], None))]
    for fast, hermit in zip(reason_records(records, engine="fast"), reason_records(records, engine="hermit")):
        assert fast.classification.same_answer(hermit.classification)
        assert fast.report.therapies("recommended") == hermit.report.therapies("recommended")


def test_no_generated_case_with_asymptomatic_or_unrecorded_bone_metastases_gets_radiotherapy(
        knowledge: Knowledge) -> None:
    cases = [c for c in generate_cases(1200, seed=11) if "bone" in (c.get("metastatic_sites") or ())]
    symptomatic = [c for c in cases if c.get("bone_metastasis_complications")]
    assert len(cases) > 100 and symptomatic and len(symptomatic) < len(cases)
    records = [validate_case(c).record for c in cases]
    wrong = [r.record.id for r in reason_records([rec for rec in records if rec is not None], engine="fast")
             if EBRT in r.report.therapies("recommended") and not r.record.bone_metastasis_complications]
    assert wrong == []


def test_without_bone_metastases_the_family_names_the_missing_site_not_a_field_that_cannot_be_recorded() -> None:
    r = reasoned(case(metastatic_sites=["liver"]))
    family = radiotherapy_family(r)
    assert family.status == "not offered" and "neoplasm with bone metastases (metastatic_sites = liver)" in family.text
    assert "bone_metastasis_complications" not in family.text
    assert [c.text for c in family.failed] == ["neoplasm with bone metastases"]


def test_without_liver_metastases_transplantation_does_not_ask_for_liver_findings() -> None:
    r = reasoned(case(metastatic_sites=["bone"], tumour={**NEC_WITH_BONE["tumour"], "differentiation": "well",
                                                          "ki67": 5}))
    [transplant] = [s for s in r.report.therapy_families if s.family == str(NETKG.LiverTransplantation)]
    assert "liver-confined" in transplant.text and "liver." not in transplant.text
