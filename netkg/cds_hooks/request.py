"""A CDS Hooks 2.0 ``patient-view`` call: checked, and its prefetched resources read.

The request must name the hook, a ``hookInstance`` and ``context.patientId``; every problem is a
:class:`CdsRequestError` whose message names the field (the HTTP answer is 400).  The prefetch holds, for
each key of :data:`PREFETCH`, a resource, a ``searchset`` Bundle of them, or ``null`` (no data).  A key the
client left out is not an error of the request: the service answers with a card saying what was not
prefetched (netkg never fetches from the FHIR server itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from netkg.errors import InputError

HOOK = "patient-view"
PREFETCH: dict[str, str] = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "medicationStatements": "MedicationStatement?patient={{context.patientId}}",
    "medicationRequests": "MedicationRequest?patient={{context.patientId}}",
}
"""The prefetch templates of the service (key -> FHIR read or search); every one is needed."""

SKIPPED_TYPES = frozenset({"OperationOutcome"})  # search messages a server may add to a searchset Bundle


class CdsRequestError(InputError):
    """A hook call that is not a valid CDS Hooks request for this service (HTTP 400); the message names the field."""


@dataclass(frozen=True)
class HookRequest:
    """A checked ``patient-view`` call: who it is for, and the prefetched resources (parsed JSON)."""

    hook_instance: str
    patient_id: str
    resources: list[dict[str, Any]]  # every prefetched resource once, in prefetch-key order
    not_prefetched: list[str] = field(default_factory=list)  # keys of PREFETCH the client did not satisfy

    def patient_reference(self) -> str:
        return f"Patient/{self.patient_id}"


def read_request(body: Any) -> HookRequest:
    """Check a parsed request body and collect its prefetched resources; raises :class:`CdsRequestError`."""
    if not isinstance(body, Mapping):
        raise CdsRequestError("the request body must be a JSON object (a CDS Hooks request)")
    if body.get("hook") != HOOK:
        raise CdsRequestError(f"hook: expected {HOOK!r} (the hook of this service), got {body.get('hook')!r}")
    hook_instance = body.get("hookInstance")
    if not isinstance(hook_instance, str) or not hook_instance.strip():
        raise CdsRequestError("hookInstance: a non-empty string (the UUID of this hook call) is required")
    context = body.get("context")
    if not isinstance(context, Mapping):
        raise CdsRequestError("context: a JSON object with the patientId is required")
    patient_id = context.get("patientId")
    if not isinstance(patient_id, str) or not patient_id.strip():
        raise CdsRequestError("context.patientId: the FHIR id of the patient (a non-empty string) is required")
    prefetch = body.get("prefetch", {})
    if not isinstance(prefetch, Mapping):
        raise CdsRequestError(f"prefetch: a JSON object with the keys {', '.join(PREFETCH)} is expected")
    resources: dict[tuple[str, str], dict[str, Any]] = {}
    missing = []
    for key in PREFETCH:
        if key not in prefetch:
            missing.append(key)
            continue
        for resource in _resources(key, prefetch[key]):
            _check_subject(key, resource, patient_id)
            name = (resource["resourceType"], str(resource.get("id") or f"(no id {len(resources)})"))
            resources.setdefault(name, resource)
    return HookRequest(hook_instance, patient_id, list(resources.values()), missing)


def _resources(key: str, value: Any) -> list[dict[str, Any]]:
    """The resources of one prefetch value: one resource, the entries of a Bundle, or none for ``null``."""
    if value is None:
        return []
    if not isinstance(value, Mapping) or not isinstance(value.get("resourceType"), str):
        raise CdsRequestError(f"prefetch.{key}: expected a FHIR resource or Bundle (a JSON object with a "
                              f"resourceType) or null, got {type(value).__name__}")
    if value["resourceType"] != "Bundle":
        return [dict(value)]
    if any(isinstance(link, Mapping) and link.get("relation") == "next" for link in value.get("link") or []):
        raise CdsRequestError(f"prefetch.{key}: the Bundle has a 'next' link; a prefetch must hold every "
                              "result at once")
    entries = value.get("entry") or []
    if not isinstance(entries, list):
        raise CdsRequestError(f"prefetch.{key}: Bundle.entry must be a list")
    out = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if resource is None:
            continue
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            raise CdsRequestError(f"prefetch.{key}: entry[{i}].resource is not a FHIR resource")
        if resource["resourceType"] not in SKIPPED_TYPES:
            out.append(dict(resource))
    return out


def _check_subject(key: str, resource: Mapping[str, Any], patient_id: str) -> None:
    """Refuse a prefetched resource about another patient than ``context.patientId``."""
    name = f"{resource['resourceType']}/{resource.get('id') or '(no id)'}"
    if resource["resourceType"] == "Patient":
        if resource.get("id") != patient_id:
            raise CdsRequestError(f"prefetch.{key}: {name} is not the patient of context.patientId ({patient_id!r})")
        return
    subject = resource.get("subject")
    reference: Optional[str] = subject.get("reference") if isinstance(subject, Mapping) else None
    if isinstance(reference, str) and reference.split("/_history/")[0].rsplit("/", 2)[-2:] != ["Patient", patient_id]:
        raise CdsRequestError(f"prefetch.{key}: {name}.subject is {reference!r}, not Patient/{patient_id} "
                              "(context.patientId)")
