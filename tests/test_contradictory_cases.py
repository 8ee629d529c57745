"""Facts that cannot all be true are rejected as "contradictory facts", naming the field to correct."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netkg.cases.reader import validate_case
from netkg.cli import main

BASE: dict[str, Any] = {
    "id": "c1", "age": 60, "ecog": 1,
    "tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 5, "sstr_status": "positive"},
    "metastatic_sites": ["liver"], "disease_course": "stable",
}


def case(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        target, name = (data["tumour"], key[len("tumour__"):]) if key.startswith("tumour__") else (data, key)
        target[name] = value
    return data


CONTRADICTIONS = [
    ("complete-resection-with-unresectable-liver",
     case(complete_resection=True, primary_resected=True, liver={"resectable": False}, metastatic_sites=["liver", "bone"]),
     "complete_resection", "liver.resectable false"),
    ("progressive-24-months-stable", case(disease_course="progressive", months_stable=24), "months_stable", "not progressive"),
    ("rapid-progression-120-months-stable", case(disease_course="progressive", rapid_progression=True, months_stable=120),
     "months_stable", "not progressing rapidly"),
    ("rapid-progression-12-months-stable", case(disease_course="progressive", rapid_progression=True, months_stable=12),
     "months_stable", "not progressing rapidly"),
    ("whipple-with-duodenal-primary-in-place",
     case(tumour__primary_site="duodenum", pancreatoduodenectomy=True, primary_resected=False),
     "pancreatoduodenectomy", "removes the duodenum"),
    ("unknown-primary-resected", case(tumour__primary_site="unknown", primary_resected=True), "primary_resected", "unknown"),
    ("unknown-primary-completely-resected", case(tumour__primary_site="unknown", complete_resection=True),
     "complete_resection", "unknown"),
]


@pytest.mark.parametrize("data, field, says", [c[1:] for c in CONTRADICTIONS], ids=[c[0] for c in CONTRADICTIONS])
def test_contradictory_facts_are_rejected_with_the_field(data: dict[str, Any], field: str, says: str) -> None:
    result = validate_case(data, "c.json")
    assert result.record is None
    (error,) = result.errors
    assert (error.case_id, error.field) == ("c1", field)
    assert error.message.startswith("contradictory facts: ") and says in error.message


def test_contradictory_facts_exit_2_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(case(disease_course="progressive", months_stable=30)))
    assert main(["recommend", str(path), "--engine", "fast"]) == 2
    err = capsys.readouterr().err
    assert "field 'months_stable': contradictory facts" in err and "Traceback" not in err


@pytest.mark.parametrize("changes", [
    {"disease_course": "progressive", "months_stable": 23},
    {"disease_course": "progressive", "rapid_progression": True, "months_stable": 11},
    {"complete_resection": True, "primary_resected": True, "liver": {"resectable": True}},
    {"complete_resection": True, "primary_resected": True, "metastatic_sites": ["bone"]},
    {"pancreatoduodenectomy": True, "primary_resected": False},
    {"tumour__primary_site": "pancreas", "pancreatoduodenectomy": True, "primary_resected": False},
    {"tumour__primary_site": "unknown", "primary_resected": False},
    {"tumour__primary_site": "ileum", "tumour__syndrome": "insulinoma"},
    {"age": 0, "ecog": 4},
], ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_what_can_be_true_is_accepted(changes: dict[str, Any]) -> None:
    result = validate_case(case(**changes))
    assert result.record is not None, result.errors
