"""The netkg ``patient-view`` service: its discovery entry, and a checked hook call in, cards out.

The prefetched resources are mapped to a case by :mod:`netkg.fhir.to_case` and reasoned with the default
engine; the cards (:mod:`netkg.cds_hooks.cards`) say which current medication the report advises against,
which work-up it requires and which therapies it offers.  A medication ordered or taken now is part of the
case as an ongoing treatment where the FHIR mapping reads it; where the mapping cannot (no netkg
treatment-intent extension, say), it is left out of the case, checked against the report only, and the
cards say so.  Data that cannot be mapped gives one warning card naming every problem, never an error.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from rdflib import URIRef

from netkg.cds_hooks import cards as C
from netkg.cds_hooks.medications import CurrentMedication, current_medications
from netkg.cds_hooks.request import HOOK, PREFETCH, HookRequest
from netkg.fhir.bundle import label, parse_resources
from netkg.fhir.problems import FhirMappingError
from netkg.fhir.to_case import MappedCase, map_resources
from netkg.knowledge.ontology import Knowledge
from netkg.pipeline import reason_records
from netkg.reasoning import DEFAULT_ENGINE
from netkg.report.model import Finding, Report

SERVICE_ID = "netkg-patient-view"
_ORDER = {"critical": 0, "warning": 1, "info": 2}


def discovery() -> dict[str, Any]:
    """The answer of ``GET /cds-services``: the one service, its hook and its prefetch templates."""
    return {"services": [{
        "hook": HOOK,
        "id": SERVICE_ID,
        "title": "netkg: neuroendocrine neoplasm treatment knowledge",
        "description": (
            "Reasons over the patient's neuroendocrine neoplasm (NET G1-G3, NEC) from the prefetched FHIR R4 / "
            "mCODE data and returns cards: a current medication the knowledge advises against, required "
            "work-up, and the therapies it recommends, each with its rule, source statements and level of "
            "evidence. netkg supports healthcare professionals; it does not replace clinical judgement."),
        "prefetch": dict(PREFETCH),
        "usageRequirements": (
            "Every prefetch template must be satisfied: netkg reads only the prefetched data and never fetches "
            "from the FHIR server itself. Case fields without a standard FHIR code use netkg's local code "
            "systems (docs/fhir.md)."),
    }]}


def respond(hook: HookRequest, base_url: str, knowledge: Knowledge, engine: str = DEFAULT_ENGINE,
            today: Optional[date] = None) -> dict[str, Any]:
    """The answer to a checked hook call: ``{"cards": [...]}``, most urgent first."""
    ctx = C.CardContext(base_url.rstrip("/"), knowledge.version, hook.patient_reference())
    missing = list(hook.not_prefetched)
    if "patient" not in missing and not any(r["resourceType"] == "Patient" for r in hook.resources):
        missing.insert(0, "patient")
    if missing:
        return {"cards": [C.not_prefetched_card(ctx, missing, PREFETCH)]}
    medications = current_medications(hook.resources)
    try:
        mapped, left_out = _map(hook, medications, today)
    except FhirMappingError as exc:
        return {"cards": [C.mapping_problem_card(ctx, [str(p) for p in exc.problems])]}
    report = reason_records([mapped.record], engine, knowledge)[0].report
    ctx = C.CardContext(ctx.base_url, report.knowledge_version, ctx.patient,
                        (C.escape(mapped.note()) + ".",
                         *(f"Checked as a current medication but not part of the case: {C.escape(p)}" for p in left_out)))
    out = [C.safety_card(ctx, m, f) for m in medications for f in _advised_against(report, m, knowledge)]
    out += [C.workup_card(ctx, note, report.grade is not None) for note in report.workup]
    options = C.options_card(ctx, report, medications)
    if options is not None:
        out.append(options)
    return {"cards": sorted(out, key=lambda c: _ORDER[c["indicator"]])}


def _map(hook: HookRequest, medications: list[CurrentMedication], today: Optional[date]
         ) -> tuple[MappedCase, list[str]]:
    """The case of the prefetched resources, and the problems of current medications left out of it.

    When every problem of the mapping is on a current medication, the case is mapped again without those
    medications (they are still checked against the report); any other problem is raised."""
    resources = parse_resources(hook.resources)
    when = today or date.today()
    try:
        return map_resources(resources, when, "the day of the hook call", "CDS Hooks prefetch"), []
    except FhirMappingError as exc:
        blamed = {name for p in exc.problems for name in p.resource.split(", ")}
        if not blamed or not blamed <= {m.name for m in medications}:
            raise
        kept = [r for r in resources if label(r) not in blamed]
        return map_resources(kept, when, "the day of the hook call", "CDS Hooks prefetch"), [str(p) for p in exc.problems]


def _advised_against(report: Report, medication: CurrentMedication, knowledge: Knowledge) -> list[Finding]:
    """The report's not-recommended and contraindicated findings that cover the medication's therapy and intent."""
    if medication.therapy is None:
        return []
    intent = knowledge.label(medication.intent) if medication.intent is not None else None
    return [f for f in report.findings
            if f.category in C.INDICATOR and knowledge.subsumes(URIRef(f.therapy), medication.therapy)
            and (f.intent is None or intent is None or f.intent == intent)]
