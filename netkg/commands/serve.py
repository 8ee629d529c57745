"""``netkg serve``: a read-only SPARQL endpoint over a store (the oxigraph server).

The server is started with ``--union-default-graph`` so that a query sees the
union of the named graphs as its default graph -- exactly what the embedded
store does -- and binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

from netkg.errors import EnvironmentProblem, InputError

NAME = "serve"
HELP = "Serve a store read-only as a SPARQL endpoint on 127.0.0.1 (needs the 'oxigraph' server package)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, required=True, help="store directory written by 'netkg reason'")
    parser.add_argument("--port", type=int, default=7878, help="port on 127.0.0.1 (default 7878)")
    parser.add_argument("--timeout", type=int, default=60, help="per-query time limit in seconds (default 60)")


def oxigraph_binary() -> str:
    """The oxigraph server executable: next to this Python, or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    found = shutil.which("oxigraph")
    if not found:
        raise EnvironmentProblem("the oxigraph server is not installed; install it with: pip install 'netkg[server]'")
    return found


def server_command(store: Path, port: int, timeout: int = 60) -> list[str]:
    return [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph", "--timeout-s", str(timeout)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: Optional[int] = None, timeout: int = 60, wait_s: float = 30.0) -> tuple[subprocess.Popen, str]:
    """Start the server in the background; returns the process and the query endpoint once it answers."""
    store = Path(store)
    if not store.is_dir():
        raise InputError(f"--store: no such store directory: {store}")
    port = port or free_port()
    proc = subprocess.Popen(server_command(store, port, timeout), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    endpoint = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            message = (proc.stderr.read() or b"").decode(errors="replace").strip() if proc.stderr else ""
            raise EnvironmentProblem(f"the oxigraph server stopped at start: {message or 'exit ' + str(proc.returncode)}")
        try:
            with urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=2):
                return proc, endpoint
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    proc.terminate()
    raise EnvironmentProblem(f"the oxigraph server did not answer within {wait_s:g} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(args: argparse.Namespace) -> int:
    if not args.store.is_dir():
        raise InputError(f"--store: no such store directory: {args.store}")
    if not 1 <= args.port <= 65535:
        raise InputError("--port must be between 1 and 65535")
    cmd = server_command(args.store, args.port, args.timeout)
    print(f"SPARQL endpoint (read-only): http://127.0.0.1:{args.port}/query  -- Ctrl-C to stop", file=sys.stderr)
    proc = subprocess.Popen(cmd)

    def _stop(signum, frame):  # SIGTERM to netkg stops the server too
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop_server(proc)
        signal.signal(signal.SIGTERM, previous)
