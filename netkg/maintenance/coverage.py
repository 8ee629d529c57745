"""Statement coverage: is every source statement encoded in the ontology?

``ontology/statements.tsv`` lists the statement ids (``K001`` ...) the
knowledge must cover; ``ontology/out-of-scope.tsv`` lists the ids
deliberately left out, each with a reason.  A statement is *encoded* when at
least one entity of the ontology cites it with ``netkg:statementId``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from rdflib import Graph

from netkg import vocabulary as V
from netkg.vocabulary import curie
from netkg.paths import ONTOLOGY_DIR

DEFAULT_STATEMENTS = ONTOLOGY_DIR / "statements.tsv"
DEFAULT_OUT_OF_SCOPE = ONTOLOGY_DIR / "out-of-scope.tsv"

ENCODED = "encoded"
OUT_OF_SCOPE = "out of scope"
MISSING = "missing"


@dataclass
class StatementCoverage:
    """The coverage of one statement id."""

    id: str
    kind: str
    status: str
    entities: list[str] = field(default_factory=list)
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "entities": self.entities, "reason": self.reason}


@dataclass
class CoverageReport:
    statements: list[StatementCoverage]
    unknown_ids: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[StatementCoverage]:
        return [s for s in self.statements if s.status == MISSING]

    def counts(self) -> dict[str, int]:
        out = {ENCODED: 0, OUT_OF_SCOPE: 0, MISSING: 0}
        for s in self.statements:
            out[s.status] += 1
        return out

    @property
    def covered(self) -> int:
        c = self.counts()
        return c[ENCODED] + c[OUT_OF_SCOPE]

    def to_dict(self) -> dict[str, object]:
        return {"total": len(self.statements), "covered": self.covered, "counts": self.counts(),
                "unknown_ids_cited": self.unknown_ids,
                "statements": [s.to_dict() for s in self.statements]}


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line (blank and ``#`` lines skipped)."""
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines, delimiter="\t")]


def statement_citations(graph: Graph) -> dict[str, list[str]]:
    """Statement id -> sorted entities citing it."""
    out: dict[str, set[str]] = {}
    for s, o in graph.subject_objects(V.STATEMENT_ID):
        out.setdefault(str(o), set()).add(curie(s))  # type: ignore[arg-type]
    return {k: sorted(v) for k, v in out.items()}


def compute_coverage(graph: Graph, statements: Optional[Path] = None,
                     out_of_scope: Optional[Path] = None) -> CoverageReport:
    """Coverage of every statement id listed in ``statements`` by ``graph``."""
    statements = Path(statements or DEFAULT_STATEMENTS)
    out_of_scope = Path(out_of_scope or DEFAULT_OUT_OF_SCOPE)
    rows = read_tsv(statements)
    excluded = {r["id"].strip(): (r.get("reason") or "").strip() for r in read_tsv(out_of_scope)} \
        if out_of_scope.exists() else {}
    cited = statement_citations(graph)
    result = []
    for row in rows:
        sid = row["id"].strip()
        kind = (row.get("kind") or "").strip()
        if sid in cited:
            result.append(StatementCoverage(sid, kind, ENCODED, cited[sid], excluded.get(sid, "")))
        elif sid in excluded:
            result.append(StatementCoverage(sid, kind, OUT_OF_SCOPE, [], excluded[sid]))
        else:
            result.append(StatementCoverage(sid, kind, MISSING))
    known = {r["id"].strip() for r in rows}
    unknown = sorted(set(cited) - known)
    return CoverageReport(result, unknown)

