"""Every pitfall the source articles warn about, as a test on a case.

Run on the fast path (proven equal to HermiT by test_agreement.py) to keep the suite quick.
"""

from __future__ import annotations

from typing import Any

from netkg.pipeline import recommend
from netkg.report.model import Report
from netkg.vocabulary import NETKG

NEC_SIGMOID = {
    "id": "pitfall-nec", "age": 60, "ecog": 1,
    "tumour": {"primary_site": "sigmoid_colon", "differentiation": "poor", "ki67": 60, "sstr_status": "negative", "functioning": False},
    "metastatic_sites": ["liver"], "liver": {"lesion_count": 5, "resectable": False},
    "disease_course": "progressive", "primary_resected": False, "primary_complications": [], "treatment_history": [],
}
WD_SIGMOID = {
    "id": "pitfall-wd", "age": 57, "ecog": 0,
    "tumour": {"primary_site": "sigmoid_colon", "differentiation": "well", "ki67": 5, "sstr_status": "positive", "functioning": False},
    "metastatic_sites": ["liver"], "liver": {"lesion_count": 9, "involvement_percent": 40, "resectable": False},
    "disease_course": "stable", "primary_resected": False, "primary_complications": [], "treatment_history": [],
}


def report(case: dict[str, Any], **changes: Any) -> Report:
    return recommend({**case, **changes}, engine="fast")


def positives(r: Report) -> set[str]:
    return r.therapies("recommended") | r.therapies("consider")


# article 000 -------------------------------------------------------------------------------
def test_never_treat_nec_with_colorectal_regimens() -> None:
    r = report(NEC_SIGMOID)
    assert str(NETKG.ColorectalCancerRegimen) in r.therapies("not_recommended")
    assert not {str(NETKG.FOLFOX), str(NETKG.FOLFIRI)} & positives(r)


def test_never_delay_chemotherapy_for_debulking_in_extensive_high_grade_disease() -> None:
    r = report(NEC_SIGMOID)
    assert str(NETKG.UpfrontSurgery) in r.therapies("contraindicated")
    assert str(NETKG.CytoreductiveSurgery) not in positives(r)
    assert str(NETKG.PlatinumEtoposide) in r.therapies("recommended")


def test_never_somatostatin_analog_or_first_line_liver_directed_therapy_in_nec() -> None:
    r = report(NEC_SIGMOID, tumour={**NEC_SIGMOID["tumour"], "sstr_status": "positive"})
    assert str(NETKG.SomatostatinAnalog) in r.therapies("contraindicated")
    assert not any(t in positives(r) for t in (str(NETKG.SomatostatinAnalog), str(NETKG.LiverDirectedTherapy), str(NETKG.TransarterialTherapy)))


def test_always_verify_grade_before_therapy() -> None:
    r = report(NEC_SIGMOID, tumour={"primary_site": "sigmoid_colon", "ki67": 60})
    assert r.grade is None and not positives(r)
    assert any("K005" in n.source.statements for n in r.workup)


# article 001 -------------------------------------------------------------------------------
def test_do_not_withhold_primary_resection_with_extensive_liver_metastases() -> None:
    r = report(WD_SIGMOID)
    resection = next(f for f in r.items("recommended") if f.therapy == str(NETKG.PrimaryTumourResection))
    assert "K035" in resection.statements


def test_no_first_line_chemotherapy_for_well_differentiated_gi_net() -> None:
    r = report(WD_SIGMOID)
    chemo = next(f for f in r.items("not_recommended") if f.therapy == str(NETKG.Chemotherapy))
    assert chemo.line == ["first line"] and "K029" in chemo.statements


def test_no_upfront_surgery_with_extra_abdominal_metastases() -> None:
    r = report(WD_SIGMOID, metastatic_sites=["liver", "bone"])
    assert str(NETKG.UpfrontSurgery) in r.therapies("contraindicated")
    assert str(NETKG.PrimaryTumourResection) not in positives(r)
    assert any(c.therapy == str(NETKG.PrimaryTumourResection) and c.negative == "contraindicated" for c in r.conflicts)


def test_prefer_tae_or_tace_over_radioembolisation_in_sstr_avid_disease() -> None:
    r = report(WD_SIGMOID)
    assert any("K042" in c.source.statements and c.therapy == str(NETKG.TransarterialRadioembolization) for c in r.cautions)


def test_monitor_gallstones_and_glucose_on_somatostatin_analogs() -> None:
    r = report(WD_SIGMOID)
    assert any("K026" in m["statements"] and "cholelithiasis" in m["text"] and "glycaemia" in m["text"] for m in r.monitoring)


# article 003 -------------------------------------------------------------------------------
def test_no_adjuvant_somatostatin_analog_after_complete_resection() -> None:
    r = report(WD_SIGMOID, complete_resection=True, primary_resected=True, liver={"lesion_count": 2, "resectable": True})
    assert str(NETKG.SomatostatinAnalog) in r.therapies("not_recommended")
    assert str(NETKG.SomatostatinAnalog) not in positives(r)
    # after complete resection the setting is surveillance: no treatment rule applies, K028 says why not SSA
    assert any("K028" in f.statements for f in r.items("not_recommended") if f.therapy == str(NETKG.SomatostatinAnalog))
    assert not positives(r)
    assert any("K056" in n.source.statements for n in r.followup)


def test_no_somatostatin_analog_or_targeted_therapy_in_g3_nec_whatever_the_site() -> None:
    for site in ("pancreas", "lung", "rectum", "unknown"):
        r = report(NEC_SIGMOID, tumour={**NEC_SIGMOID["tumour"], "primary_site": site})
        assert str(NETKG.SomatostatinAnalog) in r.therapies("contraindicated")  # K014: ineffective, a critical error
        assert str(NETKG.TargetedTherapy) in r.therapies("not_recommended")  # K015: needs chemotherapy, no harm claimed
        assert not {str(NETKG.Everolimus), str(NETKG.Sunitinib)} & positives(r)


def test_no_laparoscopic_resection_for_pancreatic_net() -> None:
    r = report(WD_SIGMOID, tumour={**WD_SIGMOID["tumour"], "primary_site": "pancreas"})
    assert str(NETKG.LaparoscopicPancreaticResection) in r.therapies("not_recommended")


# article 004 -------------------------------------------------------------------------------
def test_liver_function_and_cardiac_monitoring_on_targeted_therapy() -> None:
    r = report(WD_SIGMOID, tumour={**WD_SIGMOID["tumour"], "primary_site": "pancreas", "ki67": 12},
               disease_course="progressive",
               treatment_history=[{"therapy": "octreotide", "intent": "antitumour", "outcome": "progressed"}])
    assert str(NETKG.Sunitinib) in r.therapies("recommended")
    texts = " ".join(m["text"] for m in r.monitoring)
    assert "LVEF" in texts and "liver function" in texts
