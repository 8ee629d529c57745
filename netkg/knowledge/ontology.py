"""Load the ontology and index what the report needs: rules, therapies, items.

The ontology's Turtle source is parsed once with rdflib.  :class:`Knowledge`
exposes it as plain Python data: each rule with its therapy axioms, line,
statements and sources; the told class hierarchy; dosing, monitoring and
evidence items by the term they apply to.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from decimal import Decimal
from typing import Any, Optional, Union

from rdflib import BNode, Graph, Literal, URIRef

from netkg import vocabulary as V
from netkg.knowledge import expressions
from netkg.vocabulary import DCTERMS, NETKG, OWL, RDF, RDFS, SKOS
from netkg.knowledge.source import KnowledgeError, load_source
from netkg.paths import DEFAULT_ONTOLOGY


STRENGTH_NAMES = {
    V.RECOMMENDED: "recommended",
    V.CONSIDER: "consider",
    V.NOT_RECOMMENDED: "not recommended",
    V.CONTRAINDICATED: "contraindicated",
    V.CAUTION: "caution",
}


@dataclass(frozen=True)
class TherapyAxiom:
    """``Rule SubClassOf <strength property> some <therapy>``."""

    strength: URIRef
    therapy: URIRef


@dataclass
class Rule:
    """A defined class of cases to which one piece of knowledge applies."""

    iri: URIRef
    family: URIRef
    label: str
    definition: str
    statements: tuple[str, ...]
    sources: tuple[URIRef, ...]
    axioms: tuple[TherapyAxiom, ...] = ()
    line: Optional[URIRef] = None
    rationale: Optional[str] = None
    action: Optional[str] = None
    notes: tuple[str, ...] = ()
    intent: Optional[URIRef] = None  # None: the rule speaks of every intent
    requires_offered: tuple[URIRef, ...] = ()
    extrapolation: Optional[str] = None


@dataclass
class Item:
    """A dosing, monitoring or evidence item attached to a therapy or a rule."""

    iri: URIRef
    kind: URIRef
    label: str
    text: str
    applies_to: tuple[URIRef, ...]
    statements: tuple[str, ...]
    sources: tuple[URIRef, ...]
    fields: dict[str, Union[str, int, float]] = field(default_factory=dict)
    population: tuple[URIRef, ...] = ()  # case classes the study enrolled (evidence only); () = any case


class Knowledge:
    """The netkg ontology, parsed and indexed."""

    def __init__(self, graph: Graph, path: Optional[Path] = None, source: Optional[bytes] = None) -> None:
        self.graph = graph
        self.path = path
        self._source = source
        self._labels: dict[URIRef, str] = {}
        onto = graph.value(predicate=RDF.type, object=OWL.Ontology)
        if onto is None:
            raise KnowledgeError(f"{path or 'graph'}: no owl:Ontology header")
        self.ontology_iri: URIRef = onto  # type: ignore[assignment]
        self.version_info = str(graph.value(onto, OWL.versionInfo) or "unversioned")
        self.version_iri = graph.value(onto, OWL.versionIRI)
        self.title = str(graph.value(onto, DCTERMS.title) or "")

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: Optional[str | Path] = None) -> "Knowledge":
        """Read the ontology: a module folder, or one file (Turtle, RDF/XML or N-Triples by extension)."""
        source = load_source(path)
        return cls(source.graph, source.path, source.content)

    @cached_property
    def digest(self) -> str:
        """A hash of the ontology content: identifies the exact knowledge used."""
        data = self._source if self._source is not None else self.graph.serialize(format="nt").encode()
        return hashlib.sha256(data).hexdigest()[:16]

    @property
    def version(self) -> str:
        """Human-readable knowledge version shown with every answer."""
        return f"{self.version_info} ({self.digest})"

    def ntriples_file(self) -> Path:
        """The ontology as N-Triples (owlready2 does not read Turtle), cached by content hash."""
        cache = Path(os.environ.get("NETKG_CACHE", Path(tempfile.gettempdir()) / "netkg-cache"))
        cache.mkdir(parents=True, exist_ok=True)
        target = cache / f"netkg-{self.digest}.nt"
        if not target.exists():
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            self.graph.serialize(tmp, format="nt", encoding="utf-8")
            os.replace(tmp, target)
        return target

    # ------------------------------------------------------------------ labels
    def label(self, iri: URIRef) -> str:
        """The rdfs:label of a term (its local name when it has none); memoised."""
        cached = self._labels.get(iri)
        if cached is None:
            value = self.graph.value(iri, RDFS.label)
            cached = self._labels[iri] = str(value) if value is not None else str(iri).rsplit("/", 1)[-1]
        return cached

    @cached_property
    def definitions(self) -> dict[URIRef, Any]:
        """Every defined class's expression (:func:`netkg.knowledge.expressions.definitions`), parsed once."""
        return expressions.definitions(self.graph)

    def definition(self, iri: URIRef) -> str:
        return str(self.graph.value(iri, SKOS.definition) or "")

    def _strings(self, iri: URIRef, prop: URIRef) -> tuple[str, ...]:
        return tuple(sorted(str(o) for o in self.graph.objects(iri, prop)))

    # ------------------------------------------------------------------ hierarchy
    @cached_property
    def told_parents(self) -> dict[URIRef, frozenset[URIRef]]:
        """Named superclasses from ``rdfs:subClassOf`` and named ``owl:equivalentClass``."""
        parents: dict[URIRef, set[URIRef]] = {}
        for s, o in self.graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                parents.setdefault(s, set()).add(o)
        for s, o in self.graph.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                parents.setdefault(s, set()).add(o)
                parents.setdefault(o, set()).add(s)
        return {k: frozenset(v) for k, v in parents.items()}

    @cached_property
    def _ancestor_cache(self) -> dict[URIRef, frozenset[URIRef]]:
        return {}

    def ancestors(self, iri: URIRef) -> frozenset[URIRef]:
        """The class and every told superclass of it (reflexive, transitive)."""
        cached = self._ancestor_cache.get(iri)
        if cached is not None:
            return cached
        seen: set[URIRef] = {iri}
        stack = [iri]
        while stack:
            for parent in self.told_parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        result = frozenset(seen)
        self._ancestor_cache[iri] = result
        return result

    def subsumes(self, general: URIRef, specific: URIRef) -> bool:
        """True when ``specific`` is ``general`` or a told subclass of it."""
        return general in self.ancestors(specific)

    @cached_property
    def _related_cache(self) -> dict[tuple[URIRef, URIRef], bool]:
        return {}

    def related(self, a: URIRef, b: URIRef) -> bool:
        """True when one class is the other or a subclass of it (memoised: reports ask the same pairs per case)."""
        key = (a, b)
        found = self._related_cache.get(key)
        if found is None:
            found = self._related_cache[key] = self.subsumes(a, b) or self.subsumes(b, a)
        return found

    # ------------------------------------------------------------------ rules and items
    @cached_property
    def rules(self) -> dict[URIRef, Rule]:
        """Every rule class, keyed by IRI, with its therapy axioms and provenance."""
        out: dict[URIRef, Rule] = {}
        for family in V.RULE_FAMILIES:
            for iri in self.graph.subjects(RDFS.subClassOf, family):
                if not isinstance(iri, URIRef):
                    continue
                axioms = []
                for sup in self.graph.objects(iri, RDFS.subClassOf):
                    if isinstance(sup, BNode) and (sup, RDF.type, OWL.Restriction) in self.graph:
                        prop = self.graph.value(sup, OWL.onProperty)
                        filler = self.graph.value(sup, OWL.someValuesFrom)
                        if prop in STRENGTH_NAMES and isinstance(filler, URIRef):
                            axioms.append(TherapyAxiom(prop, filler))  # type: ignore[arg-type]
                out[iri] = Rule(
                    iri=iri,
                    family=family,
                    label=self.label(iri),
                    definition=self.definition(iri),
                    statements=self._strings(iri, V.STATEMENT_ID),
                    sources=tuple(sorted(self.graph.objects(iri, DCTERMS.source))),  # type: ignore[arg-type]
                    axioms=tuple(sorted(axioms, key=lambda a: (str(a.strength), str(a.therapy)))),
                    line=self.graph.value(iri, V.LINE),  # type: ignore[arg-type]
                    rationale=self._optional(iri, V.RATIONALE),
                    action=self._optional(iri, V.ACTION),
                    notes=self._strings(iri, NETKG.modellingNote),
                    intent=self.graph.value(iri, V.INTENT),  # type: ignore[arg-type]
                    requires_offered=tuple(sorted(self.graph.objects(iri, V.REQUIRES_OFFERED))),  # type: ignore[arg-type]
                    extrapolation=self._optional(iri, V.EXTRAPOLATION),
                )
        return out

    def _optional(self, iri: URIRef, prop: URIRef) -> Optional[str]:
        value = self.graph.value(iri, prop)
        return str(value) if value is not None else None

    @cached_property
    def items(self) -> list[Item]:
        """Dosing, monitoring and evidence items."""
        out = []
        for kind in (V.DOSING, V.MONITORING, V.EVIDENCE):
            for iri in sorted(self.graph.subjects(RDF.type, kind)):
                fields = {}
                for prop in ("dose", "interval", "measure", "value", "valueLow", "valueHigh", "valueText", "unit",
                             "comparator", "comparatorValue", "trial", "population"):
                    v = self.graph.value(iri, NETKG[prop])
                    if v is not None:
                        fields[prop] = _plain(v)
                out.append(Item(
                    iri=iri, kind=kind, label=self.label(iri), text=self.definition(iri),  # type: ignore[arg-type]
                    applies_to=tuple(sorted(self.graph.objects(iri, V.APPLIES_TO))),  # type: ignore[arg-type]
                    statements=self._strings(iri, V.STATEMENT_ID),  # type: ignore[arg-type]
                    sources=tuple(sorted(self.graph.objects(iri, DCTERMS.source))),  # type: ignore[arg-type]
                    fields=fields,
                    population=tuple(sorted(self.graph.objects(iri, V.EVIDENCE_POPULATION))),  # type: ignore[arg-type]
                ))
        return out

    def article_id(self, iri: URIRef) -> str:
        ident = self.graph.value(iri, DCTERMS.identifier)
        return str(ident) if ident is not None else self.label(iri)

    @cached_property
    def therapies(self) -> frozenset[URIRef]:
        """Every named subclass of ``Therapy`` (and ``Therapy`` itself)."""
        return frozenset(c for c in self.graph.subjects(RDF.type, OWL.Class)
                         if isinstance(c, URIRef) and self.subsumes(V.THERAPY, c))

    @cached_property
    def deprecated(self) -> frozenset[URIRef]:
        return frozenset(s for s in self.graph.subjects(OWL.deprecated, Literal(True)) if isinstance(s, URIRef))


def _plain(value: object) -> Union[str, int, float]:
    """A literal as JSON-ready Python: numbers as int or float, anything else as text."""
    if isinstance(value, Literal) and isinstance(value.toPython(), (Decimal, int, float)) and not isinstance(value.toPython(), bool):
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    return str(value)
