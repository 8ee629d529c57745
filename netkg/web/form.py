"""The case form, generated from the case field table (:data:`netkg.cases.fields.CASE_FIELDS`).

Every input is named by its field path (``tumour.ki67``; a treatment row's field by
``treatment_history.<row>.<field>``), so an error location of the case model is also the
name of the input that caused it.  Three states are kept apart as in a case file: a flag is
yes, no or not recorded; a list of codes is the ticked codes, "none" (``[]``) or not recorded
(nothing ticked); the treatment history is its filled rows, "treatment-naive" (``[]``) or not
recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from netkg.cases.fields import CASE_FIELDS, ENTRY_LISTS, CaseField, fields_under

BLANK_ROWS = 5  # empty treatment rows offered below the filled ones
MAX_ROWS = 50  # as netkg.cases.fields.MAX_TREATMENT_ENTRIES
NONE_CODE = "__none__"  # the "none" box of a list of codes, and "treatment-naive" for the history
FLAG_CHOICES = (("true", "yes"), ("false", "no"), ("", "not recorded"))
_INTEGER = re.compile(r"[+-]?[0-9]{1,9}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})")

FormValues = dict[str, Any]
"""What the form shows: field path -> text (a list of codes for a ``codes`` field)."""


def dom_id(path: str) -> str:
    """The HTML id of the input for ``path``: ``f-tumour-ki67``."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def label_of(f: CaseField) -> str:
    """The visible label of a field: its name in words, the unit in brackets."""
    words = f.name.replace("_", " ")
    words = {"ki67": "Ki-67", "ecog": "ECOG performance status", "id": "case id",
             "sstr status": "SSTR status", "size cm": "size", "largest lesion cm": "largest lesion",
             "mesoappendiceal invasion mm": "mesoappendiceal invasion"}.get(words, words)
    return words[:1].upper() + words[1:]


def step_of(f: CaseField) -> str:
    """The ``step`` of a number input: 1 for whole numbers, any for decimals."""
    return "1" if f.kind == "integer" else "any"


@dataclass
class Section:
    """A fieldset of the form: a legend and the fields under one path."""

    legend: str
    path: str
    fields: tuple[CaseField, ...]
    description: str = ""


def sections() -> list[Section]:
    """The fieldsets of the form, in the order of the field table (the treatment history is its own)."""
    case_fields = tuple(f for f in fields_under("") if f.kind not in ("mapping", "entries"))
    mappings = [f for f in CASE_FIELDS if f.kind == "mapping"]
    out = [Section("Patient and course", "", tuple(f for f in case_fields if f.kind != "codes" and f.name not in _SURGERY)),
           *[Section(_LEGENDS.get(m.path, m.path), m.path, fields_under(m.path), m.description) for m in mappings],
           Section("Spread and surgery", "", tuple(f for f in case_fields if f.kind == "codes" or f.name in _SURGERY))]
    return out


_SURGERY = {"primary_resected", "pancreatoduodenectomy", "complete_resection", "resectable_burden_percent"}
_LEGENDS = {"tumour": "Tumour (pathology and imaging)", "liver": "Liver metastases"}


def entry_fields(path: str = "treatment_history") -> tuple[CaseField, ...]:
    """The fields of one entry of a list of mappings (one treatment row)."""
    return fields_under(path)


# --------------------------------------------------------------------------- form -> case

@dataclass
class Parsed:
    """A case built from the form, with the problems found before validation and the row of each entry."""

    case: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)  # input path -> message
    rows: list[int] = field(default_factory=list)  # entry index in the case -> row of the form


def case_from_form(form: Mapping[str, Any], rows: int) -> Parsed:
    """The case dict the form describes (``form.getlist`` for codes); empty inputs are omitted."""
    parsed = Parsed({})
    for f in CASE_FIELDS:
        if f.parent or f.kind in ("mapping", "entries"):
            continue
        _put(parsed, parsed.case, f, f.path, form)
    for m in (f for f in CASE_FIELDS if f.kind == "mapping"):
        inner: dict[str, Any] = {}
        for f in fields_under(m.path):
            _put(parsed, inner, f, f.path, form)
        if inner or m.required:
            parsed.case[m.path] = inner
    for name in ENTRY_LISTS:
        _entries(parsed, name, form, rows)
    return parsed


def _entries(parsed: Parsed, name: str, form: Mapping[str, Any], rows: int) -> None:
    entries = []
    for row in range(min(rows, MAX_ROWS)):
        entry: dict[str, Any] = {}
        for f in entry_fields(name):
            _put(parsed, entry, f, f"{name}.{row}.{f.name}", form)
        if entry:
            parsed.rows.append(row)
            entries.append(entry)
    naive = form.get(f"{name}.{NONE_CODE}") == "on"
    if naive and entries:
        parsed.errors[name] = "'treatment-naive' is ticked but therapies are entered: untick it or clear the rows"
    elif entries or naive:
        parsed.case[name] = entries


def _put(parsed: Parsed, target: dict[str, Any], f: CaseField, path: str, form: Mapping[str, Any]) -> None:
    """Read one input into ``target[f.name]``; a value that is not a number is kept as text for the model to name."""
    if f.kind == "codes":
        ticked = [v for v in _getlist(form, path) if v]
        if NONE_CODE in ticked and len(ticked) > 1:
            parsed.errors[path] = "'none' is ticked together with other values: tick either 'none' or the values"
        elif ticked:
            target[f.name] = [] if ticked == [NONE_CODE] else ticked
        return
    raw = form.get(path)
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return
    if f.kind == "flag":
        target[f.name] = {"true": True, "false": False}.get(text, text)
    elif f.kind == "integer" and _INTEGER.fullmatch(text):
        target[f.name] = int(text)
    elif f.kind == "number" and _NUMBER.fullmatch(text):
        number = float(text)
        target[f.name] = int(number) if number.is_integer() and "." not in text else number
    else:
        target[f.name] = text


def _getlist(form: Mapping[str, Any], path: str) -> list[str]:
    getter = getattr(form, "getlist", None)
    if getter is not None:
        return [str(v) for v in getter(path)]
    value = form.get(path)
    return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])


# --------------------------------------------------------------------------- values shown

def values_from_form(form: Mapping[str, Any], rows: int) -> FormValues:
    """What was entered, to show the form again as it was submitted."""
    values: FormValues = {}
    for f in CASE_FIELDS:
        if f.kind in ("mapping", "entries") or f.parent in ENTRY_LISTS:
            continue
        values[f.path] = _getlist(form, f.path) if f.kind == "codes" else str(form.get(f.path) or "")
    for name in ENTRY_LISTS:
        values[f"{name}.{NONE_CODE}"] = form.get(f"{name}.{NONE_CODE}") == "on"
        for row in range(min(rows, MAX_ROWS)):
            for f in entry_fields(name):
                key = f"{name}.{row}.{f.name}"
                values[key] = str(form.get(key) or "")
    return values


def values_from_case(case: Mapping[str, Any]) -> tuple[FormValues, int]:
    """The form values showing a case dict (an uploaded file), and the number of treatment rows they need."""
    values: FormValues = {}
    for f in CASE_FIELDS:
        if f.kind in ("mapping", "entries") or f.parent in ENTRY_LISTS:
            continue
        value = _lookup(case, f.path)
        if f.kind == "codes":
            values[f.path] = ([NONE_CODE] if value == [] else [str(v) for v in value]) if isinstance(value, list) else []
        else:
            values[f.path] = _text(value)
    rows = BLANK_ROWS
    for name in ENTRY_LISTS:
        entries = case.get(name)
        entries = entries if isinstance(entries, list) else []
        values[f"{name}.{NONE_CODE}"] = case.get(name) == []
        rows = min(MAX_ROWS, max(BLANK_ROWS, len(entries) + 2))
        for row in range(rows):
            entry = entries[row] if row < len(entries) and isinstance(entries[row], dict) else {}
            for f in entry_fields(name):
                values[f"{name}.{row}.{f.name}"] = _text(entry.get(f.name))
    return values, rows


def _lookup(case: Mapping[str, Any], path: str) -> Any:
    value: Any = case
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


# --------------------------------------------------------------------------- errors -> inputs

_INPUT_PATHS = frozenset(f.path for f in CASE_FIELDS if f.parent not in ENTRY_LISTS)


def input_for(location: str, rows: list[int]) -> Optional[str]:
    """The form input (or fieldset) an error location of the case model belongs to; None: the case as a whole.

    ``treatment_history.1.end`` is the ``end`` input of the form row the second entry came from;
    ``metastatic_sites.2`` (one code of a list) is the list's checkbox group."""
    parts = location.split(".")
    for name in ENTRY_LISTS:
        if parts[0] == name and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            row = rows[index] if index < len(rows) else index
            return f"{name}.{row}.{parts[2]}" if len(parts) > 2 else name
    while parts:
        candidate = ".".join(parts)
        if candidate in _INPUT_PATHS or candidate in ENTRY_LISTS:
            return candidate
        parts.pop()
    return None
