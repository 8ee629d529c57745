"""Writing new case graphs fast with oxigraph's bulk loader, without ever leaving a half-written case unnoticed.

A transaction per chunk of new cases costs the store (RocksDB, one write per index of every quad)
about twice the time and five times the memory of oxigraph's bulk loader, which writes sorted files
straight into the database -- but not atomically.  So a batch writes each chunk in two steps:

1. the graphs of the chunk without their commit quads, with the bulk loader;
2. the commit quads (``case nkr:knowledgeVersion "..."``) of the chunk, in one transaction.

A case graph counts as stored only when its commit quad is there (``EmbeddedStore.case_identities``
reads it), so a case whose bulk write was cut short is reasoned again by the next batch.  While a
batch writes, the store holds a marker (:data:`BATCH_GRAPH`); a batch that finds a marker left by an
interrupted one first removes every case graph without a commit quad.  Readers refuse a store with a
marker (:func:`interrupted_batch`), so no query answers from a half-written case.
"""

from __future__ import annotations

from typing import Iterable, Optional

import pyoxigraph as ox

from netkg.errors import EnvironmentProblem
from netkg.registry.revisions import now
from netkg.registry.store import EmbeddedStore
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH, XSD

#: The graph of the marker a batch keeps in the store while it writes.
BATCH_GRAPH = ox.NamedNode(str(NKR.batchInProgress))
_STARTED = ox.NamedNode(str(NKR.startedAt))
_COMMIT = str(NKR.knowledgeVersion)


def split_commit(nquads: str) -> tuple[str, str]:
    """A case graph's N-Quads as (body, commit): its last line must be its commit quad."""
    cut = nquads.rfind("\n", 0, len(nquads) - 1) + 1
    commit = nquads[cut:]
    if f"> <{_COMMIT}> " not in commit:
        raise ValueError("the last quad of a case graph must be its nkr:knowledgeVersion (commit) quad")
    return nquads[:cut], commit


def interrupted_batch(store: EmbeddedStore) -> Optional[str]:
    """When the batch that last wrote ``store`` was interrupted: its start time; None when there was none."""
    for quad in store.raw.quads_for_pattern(BATCH_GRAPH, _STARTED, None, BATCH_GRAPH):
        return quad.object.value
    return None


def refuse_interrupted(store: EmbeddedStore) -> None:
    """Raise :class:`EnvironmentProblem` when ``store`` holds the graphs of an interrupted batch."""
    started = interrupted_batch(store)
    if started is not None:
        raise EnvironmentProblem(f"{store.describe()} holds the graphs of a batch started {started} that did not "
                                 "finish; run netkg reason on it again (it removes the incomplete case graphs and "
                                 "reasons those cases again) before querying it")


def begin_batch(store: EmbeddedStore, committed: Iterable[str]) -> int:
    """Mark ``store`` as being written; first remove the incomplete case graphs an interrupted batch left.

    ``committed``: the case IRIs whose graph has its commit quad.  Returns how many graphs were removed.
    """
    removed = 0
    if interrupted_batch(store) is not None:
        keep = set(committed) | {str(ONTOLOGY_GRAPH), BATCH_GRAPH.value}
        for graph in list(store.raw.named_graphs()):
            if isinstance(graph, ox.NamedNode) and graph.value not in keep:
                store.raw.remove_graph(graph)
                removed += 1
    store.raw.update(f"DELETE WHERE {{ GRAPH {BATCH_GRAPH} {{ ?s ?p ?o }} }}; "
                     f"INSERT DATA {{ GRAPH {BATCH_GRAPH} {{ {BATCH_GRAPH} {_STARTED} "
                     f"\"{now()}\"^^<{XSD.dateTime}> }} }}")
    return removed


def end_batch(store: EmbeddedStore) -> None:
    """The batch finished: every case graph it wrote is complete; remove the marker."""
    store.raw.update(f"DROP SILENT GRAPH {BATCH_GRAPH}")
    store.flush()


def compact(store: EmbeddedStore) -> None:
    """Merge the files a batch's bulk writes left into the store's index files (RocksDB compaction).

    Each bulk write adds its own sorted files; until they are merged, every lookup searches all of
    them, and queries on a freshly written store were several times slower (docs/benchmarks.md).
    A store in memory has nothing to compact.
    """
    if store.path is None:
        return
    try:
        store.raw.optimize()
    except OSError as exc:
        raise EnvironmentProblem(f"{store.describe()}: cannot compact the store: {exc}") from None


def write_new_graphs(store: EmbeddedStore, graphs: list[str]) -> None:
    """Write the N-Quads of new case graphs (each ending with its commit quad): bodies in bulk, commits in one transaction.

    If either step fails, the graphs are removed again before :class:`EnvironmentProblem` is raised, so
    the store holds only complete cases (a failure of that removal is raised as it is).
    """
    if not graphs:
        return
    parts = [split_commit(g) for g in graphs]
    try:
        # lenient: the IRIs are not validated again.  netkg wrote every term of these graphs itself
        # (netkg.registry.case_graph: knowledge IRIs, case IRIs of validated ids, escaped literals), and
        # the check costs about a fifth of the load (docs/benchmarks.md, "Registry steps").
        store.raw.bulk_load("".join(body for body, _ in parts).encode("utf-8"), ox.RdfFormat.N_QUADS, lenient=True)
        store.add_case_graphs("".join(commit for _, commit in parts))
    except (OSError, SyntaxError, EnvironmentProblem) as exc:
        for _, commit in parts:
            store.raw.remove_graph(ox.NamedNode(commit[1:commit.index(">")]))  # the commit quad's subject names its graph
        if isinstance(exc, EnvironmentProblem):
            raise
        raise EnvironmentProblem(f"{store.describe()}: cannot write cases: {exc}") from None
