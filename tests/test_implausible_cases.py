"""Implausible facts are flagged for a person to check: in the report, its JSON and its text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netkg.cases.reader import validate_case
from netkg.knowledge.ontology import Knowledge
from netkg.pipeline import recommend
from netkg.cases.plausibility import DataWarning, implausibilities
from netkg.report.writers import to_json, to_text

BASE: dict[str, Any] = {
    "id": "p1", "age": 60, "ecog": 1,
    "tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 5, "sstr_status": "positive"},
    "metastatic_sites": ["liver"], "disease_course": "stable",
}


def record(**changes: Any) -> Any:
    data = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        target, name = (data["tumour"], key[len("tumour__"):]) if key.startswith("tumour__") else (data, key)
        target[name] = value
    result = validate_case(data)
    assert result.record is not None, result.errors
    return result.record


def fields(**changes: Any) -> list[str]:
    return [w.field for w in implausibilities(record(**changes))]


def test_an_ordinary_case_has_nothing_to_check() -> None:
    assert implausibilities(record()) == []


def test_a_baby_with_ecog_4_is_flagged_on_age_and_ecog() -> None:
    warnings = implausibilities(record(age=0, ecog=4))
    assert [w.field for w in warnings] == ["age", "ecog"]
    assert "age 0" in warnings[0].message and "ECOG 4 at age 0" in warnings[1].message


@pytest.mark.parametrize("age, flagged", [(11, True), (12, False)])
def test_age_under_12_is_flagged(age: int, flagged: bool) -> None:
    assert ("age" in fields(age=age, ecog=None)) is flagged


@pytest.mark.parametrize("site, syndrome, flagged", [
    ("ileum", "insulinoma", True), ("pancreas", "insulinoma", False), ("unknown", "insulinoma", False),
    ("duodenum", "zollinger_ellison", False), ("stomach", "zollinger_ellison", False), ("ileum", "zollinger_ellison", True),
    ("lung", "vipoma", True), ("rectum", "carcinoid_syndrome", True), ("ileum", "carcinoid_syndrome", False),
    ("lung", "carcinoid_syndrome", False), ("rectum", "other", False),
])
def test_a_syndrome_far_from_where_it_arises_is_flagged(site: str, syndrome: str, flagged: bool) -> None:
    assert ("tumour.syndrome" in fields(tumour__primary_site=site, tumour__syndrome=syndrome)) is flagged


def test_carcinoid_syndrome_from_the_gut_without_liver_metastases_is_flagged() -> None:
    assert "metastatic_sites" in fields(tumour__syndrome="carcinoid_syndrome", metastatic_sites=["bone"])
    assert "metastatic_sites" not in fields(tumour__syndrome="carcinoid_syndrome", tumour__primary_site="lung", metastatic_sites=[])


def test_complete_resection_with_bone_metastases_is_flagged() -> None:
    assert "complete_resection" in fields(complete_resection=True, primary_resected=True, metastatic_sites=["bone"])


@pytest.mark.parametrize("changes, flagged", [
    ({"disease_course": "progressive", "months_stable": 12}, True),
    ({"disease_course": "progressive", "months_stable": 11}, False),
    ({"disease_course": "progressive", "rapid_progression": True, "months_stable": 6}, True),
    ({"disease_course": "progressive", "rapid_progression": True, "months_stable": 5}, False),
])
def test_progression_after_long_stability_is_flagged(changes: dict[str, Any], flagged: bool) -> None:
    assert ("months_stable" in fields(**changes)) is flagged


def test_whipple_with_an_ileal_primary_in_place_is_flagged() -> None:
    assert "pancreatoduodenectomy" in fields(pancreatoduodenectomy=True, primary_resected=False)


def test_well_differentiated_with_ki67_above_55_is_flagged() -> None:
    assert "tumour.differentiation" in fields(tumour__ki67=60)
    assert "tumour.differentiation" not in fields(tumour__ki67=40)


def test_the_report_shows_the_data_to_check(knowledge: Knowledge) -> None:
    report = recommend(record(age=0, ecog=4), engine="fast", knowledge_=knowledge)
    expected = [w.as_dict() for w in implausibilities(record(age=0, ecog=4))]
    assert report.data_warnings == expected
    assert json.loads(to_json(report))["data_warnings"] == expected
    text = to_text(report)
    assert "Data to check" in text and "ECOG is an adult scale" in text


def test_a_plain_report_has_no_data_to_check(knowledge: Knowledge) -> None:
    report = recommend(record(), engine="fast", knowledge_=knowledge)
    assert report.data_warnings == [] and "Data to check" not in to_text(report)
    assert json.loads(to_json(report))["data_warnings"] == []


def test_a_warning_is_a_field_and_a_message() -> None:
    assert DataWarning("age", "m").as_dict() == {"field": "age", "message": "m"}
