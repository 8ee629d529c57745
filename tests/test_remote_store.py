"""A SPARQL endpoint that answers badly gives one clear error, never a JSON traceback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from netkg.cli import main
from netkg.errors import EnvironmentProblem
from netkg.registry.store import QueryTimeout, RemoteStore

CUT_OFF = b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled'


def _endpoint(status: int, body: bytes):
    """A one-answer HTTP server on 127.0.0.1 that replies ``status`` and ``body`` to every POST."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server naming)
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/query"


@pytest.fixture
def endpoint(request):
    server, url = _endpoint(*request.param)
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("endpoint", [(200, CUT_OFF)], indirect=True)
def test_cut_off_answer_is_an_environment_error(endpoint, tmp_path, capsys):
    with pytest.raises(EnvironmentProblem, match="incomplete or invalid answer"):
        RemoteStore(endpoint).select("SELECT ?n WHERE { ?s ?p ?n }")
    query = tmp_path / "q.rq"
    query.write_text("# title: t\nSELECT ?n WHERE { ?s ?p ?n }\n")
    code = main(["query", str(query), "--endpoint", endpoint])
    err = capsys.readouterr().err
    assert code == 3 and "incomplete or invalid answer" in err and "JSONDecodeError" not in err


@pytest.mark.parametrize("endpoint", [(504, b"the query did not complete within the time limit")], indirect=True)
def test_gateway_timeout_is_a_query_timeout(endpoint):
    with pytest.raises(QueryTimeout, match="time limit"):
        RemoteStore(endpoint).select("ASK {}")


@pytest.mark.parametrize("endpoint", [(401, b"an access token is required")], indirect=True)
def test_missing_token_names_the_variable(endpoint):
    with pytest.raises(EnvironmentProblem, match="NETKG_SERVER_TOKEN"):
        RemoteStore(endpoint).select("ASK {}")
