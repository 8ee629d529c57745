"""Whether a store on disk may be answered from: the checks every reader makes before its first query.

``netkg query --store``, ``netkg serve`` and the cohort page of ``netkg web`` call :func:`refuse_unready`;
a check a reader must make is added here, once.
"""

from __future__ import annotations

from netkg.registry.bulk import refuse_interrupted
from netkg.registry.knowledge_graph import refuse_outdated_knowledge_graph
from netkg.registry.store import EmbeddedStore


def refuse_unready(store: EmbeddedStore) -> None:
    """Raise :class:`netkg.errors.EnvironmentProblem` naming the remedy when ``store`` must not be queried yet."""
    refuse_interrupted(store)  # no answers from the half-written cases of an interrupted batch
    refuse_outdated_knowledge_graph(store)  # nor empty answers for want of the therapy kinds
