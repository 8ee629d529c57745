"""The fields of a patient case, defined once.

:data:`CASE_FIELDS` is the one table of every field a case file may hold: its
path, type, allowed values or range, unit, meaning, and the ontology
properties its value becomes.  Everything else is derived from it:

* the constraints and descriptions of the case model (:mod:`netkg.cases.record`,
  through :meth:`CaseField.model_field`), and with them the JSON Schema that
  ``netkg schema`` prints;
* the OWL facts of a case (:func:`netkg.cases.conversion.to_facts` follows each
  field's :attr:`CaseField.owl` rule);
* :data:`FACT_PATHS`, the case field behind each ontology property (explanations,
  why-not analysis in the report).

``tests/test_case_fields.py`` checks that the model, the JSON Schema and the
facts agree with this table.  The consistency rules between fields (a syndrome
requires a functioning tumour, ...) are the model's validators, not part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Optional

from pydantic import Field
from rdflib import URIRef

from netkg.cases import codes
from netkg.vocabulary import NETKG

CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$"
MAX_TREATMENT_ENTRIES = 50

Kind = Literal["text", "integer", "number", "flag", "code", "codes", "mapping", "entries"]
"""What a value is: text; a whole number; a decimal number; true/false; one code; a list of
codes (a set); a mapping of further fields; a list of mappings (the fields below it)."""

Owl = Literal["case id", "tumour individual", "site individual", "site individuals", "class value",
              "decimal", "integer", "boolean", "functional status", "hormonal syndrome", "symptom status",
              "treatment individuals", "treatment type", "treatment value", "none"]
"""How a value becomes OWL facts (see :mod:`netkg.cases.conversion`).  The generic rules:
``class value``: the code's ontology class as the property's value; ``decimal`` / ``integer`` /
``boolean``: a typed literal.  With either, an omitted (unknown) value closes the property
(``P max 0``).  The others are written by the conversion's function of that name."""

Subject = Literal["case", "tumour", "treatment"]
"""The individual a field's facts are about: the patient case, its tumour, or one treatment."""


@dataclass(frozen=True)
class CaseField:
    """One field of a case file and what it means in the ontology."""

    path: str  # dotted; a field of each list entry is written under the list's path (treatment_history.therapy)
    kind: Kind
    description: str
    subject: Subject = "case"
    owl: Owl = "none"
    properties: tuple[URIRef, ...] = ()  # every ontology property that holds the value (not hasTumour, which links)
    allowed: Optional[Mapping[str, Optional[URIRef]]] = None  # code -> ontology class (None: unknown)
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    minimum_excluded: bool = False  # the range is (minimum, maximum] instead of [minimum, maximum]
    unit: Optional[str] = None
    required: bool = False
    default: Any = None
    pattern: Optional[str] = None
    max_items: Optional[int] = None

    @property
    def name(self) -> str:
        """The key of the field in its mapping."""
        return self.path.rpartition(".")[2]

    @property
    def parent(self) -> str:
        """The path of the mapping or list holding the field ('' for the case itself)."""
        return self.path.rpartition(".")[0]

    @property
    def fact_path(self) -> str:
        """The field whose value the report shows for this field's facts: the list itself for a list entry's field."""
        return self.parent if self.parent in ENTRY_LISTS else self.path

    def records(self, value: Any) -> bool:
        """Does ``value`` record the fact: given, and not a code that means "unknown" (a code with no class)?"""
        if value is None:
            return False
        return not (self.kind == "code" and self.allowed is not None and value in self.allowed
                    and self.allowed[value] is None)

    @property
    def schema_description(self) -> str:
        """The description in the JSON Schema: the meaning, and the unit if there is one."""
        return f"{self.description} [{self.unit}]" if self.unit else self.description

    def model_field(self) -> Any:
        """The pydantic field: default, range, pattern, length limit and description from this table."""
        limits: dict[str, Any] = {}
        if self.minimum is not None:
            limits["gt" if self.minimum_excluded else "ge"] = self.minimum
        if self.maximum is not None:
            limits["le"] = self.maximum
        if self.kind == "number":
            limits["allow_inf_nan"] = False
        if self.pattern is not None:
            limits["pattern"] = self.pattern
        if self.max_items is not None:
            limits["max_length"] = self.max_items
        default = ... if self.required else self.default
        return Field(default, description=self.schema_description, **limits)


ENTRY_LISTS = frozenset({"treatment_history"})  # lists of mappings; their entries' fields are in the table too

CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField("id", "text", "case identifier, unique in a batch", owl="case id", properties=(NETKG.caseId,),
              required=True, pattern=CASE_ID_PATTERN),
    CaseField("age", "integer", "age of the patient", owl="integer", properties=(NETKG.age,),
              minimum=0, maximum=120, unit="years"),
    CaseField("ecog", "integer", "ECOG performance status", owl="integer", properties=(NETKG.ecogPerformanceStatus,),
              minimum=0, maximum=4),
    CaseField("tumour", "mapping", "the pathology and imaging facts about the neoplasm", owl="tumour individual",
              required=True),
    CaseField("tumour.primary_site", "code", "site of the primary tumour", subject="tumour", owl="site individual",
              properties=(NETKG.hasPrimarySite,), allowed=codes.PRIMARY_SITES, required=True),
    CaseField("tumour.differentiation", "code", "histological differentiation", subject="tumour", owl="class value",
              properties=(NETKG.hasDifferentiation,), allowed=codes.DIFFERENTIATION, default="unknown"),
    CaseField("tumour.ki67", "number", "Ki-67 index", subject="tumour", owl="decimal", properties=(NETKG.ki67Index,),
              minimum=0, maximum=100, unit="%"),
    CaseField("tumour.mitotic_count", "number", "mitotic count", subject="tumour", owl="decimal",
              properties=(NETKG.mitoticCount,), minimum=0, maximum=1000, unit="mitoses per 2 mm2"),
    CaseField("tumour.sstr_status", "code", "somatostatin receptor status on imaging", subject="tumour", owl="class value",
              properties=(NETKG.hasSSTRStatus,), allowed=codes.SSTR_STATUS, default="unknown"),
    CaseField("tumour.functioning", "flag", "a hormonal syndrome is present (implied by a syndrome)", subject="tumour",
              owl="functional status", properties=(NETKG.hasFunctionalStatus,)),
    CaseField("tumour.syndrome", "code", "the hormonal syndrome", subject="tumour", owl="hormonal syndrome",
              properties=(NETKG.hasHormonalSyndrome,), allowed=codes.SYNDROMES),
    CaseField("tumour.size_cm", "number", "largest diameter of the primary tumour", subject="tumour", owl="decimal",
              properties=(NETKG.tumourSizeCm,), minimum=0, minimum_excluded=True, maximum=50, unit="cm"),
    CaseField("tumour.lesion_count", "integer", "number of primary lesions (more than 1: multifocal)", subject="tumour",
              owl="integer", properties=(NETKG.primaryLesionCount,), minimum=1, maximum=100),
    CaseField("tumour.histology", "code", "histological type (lung carcinoids; small or large cell carcinoma)",
              subject="tumour", owl="class value", properties=(NETKG.hasHistology,), allowed=codes.HISTOLOGY,
              default="unknown"),
    CaseField("tumour.necrosis", "code", "tumour necrosis on pathology", subject="tumour", owl="class value",
              properties=(NETKG.hasNecrosis,), allowed=codes.NECROSIS, default="unknown"),
    CaseField("tumour.gastric_type", "code", "type of a gastric NET (only with primary_site stomach)", subject="tumour",
              owl="class value", properties=(NETKG.hasGastricType,), allowed=codes.GASTRIC_TYPES),
    CaseField("tumour.invasion_depth", "code", "deepest layer of the wall the primary invades", subject="tumour",
              owl="class value", properties=(NETKG.hasInvasionDepth,), allowed=codes.INVASION_DEPTHS,
              default="unknown"),
    CaseField("tumour.lymphovascular_invasion", "flag", "lympho-vascular invasion on pathology", subject="tumour",
              owl="boolean", properties=(NETKG.lymphovascularInvasion,)),
    CaseField("tumour.mesoappendiceal_invasion_mm", "number", "depth of invasion into the mesoappendix "
              "(only with primary_site appendix; 0 = none)", subject="tumour", owl="decimal",
              properties=(NETKG.mesoappendicealInvasionMm,), minimum=0, maximum=100, unit="mm"),
    CaseField("tumour.resection_margin", "code", "margin of the resection of the primary (only with primary_resected "
              "true or omitted)", subject="tumour", owl="class value", properties=(NETKG.hasResectionMargin,),
              allowed=codes.RESECTION_MARGINS, default="unknown"),
    CaseField("metastatic_sites", "codes", "sites of metastasis; [] = staged, no metastasis; omitted = staging not documented",
              subject="tumour", owl="site individuals", properties=(NETKG.hasMetastaticSite, NETKG.hasStagingStatus),
              allowed=codes.METASTATIC_SITES),
    CaseField("liver", "mapping", "extent of liver metastases (only with liver in metastatic_sites)", subject="tumour"),
    CaseField("liver.lesion_count", "integer", "number of liver metastases", subject="tumour", owl="integer",
              properties=(NETKG.liverLesionCount,), minimum=1, maximum=1000),
    CaseField("liver.largest_lesion_cm", "number", "diameter of the largest liver metastasis", subject="tumour",
              owl="decimal", properties=(NETKG.largestLiverLesionCm,), minimum=0, minimum_excluded=True, maximum=50,
              unit="cm"),
    CaseField("liver.involvement_percent", "number", "share of the liver volume involved", subject="tumour",
              owl="decimal", properties=(NETKG.liverInvolvementPercent,), minimum=0, maximum=100, unit="%"),
    CaseField("liver.resectable", "flag", "the liver metastases are judged resectable", subject="tumour", owl="boolean",
              properties=(NETKG.liverMetastasesResectable,)),
    CaseField("liver.resectable_after_downsizing", "flag",
              "the surgeons judge unresectable liver metastases resectable if they shrink (K050)", subject="tumour",
              owl="boolean", properties=(NETKG.liverResectableAfterDownsizing,)),
    CaseField("resectable_burden_percent", "number", "share of the whole tumour burden that is resectable",
              subject="tumour", owl="decimal", properties=(NETKG.resectableBurdenPercent,), minimum=0, maximum=100,
              unit="%"),
    CaseField("disease_course", "code", "course of the disease", owl="class value", properties=(NETKG.hasDiseaseCourse,),
              allowed=codes.DISEASE_COURSE, default="unknown"),
    CaseField("rapid_progression", "flag", "the disease progresses rapidly (requires disease_course 'progressive')",
              owl="boolean", properties=(NETKG.rapidProgression,)),
    CaseField("months_stable", "integer", "how long the disease has been stable", owl="integer",
              properties=(NETKG.monthsStable,), minimum=0, maximum=600, unit="months"),
    CaseField("months_since_diagnosis", "number", "time since the advanced disease was diagnosed (newly diagnosed: 6 or less)",
              owl="decimal", properties=(NETKG.monthsSinceDiagnosis,), minimum=0, maximum=600, unit="months"),
    CaseField("bowel_movements_per_day", "number", "average bowel movements per day (carcinoid syndrome diarrhoea)",
              owl="decimal", properties=(NETKG.bowelMovementsPerDay,), minimum=0, maximum=50, unit="per day"),
    CaseField("treatment_history", "entries",
              "every prior or current therapy; [] = treatment-naive; omitted = not recorded",
              owl="treatment individuals", properties=(NETKG.hasReceivedTherapy, NETKG.currentSystemicLine),
              max_items=MAX_TREATMENT_ENTRIES),
    CaseField("treatment_history.therapy", "code", "the therapy received", subject="treatment", owl="treatment type",
              allowed=codes.THERAPIES, required=True),
    CaseField("treatment_history.intent", "code", "why it was given", subject="treatment", owl="treatment value",
              properties=(NETKG.hasTreatmentIntent,), allowed=codes.TREATMENT_INTENTS, required=True),
    CaseField("treatment_history.outcome", "code", "how it ended (or 'ongoing')", subject="treatment",
              owl="treatment value", properties=(NETKG.hasTreatmentOutcome,), allowed=codes.TREATMENT_OUTCOMES,
              required=True),
    CaseField("treatment_history.start", "text", "when it started: YYYY-MM or YYYY-MM-DD", subject="treatment",
              pattern=DATE_PATTERN),
    CaseField("treatment_history.end", "text", "when it ended: YYYY-MM or YYYY-MM-DD", subject="treatment",
              pattern=DATE_PATTERN),
    CaseField("primary_resected", "flag", "the primary tumour has been resected", owl="boolean",
              properties=(NETKG.primaryResected,)),
    CaseField("pancreatoduodenectomy", "flag", "prior pancreatoduodenectomy (Whipple procedure)", owl="boolean",
              properties=(NETKG.priorPancreatoduodenectomy,)),
    CaseField("complete_resection", "flag", "all known disease has been resected", owl="boolean",
              properties=(NETKG.completeResection,)),
    CaseField("primary_complications", "codes",
              "complications of the primary tumour; [] = asymptomatic primary; omitted = not recorded",
              owl="symptom status", properties=(NETKG.hasPrimarySymptomStatus, NETKG.hasPrimaryComplication),
              allowed=codes.PRIMARY_COMPLICATIONS),
    CaseField("bone_metastasis_complications", "codes",
              "what the bone metastases cause or threaten; [] = asymptomatic bone metastases; omitted = not recorded",
              owl="symptom status",
              properties=(NETKG.hasBoneMetastasisSymptomStatus, NETKG.hasBoneMetastasisComplication),
              allowed=codes.BONE_METASTASIS_COMPLICATIONS),
    CaseField("hereditary_syndrome", "code", "germline tumour syndrome of the patient; none_known = assessed, none found",
              owl="class value", properties=(NETKG.hasHereditarySyndrome,), allowed=codes.HEREDITARY_SYNDROMES),
)

FIELDS: dict[str, CaseField] = {f.path: f for f in CASE_FIELDS}

FACT_PATHS: dict[URIRef, str] = {prop: f.fact_path for f in CASE_FIELDS for prop in f.properties}
"""The case field behind each ontology property a case's facts use (explanations, why-not analysis)."""


def model_field(path: str) -> Any:
    """The pydantic field of the case model for the field at ``path`` (see :meth:`CaseField.model_field`)."""
    return FIELDS[path].model_field()


def fields_under(parent: str) -> tuple[CaseField, ...]:
    """The fields of the mapping at ``parent`` ('' for the case itself), in table order."""
    return tuple(f for f in CASE_FIELDS if f.parent == parent)
