"""Impact analysis: which cases of a cohort change their report between two ontology versions.

Every cohort case is reasoned under both versions (fast engine by default).
A case *changes* when a therapy is added to or removed from its report, or
moves to another category (strength).  Each change lists the rules that
supported the therapy in either version, and the edits that caused it: the
named entities whose description (their triples, including the blank-node
axioms they own) differs between the versions, attributed to a rule when
the entity is the rule itself or something its definition depends on.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_isomorphic

from netkg import vocabulary as V
from netkg.cases.record import CaseRecord
from netkg.errors import InputError
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.cohort import DEFAULT_COHORT, load_cohort
from netkg.maintenance.revision import ontology_at_revision
from netkg.pipeline import reason_records
from netkg.report.model import CATEGORIES
from netkg.paths import DEFAULT_ONTOLOGY


# ------------------------------------------------------------------------------- cohort
def reason_cohort(knowledge: Knowledge, records: list[CaseRecord], engine: str = "fast") -> dict[str, dict]:
    """case id -> {"therapies": {therapy: (category, rules)}, "rules": fired rules}."""
    reasoned = reason_records(records, engine, knowledge)
    out = {}
    for item in reasoned:
        data = item.report.to_dict()
        therapies = {}
        for cat in CATEGORIES:
            for f in data.get(cat, []):
                therapies[f["therapy"]] = (cat, tuple(sorted(r["iri"] for r in f["rules"])))
        fired = frozenset(str(t) for t in item.classification.case_types if URIRef(t) in knowledge.rules)
        out[item.record.id] = {"therapies": therapies, "rules": fired}
    return out


# ------------------------------------------------------------------------------- edits
def _description(graph: Graph, subject: URIRef) -> Graph:
    """The triples of ``subject`` and of every blank node it owns."""
    out = Graph()
    stack: list[object] = [subject]
    seen = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):  # type: ignore[arg-type]
            out.add((node, p, o))  # type: ignore[arg-type]
            if isinstance(o, BNode):
                stack.append(o)
    return out


def _references(graph: Graph, subject: URIRef) -> set[URIRef]:
    return {o for _, _, o in _description(graph, subject)
            if isinstance(o, URIRef) and str(o).startswith(str(V.NETKG)) and o != subject}


@dataclass
class Edit:
    entity: str
    kind: str  # added | removed | changed
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"entity": self.entity, "kind": self.kind, "added": self.added, "removed": self.removed}


def _triple_text(graph: Graph, triple: tuple) -> str:
    nm = graph.namespace_manager
    return " ".join(t.n3(nm) if not isinstance(t, BNode) else "[]" for t in triple)


def diff_entities(old: Graph, new: Graph) -> dict[URIRef, Edit]:
    """Named entities whose description differs between two graphs."""
    subjects = {s for s in old.subjects() if isinstance(s, URIRef)} | {s for s in new.subjects() if isinstance(s, URIRef)}
    edits = {}
    for s in sorted(subjects):
        a, b = _description(old, s), _description(new, s)
        if len(a) == len(b) and to_isomorphic(a) == to_isomorphic(b):
            continue
        kind = "added" if len(a) == 0 else "removed" if len(b) == 0 else "changed"
        # blank nodes print as [], so a changed value shows as one removed and one added triple
        ta = Counter(_triple_text(new, t) for t in a)
        tb = Counter(_triple_text(new, t) for t in b)
        edits[s] = Edit(str(s), kind, added=sorted((tb - ta).elements()), removed=sorted((ta - tb).elements()))
    return edits


def dependencies(knowledge: Knowledge, entity: URIRef, _memo: Optional[dict] = None) -> set[URIRef]:
    """Every netkg term the definition of ``entity`` refers to, transitively."""
    memo = _memo if _memo is not None else {}
    seen: set[URIRef] = set()
    stack = [entity]
    while stack:
        e = stack.pop()
        refs = memo.get(e)
        if refs is None:
            refs = memo[e] = _references(knowledge.graph, e)
        for r in refs:
            if r not in seen and r != entity:
                seen.add(r)
                stack.append(r)
    return seen


# ------------------------------------------------------------------------------- report
@dataclass
class TherapyChange:
    therapy: str
    therapy_label: str
    kind: str  # added | removed | strength changed
    old: Optional[str]
    new: Optional[str]
    rules: list[str]
    caused_by: list[str]

    def to_dict(self) -> dict[str, object]:
        return dict(vars(self))


@dataclass
class CaseImpact:
    case_id: str
    changes: list[TherapyChange]
    rules_started: list[str]
    rules_stopped: list[str]

    def to_dict(self) -> dict[str, object]:
        return {"case_id": self.case_id, "changes": [c.to_dict() for c in self.changes],
                "rules_started": self.rules_started, "rules_stopped": self.rules_stopped}


@dataclass
class ImpactReport:
    old_version: str
    new_version: str
    cases: int
    edits: list[Edit]
    impacts: list[CaseImpact]

    @property
    def changed_cases(self) -> list[str]:
        return [i.case_id for i in self.impacts]

    def to_dict(self) -> dict[str, object]:
        return {"old": self.old_version, "new": self.new_version, "cases": self.cases,
                "changed_cases": self.changed_cases, "edits": [e.to_dict() for e in self.edits],
                "impacts": [i.to_dict() for i in self.impacts]}


def analyse(old: Knowledge, new: Knowledge, records: list[CaseRecord], engine: str = "fast") -> ImpactReport:
    """Reason ``records`` under both versions and explain every changed report."""
    before = reason_cohort(old, records, engine)
    after = reason_cohort(new, records, engine)
    edits = diff_entities(old.graph, new.graph)
    edited = set(edits)
    memo_old: dict = {}
    memo_new: dict = {}

    def causes(rule: str) -> list[str]:
        r = URIRef(rule)
        deps = {r} | dependencies(old, r, memo_old) | dependencies(new, r, memo_new)
        return sorted(str(e) for e in deps & edited)

    impacts = []
    for record in records:
        cid = record.id
        a, b = before[cid], after[cid]
        changes = []
        for therapy in sorted(set(a["therapies"]) | set(b["therapies"])):
            old_cat, old_rules = a["therapies"].get(therapy, (None, ()))
            new_cat, new_rules = b["therapies"].get(therapy, (None, ()))
            if old_cat == new_cat:
                continue
            kind = "added" if old_cat is None else "removed" if new_cat is None else "strength changed"
            rules = sorted(set(old_rules) | set(new_rules))
            cause = sorted({c for rule in rules for c in causes(rule)})
            label = new.label(URIRef(therapy)) if new_cat else old.label(URIRef(therapy))
            changes.append(TherapyChange(therapy, label, kind, old_cat, new_cat, rules, cause))
        if changes:
            impacts.append(CaseImpact(cid, changes, sorted(b["rules"] - a["rules"]), sorted(a["rules"] - b["rules"])))
    return ImpactReport(old.version, new.version, len(records), sorted(edits.values(), key=lambda e: e.entity), impacts)


def impact(old: Optional[Path] = None, new: Optional[Path] = None, cohort: Optional[Path] = None,
           engine: str = "fast", old_rev: Optional[str] = None) -> ImpactReport:
    """The impact of moving from ``old`` (or the ontology at git revision ``old_rev``) to ``new`` (default: the module folder)."""
    records = load_cohort(Path(cohort or DEFAULT_COHORT))
    with tempfile.TemporaryDirectory(prefix="netkg-impact-") as tmp:
        if old_rev:
            old = ontology_at_revision(old_rev, Path(tmp))
        if old is None:
            raise InputError("give --old FILE or --old-rev REV")
        k_old = Knowledge.load(old)
        k_new = Knowledge.load(new or DEFAULT_ONTOLOGY)
        return analyse(k_old, k_new, records, engine)
