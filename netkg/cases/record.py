"""The patient case model: a case's fields, their types and the consistency rules between them.

The fields' ranges, patterns and descriptions come from the field table
(:mod:`netkg.cases.fields`); the types here repeat the table's for the type checker
(``tests/test_case_fields.py`` keeps the two equal).  The validators reject facts
that cannot be true together, each with the field it names (:class:`Contradiction`).
Reading files is :mod:`netkg.cases.reader`; the OWL facts are :mod:`netkg.cases.conversion`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal as Lit, Optional

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from netkg.cases.codes import LUNG_CARCINOID_HISTOLOGY, NEC_HISTOLOGY
from netkg.cases.fields import FIELDS, model_field
from netkg.errors import InputError

PROGRESSIVE_MAX_MONTHS_STABLE = 24  # disease stable this long is not progressive
RAPID_MAX_MONTHS_STABLE = 12  # nor rapidly progressing after this long


def _choices(path: str) -> Any:
    """The allowed codes of the field at ``path`` as a type (its JSON Schema is their enum)."""
    allowed = FIELDS[path].allowed
    assert allowed is not None, path
    return Lit[tuple(allowed)]  # type: ignore[valid-type]


PrimarySite = _choices("tumour.primary_site")
MetastaticSite = _choices("metastatic_sites")
Differentiation = _choices("tumour.differentiation")
SSTRStatus = _choices("tumour.sstr_status")
DiseaseCourse = _choices("disease_course")
Syndrome = _choices("tumour.syndrome")
Complication = _choices("primary_complications")
BoneComplication = _choices("bone_metastasis_complications")
TherapyCode = _choices("treatment_history.therapy")
TreatmentIntent = _choices("treatment_history.intent")
TreatmentOutcome = _choices("treatment_history.outcome")
Histology = _choices("tumour.histology")
Necrosis = _choices("tumour.necrosis")
GastricType = _choices("tumour.gastric_type")
InvasionDepth = _choices("tumour.invasion_depth")
ResectionMargin = _choices("tumour.resection_margin")
HereditarySyndrome = _choices("hereditary_syndrome")

#: The list fields that are sets (kept in vocabulary order, each value once), with what one value is called.
SET_FIELDS: dict[str, str] = {"metastatic_sites": "site", "primary_complications": "complication",
                              "bone_metastasis_complications": "complication"}
#: Fields that describe the metastases at one site: field -> (the site metastatic_sites must list, what the field is).
SITE_DETAIL_FIELDS: dict[str, tuple[str, str]] = {"liver": ("liver", "liver burden is"),
                                                  "bone_metastasis_complications": ("bone", "bone metastasis complications are")}


class _Strict(BaseModel):
    # strict: a number must be a number and a flag a boolean; "12", true or "yes" are
    # rejected instead of being coerced (nothing is guessed).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TumourRecord(_Strict):
    """The pathology and imaging facts about the neoplasm."""

    primary_site: PrimarySite = model_field("tumour.primary_site")  # type: ignore[valid-type]
    differentiation: Differentiation = model_field("tumour.differentiation")  # type: ignore[valid-type]
    ki67: Optional[float] = model_field("tumour.ki67")
    mitotic_count: Optional[float] = model_field("tumour.mitotic_count")
    sstr_status: SSTRStatus = model_field("tumour.sstr_status")  # type: ignore[valid-type]
    functioning: Optional[bool] = model_field("tumour.functioning")
    syndrome: Optional[Syndrome] = model_field("tumour.syndrome")  # type: ignore[valid-type]
    size_cm: Optional[float] = model_field("tumour.size_cm")
    lesion_count: Optional[int] = model_field("tumour.lesion_count")
    histology: Histology = model_field("tumour.histology")  # type: ignore[valid-type]
    necrosis: Necrosis = model_field("tumour.necrosis")  # type: ignore[valid-type]
    gastric_type: Optional[GastricType] = model_field("tumour.gastric_type")  # type: ignore[valid-type]
    invasion_depth: InvasionDepth = model_field("tumour.invasion_depth")  # type: ignore[valid-type]
    lymphovascular_invasion: Optional[bool] = model_field("tumour.lymphovascular_invasion")
    mesoappendiceal_invasion_mm: Optional[float] = model_field("tumour.mesoappendiceal_invasion_mm")
    resection_margin: ResectionMargin = model_field("tumour.resection_margin")  # type: ignore[valid-type]


class LiverBurden(_Strict):
    """Extent of liver metastases."""

    lesion_count: Optional[int] = model_field("liver.lesion_count")
    largest_lesion_cm: Optional[float] = model_field("liver.largest_lesion_cm")
    involvement_percent: Optional[float] = model_field("liver.involvement_percent")
    resectable: Optional[bool] = model_field("liver.resectable")
    resectable_after_downsizing: Optional[bool] = model_field("liver.resectable_after_downsizing")


class TreatmentLine(_Strict):
    """One therapy the patient has received (or is receiving), why, and how it ended."""

    therapy: TherapyCode = model_field("treatment_history.therapy")  # type: ignore[valid-type]
    intent: TreatmentIntent = model_field("treatment_history.intent")  # type: ignore[valid-type]
    outcome: TreatmentOutcome = model_field("treatment_history.outcome")  # type: ignore[valid-type]
    start: Optional[str] = model_field("treatment_history.start")
    end: Optional[str] = model_field("treatment_history.end")


class CaseRecord(_Strict):
    """One patient case as submitted.  Omitted fields are unknown, never assumed."""

    id: str = model_field("id")
    age: Optional[int] = model_field("age")
    ecog: Optional[int] = model_field("ecog")
    tumour: TumourRecord = model_field("tumour")
    metastatic_sites: Optional[list[MetastaticSite]] = model_field("metastatic_sites")  # type: ignore[valid-type]
    liver: Optional[LiverBurden] = model_field("liver")
    resectable_burden_percent: Optional[float] = model_field("resectable_burden_percent")
    disease_course: DiseaseCourse = model_field("disease_course")  # type: ignore[valid-type]
    rapid_progression: Optional[bool] = model_field("rapid_progression")
    months_stable: Optional[int] = model_field("months_stable")
    months_since_diagnosis: Optional[float] = model_field("months_since_diagnosis")
    bowel_movements_per_day: Optional[float] = model_field("bowel_movements_per_day")
    treatment_history: Optional[list[TreatmentLine]] = model_field("treatment_history")
    primary_resected: Optional[bool] = model_field("primary_resected")
    pancreatoduodenectomy: Optional[bool] = model_field("pancreatoduodenectomy")
    complete_resection: Optional[bool] = model_field("complete_resection")
    primary_complications: Optional[list[Complication]] = model_field("primary_complications")  # type: ignore[valid-type]
    bone_metastasis_complications: Optional[list[BoneComplication]] = model_field(  # type: ignore[valid-type]
        "bone_metastasis_complications")
    hereditary_syndrome: Optional[HereditarySyndrome] = model_field("hereditary_syndrome")  # type: ignore[valid-type]

    @field_validator(*SET_FIELDS, mode="after")
    @classmethod
    def _canonical_order(cls, value: Optional[list[str]], info: Any) -> Optional[list[str]]:
        """These lists are sets: keep them in the order of their allowed codes (:mod:`netkg.cases.codes`), so the order
        they arrive in never changes the record, its facts or its report."""
        if value is None:
            return None
        order = list(FIELDS[info.field_name].allowed or ())
        return sorted(value, key=lambda code: (order.index(code), code))

    @model_validator(mode="after")
    def _consistent(self) -> "CaseRecord":
        t = self.tumour
        high_mitoses = t.mitotic_count is not None and t.mitotic_count > 20
        if t.differentiation == "poor" and t.ki67 is not None and t.ki67 <= 20 and not high_mitoses:
            raise Contradiction("tumour.ki67", "a poorly differentiated carcinoma is high grade (K004): Ki-67 must be above 20%, "
                                 "or the mitotic count above 20; review the pathology")
        sites = self.metastatic_sites
        for name, item in SET_FIELDS.items():
            values = getattr(self, name)
            if values is not None and len(set(values)) != len(values):
                raise Contradiction(name, f"each {item} may be listed once")
        for name, (site, what) in SITE_DETAIL_FIELDS.items():
            if getattr(self, name) is not None and (sites is None or site not in sites):
                raise Contradiction(name, f"{what} given but metastatic_sites does not list '{site}'")
        if self.primary_resected and self.primary_complications:
            raise Contradiction("primary_complications", "the primary is recorded as resected, so it cannot be symptomatic")
        if self.complete_resection and self.primary_resected is False:
            raise Contradiction("complete_resection", "complete resection requires primary_resected to be true")
        if t.syndrome is not None and t.functioning is False:
            raise Contradiction("tumour.syndrome", "a hormonal syndrome requires functioning to be true (or omitted)")
        if self.rapid_progression and self.disease_course != "progressive":
            raise Contradiction("rapid_progression", "rapid progression requires disease_course 'progressive'")
        self._consistent_course()
        self._consistent_surgery()
        self._consistent_pathology()
        for n, line in enumerate(self.treatment_history or ()):
            if line.outcome == "syndrome_uncontrolled" and line.intent != "syndrome_control":
                raise Contradiction(f"treatment_history.{n}.outcome",
                                     "'syndrome_uncontrolled' is the outcome of a therapy given with intent 'syndrome_control'")
            if line.start and line.end and line.end < line.start:
                raise Contradiction(f"treatment_history.{n}.end", "the end date is before the start date")
            if line.outcome == "ongoing" and line.end:
                raise Contradiction(f"treatment_history.{n}.end", "an ongoing therapy has no end date")
        return self

    def _consistent_course(self) -> None:
        months = self.months_stable
        if months is None:
            return
        if self.rapid_progression and months >= RAPID_MAX_MONTHS_STABLE:
            raise Contradiction("months_stable", f"rapid progression with {months} months stable: disease stable for "
                                                  f"{RAPID_MAX_MONTHS_STABLE} months or more is not progressing rapidly; correct one of them")
        if self.disease_course == "progressive" and months >= PROGRESSIVE_MAX_MONTHS_STABLE:
            raise Contradiction("months_stable", f"disease_course 'progressive' with {months} months stable: disease stable "
                                                  f"for {PROGRESSIVE_MAX_MONTHS_STABLE} months or more is not progressive; "
                                                  "correct one of them")

    def _consistent_surgery(self) -> None:
        unknown_primary = self.tumour.primary_site == "unknown"
        if unknown_primary and self.primary_resected:
            raise Contradiction("primary_resected", "the primary site is unknown, so the primary cannot have been resected; "
                                                     "if surgery found it, record its site")
        if unknown_primary and self.complete_resection:
            raise Contradiction("complete_resection", "the primary site is unknown, so not all disease can have been resected; "
                                                       "if surgery found the primary, record its site")
        if self.complete_resection and self.liver is not None and self.liver.resectable is False:
            raise Contradiction("complete_resection", "complete resection means all known disease was resected, but the "
                                                       "liver metastases are recorded as not resectable (liver.resectable false)")
        if self.pancreatoduodenectomy and self.primary_resected is False and self.tumour.primary_site == "duodenum":
            raise Contradiction("pancreatoduodenectomy", "a pancreatoduodenectomy removes the duodenum, so a duodenal primary "
                                                          "cannot still be in place (primary_resected false); correct one of them")


    def _consistent_pathology(self) -> None:
        t = self.tumour
        site = t.primary_site
        if t.gastric_type is not None and site != "stomach":
            raise Contradiction("tumour.gastric_type", f"a gastric type (type_1, type_2, type_3) describes a stomach "
                                                        f"primary, but primary_site is '{site}'; correct one of them")
        if t.histology in LUNG_CARCINOID_HISTOLOGY and site != "lung":
            raise Contradiction("tumour.histology", f"'{t.histology}' is a lung classification (K124; allowed for "
                                                     f"primary_site lung only), but primary_site is '{site}'")
        if t.histology in LUNG_CARCINOID_HISTOLOGY and t.differentiation == "poor":
            raise Contradiction("tumour.histology", f"a carcinoid ('{t.histology}') is well differentiated, but "
                                                     "differentiation is 'poor'; review the pathology")
        if t.histology in NEC_HISTOLOGY and t.differentiation == "well":
            raise Contradiction("tumour.histology", f"'{t.histology}' carcinoma is poorly differentiated (NEC), but "
                                                     "differentiation is 'well'; review the pathology")
        if t.mesoappendiceal_invasion_mm is not None and site != "appendix":
            raise Contradiction("tumour.mesoappendiceal_invasion_mm", f"mesoappendiceal invasion describes an appendix "
                                                                       f"primary, but primary_site is '{site}'")
        if t.resection_margin != "unknown" and self.primary_resected is False:
            raise Contradiction("tumour.resection_margin", "a resection margin is recorded, but primary_resected is false")


class Contradiction(ValueError):
    """Facts of a case that cannot be true together; ``field`` is the one to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CaseError:
    """Why one case (or a whole file) was rejected."""

    source: str
    case_id: Optional[str]
    field: str
    message: str

    def __str__(self) -> str:
        who = f"case '{self.case_id}'" if self.case_id else "input"
        return f"{self.source}: {who}: field '{self.field}': {self.message}"


class CaseInputError(InputError):
    """Raised when input cannot be read at all or a single case is invalid."""

    def __init__(self, errors: list[CaseError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class CaseResult:
    """A case read from input: the record, or the errors that rejected it."""

    source: str
    record: Optional[CaseRecord]
    errors: tuple[CaseError, ...] = ()
