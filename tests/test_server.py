"""A real oxigraph server over a store answers every query exactly like the embedded store."""

from __future__ import annotations

import pytest

from _storedata import cohort, params_for, user_queries
from netkg.registry.batch import reason_into_store
from netkg.commands.serve import start_server, stop_server
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore, RemoteStore

pytestmark = pytest.mark.server


def _normalise(rows):
    """Rows as sorted tuples; GROUP_CONCAT cells compared as sets of their tokens."""
    out = []
    for r in rows.rows:
        out.append(tuple(sorted((k, " ".join(sorted(v.split(" "))) if v else v) for k, v in r.items())))
    return sorted(out, key=str)


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "store"
    writer = EmbeddedStore(path)
    reason_into_store(list(cohort()), writer, workers=1)
    writer.close()
    del writer
    embedded = EmbeddedStore(path, read_only=True)
    proc, endpoint = start_server(path)
    try:
        yield embedded, RemoteStore(endpoint)
    finally:
        stop_server(proc)
    assert proc.poll() is not None


@pytest.mark.parametrize("path", user_queries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_backends_return_the_same_rows(stores, path):
    embedded, remote = stores
    q = load_query(path)
    local = run_query(q, embedded, params_for(q))
    served = run_query(q, remote, params_for(q))
    assert local.variables == served.variables
    assert _normalise(local) == _normalise(served)


def test_server_is_read_only(stores):
    import urllib.error
    import urllib.request

    _, remote = stores
    update_url = remote.endpoint.rsplit("/", 1)[0] + "/update"
    req = urllib.request.Request(update_url, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(req, timeout=5)
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"] != "0"


def test_injection_payload_is_inert_remotely(stores):
    _, remote = stores
    from _storedata import ROOT

    before = remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    rows = run_query(ROOT / "queries/cohort/eligible-for-therapy.rq", remote,
                     {"therapy": "https://w3id.org/netkg/X"})
    assert rows.rows == []
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows == before
