"""What every page shares: the templates, the base context (knowledge version, disclaimer), the 404 page."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from netkg import DISCLAIMER

HERE = Path(str(files(__package__ or "netkg.web")))  # the package folder: templates/ and static/


def local_name(iri: Any) -> str:
    """The last part of an IRI: ``PlatinumEtoposide`` for ``https://w3id.org/netkg/PlatinumEtoposide``."""
    return str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def templates() -> Environment:
    """The Jinja2 environment of the pages (autoescaped)."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["disclaimer"] = DISCLAIMER
    env.filters["local"] = local_name
    return env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``template`` with ``context`` and what every page shows (knowledge version, disclaimer)."""
    state = request.app.state
    page = state.templates.get_template(template).render(
        request=request, knowledge_version=state.knowledge.version, cohort_enabled=state.settings.store is not None,
        **context)
    return HTMLResponse(page, status_code=status_code)


def not_found(request: Request, what: str) -> HTMLResponse:
    """The 404 page, naming what was looked for."""
    return render(request, "not_found.html", status_code=404, what=what)
