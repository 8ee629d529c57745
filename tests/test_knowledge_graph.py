"""The knowledge graph of a store: the knowledge, its version and layout, and the therapy kinds.

The therapy kinds (``T nkr:kindOf A``) are the answers of ``T rdfs:subClassOf* A`` written out; the cohort
query that joins through them answers exactly what its property-path formulation answers; a store whose
knowledge graph is of an earlier layout is refused by readers and brought up to date by the next batch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from _storedata import ROOT, cohort
from netkg import pipeline
from netkg.cli import main
from netkg.errors import EnvironmentProblem
from netkg.registry.batch import reason_into_store
from netkg.registry.export import knowledge_nquads
from netkg.registry.knowledge_graph import (KNOWLEDGE_GRAPH_LAYOUT, knowledge_graph_layout,
                                            refuse_outdated_knowledge_graph)
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

ELIGIBLE = ROOT / "queries" / "cohort" / "eligible-for-therapy.rq"
ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))

# The query as it was written with property paths: the definition the catalogue query must keep.
ELIGIBLE_BY_PATHS = """# title: eligible for a therapy, by property paths
# param: therapy iri A therapy class
PREFIX netkg: <https://w3id.org/netkg/>
PREFIX nkr: <https://w3id.org/netkg/report#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?therapy ?case ?caseId ?indicated ?strength
WHERE {
  VALUES (?edge ?strength) { (nkr:recommended "recommended") (nkr:consider "consider") }
  ?case ?edge ?indicated .
  FILTER (EXISTS { ?indicated rdfs:subClassOf* ?therapy } || EXISTS { ?therapy rdfs:subClassOf+ ?indicated })
  FILTER NOT EXISTS { ?case nkr:contraindicated|nkr:notRecommended ?negative . ?therapy rdfs:subClassOf* ?negative . }
  OPTIONAL { ?case netkg:caseId ?caseId }
}
ORDER BY ?caseId ?indicated
"""


@pytest.fixture(scope="module")
def reasoned() -> EmbeddedStore:
    store = EmbeddedStore(None)
    assert reason_into_store(ROOT / "examples" / "cohort", store, workers=1).ok
    assert reason_into_store(list(cohort(200, 23)), store, workers=1).ok
    return store


def _pairs(store: EmbeddedStore, query: str) -> set[tuple[str, str]]:
    return {(r["t"], r["a"]) for r in store.select(query, timeout=None).rows}


def test_the_therapy_kinds_are_the_subclass_paths_of_every_therapy_class_written_out(reasoned) -> None:
    by_path = _pairs(reasoned, """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?t ?a WHERE { GRAPH <https://w3id.org/netkg/netkg.owl> {
          ?t rdfs:subClassOf* <https://w3id.org/netkg/Therapy> . ?t rdfs:subClassOf* ?a } FILTER (isIRI(?t) && isIRI(?a)) }""")
    kinds = _pairs(reasoned, "SELECT ?t ?a WHERE { ?t <https://w3id.org/netkg/report#kindOf> ?a }")
    assert len(kinds) > 100 and kinds == by_path
    platinum = ("https://w3id.org/netkg/PlatinumEtoposide", "https://w3id.org/netkg/Chemotherapy")
    assert platinum in kinds and (platinum[0], platinum[0]) in kinds


def _per_case(rows: list[dict]) -> list[tuple]:
    """The path formulation's rows (one per case and indicated therapy) as the catalogue answers them: one
    row per case, the strongest strength ("recommended" over "consider") and the set of indicated therapies."""
    cases: dict[tuple, tuple[set, set]] = {}
    for r in rows:
        strengths, indicated = cases.setdefault((r["therapy"], r["case"], r["caseId"]), (set(), set()))
        strengths.add(r["strength"])
        indicated.add(r["indicated"])
    return sorted((*key, max(strengths), frozenset(indicated)) for key, (strengths, indicated) in cases.items())


def test_eligible_for_therapy_answers_what_its_property_path_formulation_answers(reasoned, tmp_path: Path) -> None:
    paths_file = tmp_path / "eligible-by-paths.rq"
    paths_file.write_text(ELIGIBLE_BY_PATHS)
    catalogue, reference = load_query(ELIGIBLE), load_query(paths_file)
    therapies = sorted({t for t, _ in _pairs(reasoned, "SELECT ?t ?a WHERE { ?t <https://w3id.org/netkg/report#kindOf> ?a }")})
    answered = both_strengths = 0
    for therapy in therapies:
        expected = _per_case(run_query(reference, reasoned, {"therapy": therapy}, timeout=None).rows)
        answer = run_query(catalogue, reasoned, {"therapy": therapy}, timeout=None)
        rows = [(r["therapy"], r["case"], r["caseId"], r["strength"], frozenset(r["indicatedTherapies"].split()))
                for r in answer.rows]
        assert sorted(rows) == expected, therapy  # one row per eligible case, the same cases, strengths and therapies
        assert [r[2] for r in rows] == sorted(r[2] for r in rows), therapy  # ordered by case id
        answered += bool(expected)
        both_strengths += len({r[3] for r in rows}) == 2
    # The comparison covers therapies that cases are eligible for, not only empty answers, and answers that
    # mix recommended and to-consider cases.
    assert answered >= 10 and both_strengths >= 3


def test_eligible_for_therapy_leaves_out_a_case_whose_negative_covers_the_therapy_and_names_the_strongest_strength(
) -> None:
    store = EmbeddedStore(None)
    store.raw.load(knowledge_nquads(pipeline.knowledge()), ox.RdfFormat.N_QUADS)
    netkg, nkr = "https://w3id.org/netkg/", str(NKR)

    def case(name: str, *edges: tuple[str, str]) -> None:
        iri = ox.NamedNode(f"{netkg}case/{name}")
        store.raw.add(ox.Quad(iri, ox.NamedNode(f"{netkg}caseId"), ox.Literal(name), iri))
        for edge, therapy in edges:
            store.raw.add(ox.Quad(iri, ox.NamedNode(nkr + edge), ox.NamedNode(netkg + therapy), iri))

    case("a-platinum", ("recommended", "PlatinumEtoposide"))
    case("b-chemo-but-not-platinum", ("recommended", "Chemotherapy"), ("notRecommended", "PlatinumEtoposide"))
    case("c-two-kinds", ("consider", "CarboplatinEtoposide"), ("recommended", "PlatinumEtoposide"))
    case("d-no-chemotherapy", ("recommended", "CarboplatinEtoposide"), ("contraindicated", "Chemotherapy"))
    case("e-consider-only", ("consider", "SystemicTherapy"), ("notRecommended", "Everolimus"))
    rows = run_query(ELIGIBLE, store, {"therapy": "netkg:PlatinumEtoposide"}, timeout=None).rows
    assert [(r["caseId"], r["strength"], sorted(r["indicatedTherapies"].split())) for r in rows] == [
        ("a-platinum", "recommended", [netkg + "PlatinumEtoposide"]),
        ("c-two-kinds", "recommended", [netkg + "CarboplatinEtoposide", netkg + "PlatinumEtoposide"]),
        ("e-consider-only", "consider", [netkg + "SystemicTherapy"]),
    ]


def test_the_exported_knowledge_graph_is_the_one_the_store_holds(reasoned) -> None:
    exported = ox.Store()
    exported.load(knowledge_nquads(pipeline.knowledge()), ox.RdfFormat.N_QUADS)
    stored = list(reasoned.raw.quads_for_pattern(None, None, None, ONTOLOGY))
    assert len(exported) == len(stored)

    def named(quads) -> set[str]:  # blank nodes are renamed by each load; every other quad must match
        return {str(q) for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}

    assert named(exported) == named(stored) and any(q.predicate.value == str(NKR.kindOf) for q in exported)


def test_a_store_with_a_knowledge_graph_of_an_earlier_layout_is_refused_then_brought_up_to_date(
        tmp_path: Path, capsys) -> None:
    cases = list(cohort())[:20]
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    reason_into_store(cases, store, workers=1)
    assert knowledge_graph_layout(store) == KNOWLEDGE_GRAPH_LAYOUT
    before = run_query(ELIGIBLE, store, {"therapy": "netkg:PlatinumEtoposide"}, timeout=None).as_tuples()
    # What an earlier netkg wrote: the knowledge and its version, without the layout and the kinds.
    for predicate in (NKR.graphLayout, NKR.kindOf):
        for quad in list(store.raw.quads_for_pattern(None, ox.NamedNode(str(predicate)), None, ONTOLOGY)):
            store.raw.remove(quad)
    with pytest.raises(EnvironmentProblem, match="earlier layout.*netkg reason"):
        refuse_outdated_knowledge_graph(store)
    store.close()

    args = ["query", str(ELIGIBLE), "--store", str(path), "--param", "therapy=netkg:PlatinumEtoposide", "--format", "json"]
    assert main(args) == 3
    assert "knowledge graph" in capsys.readouterr().err

    store = EmbeddedStore(path)
    summary = reason_into_store(cases, store, workers=1)
    assert summary.skipped == len(cases)  # no case reasoned again: only the knowledge graph is written anew
    assert knowledge_graph_layout(store) == KNOWLEDGE_GRAPH_LAYOUT
    store.close()
    capsys.readouterr()
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert before and len(rows["results"]["bindings"]) == len(before)
