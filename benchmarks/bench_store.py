"""Store benchmark: load 100,000 reasoned cases, then time queries embedded and on the oxigraph server.

    .venv/bin/python benchmarks/bench_store.py [--cases 100000] [--reasoned 10000] --out FILE  (usually through benchmarks/run_all.py)
    .venv/bin/python benchmarks/bench_store.py --store DIR --out FILE   (DIR already holds cases: measure it as it is)

``--reasoned`` cases are generated (netkg.maintenance.generate) and reasoned for real with
the fast engine through ``netkg.registry.batch.reason_into_store`` (all cores): this
measures the full pipeline.  The store is then filled up to ``--cases`` graphs
with copies of those reasoned graphs under new case ids (renamed case IRIs,
fresh blank nodes), so that query latency is measured at the target scale
without hours of reasoning.  Set ``--reasoned`` equal to ``--cases`` to reason
everything.

``--store DIR`` naming a store that already holds case graphs (e.g. made by
``netkg reason``) skips the reasoning and the copies: only the queries are timed.
Three queries are timed (:func:`measure_store`): the one-case query
``competency/indicated-for-case`` (``--runs`` random stored cases), the cohort
aggregate ``cohort/cases-per-indicated-therapy`` and ``cohort/eligible-for-therapy``
for ``netkg:PlatinumEtoposide`` (``--cohort-runs`` each), embedded (through
``run_query`` with its time limit, as ``netkg query`` runs them) and on the server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import pyoxigraph as ox

from bench_reasoning import command_line  # benchmarks/ is on the path when a script here runs
from netkg.registry.batch import reason_into_store
from netkg.commands.serve import start_server, stop_server
from netkg.maintenance.generate import generate_cases
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import DEFAULT_TIMEOUT_S, EmbeddedStore, RemoteStore
from netkg.vocabulary import ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def clone_cases(store: EmbeddedStore, source_ids: list[str], target: int, seed: int) -> float:
    """Fill the store to ``target`` case graphs with renamed copies; returns the seconds spent writing."""
    raw = store.raw
    templates = []
    for cid in source_ids:
        g = ox.NamedNode(f"https://w3id.org/netkg/case/{cid}")
        quads = list(raw.quads_for_pattern(None, None, None, g))
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode()
        templates.append((cid, text))
    rng = random.Random(seed)
    have = store.case_count()
    batch, spent, n = [], 0.0, 0
    while have + n < target:
        cid, text = templates[rng.randrange(len(templates))]
        new = f"copy-{n:07d}"
        batch.append(text.replace(f"/case/{cid}", f"/case/{new}").replace(f'"{cid}"', f'"{new}"')
                     .replace("_:", f"_:c{n}x"))
        n += 1
        if len(batch) == 5000 or have + n >= target:
            start = time.perf_counter()
            raw.bulk_load("".join(batch), ox.RdfFormat.N_QUADS)
            spent += time.perf_counter() - start
            batch = []
    store.flush()
    return spent


def time_query(store, query, params, runs, timeout: Optional[float] = DEFAULT_TIMEOUT_S):
    times, rows = [], 0
    for i in range(runs):
        p = params(i)
        start = time.perf_counter()
        result = run_query(query, store, p, timeout=timeout)
        times.append((time.perf_counter() - start) * 1000)
        rows = len(result)
    return {"p50_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2), "runs": runs, "rows_last": rows}


def stored_case_ids(store: EmbeddedStore) -> list[str]:
    """The case id (``netkg:caseId``) of every stored case graph."""
    rows = store.select("SELECT ?id WHERE { GRAPH ?case { ?case <https://w3id.org/netkg/caseId> ?id } }", timeout=None)
    return sorted(r["id"] for r in rows.rows)


def query_plans(case_ids: list[str], runs: int, cohort_runs: int, seed: int) -> list[tuple[str, Any, Any, int]]:
    """The three timed queries: (name, query, parameters of run i, runs)."""
    rng = random.Random(seed)
    picks = [rng.choice(case_ids) for _ in range(runs)]
    return [
        ("indicated-for-case (one case)", load_query(ROOT / "queries/competency/indicated-for-case.rq"),
         lambda i: {"case": picks[i]}, runs),
        ("eligible-for-therapy (cohort, netkg:PlatinumEtoposide)", load_query(ROOT / "queries/cohort/eligible-for-therapy.rq"),
         lambda i: {"therapy": "netkg:PlatinumEtoposide"}, cohort_runs),
        ("cases-per-indicated-therapy (cohort aggregate)", load_query(ROOT / "queries/cohort/cases-per-indicated-therapy.rq"),
         lambda i: {}, cohort_runs),
    ]


def measure_store(path: Path, runs: int = 200, cohort_runs: int = 5, seed: int = 2026,
                  case_ids: Optional[list[str]] = None) -> dict[str, Any]:
    """Time the three queries on the store at ``path``, embedded and on the oxigraph server (the store must be closed).

    Returns ``{"embedded": {name: timings}, "embedded, time limit": {...}, "server": {...},
    "peak_rss_server_mb": ...}``: "embedded" is pyoxigraph in this process without a time limit (the
    query's own cost), "embedded, time limit" is the store opened read-only and queried with the default
    time limit, as ``netkg query --store`` does (through the query worker process).  The one-case query
    runs ``runs`` times on random stored cases (``case_ids``, default: every stored case), the two cohort
    queries ``cohort_runs`` times each, after one run of each that warms the caches.
    """
    import psutil

    store = EmbeddedStore(path, read_only=True)
    ids = case_ids or stored_case_ids(store)
    plans = query_plans(ids, runs, cohort_runs, seed)
    results: dict[str, Any] = {"embedded": {}, "embedded, time limit": {}, "server": {}}
    for name, q, params, n in plans:
        run_query(q, store, params(0), timeout=None)  # warm-up
        results["embedded"][name] = time_query(store, q, params, n, timeout=None)
        results["embedded, time limit"][name] = time_query(store, q, params, n)
    store.close()
    del store

    proc, endpoint = start_server(Path(path), timeout=120)
    server_peak = 0.0
    try:
        remote = RemoteStore(endpoint)
        for name, q, params, n in plans:
            run_query(q, remote, params(0))  # warm-up
            results["server"][name] = time_query(remote, q, params, n)
            served = psutil.Process(proc.pid)  # the gate and the oxigraph server it starts
            rss = sum(p.memory_info().rss for p in [served, *served.children(recursive=True)])
            server_peak = max(server_peak, rss / 2**20)
    finally:
        stop_server(proc)
    results["peak_rss_server_mb"] = round(server_peak, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--reasoned", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--runs", type=int, default=200, help="runs of the one-case query (default 200)")
    ap.add_argument("--cohort-runs", type=int, default=5, help="runs of each cohort query (default 5)")
    ap.add_argument("--store", type=Path, default=None,
                    help="store directory (default: a temporary one); one that already holds cases is measured as it is")
    ap.add_argument("--out", type=Path, required=True, help="Markdown file to write (run_all.py collects it)")
    args = ap.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="netkg-bench-"))
    path = args.store or workdir / "store"
    existing = args.store is not None and args.store.is_dir() and EmbeddedStore(args.store, read_only=True).case_count() > 0
    store = EmbeddedStore(path, read_only=existing)
    summary, reason_s, clone_s, ids = None, 0.0, 0.0, None
    if not existing:
        cases = list(generate_cases(args.reasoned, args.seed))
        t0 = time.perf_counter()
        summary = reason_into_store(cases, store, engine="fast", progress=sys.stderr.isatty())
        reason_s = time.perf_counter() - t0
        ids = [c["id"] for c in cases]
        clone_s = clone_cases(store, ids, args.cases, args.seed) if args.cases > args.reasoned else 0.0
    total_cases = store.case_count()
    quads = len(store.raw)
    size_mb = sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20
    peak_self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    store.close()
    del store

    import psutil

    measured = measure_store(Path(path), args.runs, args.cohort_runs, args.seed, ids)
    facts = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
                   f"{platform.system()} {platform.release()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}",
        "command": command_line("bench_store.py", argv),
        "existing_store": existing,
        "cases_in_store": total_cases,
        "quads_in_store": quads,
        "store_size_mb": round(size_mb, 1),
        "reasoned_cases": summary.reasoned if summary else 0,
        "invalid_cases": len(summary.invalid) if summary else 0,
        "reason_and_write_s": round(reason_s, 1),
        "reason_cases_per_s": round(summary.reasoned / reason_s, 1) if summary and reason_s else None,
        "copy_write_s": round(clone_s, 1),
        "copy_cases_per_s": round((total_cases - summary.reasoned) / clone_s, 1) if summary and clone_s else None,
        "peak_rss_benchmark_mb": round(peak_self_mb, 1),
        "peak_rss_server_mb": measured.pop("peak_rss_server_mb"),
        "queries": measured,
    }
    print(json.dumps(facts, indent=2))
    args.out.write_text(render(facts), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def render(f: dict) -> str:
    lines = [
        "# Store benchmark", "",
        f"- Date: {f['date']}",
        f"- Machine: {f['machine']}",
        f"- Command: `{f['command']}`", "",
        "## Load", "",
        f"- Case graphs in the store: {f['cases_in_store']:,} ({f['quads_in_store']:,} quads, "
        f"{f['store_size_mb']} MiB on disk), plus the ontology graph.",
    ]
    if f["existing_store"]:
        lines.append("- An existing store, measured as it is (nothing reasoned or copied by this run).")
    else:
        lines.append(
        f"- Reasoned for real (generated cases, fast engine, all cores, through `netkg.registry.batch`): "
        f"{f['reasoned_cases']:,} cases in {f['reason_and_write_s']} s = **{f['reason_cases_per_s']} cases/s** "
        f"(generation, validation, reasoning, report, RDF and the store write).")
    if f["copy_write_s"]:
        lines.append(f"- The remaining {f['cases_in_store'] - f['reasoned_cases']:,} graphs are renamed copies of reasoned "
                     f"graphs (new case IRIs and ids, fresh blank nodes), written with pyoxigraph `bulk_load` in {f['copy_write_s']} s "
                     f"= {f['copy_cases_per_s']} cases/s (store write path only).")
        lines.append(f"- Estimated time to reason all {f['cases_in_store']:,} cases on this machine: "
                     f"{f['cases_in_store'] / f['reason_cases_per_s'] / 60:.0f} min.")
    lines += [
        f"- Peak resident memory: benchmark process {f['peak_rss_benchmark_mb']} MiB; oxigraph server {f['peak_rss_server_mb']} MiB.",
        "", "## Query latency", "",
        "| query | backend | p50 ms | p95 ms | runs | rows |", "|---|---|---|---|---|---|",
    ]
    for backend in ("embedded", "embedded, time limit", "server"):
        for name, r in f["queries"][backend].items():
            lines.append(f"| {name} | {backend} | {r['p50_ms']} | {r['p95_ms']} | {r['runs']} | {r['rows_last']} |")
    lines += ["", "Embedded: pyoxigraph in the benchmark process, without a time limit. "
              "Embedded, time limit: the store opened read-only and queried with the default time limit, "
              "as `netkg query --store` does (the query runs in a worker process that can be stopped). "
              "Server: `oxigraph serve-read-only --union-default-graph` on 127.0.0.1 over the same store, "
              "queried over HTTP POST with JSON results; "
              "times include HTTP and JSON decoding. On both backends parameters are bound by a VALUES block of serialized terms opening the WHERE group (pyoxigraph substitutions are not pushed into joins in 0.5 and were 100-500 times slower for the one-case query).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
