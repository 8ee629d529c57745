"""Reason many cases into a persistent store: parallel, resumable, atomic per case.

* Cases are read with :func:`netkg.cases.reader.stream_cases`; an invalid case is
  reported (case, field, message) and skipped, the batch goes on.
* With the fast engine, chunks of cases are reasoned in worker processes (one
  per core) while this process reads the next chunks and writes the finished
  ones (:func:`in_workers`); the HermiT reference runs in this process (it
  drives one JVM).
* Each case is written as its own named graph (the case IRI).  New cases of a
  chunk are written with the bulk loader, then their commit quads in one
  transaction (:mod:`netkg.registry.bulk`): a case counts as stored only with
  its commit quad, and half-written graphs of an interrupted batch are removed
  by the next one (readers refuse the store until then).  A stored case is
  replaced in one transaction of its own.
* A stored report is skipped only when it was reasoned from the same case
  content (digest of the validated case), knowledge version and engine; any
  other stored report is reasoned again and replaced, the replaced one kept in
  the case graph as a revision (:mod:`netkg.registry.revisions`,
  docs/registry-updates.md).  Re-running an interrupted batch finishes the job.
* A reasoner that cannot run (no Java, out of memory) raises
  :class:`~netkg.reasoning.reference.ReasonerUnavailable`: it is checked before
  anything is written, and a failure later stops the batch with every case
  graph written so far complete.
* A case graph holds the facts, the grade, the report and its identity, not the
  closure axioms nor the other inferred classes (:mod:`netkg.registry.layout`).
  Stored graphs of an older layout are brought up to date before the batch
  starts; a layout this netkg does not know is refused.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, TypeVar, Union

from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from netkg import pipeline
from netkg.cases.reader import stream_cases, validate_case
from netkg.cases.record import CaseError, CaseRecord, CaseResult
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning import DEFAULT_ENGINE, make_reasoner
from netkg.errors import EnvironmentProblem
from netkg.reasoning.reference import ReasonerUnavailable
from netkg.registry.bulk import begin_batch, compact, end_batch, write_new_graphs
from netkg.registry.case_graph import case_graph_nquads
from netkg.registry.knowledge_graph import KNOWLEDGE_GRAPH_LAYOUT, knowledge_graph_layout
from netkg.registry.layout import GRAPH_LAYOUT, upgraded_quads
from netkg.registry.revisions import (Finding, StoredReport, canonical_json, case_digest, digest_of, now,
                             replacement_reasons, revision_triples)
from netkg.registry.store import EmbeddedStore, StoredIdentity, graph_to_nquads
from netkg.vocabulary import case_iri

DEFAULT_CHUNK = 250
T = TypeVar("T")


@dataclass
class BatchSummary:
    """What a batch did."""

    read: int = 0
    reasoned: int = 0  # new and replaced
    skipped: int = 0  # stored with the same case digest, knowledge version and engine
    #: replaced reports by their first reason in :data:`netkg.registry.revisions.REASONS` order
    replaced: dict[str, int] = field(default_factory=dict)
    upgraded: int = 0  # stored graphs brought to the current layout (netkg.registry.layout), report unchanged
    invalid: list[CaseError] = field(default_factory=list)
    knowledge_version: str = ""
    engine: str = ""

    @property
    def new(self) -> int:
        """Cases reasoned that had no stored report."""
        return self.reasoned - sum(self.replaced.values())

    @property
    def ok(self) -> bool:
        return not self.invalid


@dataclass
class ReasonedGraph:
    """One reasoned case as written to the store: its graph and what a revision record needs."""

    case_id: str
    nquads: str
    findings: set[Finding]
    record_json: str
    reasoned_at: str


# ---------------------------------------------------------------------------------------------
# Worker side

_WORKER: dict[str, object] = {}


def _init_worker(ontology: Optional[str], engine: str) -> None:
    _WORKER["knowledge"] = pipeline.knowledge(ontology)
    _WORKER["engine"] = engine


def worker_knowledge() -> tuple[Knowledge, str]:
    """The knowledge and engine of this worker (set up by :func:`in_workers`)."""
    return _WORKER["knowledge"], _WORKER["engine"]  # type: ignore[return-value]


def case_graphs(records: list[CaseRecord], knowledge: Knowledge, engine: str) -> list[ReasonedGraph]:
    """The graph of each record: facts, grade, report, and where the report comes from (:mod:`netkg.registry.layout`)."""
    return reasoned_graphs(pipeline.reason_records(records, engine, knowledge))


def reasoned_graphs(reasoned: list[pipeline.Reasoned]) -> list[ReasonedGraph]:
    """The store graph of each case already reasoned (also what ``netkg reason --out`` writes: netkg.registry.export)."""
    out = []
    reasoned_at = now()
    for r in reasoned:
        record_json = canonical_json(r.record)
        nquads = case_graph_nquads(r.report, r.facts, r.classification, record_json, digest_of(record_json), reasoned_at)
        findings = {(f.category, f.therapy) for f in r.report.findings}
        out.append(ReasonedGraph(r.record.id, nquads, findings, record_json, reasoned_at))
    return out


def run_isolated(records: list[CaseRecord], work: Callable[[list[CaseRecord]], list[T]]
                 ) -> tuple[list[T], list[tuple[str, str]]]:
    """``work`` on a chunk; if it fails, on each case alone, a case that fails returned as ``(id, message)``.

    A reasoner that cannot run fails every case alike: that is raised, not reported per case.
    """
    try:
        return work(records), []
    except ReasonerUnavailable:
        raise
    except Exception:  # isolate the failing case(s)
        done: list[T] = []
        failed: list[tuple[str, str]] = []
        for record in records:
            try:
                done.extend(work([record]))
            except ReasonerUnavailable:
                raise
            except Exception as exc:  # reported per case, the batch goes on
                failed.append((record.id, f"{exc.__class__.__name__}: {exc}"))
        return done, failed


def _reason_chunk(records: list[CaseRecord]) -> tuple[list[ReasonedGraph], list[tuple[str, str]]]:
    """Reason a chunk in a worker (see :func:`run_isolated`)."""
    k, engine = worker_knowledge()
    return run_isolated(records, lambda chunk: case_graphs(chunk, k, engine))


# ---------------------------------------------------------------------------------------------
# Parent side

def _results(source: Union[str, Path, Iterable[Union[CaseResult, dict]]]) -> Iterator[CaseResult]:
    if isinstance(source, (str, Path)):
        yield from stream_cases(source)
        return
    for n, item in enumerate(source):
        yield item if isinstance(item, CaseResult) else validate_case(item, f"<input>[{n}]")


def unique_records(source: Union[str, Path, Iterable[Union[CaseResult, dict]]], summary: BatchSummary,
                   sources: dict[str, str]) -> Iterator[CaseRecord]:
    """The valid cases of ``source``, each id once; invalid and repeated cases are counted in ``summary``.

    ``sources`` collects where each case was read (case id -> file or position), for later messages.
    """
    for result in _results(source):
        summary.read += 1
        if result.record is None:
            summary.invalid.extend(result.errors)
            continue
        rec = result.record
        if rec.id in sources:
            summary.invalid.append(CaseError(result.source, rec.id, "id", f"duplicate case id; first given in {sources[rec.id]}"))
            continue
        sources[rec.id] = result.source
        yield rec


def summary_line(summary: BatchSummary) -> str:
    """One line saying what a batch did: read, new, replaced (by reason), unchanged, invalid."""
    replaced = sum(summary.replaced.values())
    by_reason = ", ".join(f"{summary.replaced.get(reason, 0)} {label}" for reason, label in
                          (("case", "changed case"), ("knowledge", "new knowledge"), ("engine", "other engine")))
    upgraded = (f"; {summary.upgraded} stored graph(s) rewritten in store layout {GRAPH_LAYOUT}"
                if summary.upgraded else "")
    return (f"{summary.read} case(s) read: {summary.new} reasoned new, {replaced} replaced ({by_reason}), "
            f"{summary.skipped} unchanged (knowledge {summary.knowledge_version}, engine {summary.engine}), "
            f"{len(summary.invalid)} invalid{upgraded}")


def ensure_ontology(store: EmbeddedStore, knowledge: Knowledge) -> None:
    """Load the ontology into its named graph unless this exact version, in this layout, is there already."""
    if store.ontology_version() != knowledge.version or knowledge_graph_layout(store) != KNOWLEDGE_GRAPH_LAYOUT:
        store.load_ontology(knowledge)


def upgrade_layout(store: EmbeddedStore, identities: dict[str, StoredIdentity]) -> int:
    """Bring every stored case graph to :data:`GRAPH_LAYOUT`, one transaction per case; returns how many changed.

    A graph of layout 1 (no layout recorded) is rewritten without reasoning (report, identity and
    revisions unchanged).  A layout this netkg does not know (written by a newer netkg) is refused
    before anything is written, so a store never mixes layouts.
    """
    unknown = sorted({i.layout for i in identities.values() if i.layout not in (None, GRAPH_LAYOUT)})
    if unknown:
        raise EnvironmentProblem(f"{store.describe()} holds case graphs in store layout {', '.join(unknown)}, which this "
                                 f"netkg ({GRAPH_LAYOUT}) does not know: use the netkg that wrote it, or a new store")
    upgraded = 0
    for case, identity in identities.items():
        if identity.layout is None:
            store.replace_graph(case, upgraded_quads(case, store.graph_quads(case)))
            identities[case] = replace(identity, layout=GRAPH_LAYOUT)
            upgraded += 1
    return upgraded


def reason_into_store(
    source: Union[str, Path, Iterable[Union[CaseResult, dict]]],
    store: EmbeddedStore,
    engine: str = DEFAULT_ENGINE,
    workers: Optional[int] = None,
    chunk_size: int = DEFAULT_CHUNK,
    ontology: Optional[Union[str, Path]] = None,
    progress: bool = False,
    on_chunk: Optional[Callable[[int], None]] = None,
) -> BatchSummary:
    """Reason every valid case of ``source`` into ``store``; see the module docstring.

    Cases are read, reasoned (in worker processes) and written (new cases with the bulk loader,
    :mod:`netkg.registry.bulk`) at the same time, chunk by chunk, so memory does not grow with the
    batch.  ``on_chunk(n_written)`` is called after each chunk is stored (progress hooks, tests).
    """
    knowledge = pipeline.knowledge(ontology)
    make_reasoner(knowledge, engine)  # the engine can run (Java found) before anything is written
    summary = BatchSummary(knowledge_version=knowledge.version, engine=engine)
    existing = store.case_identities()
    summary.upgraded = upgrade_layout(store, existing)
    ensure_ontology(store, knowledge)
    replacing: dict[str, list[str]] = {}  # case id -> why its stored report is replaced
    sources: dict[str, str] = {}

    def todo() -> Iterator[CaseRecord]:
        for rec in unique_records(source, summary, sources):
            stored = existing.get(str(case_iri(rec.id)))
            if stored is not None:
                reasons = replacement_reasons(stored, case_digest(rec), knowledge.version, engine)
                if not reasons:
                    summary.skipped += 1
                    continue
                replacing[rec.id] = reasons
            yield rec

    def write(done: list[ReasonedGraph], failed: list[tuple[str, str]]) -> None:
        fresh = []
        for graph in done:
            reasons = replacing.pop(graph.case_id, None)
            if reasons is None:
                fresh.append(graph.nquads)
                continue
            replace_report(store, graph, existing[str(case_iri(graph.case_id))], reasons)
            summary.replaced[reasons[0]] = summary.replaced.get(reasons[0], 0) + 1
        write_new_graphs(store, fresh)  # bodies in bulk, then the chunk's commit quads in one transaction
        summary.reasoned += len(done)
        for cid, message in failed:
            summary.invalid.append(CaseError(sources.get(cid, "<input>"), cid, "(reasoning)", message))

    bar = _progress(progress)
    begin_batch(store, existing)
    writing = False  # True while a chunk's bodies may be in the store without their commit quads
    try:
        for done, failed in in_workers(chunked(todo(), chunk_size), _reason_chunk, engine, workers, ontology):
            writing = True
            try:
                write(done, failed)
            except EnvironmentProblem:  # a failed write removed what it wrote: the store holds complete cases only
                writing = False
                raise
            writing = False
            bar.advance(len(done) + len(failed))
            if on_chunk is not None:
                on_chunk(len(done))
    finally:
        bar.close()
        if not writing:  # every graph written is complete: the store is as good as after a finished batch
            end_batch(store)
        store.flush()
    if summary.reasoned or summary.upgraded:
        compact(store)  # merge the bulk writes' files: lookups on an uncompacted store are several times slower
    return summary


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), read as they are needed."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def in_workers(chunks: Iterable[list[CaseRecord]], work: Callable[[list[CaseRecord]], T], engine: str,
               workers: Optional[int], ontology: Optional[Union[str, Path]]) -> Iterator[T]:
    """``work(chunk)`` for each chunk, in order: in worker processes (one per core) with the fast engine, else here.

    ``work`` reads the knowledge and engine with :func:`worker_knowledge`.  Chunks are read as the
    workers need them, so reading and validating overlap reasoning, and at most two chunks per worker
    are in flight: memory stays bounded however large the batch.  The HermiT reference runs here (it
    drives one JVM).
    """
    n_workers = workers if workers and workers > 0 else (os.cpu_count() or 1)
    chunks = iter(chunks)
    first = list(itertools.islice(chunks, 2))
    ontology_arg = str(ontology) if ontology else None
    if engine != "fast" or n_workers <= 1 or len(first) < 2:
        _init_worker(ontology_arg, engine)
        for chunk in itertools.chain(first, chunks):
            yield work(chunk)
        return
    slots = threading.Semaphore(2 * n_workers)
    stop = threading.Event()

    def fed() -> Iterator[list[CaseRecord]]:  # runs in the pool's task thread
        for chunk in itertools.chain(first, chunks):
            while not slots.acquire(timeout=0.1):
                if stop.is_set():
                    return
            yield chunk

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(n_workers, initializer=_init_worker, initargs=(ontology_arg, engine)) as pool:
        try:
            for result in pool.imap(work, fed()):
                slots.release()
                yield result
        finally:
            stop.set()


def replace_report(store: EmbeddedStore, graph: ReasonedGraph, stored: StoredIdentity, reasons: list[str]) -> None:
    """Replace the stored graph of ``graph``'s case in one transaction, keeping the replaced report as a revision.

    The new graph holds the new report, every revision the old graph held, and the old report as the
    newest revision: when it was made and replaced, from what, why, and what the replacement changed.
    """
    case = case_iri(graph.case_id)
    old = StoredReport.read(case, stored, store.graph_quads(str(case)))
    revision = revision_triples(old, reasons, graph.record_json, graph.findings, graph.reasoned_at)
    store.replace_graph(str(case), graph.nquads + old.history_nquads() + graph_to_nquads(revision, str(case)))


class _Bar:
    def __init__(self, progress: object = None, task: object = None) -> None:
        self.progress, self.task = progress, task

    def advance(self, n: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, n)  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()  # type: ignore[attr-defined]


def _progress(enabled: bool) -> _Bar:
    """A progress display of the cases reasoned (their number is known only once the input is read)."""
    if not enabled:
        return _Bar()
    progress = Progress(TextColumn("reasoning"), MofNCompleteColumn(), TextColumn("cases"), TimeElapsedColumn(),
                        transient=False)
    progress.start()
    return _Bar(progress, progress.add_task("cases", total=None))
