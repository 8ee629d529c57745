"""A registry updates a case: a corrected case, new knowledge or another engine is reasoned again and
replaces the stored report (the replaced one kept as provenance); an unchanged case is skipped; a missing
Java is an environment error that changes nothing stored."""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pyoxigraph as ox
import pytest
import yaml

from _storedata import ROOT
from netkg.registry.batch import reason_into_store
from netkg.cli import main
from netkg.registry.queries import run_query
from netkg.reasoning.reference import ReasonerUnavailable
from netkg.registry.store import EmbeddedStore
from netkg.vocabulary import NETKG, NKR, ONTOLOGY_GRAPH, case_iri

HISTORY = ROOT / "queries" / "cohort" / "case-revisions.rq"
SSA = str(NETKG.SomatostatinAnalog)

WELL_DIFFERENTIATED = {
    "id": "registry-17",
    "age": 58,
    "ecog": 0,
    "tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 5, "sstr_status": "positive",
               "functioning": False},
    "metastatic_sites": ["liver"],
    "liver": {"lesion_count": 5, "resectable": False},
    "disease_course": "stable",
    "primary_resected": True,
    "treatment_history": [],
}


def _time(text: str) -> datetime:
    """An xsd:dateTime as the store returns it (trailing zeros of the fraction dropped)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _examples() -> list[dict]:
    """Three example cases (any valid cases will do)."""
    names = ("nec-sigmoid-liver.yaml", "wd-sigmoid-liver.yaml", "nec-pancreas-elderly.yaml")
    return [yaml.safe_load((ROOT / "examples" / name).read_text()) for name in names]


def _corrected() -> dict:
    case = copy.deepcopy(WELL_DIFFERENTIATED)
    case["tumour"].update(differentiation="poor", ki67=80)
    return case


def _ask(store: EmbeddedStore, pattern: str) -> bool:
    query = f"PREFIX nkr: <{NKR}> ASK {{ {pattern} }}"
    return store.select(query).rows[0]["ask"] == "true"


def _ssa(store: EmbeddedStore, edge: str) -> bool:
    return _ask(store, f"<{case_iri('registry-17')}> nkr:{edge} <{SSA}>")


def _quads(store: EmbeddedStore) -> set[str]:
    """Every quad of the store, blank nodes canonicalized."""
    ds = ox.Dataset(store.raw)
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in ds}


def _history(store: EmbeddedStore) -> list[dict]:
    return run_query(HISTORY, store, {"case": "registry-17"}).rows


def test_corrected_case_is_reasoned_again_and_the_store_answers_the_correction():
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    assert _ssa(store, "recommended") and not _ssa(store, "contraindicated")

    summary = reason_into_store([_corrected()], store, workers=1)

    assert (summary.new, summary.replaced, summary.skipped) == (0, {"case": 1}, 0)
    assert _ssa(store, "contraindicated")
    assert not _ssa(store, "recommended") and not _ssa(store, "consider")
    assert _ask(store, f"<{case_iri('registry-17')}> nkr:grade <{NETKG.NEC}>")
    assert store.case_count() == 1


def test_unchanged_case_is_skipped_whatever_the_order_of_its_keys_and_lists():
    store = EmbeddedStore(None)
    case = dict(WELL_DIFFERENTIATED, metastatic_sites=["liver", "bone"])
    reason_into_store([case], store, workers=1)
    before = _quads(store)
    reordered = {k: case[k] for k in reversed(list(case))}
    reordered["metastatic_sites"] = ["bone", "liver"]
    summary = reason_into_store([reordered], store, workers=1)
    assert (summary.new, summary.replaced, summary.skipped) == (0, {}, 1)
    assert _quads(store) == before


def test_replaced_report_is_kept_as_provenance():
    store = EmbeddedStore(None)
    first = reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    reason_into_store([_corrected()], store, workers=1)

    current, replaced = _history(store)
    assert current["replaced"] is None and replaced["replaced"] is not None
    assert _time(replaced["generated"]) <= _time(replaced["replaced"]) <= _time(current["generated"])
    assert replaced["knowledgeVersion"] == current["knowledgeVersion"] == first.knowledge_version
    assert replaced["engine"] == current["engine"] == "fast"
    assert replaced["caseDigest"] != current["caseDigest"]
    assert replaced["reasons"] == "case"
    assert sorted(replaced["changedFields"].split()) == ["tumour.differentiation", "tumour.ki67"]
    assert "Contraindicated:SomatostatinAnalog" in replaced["findingsAdded"].split()
    assert "Recommended:SomatostatinAnalog" in replaced["findingsRemoved"].split()


def test_every_replacement_is_kept_in_order():
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    reason_into_store([_corrected()], store, workers=1)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    rows = _history(store)
    assert [r["number"] for r in rows] == [None, "2", "1"]
    assert rows[1]["changedFields"] == rows[2]["changedFields"]
    assert _ssa(store, "recommended")


def test_new_knowledge_replaces_the_report_and_names_the_reason():
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    iri = case_iri("registry-17")
    store.raw.update(f'DELETE WHERE {{ GRAPH <{iri}> {{ <{iri}> <{NKR.knowledgeVersion}> ?v }} }} ;'
                     f'INSERT DATA {{ GRAPH <{iri}> {{ <{iri}> <{NKR.knowledgeVersion}> "old" }} }}')
    summary = reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    assert summary.replaced == {"knowledge": 1}
    current, replaced = _history(store)
    assert replaced["knowledgeVersion"] == "old" and replaced["reasons"] == "knowledge"
    assert replaced["changedFields"] is None and replaced["findingsAdded"] is None


def test_reason_summary_names_new_replaced_and_unchanged(tmp_path, capsys):
    folder = tmp_path / "cases"
    folder.mkdir()
    others = _examples()
    for case in others + [WELL_DIFFERENTIATED]:
        (folder / f"{case['id']}.yaml").write_text(yaml.safe_dump(case))
    store = tmp_path / "store"
    assert main(["reason", str(folder), "--store", str(store), "--no-progress", "--workers", "1"]) == 0
    (folder / "registry-17.yaml").write_text(yaml.safe_dump(_corrected()))
    (folder / "new-1.yaml").write_text(yaml.safe_dump(dict(others[0], id="new-1")))
    capsys.readouterr()
    assert main(["reason", str(folder), "--store", str(store), "--no-progress", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert ("5 case(s) read: 1 reasoned new, 1 replaced (1 changed case, 0 new knowledge, 0 other engine), "
            "3 unchanged") in out


# ---------------------------------------------------------------------------------------------
# The engine is part of a report's identity

@pytest.mark.java
def test_other_engine_reasons_the_case_again():
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1, engine="fast")
    summary = reason_into_store([WELL_DIFFERENTIATED], store, workers=1, engine="hermit")
    assert summary.replaced == {"engine": 1}
    assert _ask(store, f'<{case_iri("registry-17")}> nkr:engine "hermit"')
    assert _ssa(store, "recommended")
    again = reason_into_store([WELL_DIFFERENTIATED], store, workers=1, engine="hermit")
    assert (again.new, again.replaced, again.skipped) == (0, {}, 1)
    reason_into_store([_corrected()], store, workers=1, engine="hermit")
    assert _ssa(store, "contraindicated") and not _ssa(store, "recommended")
    assert [r["engine"] for r in _history(store)] == ["hermit", "hermit", "fast"]


# ---------------------------------------------------------------------------------------------
# Missing Java is an environment problem, not 40 invalid cases

def test_missing_java_in_a_batch_raises_and_stores_nothing(monkeypatch):
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    before = _quads(store)
    monkeypatch.setenv("NETKG_JAVA", "/nonexistent/java")
    with pytest.raises(ReasonerUnavailable, match="/nonexistent/java"):
        reason_into_store([_corrected()] + _examples(), store, workers=1, engine="hermit")
    assert _quads(store) == before


def test_missing_java_in_reason_command_exits_3(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "cases"
    folder.mkdir()
    for case in _examples():
        (folder / f"{case['id']}.json").write_text(json.dumps(case))
    store = tmp_path / "store"
    assert main(["reason", str(folder), "--store", str(store), "--no-progress"]) == 0
    before = _quads(EmbeddedStore(store, read_only=True))
    monkeypatch.setenv("NETKG_JAVA", "/nonexistent/java")
    capsys.readouterr()
    assert main(["reason", str(folder), "--store", str(store), "--no-progress", "--engine", "hermit"]) == 3
    captured = capsys.readouterr()
    assert "/nonexistent/java" in captured.err and "invalid" not in captured.err + captured.out
    assert _quads(EmbeddedStore(store, read_only=True)) == before


def test_missing_java_in_query_on_cases_exits_3(tmp_path, capsys, monkeypatch):
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(WELL_DIFFERENTIATED))
    monkeypatch.setenv("NETKG_JAVA", "/nonexistent/java")
    query = ROOT / "queries/cohort/cases-per-indicated-therapy.rq"
    assert main(["query", str(query), "--case", str(case), "--engine", "hermit"]) == 3
    assert "/nonexistent/java" in capsys.readouterr().err


def test_ontology_graph_is_not_a_case():
    store = EmbeddedStore(None)
    reason_into_store([WELL_DIFFERENTIATED], store, workers=1)
    assert set(store.case_identities()) == {str(case_iri("registry-17"))}
    assert str(ONTOLOGY_GRAPH) not in store.case_versions()
