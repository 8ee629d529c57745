"""The embedded store: named graphs per case, atomic replacement, union default graph, errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from netkg.errors import EnvironmentProblem, InputError
from netkg.registry.store import EmbeddedStore, RemoteStore, graph_to_nquads, nt_term, open_store
from netkg.vocabulary import NETKG, NKR, ONTOLOGY_GRAPH, RDF, case_iri

from _storedata import EXAMPLE
from netkg.cases.reader import load_case
from netkg.pipeline import knowledge, reason_records


def _case_graph(case_id: str, therapy=NETKG.PlatinumEtoposide, version: str = "v1") -> Graph:
    g = Graph()
    c = case_iri(case_id)
    g.add((c, RDF.type, NETKG.PatientCase))
    g.add((c, NETKG.caseId, Literal(case_id)))
    g.add((c, NKR.recommended, therapy))
    g.add((c, NKR.knowledgeVersion, Literal(version)))
    b = BNode()
    g.add((c, RDF.type, b))
    g.add((b, NETKG.note, Literal('quote " backslash \\ newline \n tab\t é', lang="en")))
    return g


def test_terms_round_trip_through_nquads():
    s = EmbeddedStore(None)
    g = _case_graph("a-1")
    s.add_case_graphs(graph_to_nquads(g, str(case_iri("a-1"))))
    rows = s.select("SELECT ?n WHERE { ?b <https://w3id.org/netkg/note> ?n }").rows
    assert rows == [{"n": 'quote " backslash \\ newline \n tab\t é'}]
    assert nt_term(Literal(3)) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_default_graph_is_union_of_case_graphs():
    s = EmbeddedStore(None)
    for cid in ("a-1", "a-2"):
        s.replace_case_graph(str(case_iri(cid)), _case_graph(cid))
    rows = s.select("SELECT ?c WHERE { ?c <https://w3id.org/netkg/report#recommended> ?t } ORDER BY ?c")
    assert [r["c"] for r in rows.rows] == [str(case_iri("a-1")), str(case_iri("a-2"))]
    assert rows.variables == ["c"]
    assert s.has_case(str(case_iri("a-1"))) and not s.has_case(str(case_iri("zzz")))
    assert s.case_versions() == {str(case_iri("a-1")): "v1", str(case_iri("a-2")): "v1"}


def test_replace_case_graph_replaces_only_that_case():
    s = EmbeddedStore(None)
    s.replace_case_graph(str(case_iri("a-1")), _case_graph("a-1"))
    s.replace_case_graph(str(case_iri("a-2")), _case_graph("a-2"))
    s.replace_case_graph(str(case_iri("a-1")), _case_graph("a-1", NETKG.Everolimus, "v2"))
    rows = s.select("SELECT ?c ?t WHERE { ?c <https://w3id.org/netkg/report#recommended> ?t } ORDER BY ?c").rows
    assert rows == [{"c": str(case_iri("a-1")), "t": str(NETKG.Everolimus)},
                    {"c": str(case_iri("a-2")), "t": str(NETKG.PlatinumEtoposide)}]
    assert s.case_versions()[str(case_iri("a-1"))] == "v2"
    assert s.case_count() == 2


def test_failed_write_leaves_the_store_unchanged(monkeypatch):
    s = EmbeddedStore(None)
    s.replace_case_graph(str(case_iri("a-1")), _case_graph("a-1"))
    before = len(s.raw)
    bad = graph_to_nquads(_case_graph("a-2"), str(case_iri("a-2"))) + "<not an iri> <p> <o> <g> .\n"
    with pytest.raises(EnvironmentProblem):
        s.add_case_graphs(bad)
    assert len(s.raw) == before and not s.has_case(str(case_iri("a-2")))


def test_ontology_graph_and_reasoned_case():
    k = knowledge()
    s = EmbeddedStore(None)
    s.load_ontology(k)
    assert s.ontology_version() == k.version
    assert s.raw.contains_named_graph(ox.NamedNode(str(ONTOLOGY_GRAPH)))
    r = reason_records([load_case(EXAMPLE)])[0]
    s.replace_case_graph(str(r.facts.case), r.report.to_rdf(r.facts, r.classification))
    rows = s.select("""PREFIX netkg: <https://w3id.org/netkg/> PREFIX nkr: <https://w3id.org/netkg/report#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { ?c nkr:recommended ?t . ?t rdfs:label ?label }""").rows
    assert {"label": "platinum plus etoposide"} in rows
    assert s.case_count() == 1


def test_persistent_store_reopens_read_only(tmp_path):
    path = tmp_path / "store"
    s = EmbeddedStore(path)
    s.replace_case_graph(str(case_iri("a-1")), _case_graph("a-1"))
    s.close()
    del s
    ro = EmbeddedStore(path, read_only=True)
    assert ro.has_case(str(case_iri("a-1")))
    with pytest.raises(EnvironmentProblem):
        ro.replace_case_graph(str(case_iri("a-2")), _case_graph("a-2"))


def test_locked_and_corrupt_stores_are_environment_problems(tmp_path):
    path = tmp_path / "store"
    first = EmbeddedStore(path)
    with pytest.raises(EnvironmentProblem, match="locked|cannot be opened"):
        EmbeddedStore(path)
    del first
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "CURRENT").write_text("garbage\n")
    with pytest.raises(EnvironmentProblem):
        EmbeddedStore(junk)
    with pytest.raises(EnvironmentProblem):
        EmbeddedStore(tmp_path / "missing", read_only=True)


def test_query_errors_are_input_errors():
    s = EmbeddedStore(None)
    with pytest.raises(InputError, match="not valid SPARQL"):
        s.select("SELECT ?x WHERE { ?x ")
    assert s.select("ASK { ?s ?p ?o }").rows == [{"ask": "false"}]


def test_open_store_chooses_backend(tmp_path):
    assert isinstance(open_store(), EmbeddedStore)
    assert isinstance(open_store(endpoint="http://127.0.0.1:1/query"), RemoteStore)
    with pytest.raises(InputError):
        open_store(tmp_path, "http://127.0.0.1:1/query")
    with pytest.raises(InputError):
        RemoteStore("file:///etc/passwd")


def test_unreachable_endpoint_is_environment_problem():
    from netkg.commands.serve import free_port

    with pytest.raises(EnvironmentProblem):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query").select("ASK {}", timeout=3)


@pytest.mark.parametrize("error, says", [
    ("IO error: Read-only file system (os error 30)", "read-only file system"),
    ("IO error: Permission denied (os error 13)", "permission denied"),
    ("Corruption: checksum mismatch", "corrupt"),
])
def test_a_store_that_cannot_be_opened_says_why_not_corrupt_unless_it_may_be(error: str, says: str) -> None:
    from netkg.registry.store import _store_problem
    message = _store_problem(Path("registry.store"), OSError(error))
    assert says in message
    assert ("corrupt" in message) == (says == "corrupt")


def test_a_store_held_by_another_process_is_called_locked() -> None:
    from netkg.registry.store import _store_problem
    error = OSError("IO error: While lock file: registry.store/LOCK: Resource temporarily unavailable")
    assert "is locked" in _store_problem(Path("registry.store"), error)
