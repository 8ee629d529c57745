"""``netkg format`` after a pure addition: every module's diff is the added block and nothing else."""

from __future__ import annotations

import difflib
import shutil

from netkg.cli import main
from netkg.paths import DEFAULT_ONTOLOGY

NEW_RULE = """
netkg:LowGradeAddedTestRule a owl:Class ;
    rdfs:label "test: an added rule"@en ;
    skos:definition "An added rule, for the test."@en ;
    rdfs:subClassOf netkg:RecommendationRule ,
        [ a owl:Restriction ; owl:onProperty netkg:recommendedTherapy ; owl:someValuesFrom netkg:Everolimus ] ;
    owl:equivalentClass [ a owl:Class ; owl:intersectionOf ( netkg:PatientCase
        [ a owl:Restriction ; owl:onProperty netkg:hasTumour ;
          owl:someValuesFrom [ a owl:Restriction ; owl:onProperty netkg:ki67Index ;
                               owl:someValuesFrom [ a rdfs:Datatype ; owl:onDatatype xsd:decimal ;
                                                    owl:withRestrictions ( [ xsd:maxInclusive 2.0 ] ) ] ] ] ) ] .
"""


def test_a_pure_addition_moves_no_other_block(tmp_path, capsys) -> None:
    modules = tmp_path / "modules"
    shutil.copytree(DEFAULT_ONTOLOGY, modules)
    assert main(["format", "--ontology", str(modules)]) == 0  # the starting point: canonical
    before = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(modules.glob("*.ttl"))}
    with open(modules / "therapies.ttl", "a", encoding="utf-8") as out:  # written anywhere; format files it
        out.write(NEW_RULE)
    assert main(["format", "--ontology", str(modules)]) == 0
    capsys.readouterr()
    after = {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(modules.glob("*.ttl"))}
    assert set(after) == set(before)
    changed = {}
    for name in before:
        diff = [line for line in difflib.unified_diff(before[name], after[name], lineterm="", n=0)
                if not line.startswith(("---", "+++"))]
        if diff:
            changed[name] = diff
    assert list(changed) == ["rules-recommendation.ttl"], list(changed)
    diff = changed["rules-recommendation.ttl"]
    assert not [line for line in diff if line.startswith("-")], diff
    hunks = [line for line in diff if line.startswith("@@")]
    assert len(hunks) == 1, diff  # one contiguous block of added lines
    added = "\n".join(line[1:] for line in diff if line.startswith("+"))
    assert "netkg:LowGradeAddedTestRule" in added and "test: an added rule" in added
