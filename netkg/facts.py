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

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from netkg.vocabulary import CASE, NETKG, OWL, RDF, XSD


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

    def to_graph(self) -> Graph:
        """The case as OWL 2 RDF: assertions plus closure axioms as anonymous types."""
        g = Graph()
        g.bind("netkg", NETKG)
        g.bind("case", CASE)
        for ind in self.individuals.values():
            g.add((ind.iri, RDF.type, OWL.NamedIndividual))
            for t in sorted(ind.types):
                g.add((ind.iri, RDF.type, t))
            for prop, values in ind.objects.items():
                for v in values:
                    g.add((ind.iri, prop, v))
            for prop, lits in ind.data.items():
                for lit in lits:
                    g.add((ind.iri, prop, lit))
            for prop in sorted(ind.closed):
                g.add((ind.iri, RDF.type, self._closure(g, ind, prop)))
        return g

    def _closure(self, g: Graph, ind: Individual, prop: URIRef) -> BNode:
        restriction = BNode()
        g.add((restriction, RDF.type, OWL.Restriction))
        g.add((restriction, OWL.onProperty, prop))
        fillers = ind.objects.get(prop, []) + ind.data.get(prop, [])  # type: ignore[operator]
        if not fillers:
            g.add((restriction, OWL.maxCardinality, Literal(0, datatype=XSD.nonNegativeInteger)))
            return restriction
        filler_types = sorted({t for f in ind.objects.get(prop, []) for t in self.individuals[f].types})
        union = BNode()
        g.add((union, RDF.type, OWL.Class))
        members = BNode()
        Collection(g, members, list(filler_types))
        g.add((union, OWL.unionOf, members))
        g.add((restriction, OWL.allValuesFrom, union))
        return restriction
