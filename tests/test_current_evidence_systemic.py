"""Current-evidence systemic therapy (issue 13, K101-K117, K120-K122), one realistic case per rule.

Each case is in ``examples/cohort/current-*.yaml`` (or a variation of it); each test asserts the
finding, its category, line and intent, and the evidence level the rule carries.
"""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from netkg.cases.reader import load_case
from netkg.pipeline import knowledge, recommend
from netkg.report.model import Report
from netkg.vocabulary import NETKG

from conftest import EXAMPLES

COHORT = EXAMPLES / "cohort"
K = knowledge()
ANTITUMOUR = K.label(NETKG.AntitumourIntent)
SYNDROME_CONTROL = K.label(NETKG.SyndromeControlIntent)


def run(name: str, **changes: Any) -> Report:
    case = load_case(COHORT / f"{name}.yaml").model_dump(mode="json", exclude_none=True)
    return recommend({**case, **changes}, engine="fast")


def rows(r: Report, therapy: URIRef) -> list[tuple[str, str | None, list[str], list[str]]]:
    return [(f.category, f.intent, f.line, f.statements) for f in r.findings if f.therapy == str(therapy)]


def level(rule: URIRef) -> URIRef:
    return K.graph.value(rule, NETKG.evidenceLevel)  # type: ignore[return-value]


def positives(r: Report) -> set[str]:
    return r.therapies("recommended") | r.therapies("consider")


def test_k101_newly_diagnosed_pancreatic_net_ki67_30_gets_first_line_prrt() -> None:
    r = run("current-01-newly-diagnosed-pancreatic-net-ki67-30")
    assert ("recommended", ANTITUMOUR, ["first line"], ["K101"]) in rows(r, NETKG.Lutetium177Dotatate)
    assert level(NETKG.NETTER2FirstLinePRRT) == NETKG.EvidenceRandomisedPhase3


def test_k101_needs_a_recent_diagnosis_and_ki67_within_10_to_55() -> None:
    assert str(NETKG.Lutetium177Dotatate) not in positives(run("current-01-newly-diagnosed-pancreatic-net-ki67-30",
                                                               months_since_diagnosis=18))
    assert str(NETKG.Lutetium177Dotatate) not in positives(run("current-01-newly-diagnosed-pancreatic-net-ki67-30",
                                                               months_since_diagnosis=None))
    high = run("current-01-newly-diagnosed-pancreatic-net-ki67-30",
               tumour={"primary_site": "pancreas", "differentiation": "well", "ki67": 60, "sstr_status": "positive",
                       "functioning": False})
    assert not any("K101" in s for *_, s in rows(high, NETKG.Lutetium177Dotatate))


def test_k109_lung_net_progressing_after_octreotide_gets_everolimus() -> None:
    r = run("current-02-lung-net-after-octreotide")
    assert ("recommended", ANTITUMOUR, ["any line"], ["K109"]) in rows(r, NETKG.Everolimus)
    assert level(NETKG.RADIANT4Everolimus) == NETKG.EvidenceRandomisedPhase3


def test_k109_not_for_carcinoid_syndrome() -> None:
    r = run("current-02-lung-net-after-octreotide",
            tumour={"primary_site": "lung", "differentiation": "well", "ki67": 12, "sstr_status": "positive",
                    "syndrome": "carcinoid_syndrome"})
    assert str(NETKG.Everolimus) not in positives(r)


def test_k117_nec_after_platinum_gets_irinotecan_based_second_line_and_no_platinum() -> None:
    r = run("current-03-colon-nec-after-platinum")
    assert ("consider", ANTITUMOUR, ["second line"], ["K117"]) in rows(r, NETKG.IrinotecanFluoropyrimidine)
    assert level(NETKG.NECSecondLineIrinotecan) == NETKG.EvidenceRandomisedPhase2
    platinum = {str(NETKG.PlatinumEtoposide), str(NETKG.CarboplatinEtoposide), str(NETKG.CisplatinEtoposide)}
    assert not platinum & positives(r)
    assert K.subsumes(NETKG.IrinotecanFluoropyrimidine, NETKG.FOLFIRI)


def test_k117_also_after_platinum_toxicity_but_not_in_first_line() -> None:
    history = [{"therapy": "cisplatin_etoposide", "intent": "antitumour", "outcome": "toxicity"}]
    r = run("current-03-colon-nec-after-platinum", treatment_history=history)
    assert ("consider", ANTITUMOUR, ["second line"], ["K117"]) in rows(r, NETKG.IrinotecanFluoropyrimidine)
    assert str(NETKG.IrinotecanFluoropyrimidine) not in positives(
        run("current-03-colon-nec-after-platinum", treatment_history=[]))


def test_k110_pancreatic_net_after_everolimus_gets_cabozantinib() -> None:
    r = run("current-04-pancreatic-net-after-everolimus")
    assert ("recommended", ANTITUMOUR, ["third line"], ["K110"]) in rows(r, NETKG.Cabozantinib)
    assert level(NETKG.CABINETCabozantinib) == NETKG.EvidenceRandomisedPhase3
    assert K.subsumes(NETKG.TargetedTherapy, NETKG.Cabozantinib)


def test_k110_not_after_ssa_alone_and_never_in_nec() -> None:
    only_ssa = [{"therapy": "lanreotide", "intent": "antitumour", "outcome": "progressed"}]
    assert str(NETKG.Cabozantinib) not in positives(run("current-04-pancreatic-net-after-everolimus",
                                                        treatment_history=only_ssa))
    nec = run("current-03-colon-nec-after-platinum")
    assert str(NETKG.Cabozantinib) not in positives(nec)


def test_k115_metastatic_digestive_nec_gets_carboplatin_etoposide_first_line() -> None:
    r = run("current-06-metastatic-rectal-nec-first-line")
    assert ("recommended", ANTITUMOUR, ["first line"], ["K115"]) in rows(r, NETKG.CarboplatinEtoposide)
    assert level(NETKG.DigestiveNECCarboplatinEtoposide) == NETKG.EvidenceGuidelineConsensus


def test_k114_net_g3_is_not_given_the_nec_platinum_protocol() -> None:
    r = run("current-07-ileal-net-g3-first-line")
    assert ("not_recommended", ANTITUMOUR, ["first line"], ["K114"]) in rows(r, NETKG.PlatinumEtoposide)
    assert str(NETKG.PlatinumEtoposide) not in positives(r)
    assert level(NETKG.NETG3NoDefaultPlatinumEtoposide) == NETKG.EvidenceSingleArmOrRetrospective


def test_k114_metastatic_pancreatic_net_g3_gets_net_type_chemotherapy_to_consider() -> None:
    r = run("current-24-pancreatic-net-g3-sstr-negative")
    for regimen in (NETKG.TemozolomideBasedChemotherapy, NETKG.StreptozocinBasedChemotherapy,
                    NETKG.FluorouracilDacarbazineEpirubicin):
        assert ("consider", ANTITUMOUR, ["any line"], ["K114"]) in rows(r, regimen)
    assert ("not_recommended", ANTITUMOUR, ["first line"], ["K114"]) in rows(r, NETKG.PlatinumEtoposide)
    assert level(NETKG.PancreaticNETG3Chemotherapy) == NETKG.EvidenceSingleArmOrRetrospective


def test_k114_chemotherapy_rule_is_for_metastatic_pancreatic_net_g3_only() -> None:
    chemo = {str(NETKG.TemozolomideBasedChemotherapy), str(NETKG.StreptozocinBasedChemotherapy)}
    ileal = run("current-07-ileal-net-g3-first-line")
    assert not chemo & positives(ileal)
    localised = run("current-24-pancreatic-net-g3-sstr-negative", metastatic_sites=[], liver=None)
    assert not chemo & positives(localised)
    carcinoma = run("current-24-pancreatic-net-g3-sstr-negative",
                   tumour={"primary_site": "pancreas", "differentiation": "poor", "ki67": 35, "sstr_status": "negative"})
    assert not {str(NETKG.StreptozocinBasedChemotherapy)} & positives(carcinoma)


def test_k107_caution_on_ssa_monotherapy_at_ki67_10_or_more() -> None:
    r = run("course-01-progressed-on-ssa", treatment_history=[], disease_course="stable",
            tumour={"primary_site": "ileum", "differentiation": "well", "ki67": 15, "sstr_status": "positive",
                    "functioning": False})
    assert "K107" in {s for c in r.cautions for s in c.source.statements}
    assert level(NETKG.CautionSSAMonotherapyKi67AtLeast10) == NETKG.EvidenceSingleArmOrRetrospective


def test_k120_k122_carcinoid_diarrhoea_uncontrolled_on_ssa() -> None:
    r = run("current-05-ileal-carcinoid-diarrhoea")
    assert ("recommended", SYNDROME_CONTROL, ["any line"], ["K120"]) in rows(r, NETKG.TelotristatEthyl)
    assert level(NETKG.CarcinoidDiarrhoeaTelotristat) == NETKG.EvidenceRandomisedPhase3
    assert str(NETKG.WorkupCarcinoidHeartDisease) in {w.source.iri for w in r.workup}
    assert str(NETKG.TelotristatEthyl) not in positives(run("current-05-ileal-carcinoid-diarrhoea",
                                                            bowel_movements_per_day=3))


def test_dosing_and_monitoring_items_attach_to_the_new_therapies() -> None:
    items = {str(i.iri): i for i in K.items}
    assert str(NETKG.DoseLutetium177DotatateLabel) in items and str(NETKG.MonitorPRRTMyeloidNeoplasms) in items
    assert str(NETKG.DoseCabozantinib) in items and str(NETKG.MonitorCabozantinib) in items
    assert str(NETKG.DoseTelotristatEthyl) in items


def test_k112_progressive_g2_pancreatic_net_gets_captem_to_consider() -> None:
    r = run("current-20-pancreatic-net-g2-progressive-captem")
    assert ("consider", ANTITUMOUR, ["any line"], ["K112"]) in rows(r, NETKG.CapecitabineTemozolomide)
    assert level(NETKG.E2211CapecitabineTemozolomide) == NETKG.EvidenceRandomisedPhase2
    assert K.subsumes(NETKG.TemozolomideBasedChemotherapy, NETKG.CapecitabineTemozolomide)
    assert K.graph.value(NETKG.E2211CapecitabineTemozolomide, NETKG.extrapolation) is not None


def test_k112_not_after_progression_on_temozolomide_and_the_conflict_is_shown() -> None:
    history = [{"therapy": "temozolomide", "intent": "antitumour", "outcome": "progressed"}]
    r = run("current-20-pancreatic-net-g2-progressive-captem", treatment_history=history)
    assert ("not_recommended", ANTITUMOUR, ["any line"], ["K112"]) in rows(r, NETKG.CapecitabineTemozolomide)
    assert str(NETKG.CapecitabineTemozolomide) not in positives(r)
    assert any(c.therapy == str(NETKG.CapecitabineTemozolomide) and "K112" in c.negative_rule.statements for c in r.conflicts)
    assert level(NETKG.NoCAPTEMAfterProgressionOnAlkylator) == NETKG.EvidenceExpertReview
    completed = [{"therapy": "temozolomide", "intent": "antitumour", "outcome": "completed"}]
    assert str(NETKG.CapecitabineTemozolomide) in positives(
        run("current-20-pancreatic-net-g2-progressive-captem", treatment_history=completed))


def test_k112_only_for_pancreatic_g1_g2_net() -> None:
    ileal = run("current-20-pancreatic-net-g2-progressive-captem",
                tumour={"primary_site": "ileum", "differentiation": "well", "ki67": 12, "sstr_status": "positive",
                        "functioning": False})
    assert str(NETKG.CapecitabineTemozolomide) not in positives(ileal)
    g3 = run("current-20-pancreatic-net-g2-progressive-captem",
             tumour={"primary_site": "pancreas", "differentiation": "well", "ki67": 30, "sstr_status": "positive",
                     "functioning": False})
    assert str(NETKG.CapecitabineTemozolomide) not in positives(g3)


def test_k116_localised_colon_nec_gets_surgery_after_staging_to_consider() -> None:
    r = run("current-19-localised-colon-nec")
    assert ("consider", K.label(NETKG.CurativeIntent), ["any line"], ["K116"]) in rows(r, NETKG.LocoregionalResection)
    assert level(NETKG.LocalisedDigestiveNECSurgery) == NETKG.EvidenceGuidelineConsensus
    assert not any(f.category == "contraindicated" and "K019" in f.statements for f in r.findings)
    metastatic = run("current-19-localised-colon-nec", metastatic_sites=["liver"], liver={"lesion_count": 3})
    assert not any("K116" in f.statements for f in metastatic.findings)
    assert not any("K116" in f.statements for f in run("current-19-localised-colon-nec", ecog=2).findings)


def test_k116_leaves_pancreatic_nec_to_k020() -> None:
    r = run("current-19-localised-colon-nec",
            tumour={"primary_site": "pancreas", "differentiation": "poor", "ki67": 60, "functioning": False})
    assert not any("K116" in f.statements for f in r.findings)
    assert any("K020" in f.statements and f.category == "not_recommended" for f in r.findings)


def test_k121_octreotide_above_label_dose_when_carcinoid_syndrome_is_uncontrolled_on_octreotide() -> None:
    r = run("current-05-ileal-carcinoid-diarrhoea")
    assert ("consider", SYNDROME_CONTROL, ["any line"], ["K121"]) in rows(r, NETKG.OctreotideAboveLabelDose)
    assert level(NETKG.CarcinoidSyndromeOctreotideEscalation) == NETKG.EvidenceSingleArmOrRetrospective
    on_lanreotide = [{"therapy": "lanreotide", "intent": "syndrome_control", "outcome": "syndrome_uncontrolled"}]
    assert str(NETKG.OctreotideAboveLabelDose) not in positives(
        run("current-05-ileal-carcinoid-diarrhoea", treatment_history=on_lanreotide))


def test_k108_midgut_net_progressing_on_lanreotide_may_get_lanreotide_every_14_days() -> None:
    r = run("current-21-midgut-net-after-lanreotide")
    assert ("consider", ANTITUMOUR, ["second line"], ["K108"]) in rows(r, NETKG.LanreotideEvery14Days)
    assert level(NETKG.CLARINETFORTELanreotideEvery14Days) == NETKG.EvidenceSingleArmOrRetrospective
    assert ("recommended", ANTITUMOUR, ["second line"], ["K046", "K102"]) in rows(r, NETKG.Lutetium177Dotatate)
    on_octreotide = [{"therapy": "octreotide", "intent": "antitumour", "outcome": "progressed"}]
    assert str(NETKG.LanreotideEvery14Days) not in positives(
        run("current-21-midgut-net-after-lanreotide", treatment_history=on_octreotide))


def test_k113_compete_figure_is_shown_with_prrt() -> None:
    r = run("current-21-midgut-net-after-lanreotide")
    assert K.label(NETKG.EvidencePRRTVersusEverolimusCOMPETE) in {e["label"] for e in r.evidence}
    assert level(NETKG.EvidencePRRTVersusEverolimusCOMPETE) == NETKG.EvidenceRandomisedPhase3


def test_k105_k106_clarinet_and_promid_figures_with_their_populations() -> None:
    r = run("current-05-ileal-carcinoid-diarrhoea")
    evidence = {e["label"]: e for e in r.evidence}
    clarinet = evidence[K.label(NETKG.EvidenceLanreotidePFSCLARINETPaper)]
    assert "Ki-67 below 10%" in clarinet["population"] and "NEJM" in clarinet["label"]
    assert "FDA label" in K.label(NETKG.EvidenceLanreotidePFS)
    promid = evidence[K.label(NETKG.EvidenceOctreotideTTPPROMID)]
    assert "midgut" in promid["population"] and promid["measure"] == "median time to progression"
    assert level(NETKG.EvidenceLanreotidePFSCLARINETPaper) == NETKG.EvidenceRandomisedPhase3
    assert level(NETKG.EvidenceOctreotideTTPPROMID) == NETKG.EvidenceRandomisedPhase3
