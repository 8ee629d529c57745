"""A case record as OWL facts: each field written by the rule the field table names.

:data:`netkg.cases.fields.CASE_FIELDS` says, for every field, which individual
its facts are about and how its value becomes OWL (:attr:`CaseField.owl`); this
module carries those rules out.  An omitted (unknown) value closes its property
(``P max 0``), so the reasoner is told what is not recorded.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable, Optional

from rdflib import Literal, URIRef

from netkg.cases import codes, course
from netkg.cases.facts import CaseFacts, Individual
from netkg.cases.fields import CASE_FIELDS, CaseField, fields_under
from netkg.cases.record import CaseRecord
from netkg.vocabulary import NETKG, XSD, case_iri, tumour_iri


def to_facts(record: CaseRecord) -> CaseFacts:
    """The individuals that encode a case, with closure for every unrecorded fact."""
    facts = CaseFacts(record.id, case_iri(record.id), tumour_iri(record.id))
    facts.individual(facts.case, NETKG.PatientCase)
    facts.individual(facts.tumour, NETKG.Tumour)
    for field in CASE_FIELDS:
        if field.subject != "treatment":  # an entry's fields are written with its treatment individual
            _WRITERS[field.owl](facts, field, field_value(record, field.path), record)
    return facts


def field_value(record: CaseRecord, path: str) -> Any:
    """The value at a dotted path of the record; None when it or a mapping above it is omitted."""
    value: Any = record
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


# Literals are immutable and a cohort repeats the same few values (ages, ECOG, counts, Ki-67 indices):
# each is made once (rdflib spends tens of microseconds on one), not once per case.
@lru_cache(maxsize=8192)
def decimal_literal(value: float) -> Literal:
    """An xsd:decimal in plain notation (never exponent form), exact to the float's shortest repr."""
    number = Decimal(repr(float(value)))
    return Literal(format(number, "f"), datatype=XSD.decimal)


@lru_cache(maxsize=8192)
def integer_literal(value: int) -> Literal:
    """An xsd:integer."""
    return Literal(int(value), datatype=XSD.integer)


@lru_cache(maxsize=8)
def boolean_literal(value: bool) -> Literal:
    """An xsd:boolean."""
    return Literal(bool(value), datatype=XSD.boolean)


Writer = Callable[[CaseFacts, CaseField, Any, CaseRecord], None]


def _subject(facts: CaseFacts, field: CaseField) -> Individual:
    return facts.individuals[facts.tumour if field.subject == "tumour" else facts.case]


def _object_or_closed(ind: Individual, prop: URIRef, value: Optional[URIRef]) -> None:
    if value is None:
        ind.closed.add(prop)
    else:
        ind.add_object(prop, value)


def _literal(make: Callable[[Any], Literal]) -> Writer:
    """A typed literal of the field's value, or the property closed when the value is unknown."""
    def write(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
        ind = _subject(facts, field)
        (prop,) = field.properties
        if value is None:
            ind.closed.add(prop)
        else:
            ind.add_data(prop, make(value))
    return write


def _class_value(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """The code's ontology class as the value; a code meaning 'unknown' (or none) closes the property."""
    assert field.allowed is not None
    (prop,) = field.properties
    _object_or_closed(_subject(facts, field), prop, None if value is None else field.allowed[value])


def _case_id(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    facts.individuals[facts.case].add_data(NETKG.caseId, Literal(value, datatype=XSD.string))


def _tumour_individual(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    facts.individuals[facts.case].add_object(NETKG.hasTumour, facts.tumour)


def _site_individual(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """The primary site as an individual of the site's class."""
    assert field.allowed is not None
    site = facts.individual(URIRef(facts.tumour + "/site/primary"), field.allowed[value])  # type: ignore[arg-type]
    facts.individuals[facts.tumour].add_object(NETKG.hasPrimarySite, site.iri)


def _site_individuals(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """Documented staging: one individual per metastatic site, the list closed; else the staging status closed."""
    assert field.allowed is not None
    case, tumour = facts.individuals[facts.case], facts.individuals[facts.tumour]
    if value is None:
        case.closed.add(NETKG.hasStagingStatus)
        return
    case.add_object(NETKG.hasStagingStatus, NETKG.StagingDocumented)
    tumour.closed.add(NETKG.hasMetastaticSite)
    for code in value:
        site = facts.individual(URIRef(facts.tumour + f"/site/metastasis-{code}"), field.allowed[code])  # type: ignore[arg-type]
        tumour.add_object(NETKG.hasMetastaticSite, site.iri)


def _functional_status(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """Functioning or not; a hormonal syndrome implies functioning when the flag is omitted."""
    functioning = True if record.tumour.syndrome is not None and value is None else value
    status = None if functioning is None else (NETKG.Functioning if functioning else NETKG.NonFunctioning)
    _object_or_closed(_subject(facts, field), NETKG.hasFunctionalStatus, status)


def _hormonal_syndrome(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    assert field.allowed is not None
    if value is not None:
        _subject(facts, field).add_object(NETKG.hasHormonalSyndrome, field.allowed[value])  # type: ignore[arg-type]


def _symptom_status(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """Symptomatic or asymptomatic (the primary, the bone metastases), with each complication; closed when not recorded."""
    assert field.allowed is not None
    status, complication = field.properties
    symptomatic, asymptomatic = codes.SYMPTOM_STATUSES[status]
    case = _subject(facts, field)
    if value is None:
        case.closed.add(status)
        return
    case.add_object(status, symptomatic if value else asymptomatic)
    for code in value:
        case.add_object(complication, field.allowed[code])  # type: ignore[arg-type]


def _treatment_individuals(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """One individual per history entry, typed by its therapy, and the current line; closed when not recorded."""
    case = _subject(facts, field)
    if value is None:
        case.closed.add(NETKG.currentSystemicLine)
        return
    entry_fields = fields_under(field.path)
    for n, entry in enumerate(value, 1):
        treatment = facts.individual(URIRef(facts.case + f"/treatment/{n}"))
        for sub in entry_fields:
            code = getattr(entry, sub.name)
            if sub.owl == "treatment type":
                assert sub.allowed is not None
                treatment.types.add(sub.allowed[code])  # type: ignore[arg-type]
            elif sub.owl == "treatment value":
                assert sub.allowed is not None
                (prop,) = sub.properties
                treatment.add_object(prop, sub.allowed[code])  # type: ignore[arg-type]
        case.add_object(NETKG.hasReceivedTherapy, treatment.iri)
    case.add_data(NETKG.currentSystemicLine, integer_literal(course.current_line(value)))


def _nothing(facts: CaseFacts, field: CaseField, value: Any, record: CaseRecord) -> None:
    """A field with no facts of its own (a mapping of further fields)."""


_WRITERS: dict[str, Writer] = {
    "case id": _case_id,
    "tumour individual": _tumour_individual,
    "site individual": _site_individual,
    "site individuals": _site_individuals,
    "class value": _class_value,
    "decimal": _literal(decimal_literal),
    "integer": _literal(integer_literal),
    "boolean": _literal(boolean_literal),
    "functional status": _functional_status,
    "hormonal syndrome": _hormonal_syndrome,
    "symptom status": _symptom_status,
    "treatment individuals": _treatment_individuals,
    "none": _nothing,
}
