"""A superseded statement is never the reason for a positive where the statement that replaced it applies.

K022 (somatostatin analog first line in metastatic G1/G2 GEP-NET) is superseded by K101 (NETTER-2:
first-line 177Lu-DOTATATE with octreotide LAR in newly diagnosed SSTR-positive GEP-NET with Ki-67 10-55%)
for the cases K101 covers. There the somatostatin-analog positive moves to a "superseded" note naming
K101; outside K101's subgroup it stays, with K022 marked as refined by K101.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from rdflib import Graph, Literal

from netkg.pipeline import reason_records, as_record
from netkg.report.writers import to_json, to_text, to_turtle
from netkg.vocabulary import NETKG, NKR

COHORT = Path(__file__).resolve().parents[1] / "examples" / "cohort"
NEWLY_DIAGNOSED_PNET = yaml.safe_load((COHORT / "current-01-newly-diagnosed-pancreatic-net-ki67-30.yaml").read_text())


def _case(ki67: float, **changes):
    case = {**NEWLY_DIAGNOSED_PNET, "id": f"supersession-ki67-{ki67:g}", **changes}
    case["tumour"] = {**case["tumour"], "ki67": ki67}
    return reason_records([as_record(case)], engine="fast")[0]


def _rules(report, category: str) -> set[str]:
    return {r.iri for f in report.items(category) for r in f.rules}


def test_g2_ki67_15_newly_diagnosed_k101_replaces_k022_as_the_reason():
    r = _case(15).report
    assert str(NETKG.NETTER2FirstLinePRRT) in _rules(r, "recommended")
    assert str(NETKG.LowGradeGEPSomatostatinAnalog) not in _rules(r, "recommended") | _rules(r, "consider")
    assert "K022" not in {s for c in ("recommended", "consider") for f in r.items(c) for s in f.statements}
    [note] = r.superseded
    assert note.rule.iri == str(NETKG.LowGradeGEPSomatostatinAnalog) and note.category == "recommended"
    assert note.therapy == str(NETKG.SomatostatinAnalog)
    assert [b.iri for b in note.by] == [str(NETKG.NETTER2FirstLinePRRT)]
    assert "superseded by K101" in note.text and "K022" in note.text


def test_the_superseded_positive_is_shown_in_every_format():
    reasoned = _case(15)
    r = reasoned.report
    text = to_text(r, width=300)
    assert "Superseded (a newer statement applies to this case)" in text and "[K101]" in text
    data = json.loads(to_json(r))
    assert [s["rule"]["statements"] for s in data["superseded"]] == [["K022"]]
    assert data["superseded"][0]["by"][0]["statements"] == ["K101"]
    g = Graph().parse(data=to_turtle(r, reasoned.facts, reasoned.classification), format="turtle")
    nodes = set(g.subjects(NKR.status, Literal("superseded")))
    assert len(nodes) == 1
    node = nodes.pop()
    assert g.value(node, NKR.rule) == NETKG.LowGradeGEPSomatostatinAnalog
    assert g.value(node, NKR.supersededByRule) == NETKG.NETTER2FirstLinePRRT
    assert (reasoned.facts.case, NKR.recommended, NETKG.SomatostatinAnalog) not in g


def test_outside_k101_subgroup_k022_stays_and_is_marked_refined():
    for r in (_case(5).report,  # Ki-67 below 10%: G1/G2 NET outside NETTER-2
              _case(15, months_since_diagnosis=24).report):  # not newly diagnosed
        finding = next(f for f in r.items("recommended") if f.therapy == str(NETKG.SomatostatinAnalog))
        assert finding.statements == ["K022"]
        assert finding.statement_notes["K022"].startswith("refined by K101 for: ")
        assert "not met by this case" in finding.statement_notes["K022"]
        assert not r.superseded
        assert "K022 (refined by K101 for:" in to_text(r, width=400)


def test_no_superseded_note_where_only_the_newer_statement_applies():
    r = _case(30).report  # NET G3: K022 (G1/G2) does not apply, K101 does
    assert str(NETKG.NETTER2FirstLinePRRT) in _rules(r, "recommended")
    assert not r.superseded
    assert all(not f.statement_notes for c in ("recommended", "consider") for f in r.items(c))
    # K038 (narrowed to non-functioning pancreatic neoplasms) names K131, whose insulinoma rule does not apply
    lap = next(f for f in r.items("not_recommended") if f.statements == ["K038"])
    assert lap.statement_notes["K038"].startswith("refined by K131 for: ")


def test_a_superseded_positive_is_not_reported_as_indicated():
    r = _case(15).report
    assert {s.therapy for s in r.superseded} == {str(NETKG.SomatostatinAnalog)}
    assert str(NETKG.SomatostatinAnalog) not in r.therapies("recommended") | r.therapies("consider")
    assert not (r.therapies("recommended") & (r.therapies("not_recommended") | r.therapies("contraindicated")))
