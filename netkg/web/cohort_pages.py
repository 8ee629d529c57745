"""The cohort page: the catalogue queries over a store (``netkg web --store DIR``), behind the access token.

The queries are the ``.rq`` files of ``queries/cohort`` and ``queries/competency``, described by their
headers (:mod:`netkg.registry.queries`); their parameters are bound, never written into the query.
The rows are patient data: when the application has an access token, the page asks for it once
(a login form) and keeps the answer in the session cookie (HttpOnly, SameSite=Strict).
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any, Optional

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from netkg.errors import NetkgError
from netkg.paths import QUERY_ROOT
from netkg.registry.queries import QueryFile, load_query, query_files, run_query
from netkg.registry.readiness import refuse_unready
from netkg.registry.store import EmbeddedStore
from netkg.web.pages import not_found, render

QUERY_GROUPS = ("cohort", "competency")
MAX_SHOWN_ROWS = 1000


def catalogue(root: Path = QUERY_ROOT) -> dict[str, QueryFile]:
    """The queries the page offers, by name (the file name without .rq)."""
    return {p.stem: load_query(p) for p in query_files(root) if p.parent.name in QUERY_GROUPS}


def _signed_in(request: Request) -> bool:
    return request.app.state.settings.token is None or request.session.get("cohort") is True


def _store(request: Request) -> EmbeddedStore:
    state = request.app.state
    if state.store is None:
        store = EmbeddedStore(state.settings.store, read_only=True)
        refuse_unready(store)  # an interrupted batch, or a knowledge graph of an earlier layout
        state.store = store
    return state.store


def close_store(app: Any) -> None:
    """Release the store when the application stops."""
    if getattr(app.state, "store", None) is not None:
        app.state.store.close()
        app.state.store = None


def _page(request: Request, query: Optional[QueryFile] = None, values: Optional[dict[str, str]] = None,
          rows: Any = None, error: Optional[str] = None, status_code: int = 200) -> HTMLResponse:
    groups: dict[str, list[QueryFile]] = {}
    for q in catalogue().values():
        groups.setdefault(q.path.parent.name, []).append(q)
    return render(request, "cohort.html", status_code=status_code, groups=sorted(groups.items()), chosen=query,
                  values=values or {}, rows=rows, error=error, shown=MAX_SHOWN_ROWS,
                  store=request.app.state.settings.store, token=request.app.state.settings.token is not None)


async def cohort(request: Request) -> Response:
    """GET /cohort: the queries with their parameter forms (or how to enable the page, or the login form)."""
    if request.app.state.settings.store is None:
        return render(request, "cohort_disabled.html")
    if not _signed_in(request):
        return RedirectResponse("/login", status_code=303)
    return _page(request)


async def run(request: Request) -> Response:
    """POST /cohort: run one catalogue query with the parameters of its form; the rows below the form."""
    if request.app.state.settings.store is None:
        return render(request, "cohort_disabled.html", status_code=404)
    if not _signed_in(request):
        return RedirectResponse("/login", status_code=303)
    form = await request.form(max_files=0, max_fields=50)
    query = catalogue().get(str(form.get("query") or ""))
    if query is None:
        return not_found(request, f"query {form.get('query')}")
    values = {p.name: str(form.get(f"param.{p.name}") or "").strip() for p in query.params}
    timeout = request.app.state.settings.query_timeout_s
    try:
        rows = await run_in_threadpool(run_query, query, _store(request), values, timeout)
    except NetkgError as exc:
        return _page(request, query, values, error=str(exc), status_code=422)
    return _page(request, query, values, rows=rows)


async def login_form(request: Request) -> Response:
    """GET /login: the access token form."""
    if request.app.state.settings.token is None:
        return RedirectResponse("/cohort", status_code=303)
    return render(request, "login.html")


async def login(request: Request) -> Response:
    """POST /login: a right token opens the cohort page for this browser session; a wrong one is refused."""
    token = request.app.state.settings.token
    if token is None:
        return RedirectResponse("/cohort", status_code=303)
    form = await request.form(max_files=0, max_fields=5)
    given = str(form.get("token") or "")
    if not hmac.compare_digest(given.encode(), token.encode()):
        request.session.pop("cohort", None)
        return render(request, "login.html", status_code=401, error="This is not the access token.")
    request.session["cohort"] = True
    return RedirectResponse("/cohort", status_code=303)


async def logout(request: Request) -> Response:
    """POST /logout: forget the sign-in."""
    request.session.clear()
    return RedirectResponse("/", status_code=303)


routes = [
    Route("/cohort", cohort, methods=["GET"], name="cohort"),
    Route("/cohort", run, methods=["POST"], name="cohort_run"),
    Route("/login", login_form, methods=["GET"], name="login_form"),
    Route("/login", login, methods=["POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]
