"""Formulations of ``cohort/eligible-for-therapy`` timed against each other on one store (decision 7).

    .venv/bin/python benchmarks/bench_eligible_variants.py --store DIR [--runs 12]

DIR is a store made by ``netkg reason``.  The query of the catalogue (the case id read from the case
IRI) runs in turn with the case id looked up by an ``OPTIONAL`` (its earlier form), by a plain join,
and without its ``ORDER BY``; every run of every formulation alternates with the others, so that a
noisy machine slows them alike.  Each is timed as pyoxigraph's rows turned into tuples (the query's
own cost, without netkg's conversion of the rows), for ``netkg:PlatinumEtoposide``; the rows of each
are compared with the catalogue's.  Prints Markdown.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Optional

import pyoxigraph as ox

from netkg.registry.queries import load_query
from netkg.sparql import inline_values

ROOT = Path(__file__).resolve().parent.parent
THERAPY = ox.NamedNode("https://w3id.org/netkg/PlatinumEtoposide")
CASE_ID_FROM_IRI = 'BIND (STRAFTER(STR(?case), "https://w3id.org/netkg/case/") AS ?caseId)'


def formulations() -> dict[str, str]:
    """The catalogue's query and its variants, bound to the therapy."""
    text = inline_values(load_query(ROOT / "queries/cohort/eligible-for-therapy.rq").sparql, {"therapy": THERAPY})
    if CASE_ID_FROM_IRI not in text:
        raise SystemExit("the catalogue's eligible-for-therapy no longer reads the case id from the IRI: update this script")
    return {
        "case id from the case IRI (the catalogue's)": text,
        "case id by OPTIONAL { ?case netkg:caseId ?caseId }": text.replace(
            CASE_ID_FROM_IRI, "OPTIONAL { ?case netkg:caseId ?caseId }"),
        "case id by ?case netkg:caseId ?caseId (joined)": text.replace(CASE_ID_FROM_IRI, "?case netkg:caseId ?caseId ."),
        "case id from the IRI, no ORDER BY (not an answer: the order is part of it)": text.replace("ORDER BY ?caseId", ""),
    }


def rows(store: ox.Store, text: str) -> list[tuple]:
    return [tuple(solution) for solution in store.query(text, use_default_graph_as_union=True)]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True, help="a store made by netkg reason")
    ap.add_argument("--runs", type=int, default=12, help="alternating runs of each formulation (default 12)")
    args = ap.parse_args(argv)
    store = ox.Store.read_only(str(args.store))
    texts = formulations()
    reference = sorted(tuple(map(str, r)) for r in rows(store, next(iter(texts.values()))))
    same = {name: sorted(tuple(map(str, r)) for r in rows(store, text)) == reference for name, text in texts.items()}
    times: dict[str, list[float]] = {name: [] for name in texts}
    for _ in range(args.runs):
        for name, text in texts.items():
            start = time.perf_counter()
            rows(store, text)
            times[name].append((time.perf_counter() - start) * 1000)
    print(f"| formulation ({len(reference):,} rows) | p50 ms | fastest ms | same rows |\n|---|---:|---:|---|")
    for name, spent in times.items():
        print(f"| {name} | {statistics.median(spent):.0f} | {min(spent):.0f} | {'yes' if same[name] else 'NO'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
