"""Read a FHIR R4 Bundle (or a list of resources) into fhir.resources models, naming every invalid element.

The models are fhir.resources' R4B package (R4B is the R4-compatible release; the resources netkg
reads have the same elements in R4).  Each entry's resource is validated on its own, so a problem
names its resource (``Observation/ki67-1``) and element path (``valueQuantity.value``); the Bundle's
own elements are validated without the resources.  Size and nesting are bounded before validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Optional

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from netkg.fhir.problems import FhirMappingError, Problem

MAX_ENTRIES = 10_000
MAX_NESTING = 40
MAX_VALUES = 1_000_000


@dataclass(frozen=True)
class ParsedBundle:
    """The resources of a Bundle and the date the case is as of (for the age)."""

    resources: list[Resource]
    as_of: Optional[date]
    as_of_source: str  # 'Bundle.timestamp' or 'Bundle.meta.lastUpdated'; '' when the Bundle gives neither


def is_bundle(data: Any) -> bool:
    """Whether parsed JSON is a FHIR Bundle (``"resourceType": "Bundle"``)."""
    return isinstance(data, Mapping) and data.get("resourceType") == "Bundle"


def label(resource: Resource) -> str:
    """``ResourceType/id`` of a resource (``(no id)`` when it has none)."""
    return f"{resource.get_resource_type()}/{resource.id or '(no id)'}"


def read_bundle(data: Mapping[str, Any]) -> ParsedBundle:
    """The validated resources of a Bundle; raises :class:`FhirMappingError` listing every invalid element."""
    _check_bounds(data)
    if not is_bundle(data):
        got = data.get("resourceType") if isinstance(data, Mapping) else type(data).__name__
        raise FhirMappingError([Problem("Bundle", "resourceType", f"expected 'Bundle', got {got!r}")])
    entries = data.get("entry") or []
    problems: list[Problem] = []
    shell = dict(data)
    if isinstance(entries, list):
        if len(entries) > MAX_ENTRIES:
            raise FhirMappingError([Problem("Bundle", "entry", f"more than {MAX_ENTRIES:,} entries; split the Bundle")])
        shell["entry"] = [{k: v for k, v in e.items() if k != "resource"} if isinstance(e, Mapping) else e
                          for e in entries]
    try:
        bundle = Bundle.model_validate(shell)
    except ValidationError as exc:
        problems.extend(_validation_problems("Bundle", exc))
        bundle = None
    raw = [e.get("resource") for e in entries if isinstance(e, Mapping) and e.get("resource") is not None] \
        if isinstance(entries, list) else []
    resources = _validated(raw, problems, [f"entry[{i}].resource" for i, e in enumerate(entries)
                                           if isinstance(e, Mapping) and e.get("resource") is not None])
    if problems:
        raise FhirMappingError(problems)
    as_of, source = _as_of(bundle)
    return ParsedBundle(resources, as_of, source)


def parse_resources(items: Iterable[Any]) -> list[Resource]:
    """Validate resources given as parsed JSON (or already as fhir.resources models); raises :class:`FhirMappingError`."""
    items = list(items)
    _check_bounds(items)
    problems: list[Problem] = []
    resources = _validated(items, problems, [f"[{i}]" for i in range(len(items))])
    if problems:
        raise FhirMappingError(problems)
    return resources


def _validated(items: list[Any], problems: list[Problem], places: list[str]) -> list[Resource]:
    resources = []
    for item, place in zip(items, places):
        if isinstance(item, Resource):
            resources.append(item)
            continue
        if not isinstance(item, Mapping):
            problems.append(Problem(place, "", f"a resource must be a JSON object, got {type(item).__name__}"))
            continue
        kind = item.get("resourceType")
        name = f"{kind}/{item.get('id') or '(no id)'}" if isinstance(kind, str) else place
        try:
            model = get_fhir_model_class(kind) if isinstance(kind, str) else None
        except (KeyError, ValueError):
            model = None
        if model is None:
            problems.append(Problem(name, "resourceType", f"not a FHIR R4 resource type: {kind!r}"))
            continue
        try:
            resources.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(_validation_problems(name, exc))
    return resources


def _validation_problems(name: str, exc: ValidationError) -> list[Problem]:
    """fhir.resources' validation errors as problems naming the element path (``code.coding[0].system``)."""
    out = []
    for err in exc.errors():
        path = ""
        for part in err["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        got = err.get("input")
        shown = f" (got {got!r:.60})" if isinstance(got, (str, int, float, bool)) else ""
        out.append(Problem(name, path, f"invalid FHIR: {err['msg']}{shown}"))
    return out


def _as_of(bundle: Optional[Bundle]) -> tuple[Optional[date], str]:
    if bundle is None:
        return None, ""
    for value, source in ((bundle.timestamp, "Bundle.timestamp"),
                          (bundle.meta.lastUpdated if bundle.meta else None, "Bundle.meta.lastUpdated")):
        if isinstance(value, datetime):
            return value.date(), source
    return None, ""


def _check_bounds(data: Any) -> None:
    """Refuse input nested deeper than ``MAX_NESTING`` levels or holding more than ``MAX_VALUES`` values."""
    count = 0
    stack = [(data, 0)]
    while stack:
        value, level = stack.pop()
        count += 1
        if level > MAX_NESTING:
            raise FhirMappingError([Problem("Bundle", "", f"nesting deeper than {MAX_NESTING} levels")])
        if count > MAX_VALUES:
            raise FhirMappingError([Problem("Bundle", "", f"more than {MAX_VALUES:,} values; split the Bundle")])
        if isinstance(value, Mapping):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
