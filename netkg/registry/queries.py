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
from netkg.sparql import TERM_TYPES, Param, Rows, Term, TermParser, bind_terms, check_read_only, parse_param, \
    read_header
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

    @property
    def name(self) -> str:
        return self.path.stem


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
    check_read_only(query.text)
    return store.select(query.text, terms, timeout=timeout)


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
