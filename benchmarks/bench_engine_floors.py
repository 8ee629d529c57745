"""Engine floors: what pyoxigraph itself costs for the store netkg writes and the queries it runs.

    .venv/bin/python benchmarks/bench_engine_floors.py [--cases 10000] [--store DIR]

Where the registry targets meet the storage engine rather than netkg's code:

* writing: every quad of a store made by ``netkg reason`` (``--cases`` generated cases, or ``--store``)
  is bulk-loaded into a new store in 40 parts, as ``netkg reason`` writes it, then flushed and optimized:
  the microseconds per quad, and the query latency before ``Store.optimize`` (the store still open for
  writing) and after it (the store closed and opened read-only, as ``netkg query`` and ``netkg serve`` open it);
* a query's fixed cost: ``competency/indicated-for-case`` for a stored case and for a case that does not
  exist (the parse and plan of the query, with nothing to find), beside ``ASK {}`` and a one-pattern
  SELECT; and the same query bound with pyoxigraph's ``substitutions=`` instead of netkg's inline
  ``VALUES`` block;
* the same query and its parts on an empty store in memory: what parsing and planning cost, with no data.

Prints Markdown; the notes of docs/benchmarks.md quote a run.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import pyoxigraph as ox

from bench_reasoning import command_line  # benchmarks/ is on the path when a script here runs
from bench_scale import machine, write_cases
from netkg.registry.queries import load_query
from netkg.sparql import inline_values

ROOT = Path(__file__).resolve().parent.parent
NETKG = [sys.executable, "-m", "netkg.cli"]
CASE = "https://w3id.org/netkg/case/"
THERAPY = ox.NamedNode("https://w3id.org/netkg/PlatinumEtoposide")


def per_call_ms(run: Callable[[int], object], n: int) -> float:
    """The median of ``n`` timed calls of ``run(i)``, in milliseconds."""
    times = []
    for i in range(n):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return round(sorted(times)[len(times) // 2], 3)


def load_in_parts(store: ox.Store, lines: list[bytes], parts: int = 40, lenient: bool = False) -> None:
    """N-Quads ``lines`` (each with its newline) bulk-loaded in ``parts`` calls, as a batch writes, then flushed."""
    step = -(-len(lines) // parts)
    for at in range(0, len(lines), step):
        store.bulk_load(b"".join(lines[at:at + step]), ox.RdfFormat.N_QUADS, lenient=lenient)
    store.flush()

def select(store: ox.Store, text: str) -> int:
    answer = store.query(text, use_default_graph_as_union=True)
    return 1 if isinstance(answer, ox.QueryBoolean) else len(list(answer))


def latencies(store: ox.Store, cases: list[ox.NamedNode]) -> dict[str, float]:
    one = load_query(ROOT / "queries/competency/indicated-for-case.rq").sparql
    eligible = load_query(ROOT / "queries/cohort/eligible-for-therapy.rq").sparql
    per_therapy = load_query(ROOT / "queries/cohort/cases-per-indicated-therapy.rq").sparql
    select(store, per_therapy)  # warm the caches
    return {
        "indicated-for-case (one case), p50 ms": per_call_ms(
            lambda i: select(store, inline_values(one, {"case": cases[i % len(cases)]})), 500),
        "eligible-for-therapy (netkg:PlatinumEtoposide), p50 ms": per_call_ms(
            lambda i: select(store, inline_values(eligible, {"therapy": THERAPY})), 5),
        "cases-per-indicated-therapy, p50 ms": per_call_ms(lambda i: select(store, per_therapy), 5),
    }



_EDGES = """PREFIX nkr: <https://w3id.org/netkg/report#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?therapy ?therapyLabel ?strength WHERE {
  { ?case nkr:recommended ?therapy . BIND ("recommended" AS ?strength) }
  UNION
  { ?case nkr:consider ?therapy . BIND ("consider" AS ?strength) }
  OPTIONAL { ?therapy rdfs:label ?therapyLabel }
}
ORDER BY ?strength ?therapy"""

_PARTS = """PREFIX nkr: <https://w3id.org/netkg/report#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT * WHERE {
  ?case nkr:finding ?finding .
  ?finding nkr:status "reported" ; nkr:category ?category ; nkr:therapy ?therapy ; nkr:rule ?rule .
  %s
}"""
_STRENGTHS = 'VALUES (?category ?strength) { (nkr:Recommended "recommended") (nkr:Consider "consider") }'
_OPTIONALS = ("OPTIONAL { ?therapy rdfs:label ?therapyLabel } OPTIONAL { ?rule rdfs:label ?ruleLabel } "
              "OPTIONAL { ?finding nkr:statement ?statement }")


def parse_and_plan() -> dict[str, float]:
    """What pyoxigraph spends on ``indicated-for-case`` and its parts with no data at all (an empty store in memory)."""
    empty = ox.Store()
    case = {"case": ox.NamedNode(f"{CASE}absent")}
    whole = load_query(ROOT / "queries/competency/indicated-for-case.rq").sparql
    texts = {
        "one pattern": "SELECT * WHERE { ?case <https://w3id.org/netkg/report#finding> ?finding }",
        "the five patterns of a reported finding": _PARTS % "",
        "... and the VALUES of strengths": _PARTS % _STRENGTHS,
        "... and the three OPTIONALs": _PARTS % f"{_STRENGTHS} {_OPTIONALS}",
        "indicated-for-case (... and GROUP BY, GROUP_CONCAT, ORDER BY)": whole,
    }
    return {name: per_call_ms(lambda i, t=text: select(empty, inline_values(t, case)), 2000)
            for name, text in texts.items()}

def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000, help="generated cases to reason (default 10000)")
    ap.add_argument("--store", type=Path, help="measure this store made by netkg reason instead")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="netkg-floors-"))
    try:
        source = args.store
        if source is None:
            write_cases(work / "cases.jsonl", args.cases)
            source = work / "source"
            subprocess.run(NETKG + ["reason", str(work / "cases.jsonl"), "--store", str(source), "--no-progress"],
                           check=True, capture_output=True)
        original = ox.Store.read_only(str(source))
        text = ox.serialize(original.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS)
        ids = [g for g in original.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(CASE)]
        del original
        lines = text.splitlines(keepends=True)

        copy = ox.Store(str(work / "copy"))
        start = time.perf_counter()
        load_in_parts(copy, lines)
        load_s = time.perf_counter() - start
        rng = random.Random(2026)
        picks = [rng.choice(ids) for _ in range(500)]
        before = latencies(copy, picks)
        start = time.perf_counter()
        copy.optimize()
        optimize_s = time.perf_counter() - start
        del copy
        copy = ox.Store.read_only(str(work / "copy"))  # as netkg query and netkg serve open it
        after = latencies(copy, picks)

        one = load_query(ROOT / "queries/competency/indicated-for-case.rq").sparql
        absent = [ox.NamedNode(f"{CASE}absent-{i}") for i in range(500)]
        fixed = {
            "indicated-for-case, a stored case": after["indicated-for-case (one case), p50 ms"],
            "indicated-for-case, a case that does not exist": per_call_ms(
                lambda i: select(copy, inline_values(one, {"case": absent[i]})), 500),
            "ASK {}": per_call_ms(lambda i: select(copy, "ASK {}"), 500),
            "SELECT of one pattern for a stored case": per_call_ms(lambda i: select(copy, inline_values(
                "SELECT ?f WHERE { ?case <https://w3id.org/netkg/report#finding> ?f }", {"case": picks[i]})), 500),
            "a stored case's indicated therapies with labels, no rules or statements (its nkr:recommended and "
            "nkr:consider edges)": per_call_ms(lambda i: select(copy, inline_values(_EDGES, {"case": picks[i]})), 500),
            "indicated-for-case bound with substitutions= (20 runs)": per_call_ms(lambda i: len(list(copy.query(
                one, use_default_graph_as_union=True, substitutions={ox.Variable("case"): picks[i]}))), 20),
        }
        del copy
    finally:
        shutil.rmtree(work, ignore_errors=True)

    out = [f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
           f"- Command: `{command_line('bench_engine_floors.py', argv)}`",
           f"- {len(ids):,} case graphs, {len(lines):,} quads ({len(lines) / max(1, len(ids)):.0f} a case), "
           f"{len(text) / 2**20:.0f} MiB of N-Quads",
           "",
           "| writing | |", "|---|---:|",
           f"| `bulk_load` in 40 parts and `flush` (s) | {load_s:.1f} |",
           f"| per quad (µs) | {load_s / len(lines) * 1e6:.1f} |",
           f"| `optimize` (s) | {optimize_s:.1f} |",
           "", "| query (embedded, pyoxigraph alone) | before `optimize` | after, read-only |", "|---|---:|---:|"]
    out += [f"| {name} | {before[name]} | {after[name]} |" for name in before]
    out += ["", "| fixed cost of a query (p50 ms, after `optimize`) | |", "|---|---:|"]
    out += [f"| {name} | {value} |" for name, value in fixed.items()]
    out += ["", "| the same query with no data (an empty store in memory), p50 ms | |", "|---|---:|"]
    out += [f"| {name} | {value} |" for name, value in parse_and_plan().items()]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
