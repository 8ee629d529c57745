"""Evidence belongs to its population: a trial's figures are shown only for a case of the population it enrolled.

Each evidence figure that comes from a defined population names it (``netkg:evidencePopulation``, a
defined class of cases the reasoner classifies); figures without one are shown wherever their therapy is.
"""

from __future__ import annotations

from typing import Any

from netkg.cases.reader import load_case
from netkg.pipeline import knowledge, recommend
from netkg.report.model import Report
from netkg.vocabulary import NETKG

from conftest import EXAMPLES

COHORT = EXAMPLES / "cohort"
K = knowledge()


def run(name: str, **changes: Any) -> Report:
    case = load_case(COHORT / f"{name}.yaml").model_dump(mode="json", exclude_none=True)
    return recommend({**case, **changes}, engine="fast")


def shown(r: Report, item: Any) -> bool:
    return K.label(item) in {e["label"] for e in r.evidence}


def test_radiant3_everolimus_figures_are_shown_for_pancreatic_net_only() -> None:
    pancreatic = run("current-20-pancreatic-net-g2-progressive-captem")
    assert str(NETKG.Everolimus) in pancreatic.therapies("recommended")
    assert shown(pancreatic, NETKG.EvidenceEverolimusPFS)
    lung = run("current-02-lung-net-after-octreotide")
    assert str(NETKG.Everolimus) in lung.therapies("recommended")  # RADIANT-4
    assert not shown(lung, NETKG.EvidenceEverolimusPFS)


def test_netter1_and_promid_figures_are_shown_for_midgut_net_only() -> None:
    midgut = run("current-21-midgut-net-after-lanreotide")
    assert shown(midgut, NETKG.EvidencePRRTPFS)
    pancreatic = run("current-04-pancreatic-net-after-everolimus")
    assert str(NETKG.Lutetium177Dotatate) in pancreatic.therapies("recommended")
    assert not shown(pancreatic, NETKG.EvidencePRRTPFS)
    assert not shown(pancreatic, NETKG.EvidenceSSATimeToProgression)


def test_clarinet_paper_figure_needs_ki67_below_10() -> None:
    low = run("course-01-progressed-on-ssa")  # ileal NET, Ki-67 8 %
    assert shown(low, NETKG.EvidenceLanreotidePFSCLARINETPaper)
    higher = run("course-01-progressed-on-ssa", tumour={"primary_site": "ileum", "differentiation": "well", "ki67": 15,
                                                        "sstr_status": "positive", "functioning": False})
    assert not shown(higher, NETKG.EvidenceLanreotidePFSCLARINETPaper)


def test_figures_without_a_population_are_shown_wherever_their_therapy_is() -> None:
    r = run("current-04-pancreatic-net-after-everolimus")
    assert shown(r, NETKG.EvidencePRRTMarrowToxicity)


def test_every_population_is_a_defined_case_class_and_each_trial_figure_has_one() -> None:
    populations = set(K.graph.objects(None, NETKG.evidencePopulation))
    assert populations
    for population in populations:
        assert population in K.definitions, population
    for item in (NETKG.EvidenceEverolimusPFS, NETKG.EvidenceSunitinibPFS, NETKG.EvidenceOctreotideTTPPROMID,
                 NETKG.EvidencePRRTPFS, NETKG.EvidenceLanreotidePFSCLARINETPaper,
                 NETKG.EvidencePRRTVersusEverolimusCOMPETE):
        assert K.graph.value(item, NETKG.evidencePopulation) is not None, item
