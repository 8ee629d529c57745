"""Portable output of a batch: the case graphs as N-Quads and the findings as Parquet (``netkg reason --out``).

``DIR/cases.nq``
    One named graph per case (the case IRI): exactly the quads a new store would hold for the case
    (:func:`netkg.registry.batch.reasoned_graphs`, so the store's layout reaches this file too).
``DIR/knowledge.nq``
    The knowledge in its named graph (:data:`netkg.vocabulary.ONTOLOGY_GRAPH`), with its version, as
    the store holds it; load both files to query with the catalogue.
``DIR/findings.parquet``
    One row per reported finding and rule (:data:`FINDING_SCHEMA`), the same findings as the JSON
    reports (``recommended``, ``consider``, ``not_recommended``, ``contraindicated``).
``DIR/cases.parquet``
    One row per case (:data:`CASE_SCHEMA`): grade, line, setting and the key facts of its report.

Every file is written to a temporary name in ``DIR`` and renamed when complete. The rows are built
by :func:`finding_rows` and :func:`case_row`, which the Spark job (:mod:`netkg.distributed.spark_job`)
uses as well, so both write the same tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import pyarrow as pa
import pyarrow.parquet as pq

from netkg import pipeline
from netkg.cases.record import CaseError, CaseRecord, CaseResult
from netkg.knowledge.ontology import STRENGTH_NAMES, Knowledge
from netkg.reasoning import DEFAULT_ENGINE, make_reasoner
from netkg.registry.batch import (DEFAULT_CHUNK, BatchSummary, chunked, in_workers, reasoned_graphs, run_isolated,
                                  unique_records, worker_knowledge)
from netkg.registry.knowledge_graph import knowledge_graph_triples
from netkg.registry.store import graph_to_nquads
from netkg.report.model import CATEGORIES, Report
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH

CASES_NQ = "cases.nq"
KNOWLEDGE_NQ = "knowledge.nq"
FINDINGS_PARQUET = "findings.parquet"
CASES_PARQUET = "cases.parquet"

_TEXTS = pa.list_(pa.string())

#: One row per reported finding and rule behind it.
FINDING_SCHEMA = pa.schema([
    pa.field("case_id", pa.string(), nullable=False),
    pa.field("category", pa.string(), nullable=False),  # recommended, consider, not_recommended, contraindicated
    pa.field("therapy", pa.string(), nullable=False),  # IRI
    pa.field("therapy_label", pa.string(), nullable=False),
    pa.field("rule", pa.string(), nullable=False),  # IRI
    pa.field("rule_label", pa.string(), nullable=False),
    pa.field("line", _TEXTS),  # lines of therapy the finding is for ("first line", ...)
    pa.field("intent", pa.string()),  # label; null: the rules speak of every intent
    pa.field("strength", pa.string(), nullable=False),  # IRI of the strength of recommendation
    pa.field("evidence_level", pa.string()),  # label of the strongest evidence level of the rule
    pa.field("evidence_levels", _TEXTS),  # labels, strongest first
    pa.field("statements", _TEXTS),  # statement ids of the rule ("K115")
    pa.field("sources", _TEXTS),  # IRIs of the rule's dcterms:source
    pa.field("knowledge_version", pa.string(), nullable=False),
    pa.field("engine", pa.string(), nullable=False),
])

#: One row per case.
CASE_SCHEMA = pa.schema([
    pa.field("case_id", pa.string(), nullable=False),
    pa.field("grade", pa.string()),  # IRI; null when the case cannot be graded
    pa.field("grade_label", pa.string()),
    pa.field("line", pa.string()),  # key fact "line of therapy"
    pa.field("setting", pa.string()),  # key fact "stage and setting"
    pa.field("key_facts", pa.map_(pa.string(), pa.string())),
    pa.field("knowledge_version", pa.string(), nullable=False),
    pa.field("engine", pa.string(), nullable=False),
])

_STRENGTH_OF = {name.replace(" ", "_"): str(iri) for iri, name in STRENGTH_NAMES.items()}


# ---------------------------------------------------------------------------------------------
# Rows

def finding_rows(report: Report) -> list[dict[str, Any]]:
    """The rows of :data:`FINDING_SCHEMA` for one report, in report order (category, finding, rule)."""
    rows = []
    for category in CATEGORIES:
        for f in report.items(category):
            for rule in f.rules:
                levels = [lv["label"] for lv in sorted(rule.evidence_levels, key=lambda lv: (lv["rank"] or 99, lv["label"]))]
                rows.append({
                    "case_id": report.case_id, "category": category, "therapy": f.therapy,
                    "therapy_label": f.therapy_label, "rule": rule.iri, "rule_label": rule.label, "line": list(f.line),
                    "intent": f.intent, "strength": _STRENGTH_OF[category],
                    "evidence_level": levels[0] if levels else None, "evidence_levels": levels,
                    "statements": list(rule.statements), "sources": list(rule.sources),
                    "knowledge_version": report.knowledge_version, "engine": report.engine,
                })
    return rows


def case_row(report: Report) -> dict[str, Any]:
    """The row of :data:`CASE_SCHEMA` for one report."""
    return {"case_id": report.case_id, "grade": report.grade, "grade_label": report.grade_label,
            "line": report.key_facts.get("line of therapy"), "setting": report.key_facts.get("stage and setting"),
            "key_facts": sorted(report.key_facts.items()), "knowledge_version": report.knowledge_version,
            "engine": report.engine}


@dataclass
class ExportedCase:
    """One reasoned case as exported: its graph as N-Quads and its table rows."""

    case_id: str
    nquads: str
    findings: list[dict[str, Any]]
    case: dict[str, Any]


def exported_cases(records: list[CaseRecord], knowledge: Knowledge, engine: str) -> list[ExportedCase]:
    """Reason ``records`` once and give each case's store graph (the store's own code path) and rows."""
    reasoned = pipeline.reason_records(records, engine, knowledge)
    graphs = reasoned_graphs(reasoned)
    return [ExportedCase(g.case_id, g.nquads, finding_rows(r.report), case_row(r.report))
            for r, g in zip(reasoned, graphs)]


def knowledge_nquads(knowledge: Knowledge) -> str:
    """The knowledge graph as the store holds it (:func:`netkg.registry.knowledge_graph.knowledge_graph_triples`)."""
    return graph_to_nquads(list(knowledge_graph_triples(knowledge)), str(ONTOLOGY_GRAPH))


# ---------------------------------------------------------------------------------------------
# Workers (the fast engine reasons chunks in worker processes, as the store batch does)

def export_chunk(records: list[CaseRecord], knowledge: Knowledge, engine: str
                 ) -> tuple[list[ExportedCase], list[tuple[str, str]]]:
    """Export a chunk; a case that fails alone is returned as ``(id, message)``; an unavailable reasoner is raised."""
    return run_isolated(records, lambda chunk: exported_cases(chunk, knowledge, engine))


def _export_chunk_in_worker(records: list[CaseRecord]) -> tuple[list[ExportedCase], list[tuple[str, str]]]:
    return export_chunk(records, *worker_knowledge())


# ---------------------------------------------------------------------------------------------
# Writing

class _AtomicFiles:
    """Files written under temporary names in one folder, renamed to their names by :meth:`commit`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pending: dict[Path, Path] = {}

    def temp(self, name: str) -> Path:
        final = self.folder / name
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        self.pending[tmp] = final
        return tmp

    def commit(self) -> None:
        for tmp, final in self.pending.items():
            os.replace(tmp, final)
        self.pending.clear()

    def discard(self) -> None:
        for tmp in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending.clear()


def write_table(path: Union[str, Path], rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    """Write ``rows`` as one Parquet file of ``schema`` (atomically: a temporary file renamed)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def export_to_folder(
    source: Union[str, Path, Iterable[Union[CaseResult, dict]]],
    out: Union[str, Path],
    engine: str = DEFAULT_ENGINE,
    workers: Optional[int] = None,
    chunk_size: int = DEFAULT_CHUNK,
    ontology: Optional[Union[str, Path]] = None,
    on_chunk: Optional[Callable[[int], None]] = None,
) -> BatchSummary:
    """Reason every valid case of ``source`` and write the files of the module docstring into ``out``.

    Invalid cases (and a repeated case id) are reported in the summary, as by the store batch; a case
    that fails to reason is reported as invalid with the field ``(reasoning)``.
    """
    knowledge = pipeline.knowledge(ontology)
    make_reasoner(knowledge, engine)  # the engine can run (Java found) before anything is written
    summary = BatchSummary(knowledge_version=knowledge.version, engine=engine)
    sources: dict[str, str] = {}
    todo = unique_records(source, summary, sources)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = _AtomicFiles(out)
    finding_writer = pq.ParquetWriter(files.temp(FINDINGS_PARQUET), FINDING_SCHEMA)
    case_writer = pq.ParquetWriter(files.temp(CASES_PARQUET), CASE_SCHEMA)
    try:
        files.temp(KNOWLEDGE_NQ).write_text(knowledge_nquads(knowledge), encoding="utf-8")
        with open(files.temp(CASES_NQ), "w", encoding="utf-8") as nq:
            for done, failed in in_workers(chunked(todo, chunk_size), _export_chunk_in_worker, engine, workers, ontology):
                nq.write("".join(c.nquads for c in done))
                finding_writer.write_table(pa.Table.from_pylist([r for c in done for r in c.findings], schema=FINDING_SCHEMA))
                case_writer.write_table(pa.Table.from_pylist([c.case for c in done], schema=CASE_SCHEMA))
                summary.reasoned += len(done)
                summary.invalid.extend(CaseError(sources.get(cid, "<input>"), cid, "(reasoning)", message)
                                       for cid, message in failed)
                if on_chunk is not None:
                    on_chunk(len(done))
        finding_writer.close()
        case_writer.close()
        files.commit()
    finally:
        finding_writer.close()
        case_writer.close()
        files.discard()
    return summary


def export_summary_line(summary: BatchSummary, out: Union[str, Path]) -> str:
    """One line saying what an export did."""
    return (f"{summary.read} case(s) read: {summary.reasoned} reasoned, {len(summary.invalid)} invalid "
            f"(knowledge {summary.knowledge_version}, engine {summary.engine}); out: {out}")
