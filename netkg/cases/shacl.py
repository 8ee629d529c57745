"""Check cases written as RDF against the case shapes (:mod:`netkg.cases.shapes`) with pySHACL.

A file may hold one case or many (every ``netkg:PatientCase`` in it is checked), in
Turtle, JSON-LD or N-Triples, with or without inferred triples and closure axioms.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from rdflib import Graph
from rdflib.namespace import SH
from rdflib.term import Node

from netkg.cases.shapes import case_shapes
from netkg.errors import InputError
from netkg.vocabulary import NETKG, RDF, curie

RDF_FORMATS: dict[str, str] = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt"}
"""The file extensions ``netkg validate`` reads, and the rdflib parser of each."""


@dataclass(frozen=True)
class Violation:
    """One value (or missing value) of a case that breaks a shape."""

    focus: str  # the individual: a case, its tumour or a treatment (CURIE)
    property: str  # the property (CURIE)
    value: str  # the offending value; '' when a value is missing or one too many
    constraint: str  # the SHACL constraint component, e.g. 'MaxCount'
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"focus": self.focus, "property": self.property, "value": self.value,
                "constraint": self.constraint, "message": self.message}


@dataclass(frozen=True)
class FileResult:
    """The outcome of one file: its cases and their violations."""

    path: str
    cases: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, object]:
        return {"file": self.path, "conforms": self.conforms, "cases": list(self.cases),
                "violations": [v.to_dict() for v in self.violations]}


def read_case_graph(path: Path) -> Graph:
    """The RDF of a file, parsed by its extension (.ttl, .jsonld, .nt)."""
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: unknown file type '{path.suffix}'; allowed: {', '.join(RDF_FORMATS)}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    graph = Graph()
    try:
        graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds of error for a malformed file
        raise InputError(f"{path}: not valid {fmt}: {exc}") from exc
    return graph


def validate_graph(data: Graph, shapes: Optional[Graph] = None) -> list[Violation]:
    """Every violation of the case shapes in ``data``, sorted by individual and property."""
    # pySHACL takes 0.3 s to import; only this check needs it (the CLI imports every command).
    from pyshacl import validate

    _, report, _ = validate(data, shacl_graph=shapes if shapes is not None else case_shapes(),
                            inference="none", advanced=False, allow_warnings=False)
    out = [_violation(report, result) for result in report.subjects(RDF.type, SH.ValidationResult)]
    return sorted(out, key=lambda v: (v.focus, v.property, v.value, v.constraint))


def _violation(report: Graph, result: Node) -> Violation:
    component = curie(report.value(result, SH.sourceConstraintComponent))
    return Violation(focus=curie(report.value(result, SH.focusNode)), property=curie(report.value(result, SH.resultPath)),
                     value=_text(report.value(result, SH.value)),
                     constraint=component.rpartition("#")[2].removesuffix("ConstraintComponent"),
                     message=str(report.value(result, SH.resultMessage) or ""))


def _text(value: Optional[Node]) -> str:
    """A value as a reader would write it: a CURIE, or a literal with its datatype."""
    if value is None:
        return ""
    datatype = getattr(value, "datatype", None)
    if datatype is not None:
        return f'"{value}"^^{curie(datatype).replace("http://www.w3.org/2001/XMLSchema#", "xsd:")}'
    return curie(value)


def validate_file(path: Path) -> FileResult:
    """Read a file and check every case in it; a file with no ``netkg:PatientCase`` is an input error."""
    graph = read_case_graph(path)
    cases = tuple(sorted(curie(c) for c in graph.subjects(RDF.type, NETKG.PatientCase)))
    if not cases:
        raise InputError(f"{path}: no case in the file (no individual of type {curie(NETKG.PatientCase)})")
    return FileResult(str(path), cases, tuple(validate_graph(graph)))
