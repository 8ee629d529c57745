"""Time the report step alone (ReportBuilder.build) on generated cases, classified once by the fast path.

Usage::

    .venv/bin/python benchmarks/bench_report_step.py [--cases 2000] [--runs 5]

To compare with another commit, check it out in a worktree and put it first on the path (its ontology too)::

    git worktree add /tmp/old <commit>
    PYTHONPATH=/tmp/old NETKG_ONTOLOGY=/tmp/old/ontology/modules .venv/bin/python benchmarks/bench_report_step.py

Prints the milliseconds a case of each run and their median. The classification is done before timing, so
the figure is the report's share of a worker's time per case (docs/benchmarks.md, "Reading the figures").
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from datetime import datetime, timezone

import netkg
from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.maintenance.generate import generate_cases
from netkg.pipeline import knowledge
from netkg.reasoning import make_reasoner
from netkg.report.model import ReportBuilder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2000, help="generated cases (default 2000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs over all cases (default 5)")
    ap.add_argument("--seed", type=int, default=3, help="generator seed (default 3)")
    args = ap.parse_args()

    k = knowledge()
    records = [r for r in (validate_case(c).record for c in generate_cases(args.cases, seed=args.seed)) if r is not None]
    classifications = make_reasoner(k, "fast").classify_many([to_facts(r) for r in records])
    builder = ReportBuilder(k)
    for r, c in zip(records, classifications):  # warm the per-knowledge caches once
        builder.build(r, c)
    runs = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for r, c in zip(records, classifications):
            builder.build(r, c)
        runs.append(1000 * (time.perf_counter() - start) / len(records))
    print(f"netkg from {netkg.__file__}; knowledge {k.version}")
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, Python {platform.python_version()}, "
          f"{len(records)} cases")
    print("report step, ms a case:", " ".join(f"{x:.3f}" for x in runs), f"(median {statistics.median(runs):.3f})")


if __name__ == "__main__":
    main()
