"""The knowledge as a store holds it: one named graph, written the same way by every path.

:func:`knowledge_graph_triples` is the graph's definition, used by
:meth:`netkg.registry.store.EmbeddedStore.load_ontology` and by
:func:`netkg.registry.export.knowledge_nquads` (``netkg reason --out`` and the Spark job).
It holds

* every asserted triple of the knowledge;
* ``<graph> nkr:knowledgeVersion "..."`` and ``<graph> nkr:graphLayout "2"`` (what this module writes);
* the **therapy kinds**: ``T nkr:kindOf A`` for every therapy class ``T`` (``knowledge.therapies``) and
  every named class ``A`` that ``T`` is, or is a kind of (``knowledge.ancestors(T)``, the told hierarchy the
  report's conflict resolution uses; the answers of ``T rdfs:subClassOf* A``, which
  ``tests/test_knowledge_graph.py`` checks).  Cohort queries join through these few hundred triples instead of evaluating a property path
  for every case they look at (``queries/cohort/eligible-for-therapy.rq``: about 4x faster on 100,000
  cases), and SPARQL servers that cannot evaluate a path from a bound parameter (Virtuoso 7) answer them.

A store whose knowledge graph lacks the layout (written by an earlier netkg) would answer those queries
with no rows: :func:`refuse_outdated_knowledge_graph` makes readers refuse it, and the next
``netkg reason`` on the store writes the graph again (:func:`netkg.registry.batch.ensure_ontology`).
"""

from __future__ import annotations

from typing import Any, Iterator

from rdflib import Literal, URIRef

from netkg.errors import EnvironmentProblem
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH, THERAPY

#: What the knowledge graph of a store holds; "2": with the therapy kinds (``nkr:kindOf``).
KNOWLEDGE_GRAPH_LAYOUT = "2"

Triple = tuple[Any, Any, Any]


def therapy_kinds(knowledge: Any) -> Iterator[tuple[URIRef, URIRef]]:
    """``(T, A)`` for every therapy class ``T`` and every class ``A`` in ``knowledge.ancestors(T)`` (``T`` included)."""
    for therapy in sorted(knowledge.therapies):
        for kind in sorted(knowledge.ancestors(therapy)):
            yield therapy, kind


def knowledge_graph_triples(knowledge: Any) -> Iterator[Triple]:
    """The triples of the store's knowledge graph for ``knowledge`` (a :class:`netkg.knowledge.Knowledge`)."""
    yield from knowledge.graph
    yield ONTOLOGY_GRAPH, NKR.knowledgeVersion, Literal(knowledge.version)
    yield ONTOLOGY_GRAPH, NKR.graphLayout, Literal(KNOWLEDGE_GRAPH_LAYOUT)
    for therapy, kind in therapy_kinds(knowledge):
        yield therapy, NKR.kindOf, kind


def knowledge_graph_layout(store: Any) -> "str | None":
    """The layout the knowledge graph of an embedded store states, or None (no knowledge graph, or an earlier one)."""
    return store.ontology_value(NKR.graphLayout)


def refuse_outdated_knowledge_graph(store: Any) -> None:
    """Raise :class:`EnvironmentProblem` when ``store`` holds a knowledge graph of another layout than this netkg's."""
    if not store.ontology_loaded():
        return
    layout = knowledge_graph_layout(store)
    if layout != KNOWLEDGE_GRAPH_LAYOUT:
        shown = f"layout {layout}" if layout else "an earlier layout"
        raise EnvironmentProblem(
            f"{store.describe()} holds its knowledge graph in {shown}, without what the catalogue queries of this "
            f"netkg join through (layout {KNOWLEDGE_GRAPH_LAYOUT}: the therapy kinds, nkr:kindOf); run netkg reason "
            "on the store again (it writes the knowledge graph anew and reasons only what changed) before querying it")
