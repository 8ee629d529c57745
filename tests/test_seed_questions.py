"""Each seed question of the source articles, answered by `netkg recommend` as the article answers it.

These run on HermiT, the reference reasoner.
"""

from __future__ import annotations

import json

import pytest

from netkg.cli import main
from netkg.vocabulary import NETKG

from conftest import EXAMPLES

pytestmark = pytest.mark.java


def report_for(name: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["recommend", str(EXAMPLES / name), "--format", "json", "--engine", "hermit"]) == 0
    return json.loads(capsys.readouterr().out)


def therapies(report: dict, category: str) -> set[str]:
    return {item["therapy"] for item in report[category]}


def test_sigmoid_nec_with_multiple_liver_metastases(capsys: pytest.CaptureFixture[str]) -> None:
    r = report_for("nec-sigmoid-liver.yaml", capsys)
    assert r["grade"] == str(NETKG.NEC)
    # K007 (platinum plus etoposide) and, from current evidence, K115: carboplatin plus etoposide is the
    # preferred first-line regimen in digestive NEC (ENETS 2023), not only for the elderly or unfit (K010).
    assert therapies(r, "recommended") == {str(NETKG.PlatinumEtoposide), str(NETKG.CarboplatinEtoposide)}
    assert str(NETKG.SomatostatinAnalog) in therapies(r, "contraindicated")
    assert str(NETKG.TargetedTherapy) in therapies(r, "not_recommended")
    liver_directed = next(i for i in r["not_recommended"] if i["therapy"] == str(NETKG.LiverDirectedTherapy))
    assert liver_directed["line"] == ["first line"]
    assert str(NETKG.ColorectalCancerRegimen) in therapies(r, "not_recommended")  # FOLFOX, FOLFIRI
    # asymptomatic primary: no palliative resection; upfront surgery excluded
    assert str(NETKG.PalliativePrimaryResection) not in therapies(r, "consider")
    assert str(NETKG.UpfrontSurgery) in therapies(r, "contraindicated")
    assert any("K021" in p["statements"] for p in r["prognosis"])


def test_sigmoid_nec_primary_resected_only_when_symptomatic(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    case = (EXAMPLES / "nec-sigmoid-liver.yaml").read_text().replace("primary_complications: []", "primary_complications: [obstruction]")
    path = tmp_path / "symptomatic.yaml"
    path.write_text(case)
    assert main(["recommend", str(path), "--format", "json", "--engine", "hermit"]) == 0
    r = json.loads(capsys.readouterr().out)
    resection = next(i for i in r["consider"] if i["therapy"] == str(NETKG.PalliativePrimaryResection))
    assert "K018" in resection["statements"]


def test_stage4_well_differentiated_sigmoid_net(capsys: pytest.CaptureFixture[str]) -> None:
    r = report_for("wd-sigmoid-liver.yaml", capsys)
    assert r["grade"] in (str(NETKG.NETG1), str(NETKG.NETG2))
    recommended = therapies(r, "recommended")
    assert {str(NETKG.PrimaryTumourResection), str(NETKG.SomatostatinAnalog), str(NETKG.TransarterialTherapy)} <= recommended
    assert str(NETKG.Chemotherapy) in therapies(r, "not_recommended")
    assert not r["contraindicated"]
    assert {d["label"] for d in r["dosing"]} >= {"octreotide LAR dose", "lanreotide dose"}


def test_stage4_pancreatic_net_progressive_after_ssa(capsys: pytest.CaptureFixture[str]) -> None:
    r = report_for("pancreatic-net-progressive.yaml", capsys)
    assert r["grade"] == str(NETKG.NETG2)
    assert {str(NETKG.Everolimus), str(NETKG.Sunitinib), str(NETKG.Lutetium177Dotatate)} <= therapies(r, "recommended")
    assert str(NETKG.StreptozocinBasedChemotherapy) in therapies(r, "consider")
    assert any(e.get("trial") == "RADIANT-3" for e in r["evidence"])
    assert any("K033" in m["statements"] for m in r["monitoring"])  # LVEF for sunitinib
    assert any("K049" in m["statements"] for m in r["monitoring"])  # PRRT marrow and kidney


def test_neuroendocrine_carcinoma_in_an_elderly_patient(capsys: pytest.CaptureFixture[str]) -> None:
    r = report_for("nec-pancreas-elderly.yaml", capsys)
    assert str(NETKG.CarboplatinEtoposide) in therapies(r, "recommended")  # K010
    assert {str(NETKG.SomatostatinAnalog), str(NETKG.UpfrontSurgery)} <= therapies(r, "contraindicated")
    assert str(NETKG.TargetedTherapy) in therapies(r, "not_recommended")
    # one row per category: K019 contraindicates upfront surgery, K020 separately does not recommend it
    k020 = next(f for f in r["not_recommended"] if f["therapy"] == str(NETKG.UpfrontSurgery))
    assert k020["statements"] == ["K020"]
    assert str(NETKG.ExternalBeamRadiotherapy) in therapies(r, "recommended")  # bone metastases, K054
