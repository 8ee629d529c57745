"""What every check is made of: severities, findings, the context, the registry and the report.

A check is a :class:`Check`: an id, a severity (``ERROR``, ``WARN`` or
``INFO``), a one-line description and a function from a
:class:`CheckContext` to a list of :class:`Finding`.  The plug-in modules of
this package register their checks with :func:`register`; the package
(:func:`netkg.maintenance.checks.run_checks`) runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Optional

from netkg import vocabulary as V
from netkg.vocabulary import curie
from netkg.knowledge.ontology import Knowledge
from netkg.maintenance.coverage import read_tsv
from netkg.paths import QUERY_ROOT, REPO_ROOT

ERROR = "ERROR"
WARN = "WARN"
INFO = "INFO"
SEVERITIES = (ERROR, WARN, INFO)

QC_QUERIES = QUERY_ROOT / "qc"
TERMINOLOGY_CANDIDATES = (
    REPO_ROOT / "ontology" / "terminology.tsv",
    REPO_ROOT.parent / "shared" / "knowledge" / "terminology.tsv",
)


@dataclass(frozen=True)
class Finding:
    """One problem: the entity, the property and value involved, and a message."""

    check: str
    severity: str
    entity: str
    property: str
    value: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "severity": self.severity, "entity": self.entity,
                "property": self.property, "value": self.value, "message": self.message}


@dataclass
class CheckContext:
    """What a check may look at."""

    knowledge: Knowledge
    use_reasoner: bool = True
    queries_dir: Path = QC_QUERIES
    terminology: Optional[Path] = None
    statements: Optional[Path] = None
    out_of_scope: Optional[Path] = None
    cohort: Optional[Path] = None
    shared: dict[str, object] = field(default_factory=dict)

    @property
    def graph(self):  # noqa: ANN201 - rdflib Graph
        return self.knowledge.graph

    @cached_property
    def terminology_codes(self) -> Optional[set[str]]:
        """Verified codes (NCIt and ATC) or None when no terminology list is found."""
        candidates = [self.terminology] if self.terminology else list(TERMINOLOGY_CANDIDATES)
        for path in candidates:
            if path and Path(path).exists():
                return {r["code"].strip() for r in read_tsv(Path(path)) if r.get("code")}
        return None


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    description: str
    function: Callable[["Check", CheckContext], Iterable[Finding]]
    needs_reasoner: bool = False

    def finding(self, entity: object, prop: object = "", value: object = "", message: str = "",
                severity: Optional[str] = None) -> Finding:
        return Finding(self.id, severity or self.severity, curie(entity), curie(prop), curie(value),
                       message or self.description)

    def run(self, ctx: CheckContext) -> list[Finding]:
        return list(self.function(self, ctx))


REGISTRY: dict[str, Check] = {}


def register(check_id: str, severity: str, description: str, needs_reasoner: bool = False):  # noqa: ANN201
    """Decorator: register ``function(check, ctx) -> findings`` as a check."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def wrap(function: Callable[[Check, CheckContext], Iterable[Finding]]):  # noqa: ANN202
        REGISTRY[check_id] = Check(check_id, severity, description, function, needs_reasoner)
        return function

    return wrap


@dataclass
class CheckReport:
    """The findings of a run, and which checks ran or were skipped."""

    findings: list[Finding]
    checks: list[Check]
    skipped: list[str] = field(default_factory=list)
    exempted: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count(ERROR) > 0

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": {s: self.count(s) for s in SEVERITIES} | {"exempted": self.exempted},
            "checks": [{"id": c.id, "severity": c.severity, "description": c.description,
                        "skipped": c.id in self.skipped} for c in self.checks],
            "findings": [f.to_dict() for f in self.findings],
        }


def exemptions(knowledge: Knowledge) -> dict[str, set[str]]:
    """Check id -> entities (short form) exempted from it."""
    out: dict[str, set[str]] = {}
    for s, o in knowledge.graph.subject_objects(V.EXEMPT_FROM):
        out.setdefault(str(o), set()).add(curie(s))
    return out
