"""The fast path: evaluate the ontology's class definitions on a case directly.

Why this is exact: every defined class in netkg is a positive combination of
``and``/``or``/``some``/``value`` plus ``only`` and ``max 0`` over
properties the case converter *closes explicitly* (see :mod:`netkg.facts`).
On such a case HermiT's open-world answer and a closed-world evaluation of
the definitions coincide; the evaluator computes the least fixpoint of
"add every class whose definition holds, with its told superclasses".
Constructs outside that fragment are refused when the knowledge is loaded
(:class:`~netkg.reasoning.expressions.UnsupportedExpression`), and
``tests/test_agreement.py`` compares the two paths over thousands of
generated cases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Union

from rdflib import Literal, URIRef

from netkg.facts import CaseFacts, Individual
from netkg.knowledge import Knowledge
from netkg.reasoning.expressions import (
    And,
    DataRange,
    Expr,
    HasValue,
    MaxZero,
    Named,
    Only,
    Or,
    Some,
    definitions,
)
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG, RDF, XSD

_NUMERIC_TYPES = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double, XSD.float, XSD.int, XSD.long}


class FastReasoner:
    """Classifies cases against the knowledge without a JVM."""

    engine = "fast"

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.defs = definitions(knowledge.graph)
        self.order = _dependency_order(self.defs)
        self._tbox_types: dict[URIRef, frozenset[URIRef]] = {}

    def classify(self, facts: CaseFacts) -> Classification:
        """Inferred netkg classes of the case and of its tumour."""
        memo: dict[URIRef, frozenset[URIRef]] = {}
        case_types = self._types(facts.case, facts, memo)
        tumour_types = self._types(facts.tumour, facts, memo)
        return Classification(facts.case_id, _netkg_only(case_types), _netkg_only(tumour_types), self.engine)

    def classify_many(self, batch: list[CaseFacts]) -> list[Classification]:
        return [self.classify(f) for f in batch]

    # ------------------------------------------------------------------ internals
    def _types(self, iri: URIRef, facts: CaseFacts, memo: dict[URIRef, frozenset[URIRef]]) -> frozenset[URIRef]:
        if iri in memo:
            return memo[iri]
        ind = facts.individuals.get(iri)
        if ind is None:
            return self._tbox_individual_types(iri)
        memo[iri] = frozenset()  # cycle guard: an individual never depends on itself here
        types: set[URIRef] = set()
        for t in ind.types:
            types |= self.knowledge.ancestors(t)
        changed = True
        while changed:
            changed = False
            for cls in self.order:
                if cls not in types and self._holds(self.defs[cls], ind, types, facts, memo):
                    types |= self.knowledge.ancestors(cls)
                    changed = True
        result = frozenset(types)
        memo[iri] = result
        return result

    def _tbox_individual_types(self, iri: URIRef) -> frozenset[URIRef]:
        cached = self._tbox_types.get(iri)
        if cached is None:
            types: set[URIRef] = set()
            for t in self.knowledge.graph.objects(iri, RDF.type):
                if isinstance(t, URIRef):
                    types |= self.knowledge.ancestors(t)
            cached = self._tbox_types[iri] = frozenset(types)
        return cached

    def _holds(self, expr: Expr, ind: Individual, types: set[URIRef], facts: CaseFacts,
               memo: dict[URIRef, frozenset[URIRef]]) -> bool:
        if isinstance(expr, Named):
            return expr.iri in types
        if isinstance(expr, And):
            return all(self._holds(e, ind, types, facts, memo) for e in expr.items)
        if isinstance(expr, Or):
            return any(self._holds(e, ind, types, facts, memo) for e in expr.items)
        if isinstance(expr, Some):
            if isinstance(expr.filler, DataRange):
                return any(_in_range(v, expr.filler) for v in ind.data.get(expr.prop, ()))
            return any(self._filler_holds(expr.filler, f, facts, memo) for f in ind.objects.get(expr.prop, ()))
        if isinstance(expr, Only):
            return expr.prop in ind.closed and all(
                self._filler_holds(expr.filler, f, facts, memo) for f in ind.objects.get(expr.prop, ()))
        if isinstance(expr, HasValue):
            if isinstance(expr.value, Literal):
                return any(_same_value(v, expr.value) for v in ind.data.get(expr.prop, ()))
            return expr.value in ind.objects.get(expr.prop, ())
        if isinstance(expr, MaxZero):
            return expr.prop in ind.closed and not ind.objects.get(expr.prop) and not ind.data.get(expr.prop)
        raise TypeError(f"unexpected expression {expr!r}")

    def _filler_holds(self, expr: Expr, filler: URIRef, facts: CaseFacts, memo: dict[URIRef, frozenset[URIRef]]) -> bool:
        filler_types = self._types(filler, facts, memo)
        if isinstance(expr, Named):
            return expr.iri in filler_types
        ind = facts.individuals.get(filler)
        if ind is None:
            ind = Individual(filler, set(filler_types))
        return self._holds(expr, ind, set(filler_types), facts, memo)


def _netkg_only(types: frozenset[URIRef]) -> frozenset[URIRef]:
    return frozenset(t for t in types if t.startswith(NETKG))


def _number(lit: Literal) -> Union[Decimal, None]:
    if lit.datatype not in _NUMERIC_TYPES:
        return None
    try:
        return Decimal(str(lit))
    except ArithmeticError:
        return None


def _in_range(lit: Literal, rng: DataRange) -> bool:
    value = _number(lit)
    if value is None:
        return False
    if rng.datatype in (XSD.integer, XSD.nonNegativeInteger) and value != value.to_integral_value():
        return False
    for facet, bound in rng.facets:
        if facet == "minInclusive" and not value >= bound:
            return False
        if facet == "maxInclusive" and not value <= bound:
            return False
        if facet == "minExclusive" and not value > bound:
            return False
        if facet == "maxExclusive" and not value < bound:
            return False
    return True


def _same_value(a: Literal, b: Literal) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na == nb
    return a.datatype == b.datatype and a.toPython() == b.toPython()


def _dependency_order(defs: dict[URIRef, Expr]) -> list[URIRef]:
    """Defined classes ordered so that a class comes after those its definition names."""

    def named(expr: object) -> set[URIRef]:
        if isinstance(expr, Named):
            return {expr.iri}
        if isinstance(expr, (And, Or)):
            return set().union(*(named(e) for e in expr.items))
        if isinstance(expr, (Some, Only)):
            return named(expr.filler)
        return set()

    order: list[URIRef] = []
    state: dict[URIRef, int] = {}

    def visit(cls: URIRef) -> None:
        if state.get(cls) == 2:
            return
        if state.get(cls) == 1:
            return  # a cycle: the fixpoint loop still converges
        state[cls] = 1
        for dep in sorted(named(defs[cls])):
            if dep in defs:
                visit(dep)
        state[cls] = 2
        order.append(cls)

    for cls in sorted(defs):
        visit(cls)
    return order
