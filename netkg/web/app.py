"""The point-of-care web application: the case form, the report, the knowledge browser, the cohort page.

:func:`make_app` assembles the routes of the page modules (``case_pages``, ``knowledge_pages``,
``cohort_pages``); a further module (a CDS Hooks service, say) is one more entry of
:data:`ROUTE_MODULES`.  Pages are Jinja2 templates rendered on the server (``templates/``), with
the stylesheet in the package (``static/``): no script, nothing fetched from other hosts.  Every
answer carries a content security policy that allows this host only.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Optional

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from netkg.knowledge.ontology import Knowledge
from netkg.pipeline import knowledge as load_knowledge
from netkg.reasoning import DEFAULT_ENGINE
from netkg.cds_hooks import routes as cds_hooks
from netkg.web import case_pages, cohort_pages, knowledge_pages
from netkg.web.pages import HERE, not_found, templates

ROUTE_MODULES = (case_pages, knowledge_pages, cohort_pages, cds_hooks)  # cds_hooks: the CDS Hooks 2.0 service
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
                                b"form-action 'self'; frame-ancestors 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
}


@dataclass
class WebSettings:
    """What the application serves: the knowledge, the reasoner, and (for the cohort page) a store and its token."""

    knowledge_path: Optional[Path] = None  # None: the default ontology
    engine: str = DEFAULT_ENGINE
    store: Optional[Path] = None  # a store written by 'netkg reason'; None: no cohort page
    token: Optional[str] = None  # the access token of the cohort page (None: open, loopback only)
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    query_timeout_s: float = 30.0


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + list(SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, send_with_headers)


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """Release the cohort store when the server stops."""
    try:
        yield
    finally:
        cohort_pages.close_store(app)


def make_app(settings: Optional[WebSettings] = None, knowledge: Optional[Knowledge] = None) -> Starlette:
    """The application: every route of :data:`ROUTE_MODULES`, the stylesheet, sessions and security headers."""
    settings = settings or WebSettings()
    routes = [*(route for module in ROUTE_MODULES for route in module.routes),
              Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static")]

    async def page_not_found(request: Request, exc: Exception) -> HTMLResponse:
        return not_found(request, request.url.path)

    app = Starlette(routes=routes, exception_handlers={404: page_not_found}, middleware=[
        Middleware(_SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=settings.session_secret, session_cookie="netkg_session",
                   same_site="strict", https_only=False, max_age=8 * 3600),
    ], lifespan=_lifespan)
    app.state.settings = settings
    app.state.knowledge = knowledge or load_knowledge(settings.knowledge_path)
    app.state.templates = templates()
    app.state.store = None
    return app
