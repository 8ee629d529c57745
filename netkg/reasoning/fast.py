"""The fast path: evaluate the ontology's class definitions on a case directly.

Why this is exact: every defined class in netkg is a positive combination of
``and``/``or``/``some``/``value`` plus ``only`` and ``max 0`` over
properties the case converter *closes explicitly* (see :mod:`netkg.cases.facts`).
On such a case HermiT's open-world answer and a closed-world evaluation of
the definitions coincide; the evaluator computes the least fixpoint of
"add every class whose definition holds, with its told superclasses".
A rule is evaluated on an individual only if the individual meets the rule's
*needs* (the classes, valued and closed properties without which its definition
cannot hold, :class:`_Needs`): skipping the others changes no answer and
spares most evaluations.  Constructs outside that fragment are refused when the knowledge is loaded
(:class:`~netkg.knowledge.expressions.UnsupportedExpression`), and
``tests/test_agreement.py`` compares the two paths over thousands of
generated cases.
"""

from __future__ import annotations

from decimal import Decimal
from typing import AbstractSet, Callable, Union

from rdflib import Literal, URIRef

from netkg.cases.facts import CaseFacts, Individual
from netkg.knowledge.ontology import Knowledge
from netkg.knowledge.expressions import (
    And,
    DataRange,
    Expr,
    HasValue,
    MaxZero,
    Named,
    Only,
    Or,
    Some,
    named_in,
)
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG, RDF, XSD

_NUMERIC_TYPES = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double, XSD.float, XSD.int, XSD.long}


#: How many shapes of individual (properties with values, closed properties) keep their possible rules.
_POSSIBLE_KEPT = 4096

Check = Callable[["_Ind", AbstractSet[str], "_Context"], bool]


class _Ind:
    """An individual of the case with plain-string IRIs (fast set and dict lookups)."""

    __slots__ = ("types", "objects", "data", "closed", "valued")

    def __init__(self, types: set[str], objects: dict[str, list[str]],
                 data: dict[str, list[Literal]], closed: frozenset[str]) -> None:
        self.types = types
        self.objects = objects
        self.data = data
        self.closed = closed
        #: the properties with a value: with ``closed``, what decides which rules can hold at all
        self.valued = frozenset([p for p, vs in objects.items() if vs] + [p for p, vs in data.items() if vs])

    @classmethod
    def of(cls, ind: Individual) -> "_Ind":
        return cls({str(t) for t in ind.types},
                   {str(p): [str(v) for v in vs] for p, vs in ind.objects.items()},
                   {str(p): vs for p, vs in ind.data.items()},
                   frozenset(str(p) for p in ind.closed))


_NO_FACTS = _Ind(set(), {}, {}, frozenset())


class _Needs:
    """What an individual must have for a class expression to hold: necessary, not sufficient.

    ``types``: classes it must belong to; ``valued``: properties it must have a value for;
    ``closed``: properties it must have recorded completely (see :mod:`netkg.cases.facts`).
    """

    __slots__ = ("types", "valued", "closed")

    def __init__(self, types: frozenset[str] = frozenset(), valued: frozenset[str] = frozenset(),
                 closed: frozenset[str] = frozenset()) -> None:
        self.types, self.valued, self.closed = types, valued, closed

    @classmethod
    def of(cls, expr: Expr) -> "_Needs":
        """The needs of ``expr``: an ``and`` needs what any part needs, an ``or`` what every part needs."""
        if isinstance(expr, Named):
            return cls(types=frozenset([str(expr.iri)]))
        if isinstance(expr, (And, Or)):
            parts = [cls.of(e) for e in expr.items]
            merge = frozenset.union if isinstance(expr, And) else frozenset.intersection
            return cls(merge(*(p.types for p in parts)), merge(*(p.valued for p in parts)),
                       merge(*(p.closed for p in parts)))
        if isinstance(expr, (Some, HasValue)):
            return cls(valued=frozenset([str(expr.prop)]))
        if isinstance(expr, (Only, MaxZero)):
            return cls(closed=frozenset([str(expr.prop)]))
        raise TypeError(f"unexpected expression {expr!r}")


class _Rule:
    """A defined class compiled for evaluation."""

    __slots__ = ("iri", "check", "mentions", "ancestors", "needs")

    def __init__(self, iri: str, check: Check, mentions: frozenset[str], ancestors: frozenset[str],
                 needs: _Needs) -> None:
        self.iri = iri
        self.check = check
        self.mentions = mentions
        self.ancestors = ancestors
        self.needs = needs


class _Context:
    """The individuals of one case and the classes computed for them so far."""

    __slots__ = ("reasoner", "individuals", "memo")

    def __init__(self, reasoner: "FastReasoner", facts: CaseFacts) -> None:
        self.reasoner = reasoner
        self.individuals = {str(k): _Ind.of(v) for k, v in facts.individuals.items()}
        self.memo: dict[str, frozenset[str]] = {}

    def types(self, iri: str) -> frozenset[str]:
        found = self.memo.get(iri)
        return found if found is not None else self.reasoner._types(iri, self)

    def individual(self, iri: str) -> _Ind:
        return self.individuals.get(iri, _NO_FACTS)


class FastReasoner:
    """Classifies cases against the knowledge without a JVM."""

    engine = "fast"

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.defs = knowledge.definitions
        self.order = _dependency_order(self.defs)
        self._ancestor_sets: dict[str, frozenset[str]] = {}
        self._tbox_types: dict[str, frozenset[str]] = {}
        self._iris: dict[str, URIRef] = {}
        self._rules = [_Rule(str(c), _compile(self.defs[c]), frozenset(map(str, named_in(self.defs[c], through_restrictions=False))),
                             self._ancestors(str(c)), _Needs.of(self.defs[c]))
                       for c in self.order]
        self._possible: dict[tuple[frozenset[str], frozenset[str]], list[_Rule]] = {}

    def classify(self, facts: CaseFacts) -> Classification:
        """Inferred netkg classes of the case and of its tumour."""
        ctx = _Context(self, facts)
        case_types = ctx.types(str(facts.case))
        tumour_types = ctx.types(str(facts.tumour))
        return Classification(facts.case_id, self._netkg_only(case_types), self._netkg_only(tumour_types), self.engine)

    def classify_many(self, batch: list[CaseFacts]) -> list[Classification]:
        return [self.classify(f) for f in batch]

    # ------------------------------------------------------------------ internals
    def _types(self, iri: str, ctx: _Context) -> frozenset[str]:
        """Least fixpoint of the defined classes on one individual (semi-naive).

        After a full pass in dependency order, only the rules that failed and
        mention a class added since are evaluated again: a rule reads the
        individual's own classes only through the classes it mentions, and
        other individuals' classes are final when it reads them.
        """
        ind = ctx.individuals.get(iri)
        if ind is None:
            return self._tbox_individual_types(iri)
        ctx.memo[iri] = frozenset()  # cycle guard: an individual never depends on itself here
        types: set[str] = set()
        for t in ind.types:
            types |= self._ancestors(t)
        pending = self._possible_rules(ind)
        while pending:
            added: set[str] = set()
            failed = []
            for rule in pending:
                if rule.iri in types:
                    continue
                if rule.needs.types <= types and rule.check(ind, types, ctx):
                    new = rule.ancestors - types
                    types |= new
                    added |= new
                else:
                    failed.append(rule)
            if not added:
                break
            pending = [rule for rule in failed if not rule.mentions.isdisjoint(added)]
        result = frozenset(types)
        ctx.memo[iri] = result
        return result

    def _possible_rules(self, ind: _Ind) -> list[_Rule]:
        """The rules, in order, whose needs for values and closures ``ind`` meets (the others cannot hold for it)."""
        key = (ind.valued, ind.closed)
        found = self._possible.get(key)
        if found is None:
            found = [r for r in self._rules if r.needs.valued <= ind.valued and r.needs.closed <= ind.closed]
            if len(self._possible) < _POSSIBLE_KEPT:
                self._possible[key] = found
        return found

    def _ancestors(self, iri: str) -> frozenset[str]:
        cached = self._ancestor_sets.get(iri)
        if cached is None:
            cached = self._ancestor_sets[iri] = frozenset(str(a) for a in self.knowledge.ancestors(URIRef(iri)))
        return cached

    def _tbox_individual_types(self, iri: str) -> frozenset[str]:
        cached = self._tbox_types.get(iri)
        if cached is None:
            types: set[str] = set()
            for t in self.knowledge.graph.objects(URIRef(iri), RDF.type):
                if isinstance(t, URIRef):
                    types |= self._ancestors(str(t))
            cached = self._tbox_types[iri] = frozenset(types)
        return cached

    def _netkg_only(self, types: frozenset[str]) -> frozenset[URIRef]:
        out = []
        for t in types:
            if t.startswith(NETKG):
                iri = self._iris.get(t)
                if iri is None:
                    iri = self._iris[t] = URIRef(t)
                out.append(iri)
        return frozenset(out)


# ---------------------------------------------------------------- compiling definitions
def _compile(expr: Expr) -> Check:
    """A function deciding ``expr`` for an individual, given its classes so far."""
    if isinstance(expr, Named):
        key = str(expr.iri)
        return lambda ind, types, ctx: key in types
    if isinstance(expr, (And, Or)):
        parts = tuple(_compile(e) for e in expr.items)
        decisive = isinstance(expr, Or)  # the part value that settles the answer: True for or, False for and

        def combined(ind: _Ind, types: AbstractSet[str], ctx: _Context) -> bool:
            for part in parts:
                if part(ind, types, ctx) == decisive:
                    return decisive
            return not decisive
        return combined
    if isinstance(expr, Some):
        prop = str(expr.prop)
        if isinstance(expr.filler, DataRange):
            rng = expr.filler
            return lambda ind, types, ctx: any(_in_range(v, rng) for v in ind.data.get(prop, ()))
        some = _compile_filler(expr.filler)
        return lambda ind, types, ctx: any(some(f, ctx) for f in ind.objects.get(prop, ()))
    if isinstance(expr, Only):
        prop = str(expr.prop)
        only = _compile_filler(expr.filler)
        return lambda ind, types, ctx: prop in ind.closed and all(only(f, ctx) for f in ind.objects.get(prop, ()))
    if isinstance(expr, HasValue):
        prop = str(expr.prop)
        if isinstance(expr.value, Literal):
            lit = expr.value
            return lambda ind, types, ctx: any(_same_value(v, lit) for v in ind.data.get(prop, ()))
        value = str(expr.value)
        return lambda ind, types, ctx: value in ind.objects.get(prop, ())
    if isinstance(expr, MaxZero):
        prop = str(expr.prop)
        return lambda ind, types, ctx: prop in ind.closed and not ind.objects.get(prop) and not ind.data.get(prop)
    raise TypeError(f"unexpected expression {expr!r}")


def _compile_filler(expr: Expr) -> Callable[[str, _Context], bool]:
    """A function deciding ``expr`` for the individual a property points to."""
    if isinstance(expr, Named):
        key = str(expr.iri)
        return lambda iri, ctx: key in ctx.types(iri)
    check = _compile(expr)

    def holds(iri: str, ctx: _Context) -> bool:
        return check(ctx.individual(iri), ctx.types(iri), ctx)
    return holds


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
    order: list[URIRef] = []
    state: dict[URIRef, int] = {}

    def visit(cls: URIRef) -> None:
        if state.get(cls) == 2:
            return
        if state.get(cls) == 1:
            return  # a cycle: the fixpoint loop still converges
        state[cls] = 1
        for dep in sorted(named_in(defs[cls])):
            if dep in defs:
                visit(dep)
        state[cls] = 2
        order.append(cls)

    for cls in sorted(defs):
        visit(cls)
    return order
