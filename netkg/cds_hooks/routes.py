"""The CDS Hooks endpoints over HTTP: ``GET /cds-services`` (discovery) and ``POST /cds-services/netkg-patient-view``.

:data:`routes` is a list of Starlette routes; ``netkg.web`` mounts them beside its pages.  The knowledge and
the engine are the application's (``app.state.knowledge``, ``app.state.settings.engine``) when it has them,
else the default knowledge and engine.  Every answer allows cross-origin calls (``Access-Control-Allow-Origin:
*``), which browser-based CDS clients such as the CDS Hooks sandbox need; the service keeps nothing, so a
caller only ever sees cards about the data it sent.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from netkg.cds_hooks.request import CdsRequestError, read_request
from netkg.cds_hooks.service import SERVICE_ID, discovery, respond
from netkg.knowledge.ontology import Knowledge
from netkg.pipeline import knowledge as default_knowledge
from netkg.reasoning import DEFAULT_ENGINE

MAX_BODY_BYTES = 20 * 1024 * 1024
CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Authorization, Content-Type", "Access-Control-Max-Age": "600"}


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=CORS_HEADERS)


async def preflight(request: Request) -> Response:
    """The answer to a browser's CORS preflight."""
    return Response(status_code=204, headers=CORS_HEADERS)


async def services(request: Request) -> JSONResponse:
    """The discovery document."""
    return _json(discovery())


async def patient_view(request: Request) -> JSONResponse:
    """A ``patient-view`` call: 400 with ``{"error": ...}`` for a request that is not valid, else the cards."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return _json({"error": f"the request is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB"}, 413)
    try:
        hook = read_request(json.loads(body))
    except (ValueError, RecursionError) as exc:
        return _json({"error": f"the request body is not JSON: {exc}"}, 400)
    except CdsRequestError as exc:
        return _json({"error": str(exc)}, 400)
    state = request.app.state
    knowledge: Knowledge = getattr(state, "knowledge", None) or default_knowledge()
    engine = getattr(getattr(state, "settings", None), "engine", DEFAULT_ENGINE)
    base_url = str(request.base_url).rstrip("/")
    return _json(await run_in_threadpool(respond, hook, base_url, knowledge, engine))


routes = [
    Route("/cds-services", services, methods=["GET"], name="cds_services"),
    Route("/cds-services", preflight, methods=["OPTIONS"], name="cds_services_preflight"),
    Route(f"/cds-services/{SERVICE_ID}", patient_view, methods=["POST"], name="cds_patient_view"),
    Route(f"/cds-services/{SERVICE_ID}", preflight, methods=["OPTIONS"], name="cds_patient_view_preflight"),
]
