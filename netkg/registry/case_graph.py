"""The stored graph of one reasoned case, two ways that must agree.

* :func:`reference_triples` defines it with rdflib terms: the triples of the report
  (:meth:`netkg.report.model.Report.triples`) that the store layout keeps
  (:func:`netkg.registry.layout.compact_triples`), the identity of the report
  (:func:`netkg.registry.revisions.identity_triples`) and the layout statement.
* :func:`case_graph_nquads` writes the same graph as N-Quads text directly from the
  case facts and the report, without an rdflib term per quad.  It is what a batch,
  ``netkg reason --out`` and the Spark job write (it is about ten times faster);
  ``tests/test_case_graph.py`` proves it writes exactly the quads of the reference,
  case by case, over the example cohort and generated cases.

Change both together: a statement added to the report's triples must be added here too,
or the test fails.
"""

from __future__ import annotations

from typing import Any, Iterator

from rdflib import BNode, Literal, URIRef

from netkg.cases.facts import CaseFacts
from netkg.reasoning.result import Classification
from netkg.registry.layout import GRAPH_LAYOUT, KEPT_INFERRED, compact_triples, layout_triple
from netkg.registry.revisions import identity_triples
from netkg.registry.store import nt_escape, nt_term
from netkg.report.model import NKR_CATEGORY, NKR_EDGE, Report, Source
from netkg.vocabulary import DCTERMS, NKR, OWL, RDF, XSD, case_iri

Triple = tuple[Any, Any, Any]


def reference_triples(report: Report, facts: CaseFacts, classification: Classification, record_json: str,
                      digest: str, reasoned_at: str) -> Iterator[Triple]:
    """The triples of the case graph, as rdflib terms (the definition :func:`case_graph_nquads` follows)."""
    case = case_iri(report.case_id)
    yield from compact_triples(report.triples(facts, classification), facts)
    yield from identity_triples(case, record_json, digest, reasoned_at)
    yield layout_triple(case)


# ---------------------------------------------------------------------------------------------
# Text: terms in N-Triples syntax, written by netkg.registry.store.nt_term as for every other graph

def _text(value: str) -> str:
    """A plain literal."""
    return f'"{nt_escape(value)}"'


_A = f"<{RDF.type}>"
_INDIVIDUAL = f"<{OWL.NamedIndividual}>"
_KEPT = tuple(sorted(KEPT_INFERRED))
_P = {name: f"<{NKR[name]}>" for name in (
    "knowledgeVersion", "engine", "grade", "finding", "category", "therapy", "rule", "status", "statement",
    "evidenceLevel", "conflict", "positiveRule", "negativeRule", "resolution", "supersededByRule", "workup",
    "caution", "followUp", "prognosis", "process", "caseDigest", "caseRecord", "reasonedAt", "graphLayout")}
_FINDING_CLASS = f"<{NKR.Finding}>"
_SOURCE = f"<{DCTERMS.source}>"
_EDGE = {category: f"<{iri}>" for category, iri in NKR_EDGE.items()}
_CATEGORY = {category: f"<{iri}>" for category, iri in NKR_CATEGORY.items()}
_NOTES = (("workup", "workup"), ("caution", "cautions"), ("followUp", "followup"), ("prognosis", "prognosis"),
          ("process", "process"))


def case_graph_nquads(report: Report, facts: CaseFacts, classification: Classification, record_json: str,
                      digest: str, reasoned_at: str) -> str:
    """The case graph of :func:`reference_triples` as N-Quads in the case's named graph, each quad once.

    The last quad is ``case nkr:knowledgeVersion "..."``, the one that makes a case count as stored
    (:mod:`netkg.registry.bulk` writes it after the others).
    """
    case_text = str(case_iri(report.case_id))
    g = f" <{case_text}> .\n"
    case = f"<{case_text}>"
    lines: list[str] = []
    add = lines.append
    # The asserted facts, without the closure axioms (blank nodes) the reasoner reads.
    for ind in facts.individuals.values():
        s = f"<{ind.iri}> "
        add(f"{s}{_A} {_INDIVIDUAL}{g}")
        for t in ind.types:
            add(f"{s}{_A} <{t}>{g}")
        for prop, values in ind.objects.items():
            for v in values:
                if not isinstance(v, BNode):
                    add(f"{s}<{prop}> <{v}>{g}")
        for prop, lits in ind.data.items():
            for lit in lits:
                add(f"{s}<{prop}> {nt_term(lit)}{g}")
    # Of the inferred classes, the grade.
    for individual, inferred in ((facts.case, classification.case_types), (facts.tumour, classification.tumour_types)):
        for t in _KEPT:
            if t in inferred:
                add(f"<{individual}> {_A} <{t}>{g}")
    # The report.
    add(f"{case} {_P['engine']} {_text(report.engine)}{g}")
    if report.grade:
        add(f"{case} {_P['grade']} <{report.grade}>{g}")
    n = 0
    for f in report.findings:
        add(f"{case} {_EDGE[f.category]} <{f.therapy}>{g}")
        for r in f.rules:
            n += 1
            _finding(add, case, f"<{case_text}/finding/{n}>", f.category, f.therapy, r, "reported", g)
    for c in report.conflicts:
        n += 1
        _finding(add, case, f"<{case_text}/finding/{n}>", c.positive, c.therapy, c.positive_rule, "overridden", g)
        conflict = f"<{case_text}/conflict/{n}>"
        add(f"{case} {_P['conflict']} {conflict}{g}")
        add(f"{conflict} {_P['therapy']} <{c.therapy}>{g}")
        add(f"{conflict} {_P['positiveRule']} <{c.positive_rule.iri}>{g}")
        add(f"{conflict} {_P['negativeRule']} <{c.negative_rule.iri}>{g}")
        add(f"{conflict} {_P['resolution']} {_text(c.resolution)}{g}")
    for s in report.superseded:
        n += 1
        node = f"<{case_text}/finding/{n}>"
        _finding(add, case, node, s.category, s.therapy, s.rule, "superseded", g)
        for by in s.by:
            add(f"{node} {_P['supersededByRule']} <{by.iri}>{g}")
        add(f"{node} {_P['resolution']} {_text(s.text)}{g}")
    for prop, attribute in _NOTES:
        for note in getattr(report, attribute):
            add(f"{case} {_P[prop]} <{note.source.iri}>{g}")
    # Where the report comes from, and the layout.
    add(f"{case} {_P['caseDigest']} {_text(digest)}{g}")
    add(f"{case} {_P['caseRecord']} {_text(record_json)}{g}")
    add(f"{case} {_P['reasonedAt']} {_text(reasoned_at)}^^<{XSD.dateTime}>{g}")
    add(f"{case} {_P['graphLayout']} {_text(GRAPH_LAYOUT)}{g}")
    # Last: the quad that makes the case count as stored (the commit quad of netkg.registry.bulk).
    add(f"{case} {_P['knowledgeVersion']} {_text(report.knowledge_version)}{g}")
    return "".join(dict.fromkeys(lines))


def _finding(add: Any, case: str, node: str, category: str, therapy: str, rule: Source, status: str, g: str) -> None:
    add(f"{case} {_P['finding']} {node}{g}")
    add(f"{node} {_A} {_FINDING_CLASS}{g}")
    add(f"{node} {_P['category']} {_CATEGORY[category]}{g}")
    add(f"{node} {_P['therapy']} <{therapy}>{g}")
    add(f"{node} {_P['rule']} <{rule.iri}>{g}")
    add(f"{node} {_P['status']} {_text(status)}{g}")
    for statement in rule.statements:
        add(f"{node} {_P['statement']} {_text(statement)}{g}")
    for source in rule.sources:
        add(f"{node} {_SOURCE} <{source}>{g}")
    for level in rule.evidence_levels:
        add(f"{node} {_P['evidenceLevel']} <{level['iri']}>{g}")
