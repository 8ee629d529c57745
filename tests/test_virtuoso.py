"""The query catalogue on Virtuoso Open Source answers the same rows as on the embedded oxigraph store.

One server per module (tests/_virtuoso.py) with the N-Quads of a store of examples/cohort, 200
generated cases and a revised example case, bulk-loaded into their named graphs; the queries go
through :class:`RemoteStore`, the binding a user of ``netkg query --endpoint`` has.  Virtuoso's
default graph, when a query names none, is the union of all its graphs (its own system graphs,
which use no netkg term, included), so the catalogue queries run unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import pyoxigraph as ox
import pytest
import yaml

import _virtuoso
from _storedata import EXAMPLE, ROOT, group_concat_separators, params_for, user_queries
from netkg.maintenance.generate import generate_cases
from netkg.registry.batch import reason_into_store
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore, RemoteStore
from netkg.sparql import Rows

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not (_virtuoso.VIRTUOSO and _virtuoso.ISQL), reason=_virtuoso.MISSING)]

GENERATED = list(generate_cases(200, 5005))
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    embedded = EmbeddedStore(None)
    assert reason_into_store(ROOT / "examples" / "cohort", embedded, workers=1).ok
    assert reason_into_store(GENERATED, embedded, workers=1).ok
    case = yaml.safe_load(EXAMPLE.read_text())
    assert reason_into_store([case], embedded, workers=1).ok
    assert reason_into_store([{**case, "age": case.get("age", 60) + 1}], embedded, workers=1).ok  # a revision
    server = _virtuoso.start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        _virtuoso.load_nquads(server, embedded.raw.dump(format=ox.RdfFormat.N_QUADS))
        yield embedded, RemoteStore(server.endpoint)
    finally:
        _virtuoso.stop_virtuoso(server)


def _param_sets(query) -> list[dict[str, str]]:
    base = params_for(query)
    if "case" not in base:
        return [base]
    return [base] + [{**base, "case": c["id"]} for c in GENERATED[::50]]


def _cell(value: Optional[str], term: Optional[dict], separator: Optional[str]) -> object:
    """One answer cell, normalised only where the two stores may legitimately differ."""
    if separator is not None:
        # GROUP_CONCAT: SPARQL 1.1 leaves the order of the concatenated items open, and engines
        # read the spec's error rule differently for a group whose values are all unbound
        # (oxigraph leaves the aggregate unbound, Virtuoso gives ""), so compare the items as a set.
        return frozenset(value.split(separator)) if value else frozenset()
    if value is not None and term is not None and term.get("datatype") == XSD_DATETIME:
        # Both stores keep an xsd:dateTime as its value: oxigraph writes the canonical form
        # (".92Z"), Virtuoso three fraction digits (".920Z"); compare the instants.
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def _normalised(rows: Rows, separators: dict[str, str]) -> list[tuple]:
    """The rows as a sorted multiset of normalised cells (row order is compared by no test here)."""
    out = []
    for i, row in enumerate(rows.rows):
        terms = rows.terms[i] if rows.terms else {}
        out.append(tuple((v, _cell(row[v], terms.get(v), separators.get(v))) for v in rows.variables))
    return sorted(out, key=repr)


def test_every_quad_lands_in_its_named_graph(stores):
    embedded, virtuoso = stores
    counted = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    on_oxigraph = {r["g"]: r["n"] for r in embedded.select(counted).rows}
    on_virtuoso = {r["g"]: r["n"] for r in virtuoso.select(counted).rows}
    assert len(on_oxigraph) > 250
    assert {g: n for g, n in on_virtuoso.items() if g in on_oxigraph} == on_oxigraph


#: Catalogue queries Virtuoso 7.2 (Debian 12) cannot answer, though they are standard SPARQL 1.1.
#: Its closure of a path that holds another closure (``(... | owl:intersectionOf/rdf:rest*/rdf:first)*``)
#: misses classes and does not finish within the time limit, and an RDF list cannot be walked without one.
VIRTUOSO_SHORTCOMINGS = {
    "indicated-for-profile.rq": pytest.mark.xfail(run=False, reason=(
        "Virtuoso 7.2 does not finish the superclass closure (a path closure holding an rdf:rest* closure) "
        "within 60 s on this store, and answers it incompletely on its own")),
}


def _catalogue() -> list:
    return [pytest.param(p, id=f"{p.parent.name}/{p.name}", marks=[VIRTUOSO_SHORTCOMINGS[p.name]]
                         if p.name in VIRTUOSO_SHORTCOMINGS else []) for p in user_queries()]


@pytest.mark.parametrize("path", _catalogue())
def test_catalogue_answers_the_same_rows_on_virtuoso(stores, path):
    embedded, virtuoso = stores
    query = load_query(path)
    separators = group_concat_separators(query.text)
    compared = 0
    for params in _param_sets(query):
        on_oxigraph = run_query(query, embedded, params)
        on_virtuoso = run_query(query, virtuoso, params)
        assert on_virtuoso.variables == on_oxigraph.variables
        assert _normalised(on_virtuoso, separators) == _normalised(on_oxigraph, separators), f"{path.name} {params}"
        compared += len(on_oxigraph.rows)
    assert compared > 0, f"{path.name}: no rows to compare"
