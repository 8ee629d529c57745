"""The stored case graph written as text is exactly the graph its rdflib definition gives, case by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from netkg import pipeline
from netkg.cases.reader import read_cases
from netkg.maintenance.generate import generate_cases
from netkg.cases.reader import validate_case
from netkg.registry.case_graph import case_graph_nquads, reference_triples
from netkg.registry.revisions import canonical_json, case_digest
from netkg.registry.store import graph_to_nquads
from netkg.vocabulary import case_iri

ROOT = Path(__file__).resolve().parent.parent
REASONED_AT = "2026-11-29T12:00:00.000Z"


def _records(source: str):
    if source == "examples":
        results = list(read_cases(ROOT / "examples" / "cohort")) + list(read_cases(ROOT / "examples"))
    else:
        results = [validate_case(case, f"<generated {n}>") for n, case in enumerate(generate_cases(1500, 2929))]
    return [r.record for r in results if r.record is not None]


@pytest.mark.parametrize("source", ["examples", "generated"])
def test_text_writer_writes_exactly_the_reference_graph(source: str) -> None:
    records = _records(source)
    assert len(records) > 50
    differing = []
    for reasoned in pipeline.reason_records(records, engine="fast"):
        record_json, digest = canonical_json(reasoned.record), case_digest(reasoned.record)
        args = (reasoned.report, reasoned.facts, reasoned.classification, record_json, digest, REASONED_AT)
        text = case_graph_nquads(*args)
        reference = graph_to_nquads(reference_triples(*args), str(case_iri(reasoned.record.id)))
        lines = text.splitlines()
        assert len(lines) == len(set(lines)), f"{reasoned.record.id}: a quad written twice"
        if set(lines) != set(reference.splitlines()):
            differing.append((reasoned.record.id, set(lines) ^ set(reference.splitlines())))
    assert not differing, differing[:2]


def test_a_quad_the_reference_lacks_is_found() -> None:
    """The comparison can fail: a graph missing one of the report's statements differs from the reference."""
    record = _records("examples")[0]
    reasoned = pipeline.reason_records([record], engine="fast")[0]
    args = (reasoned.report, reasoned.facts, reasoned.classification, canonical_json(record), case_digest(record),
            REASONED_AT)
    reference = set(graph_to_nquads(reference_triples(*args), str(case_iri(record.id))).splitlines())
    reasoned.report.workup.clear()  # the text now lacks the work-up edges the reference was made with
    assert set(case_graph_nquads(*args).splitlines()) != reference or not reference
