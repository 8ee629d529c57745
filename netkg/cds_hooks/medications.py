"""The medications a patient is ordered or takes now, as therapies of the knowledge.

Current means a MedicationRequest whose status is active or draft, or a MedicationStatement whose status is
active or intended.  The drug is read as the FHIR mapping reads it (docs/fhir.md): an ATC code of
:data:`netkg.fhir.codes.DRUG_BY_ATC` or a local therapy code; regimen components ordered together
(cisplatin and etoposide, say) are the regimen they form.  A drug netkg does not know has no therapy and is
checked against nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from rdflib import URIRef

from netkg.cases.codes import THERAPIES, TREATMENT_INTENTS
from netkg.fhir import codes as C

CURRENT_STATUSES: dict[str, frozenset[str]] = {
    "MedicationRequest": frozenset({"active", "draft"}),
    "MedicationStatement": frozenset({"active", "intended"}),
}
_THERAPY_SYSTEM = C.LOCAL_SYSTEMS["treatment_history.therapy"]
_INTENT_SYSTEM = C.LOCAL_SYSTEMS["treatment_history.intent"]


@dataclass(frozen=True)
class CurrentMedication:
    """One medication ordered or taken now."""

    name: str  # ResourceType/id
    status: str
    drug: str  # the display or code of the drug as given
    therapy: Optional[URIRef]  # the therapy of the knowledge it is; None: a drug netkg does not know
    intent: Optional[URIRef]  # from netkg's treatment-intent extension; None: not given
    resource: Mapping[str, Any]  # the resource as prefetched

    @property
    def is_order(self) -> bool:
        return self.name.startswith("MedicationRequest/")


def current_medications(resources: list[Mapping[str, Any]]) -> list[CurrentMedication]:
    """The current MedicationRequests and MedicationStatements among ``resources`` (parsed, valid FHIR)."""
    medications = {f"Medication/{r.get('id')}": r for r in resources if r.get("resourceType") == "Medication"}
    found: list[tuple[Mapping[str, Any], str, list[tuple[str, str, str]]]] = []
    for r in resources:
        if r.get("status") not in CURRENT_STATUSES.get(str(r.get("resourceType")), ()):
            continue
        concept = r.get("medicationCodeableConcept")
        reference = (r.get("medicationReference") or {}).get("reference")
        if reference in medications:
            concept = medications[reference].get("code")
        codings = [(c.get("system", ""), c.get("code", ""), c.get("display", "")) for c in (concept or {}).get("coding") or []]
        drug = (concept or {}).get("text") or next((d or code for _, code, d in codings if d or code), "") or "a medication"
        found.append((r, drug, codings))
    components = {_name(r): _drug(codings)[1] for r, _, codings in found if _drug(codings)[1]}
    regimen = C.REGIMENS.get(frozenset(components.values()))
    out = []
    for r, drug, codings in found:
        therapy, component = _drug(codings)
        code = therapy or (regimen if component else None)
        intents = [c.get("valueCodeableConcept", {}) for c in r.get("extension") or []
                   if c.get("url") == C.TREATMENT_INTENT_EXTENSION]
        intent = next((coding.get("code") for concept in intents for coding in concept.get("coding") or []
                       if coding.get("system") == _INTENT_SYSTEM), None)
        out.append(CurrentMedication(_name(r), str(r.get("status")), drug, THERAPIES.get(code) if code else None,
                                     TREATMENT_INTENTS.get(intent) if intent else None, r))
    return out


def _drug(codings: list[tuple[str, str, str]]) -> tuple[Optional[str], Optional[str]]:
    """(therapy code, regimen component) of a drug's codings: a local therapy code first, then ATC."""
    for system, code, _ in codings:
        if system == _THERAPY_SYSTEM and code in THERAPIES:
            return code, None
    for system, code, _ in codings:
        drug = C.DRUG_BY_ATC.get(code) if system == C.ATC else None
        if drug is not None:
            return drug.therapy, drug.component
    return None, None


def _name(resource: Mapping[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id') or '(no id)'}"
