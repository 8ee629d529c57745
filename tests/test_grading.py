"""WHO grade is inferred by HermiT from datatype restrictions (K001-K004); unknowns lead to work-up."""

from __future__ import annotations

import pytest

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.reasoning import make_reasoner
from netkg.report.model import build_report
from netkg.vocabulary import NETKG

pytestmark = pytest.mark.java

GRADES = {NETKG.NETG1, NETKG.NETG2, NETKG.NETG3, NETKG.NEC}


def case(n: int, differentiation: str, ki67: float | None, mitoses: float | None = None) -> dict:
    tumour = {"primary_site": "ileum", "differentiation": differentiation}
    if ki67 is not None:
        tumour["ki67"] = ki67
    if mitoses is not None:
        tumour["mitotic_count"] = mitoses
    return {"id": f"grade-{n}", "tumour": tumour, "metastatic_sites": ["liver"], "ecog": 0}


BOUNDARIES = [
    ("well", 2.9, None, NETKG.NETG1),
    ("well", 3, None, NETKG.NETG2),
    ("well", 20, None, NETKG.NETG2),
    ("well", 20.1, None, NETKG.NETG3),
    ("poor", 20.1, None, NETKG.NEC),
    ("poor", None, None, NETKG.NEC),
    ("well", 1, 5, NETKG.NETG2),      # the higher of Ki-67 and mitotic grade wins
    ("well", 10, 25, NETKG.NETG3),
    ("well", None, 1, NETKG.NETG1),
    ("well", None, None, None),       # Ki-67 missing: no grade
    ("unknown", 35, None, None),      # high Ki-67, differentiation unknown: not an NEC
]


@pytest.fixture(scope="module")
def classified(knowledge):
    records = [validate_case(case(i, d, k, m)).record for i, (d, k, m, _) in enumerate(BOUNDARIES)]
    facts = [to_facts(r) for r in records]
    return records, make_reasoner(knowledge, "hermit").classify_many(facts)


@pytest.mark.parametrize("index", range(len(BOUNDARIES)), ids=[f"{d}-ki67={k}-mitoses={m}" for d, k, m, _ in BOUNDARIES])
def test_reasoner_infers_the_grade(classified, index: int) -> None:
    _, results = classified
    expected = BOUNDARIES[index][3]
    assert results[index].tumour_types & GRADES == ({expected} if expected else set())


def test_missing_ki67_gives_work_up_and_no_grade_dependent_therapy(classified, knowledge) -> None:
    records, results = classified
    index = BOUNDARIES.index(("well", None, None, None))
    report = build_report(records[index], results[index], knowledge)
    assert report.grade is None
    assert not report.items("recommended") and not report.items("consider")
    assert any("K005" in n.source.statements for n in report.workup)


def test_high_ki67_with_unknown_differentiation_is_a_work_up_not_an_nec(classified, knowledge) -> None:
    records, results = classified
    index = BOUNDARIES.index(("unknown", 35, None, None))
    report = build_report(records[index], results[index], knowledge)
    assert NETKG.NEC not in results[index].tumour_types
    assert str(NETKG.WorkupNETG3VersusNEC) in {n.source.iri for n in report.workup}
    assert not report.findings
