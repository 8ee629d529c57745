"""The reference answer: HermiT's realization, checked by HermiT's entailment tests.

HermiT's realization (the types its command line prints for each individual, read through owlready2)
has, on rare runs, left out a class it entails (docs/maintenance.md).  So :class:`CheckedHermitReasoner`,
the engine ``hermit``, checks it: where the fast path gives a case or its tumour other classes than the
realization, each disputed class is put to HermiT as an entailment question on the case alone
(:func:`netkg.reasoning.owltools.case_entailments`), and HermiT's verdict is the answer.  Every class of
the result is decided by HermiT, by realization or by an entailment test; the fast path only points at
the classes to test, and where HermiT's test refuses the fast path's class, the answer says so (and the
agreement proof fails).
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Optional

from rdflib import URIRef

from netkg.cases.facts import CaseFacts
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.fast import FastReasoner
from netkg.reasoning.owltools import case_entailments
from netkg.reasoning.reference import DEFAULT_CHUNK, HermitReasoner
from netkg.reasoning.result import Classification

Entailments = Callable[[Knowledge, CaseFacts, list[tuple[URIRef, URIRef]]], dict[tuple[URIRef, URIRef], bool]]


class Settled(NamedTuple):
    """A case whose realization HermiT's entailment tests corrected: the classes added and taken out."""

    case_id: str
    added: tuple[URIRef, ...]    # entailed, left out by the realization
    removed: tuple[URIRef, ...]  # given by the realization, not entailed


def confirm_with_entailment(knowledge: Knowledge, facts: CaseFacts, realized: Classification, fast: Classification,
                            entails: Entailments = case_entailments) -> tuple[Classification, Optional[Settled]]:
    """``realized`` with every class on which it and ``fast`` differ decided by HermiT's entailment test.

    Returns the classification (the engine of ``realized``) and, when the tests changed it, what changed.
    """
    if (realized.case_types, realized.tumour_types) == (fast.case_types, fast.tumour_types):
        return realized, None
    case_disputed = realized.case_types ^ fast.case_types
    tumour_disputed = realized.tumour_types ^ fast.tumour_types
    verdicts = entails(knowledge, facts, [(facts.case, c) for c in sorted(case_disputed)]
                       + [(facts.tumour, c) for c in sorted(tumour_disputed)])
    case_types = (realized.case_types & fast.case_types) | {c for c in case_disputed if verdicts[(facts.case, c)]}
    tumour_types = (realized.tumour_types & fast.tumour_types) | {c for c in tumour_disputed if verdicts[(facts.tumour, c)]}
    result = Classification(realized.case_id, frozenset(case_types), frozenset(tumour_types), realized.engine)
    added = sorted((case_types - realized.case_types) | (tumour_types - realized.tumour_types))
    removed = sorted((realized.case_types - case_types) | (realized.tumour_types - tumour_types))
    return result, (Settled(realized.case_id, tuple(added), tuple(removed)) if added or removed else None)


class CheckedHermitReasoner:
    """The engine ``hermit``: HermiT's realization in chunks, each case checked (see the module docstring)."""

    engine = "hermit"

    def __init__(self, knowledge: Knowledge, chunk_size: int = DEFAULT_CHUNK, memory_mb: Optional[int] = None) -> None:
        self.knowledge = knowledge
        self.realizer = HermitReasoner(knowledge, chunk_size, memory_mb)
        self.fast = FastReasoner(knowledge)
        self.settled: list[Settled] = []  # cases whose realization the entailment tests corrected, in this reasoner's runs

    def classify(self, facts: CaseFacts) -> Classification:
        return self.classify_many([facts])[0]

    def classify_many(self, batch: list[CaseFacts]) -> list[Classification]:
        """Classify cases in input order: HermiT's realization, checked where the fast path differs."""
        out = []
        for facts, realized in zip(batch, self.realizer.classify_many(batch)):
            result, settled = confirm_with_entailment(self.knowledge, facts, realized, self.fast.classify(facts))
            if settled is not None:
                self.settled.append(settled)
            out.append(result)
        return out
