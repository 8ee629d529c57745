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
