"""Measure the reference (HermiT) and fast reasoning paths on generated cases.

Usage::

    python benchmarks/bench_reasoning.py --cases 10000 [--out docs/benchmarks.md]

Measured in one run: HermiT one case per call, HermiT in chunks of several
sizes, the fast path end to end (validate + to_facts + classify) over
``--cases`` generated cases, peak memory, and the reference/fast ratio.
Prints a Markdown section and optionally writes it to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.maintenance.generate import generate_cases
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.fast import FastReasoner


def command_line(script: str, argv: list[str] | None) -> str:
    """How the benchmark was called, for the report; the output file is left out (it says nothing of the run)."""
    args = list(argv if argv is not None else sys.argv[1:])
    if "--out" in args:
        at = args.index("--out")
        del args[at:at + 2]
    return " ".join(["python", f"benchmarks/{script}", *(shlex.quote(a) for a in args)])


def _peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory (MiB) of this process and of its finished children (the JVMs)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _machine() -> str:
    """CPU model, cores and RAM from /proc (Linux), else what platform knows."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {ram} RAM"


def _facts(cases: list[dict[str, Any]]) -> list[Any]:
    out = []
    for case in cases:
        record = validate_case(case).record
        assert record is not None, case["id"]
        out.append(to_facts(record))
    return out


def bench_fast(knowledge: Knowledge, cases: list[dict[str, Any]]) -> dict[str, float]:
    """End-to-end fast path over ``cases``: validate, convert, classify."""
    reasoner = FastReasoner(knowledge)
    start = time.perf_counter()
    for case in cases:
        record = validate_case(case).record
        assert record is not None, case["id"]
        reasoner.classify(to_facts(record))
    total = time.perf_counter() - start
    return {"cases": len(cases), "seconds": total, "per_case": total / len(cases), "per_second": len(cases) / total}


def bench_hermit(knowledge: Knowledge, cases: list[dict[str, Any]], chunk: int) -> dict[str, float]:
    """HermiT over ``cases`` with ``chunk`` cases per run (1 = one case per call)."""
    from netkg.reasoning.reference import HermitReasoner

    facts = _facts(cases)
    reasoner = HermitReasoner(knowledge, chunk_size=chunk)
    start = time.perf_counter()
    reasoner.classify_many(facts)
    total = time.perf_counter() - start
    return {"cases": len(cases), "seconds": total, "per_case": total / len(cases)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000, help="generated cases for the fast path (default 10000)")
    parser.add_argument("--single", type=int, default=10, help="cases for HermiT one case per call (default 10)")
    parser.add_argument("--chunks", default="10,25,50", help="HermiT chunk sizes, comma-separated (default 10,25,50)")
    parser.add_argument("--chunk-cases", type=int, default=0,
                        help="cases per chunked HermiT measurement (default: one chunk of each size)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the Markdown section to this file")
    args = parser.parse_args(argv)

    knowledge = Knowledge.load()
    cases = generate_cases(args.cases, seed=args.seed)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    fast = bench_fast(knowledge, cases)
    print(f"fast: {fast['per_case'] * 1000:.2f} ms/case, {fast['per_second']:.0f} cases/s", file=sys.stderr)
    fast_rss = _peak_rss_mb()[0]

    rows: list[tuple[str, dict[str, float]]] = []
    try:
        single = bench_hermit(knowledge, cases[:args.single], 1)
        rows.append(("HermiT, one case per call", single))
        print(f"hermit single: {single['per_case']:.2f} s/case", file=sys.stderr)
        for size in (int(s) for s in args.chunks.split(",") if s.strip()):
            n = args.chunk_cases or size
            res = bench_hermit(knowledge, cases[:n], size)
            rows.append((f"HermiT, chunks of {size}", res))
            print(f"hermit chunk {size}: {res['per_case']:.2f} s/case", file=sys.stderr)
    except Exception as exc:  # no Java, or HermiT failed: still report the fast path
        print(f"HermiT not measured: {exc}", file=sys.stderr)
    own_rss, jvm_rss = _peak_rss_mb()
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    command = command_line("bench_reasoning.py", argv)
    lines = [
        "## Reasoning",
        "",
        f"- Date (UTC): {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M')}",
        f"- Machine: {_machine()}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}; "
        f"{os.environ.get('NETKG_JAVA') or 'java on PATH'} for HermiT (owlready2)",
        f"- Command: `{command.strip()}`",
        f"- Cases: `netkg.maintenance.generate.generate_cases(n, seed={args.seed})`; HermiT runs on the first cases of the same stream",
        f"- Load average (1 min) before / after: {load_before:.1f} / {load_after:.1f}",
        "",
        "| Path | Cases | Total (s) | Per case (s) | Cases/s | Reference / fast |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, res in rows:
        lines.append(f"| {name} | {res['cases']:.0f} | {res['seconds']:.1f} | {res['per_case']:.3f} | "
                     f"{1 / res['per_case']:.2f} | {res['per_case'] / fast['per_case']:.0f}x |")
    lines.append(f"| Fast path, end to end (validate + to_facts + classify) | {fast['cases']:.0f} | {fast['seconds']:.1f} | "
                 f"{fast['per_case']:.5f} | {fast['per_second']:.0f} | 1x |")
    lines += [
        "",
        f"Peak memory: Python process {own_rss:.0f} MiB (after the fast path alone: {fast_rss:.0f} MiB); "
        f"largest HermiT JVM {jvm_rss:.0f} MiB (max RSS, `resource.getrusage`).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("# Benchmarks\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
