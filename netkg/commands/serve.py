"""``netkg serve``: a read-only SPARQL endpoint over a store.

Two processes: the oxigraph server, started with ``--union-default-graph`` so
that a query sees the union of the named graphs as its default graph (exactly
what the embedded store does), listens on a private port of 127.0.0.1; in front
of it the gate of :mod:`netkg.registry.server` (uvicorn) listens on ``--host``
(127.0.0.1 unless told otherwise), checks the access token, refuses SERVICE,
the store download and updates, and forwards read-only queries.  Who can read
what is in docs/security.md.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from netkg.errors import EnvironmentProblem, InputError
from netkg.registry.readiness import refuse_unready
from netkg.registry.store import EmbeddedStore

if TYPE_CHECKING:
    import uvicorn

NAME = "serve"
HELP = ("Serve a store read-only as a SPARQL 1.1 endpoint (/query) on 127.0.0.1, with an optional access token; "
        "any SPARQL client (SPARQLWrapper, curl, a query editor) can use it.")
REINSTALL = "reinstall netkg with its dependencies (in a source checkout: bash scripts/setup.sh)"
TOKEN_VARIABLE = "NETKG_SERVER_TOKEN"
MIN_TOKEN_LENGTH = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, required=True, help="store directory written by 'netkg reason'")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; any other address needs an access token)")
    parser.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    parser.add_argument("--timeout", type=int, default=60, help="per-query time limit in seconds (default 60)")
    parser.add_argument("--token-file", type=Path,
                        help=f"file holding the access token clients send as 'Authorization: Bearer <token>' "
                             f"(default: the {TOKEN_VARIABLE} environment variable; none: no token)")


def read_token(token_file: Optional[Path]) -> Optional[str]:
    """The access token: the first line of ``token_file``, else ``NETKG_SERVER_TOKEN``, else None."""
    if token_file is not None:
        try:
            lines = token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"--token-file: cannot read {token_file}: {exc.__class__.__name__}") from None
        token, source = (lines[0].strip() if lines else ""), f"--token-file {token_file}"
    else:
        token, source = os.environ.get(TOKEN_VARIABLE), TOKEN_VARIABLE
        if token is None:
            return None
        token = token.strip()
    if len(token) < MIN_TOKEN_LENGTH or not token.isprintable() or " " in token:
        raise InputError(f"{source}: an access token is at least {MIN_TOKEN_LENGTH} printable characters "
                         "without spaces (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return token


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only (127.0.0.0/8, ::1 or 'localhost')."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def oxigraph_binary() -> str:
    """The oxigraph server executable: next to this Python, or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    found = shutil.which("oxigraph")
    if not found:
        raise EnvironmentProblem(f"the oxigraph server program (from the 'oxigraph' package) is not installed; {REINSTALL}")
    return found


def oxigraph_command(store: Path, port: int, timeout: int = 60) -> list[str]:
    """The oxigraph server on a private loopback port: read-only, union default graph, time limit."""
    return [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph", "--timeout-s", str(timeout)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_answering(proc: subprocess.Popen, endpoint: str, token: Optional[str], wait_s: float) -> None:
    """Return once ``endpoint`` answers ``ASK {}``; raise :class:`EnvironmentProblem` if ``proc`` stops or is too slow."""
    request = urllib.request.Request(f"{endpoint}?query=ASK%7B%7D")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            message = (proc.stderr.read() or b"").decode(errors="replace").strip() if proc.stderr else ""
            raise EnvironmentProblem(f"the SPARQL server stopped at start: {message or 'exit ' + str(proc.returncode)}")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    stop_server(proc)
    raise EnvironmentProblem(f"the SPARQL server did not answer within {wait_s:g} s")


def start_oxigraph(store: Path, timeout: int = 60, wait_s: float = 30.0) -> tuple[subprocess.Popen, str]:
    """The oxigraph server on a private loopback port, once it answers; returns the process and its /query URL."""
    port = free_port()
    proc = subprocess.Popen(oxigraph_command(store, port, timeout), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}/query"
    _wait_until_answering(proc, endpoint, None, wait_s)
    return proc, endpoint


def start_server(store: Path, port: Optional[int] = None, timeout: int = 60, token: Optional[str] = None,
                 wait_s: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Run ``netkg serve`` in the background; returns the process and the query endpoint once it answers."""
    store = Path(store)
    if not store.is_dir():
        raise InputError(f"--store: no such store directory: {store}")
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k != TOKEN_VARIABLE}
    if token:
        env[TOKEN_VARIABLE] = token
    command = [sys.executable, "-m", "netkg.cli", "serve", "--store", str(store), "--port", str(port),
               "--timeout", str(timeout)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}/query"
    _wait_until_answering(proc, endpoint, token, wait_s)
    return proc, endpoint


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def check_listening(host: str, port: int, token: Optional[str], opens: str, doc: str) -> None:
    """Refuse a port outside 1-65535, and a non-loopback ``host`` without an access token (it would open
    ``opens`` to other machines; ``doc`` says who may read what)."""
    if not 1 <= port <= 65535:
        raise InputError("--port must be between 1 and 65535")
    if token is None and not is_loopback(host):
        raise InputError(f"--host {host} would open {opens} to other machines without an access token; "
                         f"set {TOKEN_VARIABLE} or --token-file (see {doc})")


def asgi_server(app: object, host: str, port: int) -> "uvicorn.Server":
    """uvicorn serving ``app`` on ``host:port``: no access log, no server header, proxy headers ignored."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            proxy_headers=False, server_header=False)
    return uvicorn.Server(config)


def http_url(host: str, port: int, path: str = "/") -> str:
    """The URL of ``path`` on ``host:port`` (an IPv6 address in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{path}"


def _check_arguments(args: argparse.Namespace, token: Optional[str]) -> None:
    if not args.store.is_dir():
        raise InputError(f"--store: no such store directory: {args.store}")
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    check_listening(args.host, args.port, token, "the registry", "docs/security.md")
    store = EmbeddedStore(args.store, read_only=True)
    try:
        refuse_unready(store)  # an interrupted batch, or a knowledge graph of an earlier layout
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    token = read_token(args.token_file)
    _check_arguments(args, token)
    try:
        from netkg.registry.server import GateSettings, make_app
    except ImportError as exc:
        raise EnvironmentProblem(f"the SPARQL server needs {exc.name or 'uvicorn and starlette'}; {REINSTALL}") from None

    def _stop(signum, frame):  # SIGTERM to netkg stops the oxigraph server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    oxigraph, upstream = start_oxigraph(args.store, args.timeout)
    try:
        app = make_app(GateSettings(upstream=upstream, token=token, timeout_s=float(args.timeout)))
        server = asgi_server(app, args.host, args.port)
        print(f"SPARQL endpoint (read-only{', access token required' if token else ''}): "
              f"{http_url(args.host, args.port, '/query')}  -- Ctrl-C to stop", file=sys.stderr)
        server.run()
        return 0
    except KeyboardInterrupt:
        return 0
    except SystemExit:  # uvicorn exits when it cannot listen
        raise EnvironmentProblem(f"cannot listen on {args.host}:{args.port} (in use, or not an address of this machine)") from None
    finally:
        stop_server(oxigraph)
        signal.signal(signal.SIGTERM, previous)
