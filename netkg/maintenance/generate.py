"""Deterministic synthetic cases that exercise every rule and grade boundary.

The cases are test data, not patients.  They are used to compare the fast
path with HermiT (``tests/test_agreement.py``) and to benchmark both
(``benchmarks/bench_reasoning.py``).  The stream interleaves three kinds:

* targeted cases: a random case overlaid with a template that satisfies one
  rule class of the ontology (every rule is hit within the first few hundred);
* grade cases: every combination of the Ki-67 and mitotic-count boundary
  values with each differentiation;
* fully random cases, with optional fields left out (unknown) at random.

Every case is valid for :func:`netkg.cases.reader.validate_case`: a random draw that
the case model rejects as contradictory loses the field the error names, so
the generator follows the model's consistency rules without restating them.
Case ``i`` of a seed depends only on ``(seed, i)``.
"""

from __future__ import annotations

import itertools
import random
from typing import Any, Callable, Iterator, Optional

from netkg.cases import codes
from netkg.cases.reader import validate_case

KI67_BOUNDARIES: tuple[float, ...] = (2.9, 3.0, 3.0001, 9.99, 10.0, 19.9, 20.0, 20.0001, 20.1, 35.0, 35.1, 54.9, 55.0)
MITOTIC_BOUNDARIES: tuple[float, ...] = (1.9, 2.0, 20.0, 20.1)
DIFFERENTIATIONS: tuple[str, ...] = ("well", "poor", "unknown")

PRIMARY_SITES = tuple(codes.PRIMARY_SITES)
METASTATIC_SITES = tuple(codes.METASTATIC_SITES)
DISTANT_SITES = tuple(s for s in METASTATIC_SITES if s != "regional_lymph_nodes")
EXTRA_ABDOMINAL = ("bone", "lung", "brain", "other_extra_abdominal")
GEP_SITES = ("pancreas", "stomach", "duodenum", "jejunum", "ileum", "appendix", "colon", "sigmoid_colon", "rectum")
GI_SITES = tuple(s for s in GEP_SITES if s != "pancreas")
COLORECTAL = ("colon", "sigmoid_colon", "rectum")
SSA = ("somatostatin_analog", "octreotide", "lanreotide")
CHEMOTHERAPY = ("chemotherapy", "platinum_etoposide", "carboplatin_etoposide", "cisplatin_etoposide", "temozolomide",
                "streptozocin_based", "fluorouracil_dacarbazine_epirubicin", "folfox", "folfiri")
SYSTEMIC = SSA + CHEMOTHERAPY + ("everolimus", "sunitinib", "prrt")

Case = dict[str, Any]
Template = Callable[[random.Random], Case]


# ---------------------------------------------------------------- random draws
def _maybe(rng: random.Random, value: Any, p_missing: float = 0.25) -> Any:
    """``value``, or None (unknown) with probability ``p_missing``."""
    return None if rng.random() < p_missing else value


def _number(rng: random.Random, low: float, high: float) -> float:
    """A number in [low, high] with 0 to 4 decimals."""
    return round(rng.uniform(low, high), rng.choice((0, 1, 2, 4)))


def _ki67(rng: random.Random) -> Optional[float]:
    roll = rng.random()
    if roll < 0.2:
        return None
    if roll < 0.45:
        return rng.choice(KI67_BOUNDARIES)
    return _number(rng, 0, 100)


def _mitoses(rng: random.Random) -> Optional[float]:
    roll = rng.random()
    if roll < 0.35:
        return None
    if roll < 0.55:
        return rng.choice(MITOTIC_BOUNDARIES)
    return _number(rng, 0, 60)


def _liver(rng: random.Random) -> Optional[Case]:
    if rng.random() < 0.2:
        return None
    return {
        "lesion_count": _maybe(rng, rng.choice((1, 1, 2, 3, 6, 20))),
        "largest_lesion_cm": _maybe(rng, _number(rng, 0.5, 12)),
        "involvement_percent": _maybe(rng, _number(rng, 0, 90)),
        "resectable": _maybe(rng, rng.random() < 0.5),
    }


def _line(therapy: str, outcome: str, intent: str = "antitumour") -> Case:
    return {"therapy": therapy, "intent": intent, "outcome": outcome}


def _history(rng: random.Random) -> Optional[list[Case]]:
    """A random treatment history (None = not recorded, [] = treatment-naive)."""
    if rng.random() < 0.2:
        return None
    out = []
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        intent = rng.choice(("antitumour", "antitumour", "syndrome_control", "curative", "palliative"))
        outcomes = ("ongoing", "completed", "progressed", "progressed", "toxicity") + \
            (("syndrome_uncontrolled",) if intent == "syndrome_control" else ())
        out.append(_line(rng.choice(tuple(codes.THERAPIES)), rng.choice(outcomes), intent))
    return out


def random_case(rng: random.Random, case_id: str) -> Case:
    """A fully random case; optional fields are left out at random."""
    roll = rng.random()
    sites = None if roll < 0.15 else [] if roll < 0.3 else rng.sample(METASTATIC_SITES, rng.randint(1, 4))
    course = rng.choice(("progressive", "stable", "unknown"))
    complications = rng.choice((None, [], [], None)) if rng.random() < 0.7 else \
        rng.sample(tuple(codes.PRIMARY_COMPLICATIONS), rng.randint(1, 2))
    return {
        "id": case_id,
        "age": _maybe(rng, rng.randint(18, 90)),
        "ecog": _maybe(rng, rng.randint(0, 4)),
        "tumour": {
            "primary_site": rng.choice(PRIMARY_SITES),
            "differentiation": rng.choice(("well", "well", "poor", "unknown", None)),
            "ki67": _ki67(rng),
            "mitotic_count": _mitoses(rng),
            "sstr_status": rng.choice(("positive", "negative", "unknown", None)),
            "functioning": _maybe(rng, rng.random() < 0.3, 0.3),
            "syndrome": rng.choice(tuple(codes.SYNDROMES)) if rng.random() < 0.2 else None,
        },
        "metastatic_sites": sites,
        "liver": _liver(rng) if sites and "liver" in sites else None,
        "resectable_burden_percent": _maybe(rng, _number(rng, 0, 100), 0.6),
        "disease_course": None if course == "unknown" and rng.random() < 0.5 else course,
        "rapid_progression": _maybe(rng, rng.random() < 0.4, 0.5) if course == "progressive" else None,
        "months_stable": _maybe(rng, rng.randint(0, 36), 0.5),
        "treatment_history": _history(rng),
        "primary_resected": _maybe(rng, rng.random() < 0.4),
        "pancreatoduodenectomy": _maybe(rng, rng.random() < 0.15, 0.5),
        "complete_resection": _maybe(rng, rng.random() < 0.3, 0.5),
        "primary_complications": complications,
        "bone_metastasis_complications": _bone_complications(case_id) if sites and "bone" in sites else None,
    }


def _bone_complications(case_id: str) -> Optional[list[str]]:
    """Recorded, asymptomatic or symptomatic bone metastases, drawn apart from the case's stream (keyed by its id)."""
    rng = random.Random(f"{case_id}:bone")
    if rng.random() < 0.6:
        return rng.choice((None, []))
    return rng.sample(tuple(codes.BONE_METASTASIS_COMPLICATIONS), rng.randint(1, 2))


# ---------------------------------------------------------------- grades
def _grade(rng: random.Random, grade: str) -> Case:
    """Tumour fields for a grade: 'G1', 'G2', 'G3' (well differentiated), 'NEC' or 'low' (G1 or G2)."""
    if grade == "low":
        grade = rng.choice(("G1", "G2"))
    if grade == "G1":
        return {"differentiation": "well", "ki67": rng.choice((2.9, 0.5, 1.0, _number(rng, 0, 2.9))),
                "mitotic_count": rng.choice((None, 1.9, 0.0, 1.0))}
    if grade == "G2":
        if rng.random() < 0.2:
            return {"differentiation": "well", "ki67": rng.choice((None, 2.0)), "mitotic_count": rng.choice((2.0, 20.0, 5.0))}
        return {"differentiation": "well", "ki67": rng.choice((3.0, 3.0001, 9.99, 10.0, 19.9, 20.0, _number(rng, 3, 20))),
                "mitotic_count": rng.choice((None, 1.9, 2.0, 20.0))}
    if grade == "G3":
        if rng.random() < 0.2:
            return {"differentiation": "well", "ki67": rng.choice((None, 15.0)), "mitotic_count": rng.choice((20.1, 30.0))}
        return {"differentiation": "well", "ki67": rng.choice((20.0001, 20.1, 35.0, 35.1, 54.9, 55.0, _number(rng, 21, 90))),
                "mitotic_count": rng.choice((None, 5.0, 20.1))}
    if grade == "NEC":
        return {"differentiation": "poor", "ki67": rng.choice((None, 20.1, 55.0, 70.0, _number(rng, 21, 100))),
                "mitotic_count": rng.choice((None, 20.1, 35.0))}
    raise ValueError(f"unknown grade {grade!r}")


def _sites(rng: random.Random, required: tuple[str, ...], pool: tuple[str, ...] = METASTATIC_SITES, extra: int = 2) -> list[str]:
    """``required`` plus up to ``extra`` other sites from ``pool``."""
    others = [s for s in pool if s not in required]
    return list(required) + rng.sample(others, rng.randint(0, min(extra, len(others))))


def _metastatic(rng: random.Random) -> list[str]:
    return _sites(rng, (rng.choice(DISTANT_SITES),))


# ---------------------------------------------------------------- templates
def _t(grade: Optional[str] = None, **fields: Any) -> Callable[..., Case]:
    """Shorthand: a template body with a grade and fixed top-level fields."""
    def build(rng: random.Random, tumour: Optional[Case] = None, **more: Any) -> Case:
        t = dict(_grade(rng, grade)) if grade else {}
        t.update(tumour or {})
        return {"tumour": t, "complete_resection": None, **fields, **more}  # disease present unless a template says so
    return build


def _templates() -> dict[str, Template]:
    """One template per rule class (named after it); each overlays a random case."""
    T: dict[str, Template] = {}
    pick = random.Random.choice
    T["BoneMetastasesRadiotherapy"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, metastatic_sites=_sites(r, ("bone",)),
        bone_metastasis_complications=r.sample(tuple(codes.BONE_METASTASIS_COMPLICATIONS), r.randint(1, 3)))
    T["CautionLiverDirectedAfterWhipple"] = lambda r: _t(None)(r, tumour={"primary_site": "pancreas"}, pancreatoduodenectomy=True)
    T["CautionLiverTransplantRecurrence"] = lambda r: _t("low")(r)
    T["CautionPRRTKi67Above35"] = lambda r: _t(None)(r, tumour={"differentiation": pick(r, ("well", "poor", "unknown")),
                                                                 "ki67": pick(r, (35.1, 40.0, _number(r, 35.1, 54.9)))})
    T["CautionPRRTKi67AtLeast55"] = lambda r: _t(None)(r, tumour={"differentiation": pick(r, ("well", "poor", "unknown")),
                                                                   "ki67": pick(r, (55.0, 80.0, _number(r, 55, 100)))})
    T["CautionRadioembolizationBeforePRRT"] = lambda r: _t(None)(r, tumour={"sstr_status": "positive"})
    T["ColorectalNETPrimaryResection"] = lambda r: _t("low")(
        r, tumour={"primary_site": pick(r, ("colon", "sigmoid_colon"))}, metastatic_sites=_sites(r, ("liver",)), primary_resected=False,
        primary_complications=None, ecog=pick(r, (0, 1, 2)))
    T["CytoreductionMajorityResectable"] = lambda r: _t("low")(r, metastatic_sites=_metastatic(r), ecog=pick(r, (0, 1)),
                                                    resectable_burden_percent=pick(r, (70.01, 75.0, 90.0)))
    T["ExtraAbdominalNoUpfrontSurgery"] = lambda r: _t(None)(r, metastatic_sites=_sites(r, (pick(r, EXTRA_ABDOMINAL),)))
    T["FollowUpAfterCurativeSurgery"] = lambda r: _t(None)(r, complete_resection=True, primary_resected=True,
                                                           primary_complications=None)
    T["FollowUpDuringTreatment"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(r, metastatic_sites=_metastatic(r))
    T["FunctioningEarlyLocoregional"] = lambda r: _t("low")(
        r, tumour={"functioning": True, "syndrome": pick(r, (None, "carcinoid_syndrome", "insulinoma"))},
        metastatic_sites=_sites(r, ("liver",)))
    T["FunctioningSomatostatinAnalog"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(r, tumour={"functioning": pick(r, (True, None)),
                                                                          "syndrome": pick(r, tuple(codes.SYNDROMES))})
    T["HighGradeMetastaticNoUpfrontSurgery"] = lambda r: _t(pick(r, ("G3", "NEC")))(
        r, metastatic_sites=_sites(r, ("liver",)), liver={"lesion_count": pick(r, (1, 2, 6)), "resectable": pick(r, (True, False))}) \
        if r.random() < 0.5 else _t(pick(r, ("G3", "NEC")))(r, metastatic_sites=_sites(r, (pick(r, EXTRA_ABDOMINAL),)))
    T["HighGradePalliativePrimaryResection"] = lambda r: _t(pick(r, ("G3", "NEC")))(
        r, tumour={"primary_site": pick(r, GI_SITES)}, primary_complications=_sites(r, (pick(r, tuple(codes.PRIMARY_COMPLICATIONS)),), tuple(codes.PRIMARY_COMPLICATIONS), 1),
        ecog=pick(r, (0, 1, 2)), primary_resected=pick(r, (False, None)), complete_resection=None)
    T["LimitedDiseaseSurgery"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, metastatic_sites=pick(r, ([], ["regional_lymph_nodes"])), ecog=pick(r, (0, 1)), primary_resected=False,
        complete_resection=None)
    T["LiverMetastasisResectionFirst"] = lambda r: _t("low")(
        r, metastatic_sites=pick(r, (["liver"], ["liver", "regional_lymph_nodes"])),
        liver={"resectable": True, "lesion_count": pick(r, (1, 3, None))}, ecog=pick(r, (0, 1, 1, None)))
    T["TransplantSelectedLiverConfined"] = lambda r: _t(None)(
        r, tumour={"differentiation": "well", "ki67": pick(r, (2.9, 5.0, 9.99)), "mitotic_count": None},
        metastatic_sites=["liver"], liver={"resectable": False, "involvement_percent": pick(r, (10.0, 49.9)),
                                           "lesion_count": pick(r, (3, 10))},
        primary_resected=True, primary_complications=None, months_stable=pick(r, (6, 12, 24)), age=pick(r, (35, 59)),
        disease_course="stable", rapid_progression=None, ecog=pick(r, (0, 1)))
    T["LowGradeGEPSomatostatinAnalog"] = lambda r: _t("low")(r, tumour={"primary_site": pick(r, GEP_SITES + ("unknown",))},
                                                             metastatic_sites=_metastatic(r),
                                                             treatment_history=pick(r, ([], [_line(pick(r, SSA), "ongoing")])))
    T["LowGradeGINoFirstLineChemotherapy"] = lambda r: _t("low")(r, tumour={"primary_site": pick(r, GI_SITES)},
                                                                 treatment_history=pick(r, ([], None)))
    T["NECCarboplatinPreferredPoorRisk"] = lambda r: _t("NEC", treatment_history=[])(r, age=pick(r, (70, 82)), ecog=pick(r, (None, 0, 3))) \
        if r.random() < 0.5 else _t("NEC", treatment_history=[])(r, ecog=pick(r, (2, 3, 4)))
    T["NECCisplatinEtoposideLaterLine"] = lambda r: _t("NEC")(
        r, treatment_history=[_line(pick(r, SYSTEMIC), pick(r, ("progressed", "completed", "toxicity")))],
        disease_course="progressive", rapid_progression=True, months_stable=None, ecog=pick(r, (0, 1, 2, None)))
    T["NECLiverDirectedAfterChemotherapy"] = lambda r: _t("NEC")(
        r, metastatic_sites=_sites(r, ("liver",)), treatment_history=[_line(pick(r, CHEMOTHERAPY), pick(r, ("completed", "ongoing")))],
        disease_course="stable", rapid_progression=None, months_stable=pick(r, (6, 9, 24)))
    T["NECPlatinumEtoposide"] = lambda r: _t("NEC")(r, treatment_history=pick(r, ([], [_line("carboplatin_etoposide", "ongoing")])),
                                                    ecog=pick(r, (0, 1, 2, None)))
    T["NETG3LiverDirected"] = lambda r: _t("G3")(r, metastatic_sites=_sites(r, ("liver",)))
    T["NeoadjuvantPRRT"] = lambda r: _t(pick(r, ("G1", "G2", "G3")))(
        r, tumour={"sstr_status": "positive"}, metastatic_sites=["liver"],
        liver={"resectable": False, "resectable_after_downsizing": pick(r, (True, True, False, None))})
    T["NoAdjuvantSomatostatinAnalog"] = lambda r: _t("low")(r, complete_resection=True, primary_resected=pick(r, (True, None)),
                                                            primary_complications=None)
    T["NonFunctioningLiverOnlyLocoregional"] = lambda r: _t("low")(
        r, tumour={"functioning": False, "syndrome": None}, metastatic_sites=["liver"])
    T["PRRTNETG3"] = lambda r: _t("G3")(r, tumour={"sstr_status": "positive"}, disease_course="progressive",
                                        treatment_history=[_line(pick(r, SYSTEMIC), pick(r, ("progressed", "toxicity")))])
    T["PRRTProgressiveSSTRPositive"] = lambda r: _t("low")(
        r, tumour={"sstr_status": "positive"}, disease_course="progressive",
        treatment_history=[_line(pick(r, SSA), pick(r, ("progressed", "progressed", "ongoing")))])
    T["PoorFitnessNoMajorSurgery"] = lambda r: _t(None)(r, ecog=pick(r, (3, 4)))
    T["PoorFitnessSystemicTherapyDecision"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, ecog=pick(r, (3, 4)), metastatic_sites=_metastatic(r), complete_resection=pick(r, (False, None)))
    T["ProcessEarlyPalliativeCare"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, metastatic_sites=_metastatic(r), complete_resection=pick(r, (False, None)))
    T["WorkupTreatmentHistory"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(r, treatment_history=None)
    T["PancreaticNECNoSurgery"] = lambda r: _t("NEC")(r, tumour={"primary_site": "pancreas"})
    T["PancreaticNETTargeted"] = lambda r: _t("low")(r, tumour={"primary_site": "pancreas"}, metastatic_sites=_metastatic(r),
                                                     disease_course="progressive")
    T["PancreaticNETG2Chemotherapy"] = lambda r: _t("G2")(r, tumour={"primary_site": "pancreas"}, metastatic_sites=_metastatic(r))
    T["PrognosisAdverseFactors"] = lambda r: _t(None)(r, ecog=pick(r, (2, 3, 4)), tumour={"differentiation": "unknown"}) \
        if r.random() < 0.5 else _t(pick(r, ("G1", "G2")))(r, metastatic_sites=_sites(r, ("brain",)))
    T["PrognosisColorectalNECLiver"] = lambda r: _t("NEC")(
        r, tumour={"primary_site": pick(r, COLORECTAL)}, metastatic_sites=_sites(r, ("liver",)),
        liver={"lesion_count": pick(r, (2, 4, 12)), "largest_lesion_cm": pick(r, (None, 4.5))})
    T["PrognosisWellDifferentiated"] = lambda r: _t("low")(r, metastatic_sites=_metastatic(r))
    T["CholecystectomyWithAbdominalSurgery"] = lambda r: _t("low")(
        r, tumour={"primary_site": pick(r, COLORECTAL)}, metastatic_sites=_sites(r, ("liver",)), primary_resected=False,
        primary_complications=None, liver={"resectable": pick(r, (True, False, None))})
    T["AblationSmallLiverMetastases"] = lambda r: _t("low")(r, metastatic_sites=_sites(r, ("liver",)),
                                                      liver={"largest_lesion_cm": pick(r, (1.0, 4.99, 3.5))})
    T["TransarterialTherapyLiverMetastases"] = lambda r: _t("low")(
        r, metastatic_sites=_sites(r, ("liver",)), liver={"lesion_count": pick(r, (2, 5)), "resectable": pick(r, (False, None))})
    T["ResectableLiverMetastasesSurgery"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, metastatic_sites=_sites(r, ("liver",)), liver={"resectable": True}, ecog=pick(r, (0, 1)))
    T["WorkupDifferentiation"] = lambda r: _t(None)(r, tumour={"differentiation": "unknown"})
    T["WorkupDiseaseCourse"] = lambda r: _t(pick(r, ("G1", "G2", "G3", "NEC")))(
        r, metastatic_sites=_metastatic(r), disease_course="unknown", rapid_progression=None)
    T["WorkupFunctionalStatus"] = lambda r: _t(None)(r, tumour={"functioning": None, "syndrome": None})
    T["WorkupGrade"] = lambda r: _t(None)(r, tumour={"ki67": None, "mitotic_count": None})
    T["WorkupLiverResectability"] = lambda r: _t(None)(r, metastatic_sites=_sites(r, ("liver",)),
                                                       liver=pick(r, (None, {"lesion_count": 3})))
    T["WorkupNETG3VersusNEC"] = lambda r: _t(None)(r, tumour={"differentiation": "unknown",
                                                              "ki67": pick(r, (20.0001, 20.1, 60.0)),
                                                              "mitotic_count": pick(r, (None, 20.1))})
    T["WorkupPerformanceStatus"] = lambda r: _t(None)(r, ecog=None)
    T["WorkupProliferationNEC"] = lambda r: _t(None)(r, tumour={"differentiation": "poor", "ki67": None, "mitotic_count": None})
    T["WorkupPrimaryResectionStatus"] = lambda r: _t(None)(r, tumour={"primary_site": pick(r, COLORECTAL)},
                                                           metastatic_sites=_sites(r, ("liver",)), primary_resected=None)
    T["WorkupPrimarySymptoms"] = lambda r: _t(pick(r, ("G3", "NEC")))(r, primary_complications=None)
    T["WorkupBoneMetastasisSymptoms"] = lambda r: _t(None)(r, metastatic_sites=_sites(r, ("bone",)),
                                                          bone_metastasis_complications=None)
    T["WorkupSSTRImaging"] = lambda r: _t(None)(r, tumour={"sstr_status": "unknown"})
    T["WorkupStaging"] = lambda r: _t(None)(r, metastatic_sites=None, liver=None)
    T["WorkupUnknownPrimary"] = lambda r: _t(None)(r, tumour={"primary_site": "unknown"})
    # current evidence, systemic therapy (K101-K122)
    T["NETTER2FirstLinePRRT"] = lambda r: _t(None)(
        r, tumour={"differentiation": "well", "ki67": pick(r, (10.0, 19.9, 30.0, 54.9, 55.0)), "sstr_status": "positive",
                   "primary_site": pick(r, GEP_SITES)}, metastatic_sites=_metastatic(r),
        months_since_diagnosis=pick(r, (0.5, 3.0, 6.0)), treatment_history=[])
    T["NETTER1MidgutPRRT"] = lambda r: _t("low")(
        r, tumour={"sstr_status": "positive", "primary_site": pick(r, ("jejunum", "ileum", "appendix"))},
        metastatic_sites=_metastatic(r), disease_course="progressive", treatment_history=[_line(pick(r, SSA), "progressed")])
    T["RADIANT4Everolimus"] = lambda r: _t("low")(
        r, tumour={"primary_site": pick(r, GI_SITES + ("lung", "unknown")), "functioning": False, "syndrome": None},
        metastatic_sites=_metastatic(r), disease_course="progressive")
    T["CABINETCabozantinib"] = lambda r: _t(pick(r, ("G1", "G2", "G3")))(
        r, metastatic_sites=_metastatic(r), disease_course="progressive",
        treatment_history=[_line(pick(r, ("everolimus", "sunitinib", "prrt", "temozolomide")), "progressed")])
    T["NETG3NoDefaultPlatinumEtoposide"] = lambda r: _t("G3")(r, tumour={"primary_site": pick(r, GEP_SITES)},
                                                              treatment_history=pick(r, ([], None)))
    T["PancreaticNETG3Chemotherapy"] = lambda r: _t("G3")(r, tumour={"primary_site": "pancreas"}, metastatic_sites=_metastatic(r),
                                                          ecog=pick(r, (0, 1, 2, None)))
    T["DigestiveNECCarboplatinEtoposide"] = lambda r: _t("NEC", treatment_history=[])(
        r, tumour={"primary_site": pick(r, GEP_SITES)}, metastatic_sites=_metastatic(r), ecog=pick(r, (0, 1, 2, None)))
    T["NECSecondLineIrinotecan"] = lambda r: _t("NEC")(
        r, tumour={"primary_site": pick(r, GEP_SITES + ("unknown",))}, ecog=pick(r, (0, 1, 2, None)),
        treatment_history=[_line(pick(r, ("platinum_etoposide", "carboplatin_etoposide", "cisplatin_etoposide")),
                                 pick(r, ("progressed", "toxicity")))])
    T["CarcinoidDiarrhoeaTelotristat"] = lambda r: _t(pick(r, ("G1", "G2", "G3")))(
        r, tumour={"functioning": True, "syndrome": "carcinoid_syndrome"}, bowel_movements_per_day=pick(r, (4.0, 6.0, 10.0)),
        treatment_history=[_line(pick(r, SSA), "syndrome_uncontrolled", "syndrome_control")])
    T["CautionSSAMonotherapyKi67AtLeast10"] = lambda r: _t(None)(
        r, tumour={"differentiation": "well", "ki67": pick(r, (10.0, 15.0, 25.0)), "primary_site": pick(r, GEP_SITES)},
        metastatic_sites=_metastatic(r), treatment_history=[])
    T["WorkupCarcinoidHeartDisease"] = lambda r: _t(None)(r, tumour={"functioning": True, "syndrome": "carcinoid_syndrome"})
    T["E2211CapecitabineTemozolomide"] = lambda r: _t("low")(
        r, tumour={"primary_site": "pancreas"}, metastatic_sites=_metastatic(r), disease_course="progressive",
        ecog=pick(r, (0, 1, 2, None)), treatment_history=pick(r, ([], [_line(pick(r, SSA + ("everolimus",)), "progressed")])))
    T["LocalisedDigestiveNECSurgery"] = lambda r: _t("NEC")(
        r, tumour={"primary_site": pick(r, GI_SITES)}, metastatic_sites=[], ecog=pick(r, (0, 1)), primary_resected=False)
    T["CarcinoidSyndromeOctreotideEscalation"] = lambda r: _t(pick(r, ("G1", "G2", "G3")))(
        r, tumour={"functioning": True, "syndrome": "carcinoid_syndrome"},
        treatment_history=[_line("octreotide", "syndrome_uncontrolled", "syndrome_control")])
    T["CLARINETFORTELanreotideEvery14Days"] = lambda r: _t("low")(
        r, tumour={"sstr_status": "positive", "primary_site": pick(r, ("pancreas", "jejunum", "ileum", "appendix"))},
        metastatic_sites=_metastatic(r), disease_course="progressive", treatment_history=[_line("lanreotide", "progressed")])
    T["NoCAPTEMAfterProgressionOnAlkylator"] = lambda r: _t("low")(
        r, tumour={"primary_site": "pancreas"},
        treatment_history=[_line(pick(r, ("temozolomide", "streptozocin_based", "fluorouracil_dacarbazine_epirubicin")),
                                 "progressed")])
    T["NoCabozantinibAfterProgressionOnCabozantinib"] = lambda r: _t(pick(r, ("G1", "G2", "G3")))(
        r, metastatic_sites=_metastatic(r), disease_course="progressive",
        treatment_history=[_line(pick(r, ("everolimus", "sunitinib")), "progressed"), _line("cabozantinib", "progressed")])
    # current evidence, site-specific localised disease (K126-K132)
    T["SmallRectalNETEndoscopicResection"] = lambda r: _t("G1")(
        r, tumour={"primary_site": "rectum", "size_cm": pick(r, (0.5, 0.8, 1.0)),
                   "invasion_depth": pick(r, ("mucosa", "submucosa")), "lymphovascular_invasion": False},
        metastatic_sites=[], primary_resected=False)
    T["WorkupRectalNETRiskFactors"] = lambda r: _t("G1")(
        r, tumour={"primary_site": "rectum", "size_cm": None, "invasion_depth": None, "lymphovascular_invasion": None},
        metastatic_sites=[])
    T["LargeAppendicealNETRightHemicolectomy"] = lambda r: _t("low")(
        r, tumour={"primary_site": "appendix", "size_cm": pick(r, (2.1, 3.0, 4.0))}, primary_resected=True,
        metastatic_sites=pick(r, ([], ["regional_lymph_nodes"])), primary_complications=None, ecog=pick(r, (0, 1)))
    T["SmallAppendicealNETNoHemicolectomy"] = lambda r: _t("G1")(
        r, tumour={"primary_site": "appendix", "size_cm": pick(r, (0.5, 1.5, 2.0)), "resection_margin": "r0",
                   "mesoappendiceal_invasion_mm": pick(r, (0.0, 1.0, 2.9)), "lymphovascular_invasion": False},
        metastatic_sites=pick(r, ([], ["regional_lymph_nodes"])), primary_resected=True, primary_complications=None)
    T["GastricType12EndoscopicManagement"] = lambda r: _t("low")(
        r, tumour={"primary_site": "stomach", "gastric_type": pick(r, ("type_1", "type_2")),
                   "size_cm": pick(r, (0.5, 1.0, 2.0))}, metastatic_sites=pick(r, ([], ["regional_lymph_nodes"])),
        primary_resected=False)
    T["GastricType3Gastrectomy"] = lambda r: _t("low")(
        r, tumour={"primary_site": "stomach", "gastric_type": "type_3"}, metastatic_sites=pick(r, ([], ["regional_lymph_nodes"])),
        ecog=pick(r, (0, 1)), primary_resected=False)
    T["SmallNFPancreaticNETSurveillance"] = lambda r: _t("low")(
        r, tumour={"primary_site": "pancreas", "functioning": False, "syndrome": None, "size_cm": pick(r, (0.8, 1.5, 2.0))},
        metastatic_sites=[], primary_complications=[], hereditary_syndrome="none_known", primary_resected=False)
    T["LocalisedInsulinomaResection"] = lambda r: _t("low")(
        r, tumour={"primary_site": "pancreas", "functioning": True, "syndrome": "insulinoma"}, metastatic_sites=[],
        ecog=pick(r, (0, 1)), primary_resected=False)
    T["ExtensiveStageSCLCChemoImmunotherapy"] = lambda r: _t("NEC", treatment_history=[])(
        r, tumour={"primary_site": "lung", "histology": "small_cell"}, metastatic_sites=_metastatic(r),
        ecog=pick(r, (0, 1, None)))
    T["MetastaticInsulinomaHypoglycaemiaControl"] = lambda r: _t(pick(r, ("G1", "G2", "G3", None)))(
        r, tumour={"primary_site": "pancreas", "functioning": True, "syndrome": "insulinoma"},
        metastatic_sites=_metastatic(r), complete_resection=pick(r, (False, None)))
    T["CautionSSAInInsulinoma"] = lambda r: _t(None)(
        r, tumour={"primary_site": "pancreas", "functioning": True, "syndrome": "insulinoma"}, ecog=pick(r, (0, 1)),
        primary_resected=False)
    return T


TEMPLATES: dict[str, Template] = _templates()

def _grading_accepted(ki67: Optional[float], mitoses: Optional[float], differentiation: str) -> bool:
    """Whether the case model accepts a tumour graded so (it rejects, e.g., a poorly differentiated one with low proliferation)."""
    tumour = {"primary_site": "pancreas", "differentiation": differentiation, "ki67": ki67, "mitotic_count": mitoses}
    return validate_case({"id": "grading", "tumour": tumour}, "<grade grid>").record is not None


GRADE_GRID: tuple[tuple[Optional[float], Optional[float], str], ...] = tuple(
    (k, m, d) for d in DIFFERENTIATIONS
    for k, m in itertools.product(KI67_BOUNDARIES + (None,), MITOTIC_BOUNDARIES + (None,))
    if _grading_accepted(k, m, d)
)


# ---------------------------------------------------------------- assembly
def _overlay(base: Case, template: Case) -> Case:
    """``base`` with the template's fields; ``tumour`` and ``liver`` are merged key by key."""
    out = dict(base)
    for key, value in template.items():
        if key in ("tumour", "liver") and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def repair(case: Case) -> Case:
    """Drop unknown (None) fields, then every field the case model rejects as contradictory.

    Only contradictions are repaired; any other validation error is a bug in the generator.
    """
    case = _known(case)
    for _ in range(len(case) + 10):
        result = validate_case(case, "<generated>")
        if result.record is not None:
            return case
        for error in result.errors:
            if not error.message.startswith("contradictory facts"):
                raise ValueError(f"generated case is invalid: {error}")
            drop_field(case, error.field)
        case = _known(case)
    raise ValueError(f"generated case could not be repaired: {case}")


def _known(case: Case) -> Case:
    """The case without unknown (None) fields; ``tumour`` and ``liver`` likewise."""
    out = {k: v for k, v in case.items() if v is not None}
    out["tumour"] = {k: v for k, v in out["tumour"].items() if v is not None}
    if isinstance(out.get("liver"), dict):
        out["liver"] = {k: v for k, v in out["liver"].items() if v is not None}
    return out


def drop_field(case: Case, path: str) -> None:
    """Remove the field at a dotted path such as ``tumour.syndrome`` or ``treatment_history.0.outcome``."""
    parts = path.split(".")
    if parts[0] == "treatment_history" and len(parts) > 1 and parts[1].isdigit():
        del case["treatment_history"][int(parts[1])]
        return
    parent: Any = case
    for part in parts[:-1]:
        parent = parent.get(part, {})
    if isinstance(parent, dict):
        parent.pop(parts[-1], None)


def make_case(seed: int, index: int) -> Case:
    """Case ``index`` of the stream for ``seed``: targeted, grade-boundary or random by ``index % 4``."""
    rng = random.Random(f"netkg-generate:{seed}:{index}")
    case = random_case(rng, f"gen-{seed}-{index:06d}")
    kind, slot = index % 4, index // 4
    if kind == 0:
        name = TEMPLATE_NAMES[slot % len(TEMPLATE_NAMES)]
        case = _overlay(case, TEMPLATES[name](rng))
    elif kind == 1:
        ki67, mitoses, differentiation = GRADE_GRID[slot % len(GRADE_GRID)]
        case = _overlay(case, {"tumour": {"ki67": ki67, "mitotic_count": mitoses, "differentiation": differentiation}})
    return repair(case)


TEMPLATE_NAMES: tuple[str, ...] = tuple(TEMPLATES)


def iter_cases(seed: int = 0, start: int = 0) -> Iterator[Case]:
    """The endless case stream for ``seed``, from case ``start``."""
    for index in itertools.count(start):
        yield make_case(seed, index)


def generate_cases(n: int, seed: int = 0) -> list[Case]:
    """The first ``n`` cases of the stream for ``seed`` (plain dicts, valid for ``validate_case``)."""
    return list(itertools.islice(iter_cases(seed), n))
