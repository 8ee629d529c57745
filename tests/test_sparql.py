"""The shared SPARQL plumbing: .rq headers, typed parameters, the read-only check and plain rows."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from netkg.errors import InputError
from netkg.sparql import (
    TERM_TYPES,
    Param,
    Rows,
    bind_terms,
    check_read_only,
    inline_values,
    parse_param,
    plain,
    read_header,
    to_term,
)

QUERY = """# title: Therapies of a case
# description: first line
#
# description: second line
# param: case iri The case
# Severity : WARN
PREFIX netkg: <https://w3id.org/netkg/>
# title: not part of the header
SELECT ?case WHERE { ?case a netkg:Case }
"""


def test_header_is_the_leading_comment_block_by_lower_cased_key():
    header = read_header(QUERY)
    assert header["title"] == ["Therapies of a case"]
    assert header["description"] == ["first line", "second line"]
    assert header["param"] == ["case iri The case"]
    assert header["severity"] == ["WARN"]


def test_header_allows_blank_lines_and_ends_at_the_first_code_line():
    assert read_header("\n# title: a\n\n# fix: b\nSELECT * WHERE {}\n# title: c\n") == {"title": ["a"], "fix": ["b"]}
    assert read_header("SELECT * WHERE {}\n# title: a\n") == {}


def test_param_declaration_is_checked():
    assert parse_param("n integer how many", TERM_TYPES) == Param("n", "integer", "how many")
    assert parse_param("n integer", TERM_TYPES) == Param("n", "integer", "")
    for bad in ("n", "n date when", "1n integer x"):
        with pytest.raises(ValueError, match="must be '<name> <iri|string|integer|decimal> <description>'"):
            parse_param(bad, TERM_TYPES)


def test_bind_terms_accepts_exactly_the_declared_parameters_and_extra_types():
    declared = [Param("n", "integer", ""), Param("who", "person", "")]
    types = {**TERM_TYPES, "person": lambda value: ox.NamedNode(f"http://e/{value}")}
    terms = bind_terms(declared, {"n": "3", "who": "ann"}, "q.rq", types)
    assert terms["n"].value == "3" and terms["who"] == ox.NamedNode("http://e/ann")
    with pytest.raises(InputError, match=r"q.rq: unknown parameter 'm'; allowed parameters: n \(integer\)"):
        bind_terms(declared[:1], {"n": "3", "m": "4"}, "q.rq")
    with pytest.raises(InputError, match="missing parameter"):
        bind_terms(declared[:1], {}, "q.rq")
    with pytest.raises(InputError, match="control characters"):
        to_term(Param("s", "string", ""), "a\n")


def test_bound_values_open_the_where_group():
    query = inline_values("SELECT ?s WHERE { ?s ?p ?o }", {"s": ox.Literal('x" } DROP ALL')})
    assert query.startswith('SELECT ?s WHERE { VALUES (?s) { ("x\\" } DROP ALL") }')
    assert check_read_only(query) == "SELECT"


@pytest.mark.parametrize("query,error", [
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT queries are not supported"),
    ("INSERT DATA { <a:a> <b:b> <c:c> }", "updates are not allowed"),
    ("ASK { SERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
])
def test_only_select_and_ask_without_service_run(query, error):
    assert check_read_only("ASK { ?s ?p ?o }") == "ASK"
    with pytest.raises(InputError, match=error):
        check_read_only(query)


def test_plain_values_and_rows():
    assert plain(None) is None
    assert plain(ox.BlankNode("b1")) == "_:b1"
    assert plain(ox.NamedNode("http://e/x")) == "http://e/x"
    assert plain(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))) == "1"
    rows = Rows(["a", "b"], [{"a": "1", "b": None}])
    assert len(rows) == 1 and rows.as_tuples() == [("1", None)]


def test_an_embedded_answer_gives_the_terms_of_its_rows_when_they_are_read_and_after_pickling():
    import pickle

    from netkg.registry.query_worker import evaluate
    from netkg.sparql import json_term

    store = ox.Store()
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    values = [ox.NamedNode("http://e/x"), ox.Literal("1", datatype=xsd_int), ox.Literal("deux", language="fr"),
              ox.Literal("three"), ox.BlankNode("b1")]
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"), value))
    rows = evaluate(store, "SELECT ?s ?o ?unbound WHERE { ?s <http://e/p> ?o } ORDER BY ?s", None, "test")
    expected = [{"s": json_term(ox.NamedNode(f"http://e/s{i}")), "o": json_term(v)} for i, v in enumerate(values)]
    assert rows.rows == [{"s": f"http://e/s{i}", "o": plain(v), "unbound": None} for i, v in enumerate(values)]
    copy = pickle.loads(pickle.dumps(rows))  # the query worker's answer crosses a pipe pickled
    assert rows.terms == expected and copy.terms == expected and copy.rows == rows.rows
    assert expected[2]["o"] == {"type": "literal", "value": "deux", "xml:lang": "fr"}
    assert pickle.loads(pickle.dumps(copy)) == rows


# The quick verdict (oxigraph's parser) must agree with rdflib's wherever it answers.
_CATALOGUE = sorted((__import__("pathlib").Path(__file__).resolve().parent.parent / "queries").rglob("*.rq"))
_REFUSED = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://example.org/a>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DROP ALL",
    "SELECT * WHERE { ?s ?p ",
]


@pytest.mark.parametrize("path", _CATALOGUE, ids=lambda p: p.name)
def test_quick_verdict_equals_rdflib_verdict_on_the_catalogue(path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netkg import sparql

    text = path.read_text()
    quick = sparql.quick_query_form(text + "\n# bound copy")
    assert quick is not None and quick == sparql.check_read_only.__wrapped__(text)


@pytest.mark.parametrize("query", _REFUSED)
def test_quick_verdict_never_admits_what_rdflib_refuses(query: str) -> None:
    from netkg import sparql

    assert sparql.quick_query_form(query) is None
    with pytest.raises(InputError):
        check_read_only(query)


def test_a_newly_bound_query_is_admitted_without_rdflib(monkeypatch: pytest.MonkeyPatch) -> None:
    import rdflib.plugins.sparql.parser as parser

    def no_rdflib(text: str) -> None:
        raise AssertionError("rdflib's parser was used")

    monkeypatch.setattr(parser, "parseQuery", no_rdflib)
    query = 'SELECT ?t WHERE { VALUES ?case { <https://w3id.org/netkg/case/x-17> } ?case ?p ?t }'
    assert check_read_only(query) == "SELECT"
