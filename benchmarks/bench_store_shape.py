"""Store shape benchmark: what a case graph holds, by kind, the store size and the catalogue latency.

    .venv/bin/python benchmarks/bench_store_shape.py [--cases 10000] --out FILE

Generated cases (netkg.maintenance.generate) are reasoned with the fast engine through
``netkg.registry.batch.reason_into_store`` into a fresh store on disk.  Every quad of every
case graph is then sorted into one kind:

* facts -- the asserted case facts (individuals, their asserted types, properties);
* inferred types, queried -- ``rdf:type`` of the case or tumour with a class that a catalogue query
  (queries/cohort, queries/competency) or a docs/data-model.md example names, or a grade class;
* inferred types, other -- every other inferred ``rdf:type`` of the case or tumour;
* closure -- the closure restrictions (blank nodes) the converter writes for unrecorded facts;
* report -- findings, conflicts, notes, grade and the short-cut therapy edges;
* identity and revisions -- knowledge version, engine, digest, case record, time, layout, revisions.

The asserted facts of a case are recomputed from its stored case record (``nkr:caseRecord``), so the
split does not depend on the layout of the store: run with ``PYTHONPATH`` pointing at an older netkg
(e.g. ``git archive <commit> netkg ontology | tar -x -C DIR``), it measures that netkg's store.
Then every catalogue query runs with the parameters of tests/_storedata.py (the case: a random stored case).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from bench_reasoning import command_line  # benchmarks/ is on the path when a script here runs
from netkg.cases.conversion import to_facts
from netkg.cases.reader import validate_case
from netkg.maintenance.generate import generate_cases
from netkg.registry import batch
from netkg.registry.queries import load_query, run_query
from netkg.registry.store import EmbeddedStore, nt_term
from netkg.sparql import SPARQL_PREFIXES
from netkg.vocabulary import GRADE_CLASSES, NKR, ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parent.parent
QUERY_DIRS = (ROOT / "queries" / "cohort", ROOT / "queries" / "competency")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
IDENTITY = {str(p) for p in (NKR.knowledgeVersion, NKR.engine, NKR.caseDigest, NKR.caseRecord, NKR.reasonedAt)} | {
    str(NKR) + "graphLayout", "http://www.w3.org/ns/prov#wasRevisionOf"}
KINDS = ("facts", "inferred types, queried", "inferred types, other", "closure", "report", "identity and revisions")


def catalogue_texts() -> list[str]:
    """The SPARQL of every catalogue query and every docs/data-model.md example."""
    texts = [p.read_text(encoding="utf-8") for d in QUERY_DIRS for p in sorted(d.glob("*.rq"))]
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    return texts + re.findall(r"```sparql\n(.*?)```", doc, re.S)


def named_classes(texts: list[str]) -> set[str]:
    """Every IRI the texts name, as full IRIs (prefixed names expanded with the predeclared prefixes)."""
    names: set[str] = set()
    for text in texts:
        text = re.sub(r"(?m)^\s*#.*$", "", text)  # header comments describe parameters, they match nothing
        names.update(re.findall(r"<(https?://[^>\s]+)>", text))
        for prefix, local in re.findall(r"\b([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", text):
            if prefix in SPARQL_PREFIXES:
                names.add(SPARQL_PREFIXES[prefix] + local)
    return names


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def classify(store: EmbeddedStore, queried: set[str]) -> tuple[Counter, list[int]]:
    """Quads of every case graph by kind, and the number of quads of each case."""
    raw = store.raw
    kinds: Counter = Counter()
    per_case: list[int] = []
    graphs = [g.value for g in raw.named_graphs() if isinstance(g, ox.NamedNode) and g.value != str(ONTOLOGY_GRAPH)]
    for case in graphs:
        quads = list(raw.quads_for_pattern(None, None, None, ox.NamedNode(case)))
        per_case.append(len(quads))
        record = next(q.object.value for q in quads if q.subject.value == case and q.predicate.value == str(NKR.caseRecord))
        facts = to_facts(validate_case(json.loads(record), case).record)  # type: ignore[arg-type]
        asserted = {(nt_term(s), nt_term(p), nt_term(o)) for s, p, o in facts.triples()
                    if not any(type(t).__name__ == "BNode" for t in (s, p, o))}
        ends = (case, case + "/tumour")
        for q in quads:
            s, p, o = q.subject, q.predicate.value, q.object
            if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                kinds["closure"] += 1
            elif (str(s), str(q.predicate), str(o)) in asserted:
                kinds["facts"] += 1
            elif p == RDF_TYPE and s.value in ends:
                kinds["inferred types, queried" if o.value in queried else "inferred types, other"] += 1
            elif s.value.startswith(case + "/revision/") or (s.value == case and p in IDENTITY):
                kinds["identity and revisions"] += 1
            else:
                kinds["report"] += 1
    return kinds, per_case


def time_queries(store: EmbeddedStore, case_ids: list[str], seed: int, runs: int) -> dict[str, dict]:
    """p50 and p95 of every catalogue query; one-case queries ``runs`` times, the others 5 times."""
    sys.path.insert(0, str(ROOT / "tests"))
    from _storedata import PARAMS

    rng = random.Random(seed)
    out = {}
    for path in [p for d in QUERY_DIRS for p in sorted(d.glob("*.rq"))]:
        query = load_query(path)
        one_case = any(p.name == "case" for p in query.params)
        n = runs if one_case else 5
        times, rows = [], 0
        for _ in range(n):
            params = {p.name: PARAMS[p.name] for p in query.params}
            if one_case:
                params["case"] = rng.choice(case_ids)
            start = time.perf_counter()
            rows = len(run_query(query, store, params, timeout=None))
            times.append((time.perf_counter() - start) * 1000)
        out[f"{path.parent.name}/{path.name}"] = {"p50_ms": round(percentile(times, 50), 2),
                                                   "p95_ms": round(percentile(times, 95), 2), "runs": n, "rows_last": rows}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--runs", type=int, default=50, help="runs of each one-case query")
    ap.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = ap.parse_args(argv)

    path = Path(tempfile.mkdtemp(prefix="netkg-shape-")) / "store"
    store = EmbeddedStore(path)
    cases = list(generate_cases(args.cases, args.seed))
    start = time.perf_counter()
    summary = batch.reason_into_store(cases, store, engine="fast")
    reason_s = time.perf_counter() - start
    store.flush()
    size_mib = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20
    queried = named_classes(catalogue_texts()) | {str(g) for g in GRADE_CLASSES}
    kinds, per_case = classify(store, queried)
    latency = time_queries(store, [c["id"] for c in cases], args.seed, args.runs)
    n = len(per_case)
    facts = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
                   f"Python {platform.python_version()}, pyoxigraph {ox.__version__}",
        "command": command_line("bench_store_shape.py", argv),
        "cases": n, "reasoned": summary.reasoned, "reason_and_write_s": round(reason_s, 1),
        "quads_in_case_graphs": sum(per_case),
        "quads_per_case_median": statistics.median(per_case), "quads_per_case_mean": round(sum(per_case) / n, 1),
        "quads_per_case_by_kind_mean": {k: round(kinds[k] / n, 1) for k in KINDS},
        "quads_per_case_by_kind_total": {k: kinds[k] for k in KINDS},
        "store_size_mib": round(size_mib, 1),
        "queries": latency,
    }
    print(json.dumps(facts, indent=2))
    args.out.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
