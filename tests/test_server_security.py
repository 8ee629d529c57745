"""``netkg serve`` answers read-only queries only: loopback by default, token checked, no SERVICE, no store download."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pytest

from _storedata import EXAMPLE_ID, ROOT, cohort
from netkg.registry.batch import reason_into_store
from netkg.cli import main
from netkg.commands.serve import start_server, stop_server
from netkg.registry.queries import run_query
from netkg.registry.store import EmbeddedStore, RemoteStore

pytestmark = pytest.mark.server

TOKEN = "test-token-0123456789abcdef"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = tmp_path_factory.mktemp("guarded") / "store"
    writer = EmbeddedStore(path)
    reason_into_store(list(cohort())[-5:], writer, workers=1)
    writer.close()
    del writer
    proc, endpoint = start_server(path, token=TOKEN, timeout=2)
    try:
        yield proc, endpoint
    finally:
        stop_server(proc)


def _request(url: str, query: str | None = None, token: str | None = TOKEN, data: bytes | None = None,
             content_type: str = "application/sparql-query") -> tuple[int, bytes]:
    if query is not None and data is None:
        url = f"{url}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_right_token_gets_rows(served):
    _, endpoint = served
    rows = run_query(ROOT / "queries/competency/indicated-for-case.rq", RemoteStore(endpoint, token=TOKEN),
                     {"case": EXAMPLE_ID})
    assert len(rows) > 0


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789abcdef"])
def test_missing_or_wrong_token_is_401(served, token):
    _, endpoint = served
    status, body = _request(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", token=token)
    assert status == 401 and b"uri" not in body


def test_query_command_without_token_names_the_variable(served, capsys, monkeypatch):
    _, endpoint = served
    monkeypatch.delenv("NETKG_SERVER_TOKEN", raising=False)
    code = main(["query", str(ROOT / "queries/competency/indicated-for-case.rq"), "--endpoint", endpoint,
                 "--param", f"case={EXAMPLE_ID}"])
    assert code == 3 and "NETKG_SERVER_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("NETKG_SERVER_TOKEN", TOKEN)
    assert main(["query", str(ROOT / "queries/competency/indicated-for-case.rq"), "--endpoint", endpoint,
                 "--param", f"case={EXAMPLE_ID}", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"]


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?x } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } } } }",
])
def test_service_is_refused(served, query):
    _, endpoint = served
    for status, body in (_request(endpoint, query), _request(endpoint, data=query.encode())):
        assert status == 400 and b"SERVICE" in body


@pytest.mark.parametrize("path", ["/store", "/store?default", "/update", "/", "/query/../store"])
def test_store_download_and_update_are_refused(served, path):
    _, endpoint = served
    base = endpoint.rsplit("/", 1)[0]
    status, body = _request(base + path)
    assert status == 404 and b"<https://w3id.org/netkg" not in body
    status, _ = _request(base + "/update", data=b"CLEAR ALL", content_type="application/sparql-update")
    assert status == 404


def test_updates_sent_as_queries_are_refused(served):
    _, endpoint = served
    status, body = _request(endpoint, data=b"CLEAR ALL")
    assert status == 400 and b"not a SPARQL query" in body
    assert _request(endpoint, "ASK { ?s ?p ?o }")[1].find(b"true") >= 0


def test_listens_on_loopback_only(served):
    proc, _ = served
    server = psutil.Process(proc.pid)
    listening = [c.laddr.ip for p in [server, *server.children(recursive=True)]
                 for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert len(listening) == 2  # the gate and the oxigraph server behind it
    assert all(ip in ("127.0.0.1", "::1") for ip in listening)


def test_query_stopped_at_the_time_limit_is_a_clear_timeout(served, capsys, tmp_path, monkeypatch):
    _, endpoint = served
    status, body = _request(endpoint, HEAVY)
    assert status == 504 and b"time limit" in body
    heavy = tmp_path / "heavy.rq"
    heavy.write_text(f"# title: every triple four times\n{HEAVY}\n")
    monkeypatch.setenv("NETKG_SERVER_TOKEN", TOKEN)
    code = main(["query", str(heavy), "--endpoint", endpoint])
    err = capsys.readouterr().err
    assert code == 2 and "time limit" in err and "Traceback" not in err


def test_large_result_is_refused_not_cut(served):
    _, endpoint = served
    status, body = _request(endpoint, "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    assert status in (413, 504) and b'"bindings"' not in body


def test_other_hosts_need_a_token(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("NETKG_SERVER_TOKEN", raising=False)
    (tmp_path / "store").mkdir()
    code = main(["serve", "--store", str(tmp_path / "store"), "--host", "0.0.0.0"])
    assert code == 2 and "NETKG_SERVER_TOKEN" in capsys.readouterr().err


def test_short_token_is_refused(tmp_path, capsys):
    (tmp_path / "store").mkdir()
    (tmp_path / "token").write_text("short\n")
    code = main(["serve", "--store", str(tmp_path / "store"), "--token-file", str(tmp_path / "token")])
    assert code == 2 and "--token-file" in capsys.readouterr().err
