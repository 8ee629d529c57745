"""SPARQL plumbing shared by the query registry and the quality checks.

* :func:`read_header` -- the comment header of a ``.rq`` file as key -> values; each
  caller reads the keys it knows (the registry ``title``, ``description``, ``param``,
  ``example``; the violation queries ``title``, ``problem``, ``fix``, ``severity``).
* Typed parameters (:class:`Param`, :func:`parse_param`, :func:`to_term`,
  :func:`bind_terms`, :func:`inline_values`): user values become RDF terms that are
  *bound* -- by pyoxigraph's substitutions, or by a ``VALUES`` block of serialized
  terms opening the ``WHERE`` group -- and are never formatted into the query text.
* :func:`check_read_only` -- only SELECT and ASK queries run, and never ``SERVICE``.
* :class:`Rows`, :data:`Term` and :func:`plain` -- answers as plain values: the IRI
  string, the lexical form of a literal, ``_:id`` for a blank node, ``None`` when unbound;
  and, for the W3C result formats, each bound term as a SPARQL 1.1 JSON term (:func:`json_term`).
* :func:`add_prefixes` -- the common prefixes (:data:`SPARQL_PREFIXES`)
  declared for a query that uses them without declaring them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import pyoxigraph as ox

from netkg.errors import InputError
from rdflib.namespace import PROV, RDF, XSD

from netkg.vocabulary import PREFIXES as CURIE_PREFIXES

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]
TermParser = Callable[[str], Term]
#: An RDF term as SPARQL 1.1 Query Results JSON writes it: ``{"type": "uri"|"literal"|"bnode", "value": ...}``,
#: a literal with ``"datatype"`` or ``"xml:lang"`` (a simple literal has neither).
JsonTerm = dict[str, str]


# ---------------------------------------------------------------------------------------------
# Answers

class Rows:
    """The answer of a SELECT (or ASK, as one row with the variable ``ask``) query.

    ``rows``: per row, the plain value of each variable (None when unbound).  ``terms``: per row, the
    bound variables' terms (:data:`JsonTerm`), or None when only the plain values are known; an embedded
    store passes its ``solutions`` (the pyoxigraph terms of each row, in the order of ``variables``)
    instead, and the terms are worked out from them when first read, since most readers never do.
    """

    __slots__ = ("variables", "rows", "_terms", "_solutions", "_table", "boolean")

    def __init__(self, variables: list[str], rows: Optional[list[dict[str, Optional[str]]]] = None,
                 terms: Optional[list[dict[str, JsonTerm]]] = None, boolean: Optional[bool] = None,
                 solutions: Optional[list[tuple[Optional[Term], ...]]] = None) -> None:
        self.variables = variables
        self.rows = rows if rows is not None else []
        self._terms = terms
        self._solutions = solutions if terms is None else None
        self._table: Optional[tuple[list[tuple[int, ...]], list[JsonTerm]]] = None  # the terms as indexes: _tabled()
        #: The answer of an ASK query (None for SELECT).
        self.boolean = boolean

    @property
    def terms(self) -> Optional[list[dict[str, JsonTerm]]]:
        tabled = self._tabled() if self._terms is None else None
        if tabled is not None:
            table, distinct = tabled
            self._terms = [{v: distinct[i] for v, i in zip(self.variables, row) if i >= 0} for row in table]
            self._table = None
        return self._terms

    def _tabled(self) -> Optional[tuple[list[tuple[int, ...]], list[JsonTerm]]]:
        """The terms as rows of indexes into the distinct terms (-1: unbound), each distinct term once as a JSON
        term; worked out from the solutions when first needed.  None when there are no terms to give."""
        if self._table is None and self._solutions is not None:
            index: dict[Term, int] = {}
            table = [tuple(-1 if t is None else index.setdefault(t, len(index)) for t in solution)
                     for solution in self._solutions]
            self._table, self._solutions = (table, [json_term(t) for t in index]), None
        return self._table

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (the query worker's answer) with each distinct term once, as a JSON term, and rows of its indexes."""
        state: dict[str, Any] = {"variables": self.variables, "rows": self.rows, "terms": self._terms,
                                 "boolean": self.boolean}
        tabled = self._tabled() if self._terms is None else None
        if tabled is not None:
            state["table"], state["distinct"] = tabled
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        table, distinct = state.pop("table", None), state.pop("distinct", None)
        self.__init__(**state)  # type: ignore[misc]
        if table is not None:
            self._table = (table, distinct)

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rows):
            return NotImplemented
        return (self.variables, self.rows, self.terms, self.boolean) == (other.variables, other.rows, other.terms,
                                                                          other.boolean)

    def __repr__(self) -> str:
        return f"Rows(variables={self.variables!r}, rows={len(self.rows)}, boolean={self.boolean!r})"

    def as_tuples(self) -> list[tuple[Optional[str], ...]]:
        return [tuple(r.get(v) for v in self.variables) for r in self.rows]


def plain(term: Any) -> Optional[str]:
    """The plain value of a pyoxigraph term (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def json_term(term: Term) -> JsonTerm:
    """A pyoxigraph term as a SPARQL 1.1 Query Results JSON term (see :data:`JsonTerm`)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    datatype = term.datatype.value
    if datatype in (_XSD_STRING, _RDF_LANG_STRING):
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": datatype}


def ask_rows(answer: bool) -> Rows:
    """The :class:`Rows` of an ASK query: one row with the variable ``ask``, and the boolean."""
    return Rows(["ask"], [{"ask": "true" if answer else "false"}], boolean=answer)


# ---------------------------------------------------------------------------------------------
# Headers

def read_header(text: str) -> dict[str, list[str]]:
    """The values of the ``# key: value`` lines of the header of a ``.rq`` text, by lower-cased key.

    The header is the comment lines the text starts with (blank lines between them are
    allowed); it ends at the first line that is neither.  Values keep their order, so a
    key given once has one value and a repeatable key (``param``, ``example``) several.
    """
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, _, value = line[1:].partition(":")
        header.setdefault(key.strip().lower(), []).append(value.strip())
    return header


# ---------------------------------------------------------------------------------------------
# Typed parameters

PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: The prefixes declared for a query that uses them without declaring them (:func:`add_prefixes`) and
#: that an ``iri`` parameter value may use: the vocabularies of the stored graphs (ontology, case
#: facts, reports, revisions).
SPARQL_PREFIXES: dict[str, str] = {**CURIE_PREFIXES, "rdf": str(RDF), "xsd": str(XSD), "prov": str(PROV)}
PREFIXES = SPARQL_PREFIXES
_XSD = "http://www.w3.org/2001/XMLSchema#"

# xsd:decimal as oxigraph holds it: 128-bit fixed point with 18 fractional digits (|x| < 1.7e20).
# Checked on the written form, without arithmetic: 1e999999999 must not reach the store or a formatter.
DECIMAL_DIGITS = 20
DECIMAL_PLACES = 18
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
_PREFIXED_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,40})?|\.[0-9]{1,40})(?:[eE][+-]?[0-9]{1,10})?")


@dataclass(frozen=True)
class Param:
    """A declared query parameter: the variable ``?name``, its type and what it means."""

    name: str
    type: str
    description: str


def parse_param(spec: str, types: Iterable[str]) -> Param:
    """The parameter declared by ``spec`` (``<name> <type> <description>``), or a ValueError saying the form."""
    allowed = list(types)
    parts = spec.split(None, 2)
    if len(parts) < 2 or parts[1] not in allowed or not PARAM_NAME.match(parts[0]):
        raise ValueError(f"'# param: {spec}' must be '<name> <{'|'.join(allowed)}> <description>'")
    return Param(parts[0], parts[1], parts[2] if len(parts) > 2 else "")


def iri_term(value: str) -> Term:
    """An absolute IRI, or a prefixed name (``netkg:Name``, ``nkr:Name``, ``rdfs:label``, ...) expanded."""
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and _PREFIXED_LOCAL.fullmatch(local):
        value = PREFIXES[prefix] + local
    if not _IRI.fullmatch(value):
        raise ValueError("expected an absolute IRI (e.g. https://w3id.org/netkg/NEC) or netkg:Name")
    return ox.NamedNode(value)


def integer_term(value: str) -> Term:
    """An xsd:integer of at most 18 digits."""
    if not _INTEGER.fullmatch(value):
        raise ValueError("expected an integer of at most 18 digits")
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(_XSD + "integer"))


def decimal_term(value: str) -> Term:
    """A finite xsd:decimal within what the store holds."""
    if not _DECIMAL.fullmatch(value):
        raise ValueError("expected a decimal number such as 12.5 or 1.2e3")
    number = Decimal(value)
    if -int(number.as_tuple().exponent) > DECIMAL_PLACES:
        raise ValueError(f"expected at most {DECIMAL_PLACES} digits after the decimal point")
    if number.adjusted() >= DECIMAL_DIGITS:
        raise ValueError(f"expected a decimal number of at most {DECIMAL_DIGITS} digits before the decimal point")
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode(_XSD + "decimal"))


#: The parameter types every query may use; a caller adds its own (the registry adds ``case``).
TERM_TYPES: dict[str, TermParser] = {"iri": iri_term, "string": ox.Literal, "integer": integer_term,
                                     "decimal": decimal_term}


def to_term(param: Param, value: str, types: Mapping[str, TermParser] = TERM_TYPES) -> Term:
    """The RDF term for a parameter value, or an :class:`InputError` naming the parameter.

    A value is one line as given: control characters (a trailing newline too) are refused,
    and numbers must be finite and within what the store's xsd types hold.
    """
    try:
        if any(not ch.isprintable() and ch != " " for ch in value):
            raise ValueError("control characters (such as a line break) are not allowed")
        return types[param.type](value)
    except (ValueError, InvalidOperation) as exc:
        detail = str(exc) if not isinstance(exc, InvalidOperation) else "expected a decimal number"
        raise InputError(f"parameter '{param.name}' ({param.type}): {detail}; got {value[:80]!r}") from None


def bind_terms(declared: Sequence[Param], values: Mapping[str, str], where: str,
               types: Mapping[str, TermParser] = TERM_TYPES) -> dict[str, Term]:
    """The terms of ``values``, which must be exactly the ``declared`` parameters of the query ``where``."""
    allowed = {p.name: p for p in declared}
    shown = ", ".join(f"{p.name} ({p.type})" for p in declared) or "none"
    for name in values:
        if name not in allowed:
            raise InputError(f"{where}: unknown parameter '{name}'; allowed parameters: {shown}")
    missing = [p.name for p in declared if p.name not in values]
    if missing:
        raise InputError(f"{where}: missing parameter(s) {', '.join(repr(m) for m in missing)}; "
                         f"allowed parameters: {shown}")
    return {name: to_term(allowed[name], value, types) for name, value in values.items()}


# ---------------------------------------------------------------------------------------------
# Query text: the read-only check and the VALUES block

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


def inline_values(query: str, substitutions: Mapping[str, Term]) -> str:
    """The query with a ``VALUES`` block of the serialized terms opening its ``WHERE`` group.

    Terms are written by pyoxigraph's N-Triples serializer (``str(term)``), so a
    value can never close the block or add query text.
    """
    at = _where_group_opening(query)
    names = sorted(substitutions)
    for name in names:
        if not PARAM_NAME.match(name):
            raise InputError(f"invalid parameter name {name!r}")
    block = (f" VALUES ({' '.join('?' + n for n in names)}) "
             f"{{ ({' '.join(str(substitutions[n]) for n in names)}) }} ")
    return query[:at] + block + query[at:]


@lru_cache(maxsize=256)
def _where_group_opening(query: str) -> int:
    """Where the ``WHERE`` group of ``query`` opens (just after its brace); cached per query text."""
    code = _code_only(query)
    match = re.search(r"\bWHERE\s*\{", code, re.I) or re.search(r"\{", code)
    if match is None:
        raise InputError("cannot bind parameters: the query has no WHERE group")
    return match.end()


_PREFIX_USE = re.compile(r"(?<![A-Za-z0-9_?$.:-])([A-Za-z][A-Za-z0-9_.-]*)?:")
_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][A-Za-z0-9_.-]*)?:", re.I)


class QuerySyntaxError(InputError):
    """A query that does not parse, with where: ``line`` and ``column`` (1-based) and ``detail``."""

    def __init__(self, line: int, column: int, detail: str) -> None:
        super().__init__(f"syntax error at line {line}, column {column}: {detail}")
        self.line, self.column, self.detail = line, column, detail

    def __reduce__(self) -> tuple:  # sent back from the query worker process, message included
        return _rebuild_syntax_error, (self.line, self.column, self.detail, self.args)


def _rebuild_syntax_error(line: int, column: int, detail: str, args: tuple) -> QuerySyntaxError:
    error = QuerySyntaxError(line, column, detail)
    error.args = args
    return error


def add_prefixes(query: str) -> tuple[str, int]:
    """``query`` with one line declaring the common prefixes it uses but does not declare.

    The line goes after the leading comment lines (the header).  Returns the text and the
    number of the added line (0 when none was needed), so that a position in the answer
    can be given in the query as written.  A prefix that is
    neither declared nor predeclared is a :class:`QuerySyntaxError` at its first use.
    ``BASE`` and the query's own declarations are kept; the added IRIs are absolute.
    """
    code = _code_only(query)
    declared = {m.group(1) or "" for m in _PREFIX_DECLARATION.finditer(code)}
    missing: dict[str, int] = {}
    for m in _PREFIX_USE.finditer(code):
        name = m.group(1) or ""
        if name not in declared and name not in missing:
            missing[name] = m.start()
    unknown = [(at, name) for name, at in missing.items() if name not in SPARQL_PREFIXES]
    if unknown:
        at, name = min(unknown)
        line = code.count("\n", 0, at) + 1
        column = at - (code.rfind("\n", 0, at) + 1) + 1
        raise QuerySyntaxError(line, column, f"prefix '{name}:' is not declared; declare it with PREFIX {name}: <...>"
                                             f" (predeclared: {', '.join(sorted(SPARQL_PREFIXES))})")
    if not missing:
        return query, 0
    declarations = " ".join(f"PREFIX {name}: <{SPARQL_PREFIXES[name]}>" for name in sorted(missing))
    lines = query.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), len(lines))
    if at and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += "\n"
    return "".join(lines[:at]) + declarations + "\n" + "".join(lines[at:]), at + 1


def _syntax_error(exc: Any) -> QuerySyntaxError:
    """A short :class:`QuerySyntaxError` from pyparsing's ``ParseException`` (no grammar dump)."""
    found = exc.line[exc.col - 1:exc.col + 29].strip() if exc.line else ""
    detail = str(exc.msg)
    if len(detail) > 120:
        detail = detail[:117] + "..."
    return QuerySyntaxError(exc.lineno, exc.col, f"{detail}, found {found!r}" if found else f"{detail}, found the end")


@lru_cache(maxsize=256)
def check_read_only(query: str) -> str:
    """The form of ``query`` (``SELECT`` or ``ASK``), or an :class:`InputError` saying why it cannot run.

    The query is parsed with rdflib's SPARQL parser, not scanned: updates do not
    parse as queries, ``SERVICE`` (federation) anywhere in the parse tree is
    refused, and so are CONSTRUCT and DESCRIBE, whose answers are graphs, not rows.
    Checked before anything runs; the verdict is cached per query text.

    A text that cannot hold ``SERVICE`` (the word appears nowhere, and no ``\\u`` escape could spell it)
    is first parsed by oxigraph, on an empty store: a SELECT or ASK it accepts is allowed without
    rdflib's parser, which takes tens of milliseconds for each new text (a served one-case query
    differs by its bound case every time).  Everything else, and every refusal, goes through rdflib
    for the verdict and its message.
    """
    return quick_query_form(query) or parsed_query_form(query)


def parsed_query_form(query: str) -> str:
    """The verdict of :func:`check_read_only` from rdflib's parser alone (tens of milliseconds a new text)."""
    # rdflib builds its SPARQL grammar on import (about 0.08 s): only a process that checks a query pays it.
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except ParseException as exc:
        error = _syntax_error(exc)
        error.args = (f"not a SPARQL query (updates are not allowed: queries are read-only): {error}",)
        raise error from None
    form = getattr(tree[1], "name", "") if len(tree) > 1 else ""
    if "ServiceGraphPattern" in _node_names(tree):
        raise InputError("SERVICE (federated queries) is not allowed: queries run only on the local store")
    if form not in QUERY_FORMS:
        shown = form.removesuffix("Query").upper() or "this query form"
        raise InputError(f"{shown} queries are not supported; supported query forms: {', '.join(QUERY_FORMS.values())}")
    return QUERY_FORMS[form]


def quick_query_form(query: str) -> Optional[str]:
    """SELECT or ASK when oxigraph parses ``query`` as one and it cannot contain SERVICE; else None
    (then only :func:`check_read_only` decides).  Takes well under a millisecond."""
    lowered = query.lower()
    if "service" in lowered or "\\u" in lowered:
        return None
    import pyoxigraph as ox

    try:
        answer = ox.Store().query(query)  # an empty store: parsed and planned, nothing to evaluate
    except (SyntaxError, ValueError, OSError, RuntimeError):
        return None
    if isinstance(answer, ox.QuerySolutions):
        return "SELECT"
    if isinstance(answer, ox.QueryBoolean):
        return "ASK"
    return None


def _node_names(node: object) -> set[str]:
    """The names of every rdflib ``CompValue`` in a SPARQL parse tree."""
    from rdflib.plugins.sparql.parserutils import CompValue  # with the grammar, above

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
