"""Releases and the canonical form of the edit file.

The edit file ``ontology/netkg-edit.ttl`` is kept in one canonical
serialisation (rdflib ``longturtle``) so that diffs show only real edits;
``netkg format`` rewrites it and ``netkg format --check`` fails when it is
not canonical.

A release is the edit file stamped with a dated version IRI
``https://w3id.org/netkg/releases/<date>/netkg.owl`` and ``owl:versionInfo
"<date>"``, written as RDF/XML (``netkg.owl``, readable by owlready2,
Protégé and ROBOT) and Turtle (``netkg.ttl``).

Deprecation: a term is never deleted.  Mark it ``owl:deprecated true``,
prefix its label with ``obsolete ``, and name its successor with
``obo:IAO_0100001`` (term replaced by); the ``deprecated-reference`` check
fails while any live axiom still points at it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from rdflib import Graph, Literal, URIRef

from netkg.errors import InputError
from netkg.knowledge.ontology import DEFAULT_ONTOLOGY
from netkg.vocabulary import DCTERMS, OWL, RDF, XSD

RELEASE_BASE = "https://w3id.org/netkg/releases/"
CANONICAL_FORMAT = "longturtle"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse(path: Path) -> Graph:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except FileNotFoundError:
        raise InputError(f"ontology file not found: {path}") from None
    except Exception as exc:  # rdflib raises parser-specific errors
        raise InputError(f"{path}: not valid Turtle: {exc}") from None
    return g


def canonical_text(graph: Graph) -> str:
    """The canonical serialisation of a graph.

    rdflib's ``longturtle`` orders named subjects by IRI but writes top-level
    anonymous axioms (``[] a owl:AllDisjointClasses ...``) in the order the
    triples were read; those blocks are sorted here so that the text depends
    only on the graph.
    """
    text = graph.serialize(format=CANONICAL_FORMAT)
    sep = "\n.\n\n"
    body = text.rstrip("\n")
    if body.endswith("\n."):
        body = body[:-2]
    blocks = body.split(sep)
    named = [b for b in blocks if not b.lstrip().startswith("[]")]
    anonymous = sorted(b for b in blocks if b.lstrip().startswith("[]"))
    return sep.join(named + anonymous) + "\n.\n"


def is_canonical(path: Path) -> bool:
    path = Path(path)
    return path.read_text(encoding="utf-8") == canonical_text(parse(path))


def format_file(path: Path) -> bool:
    """Rewrite ``path`` canonically; True when it changed."""
    path = Path(path)
    before = path.read_text(encoding="utf-8")
    after = canonical_text(parse(path))
    if before != after:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(after, encoding="utf-8")
        tmp.replace(path)
        return True
    return False


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
    graph.serialize(owl_file, format="xml", encoding="utf-8")
    ttl_file.write_text(canonical_text(graph), encoding="utf-8")
    return Release(date, str(release_version_iri(date)), [owl_file, ttl_file])
