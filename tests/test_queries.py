"""Every user query parses and runs on a small reasoned store; parameters are bound, never spliced."""

from __future__ import annotations

import copy

import pyoxigraph as ox
import pytest

from _storedata import EXAMPLE_ID, ROOT, cohort, params_for, user_queries
from netkg.registry.batch import reason_into_store
from netkg.errors import InputError
from netkg.registry.queries import bind_params, catalogue, load_query, run_query
from netkg.registry.store import EmbeddedStore
from netkg.sparql import Param, check_read_only, inline_values, to_term

INJECTIONS = [
    'x" } ; DROP ALL ; SELECT * WHERE { "',
    "x> } DELETE WHERE { ?s ?p ?o } #",
    "netkg:NEC> . ?s ?p ?o } UNION { <x",
    "seed1-nec-sigmoid-liver } UNION { ?case ?p ?o",
    "https://w3id.org/netkg/NEC>} ; INSERT DATA { <a> <b> <c> } #",
    "\\u0022) } #",
    "1; DROP ALL",
]


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    s = EmbeddedStore(None)
    summary = reason_into_store(list(cohort()), s, workers=1)
    assert summary.ok and summary.reasoned == len(cohort())
    return s


def _snapshot(s: EmbeddedStore) -> int:
    return len(s.raw)


@pytest.mark.parametrize("path", user_queries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_query_has_header_and_runs(store, path):
    q = load_query(path)
    assert q.title and q.description, f"{path.name}: header needs # title: and # description:"
    rows = run_query(q, store, params_for(q))
    assert rows.variables
    for p in q.params:
        assert p.name in rows.variables, f"{path.name}: parameter ?{p.name} must be projected"


@pytest.mark.parametrize("path", user_queries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_binding_modes_agree(store, path):
    q = load_query(path)
    values = run_query(q, store, params_for(q))
    store.bind_mode = "substitute"
    try:
        substituted = run_query(q, store, params_for(q))
    finally:
        store.bind_mode = "values"
    assert sorted(map(str, values.rows)) == sorted(map(str, substituted.rows))


def test_competency_answers_for_the_example(store):
    indicated = run_query(ROOT / "queries/competency/indicated-for-case.rq", store, {"case": EXAMPLE_ID})
    assert {(r["therapy"].rsplit("/", 1)[-1], r["strength"]) for r in indicated.rows} >= {("PlatinumEtoposide", "recommended")}
    assert any(r["statements"] == "K007" for r in indicated.rows)
    why = run_query(ROOT / "queries/competency/contraindicated-and-why.rq", store, {"case": EXAMPLE_ID})
    som = [r for r in why.rows if r["therapy"].endswith("/SomatostatinAnalog")]
    assert som and som[0]["strength"] == "contraindicated" and som[0]["statements"] and som[0]["sources"]
    profile = run_query(ROOT / "queries/competency/indicated-for-profile.rq", store, {"profile": "netkg:NEC"})
    assert any(r["rule"].endswith("/NECPlatinumEtoposide") and r["strength"] == "recommended" for r in profile.rows)
    evidence = run_query(ROOT / "queries/competency/recommendations-with-evidence.rq", store, {})
    assert any(r["evidence"] and r["evidence"].endswith("EvidenceCarboplatinEtoposideOS") for r in evidence.rows)
    eligible = run_query(ROOT / "queries/cohort/eligible-for-therapy.rq", store, {"therapy": "netkg:PlatinumEtoposide"})
    assert EXAMPLE_ID in {r["caseId"] for r in eligible.rows}


@pytest.mark.parametrize("payload", INJECTIONS)
@pytest.mark.parametrize("name,param", [("case", "case"), ("profile", "iri"), ("therapy", "iri")])
def test_injection_payloads_change_nothing(store, payload, name, param):
    path = {"case": "queries/competency/indicated-for-case.rq", "profile": "queries/competency/indicated-for-profile.rq",
            "therapy": "queries/cohort/eligible-for-therapy.rq"}[name]
    before = _snapshot(store)
    try:
        rows = run_query(ROOT / path, store, {name: payload})
    except InputError as exc:
        assert name in str(exc)
    else:  # accepted only as one opaque value, which matches nothing
        assert rows.rows == []
    assert _snapshot(store) == before


@pytest.mark.parametrize("payload", INJECTIONS)
def test_string_payloads_are_one_literal(payload):
    term = to_term(Param("s", "string", ""), payload)
    assert isinstance(term, ox.Literal) and term.value == payload
    text = inline_values("SELECT ?s WHERE { ?x ?p ?s }", {"s": term})
    s = EmbeddedStore(None)
    s.raw.add(ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/p"), term, ox.NamedNode("http://e/g")))
    assert s.select(text).rows == [{"s": payload}]
    assert len(s.raw) == 1


def test_parameter_validation_names_the_allowed_ones():
    q = load_query(ROOT / "queries/competency/indicated-for-case.rq")
    with pytest.raises(InputError, match=r"unknown parameter 'cse'.*case \(case\)"):
        bind_params(q, {"cse": "x"})
    with pytest.raises(InputError, match=r"missing parameter.*'case'"):
        bind_params(q, {})
    with pytest.raises(InputError, match="parameter 'n' \\(integer\\)"):
        to_term(Param("n", "integer", ""), "12 OR 1=1")
    with pytest.raises(InputError, match="decimal"):
        to_term(Param("d", "decimal", ""), "NaN")
    assert to_term(Param("d", "decimal", ""), "1.50").value == "1.50"
    assert to_term(Param("i", "iri", ""), "netkg:NEC").value == "https://w3id.org/netkg/NEC"


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a:a> <b:b> <c:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "CLEAR ALL",
    "LOAD <http://example.org/x>",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_updates_and_service_are_refused_before_running(query):
    with pytest.raises(InputError):
        check_read_only(query)


@pytest.mark.parametrize("query", [
    'SELECT ?s WHERE { ?s <http://e/insert> "DROP ALL; SERVICE" } # DELETE',
    "PREFIX delete: <http://e/> SELECT ?service ?insert WHERE { ?service delete:load ?insert }",
])
def test_keywords_inside_names_strings_and_comments_are_fine(query):
    check_read_only(query)


def test_timeout_is_enforced():
    from netkg.registry.store import QueryTimeout

    s = EmbeddedStore(None)
    for i in range(300):
        s.raw.add(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)), ox.NamedNode("http://e/g")))
    with pytest.raises(QueryTimeout):
        s.select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }", timeout=0.2)


def test_catalogue_lists_every_query():
    text = catalogue()
    for path in user_queries():
        assert load_query(path).title in text
    committed = (ROOT / "docs" / "queries.md").read_text()
    for path in user_queries():
        assert f"### {load_query(path).title}" in committed, "regenerate: python -m netkg.registry.queries docs/queries.md"


def test_cases_per_indicated_therapy_counts_each_case_once_per_therapy_and_strength(store):
    """The aggregate answers the counts read directly from the stored short cuts, with every label of the therapy."""
    expected: dict[tuple[str, str], set[str]] = {}
    for strength in ("recommended", "consider"):
        edge = ox.NamedNode(f"https://w3id.org/netkg/report#{strength}")
        for quad in store.raw.quads_for_pattern(None, edge, None, None):
            expected.setdefault((quad.object.value, strength), set()).add(quad.subject.value)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    rows = run_query(ROOT / "queries/cohort/cases-per-indicated-therapy.rq", store).rows
    assert expected and len(rows) >= len(expected)
    assert {(r["therapy"], r["strength"]): int(r["cases"]) for r in rows} == {k: len(v) for k, v in expected.items()}
    for therapy, _ in expected:
        labels = {q.object.value for q in store.raw.quads_for_pattern(ox.NamedNode(therapy), label, None, None)}
        assert {r["therapyLabel"] for r in rows if r["therapy"] == therapy} == (labels or {None})
    counts = [int(r["cases"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_cohort_queries_give_the_case_id_of_the_case_file_for_ids_with_every_allowed_character():
    """The cohort queries read the case id from the case IRI; an id keeps '.', '_' and '-' there unchanged."""
    s = EmbeddedStore(None)
    case = copy.deepcopy(cohort()[-1])
    case["id"] = "Reg.2026_a-7"
    for field in ("ki67", "mitotic_count"):  # ungraded: a grade work-up is outstanding
        case["tumour"].pop(field, None)
    assert reason_into_store([case], s, workers=1).ok
    stored = s.select("SELECT ?id WHERE { ?case <https://w3id.org/netkg/caseId> ?id }", timeout=None).rows
    assert stored == [{"id": "Reg.2026_a-7"}]
    workups = run_query(load_query(ROOT / "queries/cohort/workup-outstanding.rq"), s, {}, timeout=None)
    assert {r["caseId"] for r in workups.rows} == {"Reg.2026_a-7"}
