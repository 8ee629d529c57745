"""What a reasoner returns for one case: the named classes it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef


@dataclass(frozen=True)
class Classification:
    """The inferred named classes of a case individual and of its tumour.

    Only classes in the netkg namespace are kept; this is exactly what the
    fast path must reproduce from the reference reasoner.
    """

    case_id: str
    case_types: frozenset[URIRef]
    tumour_types: frozenset[URIRef]
    engine: str

    def same_answer(self, other: "Classification") -> bool:
        """True when both classifications give identical inferred classes."""
        return (self.case_id, self.case_types, self.tumour_types) == (other.case_id, other.case_types, other.tumour_types)
