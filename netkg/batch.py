"""Reason many cases into a persistent store: parallel, resumable, atomic per case.

* Cases are read with :func:`netkg.cases.read_cases`; an invalid case is
  reported (case, field, message) and skipped, the batch goes on.
* With the fast engine, chunks of cases are reasoned in worker processes (one
  per core); the HermiT reference runs in this process (it drives one JVM).
* Each case is written as its own named graph (the case IRI).  New cases of a
  chunk are written in one transaction, a case that is already stored with an
  older knowledge version is replaced in one transaction, so a case graph is
  always either absent or complete.
* Resumable: a case whose graph is already stored with the same knowledge
  version is skipped, so re-running an interrupted batch finishes the job.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from netkg.cases import CaseError, CaseRecord, CaseResult, read_cases, validate_case
from netkg.knowledge import Knowledge
from netkg.store import EmbeddedStore, graph_to_nquads
from netkg.vocabulary import NKR, ONTOLOGY_GRAPH, case_iri

DEFAULT_CHUNK = 250


@dataclass
class BatchSummary:
    """What a batch did."""

    read: int = 0
    reasoned: int = 0
    skipped: int = 0
    invalid: list[CaseError] = field(default_factory=list)
    knowledge_version: str = ""

    @property
    def ok(self) -> bool:
        return not self.invalid


# ---------------------------------------------------------------------------------------------
# Worker side

_WORKER: dict[str, object] = {}


def _init_worker(ontology: Optional[str], engine: str) -> None:
    from netkg import pipeline

    _WORKER["knowledge"] = pipeline.knowledge(ontology)
    _WORKER["engine"] = engine


def case_nquads(records: list[CaseRecord], knowledge: Knowledge, engine: str) -> list[tuple[str, str]]:
    """``(case id, N-Quads of its graph)`` for each record: facts, inferred types and report."""
    from netkg.pipeline import reason_records

    out = []
    for r in reason_records(records, engine, knowledge):
        triples = r.report.triples(r.facts, r.classification)
        out.append((r.record.id, graph_to_nquads(triples, str(case_iri(r.record.id)))))
    return out


def _reason_chunk(records: list[CaseRecord]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Reason a chunk; a case that fails alone is returned as ``(id, message)``."""
    k: Knowledge = _WORKER["knowledge"]  # type: ignore[assignment]
    engine: str = _WORKER["engine"]  # type: ignore[assignment]
    try:
        return case_nquads(records, k, engine), []
    except Exception:  # isolate the failing case(s)
        done, failed = [], []
        for record in records:
            try:
                done.extend(case_nquads([record], k, engine))
            except Exception as exc:  # reported per case, the batch goes on
                failed.append((record.id, f"{exc.__class__.__name__}: {exc}"))
        return done, failed


# ---------------------------------------------------------------------------------------------
# Parent side

def _results(source: Union[str, Path, Iterable[Union[CaseResult, dict]]]) -> Iterator[CaseResult]:
    if isinstance(source, (str, Path)):
        yield from read_cases(source)
        return
    for n, item in enumerate(source):
        yield item if isinstance(item, CaseResult) else validate_case(item, f"<input>[{n}]")


def ensure_ontology(store: EmbeddedStore, knowledge: Knowledge) -> None:
    """Load the ontology into its named graph unless this exact version is there already."""
    if store.ontology_version() != knowledge.version:
        store.load_ontology(knowledge)


def reason_into_store(
    source: Union[str, Path, Iterable[Union[CaseResult, dict]]],
    store: EmbeddedStore,
    engine: str = "fast",
    workers: Optional[int] = None,
    chunk_size: int = DEFAULT_CHUNK,
    ontology: Optional[Union[str, Path]] = None,
    progress: bool = False,
    on_chunk: Optional[Callable[[int], None]] = None,
) -> BatchSummary:
    """Reason every valid case of ``source`` into ``store``; see the module docstring.

    ``on_chunk(n_written)`` is called after each chunk is stored (progress hooks, tests).
    """
    from netkg import pipeline

    knowledge = pipeline.knowledge(ontology)
    summary = BatchSummary(knowledge_version=knowledge.version)
    ensure_ontology(store, knowledge)
    existing = store.case_versions()
    existing.pop(str(ONTOLOGY_GRAPH), None)

    todo: list[CaseRecord] = []
    seen: dict[str, str] = {}
    for result in _results(source):
        summary.read += 1
        if result.record is None:
            summary.invalid.extend(result.errors)
            continue
        rec = result.record
        if rec.id in seen:
            summary.invalid.append(CaseError(result.source, rec.id, "id", f"duplicate case id; first given in {seen[rec.id]}"))
            continue
        seen[rec.id] = result.source
        if existing.get(str(case_iri(rec.id))) == knowledge.version:
            summary.skipped += 1
            continue
        todo.append(rec)

    chunks = [todo[i:i + chunk_size] for i in range(0, len(todo), chunk_size)]
    n_workers = workers if workers and workers > 0 else (os.cpu_count() or 1)
    parallel = engine == "fast" and n_workers > 1 and len(chunks) > 1
    sources = seen

    def write(done: list[tuple[str, str]], failed: list[tuple[str, str]]) -> None:
        fresh = []
        for cid, nquads in done:
            iri = str(case_iri(cid))
            if iri in existing:
                _replace_from_nquads(store, iri, nquads)
            else:
                fresh.append(nquads)
        store.add_case_graphs("".join(fresh))  # one transaction for the chunk's new cases
        summary.reasoned += len(done)
        for cid, message in failed:
            summary.invalid.append(CaseError(sources.get(cid, "<input>"), cid, "(reasoning)", message))
        if on_chunk is not None:
            on_chunk(len(done))

    bar = _progress(progress, len(todo))
    try:
        if parallel:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            with ctx.Pool(min(n_workers, len(chunks)), initializer=_init_worker,
                          initargs=(str(ontology) if ontology else None, engine)) as pool:
                for done, failed in pool.imap(_reason_chunk, chunks):
                    write(done, failed)
                    bar.advance(len(done) + len(failed))
        else:
            _init_worker(str(ontology) if ontology else None, engine)
            for chunk in chunks:
                done, failed = _reason_chunk(chunk)
                write(done, failed)
                bar.advance(len(done) + len(failed))
    finally:
        bar.close()
        store.flush()
    return summary


def _replace_from_nquads(store: EmbeddedStore, iri: str, nquads: str) -> None:
    """Replace one stored case graph by the graph given as N-Quads (in a single update)."""
    suffix = f" <{iri}> .\n"
    body = "".join(line[: -len(suffix)] + " .\n" for line in nquads.splitlines(keepends=True))
    store.raw.update(f"DROP SILENT GRAPH <{iri}> ;\nINSERT DATA {{ GRAPH <{iri}> {{\n{body}}} }}")


class _Bar:
    def __init__(self, progress: object = None, task: object = None) -> None:
        self.progress, self.task = progress, task

    def advance(self, n: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, n)  # type: ignore[attr-defined]

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()  # type: ignore[attr-defined]


def _progress(enabled: bool, total: int) -> _Bar:
    if not enabled:
        return _Bar()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn("reasoning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), transient=False)
    progress.start()
    return _Bar(progress, progress.add_task("cases", total=total))
