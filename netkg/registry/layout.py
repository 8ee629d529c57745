"""What a stored case graph holds (its *layout*), and how a graph of an older layout is brought up to date.

Layout 2 (docs/decisions/0004-compact-store.md): the asserted case facts, the grade class of the tumour,
the report, the identity of the report and its revisions.  Left out, because they are derived:

* the closure axioms the converter writes for unrecorded facts (blank-node restrictions): the
  reasoner's input, rebuilt from the facts by :func:`netkg.cases.conversion.to_facts`;
* every other class the reasoner inferred for the case and its tumour: no catalogue query uses them,
  and ``netkg recommend`` on the stored case record (``nkr:caseRecord``) gives them again.

Each case graph states its layout (``case:X nkr:graphLayout "2"``).  Layout 1, the graphs written
before the layout was recorded, held everything; :func:`upgraded_quads` turns such a graph into
layout 2 without reasoning, keeping its report, identity and revisions as they are.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Optional

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from netkg.cases.conversion import to_facts
from netkg.cases.facts import CaseFacts
from netkg.cases.reader import validate_case
from netkg.errors import EnvironmentProblem
from netkg.vocabulary import GRADE_CLASSES, NKR, OWL, RDF

#: The layout this netkg writes.  Raise it whenever what a case graph holds changes, and teach
#: :func:`upgraded_quads` to bring the previous layout up to date (or refuse it).
GRAPH_LAYOUT = "2"

#: Inferred classes kept in the case graph: the grade of the tumour (as ``nkr:grade`` of the case names).
KEPT_INFERRED = frozenset(GRADE_CLASSES)

Triple = tuple[Any, Any, Any]
_TYPE = str(RDF.type)


def layout_triple(case: URIRef) -> Triple:
    """The statement of a case graph that names its layout."""
    return case, NKR.graphLayout, Literal(GRAPH_LAYOUT)


def compact_triples(triples: Iterable[Triple], facts: CaseFacts) -> Iterator[Triple]:
    """``triples`` of a reasoned case without closure axioms and without inferred classes other than the grade."""
    asserted = {i: facts.individuals[i].types | {OWL.NamedIndividual} for i in (facts.case, facts.tumour)}
    for s, p, o in triples:
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue  # a closure axiom: the reasoner's input, rebuilt from the facts
        if p == RDF.type and s in asserted and o not in asserted[s] and o not in KEPT_INFERRED:
            continue  # an inferred class nobody queries
        yield s, p, o


def upgraded_quads(case: str, quads: list[ox.Quad]) -> str:
    """The case graph ``quads`` (layout 1) in the current layout, as N-Quads; nothing else changes.

    The asserted types of the case and its tumour are read from the stored case record; a record
    that the case model no longer accepts is an :class:`EnvironmentProblem` naming the case.
    """
    record = next((q.object.value for q in quads
                   if q.subject.value == case and q.predicate.value == str(NKR.caseRecord)), None)
    facts = _facts(case, record)
    asserted = {str(i): {str(t) for t in facts.individuals[i].types | {OWL.NamedIndividual}}
                for i in (facts.case, facts.tumour)}
    kept = {str(t) for t in KEPT_INFERRED}
    lines = []
    for q in quads:
        s, o = q.subject, q.object
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            continue
        if (q.predicate.value == _TYPE and s.value in asserted and o.value not in asserted[s.value]
                and o.value not in kept):
            continue
        lines.append(f"{s} {q.predicate} {o} {q.graph_name} .\n")
    lines.append(f"<{case}> <{NKR.graphLayout}> \"{GRAPH_LAYOUT}\" <{case}> .\n")
    return "".join(lines)


def _facts(case: str, record: Optional[str]) -> CaseFacts:
    if record is None:
        raise EnvironmentProblem(f"stored case {case} has no case record (nkr:caseRecord), so its graph cannot be "
                                 f"brought to store layout {GRAPH_LAYOUT}; reason its cases into a new store")
    result = validate_case(json.loads(record), case)
    if result.record is None:
        raise EnvironmentProblem(f"stored case {case}: its case record is no longer valid ({result.errors[0]}), so its "
                                 f"graph cannot be brought to store layout {GRAPH_LAYOUT}; reason its cases into a new store")
    facts = to_facts(result.record)
    if str(facts.case) != case:
        raise EnvironmentProblem(f"stored case {case}: its case record has the id {result.record.id!r}")
    return facts
