"""``netkg reason --out``: the N-Quads hold what the store holds (the catalogue answers alike) and the
Parquet findings are the findings of the JSON reports."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pyoxigraph as ox
import pytest
import yaml

from _storedata import ROOT, group_concat_separators, params_for, user_queries, with_sorted_concatenations
from netkg import pipeline
from netkg.cli import main
from netkg.registry.batch import reason_into_store
from netkg.registry.export import CASES_NQ, CASES_PARQUET, FINDINGS_PARQUET, KNOWLEDGE_NQ, export_to_folder
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore
from netkg.report.model import CATEGORIES
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

COHORT = ROOT / "examples" / "cohort"
# The one per-run statement of a case graph: when its report was made.
PER_RUN = {str(NKR.reasonedAt)}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("out")
    summary = export_to_folder(COHORT, folder, workers=1)
    assert summary.ok and summary.reasoned == len(list(COHORT.glob("*.yaml")))
    return folder


@pytest.fixture(scope="module")
def stores(out):
    reasoned = EmbeddedStore(None)
    assert reason_into_store(COHORT, reasoned, workers=1).ok
    loaded = EmbeddedStore(None)
    for name in (KNOWLEDGE_NQ, CASES_NQ):
        loaded.raw.load(path=str(out / name), format=ox.RdfFormat.N_QUADS)
    return reasoned, loaded


def case_quads(store: ox.Store) -> set[str]:
    """The quads of every case graph, the per-run statements without their value."""
    quads = set()
    for q in store.quads_for_pattern(None, None, None, None):
        if q.graph_name == ox.NamedNode(str(ONTOLOGY_GRAPH)):
            continue
        obj = "?" if q.predicate.value in PER_RUN else str(q.object)
        quads.add(f"{q.subject} {q.predicate} {obj} {q.graph_name}")
    return quads


def test_the_nquads_are_the_case_graphs_of_the_store(stores):
    reasoned, loaded = stores
    assert case_quads(loaded.raw) == case_quads(reasoned.raw)
    assert loaded.ontology_version() == reasoned.ontology_version() == pipeline.knowledge().version


@pytest.mark.parametrize("path", user_queries(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_catalogue_answers_alike_on_the_loaded_nquads(stores, path):
    reasoned, loaded = stores
    query = load_query(path)
    params = params_for(query)
    if "case" in params:  # the example case of _storedata is not in the example cohort
        params["case"] = "cohort-01"

    separators = group_concat_separators(query.text)

    def answer(store):
        rows = run_query(query, store, params).rows
        kept = ({k: v for k, v in row.items() if k not in ("reasonedAt", "generated")} for row in rows)
        return sorted(json.dumps(with_sorted_concatenations(row, separators), sort_keys=True) for row in kept)

    assert answer(loaded) == answer(reasoned)


def test_the_parquet_findings_are_the_findings_of_the_json_reports(out):
    expected = []
    for case in sorted(COHORT.glob("*.yaml")):
        report = pipeline.recommend(case, engine="fast").to_dict()
        for category in CATEGORIES:
            for f in report[category]:
                for rule in f["rules"]:
                    levels = [lv["label"] for lv in sorted(rule["evidence_levels"], key=lambda lv: (lv["rank"] or 99, lv["label"]))]
                    expected.append({
                        "case_id": report["case_id"], "category": category, "therapy": f["therapy"],
                        "therapy_label": f["therapy_label"], "rule": rule["iri"], "rule_label": rule["label"],
                        "line": f["line"], "intent": f["intent"], "evidence_levels": levels,
                        "statements": rule["statements"], "sources": rule["sources"],
                        "knowledge_version": report["knowledge_version"], "engine": report["engine"]})
    rows = pq.read_table(out / FINDINGS_PARQUET).to_pylist()
    assert expected and len(rows) == len(expected)
    for row in rows:
        assert row["evidence_level"] == (row["evidence_levels"][0] if row["evidence_levels"] else None)
        assert row.pop("strength").startswith("https://w3id.org/netkg/")
        del row["evidence_level"]

    def key(r):
        return json.dumps(r, sort_keys=True)

    assert sorted(rows, key=key) == sorted(expected, key=key)


def test_the_case_rows_hold_the_key_facts_of_each_report(out):
    rows = {r["case_id"]: r for r in pq.read_table(out / CASES_PARQUET).to_pylist()}
    report = pipeline.recommend(COHORT / "cohort-01.yaml", engine="fast")
    row = rows["cohort-01"]
    assert (row["grade"], row["line"], row["setting"]) == (report.grade, report.key_facts["line of therapy"],
                                                           report.key_facts["stage and setting"])
    assert dict(row["key_facts"]) == report.key_facts


def test_reason_out_reports_invalid_cases_and_leaves_no_temporary_file(tmp_path, capsys):
    cases = tmp_path / "cases.jsonl"
    good = yaml.safe_load((COHORT / "cohort-01.yaml").read_text())
    cases.write_text(json.dumps(good) + "\n{not json\n")
    out = tmp_path / "out"
    assert main(["reason", str(cases), "--out", str(out), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert "invalid:" in captured.err and "(line)" in captured.err
    assert "1 reasoned, 1 invalid" in captured.out
    assert sorted(p.name for p in out.iterdir()) == sorted([CASES_NQ, KNOWLEDGE_NQ, FINDINGS_PARQUET, CASES_PARQUET])
    assert pq.read_table(out / CASES_PARQUET).column("case_id").to_pylist() == ["cohort-01"]


def test_reason_needs_a_store_or_an_out_folder(tmp_path, capsys):
    assert main(["reason", str(COHORT / "cohort-01.yaml")]) == 2
    assert "--out" in capsys.readouterr().err
