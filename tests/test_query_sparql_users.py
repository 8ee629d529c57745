"""netkg query for SPARQL users: W3C result formats, predeclared prefixes, short syntax errors, warnings for
values the store does not hold, --print for other clients, and profile questions through the class hierarchy."""

from __future__ import annotations

import io
import json

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.query import Result

from _storedata import EXAMPLE, EXAMPLE_ID, ROOT
from netkg.cli import main
from netkg.errors import InputError
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore
from netkg.registry.writers import write_csv, write_json, write_tsv
from netkg.vocabulary import NETKG

PROFILE = ROOT / "queries/competency/indicated-for-profile.rq"
INDICATED = ROOT / "queries/competency/indicated-for-case.rq"
ELIGIBLE = ROOT / "queries/cohort/eligible-for-therapy.rq"
TRIAL = ROOT / "queries/cohort/cases-with-evidence-from-trial.rq"
CASE_ID = "cohort-01"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("sparql-users") / "store"
    assert main(["reason", str(ROOT / "examples/cohort"), "--store", str(path), "--no-progress"]) == 0
    return path


@pytest.fixture(scope="module")
def store(store_path):
    return EmbeddedStore(store_path, read_only=True)


def _query_file(tmp_path, text: str, name: str = "q.rq"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# A literal with a language, a typed literal, a simple literal, an IRI, a blank node and an unbound value.
MIXED = """# title: mixed terms
SELECT ?rule ?label ?n ?id ?axiom ?none WHERE {
  { SELECT ?rule (COUNT(*) AS ?n) WHERE { ?rule rdfs:subClassOf netkg:RecommendationRule } GROUP BY ?rule }
  ?rule rdfs:label ?label ; rdfs:subClassOf ?axiom .
  FILTER (isBlank(?axiom))
  OPTIONAL { ?rule netkg:statementId ?id }
  OPTIONAL { ?rule netkg:noSuchProperty ?none }
} ORDER BY ?rule LIMIT 5
"""


def _mixed(store, tmp_path):
    return run_query(load_query(_query_file(tmp_path, MIXED)), store, {})


def test_json_is_w3c_sparql_results_json(store, tmp_path):
    rows = _mixed(store, tmp_path)
    out = io.StringIO()
    write_json(rows, out)
    doc = json.loads(out.getvalue())
    assert doc["head"]["vars"] == ["rule", "label", "n", "id", "axiom", "none"]
    first = doc["results"]["bindings"][0]
    assert first["rule"]["type"] == "uri"
    assert first["label"]["type"] == "literal" and first["label"]["xml:lang"] == "en"
    assert first["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert first["id"] == {"type": "literal", "value": first["id"]["value"]}  # a simple literal: no datatype
    assert first["axiom"]["type"] == "bnode"
    assert "none" not in first  # unbound: left out
    parsed = Result.parse(io.StringIO(out.getvalue()), format="json")
    assert [str(v) for v in parsed.vars] == doc["head"]["vars"]
    row = parsed.bindings[0]
    assert isinstance(row[parsed.vars[0]], URIRef) and isinstance(row[parsed.vars[4]], BNode)
    assert row[parsed.vars[1]].language == "en" and row[parsed.vars[2]] == Literal(1)
    assert len(parsed.bindings) == len(rows) == 5


def test_csv_and_tsv_are_w3c_and_read_back(store, tmp_path):
    rows = _mixed(store, tmp_path)
    csv_out, tsv_out = io.StringIO(), io.StringIO()
    write_csv(rows, csv_out)
    write_tsv(rows, tsv_out)
    assert csv_out.getvalue().startswith("rule,label,n,id,axiom,none\r\n")
    assert tsv_out.getvalue().startswith("?rule\t?label\t?n\t?id\t?axiom\t?none\n")
    first_tsv = tsv_out.getvalue().splitlines()[1].split("\t")
    assert first_tsv[0].startswith("<https://w3id.org/netkg/") and first_tsv[1].endswith('"@en')
    assert first_tsv[2].endswith("^^<http://www.w3.org/2001/XMLSchema#integer>") and first_tsv[4].startswith("_:")
    assert first_tsv[5] == ""
    parsed_csv = Result.parse(io.StringIO(csv_out.getvalue()), format="csv")
    parsed_tsv = Result.parse(io.StringIO(tsv_out.getvalue()), format="tsv")
    assert len(parsed_csv.bindings) == len(parsed_tsv.bindings) == len(rows)
    label = parsed_tsv.vars[1]
    assert parsed_tsv.bindings[0][label] == Literal(rows.rows[0]["label"], lang="en")
    assert str(parsed_csv.bindings[0][parsed_csv.vars[0]]) == rows.rows[0]["rule"]


def test_ask_answers_in_json_and_tsv(store, tmp_path):
    rows = run_query(load_query(_query_file(tmp_path, "# title: t\nASK { ?s a netkg:PatientCase }\n")), store, {})
    out = io.StringIO()
    write_json(rows, out)
    assert json.loads(out.getvalue()) == {"head": {}, "boolean": True}
    assert Result.parse(io.StringIO(out.getvalue()), format="json").askAnswer is True
    tsv = io.StringIO()
    write_tsv(rows, tsv)
    assert tsv.getvalue() == "?ask\ntrue\n"


def test_cli_formats(store_path, capsys):
    base = ["query", str(INDICATED), "--store", str(store_path), "--param", f"case={CASE_ID}"]
    assert main(base + ["--format", "srj"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["head"]["vars"][0] == "case" and doc["results"]["bindings"]
    assert main(base + ["--format", "tsv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("?case\t") and f"<https://w3id.org/netkg/case/{CASE_ID}>" in out


# --------------------------------------------------------------------------------------------- prefixes

def test_a_query_without_prefix_declarations_runs(store, tmp_path):
    text = "# title: t\nSELECT ?case ?label WHERE { ?case nkr:recommended ?t . ?t rdfs:label ?label } LIMIT 3\n"
    query = load_query(_query_file(tmp_path, text))
    assert "PREFIX nkr: <https://w3id.org/netkg/report#>" in query.sparql and "PREFIX owl:" not in query.sparql
    assert query.sparql.startswith("# title: t\n")  # the header stays first
    assert len(run_query(query, store, {})) == 3


def test_own_declarations_and_base_are_kept(store, tmp_path):
    text = ("# title: t\nBASE <https://w3id.org/netkg/>\nPREFIX netkg: <https://example.org/other/>\n"
            "SELECT ?c WHERE { ?c a <PatientCase> . FILTER NOT EXISTS { ?c a netkg:PatientCase } } LIMIT 1\n")
    query = load_query(_query_file(tmp_path, text))
    assert query.sparql == text  # nothing to add: netkg: is declared by the query
    assert len(run_query(query, store, {})) == 1  # the query's netkg: (another namespace), not netkg's


def test_an_undeclared_unknown_prefix_names_file_line_and_column(tmp_path):
    path = _query_file(tmp_path, "# title: t\nSELECT ?s WHERE {\n  ?s foaf:name ?n }\n")
    with pytest.raises(InputError) as err:
        load_query(path)
    message = str(err.value)
    assert str(path) in message and "line 3, column 6" in message and "foaf:" in message


def test_a_syntax_error_is_short_and_located(store, tmp_path, capsys):
    path = _query_file(tmp_path, "# title: t\nSELECT ?s WHERE {\n  ?s rdfs:label ?x . FILTER(?x = }\n")
    assert main(["query", str(path), "--case", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "line 3" in err and len(err) < 400 and "Traceback" not in err


def test_a_parse_error_of_the_store_is_short(store):
    with pytest.raises(InputError) as err:  # oxigraph's own message lists its grammar
        store.select("SELECT * WHERE { ?s foo:bar ?o }", timeout=None)
    assert "line 1, column" in str(err.value) and len(str(err.value)) < 300


# --------------------------------------------------------------------------------------------- warnings

@pytest.mark.parametrize("where", ["store", "case"])
def test_unknown_case_or_iri_warns_but_exits_zero(store_path, capsys, where):
    source = ["--store", str(store_path)] if where == "store" else ["--case", str(EXAMPLE)]
    known = CASE_ID if where == "store" else EXAMPLE_ID
    assert main(["query", str(INDICATED), *source, "--param", f"case={known}x", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert f"no stored case has the id '{known}x'" in captured.err and captured.out.count("\n") == 1
    assert main(["query", str(PROFILE), *source, "--param", "profile=netkg:NETG2x", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "parameter 'profile': netkg:NETG2x" in captured.err and "does not occur" in captured.err
    assert main(["query", str(INDICATED), *source, "--param", f"case={known}", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "warning" not in captured.err and captured.out.count("\n") > 1


def test_the_unknown_value_is_bound_not_written_into_the_check(store_path, capsys):
    hostile = 'x> } UNION { ?s ?p ?o'
    assert main(["query", str(ELIGIBLE), "--store", str(store_path), "--param", f"therapy={hostile}"]) == 2
    assert "parameter 'therapy' (iri)" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------- --print

def test_print_binds_parameters_and_needs_no_store(store, capsys):
    assert main(["query", str(INDICATED), "--print", "--param", f"case={CASE_ID}"]) == 0
    text = capsys.readouterr().out
    assert f"VALUES (?case) {{ (<https://w3id.org/netkg/case/{CASE_ID}>) }}" in text
    parseQuery(text)
    assert sorted(map(str, store.select(text, timeout=None).rows)) == \
        sorted(map(str, run_query(INDICATED, store, {"case": CASE_ID}).rows))


def test_print_adds_prefixes_and_serialises_strings_safely(tmp_path, capsys):
    path = _query_file(tmp_path, "# title: t\n# param: s string a text\nSELECT ?s ?x WHERE { ?x rdfs:label ?s }\n")
    value = 'a" } ; DROP ALL ; SELECT * WHERE { "'
    assert main(["query", str(path), "--print", "--param", f"s={value}"]) == 0
    text = capsys.readouterr().out
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text
    assert '"a\\" } ; DROP ALL ; SELECT * WHERE { \\""' in text
    parseQuery(text)


def test_print_checks_parameters(capsys):
    assert main(["query", str(INDICATED), "--print"]) == 2
    assert "missing parameter(s) 'case'" in capsys.readouterr().err


def test_without_a_place_to_run_the_message_names_the_options(capsys):
    assert main(["query", str(INDICATED), "--param", f"case={CASE_ID}"]) == 2
    err = capsys.readouterr().err
    assert "--store" in err and "--endpoint" in err and "--case" in err and "--print" in err


# --------------------------------------------------------------------------------------------- profiles

def _profile(store, profile: str):
    return run_query(PROFILE, store, {"profile": profile}).rows


def test_netg2_profile_finds_rules_naming_a_superclass(store):
    rows = _profile(store, "netkg:NETG2")
    by_therapy = {}
    for r in rows:
        by_therapy.setdefault(r["therapy"], set()).add((r["matched"], r["match"]))
    assert (str(NETKG.LowGradeNET), "superclass") in by_therapy[str(NETKG.Everolimus)]
    assert (str(NETKG.LowGradeNET), "superclass") in by_therapy[str(NETKG.Sunitinib)]
    assert any(r["therapy"] == str(NETKG.SomatostatinAnalog) and r["strength"] == "recommended"
               and r["match"] == "superclass" for r in rows)
    assert any(r["matched"] == str(NETKG.NETG2) and r["match"] == "profile" for r in rows)


def test_nec_profile_finds_platinum_etoposide(store):
    rows = _profile(store, "netkg:NEC")
    assert any(r["rule"] == str(NETKG.NECPlatinumEtoposide) and r["therapy"] == str(NETKG.PlatinumEtoposide)
               and r["match"] == "profile" for r in rows)
    assert not any(r["therapy"] == str(NETKG.Everolimus) for r in rows)  # LowGradeNET is no superclass of NEC


def test_trial_query_finds_the_netter2_case(store):
    rows = run_query(TRIAL, store, {"trial": "NETTER-2"}).rows
    assert rows and all(r["rule"] == str(NETKG.NETTER2FirstLinePRRT) for r in rows)
    assert run_query(TRIAL, store, {"trial": "NO-SUCH-TRIAL"}).rows == []
