"""Running SELECT/ASK queries on a pyoxigraph store, and a worker process that can be stopped.

pyoxigraph 0.5 has no way to cancel a running query (``Store.query`` takes no
time limit or cancellation token, and a query evaluating in a thread cannot be
interrupted).  A query with a time limit on a read-only store on disk therefore
runs in a worker process that opens the same store read-only: when the limit
passes the worker is killed, which stops the work, and the next query starts a
new worker.  The worker is started with ``python -m netkg.registry.query_worker`` rather
than :mod:`multiprocessing`, so that it never re-imports the caller's main
script.  Requests and answers are pickled over the worker's stdin and stdout
(the worker is this package, so its answers are trusted).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable, Mapping, Optional

import pyoxigraph as ox

from netkg.errors import EnvironmentProblem, InputError
from netkg.sparql import QuerySyntaxError, Rows, ask_rows, plain


def evaluate(store: ox.Store, query: str, substitutions: Optional[Mapping[str, Any]], where: str,
             cancelled: Callable[[], bool] = lambda: False) -> Rows:
    """The :class:`netkg.sparql.Rows` of a SELECT or ASK ``query``; errors become netkg errors naming ``where``.

    Reading the solutions stops early once ``cancelled()`` is true (the rows are then incomplete).
    """
    subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        answer = store.query(query, use_default_graph_as_union=True, substitutions=subs or None)
        if isinstance(answer, ox.QueryBoolean):
            return ask_rows(bool(answer))
        if not isinstance(answer, ox.QuerySolutions):
            raise InputError("only SELECT and ASK queries are supported (this is a CONSTRUCT/DESCRIBE query)")
        variables = [v.value for v in answer.variables]
        rows, solutions = [], []
        values: dict[Any, Optional[str]] = {None: None}  # a term's plain value, worked out once per answer
        for solution in answer:
            if cancelled():
                break
            terms = tuple(solution)
            solutions.append(terms)
            rows.append({v: values[t] if t in values else values.setdefault(t, plain(t)) for v, t in zip(variables, terms)})
        return Rows(variables, rows, solutions=solutions)
    except SyntaxError as exc:
        raise _syntax_error(str(exc)) from None
    except OSError as exc:
        raise EnvironmentProblem(f"{where}: {exc}") from None
    except (RuntimeError, ValueError) as exc:  # e.g. a bound variable that is not projected
        raise InputError(f"the query cannot be run: {exc}") from None


def _syntax_error(message: str) -> InputError:
    """oxigraph's parse error (``error at L:C: expected one of <the grammar>``), shortened, with its position."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if match is None:
        return InputError(f"the query is not valid SPARQL: {' '.join(message.split())[:200]}")
    detail = " ".join(match.group(3).split())
    if len(detail) > 120:
        detail = detail[:117] + "..."
    error = QuerySyntaxError(int(match.group(1)), int(match.group(2)), detail)
    error.args = (f"the query is not valid SPARQL: {error}",)
    return error


class QueryWorker:
    """A worker process holding the store at ``path`` open read-only; one query at a time."""

    def __init__(self, path: str, where: str) -> None:
        self.path = path
        self.where = where
        self._lock = threading.Lock()
        self._proc: Optional[subprocess.Popen] = None
        self._send: Optional[Connection] = None
        self._receive: Optional[Connection] = None

    def run(self, query: str, substitutions: Optional[Mapping[str, Any]], timeout: float) -> Optional[Rows]:
        """The answer of the worker, or ``None`` when ``timeout`` passed (the worker is then stopped)."""
        with self._lock:
            self._start()
            assert self._send is not None and self._receive is not None
            try:
                self._send.send((query, dict(substitutions or {})))
                if not self._receive.poll(timeout):
                    self.stop()
                    return None
                kind, value = self._receive.recv()
            except (OSError, EOFError):
                self.stop()
                raise EnvironmentProblem(f"{self.where}: the query worker stopped unexpectedly") from None
        if kind == "error":
            raise value
        return value

    def _start(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self.stop()
        self._proc = subprocess.Popen([sys.executable, "-m", "netkg.registry.query_worker", self.path],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._send = Connection(os.dup(self._proc.stdin.fileno()), readable=False)
        self._receive = Connection(os.dup(self._proc.stdout.fileno()), writable=False)

    def stop(self) -> None:
        """Kill the worker (if any) and wait for it, so that nothing keeps computing."""
        for conn in (self._send, self._receive):
            if conn is not None:
                conn.close()
        self._send = self._receive = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.kill()
            self._proc.wait()
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc = None


def _serve(path: str) -> None:
    """The worker: answer ``(query, substitutions)`` requests from stdin on stdout until stdin closes."""
    receive = Connection(os.dup(0), writable=False)
    send = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers
    where = f"embedded store {path}"
    try:
        store: Optional[ox.Store] = ox.Store.read_only(path)
        failure: Optional[Exception] = None
    except (OSError, RuntimeError) as exc:
        store, failure = None, EnvironmentProblem(f"{where} cannot be opened read-only: {exc}")
    while True:
        try:
            query, substitutions = receive.recv()
        except EOFError:
            return
        try:
            if failure is not None:
                raise failure
            send.send(("rows", evaluate(store, query, substitutions, where)))
        except (InputError, EnvironmentProblem) as exc:
            send.send(("error", exc))


if __name__ == "__main__":
    _serve(sys.argv[1])
