"""The error a FHIR input that cannot become a case raises: every problem, each naming its resource and element."""

from __future__ import annotations

from dataclasses import dataclass

from netkg.errors import InputError


@dataclass(frozen=True)
class Problem:
    """One reason a resource cannot be mapped: ``Observation/ki67-1: valueQuantity.unit: expected '%', got 'mg'``."""

    resource: str  # ResourceType/id, or 'Bundle'
    element: str  # the element path inside the resource ('' for the resource as a whole)
    message: str

    def __str__(self) -> str:
        return f"{self.resource}: {self.element}: {self.message}" if self.element else f"{self.resource}: {self.message}"


class FhirMappingError(InputError):
    """A Bundle or resource list that cannot be mapped to a valid case (exit 2); lists every problem."""

    def __init__(self, problems: list[Problem], source: str = "FHIR input") -> None:
        self.problems = problems
        self.source = source
        count = f"{len(problems)} problems" if len(problems) != 1 else "1 problem"
        super().__init__(f"{source}: cannot be read as a case ({count}):\n" + "\n".join(f"  {p}" for p in problems))
