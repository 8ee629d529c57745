"""Where reasoned cases live: one SPARQL query interface, two backends.

* :class:`EmbeddedStore` -- pyoxigraph in this process, on a directory (persistent)
  or in memory.  Each reasoned case is one named graph whose name is the case
  IRI; the ontology is the named graph :data:`netkg.vocabulary.ONTOLOGY_GRAPH`.
  Queries see the *union of the named graphs* as their default graph.
* :class:`RemoteStore` -- any SPARQL 1.1 endpoint (normally ``netkg serve``,
  an oxigraph server started with ``--union-default-graph`` so that it answers
  exactly like the embedded store).

Both return a :class:`netkg.sparql.Rows` value: the projected variables and one
dict per solution mapping each variable to the plain value of its term (the IRI
string, the lexical form of a literal, ``_:id`` for a blank node) or ``None``
when unbound.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import math
import re
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper import SPARQLExceptions
from rdflib import BNode, Graph, Literal, URIRef

from netkg import __version__
from netkg.errors import EnvironmentProblem, InputError
from netkg.registry.knowledge_graph import knowledge_graph_triples
from netkg.registry.query_worker import QueryWorker, evaluate
from netkg.sparql import Rows, Term, ask_rows, check_read_only, inline_values
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class StoredIdentity:
    """What a stored case report was reasoned from: see :meth:`EmbeddedStore.case_identities`."""

    knowledge_version: str
    engine: Optional[str] = None
    digest: Optional[str] = None
    reasoned_at: Optional[str] = None
    layout: Optional[str] = None  # what the graph holds (netkg.registry.layout); None: layout 1, not recorded


class QueryTimeout(InputError):
    """The query ran longer than its time limit."""


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped; narrow it or raise the limit")


# ---------------------------------------------------------------------------------------------
# rdflib -> N-Quads, without going through an rdflib serializer (hot path of the batch loader)

def nt_escape(text: str) -> str:
    """The text of a literal escaped for N-Triples and N-Quads (without the quotes)."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))


def nt_term(term: Any) -> str:
    """One rdflib term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:b{term}"
    if isinstance(term, Literal):
        lexical = f'"{nt_escape(str(term))}"'
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype is not None:
            return f"{lexical}^^<{term.datatype}>"
        return lexical
    raise TypeError(f"not an RDF term: {term!r}")


def graph_to_nquads(graph: Iterable[tuple[Any, Any, Any]], graph_name: str) -> str:
    """Every triple of ``graph`` (an rdflib graph or any iterable of triples) as N-Quads in ``graph_name``."""
    g = f"<{graph_name}>"
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {g} .\n" for s, p, o in graph)


# ---------------------------------------------------------------------------------------------
class Store:
    """The query interface both backends implement."""

    kind = "abstract"

    def select(self, query: str, substitutions: Optional[Mapping[str, Term]] = None,
               timeout: Optional[float] = DEFAULT_TIMEOUT_S) -> Rows:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


class EmbeddedStore(Store):
    """pyoxigraph, persistent (``path``) or in memory (``path=None``)."""

    kind = "embedded"

    #: How parameters are bound: "values" (a VALUES block of serialized terms opening the WHERE
    #: group, as for the remote store) or "substitute" (pyoxigraph substitutions).  Both give the
    #: same answers; pyoxigraph 0.5 does not push substitutions into joins, which made a one-case
    #: query on 3,000 cases take 150-650 ms instead of about 1 ms (see docs/benchmarks.md).
    bind_mode = "values"

    def __init__(self, path: Optional[Union[str, Path]] = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._worker: Any = None  # the query worker process of a read-only store (netkg.registry.query_worker)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise EnvironmentProblem(f"store {self.path}: no such store directory")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports corruption as RuntimeError
            raise EnvironmentProblem(_store_problem(self.path, exc)) from None

    def describe(self) -> str:
        return f"embedded store {self.path}" if self.path else "in-memory store"

    @property
    def raw(self) -> ox.Store:
        """The underlying pyoxigraph store (for tests and benchmarks)."""
        return self._store

    # ------------------------------------------------------------------ reading
    def select(self, query: str, substitutions: Optional[Mapping[str, Term]] = None,
               timeout: Optional[float] = DEFAULT_TIMEOUT_S) -> Rows:
        """Run a SELECT or ASK query; ``timeout`` in seconds, or None for no limit.

        Without a limit the query runs in the calling thread.  With one, a read-only store
        on disk answers from a worker process that is killed when the limit passes, so a
        stopped query stops computing (:mod:`netkg.registry.query_worker`).  A store in memory or
        open for writing cannot be shared with a process: its query runs in a thread, and
        at the limit netkg stops waiting and stops reading solutions, but pyoxigraph finishes
        the evaluation step it is in.
        """
        if substitutions and self.bind_mode == "values":
            query, substitutions = inline_values(query, substitutions), None
        if timeout is None:
            return evaluate(self._store, query, substitutions, self.describe())
        if self.read_only and self.path is not None:
            return self._select_in_worker(query, substitutions, timeout)
        return self._select_in_thread(query, substitutions, timeout)

    def _select_in_worker(self, query: str, substitutions: Optional[Mapping[str, Term]], timeout: float) -> Rows:
        if self._worker is None:
            self._worker = QueryWorker(str(self.path), self.describe())
            weakref.finalize(self, self._worker.stop)
        rows = self._worker.run(query, substitutions, timeout)
        if rows is None:
            raise _timed_out(timeout)
        return rows

    def _select_in_thread(self, query: str, substitutions: Optional[Mapping[str, Term]], timeout: float) -> Rows:
        result: dict[str, Any] = {}
        cancel = threading.Event()

        def work() -> None:
            try:
                result["rows"] = evaluate(self._store, query, substitutions, self.describe(), cancel.is_set)
            except BaseException as exc:  # surfaced in the calling thread
                result["error"] = exc

        thread = threading.Thread(target=work, name="netkg-query", daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            cancel.set()
            raise _timed_out(timeout)
        if "error" in result:
            raise result["error"]
        return result["rows"]

    def has_case(self, case_iri: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(str(case_iri)))

    def case_versions(self) -> dict[str, str]:
        """Knowledge version of every stored case graph, keyed by case IRI."""
        return {iri: identity.knowledge_version for iri, identity in self.case_identities().items()}

    def case_identities(self) -> dict[str, StoredIdentity]:
        """What identifies the report of every stored case graph, keyed by case IRI.

        Read from the statements a case graph makes about its case (the graph name): its
        knowledge version, engine, case digest, time of reasoning (see docs/registry-updates.md)
        and graph layout (:mod:`netkg.registry.layout`).
        """
        fields = {str(NKR.knowledgeVersion): "knowledge_version", str(NKR.engine): "engine",
                  str(NKR.caseDigest): "digest", str(NKR.reasonedAt): "reasoned_at", str(NKR.graphLayout): "layout"}
        found: dict[str, dict[str, str]] = {}
        for predicate, name in fields.items():
            for quad in self._store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                graph = quad.graph_name
                if (isinstance(graph, ox.NamedNode) and quad.subject == graph
                        and graph.value != str(ONTOLOGY_GRAPH)):
                    found.setdefault(graph.value, {})[name] = quad.object.value
        return {iri: StoredIdentity(**values) for iri, values in found.items() if "knowledge_version" in values}

    def graph_quads(self, name: str) -> list[ox.Quad]:
        """Every quad of the named graph ``name`` (empty when there is no such graph)."""
        return list(self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))))

    def case_count(self) -> int:
        return sum(1 for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != str(ONTOLOGY_GRAPH))

    # ------------------------------------------------------------------ writing
    def _writable(self) -> None:
        if self.read_only:
            raise EnvironmentProblem(f"{self.describe()} is open read-only")

    def replace_case_graph(self, case_iri: str, graph: Graph) -> None:
        """Replace the named graph of one case with ``graph``, atomically (one transaction)."""
        self.replace_graph(case_iri, graph_to_nquads(graph, case_iri))

    def replace_graph(self, name: str, nquads: str) -> None:
        """Replace the named graph ``name`` by the quads ``nquads`` (all in that graph), in one transaction.

        pyoxigraph 0.5 offers no transaction to Python code other than one update request, so the
        graph is dropped and refilled by a single SPARQL update: it is always either the old graph
        or the new one, never a mix or empty in between.
        """
        self._writable()
        try:
            quads = list(ox.parse(input=nquads, format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise EnvironmentProblem(f"{self.describe()}: cannot write graph {name}: {exc}") from None
        target = f"<{name}>"
        if any(str(q.graph_name) != target for q in quads):
            raise ValueError(f"replace_graph({name}): every quad must be in the graph {target}")
        body = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
        try:
            self._store.update(f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{body}}} }}")
        except (OSError, SyntaxError) as exc:
            raise EnvironmentProblem(f"{self.describe()}: cannot write graph {name}: {exc}") from None

    def add_case_graphs(self, nquads: str) -> None:
        """Add new case graphs given as N-Quads, in one transaction (all or nothing)."""
        self._writable()
        if not nquads:
            return
        try:
            self._store.load(nquads, ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise EnvironmentProblem(f"{self.describe()}: cannot write cases: {exc}") from None

    def load_ontology(self, knowledge: Any) -> None:
        """Put the ontology into its named graph, replacing an older copy.

        The graph is :func:`netkg.registry.knowledge_graph.knowledge_graph_triples`: the knowledge, its
        version (``<ontology graph> nkr:knowledgeVersion "..."``), its layout and the therapy kinds.
        """
        g = Graph()
        for triple in knowledge_graph_triples(knowledge):
            g.add(triple)
        self.replace_case_graph(str(ONTOLOGY_GRAPH), g)

    def ontology_version(self) -> Optional[str]:
        """The knowledge version of the stored ontology, or None when it is not loaded."""
        return self.ontology_value(NKR.knowledgeVersion)

    def ontology_value(self, prop: Any) -> Optional[str]:
        """The value of ``<ontology graph> prop ?value`` in the ontology graph, or None."""
        name = ox.NamedNode(str(ONTOLOGY_GRAPH))
        for quad in self._store.quads_for_pattern(name, ox.NamedNode(str(prop)), None, name):
            return quad.object.value
        return None

    def ontology_loaded(self) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(str(ONTOLOGY_GRAPH)))

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            try:
                self._store.flush()
            except OSError as exc:
                raise EnvironmentProblem(f"{self.describe()}: {exc}") from None

    def close(self) -> None:
        """Release the store (pyoxigraph closes the database when the object is freed)."""
        self.flush()
        if self._worker is not None:
            self._worker.stop()
        self._store = None  # type: ignore[assignment]


def _store_problem(path: Optional[Path], exc: Exception) -> str:
    text = str(exc)
    if "LOCK" in text or re.search(r"\block(ed)?\b|lock file", text, re.IGNORECASE):  # not "block"
        return (f"store {path} is locked: another netkg process (or an oxigraph server) has it open for writing; "
                f"stop it, or open the store read-only")
    if "read-only file system" in text.lower() or "os error 30" in text:
        return (f"store {path} is on a read-only file system, so it cannot be opened for writing; "
                f"query it read-only (netkg query --store, netkg serve) or copy it to a writable place")
    if "permission denied" in text.lower() or "os error 13" in text:
        return f"store {path}: permission denied; check who owns the folder, or open the store read-only"
    return f"store {path} cannot be opened (corrupt or not an oxigraph store?): {text}"


_HTTP_STATUS_OF_ERROR = {
    SPARQLExceptions.QueryBadFormed: 400,
    SPARQLExceptions.Unauthorized: 401,
    SPARQLExceptions.EndPointNotFound: 404,
    SPARQLExceptions.URITooLong: 414,
    SPARQLExceptions.EndPointInternalError: 500,
}
"""The HTTP status behind each error SPARQLWrapper raises."""


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, queried over HTTP POST with JSON results.

    ``token`` is sent as ``Authorization: Bearer <token>`` (see ``netkg serve``).
    Every failure is a clear error: a refused or malformed query is bad input,
    a query stopped at the server's time limit is a :class:`QueryTimeout`, an
    answer that is not complete SPARQL JSON (a server that cut the result short)
    or an unreachable endpoint is an environment problem.
    """

    kind = "remote"

    def __init__(self, endpoint: str, token: Optional[str] = None) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(f"--endpoint: expected an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self.token = token

    def describe(self) -> str:
        return f"SPARQL endpoint {self.endpoint}"

    def select(self, query: str, substitutions: Optional[Mapping[str, Term]] = None,
               timeout: Optional[float] = DEFAULT_TIMEOUT_S) -> Rows:
        # The form and the read-only verdict of the query as written (cached per text): a VALUES block of
        # serialized terms cannot change them.
        form = check_read_only(query)
        if substitutions:
            query = inline_values(query, substitutions)
        return _rows_from_json(self._post(query, form, timeout), self.describe())

    def _post(self, query: str, form: str, timeout: Optional[float]) -> Any:
        """The decoded JSON answer of the endpoint to ``query``, sent with SPARQLWrapper (HTTP POST).

        The query goes as the form field ``query`` (``application/x-www-form-urlencoded``), the
        POST every SPARQL 1.1 server accepts: Virtuoso 7.2 never answers a query POSTed directly
        as ``application/sparql-query``.  The query form is set from netkg's own parse:
        SPARQLWrapper's guess reads words of ``#`` comments (a header saying "added" made it send
        an update).
        """
        sparql = SPARQLWrapper(self.endpoint, agent=f"netkg/{__version__}")
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setReturnFormat(JSON)
        sparql.queryString = query  # what setQuery sets, without its regular-expression guess of the form
        sparql.queryType = form
        if timeout:
            sparql.setTimeout(max(1, math.ceil(timeout)))
        if self.token:
            sparql.addCustomHttpHeader("Authorization", f"Bearer {self.token}")
        statuses = _HTTP_STATUS_OF_ERROR
        try:
            body = sparql.query().response.read()
        except tuple(statuses) as exc:  # type: ignore[misc]
            _check_status(statuses[type(exc)], str(exc), self.describe())
            raise
        except urllib.error.HTTPError as exc:
            _check_status(exc.code, exc.read().decode("utf-8", "replace"), self.describe())
            raise
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
        except (urllib.error.URLError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), (socket.timeout, TimeoutError)):
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped") from None
            raise EnvironmentProblem(f"{self.describe()} cannot be reached: {exc}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise EnvironmentProblem(
                f"{self.describe()} returned an incomplete or invalid answer (not SPARQL JSON results); "
                "the server may have stopped the query at its time limit") from None


def _check_status(status: int, text: str, where: str) -> None:
    """Raise the error an HTTP status other than 200 stands for."""
    detail = " ".join(text.split())[:300]
    if status == 200:
        return
    if status == 401:
        raise EnvironmentProblem(f"{where} needs an access token: set NETKG_SERVER_TOKEN or --token-file ({detail})")
    if status == 403:
        raise EnvironmentProblem(f"{where} refused the access token or the request: {detail}")
    if status == 504:
        raise QueryTimeout(f"{where}: {detail}")
    if 400 <= status < 500:
        raise InputError(f"the endpoint rejected the query (HTTP {status}): {detail}")
    raise EnvironmentProblem(f"{where} failed (HTTP {status}): {detail}")


def _rows_from_json(data: Any, where: str) -> Rows:
    """:class:`Rows` from SPARQL 1.1 JSON results."""
    if not isinstance(data, dict):
        raise EnvironmentProblem(f"{where} did not answer with SPARQL JSON results")
    if "boolean" in data:
        return ask_rows(bool(data["boolean"]))
    variables = list(data.get("head", {}).get("vars", []))
    rows, terms = [], []
    for binding in data.get("results", {}).get("bindings", []):
        row: dict[str, Optional[str]] = {}
        bound: dict[str, dict[str, str]] = {}
        for v in variables:
            b = binding.get(v)
            if b is None:
                row[v] = None
                continue
            kind = "literal" if b.get("type") == "typed-literal" else b.get("type")  # the older SPARQL JSON form
            bound[v] = {"type": kind, "value": b["value"],
                        **{k: b[k] for k in ("datatype", "xml:lang") if k in b and kind == "literal"}}
            row[v] = f"_:{b['value']}" if kind == "bnode" else b["value"]
        rows.append(row)
        terms.append(bound)
    return Rows(variables, rows, terms)


def open_store(path: Optional[Union[str, Path]] = None, endpoint: Optional[str] = None,
               read_only: bool = False) -> Store:
    """The store at ``path`` (None: in memory) or the endpoint at ``endpoint``."""
    if path is not None and endpoint is not None:
        raise InputError("give either a store path or an endpoint, not both")
    if endpoint is not None:
        return RemoteStore(endpoint)
    return EmbeddedStore(path, read_only=read_only)


def iter_named_graphs(store: EmbeddedStore) -> Iterable[str]:
    for g in store.raw.named_graphs():
        if isinstance(g, ox.NamedNode):
            yield g.value
