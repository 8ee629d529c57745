"""Where a patient is in the disease course, derived from the case by documented rules.

The reasoner decides which rules apply; this module computes the one fact that
OWL cannot derive from a treatment history without counting distinct
individuals: the current line of systemic antitumour therapy.  The rule
(see docs/modelling.md, "The course model"):

* a *systemic antitumour line* is a history entry whose therapy is a systemic
  therapy (somatostatin analog, targeted therapy, chemotherapy, PRRT) given
  with intent ``antitumour``;
* a line has *ended* when its outcome is ``progressed``, ``toxicity`` or
  ``completed``; an ``ongoing`` line is the current one;
* the current line is 1 + the number of ended systemic antitumour lines.

Everything else about the course (progression on a somatostatin analog, on
platinum or on PRRT; indolent disease after chemotherapy; the disease
setting; fitness) is defined in the ontology and inferred by the reasoner.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from netkg.cases import codes
from netkg.vocabulary import NETKG

SYSTEMIC_THERAPIES = frozenset(
    code for code, iri in codes.THERAPIES.items()
    if iri in {NETKG.SomatostatinAnalog, NETKG.Octreotide, NETKG.Lanreotide, NETKG.Everolimus, NETKG.Sunitinib,
               NETKG.Chemotherapy, NETKG.PlatinumEtoposide, NETKG.CarboplatinEtoposide, NETKG.CisplatinEtoposide,
               NETKG.TemozolomideBasedChemotherapy, NETKG.StreptozocinBasedChemotherapy,
               NETKG.FluorouracilDacarbazineEpirubicin, NETKG.FOLFOX, NETKG.FOLFIRI, NETKG.Lutetium177Dotatate,
               NETKG.Cabozantinib, NETKG.CapecitabineTemozolomide, NETKG.IrinotecanFluoropyrimidine,
               NETKG.LiposomalIrinotecanFluorouracil, NETKG.PlatinumEtoposidePDL1Inhibitor}
)
ENDED_OUTCOMES = frozenset({"progressed", "toxicity", "completed"})
_ENDED_WORDS = {"progressed": "progression on", "toxicity": "toxicity on", "completed": "completion of"}


def is_systemic_antitumour(line: Any) -> bool:
    """A history entry that counts as a line of systemic antitumour therapy."""
    return line.therapy in SYSTEMIC_THERAPIES and line.intent == "antitumour"


def current_line(history: Iterable[Any]) -> int:
    """The line of systemic antitumour therapy the patient is in now (1 = first line)."""
    return 1 + sum(1 for line in history if is_systemic_antitumour(line) and line.outcome in ENDED_OUTCOMES)


def line_text(history: Optional[Iterable[Any]]) -> str:
    """The current line in words, e.g. 'line 2 (after progression on lanreotide)'; 'unknown' without a history."""
    if history is None:
        return "not known (treatment history not recorded)"
    history = list(history)
    n = current_line(history)
    ended = [f"{_ENDED_WORDS[line.outcome]} {line.therapy.replace('_', ' ')}"
             for line in history if is_systemic_antitumour(line) and line.outcome in ENDED_OUTCOMES]
    word = ordinal(n)
    if not ended:
        return f"{word} line (no earlier systemic antitumour line)"
    return f"{word} line (after {'; '.join(ended)})"


def ordinal(n: int) -> str:
    """'first', 'second', 'third', then '4th', '5th'..."""
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")
