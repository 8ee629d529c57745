"""A regimen the disease progressed on is not offered again (K117 refining K011; K110 sequencing).

The positive rules stay as the sources wrote them; a negative rule of the course model beats them and
the report shows the conflict, so a tumour board sees both the old positive and why it is withheld.
"""

from __future__ import annotations

from typing import Any

from netkg.cases.reader import load_case
from netkg.pipeline import recommend
from netkg.report.model import Report
from netkg.vocabulary import NETKG

from conftest import EXAMPLES

COHORT = EXAMPLES / "cohort"
PLATINUM = {str(NETKG.PlatinumEtoposide), str(NETKG.CarboplatinEtoposide), str(NETKG.CisplatinEtoposide)}


def run(name: str, **changes: Any) -> Report:
    case = load_case(COHORT / f"{name}.yaml").model_dump(mode="json", exclude_none=True)
    return recommend({**case, **changes}, engine="fast")


def positives(r: Report) -> set[str]:
    return r.therapies("recommended") | r.therapies("consider")


def test_platinum_refractory_nec_is_not_offered_platinum_again_and_the_conflict_is_shown() -> None:
    r = run("course-02-platinum-refractory-nec")
    assert not PLATINUM & positives(r)
    assert str(NETKG.PlatinumEtoposide) in r.therapies("not_recommended")
    withheld = {c.therapy for c in r.conflicts}
    assert str(NETKG.CisplatinEtoposide) in withheld  # K011 fired and is shown as overridden, not hidden
    assert str(NETKG.IrinotecanFluoropyrimidine) in r.therapies("consider")


def test_nec_that_completed_platinum_without_progression_may_be_rechallenged() -> None:
    history = [{"therapy": "carboplatin_etoposide", "intent": "antitumour", "outcome": "completed"}]
    r = run("course-02-platinum-refractory-nec", treatment_history=history)
    assert str(NETKG.PlatinumEtoposide) not in r.therapies("not_recommended")
    assert str(NETKG.CisplatinEtoposide) in positives(r)


def test_everolimus_is_not_offered_again_after_progression_on_it() -> None:
    r = run("current-04-pancreatic-net-after-everolimus")
    assert str(NETKG.Everolimus) not in positives(r)
    assert str(NETKG.Everolimus) in r.therapies("not_recommended")
    assert str(NETKG.Cabozantinib) in r.therapies("recommended")


def test_sunitinib_is_not_offered_again_after_progression_on_it() -> None:
    history = [{"therapy": "sunitinib", "intent": "antitumour", "outcome": "progressed"}]
    r = run("current-04-pancreatic-net-after-everolimus", treatment_history=history)
    assert str(NETKG.Sunitinib) not in positives(r)
    assert str(NETKG.Everolimus) in positives(r)


def test_stopping_everolimus_for_toxicity_is_not_progression() -> None:
    history = [{"therapy": "everolimus", "intent": "antitumour", "outcome": "toxicity"}]
    r = run("current-04-pancreatic-net-after-everolimus", treatment_history=history)
    assert str(NETKG.Everolimus) not in r.therapies("not_recommended")


def test_after_progression_on_temozolomide_and_sunitinib_neither_returns_and_cabozantinib_follows() -> None:
    r = run("current-22-pancreatic-net-after-temozolomide-and-sunitinib")
    for therapy in (NETKG.TemozolomideBasedChemotherapy, NETKG.CapecitabineTemozolomide, NETKG.Sunitinib):
        assert str(therapy) not in positives(r)
        assert str(therapy) in r.therapies("not_recommended")
    assert str(NETKG.Cabozantinib) in r.therapies("recommended")
    assert str(NETKG.Everolimus) in r.therapies("recommended")


def test_temozolomide_in_nec_is_not_withheld_by_the_net_sequencing_rule() -> None:
    history = [{"therapy": "temozolomide", "intent": "antitumour", "outcome": "progressed"}]
    r = run("course-02-platinum-refractory-nec", treatment_history=history)
    assert str(NETKG.TemozolomideBasedChemotherapy) not in r.therapies("not_recommended")


def test_cabozantinib_is_not_offered_again_after_progression_on_it_and_the_line_counts_it() -> None:
    r = run("current-23-pancreatic-net-after-cabozantinib")
    for therapy in (NETKG.Cabozantinib, NETKG.Everolimus):
        assert str(therapy) not in positives(r)
        assert str(therapy) in r.therapies("not_recommended")
    assert r.key_facts["line of therapy"].startswith("third line")
