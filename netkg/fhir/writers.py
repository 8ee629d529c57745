"""The code tables of :mod:`netkg.fhir.codes` as Markdown, for docs/fhir.md.

``python -m netkg.fhir.writers`` prints them; ``tests/test_fhir.py`` checks docs/fhir.md holds them.
"""

from __future__ import annotations

from netkg.cases.fields import FIELDS
from netkg.fhir import codes as C


def code_tables() -> str:
    """The standard codes (with where each was verified) and the local code systems, as Markdown tables."""
    lines = ["| system | code | meaning | case value | verified in |", "|---|---|---|---|---|"]
    for h in C.HISTOLOGIES:
        value = f"differentiation {h.differentiation}" if h.differentiation else "refused (outside the case format)"
        if h.histology:
            value += f", histology {h.histology}"
        if h.functioning is not None:
            value += f", functioning {str(h.functioning).lower()}"
        lines.append(_row(h.standard, value))
    for o in C.OBSERVATION_CODES:
        lines.append(_row(o.standard, f"`{o.path}` ({o.value}{', ' + o.unit if o.unit else ''})"))
    lines.append(_row(C.TUMOUR_SIZE_MAX_DIMENSION, "`tumour.size_cm` (component of 21889-1, cm or mm)"))
    for standard, value in C.DISEASE_STATUS_VALUES.values():
        lines.append(_row(standard, f"`disease_course` {value}"))
    for d in C.DRUGS:
        value = f"therapy `{d.therapy}`" if d.therapy else f"regimen component {d.component}"
        also = f" (also {', '.join(d.also)})" if d.also else ""
        lines.append(_row(d.standard, value + also))
    lines += ["", "| local code system | codes (the case format's) |", "|---|---|",
              f"| `{C.CASE_FIELD_SYSTEM}` | Observation: {', '.join(C.CASE_FIELD_OBSERVATIONS)}; "
              f"Procedure: {', '.join(C.PROCEDURE_FLAGS)} |"]
    for path, system in C.LOCAL_SYSTEMS.items():
        lines.append(f"| `{system}` | {', '.join(FIELDS[path].allowed or ())} |")
    lines += ["", "| regimen components over one period | therapy |", "|---|---|"]
    for components, therapy in C.REGIMENS.items():
        lines.append(f"| {' + '.join(sorted(components))} | `{therapy}` |")
    return "\n".join(lines) + "\n"


def _row(s: C.StandardCode, value: str) -> str:
    return f"| {_system_name(s.system)} | {s.code} | {s.label} | {value} | {s.verified} |"


def _system_name(system: str) -> str:
    return {C.NCIT: "NCIt", C.ATC: "ATC", C.LOINC: "LOINC", C.SNOMED: "SNOMED CT", C.ICDO3: "ICD-O-3"}[system]


if __name__ == "__main__":
    print(code_tables(), end="")
