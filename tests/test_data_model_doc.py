"""docs/data-model.md stays true: every report term and case-fact property is documented, and its examples run."""

from __future__ import annotations

import re
import shlex

import pytest

from _storedata import ROOT
from netkg.cases.fields import CASE_FIELDS
from netkg.registry.batch import reason_into_store
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore
from netkg.sparql import SPARQL_PREFIXES
from netkg.vocabulary import NETKG, NKR, curie

DOC = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```sparql\n(.*?)```", DOC, re.S)


@pytest.fixture(scope="module")
def cohort_store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    summary = reason_into_store(ROOT / "examples" / "cohort", store, workers=1)
    assert summary.ok and summary.reasoned > 50
    return store


def _documented(term: str) -> bool:
    return re.search(rf"`[^`]*(?<![A-Za-z]){re.escape(term)}(?![A-Za-z0-9])[^`]*`", DOC) is not None


def test_every_report_term_the_code_writes_is_documented():
    names = {m for path in (ROOT / "netkg").rglob("*.py") for m in re.findall(r"\bNKR\.(\w+)", path.read_text())}
    assert len(names) > 30
    assert sorted(n for n in names if not _documented(f"nkr:{n}")) == []


def test_every_report_term_in_a_reasoned_store_is_documented(cohort_store):
    rows = cohort_store.select(f"""SELECT DISTINCT ?t WHERE {{ {{ ?s ?t ?o }} UNION {{ ?s ?p ?t }}
                                   FILTER (isIRI(?t) && STRSTARTS(STR(?t), "{NKR}")) }}""").rows
    terms = {curie(r["t"]) for r in rows}
    assert {"nkr:finding", "nkr:Recommended", "nkr:caseDigest"} <= terms
    assert sorted(t for t in terms if not _documented(t)) == []


def test_every_case_fact_property_is_documented():
    properties = {p for f in CASE_FIELDS for p in f.properties} | {NETKG.hasTumour}
    assert sorted(curie(p) for p in properties if not _documented(curie(p))) == []
    for f in CASE_FIELDS:
        if f.properties:
            assert f"| `{f.path}` |" in DOC, f"case field {f.path} has no row"


def test_every_predeclared_prefix_is_documented():
    assert sorted(p for p in SPARQL_PREFIXES if f"`{p}:`" not in DOC) == []


def test_the_trial_example_is_there():
    assert any("NETTER-2" in text and "shortCitation" in text for text in EXAMPLES)


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_example_query_runs_on_the_example_cohort(cohort_store, tmp_path, index):
    path = tmp_path / "example.rq"
    path.write_text(EXAMPLES[index], encoding="utf-8")
    query = load_query(path)
    params: dict[str, str] = {}
    for example in query.examples:
        words = shlex.split(example)
        params.update(dict(w.split("=", 1) for w in words[1::2]))
    rows = run_query(query, cohort_store, params)
    assert len(rows) > 0, f"{query.title}: no rows on examples/cohort"
