"""The canonical Turtle text of the ontology: one merged file, or one module file.

Both forms are rdflib ``longturtle`` output cut into subject blocks (a named
subject with the blank nodes it owns, or a top-level anonymous axiom).

* :func:`canonical_text` keeps rdflib's subject order (by reference count,
  then IRI) and sorts the anonymous blocks: the form of the single edit file
  before the split into modules, of the Turtle release, and of the text the
  knowledge version hash is computed from.
* :func:`module_text` sorts the blocks by subject (the ontology header first,
  anonymous axioms last) under a given prefix block, so that adding a block
  never moves another one.

Blank-node objects of one subject and property are written in the order they
appear in the source: :func:`stable_blank_nodes` names them so that rdflib's
sort keeps that order, whatever number the parser gave them.
"""

from __future__ import annotations

import uuid
from typing import Iterable, Optional

from rdflib import BNode, Graph
from rdflib.term import Node

CANONICAL_FORMAT = "longturtle"
BLOCK_SEPARATOR = "\n.\n\n"


def stable_blank_nodes(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes sort in the order they were read.

    Each blank node is named by a zero-padded counter assigned depth-first from
    the subjects, following objects in insertion order (the order of the source
    text), so siblings sort as they were written.
    """
    prefix = f"s{uuid.uuid4().hex}x"
    names: dict[Node, BNode] = {}

    def visit(node: Node) -> None:
        for _, obj in graph.predicate_objects(node):
            if isinstance(obj, BNode) and obj not in names:
                names[obj] = BNode(f"{prefix}{len(names):09d}")
                visit(obj)

    roots = list(dict.fromkeys(s for s in graph.subjects() if not isinstance(s, BNode)))
    roots += [s for s in dict.fromkeys(graph.subjects()) if isinstance(s, BNode) and (None, None, s) not in graph]
    for root in roots:
        if isinstance(root, BNode) and root not in names:
            names[root] = BNode(f"{prefix}{len(names):09d}")
        visit(root)
    for node in dict.fromkeys(graph.subjects()):  # blank nodes in cycles, unreachable from any root
        if isinstance(node, BNode) and node not in names:
            names[node] = BNode(f"{prefix}{len(names):09d}")
            visit(node)

    out = Graph()
    for pfx, ns in graph.namespaces():
        out.bind(pfx, ns, override=True, replace=True)
    for s, p, o in graph:
        out.add((names.get(s, s), p, names.get(o, o)))  # type: ignore[arg-type]
    return out


def _split(text: str) -> tuple[str, list[str]]:
    """The prefix lines and the subject blocks of a longturtle text."""
    head, _, body = text.partition("\n\n")
    if not head.startswith("PREFIX") and not head.startswith("BASE"):
        head, body = "", text
    body = body.strip("\n")
    if body.endswith("\n."):
        body = body[:-2]
    elif body == ".":
        body = ""
    return head, [b for b in body.split(BLOCK_SEPARATOR) if b.strip()]


def _is_anonymous(block: str) -> bool:
    return block.lstrip().startswith("[]")


def _join(head: str, blocks: Iterable[str]) -> str:
    blocks = list(blocks)
    if not blocks:
        return head + "\n"
    return (head + "\n\n" if head else "") + BLOCK_SEPARATOR.join(blocks) + "\n.\n"


def canonical_text(graph: Graph) -> str:
    """The whole graph as one canonical Turtle text (the single-file form).

    rdflib's ``longturtle`` orders named subjects, but writes top-level
    anonymous axioms (``[] a owl:AllDisjointClasses ...``) in the order the
    triples were read; those blocks are sorted here so that the text depends
    only on the graph.
    """
    text = graph.serialize(format=CANONICAL_FORMAT)
    sep = BLOCK_SEPARATOR
    body = text.rstrip("\n")
    if body.endswith("\n."):
        body = body[:-2]
    blocks = body.split(sep)
    named = [b for b in blocks if not b.lstrip().startswith("[]")]
    anonymous = sorted(b for b in blocks if b.lstrip().startswith("[]"))
    return sep.join(named + anonymous) + "\n.\n"


def prefix_block(graph: Graph) -> str:
    """The ``PREFIX`` lines longturtle writes for ``graph`` (the prefixes it uses)."""
    head, _ = _split(graph.serialize(format=CANONICAL_FORMAT))
    return head


def _block_key(block: str) -> tuple[int, str]:
    lines = block.split("\n")
    if _is_anonymous(block):
        return (2, block)
    header = len(lines) > 1 and lines[1].strip() == "a owl:Ontology ;"
    return (0 if header else 1, lines[0])


def module_text(graph: Graph, prefixes: Optional[str] = None) -> str:
    """One module as canonical Turtle: ``prefixes`` (default: the module's own), then its
    subject blocks sorted by subject, the ontology header first and anonymous axioms last."""
    head, blocks = _split(graph.serialize(format=CANONICAL_FORMAT))
    return _join(head if prefixes is None else prefixes, sorted(blocks, key=_block_key))
