"""A work-up, caution, follow-up, prognosis or process note says what of its condition this case meets.

K057's note lists every adverse prognostic factor the sources name (poor performance status, brain
metastases, G3 histology); a tumour board needs to see which of them this patient has. The note keeps the
rule's text and adds, from the classes the case was classified into, the ones its condition names.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

from netkg.cds_hooks.cards import CardContext, options_card, workup_card
from netkg.pipeline import as_record, reason_records
from netkg.report.model import Note, Report
from netkg.report.writers import to_json, to_text

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NEC = yaml.safe_load((EXAMPLES / "nec-sigmoid-liver.yaml").read_text())  # ECOG 1
G2_NET = yaml.safe_load((EXAMPLES / "wd-sigmoid-liver.yaml").read_text())  # ECOG 0, liver and nodes


def _report(case: dict) -> Report:
    return reason_records([as_record(case)], engine="fast")[0].report


def _note(notes: list[Note], statement: str, label: str) -> Note:
    [found] = [n for n in notes if statement in n.source.statements and n.label == label]
    return found


def _adverse(report: Report) -> Note:
    return _note(report.prognosis, "K057", "adverse prognostic factors present")


def _with(case: dict, **changes) -> dict:
    out = copy.deepcopy(case)
    for key, value in changes.items():
        out[key] = value
    return out


def test_an_ecog_1_nec_has_only_g3_histology_among_the_adverse_factors():
    note = _adverse(_report(NEC))
    assert note.met == ["high-grade neuroendocrine neoplasm"]
    assert note.facts["ecog"] == 1


def test_the_same_nec_at_ecog_3_has_poor_performance_status_as_well():
    note = _adverse(_report(_with(NEC, id="nec-ecog-3", ecog=3)))
    assert note.met == ["high-grade neuroendocrine neoplasm", "poor performance status"]
    assert note.facts["ecog"] == 3


def test_a_g2_net_has_the_adverse_factors_note_only_when_one_applies():
    assert not [n for n in _report(G2_NET).prognosis if n.label == "adverse prognostic factors present"]
    with_brain = _with(G2_NET, id="g2-brain", metastatic_sites=["liver", "brain"])
    note = _adverse(_report(with_brain))
    assert [m for m in note.met if "brain" in m] and "poor performance status" not in note.met
    assert "high-grade neuroendocrine neoplasm" not in note.met


def test_a_note_whose_rule_names_nothing_beyond_a_case_adds_nothing():
    process = _note(_report(NEC).process, "K005", "confirm the grade before any therapy")
    assert process.met == [] and process.in_this_case() == ""


def test_text_and_json_show_what_holds_in_this_case():
    report = _report(_with(NEC, id="nec-ecog-3", ecog=3))
    text = " ".join(to_text(report, width=400).split())
    assert "in this case: high-grade neuroendocrine neoplasm, poor performance status" in text
    [entry] = [n for n in json.loads(to_json(report))["prognosis"] if n["statements"] == ["K057"]
               and n["label"] == "adverse prognostic factors present"]
    assert entry["met"] == ["high-grade neuroendocrine neoplasm", "poor performance status"]
    assert entry["facts"]["ecog"] == 3


def test_cds_cards_name_what_holds_in_this_case():
    ctx = CardContext("https://netkg.example", "test", "Patient/p1")
    report = _report(yaml.safe_load((EXAMPLES / "net-g3-prrt.yaml").read_text()))
    card = options_card(ctx, report, [])
    assert card is not None and "(in this case: Ki-67 above 35%)" in card["detail"]
    unknown = _report(yaml.safe_load((EXAMPLES / "net-g3-vs-nec-unknown.yaml").read_text()))
    sstr = _note(unknown.workup, "K046", "work-up: SSTR imaging")
    assert "In this case: SSTR status not recorded" in workup_card(ctx, sstr, graded=False)["detail"]
