"""``netkg web``: the point-of-care pages (case form, report, knowledge browser, cohort queries).

Listens on 127.0.0.1 unless told otherwise.  The cohort page (``--store``) shows patient data:
with an access token (``NETKG_SERVER_TOKEN`` or ``--token-file``, as for ``netkg serve``) it asks
for it once per browser session; another address than this machine's needs a token.
See docs/web.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netkg.commands.serve import REINSTALL, TOKEN_VARIABLE, asgi_server, check_listening, http_url, read_token
from netkg.errors import EnvironmentProblem, InputError
from netkg.reasoning import DEFAULT_ENGINE, ENGINES

NAME = "web"
HELP = ("Serve the point-of-care pages on 127.0.0.1: a case form (or an uploaded case file) and its report, "
        "the knowledge browser, and with --store the cohort queries.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; any other address needs an access token)")
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help=f"reasoner (default {DEFAULT_ENGINE})")
    parser.add_argument("--knowledge", type=Path, default=None, help="ontology folder or file (default: the packaged modules)")
    parser.add_argument("--store", type=Path, default=None,
                        help="store directory written by 'netkg reason': enables the cohort page (read-only)")
    parser.add_argument("--token-file", type=Path,
                        help=f"file holding the access token of the cohort page (default: the {TOKEN_VARIABLE} "
                             "environment variable; none: no token, this machine only)")


def _check_arguments(args: argparse.Namespace, token: str | None) -> None:
    if args.store is not None and not args.store.is_dir():
        raise InputError(f"--store: no such store directory: {args.store}")
    check_listening(args.host, args.port, token, "the pages", "docs/web.md")


def run(args: argparse.Namespace) -> int:
    token = read_token(args.token_file)
    _check_arguments(args, token)
    try:
        from netkg.web.app import WebSettings, make_app
    except ImportError as exc:
        raise EnvironmentProblem(f"the web pages need {exc.name or 'starlette, uvicorn and jinja2'}; {REINSTALL}") from None
    app = make_app(WebSettings(knowledge_path=args.knowledge, engine=args.engine, store=args.store, token=token))
    server = asgi_server(app, args.host, args.port)
    cohort = " (cohort page: access token required)" if token and args.store else ""
    print(f"netkg web: {http_url(args.host, args.port)}{cohort}  -- Ctrl-C to stop", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        return 0
    except SystemExit:  # uvicorn exits when it cannot listen
        raise EnvironmentProblem(f"cannot listen on {args.host}:{args.port} (in use, or not an address of this machine)") from None
    return 0
