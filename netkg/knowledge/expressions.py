"""OWL class expressions read from RDF into a small tree, and rendered as text.

Only the constructs the netkg ontology uses are supported: named classes,
``and``, ``or``, ``some``, ``only``, ``value``, ``max 0`` and datatype
restrictions with numeric facets.  Anything else raises
:class:`UnsupportedExpression`, so the fast evaluator can never silently
misread a definition that an editor adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Union

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from netkg.vocabulary import OWL, RDF, RDFS, XSD


class UnsupportedExpression(Exception):
    """A class expression outside the fragment the fast evaluator implements."""


@dataclass(frozen=True)
class Named:
    iri: URIRef


@dataclass(frozen=True)
class And:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class DataRange:
    datatype: URIRef
    facets: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Some:
    prop: URIRef
    filler: Union["Expr", DataRange]


@dataclass(frozen=True)
class Only:
    prop: URIRef
    filler: "Expr"


@dataclass(frozen=True)
class HasValue:
    prop: URIRef
    value: Union[URIRef, Literal]


@dataclass(frozen=True)
class MaxZero:
    prop: URIRef


Expr = Union[Named, And, Or, Some, Only, HasValue, MaxZero]

NUMERIC = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.double, XSD.float}
FACETS = {"minInclusive", "maxInclusive", "minExclusive", "maxExclusive"}


def parse(graph: Graph, node: object) -> Expr:
    """Read the class expression rooted at ``node``."""
    if isinstance(node, URIRef):
        return Named(node)
    if not isinstance(node, BNode):
        raise UnsupportedExpression(f"not a class expression: {node!r}")
    for op, ctor in ((OWL.intersectionOf, And), (OWL.unionOf, Or)):
        members = graph.value(node, op)
        if members is not None:
            return ctor(tuple(parse(graph, m) for m in Collection(graph, members)))
    if (node, RDF.type, OWL.Restriction) in graph:
        prop = graph.value(node, OWL.onProperty)
        if not isinstance(prop, URIRef):
            raise UnsupportedExpression("restriction on an anonymous property")
        if (filler := graph.value(node, OWL.someValuesFrom)) is not None:
            return Some(prop, _parse_filler(graph, filler))
        if (filler := graph.value(node, OWL.allValuesFrom)) is not None:
            return Only(prop, parse(graph, filler))
        if (value := graph.value(node, OWL.hasValue)) is not None:
            return HasValue(prop, value)  # type: ignore[arg-type]
        card = graph.value(node, OWL.maxCardinality)
        if card is not None and int(card) == 0:
            return MaxZero(prop)
    raise UnsupportedExpression(f"unsupported construct: {sorted(str(p) for p in graph.predicates(node))}")


def _parse_filler(graph: Graph, node: object) -> Union[Expr, DataRange]:
    if isinstance(node, URIRef) and node in NUMERIC:
        return DataRange(node, ())
    if isinstance(node, BNode) and (node, RDF.type, RDFS.Datatype) in graph:
        datatype = graph.value(node, OWL.onDatatype)
        facets = []
        for restriction in Collection(graph, graph.value(node, OWL.withRestrictions)):
            for p, o in graph.predicate_objects(restriction):
                name = str(p).rsplit("#", 1)[-1]
                if name not in FACETS:
                    raise UnsupportedExpression(f"unsupported facet {p}")
                facets.append((name, Decimal(str(o))))
        if datatype not in NUMERIC:
            raise UnsupportedExpression(f"unsupported datatype {datatype}")
        return DataRange(datatype, tuple(facets))  # type: ignore[arg-type]
    return parse(graph, node)


def definitions(graph: Graph) -> dict[URIRef, Expr]:
    """Every named class's ``owl:equivalentClass`` expression (one per class)."""
    out: dict[URIRef, Expr] = {}
    for cls, expr in graph.subject_objects(OWL.equivalentClass):
        if isinstance(cls, URIRef):
            if cls in out:
                raise UnsupportedExpression(f"{cls} has more than one equivalent-class definition")
            out[cls] = parse(graph, expr)
    return out


def named_in(expr: Expr | DataRange, through_restrictions: bool = True) -> set[URIRef]:
    """Named classes an expression mentions; with ``through_restrictions=False`` only those it
    reads on the individual itself (not in the fillers of ``some``/``only``)."""
    if isinstance(expr, Named):
        return {expr.iri}
    if isinstance(expr, (And, Or)):
        return set().union(*(named_in(e, through_restrictions) for e in expr.items))
    if through_restrictions and isinstance(expr, (Some, Only)):
        return named_in(expr.filler)
    return set()


def properties_used(expr: Expr | DataRange, defs: dict[URIRef, Expr], seen: set[URIRef] | None = None) -> set[URIRef]:
    """Properties an expression depends on, following named classes' definitions."""
    seen = set() if seen is None else seen
    if isinstance(expr, Named):
        if expr.iri in seen or expr.iri not in defs:
            return set()
        seen.add(expr.iri)
        return properties_used(defs[expr.iri], defs, seen)
    if isinstance(expr, (And, Or)):
        return set().union(*(properties_used(e, defs, seen) for e in expr.items))
    if isinstance(expr, (Some, Only)):
        return {expr.prop} | properties_used(expr.filler, defs, seen)
    if isinstance(expr, (HasValue, MaxZero)):
        return {expr.prop}
    return set()


def render(expr: Expr | DataRange, label: Callable[[URIRef], str]) -> str:
    """Manchester-like text of an expression, with labels instead of IRIs."""
    if isinstance(expr, Named):
        return label(expr.iri)
    if isinstance(expr, And):
        return " and ".join(_group(e, label) for e in expr.items)
    if isinstance(expr, Or):
        return " or ".join(_group(e, label) for e in expr.items)
    if isinstance(expr, Some):
        return f"{label(expr.prop)} some {_group(expr.filler, label)}"
    if isinstance(expr, Only):
        return f"{label(expr.prop)} only {_group(expr.filler, label)}"
    if isinstance(expr, HasValue):
        value = label(expr.value) if isinstance(expr.value, URIRef) else str(expr.value)
        return f"{label(expr.prop)} value {value}"
    if isinstance(expr, MaxZero):
        return f"{label(expr.prop)} max 0 (not recorded)"
    ops = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
    facets = ", ".join(f"{ops[f]} {v}" for f, v in expr.facets)
    return f"{str(expr.datatype).rsplit('#', 1)[-1]}[{facets}]"


def _group(expr: Expr | DataRange, label: Callable[[URIRef], str]) -> str:
    text = render(expr, label)
    return f"({text})" if isinstance(expr, (And, Or)) else text
