"""Performance status: chemotherapy is offered up to ECOG 2; at ECOG 3-4 the report says why not and who decides.

The sources name no ECOG limit. netkg reads "fit for chemotherapy" as ECOG 0-2 (ChemotherapyFitCase) and
"poor-risk" (K010: carboplatin preferred) as ECOG 2 within that range. At ECOG 3-4 with disease present, a
process note puts any antitumour therapy to the multidisciplinary team with palliative care (K010, K058), and
the chemotherapy family names the regimen the patient would otherwise get and the unmet fitness condition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import URIRef

from netkg.cases.reader import validate_case
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.generate import generate_cases
from netkg.pipeline import Reasoned, reason_records
from netkg.vocabulary import NETKG

COHORT = Path(__file__).resolve().parents[1] / "examples" / "cohort"
DECISION = str(NETKG.PoorFitnessSystemicTherapyDecision)
NEC = {
    "id": "ps-nec", "age": 78,
    "tumour": {"primary_site": "colon", "differentiation": "poor", "ki67": 75, "sstr_status": "negative",
               "functioning": False},
    "metastatic_sites": ["liver"], "liver": {"lesion_count": 8, "resectable": False},
    "disease_course": "progressive", "primary_resected": False, "primary_complications": [], "treatment_history": [],
}


def reasoned(case: dict[str, Any], **changes: Any) -> Reasoned:
    result = validate_case({**case, **changes})
    assert result.record is not None, result.errors
    return reason_records([result.record], engine="fast")[0]


def _process_rules(r: Reasoned) -> list[str]:
    return [n.source.iri for n in r.report.process]


@pytest.mark.parametrize("ecog", [0, 1, 2])
def test_an_elderly_patient_with_nec_fit_for_chemotherapy_gets_carboplatin_etoposide(ecog: int) -> None:
    r = reasoned(NEC, ecog=ecog)
    carboplatin = [f for f in r.report.items("recommended") if f.therapy == str(NETKG.CarboplatinEtoposide)]
    assert carboplatin and "K010" in carboplatin[0].statements
    assert DECISION not in _process_rules(r)


@pytest.mark.parametrize("ecog", [3, 4])
def test_at_ecog_3_or_4_no_chemotherapy_is_offered_and_the_team_decides(ecog: int, knowledge: Knowledge) -> None:
    r = reasoned(NEC, ecog=ecog)
    positives = [URIRef(f.therapy) for c in ("recommended", "consider") for f in r.report.items(c)]
    assert not [t for t in positives if knowledge.subsumes(NETKG.Chemotherapy, t)]
    [note] = [n for n in r.report.process if n.source.iri == DECISION]
    assert note.source.statements == ["K010", "K058"]
    assert "ECOG performance status 3-4" in note.met and note.facts["ecog"] == ecog
    assert "palliative care" in (note.action or "")
    [chemo] = [s for s in r.report.therapy_families if s.family == str(NETKG.Chemotherapy)]
    assert f"(ecog = {ecog})" in chemo.text and chemo.failed and chemo.failed[0].facts == {"ecog": ecog}


def test_without_disease_present_ecog_3_raises_no_treatment_decision() -> None:
    localised = {**NEC, "metastatic_sites": [], "liver": None, "primary_resected": True, "complete_resection": True,
                 "disease_course": "stable", "months_stable": 6}
    r = reasoned(localised, ecog=3)
    assert DECISION not in _process_rules(r)


def test_an_unrecorded_ecog_is_a_work_up_not_a_team_decision() -> None:
    r = reasoned(NEC)
    assert DECISION not in _process_rules(r)
    assert [n for n in r.report.workup if "ecog" in n.facts or "performance" in n.label.lower()]


def test_the_cohort_case_at_ecog_3_reads_as_a_team_decision() -> None:
    case = yaml.safe_load((COHORT / "current-25-colon-nec-ecog-3.yaml").read_text())
    r = reasoned(case)
    assert not r.report.items("recommended") and not r.report.items("consider")
    assert DECISION in _process_rules(r)
    assert str(NETKG.SomatostatinAnalog) in r.report.therapies("contraindicated")


def test_no_generated_case_at_ecog_3_or_4_is_offered_chemotherapy(knowledge: Knowledge) -> None:
    cases = [c for c in generate_cases(1500, seed=7) if c.get("ecog") in (3, 4)]
    assert len(cases) > 50
    records = [validate_case(c).record for c in cases]
    offered = []
    for r in reason_records([rec for rec in records if rec is not None], engine="fast"):
        for c in ("recommended", "consider"):
            offered += [(r.record.id, f.therapy_label) for f in r.report.items(c)
                        if knowledge.subsumes(NETKG.Chemotherapy, URIRef(f.therapy))]
    assert offered == []
