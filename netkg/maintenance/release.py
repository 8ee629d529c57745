"""Releases and the canonical form of the hand-edited ontology.

The ontology is edited as a folder of Turtle modules, ``ontology/modules/``
(which module holds what: :mod:`netkg.knowledge.modules`).  Every module is
kept in one canonical serialisation (:func:`netkg.knowledge.canonical.module_text`)
so that diffs show only real edits; ``netkg format`` rewrites the modules (filing
each term in its module) and ``netkg format --check`` names the module files that
are not canonical.  A single ontology file is still formatted as one canonical file.

A release is the merged modules stamped with a dated version IRI
``https://w3id.org/netkg/releases/<date>/netkg.owl`` and ``owl:versionInfo
"<date>"``, written as RDF/XML (``netkg.owl``, readable by owlready2,
Protégé and ROBOT) and Turtle (``netkg.ttl``).  Releases are reproducible: the same
modules and date give byte-identical files, because the RDF/XML is written from a graph
whose triples are in a fixed order and whose blank nodes are named by their content
(:func:`stable_blank_nodes`); the Turtle is the canonical text, its prefixes written in the ``@prefix``
form the OWL API reads.

Deprecation: a term is never deleted.  Mark it ``owl:deprecated true``,
prefix its label with ``obsolete ``, and name its successor with
``obo:IAO_0100001`` (term replaced by); the ``deprecated-reference`` check
fails while any live axiom still points at it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from netkg.errors import InputError
from netkg.knowledge.canonical import CANONICAL_FORMAT, canonical_text
from netkg.knowledge.modules import module_texts
from netkg.knowledge.source import MODULE_SUFFIX, KnowledgeError, module_files, read_graph
from netkg.paths import DEFAULT_ONTOLOGY
from netkg.vocabulary import DCTERMS, OWL, RDF, XSD

RELEASE_BASE = "https://w3id.org/netkg/releases/"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

__all__ = ["CANONICAL_FORMAT", "Release", "canonical_text", "format_file", "is_canonical", "make_release",
           "noncanonical_files", "parse", "release_version_iri", "stable_blank_nodes", "stamp"]


def parse(path: Path) -> Graph:
    """The graph of an ontology file or module folder (merged)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"ontology file not found: {path}")
    try:
        return read_graph(path)
    except KnowledgeError as exc:
        raise InputError(str(exc)) from None


def _expected_texts(path: Path) -> dict[Path, str]:
    """The canonical text of every file of a source: one file, or each module of a folder."""
    graph = parse(path)
    if path.is_dir():
        return {path / f"{name}{MODULE_SUFFIX}": text for name, text in module_texts(graph).items()}
    return {path: canonical_text(graph)}


def noncanonical_files(path: Path) -> list[Path]:
    """The files of a source that are not canonical: changed, missing, or holding nothing of their own."""
    path = Path(path)
    expected = _expected_texts(path)
    present = module_files(path) if path.is_dir() else [path]
    wrong = [p for p in present if p not in expected or p.read_text(encoding="utf-8") != expected[p]]
    missing = [p for p in expected if not p.exists()]
    return sorted(set(wrong) | set(missing))


def is_canonical(path: Path) -> bool:
    """True when the file, or every module of the folder, is in canonical form."""
    return not noncanonical_files(Path(path))


def format_file(path: Path) -> bool:
    """Rewrite a file, or the modules of a folder, canonically; True when anything changed.

    In a folder, each term is written to its module; a module file left with nothing is removed.
    """
    path = Path(path)
    expected = _expected_texts(path)
    changed = False
    for target, text in expected.items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
            changed = True
    if path.is_dir():
        for stale in module_files(path):
            if stale not in expected:
                stale.unlink()
                changed = True
    return changed


@dataclass
class Release:
    date: str
    version_iri: str
    files: list[Path]


def release_version_iri(date: str) -> URIRef:
    return URIRef(f"{RELEASE_BASE}{date}/netkg.owl")


def stamp(graph: Graph, date: str) -> Graph:
    """Set the dated versionIRI and versionInfo (and dcterms:date) on the ontology header."""
    onto = graph.value(predicate=RDF.type, object=OWL.Ontology)
    if onto is None:
        raise InputError("the ontology has no owl:Ontology header")
    for prop in (OWL.versionIRI, OWL.versionInfo, DCTERMS.date):
        graph.remove((onto, prop, None))
    graph.add((onto, OWL.versionIRI, release_version_iri(date)))
    graph.add((onto, OWL.versionInfo, Literal(date)))
    graph.add((onto, DCTERMS.date, Literal(date, datatype=XSD.date)))
    return graph


def stable_blank_nodes(graph: Graph) -> Graph:
    """A copy of ``graph`` with blank nodes named by their content and triples added in sorted order.

    A blank node's name is the hash of what it holds (its predicates and objects, the objects'
    blank nodes by their own content) and of what points at it (the predicates, and the subjects
    by their names), so two runs over the same triples give the same names; nodes alike in all of
    that can be swapped without changing the graph and are numbered in turn.  The copy is kept in rdflib's ``SimpleMemory``
    store, which gives the triples back in the order they were added, so it serialises to the
    same bytes every time.
    """
    content: dict[BNode, str] = {}

    def digest(node: Node, visiting: frozenset[BNode] = frozenset()) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        if node in content:
            return content[node]
        if node in visiting:
            return "_:cycle"
        inner = visiting | {node}
        parts = sorted(f"{p.n3()} {digest(o, inner)}" for p, o in graph.predicate_objects(node))
        content[node] = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        return content[node]

    names: dict[BNode, BNode] = {}
    taken: dict[str, int] = {}

    def name(node: Node, visiting: frozenset[BNode] = frozenset()) -> str:
        if not isinstance(node, BNode):
            return node.n3()
        if node in names:
            return str(names[node])
        inner = visiting | {node}
        referrers = sorted(f"{name(s, inner) if s not in inner else '_:cycle'} {p.n3()}"
                           for s, p in graph.subject_predicates(node))
        key = hashlib.sha256((digest(node) + "\n" + "\n".join(referrers)).encode("utf-8")).hexdigest()[:20]
        count = taken[key] = taken.get(key, 0) + 1
        names[node] = BNode(f"b{key}" + (f"n{count}" if count > 1 else ""))
        return str(names[node])

    for node in sorted({n for triple in graph for n in (triple[0], triple[2]) if isinstance(n, BNode)}, key=digest):
        name(node)
    out = Graph(store="SimpleMemory")  # it yields triples in the order they were added
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    triples = ((names.get(s, s), p, names.get(o, o)) for s, p, o in graph)  # type: ignore[arg-type]
    for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


def turtle_1_0_prefixes(text: str) -> str:
    """``text`` with its leading ``PREFIX p: <iri>`` lines written ``@prefix p: <iri> .``.

    The canonical Turtle declares prefixes in the SPARQL style of Turtle 1.1; the OWL API
    (Protégé, ROBOT) reads only the ``@prefix`` form, so the released Turtle uses it.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.startswith(("PREFIX ", "BASE ")):
            break
        keyword, rest = line.split(" ", 1)
        lines[i] = f"@{keyword.lower()} {rest.strip()} ."
    return "\n".join(lines)


def make_release(date: Optional[str] = None, out: Path = Path("release"), source: Optional[Path] = None) -> Release:
    """Write ``netkg.owl`` and ``netkg.ttl`` for ``date`` (default: today, UTC) into ``out``."""
    date = date or dt.datetime.now(dt.timezone.utc).date().isoformat()
    if not DATE.match(date):
        raise InputError(f"--date: expected YYYY-MM-DD, got {date!r}")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"--date: not a calendar date: {date!r}") from None
    graph = stamp(parse(Path(source or DEFAULT_ONTOLOGY)), date)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    owl_file, ttl_file = out / "netkg.owl", out / "netkg.ttl"
    stable_blank_nodes(graph).serialize(owl_file, format="xml", encoding="utf-8")
    ttl_file.write_text(turtle_1_0_prefixes(canonical_text(graph)), encoding="utf-8")
    return Release(date, str(release_version_iri(date)), [owl_file, ttl_file])
