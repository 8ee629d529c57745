"""Statement coverage: is every source statement encoded in the ontology?

``ontology/statements.tsv`` lists the statement ids (``K001`` ...) the
knowledge must cover; ``ontology/out-of-scope.tsv`` lists the ids
deliberately left out, each with a reason.  A statement is *encoded* when at
least one entity of the ontology cites it with ``netkg:statementId``.

The statement list also records, for the statements of a later review, the
date of the review (``reviewed``) and how each relates to earlier statements
(``relation``: ``new`` or ``supersedes K022; refines K046; conflicts with
K013``); :func:`statement_revisions` reads them and gives every earlier
statement the newer ones that revise it.
"""

from __future__ import annotations

import csv
import re
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

SUPERSEDES = "supersedes"
REFINES = "refines"
CONFLICTS = "conflicts with"
RELATION_KINDS = (SUPERSEDES, REFINES, CONFLICTS)
_INVERSE = {SUPERSEDES: "superseded by", REFINES: "refined by", CONFLICTS: "in conflict with"}
_RELATION = re.compile(r"^(supersedes|refines|conflicts with)\s+(K\d{3})$")


@dataclass(frozen=True)
class StatementRevision:
    """One newer statement revising an earlier one: ``K101 supersedes K022`` (reviewed on a date)."""

    newer: str
    kind: str
    older: str
    reviewed: str = ""

    def describe_for_older(self) -> str:
        """The revision seen from the earlier statement: ``superseded by K101 (2026-11-25)``."""
        when = f" ({self.reviewed})" if self.reviewed else ""
        return f"{_INVERSE[self.kind]} {self.newer}{when}"


def parse_relation(text: str) -> list[tuple[str, str]]:
    """``"supersedes K022; refines K046"`` -> ``[("supersedes", "K022"), ("refines", "K046")]``; ``new`` -> ``[]``."""
    out = []
    for part in (p.strip() for p in (text or "").split(";")):
        if not part or part == "new":
            continue
        m = _RELATION.match(part)
        if not m:
            raise ValueError(f"unreadable statement relation {part!r} (expected new, supersedes/refines/conflicts with Knnn)")
        out.append((m.group(1), m.group(2)))
    return out


@dataclass
class StatementCoverage:
    """The coverage of one statement id."""

    id: str
    kind: str
    status: str
    entities: list[str] = field(default_factory=list)
    reason: str = ""
    reviewed: str = ""
    revises: list[str] = field(default_factory=list)
    revised_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "status": self.status,
                "entities": self.entities, "reason": self.reason, "reviewed": self.reviewed,
                "revises": self.revises, "revised_by": self.revised_by}


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


def statement_revisions(statements: Optional[Path] = None) -> list[StatementRevision]:
    """Every revision recorded in the statement list, in list order."""
    return _revisions(read_tsv(Path(statements or DEFAULT_STATEMENTS)))


def _revisions(rows: list[dict[str, str]]) -> list[StatementRevision]:
    out = []
    for row in rows:
        reviewed = (row.get("reviewed") or "").strip()
        for kind, older in parse_relation(row.get("relation") or ""):
            out.append(StatementRevision(row["id"].strip(), kind, older, reviewed))
    return out


def compute_coverage(graph: Graph, statements: Optional[Path] = None,
                     out_of_scope: Optional[Path] = None) -> CoverageReport:
    """Coverage of every statement id listed in ``statements`` by ``graph``."""
    statements = Path(statements or DEFAULT_STATEMENTS)
    out_of_scope = Path(out_of_scope or DEFAULT_OUT_OF_SCOPE)
    rows = read_tsv(statements)
    excluded = {r["id"].strip(): (r.get("reason") or "").strip() for r in read_tsv(out_of_scope)} \
        if out_of_scope.exists() else {}
    cited = statement_citations(graph)
    revisions = _revisions(rows)
    result = []
    for row in rows:
        sid = row["id"].strip()
        kind = (row.get("kind") or "").strip()
        if sid in cited:
            entry = StatementCoverage(sid, kind, ENCODED, cited[sid], excluded.get(sid, ""))
        elif sid in excluded:
            entry = StatementCoverage(sid, kind, OUT_OF_SCOPE, [], excluded[sid])
        else:
            entry = StatementCoverage(sid, kind, MISSING)
        entry.reviewed = (row.get("reviewed") or "").strip()
        entry.revises = [f"{r.kind} {r.older}" for r in revisions if r.newer == sid]
        entry.revised_by = [r.describe_for_older() for r in revisions if r.older == sid]
        result.append(entry)
    known = {r["id"].strip() for r in rows}
    unknown = sorted(set(cited) - known)
    return CoverageReport(result, unknown)

