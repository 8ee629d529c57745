"""The fast path gives exactly HermiT's answers, on generated cases that hit every rule.

The generated set (:mod:`netkg.maintenance.generate`) is checked first for what it must
exercise: every rule class of the ontology, every grade class and every grade
boundary value.  Then both reasoners classify it and every case must get the
same inferred classes for the case and for its tumour.

HermiT tests need Java and are marked ``java``.  Sizes can be changed with
``NETKG_AGREEMENT_CASES`` (default 700: about 2.3-2.9 s of HermiT a case, so some 15 minutes on
2 cores, which keeps the default suite near 40 minutes on a slow 2-core host; a knowledge release runs a larger proof, e.g. 5000, see ``docs/maintenance.md``),
``NETKG_HERMIT_CHUNK`` (cases per HermiT run, default 25, see ``docs/benchmarks.md``) and ``NETKG_AGREEMENT_WORKERS`` (parallel HermiT runs, default: CPU count).
The generated set is the same whatever the size: a larger run checks the first cases again and more.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from rdflib import URIRef

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.cases.facts import CaseFacts
from netkg.maintenance.generate import (
    DIFFERENTIATIONS,
    KI67_BOUNDARIES,
    METASTATIC_SITES,
    MITOTIC_BOUNDARIES,
    PRIMARY_SITES,
    generate_cases,
)
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.fast import FastReasoner
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG

N_CASES = int(os.environ.get("NETKG_AGREEMENT_CASES", "700"))
CHUNK = int(os.environ.get("NETKG_HERMIT_CHUNK", "25"))
WORKERS = int(os.environ.get("NETKG_AGREEMENT_WORKERS", str(os.cpu_count() or 1)))
COVERAGE_CASES = 2000
GRADES = (NETKG.NETG1, NETKG.NETG2, NETKG.NETG3, NETKG.NEC)

needs_java = pytest.mark.skipif(
    not (os.environ.get("NETKG_JAVA") or shutil.which("java")),
    reason="HermiT (the reference reasoner) needs a Java runtime on PATH or NETKG_JAVA; none found")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.load()


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return generate_cases(max(N_CASES, COVERAGE_CASES))


@pytest.fixture(scope="module")
def facts(cases: list[dict[str, Any]]) -> list[CaseFacts]:
    out = []
    for case in cases:
        result = validate_case(case, "generated")
        assert result.record is not None, f"generated case is invalid: {result.errors}\n{json.dumps(case)}"
        out.append(to_facts(result.record))
    return out


@pytest.fixture(scope="module")
def fast_results(knowledge: Knowledge, facts: list[CaseFacts]) -> list[Classification]:
    return FastReasoner(knowledge).classify_many(facts)


def _short(iris: frozenset[URIRef]) -> list[str]:
    return sorted(str(i).rsplit("/", 1)[-1] for i in iris)


# ---------------------------------------------------------------- the generated set
def test_generator_is_deterministic() -> None:
    assert generate_cases(50, seed=3) == generate_cases(50, seed=3)
    assert generate_cases(50, seed=3) != generate_cases(50, seed=4)
    assert len({c["id"] for c in generate_cases(500)}) == 500


def test_every_rule_class_is_hit(knowledge: Knowledge, fast_results: list[Classification]) -> None:
    hit = Counter(t for r in fast_results[:COVERAGE_CASES] for t in r.case_types)
    never = sorted(str(rule) for rule in knowledge.rules if not hit[rule])
    assert knowledge.rules, "no rule classes found in the ontology"
    assert not never, f"rule classes no generated case reaches in the first {COVERAGE_CASES}: {never}"


def test_every_grade_class_is_hit(fast_results: list[Classification]) -> None:
    hit = Counter(t for r in fast_results[:COVERAGE_CASES] for t in r.tumour_types)
    assert all(hit[g] for g in GRADES), {str(g): hit[g] for g in GRADES}


def test_grade_boundaries_and_unknowns_are_present(cases: list[dict[str, Any]]) -> None:
    first = cases[:COVERAGE_CASES]
    tumours = [c["tumour"] for c in first]
    ki67 = {t.get("ki67") for t in tumours}
    mitoses = {t.get("mitotic_count") for t in tumours}
    assert set(KI67_BOUNDARIES) <= ki67 and None in ki67
    assert set(MITOTIC_BOUNDARIES) <= mitoses and None in mitoses
    assert any("ki67" not in t and "mitotic_count" not in t for t in tumours)
    for value in KI67_BOUNDARIES + (None,):
        for differentiation in DIFFERENTIATIONS:
            if differentiation == "poor" and value is not None and value <= 20:
                continue  # contradictory unless the mitotic count is above 20
            assert any(t.get("ki67") == value and t.get("differentiation", "unknown") == differentiation for t in tumours), \
                (value, differentiation)
    assert {t["primary_site"] for t in tumours} == set(PRIMARY_SITES)
    assert {s for c in first for s in c.get("metastatic_sites") or ()} == set(METASTATIC_SITES)
    assert any("metastatic_sites" not in c for c in first) and any(c.get("metastatic_sites") == [] for c in first)
    for optional in ("age", "ecog", "disease_course", "primary_resected", "primary_complications", "liver"):
        assert any(optional not in c for c in first), optional


# ---------------------------------------------------------------- HermiT agreement
Row = tuple[str, frozenset[URIRef], frozenset[URIRef]]


def _hermit_worker(batch: list[dict[str, Any]], chunk: int, ontology: str) -> tuple[list[Row], list[str]]:
    """Classify ``batch`` with HermiT in a separate process (one JVM per chunk); the rows and the settled cases."""
    from netkg.reasoning.checked import CheckedHermitReasoner

    reasoner = CheckedHermitReasoner(Knowledge.load(ontology), chunk_size=chunk)
    records = [to_facts(validate_case(c).record) for c in batch]  # type: ignore[arg-type]
    rows = [(r.case_id, r.case_types, r.tumour_types) for r in reasoner.classify_many(records)]
    return rows, [f"{s.case_id} (added {_short(frozenset(s.added))}, taken out {_short(frozenset(s.removed))})"
                  for s in reasoner.settled]


def _hermit(knowledge: Knowledge, cases: list[dict[str, Any]]) -> tuple[list[Row], list[str]]:
    """HermiT's answers for ``cases``, chunks spread over ``WORKERS`` processes, in input order.

    Workers read the N-Triples snapshot of ``knowledge`` (named by its content hash), so both
    paths reason over the same ontology even if the source file is edited during the run.
    """
    ontology = str(knowledge.ntriples_file())
    chunk = max(1, min(CHUNK, -(-len(cases) // WORKERS)))  # keep every worker busy on small samples
    batches = [cases[i:i + chunk] for i in range(0, len(cases), chunk)]
    if WORKERS <= 1:
        done = [_hermit_worker(b, chunk, ontology) for b in batches]
    else:
        with ProcessPoolExecutor(max_workers=WORKERS, max_tasks_per_child=1) as pool:
            done = list(pool.map(_hermit_worker, batches, [chunk] * len(batches), [ontology] * len(batches)))
    return [row for rows, _ in done for row in rows], [s for _, settled in done for s in settled]


def _compare(knowledge: Knowledge, cases: list[dict[str, Any]], fast: list[Classification]) -> None:
    """Every case gets the same classes from both paths.

    HermiT's answer is its realization checked by its entailment tests wherever the fast path differs
    (:func:`netkg.reasoning.checked.confirm_with_entailment`): HermiT's realization has, on rare
    runs, left out a class it entails (docs/maintenance.md).  A case the tests corrected is named in
    a warning; a class on which HermiT's entailment test and the fast path differ fails the proof.
    """
    reference, settled = _hermit(knowledge, cases)
    assert len(reference) == len(fast) == len(cases)
    failures = []
    for case, (case_id, case_types, tumour_types), mine in zip(cases, reference, fast):
        assert case_id == mine.case_id == case["id"]
        if (case_types, tumour_types) != (mine.case_types, mine.tumour_types):
            failures.append(
                f"{json.dumps(case)}\n"
                f"  case   HermiT only: {_short(case_types - mine.case_types)}  fast only: {_short(mine.case_types - case_types)}\n"
                f"  tumour HermiT only: {_short(tumour_types - mine.tumour_types)}  fast only: {_short(mine.tumour_types - tumour_types)}")
    if settled:
        warnings.warn("HermiT's realization differed from its entailment tests (the tests are the answer): " + "; ".join(settled))
    assert not failures, f"{len(failures)} of {len(cases)} cases differ:\n" + "\n".join(failures[:20])


def _cover(cases: list[dict[str, Any]], fast: list[Classification], rules: list[URIRef]) -> list[int]:
    """Indexes of a few cases that together hit every rule class, every grade class and every grade boundary."""
    chosen: list[int] = []
    for target in list(rules) + list(GRADES):
        if not any(target in fast[i].case_types | fast[i].tumour_types for i in chosen):
            chosen.append(next(i for i, r in enumerate(fast) if target in r.case_types | r.tumour_types))
    for ki67 in KI67_BOUNDARIES + (None,):
        if not any(cases[i]["tumour"].get("ki67") == ki67 for i in chosen):
            chosen.append(next(i for i, c in enumerate(cases) if c["tumour"].get("ki67") == ki67))
    for mitoses in MITOTIC_BOUNDARIES + (None,):
        if not any(cases[i]["tumour"].get("mitotic_count") == mitoses for i in chosen):
            chosen.append(next(i for i, c in enumerate(cases) if c["tumour"].get("mitotic_count") == mitoses))
    return sorted(chosen)


@pytest.mark.java
@needs_java
def test_fast_agrees_with_hermit_on_a_covering_sample(knowledge: Knowledge, cases: list[dict[str, Any]],
                                                       fast_results: list[Classification]) -> None:
    """A small sample that still hits every rule, grade and boundary: the quick form of the proof.

    Run alone (``-m "not slow"``) it checks an edit in about a minute; the full run below is the proof.
    """
    picked = _cover(cases[:COVERAGE_CASES], fast_results[:COVERAGE_CASES], sorted(knowledge.rules))
    _compare(knowledge, [cases[i] for i in picked], [fast_results[i] for i in picked])


@pytest.mark.java
@pytest.mark.slow
@needs_java
def test_fast_agrees_with_hermit(knowledge: Knowledge, cases: list[dict[str, Any]], fast_results: list[Classification]) -> None:
    """Every one of ``NETKG_AGREEMENT_CASES`` generated cases gets identical classes from both paths."""
    _compare(knowledge, cases[:N_CASES], fast_results[:N_CASES])


def _classes(case_id: str, *names: str) -> Classification:
    from netkg.vocabulary import NETKG

    return Classification(case_id, frozenset(URIRef(NETKG[n]) for n in names), frozenset(), "fast")


def test_the_reference_answer_takes_hermits_entailment_verdict_on_every_disputed_class(knowledge: Knowledge) -> None:
    """Where realization and fast path differ, HermiT's entailment test decides, whichever side it favours."""
    from netkg.reasoning.checked import confirm_with_entailment

    case = generate_cases(1)[0]
    facts = to_facts(validate_case(case).record)  # type: ignore[arg-type]
    fast = _classes(case["id"], "PatientCase", "GEPLowGradeNETPopulation")
    realized = Classification(case["id"], frozenset({NETKG.PatientCase, NETKG.NECPopulation}), frozenset(), "hermit")
    asked: list[list[tuple[URIRef, URIRef]]] = []

    def entails(value: bool):
        def answer(k: Knowledge, f: CaseFacts, questions: list[tuple[URIRef, URIRef]]) -> dict:
            asked.append(questions)
            return {q: value for q in questions}
        return answer

    same, settled = confirm_with_entailment(knowledge, facts, realized, realized, entails(True))
    assert same is realized and settled is None and not asked  # nothing disputed: no question asked
    result, settled = confirm_with_entailment(knowledge, facts, realized, fast, entails(True))
    assert sorted(asked[-1]) == sorted([(facts.case, NETKG.GEPLowGradeNETPopulation), (facts.case, NETKG.NECPopulation)])
    assert result.case_types == {NETKG.PatientCase, NETKG.GEPLowGradeNETPopulation, NETKG.NECPopulation}
    assert result.engine == "hermit" and settled.added == (NETKG.GEPLowGradeNETPopulation,) and settled.removed == ()
    result, settled = confirm_with_entailment(knowledge, facts, realized, fast, entails(False))
    assert result.case_types == {NETKG.PatientCase}  # the fast path's claim is refused too: the proof would fail
    assert settled.added == () and settled.removed == (NETKG.NECPopulation,)


def test_a_class_hermit_and_the_fast_path_still_differ_on_fails_the_proof(
        knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    import test_agreement as me

    case = generate_cases(1)[0]
    fast = [_classes(case["id"], "PatientCase", "GEPLowGradeNETPopulation")]
    monkeypatch.setattr(me, "_hermit", lambda k, cases: ([(case["id"], frozenset({NETKG.PatientCase}), frozenset())], []))
    with pytest.raises(AssertionError, match="1 of 1 cases differ"):
        me._compare(knowledge, [case], fast)
    agreed = [(case["id"], fast[0].case_types, fast[0].tumour_types)]
    monkeypatch.setattr(me, "_hermit", lambda k, cases: (agreed, [f"{case['id']} (added ['GEPLowGradeNETPopulation'])"]))
    with pytest.warns(UserWarning, match=case["id"]):
        me._compare(knowledge, [case], fast)


@pytest.mark.java
@needs_java
def test_hermit_entailment_check_decides_a_class_assertion(knowledge: Knowledge, facts: list[CaseFacts],
                                                           fast_results: list[Classification]) -> None:
    """The settling question gives HermiT's answer: an inferred class is entailed, a class not inferred is not."""
    from netkg.reasoning.owltools import case_entailments

    i = next(n for n, r in enumerate(fast_results) if NETKG.GEPLowGradeNETPopulation in r.case_types)
    one = facts[i]
    assert NETKG.NECPopulation not in fast_results[i].case_types
    questions = [(one.case, NETKG.GEPLowGradeNETPopulation), (one.case, NETKG.NECPopulation),
                 (one.tumour, next(iter(fast_results[i].tumour_types & set(GRADES))))]
    assert case_entailments(knowledge, one, questions) == {questions[0]: True, questions[1]: False, questions[2]: True}


@pytest.mark.java
@needs_java
def test_hermit_reasoner_restores_a_class_its_realization_left_out(knowledge: Knowledge, facts: list[CaseFacts],
                                                                   fast_results: list[Classification],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """As HermiT's realization did on a rare run: the class is missing, the entailment test puts it back."""
    from netkg.reasoning.checked import CheckedHermitReasoner

    i = next(n for n, r in enumerate(fast_results) if NETKG.GEPLowGradeNETPopulation in r.case_types)
    right = fast_results[i]
    lossy = Classification(right.case_id, right.case_types - {NETKG.GEPLowGradeNETPopulation}, right.tumour_types, "hermit")
    reasoner = CheckedHermitReasoner(knowledge)
    monkeypatch.setattr(reasoner.realizer, "_run", lambda chunk: [lossy])
    [answer] = reasoner.classify_many([facts[i]])
    assert (answer.case_types, answer.tumour_types) == (right.case_types, right.tumour_types)
    assert [(s.case_id, s.added, s.removed) for s in reasoner.settled] == [(right.case_id, (NETKG.GEPLowGradeNETPopulation,), ())]
