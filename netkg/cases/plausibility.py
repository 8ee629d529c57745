"""Facts that can be true but rarely are: flagged for a person to check, never rejected.

:meth:`netkg.cases.record.CaseRecord._consistent` rejects facts that cannot be true
together.  This module finds the ones that can, but are unusual enough that a
typing error is the likelier explanation (a child with ECOG 4, an insulinoma
in the ileum).  Each is shown in the report as "Data to check"; the case is
still reasoned as given.  The thresholds are listed in docs/case-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from netkg.cases.record import CaseRecord

YOUNGEST_PLAUSIBLE_AGE = 12  # neuroendocrine neoplasms below this age are case reports; the knowledge is for adults
ADULT_AGE = 18  # ECOG is scored for adults; children are usually scored with Lansky or Karnofsky
WELL_DIFFERENTIATED_KI67_CEILING = 55  # well-differentiated G3 tumours rarely exceed this Ki-67
PROGRESSIVE_MONTHS_STABLE_FLAG = 12  # from here up to the rejection threshold in netkg.cases.record
RAPID_MONTHS_STABLE_FLAG = 6

# Where each hormonal syndrome usually arises; other recorded primary sites are flagged
# (ectopic tumours are reported, so none is rejected).  'unknown' is never flagged.
SYNDROME_SITES: dict[str, frozenset[str]] = {
    "insulinoma": frozenset({"pancreas"}),
    "zollinger_ellison": frozenset({"pancreas", "duodenum", "stomach"}),
    "vipoma": frozenset({"pancreas"}),
    "glucagonoma": frozenset({"pancreas"}),
    "carcinoid_syndrome": frozenset({"pancreas", "stomach", "duodenum", "jejunum", "ileum", "appendix", "colon", "lung"}),
}
GUT_SITES = frozenset({"stomach", "duodenum", "jejunum", "ileum", "appendix", "colon", "sigmoid_colon", "rectum"})


@dataclass(frozen=True)
class DataWarning:
    """One implausible fact: the field to check and why."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def implausibilities(record: CaseRecord) -> list[DataWarning]:
    """Every implausible fact of ``record``, in a fixed order (empty for an ordinary case)."""
    return [warning for check in _CHECKS if (warning := check(record)) is not None]


def _young(record: CaseRecord) -> Optional[DataWarning]:
    if record.age is None or record.age >= YOUNGEST_PLAUSIBLE_AGE:
        return None
    return DataWarning("age", f"age {record.age}: neuroendocrine neoplasms under {YOUNGEST_PLAUSIBLE_AGE} are very rare "
                              "and the knowledge is written for adults; check the age")


def _ecog_in_a_child(record: CaseRecord) -> Optional[DataWarning]:
    if record.age is None or record.ecog is None or record.age >= ADULT_AGE:
        return None
    return DataWarning("ecog", f"ECOG {record.ecog} at age {record.age}: ECOG is an adult scale; check the age and the performance status")


def _well_differentiated_high_ki67(record: CaseRecord) -> Optional[DataWarning]:
    t = record.tumour
    if t.differentiation != "well" or t.ki67 is None or t.ki67 <= WELL_DIFFERENTIATED_KI67_CEILING:
        return None
    return DataWarning("tumour.differentiation", f"well differentiated with Ki-67 {t.ki67:g}%: above "
                                                 f"{WELL_DIFFERENTIATED_KI67_CEILING}% is rare for a well-differentiated tumour; "
                                                 "check the differentiation")


def _syndrome_site(record: CaseRecord) -> Optional[DataWarning]:
    t = record.tumour
    usual = SYNDROME_SITES.get(t.syndrome or "")
    if usual is None or t.primary_site == "unknown" or t.primary_site in usual:
        return None
    return DataWarning("tumour.syndrome", f"{t.syndrome} with a primary in the {t.primary_site}: it usually arises in the "
                                          f"{', '.join(sorted(usual))}; check the primary site and the syndrome")


def _carcinoid_syndrome_without_liver(record: CaseRecord) -> Optional[DataWarning]:
    t = record.tumour
    sites = record.metastatic_sites
    if t.syndrome != "carcinoid_syndrome" or t.primary_site not in GUT_SITES or sites is None or "liver" in sites:
        return None
    return DataWarning("metastatic_sites", "carcinoid syndrome from a gut primary without liver metastases is unusual "
                                           "(the liver clears the hormones); check the staging")


def _complete_resection_with_distant_sites(record: CaseRecord) -> Optional[DataWarning]:
    hard = [s for s in ("bone", "brain") if s in (record.metastatic_sites or [])]
    if not record.complete_resection or not hard:
        return None
    return DataWarning("complete_resection", f"complete resection with {' and '.join(hard)} metastases is unusual; "
                                             "check that every listed metastasis was resected")


def _progressive_after_long_stability(record: CaseRecord) -> Optional[DataWarning]:
    months = record.months_stable
    if months is None:
        return None
    if record.rapid_progression and months >= RAPID_MONTHS_STABLE_FLAG:
        return DataWarning("months_stable", f"rapid progression with {months} months stable; check both")
    if record.disease_course == "progressive" and months >= PROGRESSIVE_MONTHS_STABLE_FLAG:
        return DataWarning("months_stable", f"progressive disease with {months} months stable; check both")
    return None


def _whipple_with_primary_in_place(record: CaseRecord) -> Optional[DataWarning]:
    if not record.pancreatoduodenectomy or record.primary_resected is not False:
        return None
    return DataWarning("pancreatoduodenectomy", f"a pancreatoduodenectomy with the {record.tumour.primary_site} primary "
                                                "not resected; check whether the operation removed the primary")


_CHECKS: tuple[Callable[[CaseRecord], Optional[DataWarning]], ...] = (
    _young, _ecog_in_a_child, _well_differentiated_high_ki67, _syndrome_site, _carcinoid_syndrome_without_liver,
    _complete_resection_with_distant_sites, _progressive_after_long_stability, _whipple_with_primary_in_place,
)
