"""``netkg query``: run a named SPARQL query (``.rq``) against a store, an endpoint, or cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netkg.cases.reader import read_cases
from netkg.commands.serve import read_token
from netkg.errors import EXIT_OK, InputError
from netkg.reasoning import ENGINES
from netkg.registry.batch import reason_into_store
from netkg.registry.queries import bound_query, load_query, run_query, unmatched_params
from netkg.registry.readiness import refuse_unready
from netkg.registry.store import DEFAULT_TIMEOUT_S, EmbeddedStore, RemoteStore
from netkg.registry.writers import WRITERS, writer_for

NAME = "query"
HELP = ("Run a SPARQL query file with typed parameters against a store (--store), an endpoint (--endpoint) "
        "or case files reasoned on the fly (--case); read-only. --print shows the query with its parameters "
        "bound, for any SPARQL client.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a .rq query file (see docs/queries.md)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--store", type=Path, help="store directory written by 'netkg reason' (opened read-only)")
    where.add_argument("--endpoint", help="SPARQL endpoint URL, e.g. http://127.0.0.1:7878/query")
    where.add_argument("--case", type=Path, nargs="+", metavar="CASEFILE",
                       help="case file(s) or folder(s), reasoned into an in-memory store first")
    where.add_argument("--print", action="store_true", dest="print_query",
                       help="print the query with the common prefixes declared and the parameters bound; run nothing")
    parser.add_argument("--engine", choices=ENGINES, default="fast", help="engine for --case (default fast)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="a query parameter (repeatable)")
    parser.add_argument("--format", choices=tuple(WRITERS), default="table",
                        help="output format (default table); json (or srj), csv and tsv are the W3C SPARQL 1.1 result formats")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="time limit in seconds (default 60)")
    parser.add_argument("--token-file", type=Path,
                        help="access token for --endpoint (default: the NETKG_SERVER_TOKEN environment variable)")


def parse_params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"--param: expected NAME=VALUE, got {item!r}")
        if name in params:
            raise InputError(f"--param: '{name}' given twice")
        params[name] = value
    return params


def run(args: argparse.Namespace) -> int:
    query = load_query(args.file)
    params = parse_params(args.param)
    if not 0 < args.timeout < float("inf"):
        raise InputError("--timeout must be a positive number of seconds")
    if args.print_query:
        sys.stdout.write(bound_query(query, params).rstrip("\n") + "\n")
        return EXIT_OK
    if args.endpoint:
        store = RemoteStore(args.endpoint, token=read_token(args.token_file))
    elif args.store:
        store = EmbeddedStore(args.store, read_only=True)
        refuse_unready(store)  # an interrupted batch, or a knowledge graph of an earlier layout
    elif args.case:
        store = _reason_cases(args.case, args.engine)
    else:
        raise InputError("netkg query: give where to run the query: --store DIR, --endpoint URL or --case CASEFILE "
                         "(or --print to print it with its parameters bound)")
    rows = run_query(query, store, params, timeout=args.timeout)
    for warning in unmatched_params(query, store, params, timeout=args.timeout):
        print(f"warning: {warning}", file=sys.stderr)
    writer_for(args.format)(rows, sys.stdout)
    return EXIT_OK


def _reason_cases(paths: list[Path], engine: str):
    store = EmbeddedStore(None)
    results = [r for p in paths for r in read_cases(p)]
    summary = reason_into_store(results, store, engine=engine, workers=1)
    if summary.invalid:
        raise InputError("invalid case(s):\n" + "\n".join(str(e) for e in summary.invalid))
    return store
