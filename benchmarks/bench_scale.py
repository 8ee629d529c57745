"""Registry scale: real ``netkg reason`` runs of growing size, the store they make, and query latency on it.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,10000,100000] --out FILE [--plot FILE.svg]
                                               [--layout1 10000]

For each size N (no copies: every case is generated, validated, reasoned, reported and written):

1. N generated cases (``netkg.maintenance.generate``, seed 0) are written to a JSON Lines file;
2. ``netkg reason FILE --store DIR --no-progress`` runs as its own process, end to end (Python start,
   knowledge load, reading, validation, the fast path in one worker per core, reports, the store
   write); wall time, and the peak resident memory of netkg with its workers (summed, sampled every
   0.1 s from /proc) are recorded, and the store size on disk;
3. the query catalogue's latency benchmark (``bench_store.measure_store``) runs on that store,
   embedded and through the oxigraph server.

``--layout1 N`` also reasons N cases into a store of the previous design (store layout 1: every inferred
class and the closure axioms, as ``tests/test_compact_store.py`` builds it) for side-by-side figures.
The plot shows how time, memory, size and latency grow with N.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_reasoning import command_line  # noqa: E402
from netkg.maintenance.generate import iter_cases  # noqa: E402

NETKG = [sys.executable, "-m", "netkg.cli"]


# ---------------------------------------------------------------------------------------------
# Measuring one run

def _tree_rss_mib(pid: int) -> float:
    """Memory of ``pid`` and all its descendants, in MiB (0 when it has ended): the sum of their proportional
    set sizes (PSS), so the pages forked workers share with their parent count once, not once per process."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total / 1024


def run_measured(command: list[str]) -> dict[str, Any]:
    """Run ``command``; its wall time and the peak memory of its process tree."""
    peak = [0.0]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mib(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}: {err[-2000:]}")
    return {"wall_s": round(wall, 2), "peak_rss_mib": round(peak[0], 1), "stdout": out.strip()}


def write_cases(path: Path, n: int, seed: int = 0) -> None:
    """The first ``n`` generated cases of ``seed`` as JSON Lines (written as generated)."""
    with open(path, "w", encoding="utf-8") as out:
        for i, case in enumerate(iter_cases(seed)):
            if i == n:
                break
            out.write(json.dumps(case) + "\n")


def dir_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def one_size(n: int, workdir: Path, runs: int) -> dict[str, Any]:
    """Reason ``n`` cases with ``netkg reason`` into a new store and measure the store and its queries."""
    import bench_store

    cases = workdir / f"cases-{n}.jsonl"
    store = workdir / f"store-{n}"
    write_cases(cases, n)
    run = run_measured(NETKG + ["reason", str(cases), "--store", str(store), "--no-progress"])
    row: dict[str, Any] = {"cases": n, **run, "cases_per_s": round(n / run["wall_s"], 1), "store_mib": dir_mib(store)}
    row["queries"] = bench_store.measure_store(store, runs=runs)
    return row


def layout1_size(n: int, workdir: Path, runs: int) -> dict[str, Any]:
    """``n`` cases reasoned in this process into a store of the previous design (layout 1), and its queries."""
    import bench_store
    from netkg.registry import batch
    from netkg.registry.revisions import identity_triples
    from netkg.registry.store import EmbeddedStore, graph_to_nquads
    from netkg.vocabulary import NKR, ONTOLOGY_GRAPH, case_iri

    def full_graph(report: Any, facts: Any, classification: Any, record_json: str, digest: str, at: str) -> str:
        case = case_iri(report.case_id)
        triples = list(report.triples(facts, classification)) + identity_triples(case, record_json, digest, at)
        lines = graph_to_nquads(triples, str(case)).splitlines(keepends=True)
        commit = f"<{case}> <{NKR.knowledgeVersion}> "
        return "".join(sorted(lines, key=lambda line: line.startswith(commit)))

    cases = workdir / f"cases-{n}.jsonl"
    if not cases.exists():
        write_cases(cases, n)
    path = workdir / f"store-layout1-{n}"
    original = batch.case_graph_nquads
    batch.case_graph_nquads = full_graph
    try:
        store = EmbeddedStore(path)
        start = time.perf_counter()
        batch.reason_into_store(cases, store)
        wall = time.perf_counter() - start
        store.raw.update(f"DELETE {{ GRAPH ?g {{ ?case <{NKR.graphLayout}> ?layout }} }} "  # case graphs only:
                         f"WHERE {{ GRAPH ?g {{ ?case <{NKR.graphLayout}> ?layout }} "  # the knowledge graph keeps its layout
                         f"FILTER (?g != <{ONTOLOGY_GRAPH}>) }}")
        quads = len(store.raw)
        store.close()
    finally:
        batch.case_graph_nquads = original
    return {"cases": n, "wall_s": round(wall, 2), "quads": quads, "store_mib": dir_mib(path),
            "queries": bench_store.measure_store(path, runs=runs)}


# ---------------------------------------------------------------------------------------------
# Report

def plot(rows: list[dict[str, Any]], path: Path) -> None:
    """Four panels against the number of cases (log scales): time, memory, store size, query latency."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "netkg"  # stable element ids
    n = [r["cases"] for r in rows]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    panels = [
        ("netkg reason, wall time (s)", [r["wall_s"] for r in rows]),
        ("peak memory, netkg + workers (MiB)", [r["peak_rss_mib"] for r in rows]),
        ("store on disk (MiB)", [r["store_mib"] for r in rows]),
    ]
    for ax, (title, values) in zip(axes, panels):
        ax.plot(n, values, marker="o")
        ax.set_title(title, fontsize=10)
    ax = axes[3]
    for name in rows[0]["queries"]["embedded"]:
        for backend, style in (("embedded", "-"), ("server", "--")):
            values = [r["queries"][backend][name]["p50_ms"] for r in rows]
            ax.plot(n, values, style, marker="o", label=f"{name.split(' (')[0]} ({backend})")
    ax.set_title("query p50 (ms)", fontsize=10)
    ax.legend(fontsize=6)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cases")
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def render(facts: dict[str, Any]) -> str:
    rows = facts["rows"]
    lines = [
        "# Registry scale", "",
        f"- Date: {facts['date']}",
        f"- Machine: {facts['machine']}",
        f"- Command: `{facts['command']}`", "",
        "| cases | `netkg reason` wall (s) | cases/s | peak memory, netkg + workers (PSS, MiB) | store on disk (MiB) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['cases']:,} | {r['wall_s']} | {r['cases_per_s']:,} | {r['peak_rss_mib']} | {r['store_mib']} |")
    lines += ["", "Query latency on each store (p50 / p95 ms; embedded: pyoxigraph in this process, the query's own "
              "cost; embedded, time limit: as `netkg query --store` runs it, in its query worker with a time limit; "
              "server: `netkg serve` (its gate and `oxigraph serve-read-only`) over HTTP, JSON results):", "",
              "| query | backend | " + " | ".join(f"{r['cases']:,} cases" for r in rows) + " | rows at the largest |",
              "|---|---|" + "---:|" * len(rows) + "---:|"]
    for name in rows[0]["queries"]["embedded"]:
        for backend in ("embedded", "embedded, time limit", "server"):
            cells = [f"{r['queries'][backend][name]['p50_ms']} / {r['queries'][backend][name]['p95_ms']}" for r in rows]
            lines.append(f"| {name} | {backend} | " + " | ".join(cells) + f" | {rows[-1]['queries'][backend][name]['rows_last']:,} |")
    old = facts.get("layout1")
    if old:
        new = next((r for r in rows if r["cases"] == old["cases"]), None)
        lines += ["", f"Against the previous store design (layout 1: every inferred class and the closure axioms; "
                      f"{old['cases']:,} cases reasoned in-process into each):", "",
                  "| | layout 1 | layout 2 (now) | ratio |", "|---|---:|---:|---:|"]
        if new:
            lines.append(f"| store on disk (MiB) | {old['store_mib']} | {new['store_mib']} | "
                         f"{old['store_mib'] / new['store_mib']:.1f}x |")
        for name in old["queries"]["embedded"]:
            a = old["queries"]["embedded"][name]["p50_ms"]
            b = new["queries"]["embedded"][name]["p50_ms"] if new else None
            if b:
                lines.append(f"| {name}, embedded p50 (ms) | {a} | {b} | {a / b:.1f}x |")
    if facts.get("plot"):
        lines += ["", f"![How cost grows with the number of cases]({facts['plot']})"]
    return "\n".join(lines) + "\n"


def machine() -> str:
    import pyoxigraph as ox

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated numbers of cases")
    ap.add_argument("--runs", type=int, default=200, help="runs of the one-case query (cohort queries: 10)")
    ap.add_argument("--layout1", type=int, default=0, help="also measure a layout-1 store of this many cases")
    ap.add_argument("--out", type=Path, required=True, help="Markdown file to write")
    ap.add_argument("--plot", type=Path, default=None, help="SVG file for the plot")
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep the case files and stores in")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="netkg-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        print(f"reasoning {n:,} cases ...", file=sys.stderr)
        rows.append(one_size(n, workdir, args.runs))
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "queries"}), file=sys.stderr)
    facts: dict[str, Any] = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                             "command": command_line("bench_scale.py", argv), "rows": rows}
    if args.layout1:
        print(f"layout 1: {args.layout1:,} cases ...", file=sys.stderr)
        facts["layout1"] = layout1_size(args.layout1, workdir, args.runs)
    if args.plot:
        plot(rows, args.plot)
        facts["plot"] = os.path.relpath(args.plot, args.out.parent)
    args.out.write_text(render(facts), encoding="utf-8")
    (args.out.with_suffix(".json")).write_text(json.dumps(facts, indent=2), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    if args.keep is None:
        shutil.rmtree(workdir, ignore_errors=True)  # the case files and stores (several GB at 100,000 cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
