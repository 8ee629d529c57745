"""Lint checks in the spirit of the ROBOT report profile, plus netkg's rule conventions.

Only what a violation query cannot say well is checked here; the checks a SPARQL pattern
expresses are ``queries/qc/*-violation.rq`` (:mod:`.queries`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import BNode, Literal, URIRef

from netkg import vocabulary as V
from netkg.maintenance.coverage import compute_coverage, statement_citations
from netkg.maintenance.checks.base import ERROR, INFO, WARN, Check, CheckContext, register
from netkg.vocabulary import DCTERMS, NETKG, OWL, RDF, RDFS, SKOS

DECLARATION_TYPES = (OWL.Class, OWL.NamedIndividual, OWL.ObjectProperty, OWL.DatatypeProperty,
                     OWL.AnnotationProperty)
NCIT_CODE = re.compile(r"^C\d+$")
ATC_CODE = re.compile(r"^[A-Z]\d\d[A-Z]{2}\d\d$")
NCIT_IRI = str(V.OBO) + "NCIT_"


def entities(ctx: CheckContext) -> list[URIRef]:
    """Every declared term in the netkg namespace."""
    g = ctx.graph
    out = {s for t in DECLARATION_TYPES for s in g.subjects(RDF.type, t)
           if isinstance(s, URIRef) and str(s).startswith(str(NETKG))}
    return sorted(out)


def _deprecated(ctx: CheckContext, iri: URIRef) -> bool:
    return iri in ctx.knowledge.deprecated


@register("missing-label", ERROR, "every term has an rdfs:label")
def missing_label(check: Check, ctx: CheckContext):
    for e in entities(ctx):
        if ctx.graph.value(e, RDFS.label) is None:
            yield check.finding(e, RDFS.label, "", "term has no rdfs:label")


@register("multiple-labels", ERROR, "at most one rdfs:label per language")
def multiple_labels(check: Check, ctx: CheckContext):
    for e in entities(ctx):
        by_lang = defaultdict(list)
        for label in ctx.graph.objects(e, RDFS.label):
            by_lang[getattr(label, "language", None)].append(str(label))
        for lang, labels in by_lang.items():
            if len(labels) > 1:
                yield check.finding(e, RDFS.label, " | ".join(sorted(labels)),
                                    f"{len(labels)} labels in language {lang or '(none)'}")


@register("duplicate-label", ERROR, "no two terms share a label")
def duplicate_label(check: Check, ctx: CheckContext):
    seen: dict[tuple[str, object], list[URIRef]] = defaultdict(list)
    for e in entities(ctx):
        if _deprecated(ctx, e):
            continue
        for label in ctx.graph.objects(e, RDFS.label):
            seen[(str(label).strip().lower(), getattr(label, "language", None))].append(e)
    for (label, _), terms in sorted(seen.items(), key=lambda kv: kv[0][0]):
        if len(terms) > 1:
            for t in terms:
                others = ", ".join(check.finding(o).entity for o in terms if o != t)
                yield check.finding(t, RDFS.label, label, f"label shared with {others}")


@register("multiple-definitions", ERROR, "at most one skos:definition per language")
def multiple_definitions(check: Check, ctx: CheckContext):
    for e in entities(ctx):
        by_lang = defaultdict(int)
        for d in ctx.graph.objects(e, SKOS.definition):
            by_lang[getattr(d, "language", None)] += 1
        for lang, n in by_lang.items():
            if n > 1:
                yield check.finding(e, SKOS.definition, "", f"{n} definitions in language {lang or '(none)'}")


@register("rule-therapy-clash", ERROR, "a rule class is never also a therapy (rules and therapies need distinct IRIs)")
def rule_therapy_clash(check: Check, ctx: CheckContext):
    for rule in sorted(ctx.knowledge.rules.values(), key=lambda r: str(r.iri)):
        if rule.iri in ctx.knowledge.therapies:
            yield check.finding(rule.iri, RDFS.subClassOf, rule.family,
                                "this IRI is both a rule and a therapy; give the rule its own IRI")


@register("ontology-metadata", ERROR, "the ontology header has title, description, license, versionIRI and versionInfo")
def ontology_metadata(check: Check, ctx: CheckContext):
    onto = ctx.knowledge.ontology_iri
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, OWL.versionIRI, OWL.versionInfo):
        if ctx.graph.value(onto, prop) is None:
            yield check.finding(onto, prop, "", "ontology header lacks this annotation")


def owner_of(ctx: CheckContext, node: object, _depth: int = 0) -> list[URIRef]:
    """The named subjects whose axioms contain ``node`` (walks up through blank nodes)."""
    if isinstance(node, URIRef):
        return [node]
    if _depth > 50:
        return []
    out: list[URIRef] = []
    for s in ctx.graph.subjects(None, node):
        out.extend(owner_of(ctx, s, _depth + 1))
    return out


@register("deprecated-without-replacement", WARN, "a deprecated term says what replaces it, or why none does")
def deprecated_without_replacement(check: Check, ctx: CheckContext):
    for e in sorted(ctx.knowledge.deprecated):
        label = str(ctx.graph.value(e, RDFS.label) or "")
        if ctx.graph.value(e, V.REPLACED_BY) is None and ctx.graph.value(e, RDFS.comment) is None:
            yield check.finding(e, V.REPLACED_BY, "", "deprecated term without replaced-by or comment")
        if not label.startswith("obsolete "):
            yield check.finding(e, RDFS.label, label, "label of a deprecated term starts with 'obsolete '")


def _rules(ctx: CheckContext, *families: URIRef):
    for rule in sorted(ctx.knowledge.rules.values(), key=lambda r: str(r.iri)):
        if not families or rule.family in families:
            yield rule


@register("rule-without-statement", ERROR, "every rule cites the statement it encodes (netkg:statementId)")
def rule_without_statement(check: Check, ctx: CheckContext):
    for rule in _rules(ctx):
        if not rule.statements:
            yield check.finding(rule.iri, V.STATEMENT_ID, "", "rule has no netkg:statementId")


@register("rule-without-therapy", ERROR, "every recommendation and caution rule has a therapy axiom")
def rule_without_therapy(check: Check, ctx: CheckContext):
    # An axiom naming a class outside the therapy hierarchy is qc-therapy-axiom-target.
    for rule in _rules(ctx, V.RECOMMENDATION_RULE, V.CAUTION_RULE):
        if not rule.axioms:
            yield check.finding(rule.iri, RDFS.subClassOf, "", "rule has no '<strength> some <therapy>' axiom")


@register("contraindication-line", ERROR, "a contraindication holds for every line (netkg:AnyLine)")
def contraindication_line(check: Check, ctx: CheckContext):
    for rule in _rules(ctx):
        if any(ax.strength == V.CONTRAINDICATED for ax in rule.axioms) and rule.line not in (None, V.ANY_LINE):
            yield check.finding(rule.iri, V.LINE, rule.line,
                                "contraindications must cover every line: use netkg:AnyLine")


def _code_of(value: object, prop: URIRef) -> tuple[str, str]:
    """(system, code) of a mapping value."""
    text = str(value)
    if prop in (SKOS.exactMatch, SKOS.closeMatch):
        if text.startswith(NCIT_IRI):
            return "NCIT", text[len(NCIT_IRI):]
        return "", text
    if prop in (NETKG.atcCode, NETKG.atcCodePre2021):
        return "ATC", text
    system, _, code = text.partition(":")
    return system, code


MAPPING_PROPERTIES = (OBOINOWL_XREF := V.OBOINOWL.hasDbXref, SKOS.exactMatch, SKOS.closeMatch, NETKG.atcCode,
                      NETKG.atcCodePre2021)


@register("mapping-malformed", ERROR, "mappings use well-formed NCIt (C123) and ATC (L01XA01) codes")
def mapping_malformed(check: Check, ctx: CheckContext):
    for prop in MAPPING_PROPERTIES:
        for s, o in sorted(ctx.graph.subject_objects(prop)):
            system, code = _code_of(o, prop)
            if prop in (SKOS.exactMatch, SKOS.closeMatch) and not isinstance(o, URIRef):
                yield check.finding(s, prop, o, "skos mapping must be an IRI (obo:NCIT_C...)")
            elif system == "NCIT" and not NCIT_CODE.match(code):
                yield check.finding(s, prop, o, "NCIt code must match C<digits>")
            elif system == "ATC" and not ATC_CODE.match(code):
                yield check.finding(s, prop, o, "ATC code must match ^[A-Z]\\d\\d[A-Z]{2}\\d\\d$")
            elif system not in ("NCIT", "ATC") and prop == OBOINOWL_XREF:
                yield check.finding(s, prop, o, "cross-reference prefix must be NCIT: or ATC:", severity=WARN)


@register("mapping-unverified", WARN, "mapped codes appear in the verified terminology list")
def mapping_unverified(check: Check, ctx: CheckContext):
    verified = ctx.terminology_codes
    if verified is None:
        yield check.finding(ctx.knowledge.ontology_iri, "", "", "no terminology.tsv found; mappings not verified",
                            severity=INFO)
        return
    for prop in MAPPING_PROPERTIES:
        for s, o in sorted(ctx.graph.subject_objects(prop)):
            system, code = _code_of(o, prop)
            if system in ("NCIT", "ATC") and code and code not in verified:
                historical = prop == NETKG.atcCodePre2021
                yield check.finding(s, prop, o, f"{system} code {code} is not in the verified terminology list"
                                    + (" (a historical code; verify against the ATC index of its year)" if historical else ""),
                                    severity=INFO if historical else None)


@register("dangling-reference", ERROR, "every netkg term used in an axiom or annotation is declared (a mistyped "
          "term, source or item is an error on every subject)")
def dangling_reference(check: Check, ctx: CheckContext):
    g = ctx.graph
    declared = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}
    seen: set[tuple[URIRef, URIRef, URIRef]] = set()
    for s, p, o in sorted(g):
        if s == ctx.knowledge.ontology_iri:
            continue
        for term in (p, o):
            if isinstance(term, URIRef) and str(term).startswith(str(NETKG)) and term not in declared:
                for owner in owner_of(ctx, s)[:1]:
                    if (owner, p, term) not in seen:
                        seen.add((owner, p, term))
                        yield check.finding(owner, p, term, "refers to an undeclared netkg term (a typo?)")


@register("statement-coverage", ERROR, "every source statement is encoded or listed as out of scope, and every "
          "cited statement id is in the statement list")
def statement_coverage(check: Check, ctx: CheckContext):
    report = compute_coverage(ctx.graph, ctx.statements, ctx.out_of_scope)
    for s in report.missing:
        yield check.finding(ctx.knowledge.ontology_iri, V.STATEMENT_ID, s.id,
                            f"statement {s.id} ({s.kind}) is not encoded and not listed as out of scope")
    citing = statement_citations(ctx.graph)
    for sid in report.unknown_ids:
        for entity in citing.get(sid, []):
            yield check.finding(entity, V.STATEMENT_ID, sid, f"cites statement {sid}, which is not in the statement "
                                "list (ontology/statements.tsv): a mistyped id, or a statement to add to the list")


_ = (BNode, Literal)
