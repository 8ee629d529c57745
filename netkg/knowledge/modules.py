"""Which module file each part of the ontology is kept in, computed from the graph.

The hand-edited ontology is a folder of Turtle modules (``ontology/modules/``).
Every top-level subject (a named term, or an anonymous axiom such as
``owl:AllDifferent``) belongs to exactly one module, decided here from what the
graph says about it, so ``netkg format`` files a new term without being told:

``header``
    the ``owl:Ontology`` header, annotation properties, the therapy relations
    (``hasTherapyRelation`` and its sub-properties), any property outside the
    case model, and anonymous axioms whose members lie in different modules;
``rules-<family>``
    each rule family (a named direct subclass of ``netkg:Rule``) with its rules
    (``RecommendationRule`` -> ``rules-recommendation``, ``FollowUpRule`` ->
    ``rules-follow-up``);
``sources``
    ``Source``, its kinds (``SourceArticle``, trial publications, guidelines, ...)
    and the sources themselves;
``evidence`` / ``instructions``
    evidence figures; dosing and monitoring instructions (the knowledge items);
``therapies``
    ``Therapy``, ``Drug`` and their subclasses;
``case-model``
    everything else: patient cases, tumours, sites, grades, value sets and
    their members, lines and intents, the defined case classes, ``Rule``, and
    the properties whose domain or range is one of those classes.

An individual goes with its class.  Blank nodes stay with the subject that owns them.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterable, Optional

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from netkg.knowledge.canonical import module_text, prefix_block
from netkg.vocabulary import NETKG, OWL, RDF, RDFS

HEADER = "header"
CASE_MODEL = "case-model"
THERAPIES = "therapies"
EVIDENCE = "evidence"
INSTRUCTIONS = "instructions"
SOURCES = "sources"

RULE = NETKG.Rule
THERAPY_RELATION = NETKG.hasTherapyRelation
_CLASS_MODULES = (  # checked in this order after the rule families
    (NETKG.SourceArticle, SOURCES),
    (NETKG.Source, SOURCES),
    (NETKG.EvidenceFigure, EVIDENCE),
    (NETKG.DosingInstruction, INSTRUCTIONS),
    (NETKG.MonitoringInstruction, INSTRUCTIONS),
    (NETKG.KnowledgeItem, EVIDENCE),
    (NETKG.Therapy, THERAPIES),
    (NETKG.Drug, THERAPIES),
)
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


def family_module(family: URIRef) -> str:
    """``rules-<family>`` from the family's local name: ``FollowUpRule`` -> ``rules-follow-up``."""
    local = str(family).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    stem = local[:-4] if local.endswith("Rule") and len(local) > 4 else local
    return "rules-" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", stem).lower()


def owned_triples(graph: Graph, subject: Node) -> Iterable[tuple[Node, Node, Node]]:
    """The triples of ``subject`` and of every blank node reachable from it."""
    seen: set[Node] = set()
    stack = [subject]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            yield (node, p, o)
            if isinstance(o, BNode):
                stack.append(o)


def top_level_subjects(graph: Graph) -> list[Node]:
    """Named subjects and blank nodes no triple points to (the blocks of a Turtle file)."""
    return [s for s in dict.fromkeys(graph.subjects())
            if not isinstance(s, BNode) or (None, None, s) not in graph]


class ModuleAssignment:
    """The module of every top-level subject of one graph."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    @cached_property
    def families(self) -> tuple[URIRef, ...]:
        """The rule families: named direct subclasses of ``netkg:Rule``, sorted."""
        return tuple(sorted(f for f in self.graph.subjects(RDFS.subClassOf, RULE) if isinstance(f, URIRef)))

    def _ancestors(self, cls: URIRef) -> set[URIRef]:
        seen, stack = {cls}, [cls]
        while stack:
            for parent in self.graph.objects(stack.pop(), RDFS.subClassOf):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    def _class_module(self, cls: URIRef) -> Optional[str]:
        ancestors = self._ancestors(cls)
        for family in self.families:
            if family in ancestors:
                return family_module(family)
        for root, module in _CLASS_MODULES:
            if root in ancestors:
                return module
        return None

    def _is_therapy_relation(self, prop: URIRef) -> bool:
        seen, stack = {prop}, [prop]
        while stack:
            node = stack.pop()
            if node == THERAPY_RELATION:
                return True
            for parent in self.graph.objects(node, RDFS.subPropertyOf):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return False

    def _property_module(self, prop: URIRef) -> str:
        if (prop, RDF.type, OWL.AnnotationProperty) in self.graph or self._is_therapy_relation(prop):
            return HEADER
        for pred in (RDFS.domain, RDFS.range):
            for cls in self.graph.objects(prop, pred):
                if isinstance(cls, URIRef) and (cls, RDF.type, OWL.Class) in self.graph \
                        and (self._class_module(cls) or CASE_MODEL) == CASE_MODEL:
                    return CASE_MODEL
        return HEADER

    def _named_module(self, subject: URIRef) -> str:
        types = set(self.graph.objects(subject, RDF.type))
        if OWL.Ontology in types:
            return HEADER
        if types & set(_PROPERTY_TYPES):
            return self._property_module(subject)
        if OWL.Class in types or (subject, RDFS.subClassOf, None) in self.graph:
            return self._class_module(subject) or CASE_MODEL
        for cls in sorted(t for t in types if isinstance(t, URIRef) and not str(t).startswith(str(OWL))):
            return self._class_module(cls) or CASE_MODEL
        return CASE_MODEL

    def _members(self, axiom: BNode) -> set[Node]:
        members: set[Node] = set()
        for _, o in self.graph.predicate_objects(axiom):
            if isinstance(o, BNode) and (o, RDF.first, None) in self.graph:
                members.update(Collection(self.graph, o))
        return {m for m in members if isinstance(m, URIRef)}

    def module(self, subject: Node) -> str:
        """The module a top-level subject (named term or anonymous axiom) belongs to."""
        if isinstance(subject, URIRef):
            return self._named_module(subject)
        modules = {self._named_module(m) for m in self._members(subject)}  # type: ignore[arg-type]
        return modules.pop() if len(modules) == 1 else HEADER

    def split(self) -> dict[str, Graph]:
        """The graph cut into one graph per module (each with the graph's prefixes)."""
        parts: dict[str, Graph] = {}
        for subject in top_level_subjects(self.graph):
            name = self.module(subject)
            part = parts.get(name)
            if part is None:
                part = parts[name] = Graph()
                for pfx, ns in self.graph.namespaces():
                    part.bind(pfx, ns, override=True, replace=True)
            for triple in owned_triples(self.graph, subject):
                part.add(triple)  # type: ignore[arg-type]
        return parts


def split_modules(graph: Graph) -> dict[str, Graph]:
    """``graph`` as one graph per module name (see the module docstring for the rules)."""
    return ModuleAssignment(graph).split()


def module_texts(graph: Graph) -> dict[str, str]:
    """The canonical text of every module of ``graph``, keyed by module name; every module
    carries the same prefix lines (those the whole graph uses)."""
    prefixes = prefix_block(graph)
    return {name: module_text(part, prefixes) for name, part in sorted(split_modules(graph).items())}
