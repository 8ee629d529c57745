"""Read the knowledge source: a folder of Turtle modules or one ontology file.

The hand-edited ontology is the folder ``ontology/modules/`` (see
:mod:`netkg.knowledge.modules`); a single file (Turtle, RDF/XML or N-Triples,
e.g. a release or an older revision) is read as well.  Either way the result is
one merged rdflib graph, and the bytes its knowledge version hash is computed
from: a file's own bytes, or for a folder the canonical single-file text of the
merged graph, which is byte for byte the edit file the modules were split from,
so splitting the file did not change the knowledge version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from rdflib import Graph

from netkg.errors import InputError
from netkg.knowledge.canonical import canonical_text, stable_blank_nodes
from netkg.paths import DEFAULT_ONTOLOGY

FORMATS = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".nt": "nt"}
MODULE_SUFFIX = ".ttl"


class KnowledgeError(InputError):
    """The ontology cannot be found, parsed or understood."""


@dataclass
class KnowledgeSource:
    """The merged graph of a knowledge source and the bytes that identify its content."""

    path: Path
    graph: Graph
    content: bytes


def default_source() -> Path:
    """The ontology used when none is given: ``$NETKG_ONTOLOGY`` or the repository's module folder."""
    env = os.environ.get("NETKG_ONTOLOGY")
    return Path(env) if env else DEFAULT_ONTOLOGY


def module_files(directory: Path) -> list[Path]:
    """The module files of a source folder, sorted by name."""
    return sorted(p for p in Path(directory).iterdir() if p.suffix == MODULE_SUFFIX and p.is_file())


def _parse_into(graph: Graph, path: Path, data: bytes) -> None:
    fmt = FORMATS.get(path.suffix.lower(), "turtle")
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many parser-specific types
        raise KnowledgeError(f"{path}: cannot be parsed as {fmt}: {exc}") from None


def read_graph(path: Union[str, Path]) -> Graph:
    """The graph of a source file, or of every module of a source folder merged."""
    return _read(Path(path))[0]


def load_source(path: Optional[Union[str, Path]] = None) -> KnowledgeSource:
    """Read a source file or module folder (default: :func:`default_source`)."""
    p = Path(path) if path else default_source()
    graph, file_bytes = _read(p)
    return KnowledgeSource(p, graph, file_bytes if file_bytes is not None else canonical_text(graph).encode("utf-8"))


def _read(p: Path) -> tuple[Graph, Optional[bytes]]:
    """The merged graph of a file or folder, and a file's own bytes (None for a folder)."""
    graph = Graph()
    if p.is_dir():
        files = module_files(p)
        if not files:
            raise KnowledgeError(f"ontology folder has no {MODULE_SUFFIX} modules: {p}")
        for file in files:
            _parse_into(graph, file, file.read_bytes())
        return stable_blank_nodes(graph), None
    if not p.exists():
        raise KnowledgeError(f"ontology file not found: {p}")
    source = p.read_bytes()  # hash exactly the bytes that are parsed
    _parse_into(graph, p, source)
    return stable_blank_nodes(graph), source


def merged_text(path: Optional[Union[str, Path]] = None) -> str:
    """The source as one canonical Turtle text (what the single edit file used to be)."""
    return canonical_text(read_graph(path or default_source()))
