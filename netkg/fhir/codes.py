"""The codes a FHIR Bundle may use and the case values they mean: the one table of the FHIR mapping.

Standard codes (NCIt, ICD-O-3, LOINC, SNOMED CT, ATC) are only those verified in a public source,
named in :attr:`StandardCode.verified`.  Everything else uses netkg's local code systems, whose codes
are the case format's own codes (:mod:`netkg.cases.codes`): one code system per coded case field,
``LOCAL_BASE + <field path, '.' and '_' written '-'>``, and :data:`CASE_FIELD_SYSTEM`, whose codes
are the case field paths (an Observation with such a code gives that field's value).
docs/fhir.md shows these tables; ``tests/test_fhir.py`` checks that it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from netkg.cases.fields import CASE_FIELDS, FIELDS

NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
ATC = "http://www.whocc.no/atc"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
UCUM = "http://unitsofmeasure.org"

LOCAL_BASE = "https://w3id.org/netkg/fhir/CodeSystem/"
CASE_FIELD_SYSTEM = LOCAL_BASE + "case-field"
TREATMENT_INTENT_EXTENSION = "https://w3id.org/netkg/fhir/StructureDefinition/treatment-intent"

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PRIMARY_CANCER_PROFILE = MCODE + "mcode-primary-cancer-condition"
SECONDARY_CANCER_PROFILE = MCODE + "mcode-secondary-cancer-condition"
HISTOLOGY_EXTENSION = MCODE + "mcode-histology-morphology-behavior"

TERMINOLOGY_TSV = "the knowledge sources' terminology list (codes read in public sources: NCIt from the Mondo mappings)"
MCODE_STU4 = "https://hl7.org/fhir/us/mcode/"


def local_system(path: str) -> str:
    """The local code system of the coded case field at ``path`` (its codes are the field's codes)."""
    return LOCAL_BASE + path.replace(".", "-").replace("_", "-")


LOCAL_SYSTEMS: dict[str, str] = {f.path: local_system(f.path) for f in CASE_FIELDS if f.allowed is not None}
"""Every coded case field and its local code system."""


@dataclass(frozen=True)
class StandardCode:
    """A verified code of a standard code system and where it was verified."""

    system: str
    code: str
    label: str
    verified: str


@dataclass(frozen=True)
class Histology:
    """What a primary cancer's code says about the case's tumour fields."""

    standard: StandardCode
    differentiation: Optional[str]  # None: the code is known but outside the case format (refused)
    histology: Optional[str] = None
    functioning: Optional[bool] = None
    refusal: str = ""


def _ncit(code: str, label: str) -> StandardCode:
    return StandardCode(NCIT, code, label, TERMINOLOGY_TSV)


HISTOLOGIES: tuple[Histology, ...] = (
    Histology(_ncit("C3809", "Neuroendocrine Neoplasm"), "unknown"),
    Histology(_ncit("C27031", "Pancreatic Neuroendocrine Neoplasm"), "unknown"),
    Histology(_ncit("C188218", "Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C72074", "Neuroendocrine Tumor G2"), "well"),
    Histology(_ncit("C2915", "Carcinoid Tumor"), "well"),
    Histology(_ncit("C27720", "Pancreatic Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C95584", "Pancreatic Neuroendocrine Tumor G1"), "well"),
    Histology(_ncit("C45837", "Non-Functioning Pancreatic Neuroendocrine Tumor"), "well", functioning=False),
    Histology(_ncit("C45840", "Functioning Pancreatic Neuroendocrine Tumor"), "well", functioning=True),
    Histology(_ncit("C96061", "Small Intestinal Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C4638", "Small Intestinal Neuroendocrine Tumor G1"), "well"),
    Histology(_ncit("C135092", "Ileal Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C135090", "Jejunal Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C135213", "Rectal Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C135212", "Colon Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C96160", "Colorectal Neuroendocrine Tumor G1"), "well"),
    Histology(_ncit("C95404", "Digestive System Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C95871", "Gastric Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C96422", "Appendix Neuroendocrine Tumor"), "well"),
    Histology(_ncit("C3773", "Neuroendocrine Carcinoma"), "poor"),
    Histology(_ncit("C3770", "Pancreatic Neuroendocrine Carcinoma"), "poor"),
    Histology(_ncit("C96156", "High Grade Neuroendocrine Carcinoma of the Colon and Rectum"), "poor"),
    Histology(_ncit("C3915", "Small Cell Neuroendocrine Carcinoma"), "poor", histology="small_cell"),
    Histology(_ncit("C6875", "Large Cell Neuroendocrine Carcinoma"), "poor", histology="large_cell"),
    Histology(StandardCode(ICDO3, "8154/3", "Mixed neuroendocrine-non-neuroendocrine neoplasm (MiNEN)", TERMINOLOGY_TSV),
              None, refusal="MiNEN is outside the case format (netkg reasons over NET and NEC only); "
                            "give the neuroendocrine component's differentiation with the local code system "
                            f"{local_system('tumour.differentiation')} if a clinician decides to treat it as such"),
)

HISTOLOGY_BY_CODE: dict[tuple[str, str], Histology] = {(h.standard.system, h.standard.code): h for h in HISTOLOGIES}


@dataclass(frozen=True)
class ObservationCode:
    """A standard Observation code and the case field its value gives."""

    standard: StandardCode
    path: str
    value: str  # the FHIR value element read: valueInteger, valueQuantity, valueCodeableConcept
    unit: Optional[str] = None  # the UCUM unit required of a valueQuantity


ECOG = ObservationCode(StandardCode(LOINC, "89247-1", "ECOG Performance Status score",
                                    MCODE_STU4 + "StructureDefinition-mcode-ecog-performance-status.html"),
                       "ecog", "valueInteger")
KI67 = ObservationCode(StandardCode(NCIT, "C123557", "Ki-67 Measurement", TERMINOLOGY_TSV), "tumour.ki67",
                       "valueQuantity", "%")
TUMOUR_SIZE = ObservationCode(StandardCode(LOINC, "21889-1", "Size Tumor",
                                           MCODE_STU4 + "StructureDefinition-mcode-tumor-size.html (example "
                                           "Observation-tumor-size-pathology)"),
                              "tumour.size_cm", "valueQuantity (or component 33728-7)", "cm")
TUMOUR_SIZE_MAX_DIMENSION = StandardCode(LOINC, "33728-7", "Size.maximum dimension in Tumor",
                                         MCODE_STU4 + "Observation-tumor-size-pathology.html")
DISEASE_STATUS = ObservationCode(StandardCode(LOINC, "97509-4", "Cancer disease status",
                                              MCODE_STU4 + "StructureDefinition-mcode-cancer-disease-status.html"),
                                 "disease_course", "valueCodeableConcept")
OBSERVATION_CODES: tuple[ObservationCode, ...] = (ECOG, KI67, TUMOUR_SIZE, DISEASE_STATUS)
SIZE_UNITS_IN_CM: dict[str, float] = {"cm": 1.0, "mm": 0.1}

_TREND_VS = MCODE_STU4 + "ValueSet-mcode-condition-status-trend-vs.html"
DISEASE_STATUS_VALUES: dict[str, tuple[StandardCode, str]] = {
    "271299001": (StandardCode(SNOMED, "271299001", "Patient's condition worsened", _TREND_VS), "progressive"),
    "359746009": (StandardCode(SNOMED, "359746009", "Patient's condition stable", _TREND_VS), "stable"),
    # netkg's stable disease is "not growing on imaging" (ontology: netkg:Stable), which a response is too
    "268910001": (StandardCode(SNOMED, "268910001", "Patient's condition improved", _TREND_VS), "stable"),
    "709137006": (StandardCode(SNOMED, "709137006", "Patient condition undetermined", _TREND_VS), "unknown"),
}


@dataclass(frozen=True)
class Drug:
    """A drug by its ATC code: one therapy of the case format, or a component of a regimen."""

    standard: StandardCode
    therapy: Optional[str] = None  # the case therapy code when the drug alone is the therapy
    component: Optional[str] = None  # the regimen component it is (grouped by shared period)
    also: tuple[str, ...] = field(default=())  # earlier ATC codes of the same drug


def _atc(code: str, label: str) -> StandardCode:
    return StandardCode(ATC, code, label, TERMINOLOGY_TSV)


DRUGS: tuple[Drug, ...] = (
    Drug(_atc("H01CB02", "octreotide"), therapy="octreotide"),
    Drug(_atc("H01CB03", "lanreotide"), therapy="lanreotide"),
    Drug(_atc("L01EG02", "everolimus"), therapy="everolimus", also=("L01XE10",)),
    Drug(_atc("L01EX01", "sunitinib"), therapy="sunitinib", also=("L01XE04",)),
    Drug(_atc("L01EX07", "cabozantinib"), therapy="cabozantinib", also=("L01XE26",)),
    Drug(_atc("V10XX04", "lutetium (177Lu) oxodotreotide"), therapy="prrt"),
    Drug(_atc("A16AX15", "telotristat"), therapy="telotristat"),
    Drug(_atc("L01XA01", "cisplatin"), component="cisplatin"),
    Drug(_atc("L01XA02", "carboplatin"), component="carboplatin"),
    Drug(_atc("L01CB01", "etoposide"), component="etoposide"),
    Drug(_atc("L01AX03", "temozolomide"), component="temozolomide"),
    Drug(_atc("L01BC06", "capecitabine"), component="capecitabine"),
    Drug(_atc("L01AD04", "streptozocin"), component="streptozocin"),
    Drug(_atc("L01BC02", "fluorouracil"), component="fluorouracil"),
    Drug(_atc("L01DB01", "doxorubicin"), component="doxorubicin"),
)

DRUG_BY_ATC: dict[str, Drug] = {code: d for d in DRUGS for code in (d.standard.code, *d.also)}

REGIMENS: dict[frozenset[str], str] = {
    frozenset({"carboplatin", "etoposide"}): "carboplatin_etoposide",
    frozenset({"cisplatin", "etoposide"}): "cisplatin_etoposide",
    frozenset({"capecitabine", "temozolomide"}): "capecitabine_temozolomide",
    frozenset({"temozolomide"}): "temozolomide",
    frozenset({"streptozocin", "fluorouracil"}): "streptozocin_based",
    frozenset({"streptozocin", "doxorubicin"}): "streptozocin_based",
    frozenset({"streptozocin", "fluorouracil", "doxorubicin"}): "streptozocin_based",
}
"""Regimen components given over the same period (same start and end) and the case therapy they form."""

CANCER_DRUG_ATC_PREFIXES = ("L01", "L02", "H01CB", "V10")
"""ATC groups of cancer drugs: a drug there that netkg does not know is an error, never ignored."""

CASE_FIELD_OBSERVATIONS: tuple[str, ...] = tuple(
    f.path for f in CASE_FIELDS
    if f.kind in ("integer", "number", "flag", "code", "codes")
    and f.path not in ("age", "tumour.primary_site") and f.parent != "treatment_history"
) + ("treatment_history",)
"""The case fields an Observation coded in :data:`CASE_FIELD_SYSTEM` may give (a list field: ``valueBoolean``
false records an empty list; ``treatment_history`` only that, its entries come from treatment resources)."""

PROCEDURE_FLAGS: tuple[str, ...] = ("primary_resected", "pancreatoduodenectomy", "complete_resection")
"""Case flags a Procedure coded in :data:`CASE_FIELD_SYSTEM` gives: true when completed, false when not-done."""

assert all(FIELDS[p].kind == "flag" for p in PROCEDURE_FLAGS)

OUTCOME_CODES = set(FIELDS["treatment_history.outcome"].allowed or ())
INTENT_CODES = set(FIELDS["treatment_history.intent"].allowed or ())
THERAPY_CODES = set(FIELDS["treatment_history.therapy"].allowed or ())
