"""The CDS Hooks 2.0 service over HTTP (Starlette's test client): discovery, cards, bad requests, unmappable data.

Every answer is validated against ``tests/cds-hooks-2.0.schema.json``, written from the specification.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")
pytest.importorskip("starlette")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

from netkg.cds_hooks.request import PREFETCH
from netkg.cds_hooks.routes import routes
from netkg.cds_hooks.service import SERVICE_ID

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).resolve().parent / "cds-hooks-2.0.schema.json").read_text())
NEC_BUNDLE = ROOT / "examples" / "fhir" / "nec-sigmoid-liver.json"
ILEAL_BUNDLE = ROOT / "examples" / "fhir" / "functioning-ileal-net.json"
ATC = "http://www.whocc.no/atc"
INTENT_EXTENSION = "https://w3id.org/netkg/fhir/StructureDefinition/treatment-intent"
INTENT_SYSTEM = "https://w3id.org/netkg/fhir/CodeSystem/treatment-history-intent"
SERVICE = f"/cds-services/{SERVICE_ID}"


def _validator(name: str) -> Any:
    return jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{name}"})


@pytest.fixture(scope="module")
def client(knowledge) -> TestClient:
    app = Starlette(routes=routes)
    app.state.knowledge = knowledge
    return TestClient(app)


def _post(client: TestClient, request: dict[str, Any]) -> list[dict[str, Any]]:
    answer = client.post(SERVICE, json=request)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    _validator("response").validate(body)
    return body["cards"]


def _octreotide_order(patient: str, intent: str | None = None) -> dict[str, Any]:
    order: dict[str, Any] = {
        "resourceType": "MedicationRequest", "id": "octreotide-order", "status": "active", "intent": "order",
        "subject": {"reference": f"Patient/{patient}"}, "authoredOn": "2024-06-01",
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": "H01CB02", "display": "octreotide"}]}}
    if intent:
        order["extension"] = [{"url": INTENT_EXTENSION,
                               "valueCodeableConcept": {"coding": [{"system": INTENT_SYSTEM, "code": intent}]}}]
    return order


def hook_request(bundle_path: Path, medication_requests: list[dict[str, Any]] = ()) -> dict[str, Any]:
    """A spec-shaped patient-view request whose prefetch holds the example Bundle's resources, by search."""
    resources = [entry["resource"] for entry in json.loads(bundle_path.read_text())["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")

    def searchset(kind: str, extra: list[dict[str, Any]] = ()) -> dict[str, Any] | None:
        found = [r for r in resources if r["resourceType"] == kind] + list(extra)
        return {"resourceType": "Bundle", "type": "searchset", "total": len(found),
                "entry": [{"fullUrl": f"https://ehr.example/fhir/{r['resourceType']}/{r['id']}", "resource": r,
                           "search": {"mode": "match"}} for r in found]} if found else None

    return {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": patient["id"]},
        "prefetch": {
            "patient": patient,
            "conditions": searchset("Condition"),
            "observations": searchset("Observation"),
            "procedures": searchset("Procedure"),
            "medicationStatements": searchset("MedicationStatement"),
            "medicationRequests": searchset("MedicationRequest", medication_requests),
        },
    }


@pytest.fixture(scope="module")
def nec_with_octreotide(client) -> list[dict[str, Any]]:
    return _post(client, hook_request(NEC_BUNDLE, [_octreotide_order("seed1-nec-sigmoid-liver")]))


def test_discovery_offers_the_patient_view_service_with_its_prefetch_templates(client) -> None:
    answer = client.get("/cds-services")
    assert answer.status_code == 200
    body = answer.json()
    _validator("discovery").validate(body)
    [service] = body["services"]
    assert (service["hook"], service["id"]) == ("patient-view", SERVICE_ID)
    assert "does not replace clinical judgement" in service["description"]
    assert "never fetches from the FHIR server" in service["usageRequirements"]
    assert set(service["prefetch"]) == set(PREFETCH)
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    for key, kind in (("conditions", "Condition"), ("observations", "Observation"), ("procedures", "Procedure"),
                      ("medicationStatements", "MedicationStatement"), ("medicationRequests", "MedicationRequest")):
        assert service["prefetch"][key] == f"{kind}?patient={{{{context.patientId}}}}"
    assert answer.headers["access-control-allow-origin"] == "*"


def test_an_active_octreotide_order_in_nec_is_a_critical_card_citing_k014(nec_with_octreotide) -> None:
    assert nec_with_octreotide[0]["indicator"] == "critical"  # the most urgent card comes first
    [critical] = [c for c in nec_with_octreotide if c["indicator"] == "critical"]
    assert critical["summary"].startswith("Octreotide is ordered but contraindicated for this case (K014)")
    assert "K014" in critical["detail"] and "evidence: expert review" in critical["detail"]
    assert "records no intent" in critical["detail"]
    assert critical["source"]["label"].startswith("netkg ")
    version = critical["source"]["label"].removeprefix("netkg ")
    assert f"Knowledge version: netkg {version}" in critical["detail"]
    assert "does not replace clinical judgement" in critical["detail"]
    assert "not part of the case" in critical["detail"]  # the order lacks the intent extension
    assert critical["links"] == [{"label": "netkg statement K014", "type": "absolute",
                                  "url": "http://testserver/knowledge/statements/K014"}]
    [stop] = critical["suggestions"]
    [action] = stop["actions"]
    assert action["type"] == "update"
    assert (action["resource"]["id"], action["resource"]["status"]) == ("octreotide-order", "stopped")


def test_the_recommendations_are_one_info_card_with_line_intent_and_evidence(nec_with_octreotide) -> None:
    [info] = [c for c in nec_with_octreotide if c["indicator"] == "info"]
    assert "platinum plus etoposide" in info["summary"]
    assert "| recommended | platinum plus etoposide | first line | antitumour | single-arm or retrospective study | K007 |" \
        in info["detail"]
    assert "http://testserver/knowledge/statements/K007" in {link["url"] for link in info["links"]}
    assert "somatostatin" not in info["summary"]
    assert len({c["uuid"] for c in nec_with_octreotide}) == len(nec_with_octreotide)


def test_octreotide_for_syndrome_control_is_not_flagged(client) -> None:
    cards = _post(client, hook_request(NEC_BUNDLE, [_octreotide_order("seed1-nec-sigmoid-liver", "syndrome_control")]))
    assert [c["indicator"] for c in cards] == ["info"]


def test_a_case_without_current_medications_gets_no_safety_card(client) -> None:
    cards = _post(client, hook_request(NEC_BUNDLE))
    assert [c["indicator"] for c in cards] == ["info"]
    assert "not part of the case" not in cards[0]["detail"]


def test_required_work_up_is_a_card_with_a_draft_service_request(client) -> None:
    cards = _post(client, hook_request(ILEAL_BUNDLE))
    workup = [c for c in cards if c["source"]["topic"]["code"] == "work-up"]
    [echo] = [c for c in workup if "K122" in c["summary"]]
    assert echo["indicator"] == "info"  # the grade is known: the work-up does not hold up the therapy advice
    [action] = echo["suggestions"][0]["actions"]
    assert action["type"] == "create"
    assert action["resource"]["resourceType"] == "ServiceRequest"
    assert (action["resource"]["status"], action["resource"]["intent"]) == ("draft", "proposal")
    assert action["resource"]["subject"] == {"reference": f"Patient/{json.loads(ILEAL_BUNDLE.read_text())['entry'][0]['resource']['id']}"}


def test_data_that_cannot_be_mapped_is_one_warning_card_naming_resource_and_element(client) -> None:
    request = hook_request(NEC_BUNDLE)
    ki67 = next(e["resource"] for e in request["prefetch"]["observations"]["entry"] if e["resource"]["id"] == "ki67")
    ki67["valueQuantity"] = {"value": 70, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}
    [card] = _post(client, request)
    assert card["indicator"] == "warning"
    assert "cannot assess this patient" in card["summary"]
    assert "Observation/ki67: valueQuantity.unit: expected '%', got 'mg'" in card["detail"]


def test_data_not_prefetched_is_a_warning_card_naming_the_keys(client) -> None:
    request = hook_request(NEC_BUNDLE)
    del request["prefetch"]["observations"]
    [card] = _post(client, request)
    assert card["indicator"] == "warning"
    assert card["summary"] == "netkg cannot assess this patient: not prefetched: observations"
    assert "never fetches from the FHIR server" in card["detail"]


def _bad(change) -> dict[str, Any]:
    request = hook_request(NEC_BUNDLE)
    change(request)
    return request


BAD_REQUESTS = {
    "hook": (lambda r: r.update(hook="order-sign"), "hook: expected 'patient-view'"),
    "hookInstance": (lambda r: r.pop("hookInstance"), "hookInstance"),
    "patientId": (lambda r: r["context"].pop("patientId"), "context.patientId"),
    "prefetch": (lambda r: r.update(prefetch=["Patient/1"]), "prefetch: a JSON object"),
    "prefetch value": (lambda r: r["prefetch"].update(conditions="Condition?patient=1"), "prefetch.conditions"),
    "other patient": (lambda r: r["context"].update(patientId="someone-else"), "prefetch.patient"),
    "other subject": (lambda r: r["prefetch"].update(medicationRequests={"resourceType": "Bundle", "type": "searchset",
                      "entry": [{"resource": _octreotide_order("someone-else")}]}), "not Patient/seed1-nec-sigmoid-liver"),
}


@pytest.mark.parametrize("name", BAD_REQUESTS)
def test_a_bad_request_is_a_400_naming_the_field(client, name: str) -> None:
    change, message = BAD_REQUESTS[name]
    answer = client.post(SERVICE, json=_bad(change))
    assert answer.status_code == 400
    assert message in answer.json()["error"]


def test_a_body_that_is_not_json_is_a_400(client) -> None:
    answer = client.post(SERVICE, content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert "not JSON" in answer.json()["error"]


def test_a_browser_preflight_is_allowed(client) -> None:
    answer = client.options(SERVICE, headers={"Origin": "https://sandbox.cds-hooks.org",
                                               "Access-Control-Request-Method": "POST"})
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "POST" in answer.headers["access-control-allow-methods"]


def test_the_card_schema_refuses_what_the_specification_refuses() -> None:
    validator = _validator("card")
    good = {"summary": "s", "indicator": "info", "source": {"label": "netkg"}}
    validator.validate(good)
    bad = [
        {**good, "summary": "x" * 140},
        {**good, "indicator": "urgent"},
        {**good, "source": {"url": "https://example.org"}},
        {**good, "suggestions": [{"label": "s"}]},  # no selectionBehavior
        {**good, "selectionBehavior": "at-most-one", "suggestions": [{"label": "s", "actions": [{"type": "create", "description": "d"}]}]},
        {**good, "links": [{"label": "l", "url": "https://example.org", "type": "absolute", "appContext": "x"}]},
        {**good, "links": []},
    ]
    for card in bad:
        assert not validator.is_valid(card), card


def test_netkg_web_serves_the_service_and_its_card_links_open(knowledge) -> None:
    from netkg.web.app import WebSettings, make_app

    web = TestClient(make_app(WebSettings(), knowledge=knowledge))
    assert web.get("/cds-services").json()["services"][0]["id"] == "netkg-patient-view"
    cards = web.post(SERVICE, json=hook_request(NEC_BUNDLE, [_octreotide_order("seed1-nec-sigmoid-liver")])).json()["cards"]
    links = [link["url"] for card in cards for link in card.get("links", [])]
    assert "http://testserver/knowledge/statements/K014" in links
    page = web.get("/knowledge/statements/K014")
    assert page.status_code == 200 and "K014" in page.text
