"""The compact case graph (store layout 2): the catalogue answers as on a full store; old stores are upgraded."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from _storedata import (EXAMPLE, EXAMPLE_ID, ROOT, group_concat_separators, params_for, user_queries,
                        with_sorted_concatenations)
from netkg.errors import EnvironmentProblem
from netkg.maintenance.generate import generate_cases
from netkg.registry import batch
from netkg.registry.batch import reason_into_store, summary_line
from netkg.registry.layout import GRAPH_LAYOUT, KEPT_INFERRED
from netkg.registry.queries import load_query, run_query
from netkg.registry.revisions import identity_triples
from netkg.registry.store import EmbeddedStore, graph_to_nquads
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH, case_iri

COHORT = ROOT / "examples" / "cohort"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _full_graph_nquads(report, facts, classification, record_json, digest, reasoned_at) -> str:
    """A case graph in layout 1: the report's triples, every one, and the identity of the report."""
    case = case_iri(report.case_id)
    triples = list(report.triples(facts, classification)) + identity_triples(case, record_json, digest, reasoned_at)
    lines = graph_to_nquads(triples, str(case)).splitlines(keepends=True)
    commit = f"<{case}> <{NKR.knowledgeVersion}> "  # last, as the batch writes it (netkg.registry.bulk)
    return "".join(sorted(lines, key=lambda line: line.startswith(commit)))


def _full_store(monkeypatch: pytest.MonkeyPatch, sources: list) -> EmbeddedStore:
    """A store in layout 1: every inferred class and every closure axiom, and no layout statement."""
    store = EmbeddedStore(None)
    with monkeypatch.context() as m:
        m.setattr(batch, "case_graph_nquads", _full_graph_nquads)
        for source in sources:
            assert reason_into_store(source, store, workers=1).ok
    store.raw.update(f"DELETE WHERE {{ GRAPH ?g {{ ?case <{NKR.graphLayout}> ?layout }} }}")
    return store


def _compact_store(sources: list) -> EmbeddedStore:
    store = EmbeddedStore(None)
    for source in sources:
        assert reason_into_store(source, store, workers=1).ok
    return store


def _case_quads(store: EmbeddedStore) -> set[str]:
    """Every quad of the case graphs, without the time of reasoning (which differs from run to run)."""
    return {str(q) for q in store.raw if q.graph_name != ox.NamedNode(str(ONTOLOGY_GRAPH))
            and q.predicate.value != str(NKR.reasonedAt)}


GENERATED = list(generate_cases(300, 4004))
SOURCES = [COHORT, GENERATED]


@pytest.fixture(scope="module")
def stores() -> tuple[EmbeddedStore, EmbeddedStore]:
    with pytest.MonkeyPatch.context() as m:
        full = _full_store(m, SOURCES)
    return full, _compact_store(SOURCES)


def _param_sets(query) -> list[dict[str, str]]:
    base = params_for(query)
    if "case" not in base:
        return [base]
    return [base] + [{**base, "case": c["id"]} for c in GENERATED[:: 60]]


@pytest.mark.parametrize("path", user_queries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_catalogue_answers_the_same_rows_on_the_compact_store(stores, path):
    full, compact = stores
    query = load_query(path)
    separators = group_concat_separators(query.text)
    compared = 0
    for params in _param_sets(query):
        on_full = [with_sorted_concatenations(r, separators) for r in run_query(query, full, params).rows]
        on_compact = [with_sorted_concatenations(r, separators) for r in run_query(query, compact, params).rows]
        if "case-revisions" in path.name:  # the times of reasoning differ between the two stores
            on_full = [{k: v for k, v in r.items() if k != "generated"} for r in on_full]
            on_compact = [{k: v for k, v in r.items() if k != "generated"} for r in on_compact]
        assert sorted(map(str, on_compact)) == sorted(map(str, on_full)), f"{path.name} {params}"
        compared += len(on_full)
    assert compared > 0, f"{path.name}: no rows to compare"


def test_compact_graphs_hold_no_closure_axioms_and_only_the_grade_of_the_inferred_classes(stores):
    full, compact = stores
    assert full.case_count() == compact.case_count() > 300
    ontology = ox.NamedNode(str(ONTOLOGY_GRAPH))
    assert not any(isinstance(t, ox.BlankNode) for q in compact.raw if q.graph_name != ontology
                   for t in (q.subject, q.object))
    assert any(isinstance(q.object, ox.BlankNode) for q in full.raw if q.graph_name != ontology)
    case = str(case_iri(EXAMPLE_ID))
    types = {q.object.value for q in compact.graph_quads(case)
             if q.predicate.value == RDF_TYPE and q.subject.value in (case, case + "/tumour")}
    assert types == {"https://w3id.org/netkg/PatientCase", "https://w3id.org/netkg/Tumour",
                     "https://w3id.org/netkg/NEC", "http://www.w3.org/2002/07/owl#NamedIndividual"}
    assert {str(c) for c in KEPT_INFERRED} >= types - {"https://w3id.org/netkg/PatientCase",
                                                       "https://w3id.org/netkg/Tumour",
                                                       "http://www.w3.org/2002/07/owl#NamedIndividual"}
    assert len(compact.raw) < len(full.raw) * 0.75
    assert {i.layout for i in compact.case_identities().values()} == {GRAPH_LAYOUT}
    assert {i.layout for i in full.case_identities().values()} == {None}


def test_a_store_in_layout_1_is_rewritten_in_the_current_layout_on_the_next_batch(monkeypatch):
    old = _full_store(monkeypatch, [COHORT])
    new = _compact_store([COHORT])
    n = old.case_count()
    summary = reason_into_store([], old, workers=1)
    assert summary.upgraded == n and summary.reasoned == 0
    assert f"{n} stored graph(s) rewritten in store layout {GRAPH_LAYOUT}" in summary_line(summary)
    assert _case_quads(old) == _case_quads(new)
    assert reason_into_store([], old, workers=1).upgraded == 0


def test_revisions_survive_the_upgrade(monkeypatch):
    import yaml

    case = yaml.safe_load(EXAMPLE.read_text())
    old = _full_store(monkeypatch, [[case], [{**case, "age": case.get("age", 60) + 1}]])
    case_graph = str(case_iri(EXAMPLE_ID))
    before = {str(q) for q in old.graph_quads(case_graph) if "/revision/" in q.subject.value}
    assert before
    summary = reason_into_store([{**case, "age": case.get("age", 60) + 1}], old, workers=1)
    assert (summary.upgraded, summary.skipped) == (1, 1)
    after = old.graph_quads(case_graph)
    assert before <= {str(q) for q in after}
    rows = run_query(ROOT / "queries/cohort/case-revisions.rq", old, {"case": EXAMPLE_ID})
    assert len(rows) == 2


def test_a_layout_this_netkg_does_not_know_is_refused_before_anything_is_written():
    store = _compact_store([[dict(GENERATED[0])]])
    case = str(case_iri(GENERATED[0]["id"]))
    store.raw.update(f'DELETE {{ GRAPH <{case}> {{ <{case}> <{NKR.graphLayout}> ?l }} }} '
                     f'INSERT {{ GRAPH <{case}> {{ <{case}> <{NKR.graphLayout}> "99" }} }} '
                     f'WHERE {{ GRAPH <{case}> {{ <{case}> <{NKR.graphLayout}> ?l }} }}')
    before = len(store.raw)
    with pytest.raises(EnvironmentProblem, match="store layout 99"):
        reason_into_store([dict(GENERATED[1])], store, workers=1)
    assert len(store.raw) == before


def test_hermit_and_fast_store_the_same_graph():
    import yaml

    case = yaml.safe_load(EXAMPLE.read_text())
    graphs = []
    for engine in ("fast", "hermit"):
        store = EmbeddedStore(None)
        assert reason_into_store([case], store, engine=engine, workers=1).ok
        graphs.append({str(q) for q in store.graph_quads(str(case_iri(EXAMPLE_ID)))
                       if q.predicate.value not in (str(NKR.reasonedAt), str(NKR.engine))})
    assert graphs[0] == graphs[1]
