"""The case form, the upload of a case file, and the report (as a page, JSON or Turtle).

Nothing is stored: a case lives in the request that carries it.  The report page holds the
validated case in a hidden field, so its downloads reason it again instead of keeping it.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from netkg.cases.fields import ENTRY_LISTS, FIELDS
from netkg.cases.reader import parse_case_text, validate_case
from netkg.cases.record import CaseInputError, CaseRecord
from netkg.errors import InputError
from netkg.pipeline import Reasoned, reason_records
from netkg.report.model import CATEGORIES
from netkg.report.writers import to_json, to_turtle
from netkg.web import form as case_form
from netkg.web.pages import not_found, render

MAX_UPLOAD_BYTES = 1024 * 1024
CATEGORY_TITLES = {"recommended": "Indicated (recommended)", "consider": "To consider",
                   "not_recommended": "Not recommended", "contraindicated": "Contraindicated"}
UPLOAD_SUFFIXES = (".yaml", ".yml", ".json")


def _rows(form: Any) -> int:
    try:
        rows = int(form.get("rows") or case_form.BLANK_ROWS)
    except ValueError:
        rows = case_form.BLANK_ROWS
    return max(1, min(rows, case_form.MAX_ROWS))


def _form_page(request: Request, values: case_form.FormValues, rows: int, errors: Optional[dict[str, str]] = None,
               general: Optional[list[str]] = None, status_code: int = 200) -> HTMLResponse:
    errors = errors or {}
    summary = [(key, case_form.dom_id(key), _error_label(key), message) for key, message in errors.items()]
    summary += [(None, None, "Case", message) for message in general or ()]
    return render(request, "case_form.html", status_code=status_code, sections=case_form.sections(),
                  entry_fields=case_form.entry_fields(), values=values, rows=rows, errors=errors, summary=summary,
                  dom_id=case_form.dom_id, label_of=case_form.label_of, step_of=case_form.step_of,
                  none_code=case_form.NONE_CODE, flag_choices=case_form.FLAG_CHOICES,
                  more_rows=min(rows + case_form.BLANK_ROWS, case_form.MAX_ROWS), max_upload=MAX_UPLOAD_BYTES)


def _error_label(key: str) -> str:
    """The words an error summary line starts with: "Ki-67", "Treatment history, row 2: end"."""
    if key == "upload":
        return "Case file"
    parts = key.split(".")
    if parts[0] in ENTRY_LISTS and len(parts) == 3:
        return f"Treatment history, row {int(parts[1]) + 1}: {parts[2].replace('_', ' ')}"
    field = FIELDS.get(key)
    return case_form.label_of(field) if field else key.replace("_", " ")


async def form_page(request: Request) -> HTMLResponse:
    """GET /: the empty case form."""
    values, rows = case_form.values_from_case({})
    return _form_page(request, values, rows)


async def submit_form(request: Request) -> Response:
    """POST /report: the report of the case in the form, or the form again with each problem at its input."""
    form = await request.form(max_files=0, max_fields=4000)
    rows = _rows(form)
    if form.get("action") == "more":
        return _form_page(request, case_form.values_from_form(form, rows + case_form.BLANK_ROWS),
                          min(rows + case_form.BLANK_ROWS, case_form.MAX_ROWS))
    parsed = case_form.case_from_form(form, rows)
    values = case_form.values_from_form(form, rows)
    if parsed.errors:
        return _form_page(request, values, rows, parsed.errors, status_code=422)
    return await _report_or_errors(request, parsed.case, values, rows, parsed.rows)


async def _report_or_errors(request: Request, case: Any, values: case_form.FormValues, rows: int,
                            row_of_entry: list[int]) -> Response:
    result = validate_case(case, "form")
    if result.record is None:
        errors: dict[str, str] = {}
        general = []
        for error in result.errors:
            key = case_form.input_for(error.field, row_of_entry)
            if key is None:
                general.append(error.message)
            else:
                errors[key] = f"{errors[key]}; {error.message}" if key in errors else error.message
        return _form_page(request, values, rows, errors, general, status_code=422)
    reasoned = await _reason(request, result.record)
    return _report_page(request, reasoned, case)


async def _reason(request: Request, record: CaseRecord) -> Reasoned:
    state = request.app.state
    return (await run_in_threadpool(reason_records, [record], state.settings.engine, state.knowledge))[0]


async def upload(request: Request) -> Response:
    """POST /upload: a YAML or JSON case file, or a FHIR R4 Bundle (JSON); its report, or the form filled with it and
    its problems (a Bundle that cannot be mapped: every problem, each naming its resource, at the upload)."""
    form = await request.form(max_files=1, max_fields=10, max_part_size=MAX_UPLOAD_BYTES + 1)
    file = form.get("case_file")
    empty, rows = case_form.values_from_case({})
    if not isinstance(file, UploadFile) or not file.filename:
        return _form_page(request, empty, rows, {"upload": "choose a case file (YAML or JSON) to upload"}, status_code=422)
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _form_page(request, empty, rows, {"upload": f"the file is larger than {MAX_UPLOAD_BYTES // 1024} KiB; "
                                                           "a case file is a few KiB"}, status_code=413)
    name = file.filename.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        return _form_page(request, empty, rows, {"upload": f"{name}: a case file ends in {', '.join(UPLOAD_SUFFIXES)}"},
                          status_code=422)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _form_page(request, empty, rows, {"upload": f"{name}: cannot be read as UTF-8 text"}, status_code=422)
    try:
        items = parse_case_text(text, name, suffix)
    except CaseInputError as exc:
        return _form_page(request, empty, rows, {"upload": "; ".join(e.message for e in exc.errors)}, status_code=422)
    if len(items) == 1 and isinstance(items[0], dict) and items[0].get("resourceType") == "Bundle":
        from netkg.fhir.to_case import map_bundle  # fhir.resources is imported only when a Bundle is read

        try:
            items = [await run_in_threadpool(lambda: map_bundle(items[0], name).case)]
        except InputError as exc:
            return _form_page(request, empty, rows, {"upload": str(exc)}, status_code=422)
    if len(items) != 1:
        return _form_page(request, empty, rows, {"upload": f"{name}: holds {len(items)} cases; upload one case"},
                          status_code=422)
    case = items[0] if isinstance(items[0], dict) else {}
    values, rows = case_form.values_from_case(case)
    entries = case.get("treatment_history")
    row_of_entry = list(range(len(entries))) if isinstance(entries, list) else []
    return await _report_or_errors(request, items[0], values, rows, row_of_entry)


def _report_page(request: Request, reasoned: Reasoned, case: Any) -> HTMLResponse:
    report = reasoned.report
    families = report.therapy_families
    return render(request, "report.html", report=report, reasoned=reasoned,
                  categories=[(c, CATEGORY_TITLES[c], report.items(c)) for c in CATEGORIES],
                  why_not=[f for f in families if f.status not in ("offered", "not covered")],
                  not_covered=[f for f in families if f.status == "not covered"],
                  family_text=lambda f: f.text.split(" -- ", 1)[-1],
                  case_json=json.dumps(case, ensure_ascii=False, sort_keys=True, default=str))


async def download(request: Request) -> Response:
    """POST /report.json and /report.ttl: the report of the case in the hidden field, as a file."""
    form = await request.form(max_files=0, max_fields=5)
    kind = request.path_params["kind"]
    if kind not in ("json", "ttl"):
        return not_found(request, request.url.path)
    try:
        case = json.loads(str(form.get("case") or ""))
    except ValueError:
        case = None
    result = validate_case(case, "form")
    if result.record is None:
        return render(request, "message.html", status_code=422, title="Cannot download this report",
                      message="The case sent with the download is not a valid case; fill in the form again.")
    reasoned = await _reason(request, result.record)
    report = reasoned.report
    filename = f"netkg-report-{report.case_id}.{kind}"
    if kind == "json":
        body, media = to_json(report), "application/json"
    else:
        body, media = to_turtle(report, reasoned.facts, reasoned.classification), "text/turtle"
    return Response(body, media_type=f"{media}; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


routes = [
    Route("/", form_page, methods=["GET"], name="case_form"),
    Route("/report", submit_form, methods=["POST"], name="report"),
    Route("/upload", upload, methods=["POST"], name="upload"),
    Route("/report.{kind:str}", download, methods=["POST"], name="download"),
]
