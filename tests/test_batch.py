"""Batch reasoning into a store: invalid cases reported and skipped, resumable, parallel = serial."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from _storedata import ROOT, cohort
from netkg.registry.batch import reason_into_store
from netkg.cli import main
from netkg.registry.store import EmbeddedStore
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
REASONED_AT = ox.NamedNode(str(NKR.reasonedAt))


def _cases(n: int = 24) -> list[dict]:
    return list(cohort())[:n]


def _canonical_cases(store: EmbeddedStore) -> set:
    """The case graphs with blank nodes canonicalized (labels differ between runs), without the
    time each report was made."""
    ds = ox.Dataset(q for q in store.raw if q.graph_name != ONTOLOGY and q.predicate != REASONED_AT)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in ds}


def _with_invalid(cases: list[dict]) -> list[dict]:
    bad_site = dict(cases[1], id="bad-site", tumour=dict(cases[1]["tumour"], primary_site="moon"))
    bad_ecog = dict(cases[2], id="bad-ecog", ecog=7)
    return cases[:3] + [bad_site] + cases[3:6] + [bad_ecog, "not a case"] + cases[6:]


def test_invalid_cases_are_reported_and_skipped():
    s = EmbeddedStore(None)
    summary = reason_into_store(_with_invalid(_cases()), s, workers=1, chunk_size=5)
    assert summary.reasoned == len(_cases())
    assert s.case_count() == len(_cases())
    by_case = {(e.case_id, e.field) for e in summary.invalid}
    assert ("bad-site", "tumour.primary_site") in by_case
    assert ("bad-ecog", "ecog") in by_case
    assert any(e.case_id is None and e.field == "(case)" for e in summary.invalid)
    assert not summary.ok


def test_duplicate_ids_are_reported():
    cases = _cases(3)
    s = EmbeddedStore(None)
    summary = reason_into_store(cases + [cases[0]], s, workers=1)
    assert [(e.case_id, e.field) for e in summary.invalid] == [(cases[0]["id"], "id")]


def test_interrupted_batch_resumed_equals_uninterrupted(tmp_path):
    cases = _cases()
    whole = EmbeddedStore(tmp_path / "whole")
    reason_into_store(cases, whole, workers=1, chunk_size=5)

    resumed = EmbeddedStore(tmp_path / "resumed")
    calls = []

    def interrupt(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reason_into_store(cases, resumed, workers=1, chunk_size=5, on_chunk=interrupt)
    assert resumed.case_count() == 10
    summary = reason_into_store(cases, resumed, workers=1, chunk_size=5)
    assert summary.skipped == 10 and summary.reasoned == len(cases) - 10
    assert _canonical_cases(resumed) == _canonical_cases(whole)
    assert resumed.ontology_version() == whole.ontology_version()
    again = reason_into_store(cases, resumed, workers=1)
    assert again.reasoned == 0 and again.skipped == len(cases)


def test_stale_cases_are_replaced(monkeypatch):
    cases = _cases(6)
    s = EmbeddedStore(None)
    reason_into_store(cases, s, workers=1)
    iri = next(iter(s.case_versions()))
    s.raw.update(f'DELETE WHERE {{ GRAPH <{iri}> {{ <{iri}> <https://w3id.org/netkg/report#knowledgeVersion> ?v }} }} ;'
                 f'INSERT DATA {{ GRAPH <{iri}> {{ <{iri}> <https://w3id.org/netkg/report#knowledgeVersion> "old" }} }}')
    before = _canonical_cases(s)
    summary = reason_into_store(cases, s, workers=1)
    assert summary.reasoned == 1 and summary.skipped == 5 and summary.replaced == {"knowledge": 1}
    assert _canonical_cases(s) != before
    assert s.case_versions()[iri] == summary.knowledge_version


def test_parallel_equals_serial():
    cases = _cases(30)
    serial, parallel = EmbeddedStore(None), EmbeddedStore(None)
    reason_into_store(cases, serial, workers=1, chunk_size=7)
    reason_into_store(cases, parallel, workers=2, chunk_size=7)
    assert _canonical_cases(serial) == _canonical_cases(parallel)


def test_reason_command_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.jsonl"
    good.write_text("".join(json.dumps(c) + "\n" for c in _cases(5)))
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(c) + "\n" for c in _with_invalid(_cases(8))) + "{not json\n")
    store = tmp_path / "store"
    assert main(["reason", str(good), "--store", str(store), "--no-progress"]) == 0
    assert main(["reason", str(mixed), "--store", str(store), "--no-progress", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert "bad-site" in err and "tumour.primary_site" in err and "(line)" in err
    assert main(["reason", str(tmp_path / "missing.jsonl"), "--store", str(store)]) == 2
    assert main(["query", str(ROOT / "queries/cohort/cases-per-indicated-therapy.rq"), "--store", str(store), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["head"]["vars"][:3] == ["therapy", "therapyLabel", "strength"]
