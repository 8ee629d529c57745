"""New cases are written with the bulk loader; a batch cut short never leaves a half-written case that counts.

A case counts as stored only with its commit quad; a store whose last batch did not finish is refused
by readers until the next batch has removed the incomplete graphs and reasoned those cases again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from _storedata import cohort
from netkg.cli import main
from netkg.errors import EnvironmentProblem
from netkg.registry import batch
from netkg.registry.bulk import BATCH_GRAPH, begin_batch, interrupted_batch, refuse_interrupted, split_commit
from netkg.registry.batch import case_graphs, reason_into_store
from netkg.cases.reader import validate_case
from netkg import pipeline
from netkg.registry.store import EmbeddedStore
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
REASONED_AT = ox.NamedNode(str(NKR.reasonedAt))


def _cases(n: int = 20) -> list[dict]:
    return list(cohort())[:n]


def _case_quads(store: EmbeddedStore) -> set[str]:
    return {str(q) for q in store.raw if q.graph_name != ONTOLOGY and q.predicate != REASONED_AT}


def _cut_short(store: EmbeddedStore, cases: list[dict]) -> None:
    """What a batch killed during a bulk write leaves: the marker, and graphs without their commit quads."""
    records = [validate_case(c).record for c in cases]
    graphs = case_graphs(records, pipeline.knowledge(), "fast")
    begin_batch(store, store.case_identities())
    store.raw.bulk_load("".join(split_commit(g.nquads)[0] for g in graphs).encode(), ox.RdfFormat.N_QUADS)


def test_a_finished_batch_leaves_no_marker_and_every_case_committed() -> None:
    store = EmbeddedStore(None)
    summary = reason_into_store(_cases(), store, workers=1, chunk_size=6)
    assert summary.reasoned == 20 and interrupted_batch(store) is None
    assert BATCH_GRAPH not in set(store.raw.named_graphs())
    assert len(store.case_identities()) == store.case_count() == 20


def test_every_case_graph_ends_with_its_commit_quad() -> None:
    records = [validate_case(c).record for c in _cases(5)]
    for graph in case_graphs(records, pipeline.knowledge(), "fast"):
        body, commit = split_commit(graph.nquads)
        assert commit.startswith(f"<https://w3id.org/netkg/case/{graph.case_id}> <{NKR.knowledgeVersion}> ")
        assert body + commit == graph.nquads and str(NKR.knowledgeVersion) not in body.split(f"<{NKR.caseRecord}>")[0]


def test_the_lenient_bulk_load_stores_exactly_what_a_strict_parse_of_the_graphs_reads() -> None:
    """The loader skips IRI validation for speed: what netkg writes must be valid N-Quads all the same."""
    cases = _cases()
    hostile = dict(cases[0], id="Odd.id_with-every-allowed-char")  # ids are the only text in the IRIs
    records = [validate_case(c).record for c in cases + [hostile]]
    graphs = case_graphs(records, pipeline.knowledge(), "fast")
    strict = ox.Store()
    strict.load("".join(g.nquads for g in graphs), ox.RdfFormat.N_QUADS)  # validates every IRI
    store = EmbeddedStore(None)
    batch.write_new_graphs(store, [g.nquads for g in graphs])
    assert {str(q) for q in store.raw} == {str(q) for q in strict} and len(strict) > 20 * 50


def test_a_batch_cut_short_during_a_bulk_write_is_refused_then_finished(tmp_path: Path, capsys) -> None:
    cases = _cases()
    whole = EmbeddedStore(None)
    reason_into_store(cases, whole, workers=1)

    path = tmp_path / "store"
    store = EmbeddedStore(path)
    reason_into_store(cases[:8], store, workers=1)
    _cut_short(store, cases[8:14])
    assert store.case_count() == 14 + 1 and len(store.case_identities()) == 8  # + the marker graph
    with pytest.raises(EnvironmentProblem, match="did not finish"):
        refuse_interrupted(store)
    store.close()

    query = Path(__file__).resolve().parent.parent / "queries" / "cohort" / "cases-per-indicated-therapy.rq"
    assert main(["query", str(query), "--store", str(path)]) == 3
    assert "did not finish" in capsys.readouterr().err

    store = EmbeddedStore(path)
    summary = reason_into_store(cases, store, workers=1)
    assert summary.skipped == 8 and summary.reasoned == 12 and interrupted_batch(store) is None
    assert _case_quads(store) == _case_quads(whole)
    store.close()
    assert main(["query", str(query), "--store", str(path), "--format", "json"]) == 0


class _FailingBulkLoad:
    """A store whose bulk loader writes part of its input, then fails (a full disk, say)."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def bulk_load(self, data: bytes, fmt: ox.RdfFormat, lenient: bool = False) -> None:
        lines = data.decode().splitlines(keepends=True)
        self._store.load("".join(lines[: len(lines) // 2]), fmt)
        raise OSError("No space left on device")

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def __iter__(self):
        return iter(self._store)


def test_a_failed_bulk_write_removes_what_it_wrote_and_names_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(None)
    reason_into_store(_cases(4), store, workers=1)
    before = _case_quads(store)
    monkeypatch.setattr(store, "_store", _FailingBulkLoad(store.raw))
    with pytest.raises(EnvironmentProblem, match="cannot write cases: No space left"):
        reason_into_store(_cases(10), store, workers=1)
    assert _case_quads(store) == before and interrupted_batch(store) is None


def test_a_batch_that_wrote_compacts_the_store_and_one_that_did_not_leaves_it(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    compacted: list[str] = []
    monkeypatch.setattr(batch, "compact", lambda store: compacted.append(store.describe()))
    store = EmbeddedStore(tmp_path / "store")
    reason_into_store(_cases(5), store, workers=1)
    assert compacted == [store.describe()]
    again = reason_into_store(_cases(5), store, workers=1)
    assert again.skipped == 5 and compacted == [store.describe()]


def test_compacting_keeps_every_quad(tmp_path: Path) -> None:
    from netkg.registry.bulk import compact

    store = EmbeddedStore(tmp_path / "store")
    reason_into_store(_cases(8), store, workers=1, chunk_size=2)
    before = {str(q) for q in store.raw}
    compact(store)
    assert {str(q) for q in store.raw} == before and len(before) > 8 * 50
