"""The gate in front of the oxigraph server: read-only SPARQL queries, nothing else.

``netkg serve`` keeps the oxigraph server on a private loopback port and puts
this small ASGI application (Starlette, run by uvicorn) in front of it.  The
gate

* serves one path, ``/query`` (GET ``?query=`` or POST, as in the SPARQL 1.1
  protocol); ``/store`` (the whole store as a download), ``/update`` and every
  other path answer 404;
* checks the access token, when one is set, as ``Authorization: Bearer ...``
  (401 otherwise);
* parses each query (:func:`netkg.sparql.check_read_only`) and forwards only
  SELECT and ASK queries without ``SERVICE`` (the server never sends requests
  elsewhere);
* forwards the query text alone, asking for SPARQL JSON results, and checks
  that the answer is complete JSON within the time limit and 64 MB: oxigraph
  stops a query at its time limit by cutting the streamed answer short under
  status 200, and does not stop an answer already streaming; the gate answers
  504 (time limit) or 413 (too large) instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from dataclasses import dataclass
from typing import AsyncIterator, Optional

import aiohttp
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from netkg.errors import InputError
from netkg.sparql import check_read_only, parsed_query_form, quick_query_form

JSON_RESULTS = "application/sparql-results+json"
MAX_QUERY_BYTES = 1_000_000
MAX_RESULT_BYTES = 64 * 2**20
# Work below these sizes runs on the event loop: a thread hop costs more than checking a short query
# text with oxigraph's parser or decoding a small answer (each well under a millisecond).
INLINE_QUERY_CHARS = 20_000
INLINE_ANSWER_BYTES = 256 * 2**10


@dataclass(frozen=True)
class GateSettings:
    """Where the oxigraph server listens, the access token (None: no token) and the query time limit."""

    upstream: str
    token: Optional[str]
    timeout_s: float


def make_app(settings: GateSettings) -> Starlette:
    """The ASGI application that guards ``settings.upstream``.

    It talks to the oxigraph server through one aiohttp client session, opened when the application
    starts: its connections are kept alive between queries (forwarding costs about a millisecond less
    a query than with httpx's asynchronous client, measured on a one-case query).
    """
    upstream = _Upstream(settings)

    async def query(request: Request) -> Response:
        if settings.token is not None and not _authorized(request, settings.token):
            return PlainTextResponse("an access token is required: send 'Authorization: Bearer <token>'\n",
                                     status_code=401, headers={"WWW-Authenticate": 'Bearer realm="netkg"'})
        text = await _query_text(request)
        if isinstance(text, Response):
            return text
        try:
            if len(text) > INLINE_QUERY_CHARS:
                await run_in_threadpool(check_read_only, text)
            elif quick_query_form(text) is None:
                await run_in_threadpool(parsed_query_form, text)  # rdflib's verdict, and every refusal's message
        except InputError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=400)
        return await _forward(text, upstream)

    async def not_served(request: Request) -> Response:
        return PlainTextResponse("not served: this endpoint answers read-only SPARQL queries at /query only\n",
                                 status_code=404)

    routes = [Route("/query", query, methods=["GET", "POST"]),
              Route("/{path:path}", not_served, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
            upstream.session = session
            yield

    return Starlette(routes=routes, lifespan=lifespan)


class _Upstream:
    """The oxigraph server behind the gate: its settings and, while the application runs, the client session."""

    def __init__(self, settings: GateSettings) -> None:
        self.settings = settings
        self.session: Optional[aiohttp.ClientSession] = None


def _authorized(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


async def _query_text(request: Request) -> "str | Response":
    """The query of a SPARQL protocol request, or the error response to send."""
    if request.method == "GET":
        text = request.query_params.get("query")
    else:
        body = await request.body()
        if len(body) > MAX_QUERY_BYTES:
            return PlainTextResponse(f"the query is larger than {MAX_QUERY_BYTES} bytes\n", status_code=413)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            text = body.decode("utf-8", errors="replace")
        elif kind == "application/x-www-form-urlencoded":
            text = (await request.form()).get("query")
        else:
            return PlainTextResponse("POST a query as application/sparql-query or as the form field 'query'\n",
                                     status_code=415)
    if not isinstance(text, str) or not text.strip():
        return PlainTextResponse("no query: send it as the parameter 'query'\n", status_code=400)
    return text


async def _forward(text: str, upstream: _Upstream) -> Response:
    """Run the query on the oxigraph server; only a complete JSON answer goes back.

    The gate keeps its own deadline and size limit: oxigraph's time limit does not
    stop an answer that is already streaming, so the gate stops reading (and
    closes the connection) at ``settings.timeout_s`` or :data:`MAX_RESULT_BYTES`.
    """
    settings = upstream.settings
    try:
        status, body = await asyncio.wait_for(_fetch(text, upstream), settings.timeout_s)
    except asyncio.TimeoutError:
        return _timed_out(settings)
    except _TooLarge:
        return PlainTextResponse(f"the result is larger than {MAX_RESULT_BYTES // 2**20} MB; narrow the query "
                                 "(e.g. with LIMIT)\n", status_code=413)
    except (aiohttp.ClientError, OSError) as exc:
        return PlainTextResponse(f"the store server did not answer: {exc}\n", status_code=502)
    if status != 200:
        return PlainTextResponse(body.decode("utf-8", errors="replace"), status_code=status if status < 500 else 502)
    try:
        if len(body) > INLINE_ANSWER_BYTES:
            await run_in_threadpool(json.loads, body)
        else:
            json.loads(body)
    except ValueError:
        return _timed_out(settings)
    return Response(body, media_type=JSON_RESULTS)


class _TooLarge(Exception):
    """The answer passed :data:`MAX_RESULT_BYTES`."""


async def _fetch(text: str, upstream: _Upstream) -> tuple[int, bytes]:
    """The status and body of the oxigraph server's answer, read up to :data:`MAX_RESULT_BYTES`."""
    if upstream.session is None:
        raise aiohttp.ClientConnectionError("the gate has not started")
    headers = {"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS}
    body = bytearray()
    async with upstream.session.post(upstream.settings.upstream, data=text.encode("utf-8"), headers=headers) as answer:
        async for chunk in answer.content.iter_chunked(2**16):
            body += chunk
            if len(body) > MAX_RESULT_BYTES:
                raise _TooLarge
        return answer.status, bytes(body)


def _timed_out(settings: GateSettings) -> Response:
    return PlainTextResponse(f"the query did not complete within the server's time limit of {settings.timeout_s:g} s "
                             "and was stopped; narrow it\n", status_code=504)
