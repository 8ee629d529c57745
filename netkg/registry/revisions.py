"""Content identity and revision history of stored case reports (see docs/registry-updates.md).

A stored report is identified by what it was reasoned from: the *case digest* (SHA-256 of the
validated case as canonical JSON), the knowledge version and the engine.  A batch skips a case
only when all three match what is stored; otherwise the case is reasoned again and its graph
replaced.  The replaced report is kept in the new case graph as a revision (W3C PROV-O):

    case:X  nkr:caseDigest "sha256:…" ; nkr:caseRecord "{…}" ; nkr:reasonedAt "…"^^xsd:dateTime ;
            prov:wasRevisionOf case:X/revision/2 .
    case:X/revision/2  a prov:Entity, nkr:ReportRevision ; nkr:revisionNumber 2 ;
            nkr:caseDigest "sha256:…" ; nkr:knowledgeVersion "…" ; nkr:engine "fast" ;
            prov:generatedAtTime "…" ; prov:invalidatedAtTime "…" ;
            nkr:replacedBecause "case" ; nkr:changedField "tumour.ki67" ;
            nkr:findingAdded case:X/revision/2/added/1 ; nkr:findingRemoved case:X/revision/2/removed/1 ;
            prov:wasRevisionOf case:X/revision/1 .
    case:X/revision/2/added/1  nkr:category nkr:Contraindicated ; nkr:therapy netkg:SomatostatinAnalog .
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Optional

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import PROV

from netkg.cases.record import CaseRecord
from netkg.report.model import NKR_CATEGORY, NKR_EDGE
from netkg.registry.store import StoredIdentity
from netkg.vocabulary import NKR, RDF, XSD

#: Why a stored report is replaced, in the order a batch summary counts them.
REASONS = ("case", "knowledge", "engine")

Finding = tuple[str, str]  # (category, therapy IRI), e.g. ("recommended", "https://w3id.org/netkg/...")
Triple = tuple[Any, Any, Any]

_CATEGORY_OF_EDGE = {str(edge): category for category, edge in NKR_EDGE.items()}


def canonical_json(record: CaseRecord) -> str:
    """The validated case as JSON with sorted keys and no spaces: equal cases give equal text."""
    return json.dumps(record.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def case_digest(record: CaseRecord) -> str:
    """``sha256:<hex>`` of :func:`canonical_json`: the content identity of a case."""
    return digest_of(canonical_json(record))


def digest_of(record_json: str) -> str:
    """``sha256:<hex>`` of a case's :func:`canonical_json` text."""
    return "sha256:" + hashlib.sha256(record_json.encode("utf-8")).hexdigest()


def now() -> str:
    """The current UTC time as an ``xsd:dateTime`` lexical form (milliseconds, ``Z``)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def replacement_reasons(stored: StoredIdentity, digest: str, knowledge_version: str, engine: str) -> list[str]:
    """Why the stored report must be replaced (subset of :data:`REASONS`); empty when it is current.

    A report stored without a digest (written before content identity was recorded) counts as a
    changed case: nothing shows that it was reasoned from the case as it is now.
    """
    wanted = {"case": digest, "knowledge": knowledge_version, "engine": engine}
    held = {"case": stored.digest, "knowledge": stored.knowledge_version, "engine": stored.engine}
    return [reason for reason in REASONS if held[reason] != wanted[reason]]


def identity_triples(case: URIRef, record_json: str, digest: str, reasoned_at: str) -> list[Triple]:
    """What a new case graph says about where its report comes from (besides version and engine)."""
    return [(case, NKR.caseDigest, Literal(digest)),
            (case, NKR.caseRecord, Literal(record_json)),
            (case, NKR.reasonedAt, Literal(reasoned_at, datatype=XSD.dateTime, normalize=False))]


@dataclass
class StoredReport:
    """What the replacement of one case graph needs from the stored graph."""

    case: URIRef
    identity: StoredIdentity
    record_json: Optional[str] = None
    findings: set[Finding] = field(default_factory=set)
    history: list[ox.Quad] = field(default_factory=list)
    revisions: int = 0

    @classmethod
    def read(cls, case: URIRef, identity: StoredIdentity, quads: Iterable[ox.Quad]) -> "StoredReport":
        """Read the stored case graph ``quads`` of ``case``."""
        stored = cls(case, identity)
        prefix = f"{case}/revision/"
        for q in quads:
            subject, predicate = q.subject.value, q.predicate.value
            if subject.startswith(prefix):
                stored.history.append(q)
                if predicate == str(RDF.type) and q.object.value == str(NKR.ReportRevision):
                    stored.revisions += 1
            elif subject == str(case):
                if predicate == str(NKR.caseRecord):
                    stored.record_json = q.object.value
                elif predicate in _CATEGORY_OF_EDGE:
                    stored.findings.add((_CATEGORY_OF_EDGE[predicate], q.object.value))
        return stored

    def history_nquads(self) -> str:
        """The revisions kept in the stored graph, as N-Quads (carried into the new graph)."""
        return "".join(f"{q.subject} {q.predicate} {q.object} {q.graph_name} .\n" for q in self.history)


def changed_fields(old_json: Optional[str], new_json: str) -> list[str]:
    """Dotted paths of the case fields that differ (sorted); empty when the old case is unknown."""
    if old_json is None:
        return []
    old, new = _flatten(json.loads(old_json)), _flatten(json.loads(new_json))
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, item in value.items():
        out.update(_flatten(item, f"{prefix}.{key}" if prefix else key))
    return out


def revision_triples(old: StoredReport, reasons: list[str], new_record_json: str,
                     new_findings: set[Finding], replaced_at: str) -> Iterator[Triple]:
    """The replaced report as revision ``n + 1`` of ``old.case``, and the link to it from the new report."""
    number = old.revisions + 1
    revision = URIRef(f"{old.case}/revision/{number}")
    yield old.case, PROV.wasRevisionOf, revision
    yield revision, RDF.type, PROV.Entity
    yield revision, RDF.type, NKR.ReportRevision
    yield revision, NKR.revisionNumber, Literal(number)
    if number > 1:
        yield revision, PROV.wasRevisionOf, URIRef(f"{old.case}/revision/{number - 1}")
    identity = old.identity
    yield revision, NKR.knowledgeVersion, Literal(identity.knowledge_version)
    if identity.engine is not None:
        yield revision, NKR.engine, Literal(identity.engine)
    if identity.digest is not None:
        yield revision, NKR.caseDigest, Literal(identity.digest)
    if identity.reasoned_at is not None:
        yield revision, PROV.generatedAtTime, Literal(identity.reasoned_at, datatype=XSD.dateTime, normalize=False)
    yield revision, PROV.invalidatedAtTime, Literal(replaced_at, datatype=XSD.dateTime, normalize=False)
    for reason in reasons:
        yield revision, NKR.replacedBecause, Literal(reason)
    for path in changed_fields(old.record_json, new_record_json):
        yield revision, NKR.changedField, Literal(path)
    for edge, kind, findings in ((NKR.findingAdded, "added", new_findings - old.findings),
                                 (NKR.findingRemoved, "removed", old.findings - new_findings)):
        for n, (category, therapy) in enumerate(sorted(findings), start=1):
            node = URIRef(f"{revision}/{kind}/{n}")
            yield revision, edge, node
            yield node, NKR.category, NKR_CATEGORY[category]
            yield node, NKR.therapy, URIRef(therapy)
