"""FHIR R4 / mCODE resources into a netkg case, validated by the case model (docs/fhir.md).

>>> case = case_from_bundle(json.load(open("examples/fhir/nec-sigmoid-liver.json")))  # doctest: +SKIP

Every resource netkg reads is mapped or named in a :class:`FhirMappingError` with its element path;
resources netkg does not use are counted (:attr:`MappedCase.ignored`), never silently lost.  The case
dict is then validated by :func:`netkg.cases.reader.validate_case`; a case-model error names the
resource and element its field came from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping, Optional

from fhir.resources.R4B.resource import Resource

from netkg.cases.fields import FIELDS
from netkg.cases.reader import validate_case
from netkg.cases.record import CaseRecord
from netkg.fhir import codes as C
from netkg.fhir.bundle import label, parse_resources, read_bundle
from netkg.fhir.problems import FhirMappingError, Problem

UNITS: dict[str, tuple[str, ...]] = {
    "%": ("%",), "cm": ("cm",), "mm": ("mm",), "months": ("mo",), "years": ("a",),
    "mitoses per 2 mm2": ("/(2.mm2)", "{mitoses}/(2.mm2)"), "per day": ("/d",),
}
"""The UCUM codes (or unit texts) accepted for each unit of the case format."""

IGNORED_STATUSES = frozenset({"entered-in-error", "cancelled", "not-taken", "intended", "draft", "refuted"})
ONGOING_STATUSES = frozenset({"active", "in-progress"})
CANCER_MEDICATION_PROFILES = tuple(C.MCODE + p for p in (
    "mcode-cancer-related-medication-statement", "mcode-cancer-related-medication-request"))
CANCER_PROCEDURE_PROFILE = C.MCODE + "mcode-cancer-related-surgical-procedure"


@dataclass
class MappedCase:
    """A case mapped from FHIR: the case dict, its validated record, and what was not used."""

    case: dict[str, Any]
    record: CaseRecord
    ignored: dict[str, int]  # resource type -> how many resources of it netkg did not use
    as_of: date
    as_of_source: str  # where the as-of date (for the age) came from
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # case path -> (resource, element)

    def note(self) -> str:
        """One line for the user: the as-of date of the age and the resources not used."""
        when = f"age as of {self.as_of.isoformat()} ({self.as_of_source or 'today: the Bundle has no timestamp'})"
        if not self.ignored:
            return f"FHIR: {when}; every resource used"
        unused = ", ".join(f"{kind} {n}" for kind, n in sorted(self.ignored.items()))
        total = sum(self.ignored.values())
        return f"FHIR: {when}; {total} resource{'s' if total != 1 else ''} not used by netkg ({unused})"


def case_from_bundle(bundle: Mapping[str, Any]) -> dict[str, Any]:
    """The case dict of a FHIR R4 Bundle (parsed JSON), validated; raises :class:`FhirMappingError`."""
    return map_bundle(bundle).case


def case_from_resources(resources: Iterable[Any], as_of: Optional[date] = None) -> dict[str, Any]:
    """The case dict of FHIR R4 resources (parsed JSON or fhir.resources models; a CDS Hooks prefetch), validated.

    ``as_of`` is the date the age is computed at (default: today)."""
    return map_resources(parse_resources(resources), as_of).case


def map_bundle(bundle: Mapping[str, Any], source: str = "FHIR Bundle") -> MappedCase:
    """Map a Bundle: the case, its record and what was not used; raises :class:`FhirMappingError`."""
    try:
        parsed = read_bundle(bundle)
    except FhirMappingError as exc:
        raise FhirMappingError(exc.problems, source) from None
    return map_resources(parsed.resources, parsed.as_of, parsed.as_of_source, source)


def map_resources(resources: list[Resource], as_of: Optional[date] = None, as_of_source: str = "",
                  source: str = "FHIR resources") -> MappedCase:
    """Map validated resources (see :mod:`netkg.fhir.bundle`) to a validated case."""
    when = as_of or date.today()
    mapper = _Mapper(resources, when)
    case = mapper.run()
    if mapper.problems:
        raise FhirMappingError(mapper.problems, source)
    result = validate_case(case, source)
    if result.record is None:
        raise FhirMappingError([mapper.blame(e.field, e.message) for e in result.errors], source)
    return MappedCase(case, result.record, dict(mapper.ignored), when, as_of_source if as_of else "", mapper.sources)


@dataclass
class _Treatment:
    """One treatment read from a resource, before regimen components are grouped."""

    where: str
    therapy: Optional[str]
    component: Optional[str]
    intent: str
    outcome: str
    start: Optional[str]
    end: Optional[str]


class _Mapper:
    """Walks the resources once, filling the case dict and collecting problems."""

    def __init__(self, resources: list[Resource], as_of: date) -> None:
        self.resources = resources
        self.as_of = as_of
        self.case: dict[str, Any] = {}
        self.sources: dict[str, tuple[str, str]] = {}
        self.problems: list[Problem] = []
        self.ignored: Counter[str] = Counter()
        self.treatments: list[_Treatment] = []
        self.medications = {f"Medication/{r.id}": r for r in resources if r.get_resource_type() == "Medication"}

    def run(self) -> dict[str, Any]:
        readers = {"Patient": self.patient, "Condition": self.condition, "Observation": self.observation,
                   "Procedure": self.procedure, "MedicationStatement": self.medication,
                   "MedicationRequest": self.medication}
        patients = [r for r in self.resources if r.get_resource_type() == "Patient"]
        primaries = [r for r in self.resources if r.get_resource_type() == "Condition" and self.is_primary(r)]
        if len(patients) != 1:
            self.problem("Bundle", "entry", f"expected one Patient, found {len(patients)}"
                         + (f": {', '.join(label(p) for p in patients)}" if patients else ""))
        if len(primaries) != 1:
            self.problem("Bundle", "entry", f"expected one primary cancer Condition (mCODE PrimaryCancerCondition), "
                         f"found {len(primaries)}" + (f": {', '.join(label(p) for p in primaries)}" if primaries else ""))
        for resource in self.resources:
            kind = resource.get_resource_type()
            if kind == "Medication" and f"Medication/{resource.id}" in self.medications:
                continue  # read through the MedicationStatement or MedicationRequest that names it
            reader = readers.get(kind)
            if reader is None or reader(resource) is False:
                self.ignored[kind] += 1
        self.treatment_history()
        return self.case

    # -- the case dict ------------------------------------------------------------------------------------------

    def problem(self, resource: str, element: str, message: str) -> None:
        self.problems.append(Problem(resource, element, message))

    def set(self, path: str, value: Any, where: str, element: str) -> None:
        """Give the field at ``path`` its value; a second, different value is a problem naming both resources."""
        parent = FIELDS[path].parent
        holder = self.case.setdefault(parent, {}) if parent else self.case
        name = FIELDS[path].name
        if name in holder and holder[name] != value:
            first = " ".join(self.sources[path])
            self.problem(where, element, f"{path} is {value!r} here but {holder[name]!r} in {first}")
            return
        holder[name] = value
        self.sources.setdefault(path, (where, element))

    def add_codes(self, path: str, values: list[str], where: str, element: str) -> None:
        """Add codes to a list field; ``[]`` records an empty list (a contradiction with codes given elsewhere)."""
        current = self.case.setdefault(path, [])
        if (not values and current) or (values and path in self.sources and self.sources[path][1] == "valueBoolean"):
            first = " ".join(self.sources[path]) if path in self.sources else "another resource"
            self.problem(where, element, f"{path}: none recorded in one resource, some in another ({first})")
            return
        current.extend(v for v in values if v not in current)
        self.sources.setdefault(path, (where, element))

    def blame(self, case_field: str, message: str) -> Problem:
        """A case-model error, named by the resource and element its field came from."""
        matches = [p for p in self.sources if case_field == p or case_field.startswith(p + ".")]
        if not matches:
            return Problem("Bundle", "", f"case field '{case_field}': {message}")
        where, element = self.sources[max(matches, key=len)]
        return Problem(where, element, f"case field '{case_field}': {message}")

    # -- code helpers -------------------------------------------------------------------------------------------

    def local_code(self, concept: Any, path: str, where: str, element: str) -> Optional[str]:
        """The one code of ``path``'s local code system in a CodeableConcept (a problem when it is missing or unknown)."""
        found = _codes(concept, C.LOCAL_SYSTEMS[path])
        allowed = list(FIELDS[path].allowed or ())
        if len(found) != 1 or found[0][1] not in allowed:
            got = ", ".join(code for _, code in found) or "no coding of it"
            self.problem(where, element, f"expected one code of {C.LOCAL_SYSTEMS[path]} "
                                         f"({', '.join(allowed)}), got {got}")
            return None
        return found[0][1]

    # -- resources ----------------------------------------------------------------------------------------------

    def patient(self, r: Any) -> None:
        where = label(r)
        if not r.id:
            self.problem(where, "id", "the Patient's id is required: it is the case id")
        else:
            self.set("id", r.id, where, "id")
        if r.birthDate is None:
            return
        born = r.birthDate
        if not isinstance(born, date):
            self.problem(where, "birthDate", f"a full date (YYYY-MM-DD) is needed for the age, got {born!r}")
            return
        age = self.as_of.year - born.year - ((self.as_of.month, self.as_of.day) < (born.month, born.day))
        self.set("age", age, where, "birthDate")

    def is_primary(self, r: Any) -> bool:
        profiles = _profiles(r)
        if C.SECONDARY_CANCER_PROFILE in profiles:
            return False
        if C.PRIMARY_CANCER_PROFILE in profiles:
            return True
        return any((c.system, c.code) in C.HISTOLOGY_BY_CODE for c, _ in _histology_codings(r)) or bool(
            _codes(r.code, C.LOCAL_SYSTEMS["tumour.differentiation"]))

    def condition(self, r: Any) -> Optional[bool]:
        status = _first_code(r.verificationStatus)
        if status in IGNORED_STATUSES:
            return False
        if C.SECONDARY_CANCER_PROFILE in _profiles(r):
            return self.secondary(r)
        if not self.is_primary(r):
            return False
        where = label(r)
        known: list[tuple[C.Histology, str]] = []
        unknown: list[str] = []
        for coding, element in _histology_codings(r):
            histology = C.HISTOLOGY_BY_CODE.get((coding.system, coding.code))
            if histology is not None:
                known.append((histology, element))
            elif coding.system in (C.NCIT, C.ICDO3):
                unknown.append(f"{coding.system}|{coding.code}")
        for histology, element in known:
            if histology.differentiation is None:
                self.problem(where, element, f"{histology.standard.code} ({histology.standard.label}): {histology.refusal}")
        local = _codes(r.code, C.LOCAL_SYSTEMS["tumour.differentiation"])
        differentiations = {h.differentiation for h, _ in known if h.differentiation} | {code for _, code in local}
        if not known and not local:
            self.problem(where, "code", "no histology netkg knows"
                         + (f" ({', '.join(unknown)})" if unknown else "")
                         + f": use an NCIt or ICD-O-3 code of docs/fhir.md or {C.LOCAL_SYSTEMS['tumour.differentiation']}")
        elif len(differentiations) > 1:
            self.problem(where, "code", f"codes of different differentiations: {', '.join(sorted(differentiations))}")
        elif differentiations:
            value = differentiations.pop()
            if value not in (FIELDS["tumour.differentiation"].allowed or ()):
                self.local_code(r.code, "tumour.differentiation", where, "code")
            else:
                self.set("tumour.differentiation", value, where, "code")
        for histology, element in known:
            if histology.histology:
                self.set("tumour.histology", histology.histology, where, element)
            if histology.functioning is not None:
                self.set("tumour.functioning", histology.functioning, where, element)
        site = self.local_code(_first_concept(r.bodySite), "tumour.primary_site", where, "bodySite")
        if site:
            self.set("tumour.primary_site", site, where, "bodySite")
        return None

    def secondary(self, r: Any) -> None:
        where = label(r)
        system = C.LOCAL_SYSTEMS["metastatic_sites"]
        allowed = FIELDS["metastatic_sites"].allowed or {}
        sites = [code for concept in (r.bodySite or []) for _, code in _codes(concept, system)]
        bad = [s for s in sites if s not in allowed]
        if not sites or bad:
            self.problem(where, "bodySite", f"expected codes of {system} ({', '.join(allowed)}), got "
                                            f"{', '.join(bad) or 'no coding of it'}")
            return
        self.add_codes("metastatic_sites", sites, where, "bodySite")

    def observation(self, r: Any) -> Optional[bool]:
        if r.status in IGNORED_STATUSES:
            return False
        where = label(r)
        found = {(c.system, c.code) for c in (r.code.coding or [])}
        standard = next((o for o in C.OBSERVATION_CODES if (o.standard.system, o.standard.code) in found), None)
        if standard is C.ECOG:
            if r.valueInteger is None:
                self.problem(where, "valueInteger", "the ECOG performance status (0-4) is required")
            else:
                self.set("ecog", r.valueInteger, where, "valueInteger")
        elif standard is C.KI67:
            value = self.quantity(r.valueQuantity, "tumour.ki67", where, "valueQuantity")
            if value is not None:
                self.set("tumour.ki67", value, where, "valueQuantity.value")
        elif standard is C.TUMOUR_SIZE:
            self.tumour_size(r, where)
        elif standard is C.DISEASE_STATUS:
            self.disease_status(r, where)
        else:
            local = _codes(r.code, C.CASE_FIELD_SYSTEM)
            if not local:
                return False
            path = local[0][1]
            if path not in C.CASE_FIELD_OBSERVATIONS:
                self.problem(where, "code", f"{path!r} is not a case field an Observation gives; one of: "
                                            f"{', '.join(C.CASE_FIELD_OBSERVATIONS)}")
                return None
            self.field_value(r, path, where)
        return None

    def field_value(self, r: Any, path: str, where: str) -> None:
        """The value of a case field from an Observation coded with the field's path."""
        kind = FIELDS[path].kind
        if kind == "flag":
            if r.valueBoolean is None:
                self.problem(where, "valueBoolean", f"{path} is true or false: valueBoolean is required")
            else:
                self.set(path, r.valueBoolean, where, "valueBoolean")
        elif kind == "integer":
            if r.valueInteger is None:
                self.problem(where, "valueInteger", f"{path} is a whole number: valueInteger is required")
            else:
                self.set(path, r.valueInteger, where, "valueInteger")
        elif kind == "number":
            value = self.quantity(r.valueQuantity, path, where, "valueQuantity")
            if value is not None:
                self.set(path, value, where, "valueQuantity.value")
        elif kind == "code":
            code = self.local_code(r.valueCodeableConcept, path, where, "valueCodeableConcept")
            if code:
                self.set(path, code, where, "valueCodeableConcept")
        elif r.valueBoolean is False:
            self.add_codes(path, [], where, "valueBoolean")
        elif kind == "entries":
            self.problem(where, "valueBoolean", f"{path}: only valueBoolean false (none received) is read here; give "
                                                "each treatment as a Procedure, MedicationStatement or MedicationRequest")
        else:
            system = C.LOCAL_SYSTEMS[path]
            allowed = FIELDS[path].allowed or {}
            values = [code for _, code in _codes(r.valueCodeableConcept, system)]
            if not values or any(v not in allowed for v in values):
                self.problem(where, "valueCodeableConcept", f"expected codes of {system} ({', '.join(allowed)}) "
                                                            "or valueBoolean false for none")
            else:
                self.add_codes(path, values, where, "valueCodeableConcept")

    def quantity(self, q: Any, path: str, where: str, element: str) -> Optional[float | int]:
        unit = FIELDS[path].unit or ""
        accepted = UNITS.get(unit, (unit,))
        if q is None or q.value is None:
            self.problem(where, element, f"a value in '{accepted[0]}' is required")
            return None
        got = q.code or q.unit
        if got not in accepted and q.unit not in accepted:
            self.problem(where, f"{element}.unit", f"expected '{accepted[0]}', got {got!r}")
            return None
        return _number(q.value)

    def tumour_size(self, r: Any, where: str) -> None:
        q, element = r.valueQuantity, "valueQuantity"
        for i, component in enumerate(r.component or []):
            if (C.TUMOUR_SIZE_MAX_DIMENSION.system, C.TUMOUR_SIZE_MAX_DIMENSION.code) in {
                    (c.system, c.code) for c in (component.code.coding or [])}:
                q, element = component.valueQuantity, f"component[{i}].valueQuantity"
        if q is None or q.value is None:
            self.problem(where, element, f"the largest diameter is required (valueQuantity, or component "
                                         f"{C.TUMOUR_SIZE_MAX_DIMENSION.code}) in cm or mm")
            return
        unit = q.code or q.unit
        if unit not in C.SIZE_UNITS_IN_CM:
            self.problem(where, f"{element}.unit", f"expected 'cm' or 'mm', got {unit!r}")
            return
        value = q.value if unit == "cm" else q.value / Decimal(10)
        self.set("tumour.size_cm", _number(value), where, f"{element}.value")

    def disease_status(self, r: Any, where: str) -> None:
        concept = r.valueCodeableConcept
        for _, code in _codes(concept, C.SNOMED):
            if code in C.DISEASE_STATUS_VALUES:
                self.set("disease_course", C.DISEASE_STATUS_VALUES[code][1], where, "valueCodeableConcept")
                return
        if _codes(concept, C.LOCAL_SYSTEMS["disease_course"]):
            code = self.local_code(concept, "disease_course", where, "valueCodeableConcept")
            if code:
                self.set("disease_course", code, where, "valueCodeableConcept")
            return
        got = ", ".join(f"{c.system}|{c.code}" for c in (concept.coding or [])) if concept else "no value"
        self.problem(where, "valueCodeableConcept", f"expected a SNOMED CT code of mCODE's ConditionStatusTrendVS "
                                                    f"({', '.join(C.DISEASE_STATUS_VALUES)}), got {got}")

    def procedure(self, r: Any) -> Optional[bool]:
        if r.status in IGNORED_STATUSES:
            return False
        where = label(r)
        flags = [code for _, code in _codes(r.code, C.CASE_FIELD_SYSTEM)]
        if flags:
            if flags[0] not in C.PROCEDURE_FLAGS:
                self.problem(where, "code", f"{flags[0]!r} is not a procedure netkg reads; one of: "
                                            f"{', '.join(C.PROCEDURE_FLAGS)}")
            elif r.status in ("completed", "not-done"):
                self.set(flags[0], r.status == "completed", where, "status")
            else:
                self.problem(where, "status", f"expected 'completed' (done) or 'not-done', got {r.status!r}")
            return None
        therapy_system = C.LOCAL_SYSTEMS["treatment_history.therapy"]
        if not _codes(r.code, therapy_system):
            if CANCER_PROCEDURE_PROFILE in _profiles(r):
                self.problem(where, "code", f"no therapy netkg knows: use a code of {therapy_system}")
                return None
            return False
        if r.status == "not-done":
            return False
        therapy = self.local_code(r.code, "treatment_history.therapy", where, "code")
        start, end = _period(r.performedPeriod, r.performedDateTime)
        self.treatment(r, where, therapy, None, r.outcome, "outcome", start, end)
        return None

    def medication(self, r: Any) -> Optional[bool]:
        if r.status in IGNORED_STATUSES:
            return False
        where = label(r)
        concept, element = r.medicationCodeableConcept, "medicationCodeableConcept"
        if r.medicationReference is not None:
            medication = self.medications.get(r.medicationReference.reference or "")
            if medication is None:
                self.problem(where, "medicationReference", f"{r.medicationReference.reference!r} is not a "
                                                           "Medication in the Bundle")
                return None
            concept, element = medication.code, f"medicationReference ({label(medication)}.code)"
        therapy_system = C.LOCAL_SYSTEMS["treatment_history.therapy"]
        atc = [code for _, code in _codes(concept, C.ATC)]
        drugs = [C.DRUG_BY_ATC[code] for code in atc if code in C.DRUG_BY_ATC]
        therapy = component = None
        if _codes(concept, therapy_system):
            therapy = self.local_code(concept, "treatment_history.therapy", where, element)
            if therapy is None:
                return None
        elif drugs:
            therapy, component = drugs[0].therapy, drugs[0].component
        elif atc and any(code.startswith(C.CANCER_DRUG_ATC_PREFIXES) for code in atc) or \
                any(p in _profiles(r) for p in CANCER_MEDICATION_PROFILES):
            got = ", ".join(f"{c.system}|{c.code}" for c in (concept.coding or [])) if concept else "no code"
            self.problem(where, element, f"a cancer drug netkg does not know ({got}): the ATC codes of docs/fhir.md "
                                         f"or a therapy code of {therapy_system}")
            return None
        else:
            return False
        if r.get_resource_type() == "MedicationStatement":
            start, end = _period(r.effectivePeriod, r.effectiveDateTime)
            reasons, reason_element = r.statusReason or [], "statusReason"
        else:
            start, end = _date_text(r.authoredOn), None
            reasons, reason_element = [r.statusReason] if r.statusReason else [], "statusReason"
        outcome_concept = next((c for c in reasons if _codes(c, C.LOCAL_SYSTEMS["treatment_history.outcome"])), None)
        self.treatment(r, where, therapy, component, outcome_concept, reason_element, start, end)
        return None

    def treatment(self, r: Any, where: str, therapy: Optional[str], component: Optional[str], outcome_concept: Any,
                  outcome_element: str, start: Optional[str], end: Optional[str]) -> None:
        """One treatment: its intent (the netkg extension) and its outcome (a local code, else the status)."""
        intent_ext = [e for e in (r.extension or []) if e.url == C.TREATMENT_INTENT_EXTENSION]
        intent = None
        if not intent_ext:
            self.problem(where, "extension", f"the treatment intent is required: extension {C.TREATMENT_INTENT_EXTENSION} "
                                             f"with a code of {C.LOCAL_SYSTEMS['treatment_history.intent']} "
                                             f"({', '.join(sorted(C.INTENT_CODES))})")
        else:
            intent = self.local_code(intent_ext[0].valueCodeableConcept, "treatment_history.intent", where,
                                     f"extension({C.TREATMENT_INTENT_EXTENSION}).valueCodeableConcept")
        outcome = None
        if outcome_concept is not None and _codes(outcome_concept, C.LOCAL_SYSTEMS["treatment_history.outcome"]):
            outcome = self.local_code(outcome_concept, "treatment_history.outcome", where, outcome_element)
        elif r.status in ONGOING_STATUSES:
            outcome = "ongoing"
        elif r.status == "completed":
            outcome = "completed"
        else:
            self.problem(where, "status", f"status {r.status!r} needs the outcome: {outcome_element} with a code of "
                                          f"{C.LOCAL_SYSTEMS['treatment_history.outcome']} "
                                          f"({', '.join(sorted(C.OUTCOME_CODES))})")
        if intent and outcome and (therapy or component):
            self.treatments.append(_Treatment(where, therapy, component, intent, outcome, start, end))

    def treatment_history(self) -> None:
        """Group regimen components by shared period, then write the entries (time order when every start is known)."""
        entries: list[tuple[dict[str, Any], list[str]]] = []
        groups: dict[tuple[Optional[str], Optional[str]], list[_Treatment]] = {}
        for t in self.treatments:
            if t.therapy:
                entries.append((_entry(t, t.therapy), [t.where]))
            else:
                groups.setdefault((t.start, t.end), []).append(t)
        for (start, end), members in groups.items():
            names = [m.where for m in members]
            regimen = C.REGIMENS.get(frozenset(m.component for m in members if m.component))
            if regimen is None:
                self.problem(", ".join(names), "", f"drugs given over the same period ({start or '?'} to {end or '?'}): "
                             f"{', '.join(sorted({m.component or '' for m in members}))} form no regimen netkg knows; "
                             f"give the regimen with a code of {C.LOCAL_SYSTEMS['treatment_history.therapy']}")
                continue
            if len({(m.intent, m.outcome) for m in members}) > 1:
                self.problem(", ".join(names), "", "the drugs of one regimen have different intents or outcomes")
                continue
            entries.append((_entry(members[0], regimen), names))
        if not entries:
            return
        if all(e.get("start") for e, _ in entries):
            entries.sort(key=lambda item: item[0]["start"])
        if self.case.get("treatment_history") == []:
            self.problem(", ".join(entries[0][1]), "", "treatment_history: none recorded in "
                         f"{' '.join(self.sources['treatment_history'])}, but this resource gives a treatment")
            return
        self.case["treatment_history"] = [e for e, _ in entries]
        for i, (_, names) in enumerate(entries):
            self.sources[f"treatment_history.{i}"] = (", ".join(names), "")


def _entry(t: _Treatment, therapy: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"therapy": therapy, "intent": t.intent, "outcome": t.outcome}
    if t.start:
        entry["start"] = t.start
    if t.end:
        entry["end"] = t.end
    return entry


def _profiles(r: Any) -> set[str]:
    return {str(p) for p in (r.meta.profile or [])} if r.meta else set()


def _codes(concept: Any, system: str) -> list[tuple[str, str]]:
    """(system, code) of each coding of ``system`` in a CodeableConcept."""
    if concept is None:
        return []
    return [(c.system, c.code) for c in (concept.coding or []) if c.system == system and c.code]


def _first_code(concept: Any) -> Optional[str]:
    return next((c.code for c in (concept.coding or [])), None) if concept else None


def _first_concept(concepts: Any) -> Any:
    return concepts[0] if concepts else None


def _histology_codings(r: Any) -> list[tuple[Any, str]]:
    """The codings of Condition.code and of the mCODE histology-morphology-behavior extension, with their paths."""
    out = [(c, f"code.coding[{i}]") for i, c in enumerate((r.code.coding or []) if r.code else [])]
    for j, ext in enumerate(r.extension or []):
        if ext.url == C.HISTOLOGY_EXTENSION and ext.valueCodeableConcept is not None:
            out += [(c, f"extension[{j}].valueCodeableConcept.coding[{i}]")
                    for i, c in enumerate(ext.valueCodeableConcept.coding or [])]
    return out


def _number(value: Decimal) -> float | int:
    """A FHIR decimal as the case format's number: a whole number as an int, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def _date_text(value: Any) -> Optional[str]:
    """A FHIR date or dateTime as the case format's date text (YYYY-MM-DD; a partial date as given)."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return str(value)


def _period(period: Any, moment: Any) -> tuple[Optional[str], Optional[str]]:
    if period is not None:
        return _date_text(period.start), _date_text(period.end)
    return _date_text(moment), None
