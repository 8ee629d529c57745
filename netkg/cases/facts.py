"""The facts of one patient case as individuals, ready for either reasoner.

Both the HermiT reference path (through :meth:`CaseFacts.to_graph`) and the
fast evaluator read the same :class:`CaseFacts`, so the two can only differ
in how they reason, never in what they are told.

Open world, made explicit: a property listed in ``Individual.closed`` has been
recorded completely.  With no values it becomes ``P max 0`` (nothing
recorded: the reasoner can infer an "unknown" class and a work-up); with
values it becomes ``P only (T1 or T2 ...)`` over the fillers' types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from netkg.vocabulary import CASE, NETKG, OWL, RDF, XSD


Triple = tuple[Node, Node, Node]


@dataclass
class Individual:
    """One ABox individual: asserted types, property values and closures."""

    iri: URIRef
    types: set[URIRef] = field(default_factory=set)
    objects: dict[URIRef, list[URIRef]] = field(default_factory=dict)
    data: dict[URIRef, list[Literal]] = field(default_factory=dict)
    closed: set[URIRef] = field(default_factory=set)

    def add_object(self, prop: URIRef, value: URIRef) -> None:
        self.objects.setdefault(prop, []).append(value)

    def add_data(self, prop: URIRef, value: Literal) -> None:
        self.data.setdefault(prop, []).append(value)


@dataclass
class CaseFacts:
    """All individuals of one case; ``case`` and ``tumour`` are the ones reasoned about."""

    case_id: str
    case: URIRef
    tumour: URIRef
    individuals: dict[URIRef, Individual] = field(default_factory=dict)

    def individual(self, iri: URIRef, *types: URIRef) -> Individual:
        ind = self.individuals.get(iri)
        if ind is None:
            ind = self.individuals[iri] = Individual(iri)
        ind.types.update(types)
        return ind

    def triples(self) -> Iterator[Triple]:
        """The case as OWL 2 RDF triples: assertions plus closure axioms as anonymous types."""
        for ind in self.individuals.values():
            yield ind.iri, RDF.type, OWL.NamedIndividual
            for t in sorted(ind.types):
                yield ind.iri, RDF.type, t
            for prop, values in ind.objects.items():
                for v in values:
                    yield ind.iri, prop, v
            for prop, lits in ind.data.items():
                for lit in lits:
                    yield ind.iri, prop, lit
            for prop in sorted(ind.closed):
                restriction = BNode()
                yield ind.iri, RDF.type, restriction
                yield from self._closure(restriction, ind, prop)

    def to_graph(self) -> Graph:
        """The case as an rdflib graph (see :meth:`triples`)."""
        g = Graph()
        g.bind("netkg", NETKG)
        g.bind("case", CASE)
        for triple in self.triples():
            g.add(triple)
        return g

    def _closure(self, restriction: BNode, ind: Individual, prop: URIRef) -> Iterator[Triple]:
        """``prop max 0`` when nothing is recorded, else ``prop only (T1 or T2 ...)`` over the fillers' types."""
        yield restriction, RDF.type, OWL.Restriction
        yield restriction, OWL.onProperty, prop
        fillers = ind.objects.get(prop, []) + ind.data.get(prop, [])  # type: ignore[operator]
        if not fillers:
            yield restriction, OWL.maxCardinality, Literal(0, datatype=XSD.nonNegativeInteger)
            return
        filler_types = sorted({t for f in ind.objects.get(prop, []) for t in self.individuals[f].types})
        union = BNode()
        yield restriction, OWL.allValuesFrom, union
        yield union, RDF.type, OWL.Class
        node: Node = BNode()
        yield union, OWL.unionOf, node
        for i, t in enumerate(filler_types):
            following: Node = BNode() if i + 1 < len(filler_types) else RDF.nil
            yield node, RDF.first, t
            yield node, RDF.rest, following
            node = following
