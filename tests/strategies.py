"""Hypothesis strategies for patient cases as they arrive in a case file.

Every strategy here produces a *parsed* case (a dict as ``json.loads`` or
``yaml.safe_load`` would return it) that :func:`netkg.cases.reader.validate_case`
accepts: every field may be present, omitted or explicitly unknown.  The
cross-field rules are not restated here: a drawn case that the case model
rejects as contradictory loses the field the model names (and a poorly
differentiated tumour keeps a proliferation the model accepts), so generation
stays fast and follows the model's rules wherever they change.

The allowed values come from :mod:`netkg.cases.codes`; of the rest of netkg only
the case model's validation and :func:`netkg.maintenance.generate.drop_field` are used.
"""

from __future__ import annotations

import random
from typing import Any, Optional

from hypothesis import strategies as st

from netkg.cases import codes
from netkg.cases.reader import validate_case
from netkg.maintenance.generate import drop_field

PRIMARY_SITES = sorted(codes.PRIMARY_SITES)
METASTATIC_SITES = sorted(codes.METASTATIC_SITES)
DIFFERENTIATION = sorted(codes.DIFFERENTIATION)
SSTR_STATUS = sorted(codes.SSTR_STATUS)
DISEASE_COURSE = sorted(codes.DISEASE_COURSE)
SYNDROMES = sorted(codes.SYNDROMES)
COMPLICATIONS = sorted(codes.PRIMARY_COMPLICATIONS)
THERAPIES = sorted(codes.THERAPIES)
INTENTS = sorted(codes.TREATMENT_INTENTS)
OUTCOMES = sorted(codes.TREATMENT_OUTCOMES)

# Values on and next to every threshold the knowledge uses (grade limits 3% / 20% / 55%,
# mitoses 2 / 20, liver burden, resectable fraction, age and ECOG limits).
KI67_EDGES = [0, 0.5, 2.9, 2.99, 3, 3.01, 9.9, 10, 10.1, 19.9, 20, 20.01, 21, 54.9, 55, 55.1, 70, 99.99, 100]
MITOSES_EDGES = [0, 1, 1.9, 2, 2.1, 19, 20, 20.5, 21, 100, 1000]
PERCENT_EDGES = [0, 1, 24.9, 25, 49.9, 50, 50.1, 69.9, 70, 89.9, 90, 99, 100]
CASE_ID_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
CASE_ID_REST = CASE_ID_FIRST + "._-"

MISSING = object()  # marker: leave the field out of the dict


def case_ids() -> st.SearchStrategy[str]:
    """Ids matching the case-id pattern (1-128 characters)."""
    return st.builds(lambda a, b: a + b, st.sampled_from(CASE_ID_FIRST),
                     st.text(alphabet=CASE_ID_REST, max_size=20))


def _number(lo: float, hi: float, edges: list[float], integral_only: bool = False) -> st.SearchStrategy[Any]:
    inside = [e for e in edges if lo <= e <= hi]
    options: list[st.SearchStrategy[Any]] = [st.sampled_from(inside)] if inside else []
    options.append(st.integers(int(lo) if lo == int(lo) else int(lo) + 1, int(hi)))
    if not integral_only:
        options.append(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    return st.one_of(options)


def _maybe(strategy: st.SearchStrategy[Any], *, none: bool = True) -> st.SearchStrategy[Any]:
    """The value, or the field left out, or (when allowed) an explicit null."""
    options = [strategy, st.just(MISSING)]
    if none:
        options.append(st.none())
    return st.one_of(options)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not MISSING:
        target[key] = value


@st.composite
def tumours(draw: st.DrawFn, differentiation: Optional[str] = None, graded: Optional[bool] = None,
            sstr_status: Optional[str] = None) -> dict[str, Any]:
    """A ``tumour`` mapping.

    ``graded=True`` forces a Ki-67 or mitotic count, ``graded=False`` leaves both out;
    ``differentiation`` / ``sstr_status`` fix those fields ("unknown" may also mean omitted).
    """
    t: dict[str, Any] = {"primary_site": draw(st.sampled_from(PRIMARY_SITES))}
    diff = differentiation if differentiation is not None else draw(st.sampled_from(DIFFERENTIATION))
    if diff != "unknown" or draw(st.booleans()):
        t["differentiation"] = diff
    if graded is False:
        ki67 = mitoses = None
    else:
        ki67 = draw(st.one_of(st.none(), _number(0, 100, KI67_EDGES)))
        mitoses = draw(st.one_of(st.none(), _number(0, 1000, MITOSES_EDGES)))
        if graded and ki67 is None and mitoses is None:
            ki67 = draw(_number(0, 100, KI67_EDGES))
    if ki67 is not None and not _grading_accepted(t, ki67, mitoses):
        # e.g. a poorly differentiated tumour with low proliferation: keep it graded, with a Ki-67 the model accepts
        accepted = [k for k in KI67_EDGES if _grading_accepted(t, k, mitoses)]
        ki67 = draw(st.one_of(st.sampled_from(accepted), st.floats(min(accepted), 100)))
    for key, value in (("ki67", ki67), ("mitotic_count", mitoses)):
        if value is not None:
            t[key] = value
        elif draw(st.booleans()):
            t[key] = None
    sstr = sstr_status if sstr_status is not None else draw(st.sampled_from(SSTR_STATUS))
    if sstr != "unknown" or draw(st.booleans()):
        t["sstr_status"] = sstr
    syndrome = draw(_maybe(st.sampled_from(SYNDROMES)))
    _put(t, "functioning", draw(_maybe(st.booleans())))
    _put(t, "syndrome", syndrome)
    return t


@st.composite
def cases(draw: st.DrawFn, differentiation: Optional[str] = None, graded: Optional[bool] = None,
          sstr_status: Optional[str] = None) -> dict[str, Any]:
    """A whole valid case dict; the keyword arguments are passed to :func:`tumours`."""
    c: dict[str, Any] = {"id": draw(case_ids()),
                         "tumour": draw(tumours(differentiation=differentiation, graded=graded, sstr_status=sstr_status))}
    _put(c, "age", draw(_maybe(_number(0, 120, [0, 17, 18, 64, 65, 69, 70, 75, 76, 80, 120], integral_only=True))))
    _put(c, "ecog", draw(_maybe(st.integers(0, 4))))
    sites = draw(_maybe(st.lists(st.sampled_from(METASTATIC_SITES), unique=True, max_size=len(METASTATIC_SITES))))
    _put(c, "metastatic_sites", sites)
    if draw(st.booleans()):
        liver: dict[str, Any] = {}
        _put(liver, "lesion_count", draw(_maybe(_number(1, 1000, [1, 2, 3, 4, 5, 10], integral_only=True))))
        _put(liver, "largest_lesion_cm", draw(_maybe(st.one_of(st.sampled_from([0.1, 1, 2.9, 3, 3.1, 5, 10, 50]),
                                                                  st.floats(0.01, 50)))))
        _put(liver, "involvement_percent", draw(_maybe(_number(0, 100, PERCENT_EDGES))))
        _put(liver, "resectable", draw(_maybe(st.booleans())))
        c["liver"] = liver
    _put(c, "resectable_burden_percent", draw(_maybe(_number(0, 100, PERCENT_EDGES))))
    course = draw(st.sampled_from(DISEASE_COURSE))
    if course != "unknown" or draw(st.booleans()):
        c["disease_course"] = course
    _put(c, "rapid_progression", draw(_maybe(st.booleans())))
    _put(c, "months_stable", draw(_maybe(_number(0, 600, [0, 5, 6, 11, 12, 24, 600], integral_only=True))))
    history = draw(_maybe(st.lists(treatment_lines(), max_size=4)))
    _put(c, "treatment_history", history)
    _put(c, "primary_resected", draw(_maybe(st.booleans())))
    _put(c, "pancreatoduodenectomy", draw(_maybe(st.booleans())))
    _put(c, "complete_resection", draw(_maybe(st.booleans())))
    _put(c, "primary_complications",
         draw(_maybe(st.lists(st.sampled_from(COMPLICATIONS), unique=True, max_size=len(COMPLICATIONS)))))
    return _without_contradictions(c)


def _grading_accepted(tumour: dict[str, Any], ki67: Any, mitoses: Any) -> bool:
    """Whether the case model accepts ``tumour`` with this Ki-67 and mitotic count."""
    graded = {**tumour, "ki67": ki67, "mitotic_count": mitoses}
    return validate_case({"id": "grading", "tumour": graded}, "<generated>").record is not None


def _without_contradictions(case: dict[str, Any]) -> dict[str, Any]:
    """Drop every field the case model rejects as contradicting another (its consistency rules stay in one place)."""
    for _ in range(len(case) + 10):
        result = validate_case(case, "<generated>")
        contradictions = [e for e in result.errors if e.message.startswith("contradictory facts")]
        if result.record is not None or not contradictions:
            return case
        for error in contradictions:
            drop_field(case, error.field)
    return case


@st.composite
def treatment_lines(draw: st.DrawFn) -> dict[str, Any]:
    """One entry of a treatment history."""
    intent = draw(st.sampled_from(INTENTS))
    outcomes = [o for o in OUTCOMES if o != "syndrome_uncontrolled" or intent == "syndrome_control"]
    return {"therapy": draw(st.sampled_from(THERAPIES)), "intent": intent, "outcome": draw(st.sampled_from(outcomes))}


def ungraded_cases() -> st.SearchStrategy[dict[str, Any]]:
    """Cases whose grade cannot be assigned: differentiation unknown, or well differentiated
    without Ki-67 and mitotic count.  (Poorly differentiated is an NEC by definition, K004.)"""
    return st.one_of(cases(differentiation="unknown"), cases(differentiation="well", graded=False))


def reorderings(case: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same case with every list field and every mapping's key order shuffled."""
    rng = random.Random(seed)

    def shuffle(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            items = list(value.items())
            rng.shuffle(items)
            return {k: shuffle(v, k) for k, v in items}
        if isinstance(value, list):
            copy = [shuffle(v) for v in value]
            if key != "treatment_history":  # a sequence in time, not a set: its order is kept
                rng.shuffle(copy)
            return copy
        return value

    return shuffle(case)
