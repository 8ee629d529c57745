"""Named SPARQL queries with typed parameters, run read-only against a store.

A query file (``.rq``) starts with a header of comment lines::

    # title: Therapies indicated for a case
    # description: Recommended and to-consider therapies of one reasoned case.
    # param: case case The case id (as in the case file)
    # example: --param case=seed1-nec-sigmoid-liver

Parameter types: ``iri`` (absolute IRI, or ``netkg:Name`` / ``nkr:Name``),
``string``, ``integer``, ``decimal`` and ``case`` (a case id, turned into the
case IRI).  A parameter ``p`` is the variable ``?p`` of the query.

User values are never formatted into the query text: they are converted to RDF
terms and *bound* -- by pyoxigraph's substitutions on the embedded store, and by
a ``VALUES`` block of properly serialized terms at the start of the ``WHERE``
group for a remote endpoint.  Queries are checked before running: update
operations and ``SERVICE`` (federation) are refused, and a time limit applies.
The header reading, the binding and the read-only check are :mod:`netkg.sparql`.

The common prefixes (``netkg:``, ``nkr:``, ``rdf:``, ``rdfs:``, ``owl:``, ``xsd:``, ``skos:``,
``dcterms:``, ``prov:``, ...; :data:`netkg.sparql.SPARQL_PREFIXES`) are declared for a
query that uses them without declaring them (:attr:`QueryFile.sparql`), and
:func:`bound_query` gives the text a SPARQL client can send as it is, with the parameters
bound.  :func:`unmatched_params` names the ``iri`` and ``case`` values the store does not
hold (a misspelt class or case id answers with no rows, not with an error).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Union

import pyoxigraph as ox

from netkg.cases.fields import CASE_ID_PATTERN
from netkg.errors import InputError
from netkg.paths import QUERY_ROOT
from netkg.registry.store import DEFAULT_TIMEOUT_S, Store
from netkg.sparql import TERM_TYPES, Param, QuerySyntaxError, Rows, Term, TermParser, add_prefixes, bind_terms, \
    check_read_only, inline_values, parse_param, read_header
from netkg.vocabulary import case_iri


def _case_term(value: str) -> Term:
    if not re.fullmatch(CASE_ID_PATTERN, value):
        raise ValueError("a case id is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return ox.NamedNode(str(case_iri(value)))


#: The parameter types of a named query: the SPARQL ones and ``case`` (a case id, bound as the case IRI).
QUERY_TERM_TYPES: dict[str, TermParser] = {**TERM_TYPES, "case": _case_term}
PARAM_TYPES = tuple(QUERY_TERM_TYPES)


@dataclass
class QueryFile:
    """A query with its header."""

    path: Path
    text: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    #: The text that runs: ``text`` with the common prefixes it uses but does not declare.
    sparql: str = ""
    #: The number of the line :attr:`sparql` adds to ``text`` (0: none), to give error positions in the file.
    added_line: int = 0

    def __post_init__(self) -> None:
        if not self.sparql:
            try:
                self.sparql, self.added_line = add_prefixes(self.text)
            except QuerySyntaxError as exc:
                raise self.located(exc) from None

    @property
    def name(self) -> str:
        return self.path.stem

    def located(self, error: QuerySyntaxError) -> InputError:
        """``error`` (at a position in :attr:`sparql`) as an error naming this file and the line as written."""
        line = error.line - 1 if self.added_line and error.line > self.added_line else error.line
        return InputError(f"{self.path}: SPARQL syntax error at line {line}, column {error.column}: {error.detail}")


def load_query(path: Union[str, Path]) -> QueryFile:
    """Read a ``.rq`` file and its header; a malformed header is an :class:`InputError`."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"query file not found: {p}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: cannot be read as UTF-8 text ({exc.__class__.__name__})") from None
    header = read_header(text)
    try:
        params = [parse_param(spec, PARAM_TYPES) for spec in header.get("param", [])]
    except ValueError as exc:
        raise InputError(f"{p}: {exc}") from None
    title = (header.get("title") or [""])[-1]
    return QueryFile(p, text, title or p.stem, " ".join(header.get("description", [])), params,
                     header.get("example", []))


def bind_params(query: QueryFile, params: Mapping[str, str]) -> dict[str, Term]:
    """Validate ``params`` against the header of ``query`` and convert them to terms."""
    return bind_terms(query.params, params, query.path.name, QUERY_TERM_TYPES)


def run_query(query_file: Union[str, Path, QueryFile], store: Store, params: Optional[Mapping[str, str]] = None,
              timeout: Optional[float] = DEFAULT_TIMEOUT_S) -> Rows:
    """Run a named query with its parameters bound, read-only, within ``timeout`` seconds (None: no limit)."""
    query = query_file if isinstance(query_file, QueryFile) else load_query(query_file)
    terms = bind_params(query, dict(params or {}))
    try:
        check_read_only(query.sparql)
        return store.select(query.sparql, terms, timeout=timeout)
    except QuerySyntaxError as exc:
        raise query.located(exc) from None


def bound_query(query: QueryFile, params: Mapping[str, str]) -> str:
    """The text of ``query`` with the common prefixes declared and ``params`` bound, for any SPARQL client.

    The values are checked against the header and written as serialized RDF terms in a
    ``VALUES`` block opening the ``WHERE`` group -- the binding netkg itself sends to a
    remote endpoint -- so the text answers like ``netkg query`` and a value cannot add query text.
    """
    terms = bind_params(query, dict(params))
    try:
        check_read_only(query.sparql)
    except QuerySyntaxError as exc:
        raise query.located(exc) from None
    return inline_values(query.sparql, terms) if terms else query.sparql


_CASE_STORED = "ASK WHERE { GRAPH ?term { ?term ?p ?o } }"
_TERM_USED = "ASK WHERE { { ?term ?p ?o } UNION { ?s ?p ?term } }"


def unmatched_params(query: QueryFile, store: Store, params: Mapping[str, str],
                     timeout: Optional[float] = DEFAULT_TIMEOUT_S) -> list[str]:
    """A warning for each ``case`` value that names no stored case and each ``iri`` value the store never uses.

    Checked by a bound ASK per parameter (the value is never written into the query text):
    an ``iri`` must occur as the subject or object of a triple, a ``case`` must have its graph.
    """
    terms = bind_params(query, dict(params))
    kinds = {p.name: p.type for p in query.params}
    warnings = []
    for name, term in sorted(terms.items()):
        if kinds[name] == "case":
            if store.select(_CASE_STORED, {"term": term}, timeout=timeout).boolean is False:
                warnings.append(f"parameter '{name}': no stored case has the id {params[name]!r}")
        elif kinds[name] == "iri":
            if store.select(_TERM_USED, {"term": term}, timeout=timeout).boolean is False:
                warnings.append(f"parameter '{name}': {params[name]} ({term.value}) does not occur in "
                                f"{store.describe()}; is it misspelt?")
    return warnings


# ---------------------------------------------------------------------------------------------
# Catalogue

def query_files(root: Path = QUERY_ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("*.rq"))


def catalogue(root: Path = QUERY_ROOT) -> str:
    """``docs/queries.md``: every query with its title, description, parameters and example."""
    out = ["# Query catalogue", "",
           "Generated from the headers of the `.rq` files under `queries/` by "
           "`python -m netkg.registry.queries docs/queries.md`; do not edit by hand.", "",
           "Run a query with `netkg query FILE --store PATH --param name=value` "
           "(or `--endpoint URL`, or `--case CASEFILE` to reason cases into a temporary store first).", ""]
    groups: dict[str, list[QueryFile]] = {}
    for path in query_files(root):
        groups.setdefault(path.parent.relative_to(root).as_posix(), []).append(load_query(path))
    for group, queries in sorted(groups.items()):
        out += [f"## {group}", ""]
        for q in queries:
            rel = q.path.relative_to(root.parent).as_posix()
            out += [f"### {q.title}", "", f"`{rel}`", ""]
            if q.description:
                out += [q.description, ""]
            if q.params:
                out += ["| parameter | type | meaning |", "|---|---|---|"]
                out += [f"| `{p.name}` | {p.type} | {p.description} |" for p in q.params]
                out.append("")
            for ex in q.examples:
                out += ["```", f"netkg query {rel} --store STORE {ex}".rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/queries.md")
    target.write_text(catalogue(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
