"""The SHACL shapes of a case as RDF, derived from the field table.

A case written as RDF (``netkg recommend --format ttl``, or any tool that writes the
same facts) is checked against shapes made here from
:data:`netkg.cases.fields.CASE_FIELDS`, the table the case model is made from too,
so the two can only agree.  Each field's :attr:`CaseField.owl` rule says which
individual holds its value and in what form (:mod:`netkg.cases.conversion`); the
shapes say the same: the datatype or the allowed code individuals and classes, the
range, at most one value for a single value, at least one for a required field.

The shapes accept what netkg writes and nothing less: inferred types, closure
axioms (``P max 0``) and report triples are allowed but never required.  No shape is
closed.  Each property shape has a message that names the property, the case field
and what is allowed.  ``python -m netkg.cases.shapes FILE`` (or ``netkg schema
--shacl``) writes the shapes as Turtle; the committed copy is
``ontology/shapes/case-shapes.ttl`` (``tests/test_shacl.py`` keeps it current).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Iterator, Literal as Lit, Optional

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from netkg.cases import codes
from netkg.cases.fields import CASE_FIELDS, MAX_TREATMENT_ENTRIES, CaseField
from netkg.vocabulary import NETKG, RDF, SHAPES, XSD, curie

Node = Lit["case", "tumour", "treatment"]

NODE_SHAPES: dict[str, URIRef] = {
    "case": SHAPES.PatientCaseShape,
    "tumour": SHAPES.TumourShape,
    "treatment": SHAPES.TreatmentShape,
}
"""The node shape of each individual a case's facts are about."""

HEADER = ("# SHACL shapes of a netkg patient case as RDF (the form `netkg recommend --format ttl` writes).\n"
          "# Generated from the case field table (netkg/cases/fields.py): do not edit by hand; regenerate with\n"
          "#   python -m netkg.cases.shapes ontology/shapes/case-shapes.ttl\n"
          "# Check a file with `netkg validate FILE`.\n")


@dataclass(frozen=True)
class PropertyRule:
    """One property shape: what the values of ``path`` on one kind of individual must be."""

    node: Node
    path: URIRef
    field: CaseField
    datatype: Optional[URIRef] = None
    values: tuple[URIRef, ...] = ()  # sh:in: the allowed code individuals or classes
    classes: tuple[URIRef, ...] = ()  # each value is an instance of one of these classes
    min_count: int = 0
    max_count: Optional[int] = 1

    @property
    def iri(self) -> URIRef:
        """The property shape's IRI: its node shape's name and the property's."""
        return SHAPES[f"{NODE_SHAPES[self.node].rpartition('/')[2].removesuffix('Shape')}-{curie(self.path).partition(':')[2]}"]

    def allowed_text(self) -> str:
        """What is allowed, in words: 'one xsd:decimal from 0 to 100', 'one of netkg:A, netkg:B'."""
        f = self.field
        if self.datatype is not None:
            text = curie(self.datatype).replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
            if f.minimum is not None and f.maximum is not None:
                text += f" {'above' if f.minimum_excluded else 'from'} {f.minimum:g} {'up ' if f.minimum_excluded else ''}to {f.maximum:g}"
            if f.unit and self.datatype != XSD.string:
                text += f" ({f.unit})"
            if f.pattern and self.datatype == XSD.string:
                text += f" matching {f.pattern}"
        elif self.values:
            text = "one of " + ", ".join(curie(v) for v in self.values)
        else:
            text = "an individual of one of the classes " + ", ".join(curie(c) for c in self.classes)
        if self.max_count == 1:
            many = "exactly one value" if self.min_count else "at most one value"
        elif self.max_count is None:
            many = "one or more values" if self.min_count else "any number of values"
        else:
            many = f"at most {self.max_count} values"
        return f"{many}, each {text}" if self.max_count != 1 else f"{many}: {text}"

    def message(self) -> str:
        """The violation message: the property, the case field and what is allowed."""
        return f"{curie(self.path)} (case field {self.field.path}: {self.field.description}): {self.allowed_text()}"


def _codes(field: CaseField) -> tuple[URIRef, ...]:
    """The ontology terms a field's codes mean, in table order ('unknown' codes have none)."""
    assert field.allowed is not None, field.path
    return tuple(dict.fromkeys(v for v in field.allowed.values() if v is not None))


def _node(field: CaseField) -> Node:
    return field.subject


def _single(prop_index: int = 0, **kw: object) -> Callable[[CaseField], Iterator[PropertyRule]]:
    def rules(field: CaseField) -> Iterator[PropertyRule]:
        yield PropertyRule(_node(field), field.properties[prop_index], field, **kw)  # type: ignore[arg-type]
    return rules


def _typed(datatype: URIRef) -> Callable[[CaseField], Iterator[PropertyRule]]:
    return _single(datatype=datatype)


def _class_value(field: CaseField) -> Iterator[PropertyRule]:
    (prop,) = field.properties
    yield PropertyRule(_node(field), prop, field, values=_codes(field))


def _case_id(field: CaseField) -> Iterator[PropertyRule]:
    yield PropertyRule("case", NETKG.caseId, field, datatype=XSD.string, min_count=1)


def _tumour_individual(field: CaseField) -> Iterator[PropertyRule]:
    yield PropertyRule("case", NETKG.hasTumour, field, classes=(NETKG.Tumour,), min_count=1)


def _site_individual(field: CaseField) -> Iterator[PropertyRule]:
    (prop,) = field.properties
    yield PropertyRule("tumour", prop, field, classes=_codes(field), min_count=1 if field.required else 0)


def _site_individuals(field: CaseField) -> Iterator[PropertyRule]:
    sites, staging = field.properties
    yield PropertyRule("tumour", sites, field, classes=_codes(field), max_count=None)
    yield PropertyRule("case", staging, field, values=(NETKG.StagingDocumented,))


def _functional_status(field: CaseField) -> Iterator[PropertyRule]:
    (prop,) = field.properties
    yield PropertyRule(_node(field), prop, field, values=(NETKG.Functioning, NETKG.NonFunctioning))


def _symptom_status(field: CaseField) -> Iterator[PropertyRule]:
    status, complication = field.properties
    yield PropertyRule(_node(field), status, field, values=codes.SYMPTOM_STATUSES[status])
    yield PropertyRule(_node(field), complication, field, values=_codes(field), max_count=None)


def _treatment_individuals(field: CaseField) -> Iterator[PropertyRule]:
    therapies, line = field.properties
    therapy = next(f for f in CASE_FIELDS if f.parent == field.path and f.owl == "treatment type")
    yield PropertyRule("case", therapies, therapy, classes=_codes(therapy), max_count=MAX_TREATMENT_ENTRIES)
    yield PropertyRule("case", line, field, datatype=XSD.integer)


def _treatment_value(field: CaseField) -> Iterator[PropertyRule]:
    (prop,) = field.properties
    yield PropertyRule("treatment", prop, field, values=_codes(field), min_count=1 if field.required else 0)


def _nothing(field: CaseField) -> Iterator[PropertyRule]:
    return iter(())


_RULES: dict[str, Callable[[CaseField], Iterator[PropertyRule]]] = {
    "case id": _case_id,
    "tumour individual": _tumour_individual,
    "site individual": _site_individual,
    "site individuals": _site_individuals,
    "class value": _class_value,
    "decimal": _typed(XSD.decimal),
    "integer": _typed(XSD.integer),
    "boolean": _typed(XSD.boolean),
    "functional status": _functional_status,
    "hormonal syndrome": _class_value,
    "symptom status": _symptom_status,
    "treatment individuals": _treatment_individuals,
    "treatment type": _nothing,  # the entry's type: a constraint on hasReceivedTherapy's values (above)
    "treatment value": _treatment_value,
    "none": _nothing,
}


def property_rules() -> list[PropertyRule]:
    """Every property shape of a case, in field-table order."""
    return [rule for field in CASE_FIELDS for rule in _RULES[field.owl](field)]


def case_shapes() -> Graph:
    """The shapes as an RDF graph: one node shape per individual, one property shape per property."""
    g = Graph()
    for prefix, ns in (("sh", SH), ("shape", SHAPES), ("netkg", NETKG), ("xsd", XSD)):
        g.bind(prefix, ns)
    targets = {"case": (SH.targetClass, NETKG.PatientCase), "tumour": (SH.targetClass, NETKG.Tumour),
               "treatment": (SH.targetObjectsOf, NETKG.hasReceivedTherapy)}
    names = {"case": "patient case", "tumour": "tumour of a case", "treatment": "one treatment_history entry"}
    for node, shape in NODE_SHAPES.items():
        g.add((shape, RDF.type, SH.NodeShape))
        g.add((shape, targets[node][0], targets[node][1]))
        g.add((shape, SH.name, Literal(names[node])))
    for rule in property_rules():
        _add_property_shape(g, rule)
    return g


def _add_property_shape(g: Graph, rule: PropertyRule) -> None:
    f, shape = rule.field, rule.iri
    g.add((NODE_SHAPES[rule.node], SH.property, shape))
    g.add((shape, RDF.type, SH.PropertyShape))
    g.add((shape, SH.path, rule.path))
    g.add((shape, SH.name, Literal(f.path)))
    g.add((shape, SH.description, Literal(f.schema_description)))
    g.add((shape, SH.message, Literal(rule.message())))
    if rule.min_count:
        g.add((shape, SH.minCount, Literal(rule.min_count)))
    if rule.max_count is not None:
        g.add((shape, SH.maxCount, Literal(rule.max_count)))
    if rule.datatype is not None:
        g.add((shape, SH.datatype, rule.datatype))
        if f.pattern and rule.datatype == XSD.string:
            g.add((shape, SH.pattern, Literal(f.pattern)))
        if f.minimum is not None:
            g.add((shape, SH.minExclusive if f.minimum_excluded else SH.minInclusive, _bound(f.minimum, rule.datatype)))
        if f.maximum is not None:
            g.add((shape, SH.maxInclusive, _bound(f.maximum, rule.datatype)))
    if rule.values:
        g.add((shape, SH["in"], _list(g, rule.values)))
    if len(rule.classes) == 1:
        g.add((shape, SH["class"], rule.classes[0]))
    elif rule.classes:
        alternatives = []
        for cls in rule.classes:
            alternative = BNode()
            g.add((alternative, SH["class"], cls))
            alternatives.append(alternative)
        g.add((shape, SH["or"], _list(g, alternatives)))


def _bound(value: float, datatype: URIRef) -> Literal:
    return Literal(int(value)) if datatype == XSD.integer else Literal(format(value, "g"), datatype=XSD.decimal)


def _list(g: Graph, items: "list[URIRef] | tuple[URIRef, ...] | list[BNode]") -> BNode:
    head = BNode()
    Collection(g, head, list(items))
    return head


def shapes_turtle() -> str:
    """The shapes as Turtle under a header comment (the text of ``ontology/shapes/case-shapes.ttl``)."""
    return HEADER + case_shapes().serialize(format="turtle")


def main(argv: list[str]) -> int:
    """``python -m netkg.cases.shapes [FILE]``: write the shapes (standard output without a file)."""
    text = shapes_turtle()
    if argv:
        with open(argv[0], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
