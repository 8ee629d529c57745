"""Each kind of knowledge (dosing, monitoring, follow-up, evidence, prognosis, work-up, process)
reaches the report of a case it applies to, with its statement id."""

from __future__ import annotations

from pathlib import Path

from netkg.pipeline import recommend

from conftest import EXAMPLES


def run(name: str):
    return recommend(Path(EXAMPLES / name), engine="fast")


def test_dosing() -> None:
    r = run("nec-sigmoid-liver.yaml")
    carbo = next(d for d in r.dosing if d["label"] == "carboplatin plus etoposide dose")
    assert carbo["statements"] == ["K008"] and "AUC 6" in carbo["text"]


def test_monitoring() -> None:
    on_ssa = run("wd-sigmoid-liver.yaml")  # first line: somatostatin analog
    after_ssa = run("pancreatic-net-progressive.yaml")  # progressed on octreotide: sunitinib, PRRT
    assert "K026" in {s for m in on_ssa.monitoring for s in m["statements"]}
    assert {"K033", "K049"} <= {s for m in after_ssa.monitoring for s in m["statements"]}


def test_follow_up() -> None:
    r = run("wd-sigmoid-liver.yaml")
    assert any(n.source.statements == ["K055"] for n in r.followup)


def test_evidence_figures_are_structured() -> None:
    r = run("pancreatic-net-progressive.yaml")
    everolimus = next(e for e in r.evidence if e.get("trial") == "RADIANT-3")
    assert (everolimus["value"], everolimus["comparatorValue"], everolimus["unit"]) == (11, 4.6, "months")
    assert everolimus["statements"] == ["K030"]


def test_prognosis() -> None:
    r = run("nec-sigmoid-liver.yaml")
    colorectal = next(n for n in r.prognosis if "K021" in n.source.statements)
    assert colorectal.evidence and colorectal.evidence[0]["valueLow"] == 5


def test_work_up() -> None:
    r = run("net-g3-vs-nec-unknown.yaml")
    assert {"K005", "K006"} <= {s for n in r.workup for s in n.source.statements}


def test_process_of_care_is_on_every_report() -> None:
    r = run("wd-sigmoid-liver.yaml")
    assert {"K005", "K058"} <= {s for n in r.process for s in n.source.statements}


def test_transplant_criteria_and_caution() -> None:
    r = run("transplant-candidate.yaml")
    transplant = next(f for f in r.items("consider") if f.therapy_label == "liver transplantation")
    assert "K051" in transplant.statements
    assert any("K052" in c.source.statements for c in r.cautions)
