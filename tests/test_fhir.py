"""FHIR R4 / mCODE input: each example Bundle gives its seed YAML case and the same report; bad Bundles exit 2
with every problem named by resource, id and element (docs/fhir.md)."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from netkg.cli import main
from netkg.cases.reader import load_case
from netkg.fhir import codes as C
from netkg.fhir.problems import FhirMappingError
from netkg.fhir.to_case import case_from_bundle, case_from_resources, map_bundle
from netkg.fhir.writers import code_tables
from netkg.paths import REPO_ROOT

from conftest import EXAMPLES

SEEDS = ("nec-sigmoid-liver", "wd-sigmoid-liver", "pancreatic-net-progressive", "net-g3-prrt", "functioning-ileal-net")


def bundle(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / "fhir" / f"{name}.json").read_text())


def resource(b: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(e["resource"] for e in b["entry"] if e["resource"]["id"] == rid)


def run_cli(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["recommend", str(path), "--format", "json", "--engine", "fast"])
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path: Path, b: dict[str, Any]) -> Path:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(b))
    return path


@pytest.mark.parametrize("name", SEEDS)
def test_each_example_bundle_is_its_yaml_case(name: str) -> None:
    mapped = map_bundle(bundle(name))
    assert mapped.case == yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    assert mapped.record == load_case(EXAMPLES / f"{name}.yaml")


@pytest.mark.parametrize("name", SEEDS)
def test_each_example_bundle_gives_the_yaml_case_report(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, from_bundle, note = run_cli(EXAMPLES / "fhir" / f"{name}.json", capsys)
    assert code == 0
    assert "age as of 2024-06-01 (Bundle.timestamp)" in note
    code, from_yaml, _ = run_cli(EXAMPLES / f"{name}.yaml", capsys)
    assert code == 0
    assert json.loads(from_bundle) == json.loads(from_yaml)  # findings, work-up, key facts and the case id


def test_resources_netkg_does_not_use_are_counted_in_the_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert "1 resource not used by netkg (Encounter 1)" in map_bundle(bundle("wd-sigmoid-liver")).note()
    _, _, note = run_cli(EXAMPLES / "fhir" / "wd-sigmoid-liver.json", capsys)
    assert "netkg: note:" in note and "Encounter 1" in note


def test_a_resource_list_maps_like_its_bundle_with_the_age_as_of_the_given_date() -> None:
    resources = [e["resource"] for e in bundle("nec-sigmoid-liver")["entry"]]
    case = case_from_resources(resources, as_of=date(2025, 6, 1))
    assert case == {**case_from_bundle(bundle("nec-sigmoid-liver")), "age": 63}


def problems_of(b: dict[str, Any]) -> list[str]:
    with pytest.raises(FhirMappingError) as exc:
        map_bundle(b)
    return [str(p) for p in exc.value.problems]


def test_bad_bundles_exit_2_naming_resource_id_and_element(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = bundle("nec-sigmoid-liver")
    resource(b, "ki67")["valueQuantity"].update(unit="mg", code="mg")
    resource(b, "primary-cancer")["bodySite"][0]["coding"][0]["code"] = "spleen"
    code, out, err = run_cli(write(tmp_path, b), capsys)
    assert code == 2 and out == ""
    assert "Observation/ki67: valueQuantity.unit: expected '%', got 'mg'" in err
    assert "Condition/primary-cancer: bodySite: expected one code of " + C.LOCAL_SYSTEMS["tumour.primary_site"] in err
    assert "2 problems" in err


def test_missing_and_two_primary_cancers_are_named() -> None:
    b = bundle("nec-sigmoid-liver")
    b["entry"] = [e for e in b["entry"] if e["resource"]["id"] != "primary-cancer"]
    assert any("expected one primary cancer Condition" in p and "found 0" in p for p in problems_of(b))
    b = bundle("nec-sigmoid-liver")
    second = copy.deepcopy(resource(b, "primary-cancer"))
    second["id"] = "primary-cancer-2"
    b["entry"].append({"resource": second})
    assert any("found 2: Condition/primary-cancer, Condition/primary-cancer-2" in p for p in problems_of(b))


def test_invalid_fhir_is_named_by_resource_and_path() -> None:
    b = bundle("nec-sigmoid-liver")
    resource(b, "ecog")["valueInteger"] = "one"
    b["entry"].append({"resource": {"resourceType": "Foo", "id": "x"}})
    found = problems_of(b)
    assert any(p.startswith("Observation/ecog: valueInteger: invalid FHIR") for p in found)
    assert "Foo/x: resourceType: not a FHIR R4 resource type: 'Foo'" in found


def test_an_unknown_cancer_drug_is_an_error_and_an_unrelated_drug_is_ignored(tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    b = bundle("pancreatic-net-progressive")
    resource(b, "octreotide-1")["medicationCodeableConcept"]["coding"][0]["code"] = "L01XX99"
    code, _, err = run_cli(write(tmp_path, b), capsys)
    assert code == 2
    assert "MedicationStatement/octreotide-1: medicationCodeableConcept: a cancer drug netkg does not know" in err
    b = bundle("pancreatic-net-progressive")
    other = copy.deepcopy(resource(b, "octreotide-1"))
    other.update(id="other-drug", meta={}, medicationCodeableConcept={"coding": [{"system": C.ATC, "code": "N02BE01"}]})
    b["entry"].append({"resource": other})
    assert map_bundle(b).ignored == {"MedicationStatement": 1}


def regimen_bundle(periods: list[tuple[str, str]]) -> dict[str, Any]:
    b = bundle("nec-sigmoid-liver")
    b["entry"] = [e for e in b["entry"] if e["resource"]["id"] != "treatment-history"]
    for (atc, (start, end)) in zip(("L01XA02", "L01CB01"), periods):
        b["entry"].append({"resource": {
            "resourceType": "MedicationStatement", "id": f"drug-{atc}", "status": "stopped",
            "extension": [{"url": C.TREATMENT_INTENT_EXTENSION, "valueCodeableConcept": {"coding": [
                {"system": C.LOCAL_SYSTEMS["treatment_history.intent"], "code": "palliative"}]}}],
            "statusReason": [{"coding": [{"system": C.LOCAL_SYSTEMS["treatment_history.outcome"], "code": "progressed"}]}],
            "medicationCodeableConcept": {"coding": [{"system": C.ATC, "code": atc}]},
            "subject": {"reference": "Patient/seed1-nec-sigmoid-liver"},
            "effectivePeriod": {"start": start, "end": end}}})
    return b


def test_drugs_sharing_a_period_form_their_regimen() -> None:
    case = case_from_bundle(regimen_bundle([("2023-01-10", "2023-05-02")] * 2))
    assert case["treatment_history"] == [{"therapy": "carboplatin_etoposide", "intent": "palliative",
                                          "outcome": "progressed", "start": "2023-01-10", "end": "2023-05-02"}]
    found = problems_of(regimen_bundle([("2023-01-10", "2023-05-02"), ("2023-02-01", "2023-05-02")]))
    assert len(found) == 2 and all("form no regimen netkg knows" in p for p in found)


def test_a_case_model_error_names_the_resource_it_came_from() -> None:
    b = bundle("nec-sigmoid-liver")
    resource(b, "ki67")["valueQuantity"]["value"] = 150
    assert any(p.startswith("Observation/ki67: valueQuantity.value: case field 'tumour.ki67'") for p in problems_of(b))


def test_minen_is_refused_as_outside_the_case_format() -> None:
    b = bundle("nec-sigmoid-liver")
    resource(b, "primary-cancer")["code"] = {"coding": [{"system": C.ICDO3, "code": "8154/3"}]}
    assert any("Condition/primary-cancer: code.coding[0]: 8154/3" in p and "MiNEN" in p for p in problems_of(b))


def test_the_docs_show_the_current_code_tables() -> None:
    assert code_tables() in (REPO_ROOT / "docs" / "fhir.md").read_text()


def test_bone_metastasis_complications_come_from_a_case_field_observation_and_are_checked_like_the_yaml_field() -> None:
    b = bundle("nec-sigmoid-liver")  # liver metastases only
    b["entry"].append({"resource": {
        "resourceType": "Observation", "id": "bone-pain", "status": "final",
        "code": {"coding": [{"system": C.CASE_FIELD_SYSTEM, "code": "bone_metastasis_complications"}]},
        "subject": {"reference": resource(b, "primary-cancer")["subject"]["reference"]},
        "valueCodeableConcept": {"coding": [{"system": C.LOCAL_SYSTEMS["bone_metastasis_complications"], "code": "pain"}]},
    }})
    assert any(p.startswith("Observation/bone-pain") and "metastatic_sites does not list 'bone'" in p
               for p in problems_of(b))
