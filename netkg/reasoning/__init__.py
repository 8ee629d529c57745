"""Reasoners: the HermiT reference and the fast path that must agree with it."""

from __future__ import annotations

from typing import Protocol

from netkg.cases.facts import CaseFacts
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.fast import FastReasoner
from netkg.reasoning.checked import CheckedHermitReasoner
from netkg.reasoning.result import Classification

ENGINES = ("hermit", "fast")
DEFAULT_ENGINE = "fast"
"""The engine of every command and function that takes one: the fast path, which gives exactly
HermiT's answers (``tests/test_agreement.py``) without a JVM; ``hermit`` is the reference."""


class Reasoner(Protocol):
    engine: str

    def classify(self, facts: CaseFacts) -> Classification: ...

    def classify_many(self, batch: list[CaseFacts]) -> list[Classification]: ...


def make_reasoner(knowledge: Knowledge, engine: str = DEFAULT_ENGINE) -> Reasoner:
    """The reasoner called ``engine`` ('hermit', the reference, or 'fast')."""
    if engine == "hermit":
        return CheckedHermitReasoner(knowledge)
    if engine == "fast":
        return FastReasoner(knowledge)
    raise ValueError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")


__all__ = ["Classification", "Reasoner", "make_reasoner", "ENGINES", "DEFAULT_ENGINE"]
