"""Where `netkg reason --store` spends its time and CPU: the worker's steps, the parent's writes, the loader.

    .venv/bin/python benchmarks/bench_registry_steps.py [--cases 10000] [--step-cases 2000]

Three measurements, printed as Markdown (docs/benchmarks.md, "Registry steps", quotes a run):

* a worker's steps, one case at a time in this process, on the first ``--step-cases`` generated cases:
  conversion to facts, classification by the fast path, the report, the case graph's N-Quads (with the
  stored case record and its digest), each the median of three passes, milliseconds a case;
* ``netkg.registry.batch.reason_into_store`` on ``--cases`` generated cases into a new store, as
  ``netkg reason --store`` runs it (one worker per core): wall time, the CPU of this process and of its
  workers, and the wall time and CPU of this process's bulk writes and of the final compaction;
* oxigraph's bulk loader alone: every case quad of that store loaded again into a new store in 40 parts
  (as a batch writes), strict and lenient (IRIs not validated), wall time and CPU.

CPU is what bounds the end-to-end time on a small machine: the loader runs threads of its own, on the same
cores as the workers.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

import pyoxigraph as ox

from bench_engine_floors import CASE, load_in_parts  # benchmarks/ is on the path when a script here runs
from bench_scale import machine, write_cases
from netkg import pipeline
from netkg.cases.conversion import to_facts
from netkg.reasoning import make_reasoner
from netkg.registry import batch
from netkg.registry.store import EmbeddedStore
from netkg.report.model import build_report



def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def per_case_ms(run: Callable[[], Any], n: int, passes: int = 3) -> tuple[float, Any]:
    """The median over ``passes`` of ``run()`` (one pass over ``n`` cases), in ms a case, and its last result."""
    times, result = [], None
    for _ in range(passes):
        start = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - start) / n * 1000)
    return round(statistics.median(times), 3), result


def worker_steps(cases: Path, n: int) -> dict[str, float]:
    """Milliseconds a case of each step a worker runs, on the first ``n`` cases of ``cases``."""
    k = pipeline.knowledge(None)
    summary = batch.BatchSummary(knowledge_version=k.version, engine="fast")
    records = []
    for record in batch.unique_records(cases, summary, {}):
        records.append(record)
        if len(records) == n:
            break
    reasoner = make_reasoner(k, "fast")
    steps: dict[str, float] = {}
    steps["conversion to facts"], facts = per_case_ms(lambda: [to_facts(r) for r in records], n)
    steps["classification (fast path)"], classes = per_case_ms(lambda: reasoner.classify_many(facts), n)
    steps["report"], reports = per_case_ms(lambda: [build_report(r, c, k) for r, c in zip(records, classes)], n)
    reasoned = [pipeline.Reasoned(r, f, c, p) for r, f, c, p in zip(records, facts, classes, reports)]
    steps["case graph N-Quads, record and digest"], _ = per_case_ms(lambda: batch.reasoned_graphs(reasoned), n)
    steps["all of a worker's work (case_graphs)"], _ = per_case_ms(lambda: batch.case_graphs(records, k, "fast"), n)
    return steps


def batch_run(cases: Path, store_dir: Path) -> dict[str, float]:
    """``reason_into_store`` into a new store: wall time and CPU, overall and of the writes and the compaction."""
    spent: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), cpu_seconds()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[f"{name} wall"] = spent.get(f"{name} wall", 0.0) + time.perf_counter() - wall
                spent[f"{name} CPU"] = spent.get(f"{name} CPU", 0.0) + cpu_seconds() - cpu
        return wrapper

    original = batch.write_new_graphs, batch.compact
    batch.write_new_graphs, batch.compact = timed("bulk writes", batch.write_new_graphs), timed("compaction", batch.compact)
    try:
        wall, parent, children = time.perf_counter(), cpu_seconds(), cpu_seconds(resource.RUSAGE_CHILDREN)
        store = EmbeddedStore(store_dir)
        summary = batch.reason_into_store(cases, store)
        store.close()
        spent["end to end wall"] = time.perf_counter() - wall
        spent["this process CPU"] = cpu_seconds() - parent
        spent["workers CPU"] = cpu_seconds(resource.RUSAGE_CHILDREN) - children
    finally:
        batch.write_new_graphs, batch.compact = original
    if not summary.ok:
        raise SystemExit(f"the batch did not finish cleanly: {summary}")
    return {k: round(v, 2) for k, v in spent.items()}


def loader(store_dir: Path, work: Path) -> tuple[int, dict[str, tuple[float, float]]]:
    """Every case quad of ``store_dir`` bulk-loaded again in 40 parts, strict and lenient: (wall s, CPU s) each."""
    source = ox.Store.read_only(str(store_dir))
    quads = [q for q in source.quads_for_pattern(None, None, None) if q.graph_name.value.startswith(CASE)]
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    del source
    out = {}
    for name, lenient in (("strict", False), ("lenient", True)):
        target_dir = work / f"load-{name}"
        target = ox.Store(str(target_dir))
        wall, cpu = time.perf_counter(), cpu_seconds()
        load_in_parts(target, lines, lenient=lenient)
        out[name] = (round(time.perf_counter() - wall, 1), round(cpu_seconds() - cpu, 1))
        del target
        shutil.rmtree(target_dir)
    return len(quads), out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000, help="generated cases for the batch (default 10000)")
    ap.add_argument("--step-cases", type=int, default=2_000, help="cases for the worker's steps (default 2000)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="netkg-steps-") as tmp:
        work = Path(tmp)
        cases = work / "cases.jsonl"
        write_cases(cases, args.cases)
        steps = worker_steps(cases, min(args.step_cases, args.cases))
        run = batch_run(cases, work / "store")
        n_quads, loads = loader(work / "store", work)
    print(f"- Date (UTC): {datetime.now(timezone.utc):%Y-%m-%d %H:%M}")
    print(f"- Machine: {machine()}")
    command = " ".join(["python benchmarks/bench_registry_steps.py", *sys.argv[1:]])
    print(f"- Command: `{command}`")
    print(f"\n| a worker's step ({min(args.step_cases, args.cases):,} cases, one process) | ms a case |\n|---|---:|")
    for name, ms in steps.items():
        print(f"| {name} | {ms} |")
    print(f"\n| `reason_into_store`, {args.cases:,} cases, new store | seconds |\n|---|---:|")
    for name, value in run.items():
        print(f"| {name} | {value} |")
    print(f"\n| bulk loader alone, {n_quads:,} case quads in 40 parts | wall s | CPU s |\n|---|---:|---:|")
    for name, (wall, cpu) in loads.items():
        print(f"| {name} | {wall} | {cpu} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
