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
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping, Optional, Union

import pyoxigraph as ox

from netkg.cases.record import CASE_ID_PATTERN
from netkg.errors import InputError
from netkg.registry.store import DEFAULT_TIMEOUT_S, Rows, Store, Term
from netkg.vocabulary import NETKG, NKR, case_iri
from netkg.paths import QUERY_ROOT

PARAM_TYPES = ("iri", "string", "integer", "decimal", "case")
PREFIXES = {"netkg": str(NETKG), "nkr": str(NKR)}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str


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
    title, description, params, examples = "", [], [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        key, _, value = body.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        elif key == "example":
            examples.append(value)
        elif key == "param":
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_TYPES or not _NAME.match(parts[0]):
                raise InputError(f"{p}:{n}: '# param:' must be '<name> <{'|'.join(PARAM_TYPES)}> <description>'")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return QueryFile(p, text, title or p.stem, " ".join(description), params, examples)


# ---------------------------------------------------------------------------------------------
# Lexical safety checks

_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.S,
)
QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK"}


def _code_only(query: str) -> str:
    """The query with strings, IRIs and comments blanked out (keywords are left)."""
    return _TOKEN.sub(lambda m: " " * len(m.group(0)) if m.group(0).startswith("#") else "\0" * len(m.group(0)), query)


@lru_cache(maxsize=256)
def check_read_only(query: str) -> str:
    """The form of ``query`` (``SELECT`` or ``ASK``), or an :class:`InputError` saying why it cannot run.

    The query is parsed with rdflib's SPARQL parser, not scanned: updates do not
    parse as queries, ``SERVICE`` (federation) anywhere in the parse tree is
    refused, and so are CONSTRUCT and DESCRIBE, whose answers are graphs, not rows.
    Checked before anything runs; the verdict is cached per query text.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except ParseException as exc:
        raise InputError(f"not a SPARQL query (updates are not allowed: queries are read-only): {exc}") from None
    form = getattr(tree[1], "name", "") if len(tree) > 1 else ""
    if "ServiceGraphPattern" in _node_names(tree):
        raise InputError("SERVICE (federated queries) is not allowed: queries run only on the local store")
    if form not in QUERY_FORMS:
        shown = form.removesuffix("Query").upper() or "this query form"
        raise InputError(f"{shown} queries are not supported; supported query forms: {', '.join(QUERY_FORMS.values())}")
    return QUERY_FORMS[form]


def _node_names(node: object) -> set[str]:
    """The names of every rdflib ``CompValue`` in a SPARQL parse tree."""
    from rdflib.plugins.sparql.parserutils import CompValue

    names: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or hasattr(item, "asList"):
            stack.extend(item)  # type: ignore[arg-type]
    return names


# ---------------------------------------------------------------------------------------------
# Parameters

# xsd:decimal as oxigraph holds it: 128-bit fixed point with 18 fractional digits (|x| < 1.7e20).
# Checked on the written form, without arithmetic: 1e999999999 must not reach the store or a formatter.
DECIMAL_DIGITS = 20
DECIMAL_PLACES = 18
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
_PREFIXED_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,40})?|\.[0-9]{1,40})(?:[eE][+-]?[0-9]{1,10})?")


def to_term(param: Param, value: str) -> Term:
    """The RDF term for a parameter value, or an :class:`InputError` naming the parameter.

    A value is one line as given: control characters (a trailing newline too) are refused,
    and numbers must be finite and within what the store's xsd types hold.
    """
    try:
        if any(not ch.isprintable() and ch != " " for ch in value):
            raise ValueError("control characters (such as a line break) are not allowed")
        return _TERM_OF_TYPE[param.type](value)
    except (ValueError, InvalidOperation) as exc:
        detail = str(exc) if not isinstance(exc, InvalidOperation) else "expected a decimal number"
        raise InputError(f"parameter '{param.name}' ({param.type}): {detail}; got {value[:80]!r}") from None


def _case_term(value: str) -> Term:
    if not re.fullmatch(CASE_ID_PATTERN, value):
        raise ValueError("a case id is 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return ox.NamedNode(str(case_iri(value)))


def _iri_term(value: str) -> Term:
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and _PREFIXED_LOCAL.fullmatch(local):
        value = PREFIXES[prefix] + local
    if not _IRI.fullmatch(value):
        raise ValueError("expected an absolute IRI (e.g. https://w3id.org/netkg/NEC) or netkg:Name")
    return ox.NamedNode(value)


def _integer_term(value: str) -> Term:
    if not _INTEGER.fullmatch(value):
        raise ValueError("expected an integer of at most 18 digits")
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))


def _decimal_term(value: str) -> Term:
    if not _DECIMAL.fullmatch(value):
        raise ValueError("expected a decimal number such as 12.5 or 1.2e3")
    number = Decimal(value)
    if -int(number.as_tuple().exponent) > DECIMAL_PLACES:
        raise ValueError(f"expected at most {DECIMAL_PLACES} digits after the decimal point")
    if number.adjusted() >= DECIMAL_DIGITS:
        raise ValueError(f"expected a decimal number of at most {DECIMAL_DIGITS} digits before the decimal point")
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode(_XSD + "decimal"))


_TERM_OF_TYPE = {"case": _case_term, "iri": _iri_term, "integer": _integer_term, "decimal": _decimal_term,
                 "string": ox.Literal}


def bind_params(query: QueryFile, params: Mapping[str, str]) -> dict[str, Term]:
    """Validate ``params`` against the header and convert them to terms."""
    allowed = {p.name: p for p in query.params}
    shown = ", ".join(f"{p.name} ({p.type})" for p in query.params) or "none"
    for name in params:
        if name not in allowed:
            raise InputError(f"{query.path.name}: unknown parameter '{name}'; allowed parameters: {shown}")
    missing = [p.name for p in query.params if p.name not in params]
    if missing:
        raise InputError(f"{query.path.name}: missing parameter(s) {', '.join(repr(m) for m in missing)}; "
                         f"allowed parameters: {shown}")
    return {name: to_term(allowed[name], value) for name, value in params.items()}


def inline_values(query: str, substitutions: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block of the serialized terms opening its ``WHERE`` group.

    Terms are written by pyoxigraph's N-Triples serializer (``str(term)``), so a
    value can never close the block or add query text.
    """
    code = _code_only(query)
    match = re.search(r"\bWHERE\s*\{", code, re.I) or re.search(r"\{", code)
    if match is None:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    names = sorted(substitutions)
    for name in names:
        if not _NAME.match(name):
            raise InputError(f"invalid parameter name {name!r}")
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(str(substitutions[n]) for n in names)}) }} ")
    return query[:match.end()] + block + query[match.end():]


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
