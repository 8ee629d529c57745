"""The ontology is a folder of modules: each term in exactly one, each module canonical, one merged graph.

The split of the former single edit file was checked once by hand: the merged modules are
isomorphic to ``git show <split>^:ontology/netkg-edit.ttl`` and give the same knowledge version
(2026-11-25 (52fd82464d0c2c13)).
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef

from netkg.cli import main
from netkg.knowledge.modules import (CASE_MODEL, HEADER, ModuleAssignment, family_module, module_texts,
                                     split_modules, top_level_subjects)
from netkg.knowledge.ontology import DEFAULT_ONTOLOGY, Knowledge
from netkg.knowledge.source import load_source, merged_text, module_files, read_graph
from netkg.maintenance.release import noncanonical_files
from netkg.maintenance.revision import ontology_at_revision
from netkg.maintenance.rulebook import rulebook
from netkg.paths import REPO_ROOT
from netkg import vocabulary as V

NEW_RULE = """
PREFIX netkg: <https://w3id.org/netkg/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>

netkg:ZzTestEverolimusLaterLine a owl:Class ;
    rdfs:label "test rule: everolimus in later lines"@en ;
    skos:definition "A rule added by the test suite."@en ;
    rdfs:subClassOf netkg:RecommendationRule ,
        [ a owl:Restriction ; owl:onProperty netkg:considerTherapy ; owl:someValuesFrom netkg:Everolimus ] ;
    owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( netkg:PatientCase
        [ a owl:Restriction ; owl:onProperty netkg:hasTumour ; owl:someValuesFrom netkg:LowGradeNET ] ) ] ;
    netkg:lineOfTherapy netkg:LaterLine ;
    netkg:intent netkg:AntitumourIntent ;
    dcterms:source netkg:Article003 ;
    netkg:statementId "K999" .
"""


@pytest.fixture(scope="module")
def graph() -> Graph:
    return read_graph(DEFAULT_ONTOLOGY)


def _copy_modules(tmp_path: Path) -> Path:
    copy = tmp_path / "modules"
    shutil.copytree(DEFAULT_ONTOLOGY, copy)
    return copy


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in module_files(folder)}


def _removed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line.startswith("-") and not line.startswith("---")]


def test_the_default_ontology_is_the_module_folder():
    assert DEFAULT_ONTOLOGY.is_dir()
    assert not (DEFAULT_ONTOLOGY.parent / "netkg-edit.ttl").exists()
    names = {p.stem for p in module_files(DEFAULT_ONTOLOGY)}
    assert {HEADER, CASE_MODEL, "therapies", "evidence", "sources"} <= names
    assert {family_module(f) for f in V.RULE_FAMILIES} <= names


def test_family_module_names():
    assert family_module(V.RECOMMENDATION_RULE) == "rules-recommendation"
    assert family_module(V.FOLLOWUP_RULE) == "rules-follow-up"
    assert family_module(V.WORKUP_RULE) == "rules-workup"


def test_module_assignment_is_total_and_disjoint(graph):
    parts = split_modules(graph)
    assert sum(len(part) for part in parts.values()) == len(graph)
    merged = Graph()
    for part in parts.values():
        for triple in part:
            merged.add(triple)
    assert merged.isomorphic(graph)
    # every top-level subject is in exactly one module file
    owners: dict[object, list[str]] = {}
    for file in module_files(DEFAULT_ONTOLOGY):
        part = Graph().parse(file, format="turtle")
        for subject in top_level_subjects(part):
            if isinstance(subject, URIRef):
                owners.setdefault(subject, []).append(file.stem)
    named = {s for s in top_level_subjects(graph) if isinstance(s, URIRef)}
    assert set(owners) == named
    assert {s: m for s, m in owners.items() if len(m) != 1} == {}


def test_modules_follow_the_graph(graph):
    assignment = ModuleAssignment(graph)
    assert assignment.module(V.ONTOLOGY_IRI) == HEADER
    assert assignment.module(V.NETKG.NECNoSomatostatinAnalog) == "rules-recommendation"
    assert assignment.module(V.RECOMMENDATION_RULE) == "rules-recommendation"
    assert assignment.module(V.NETKG.Everolimus) == "therapies"
    assert assignment.module(V.NETKG.Article003) == "sources"
    assert assignment.module(V.NETKG.NETG2) == CASE_MODEL
    assert assignment.module(V.NETKG.ki67Index) == CASE_MODEL
    assert assignment.module(V.RECOMMENDED) == HEADER
    assert assignment.module(V.STATEMENT_ID) == HEADER
    anonymous = [s for s in top_level_subjects(graph) if isinstance(s, BNode)]
    assert anonymous and all(assignment.module(s) in (HEADER, CASE_MODEL) for s in anonymous)


def test_every_module_is_canonical_and_carries_the_same_prefixes():
    assert noncanonical_files(DEFAULT_ONTOLOGY) == []
    assert main(["format", "--check"]) == 0
    heads = {text.partition("\n\n")[0] for text in _texts(DEFAULT_ONTOLOGY).values()}
    assert len(heads) == 1


def test_the_version_is_that_of_the_merged_single_file(tmp_path):
    single = tmp_path / "merged.ttl"
    single.write_text(merged_text(DEFAULT_ONTOLOGY), encoding="utf-8")
    assert Knowledge.load(single).version == Knowledge.load(DEFAULT_ONTOLOGY).version
    assert load_source(DEFAULT_ONTOLOGY).content == single.read_bytes()


def test_a_new_rule_is_filed_in_one_module_as_a_pure_addition(tmp_path):
    copy = _copy_modules(tmp_path)
    before = _texts(copy)
    (copy / "scratch.ttl").write_text(NEW_RULE, encoding="utf-8")  # typed into a file of its own
    assert main(["format", "--check", "--ontology", str(copy)]) == 1
    assert main(["format", "--ontology", str(copy)]) == 0
    after = _texts(copy)
    assert set(after) == set(before)  # the scratch file was emptied into its module and removed
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["rules-recommendation.ttl"]
    assert _removed_lines(before[changed[0]], after[changed[0]]) == []
    assert "netkg:ZzTestEverolimusLaterLine" in after[changed[0]]
    assert main(["format", "--check", "--ontology", str(copy)]) == 0


def test_check_names_the_module_holding_a_misfiled_term(tmp_path, capsys):
    copy = _copy_modules(tmp_path)
    rules = copy / "rules-recommendation.ttl"
    head, _, body = rules.read_text(encoding="utf-8").partition("\n\n")
    blocks = body.split("\n.\n\n")
    moved = blocks[0]
    rules.write_text(head + "\n\n" + "\n.\n\n".join(blocks[1:]), encoding="utf-8")
    case_model = copy / "case-model.ttl"
    case_model.write_text(case_model.read_text(encoding="utf-8") + "\n" + moved + "\n.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["format", "--check", "--ontology", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "case-model.ttl" in err and "rules-recommendation.ttl" in err and "therapies.ttl" not in err
    assert main(["format", "--ontology", str(copy)]) == 0
    assert _texts(copy) == _texts(DEFAULT_ONTOLOGY)


def test_the_rule_book_is_current():
    committed = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rulebook(Knowledge.load(DEFAULT_ONTOLOGY)), \
        "regenerate: python -m netkg.maintenance.rulebook docs/rules.md"


def test_a_new_rule_is_a_pure_addition_to_the_rule_book(graph):
    before = rulebook(Knowledge(graph))
    extended = Graph()
    for pfx, ns in graph.namespaces():
        extended.bind(pfx, ns)
    for triple in graph:
        extended.add(triple)
    extended.parse(data=NEW_RULE, format="turtle")
    after = rulebook(Knowledge(extended))
    assert "test rule: everolimus in later lines" in after
    assert _removed_lines(before, after) == []


def _git_available() -> bool:
    return shutil.which("git") is not None and (REPO_ROOT / ".git").exists()


@pytest.mark.skipif(not _git_available(), reason="needs git and the repository history")
def test_the_ontology_at_a_revision_before_and_after_the_split(tmp_path):
    current = ontology_at_revision("HEAD", tmp_path)
    assert current.is_dir() and {p.name for p in module_files(current)}
    assert Knowledge.load(current).version_info
    split = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-list", "-1", "HEAD", "--", "ontology/netkg-edit.ttl"],
                           capture_output=True, text=True, check=True).stdout.strip()
    if not split:
        pytest.skip("the single edit file is not in this history")
    before = ontology_at_revision(f"{split}^", tmp_path)
    assert before.is_file() and before.suffix == ".ttl"
    assert Knowledge.load(before).version_info
