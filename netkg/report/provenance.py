"""What a report says about where a rule comes from: its sources, evidence level and revisions.

Seed articles are cited by number ("art. 004"); the other sources (trial
publications, guidelines, product labels) by their short citation
(``netkg:shortCitation``, e.g. "NETTER-2, Lancet 2024"), or first author,
journal and year when no short citation is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from rdflib import Literal, URIRef

from netkg.knowledge.ontology import Knowledge
from netkg.vocabulary import DCTERMS, NETKG, SKOS


@dataclass(frozen=True)
class EvidenceLevel:
    """One of the ranked ``netkg:EvidenceLevel`` individuals (rank 1 is the strongest)."""

    iri: str
    label: str
    rank: Optional[int]
    short: str  # skos:altLabel, e.g. "phase 3 RCT"; the label when none is given

    def as_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "label": self.label, "rank": self.rank, "short": self.short}


@dataclass(frozen=True)
class Revision:
    """Newer statements that replace (``supersededBy``) or refine (``refinedBy``) a rule's statement."""

    superseded_by: tuple[str, ...] = ()
    refined_by: tuple[str, ...] = ()
    note: Optional[str] = None


def is_seed_article(knowledge: Knowledge, source: URIRef) -> bool:
    """True for a numbered article of the seed corpus (it has a ``dcterms:identifier``)."""
    return knowledge.graph.value(source, DCTERMS.identifier) is not None


def citation(knowledge: Knowledge, source: URIRef) -> str:
    """A few words naming a source: "art. 004", "NETTER-2, Lancet 2024" or "Singh S et al., Lancet 2024"."""
    g = knowledge.graph
    if is_seed_article(knowledge, source):
        return f"art. {g.value(source, DCTERMS.identifier)}"
    short = g.value(source, NETKG.shortCitation)
    if short is not None:
        return str(short)
    author, journal, year = (g.value(source, p) for p in (NETKG.firstAuthor, NETKG.journal, NETKG.publicationYear))
    parts = [f"{author} et al." if author else None, " ".join(str(x) for x in (journal, year) if x) or None]
    composed = ", ".join(p for p in parts if p)
    return composed or str(g.value(source, DCTERMS.title) or source.rsplit("/", 1)[-1])


def evidence_levels(knowledge: Knowledge, rule: URIRef) -> list[EvidenceLevel]:
    """The evidence level(s) of a rule, strongest first."""
    g = knowledge.graph
    levels = []
    for level in g.objects(rule, NETKG.evidenceLevel):
        rank = g.value(level, NETKG.evidenceRank)
        label = knowledge.label(level)  # type: ignore[arg-type]
        levels.append(EvidenceLevel(str(level), label, int(rank) if isinstance(rank, Literal) else None,
                                    str(g.value(level, SKOS.altLabel) or label)))
    return sorted(levels, key=lambda lv: (lv.rank if lv.rank is not None else 99, lv.label))


def revision(knowledge: Knowledge, rule: URIRef) -> Revision:
    """The statements that supersede or refine a rule's statement, with the revision note."""
    g = knowledge.graph
    note = g.value(rule, NETKG.revisionNote)
    return Revision(tuple(sorted(str(s) for s in g.objects(rule, NETKG.supersededBy))),
                    tuple(sorted(str(s) for s in g.objects(rule, NETKG.refinedBy))),
                    str(note) if note is not None else None)
