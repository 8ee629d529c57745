"""The Python API in one call: case in, report out.

>>> from netkg.pipeline import recommend
>>> report = recommend("examples/nec-sigmoid-liver.yaml", engine="fast")  # doctest: +SKIP
>>> sorted(f.therapy_label for f in report.items("recommended"))  # doctest: +SKIP
['platinum plus etoposide']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.cases.record import CaseInputError, CaseRecord
from netkg.cases.facts import CaseFacts
from netkg.fhir.files import read_case_file
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning import DEFAULT_ENGINE, Classification, make_reasoner
from netkg.report.model import Report, build_report

_KNOWLEDGE: dict[Optional[str], Knowledge] = {}


def knowledge(path: Optional[Union[str, Path]] = None) -> Knowledge:
    """The knowledge at ``path`` (default ontology when None), loaded once per process."""
    key = str(path) if path else None
    if key not in _KNOWLEDGE:
        _KNOWLEDGE[key] = Knowledge.load(path)
    return _KNOWLEDGE[key]


@dataclass
class Reasoned:
    """A case carried through the whole pipeline."""

    record: CaseRecord
    facts: CaseFacts
    classification: Classification
    report: Report


def as_record(case: Union[CaseRecord, dict[str, Any], str, Path]) -> CaseRecord:
    """Accept a record, a parsed dict, or a path to a case file or FHIR R4 Bundle file."""
    if isinstance(case, CaseRecord):
        return case
    if isinstance(case, dict):
        result = validate_case(case)
        if result.record is None:
            raise CaseInputError(list(result.errors))
        return result.record
    return read_case_file(case)[0]


def reason_records(records: Iterable[CaseRecord], engine: str = DEFAULT_ENGINE,
                   knowledge_: Optional[Knowledge] = None) -> list[Reasoned]:
    """Classify and report a batch of valid cases with one reasoner."""
    k = knowledge_ or knowledge()
    records = list(records)
    facts = [to_facts(r) for r in records]
    reasoner = make_reasoner(k, engine)
    classifications = reasoner.classify_many(facts)
    return [Reasoned(r, f, c, build_report(r, c, k)) for r, f, c in zip(records, facts, classifications)]


def recommend(case: Union[CaseRecord, dict[str, Any], str, Path], engine: str = DEFAULT_ENGINE,
              knowledge_: Optional[Knowledge] = None) -> Report:
    """The recommendation report for one case (a record, a dict, or a case file)."""
    return reason_records([as_record(case)], engine, knowledge_)[0].report
