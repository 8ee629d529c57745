"""docs/case-format.md describes the case fields as the field table defines them (netkg/cases/fields.py).

The page explains more than the table holds (what an empty list means, which facts contradict), so it
is written by hand; these tests make sure it never names a field, a code or a range the case model
does not accept, and never leaves one out.
"""

from __future__ import annotations

import re

import pytest

from netkg.cases.fields import CASE_FIELDS, CaseField
from netkg.paths import REPO_ROOT

DOC = REPO_ROOT / "docs" / "case-format.md"
DOCUMENTED = [f for f in CASE_FIELDS if f.kind not in ("mapping",)]


def _rows() -> dict[str, list[str]]:
    """Documented field path -> the cells of its row in the field table."""
    rows: dict[str, list[str]] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("| field | type | allowed | meaning |")
    for line in lines[start + 2:]:
        if not line.startswith("| `"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        names = re.findall(r"`([^`]+)`", cells[0])
        base = names[0]
        for name in names:
            path = base.rsplit(".", 1)[0] + name if name.startswith(".") else name
            rows[path.replace("[]", "")] = cells
    return rows


def _documented_codes(cell: str) -> set[str]:
    return {re.sub(r"\s*\(default\)$", "", code.strip()) for code in cell.split(",") if code.strip()}


def test_every_field_of_the_table_is_documented_and_nothing_else() -> None:
    assert set(_rows()) == {f.path for f in DOCUMENTED}


@pytest.mark.parametrize("field", [f for f in DOCUMENTED if f.allowed], ids=lambda f: f.path)
def test_the_documented_codes_are_the_allowed_codes(field: CaseField) -> None:
    cells = _rows()[field.path]
    assert _documented_codes(cells[2]) == set(field.allowed or ())


@pytest.mark.parametrize("field", [f for f in DOCUMENTED if f.minimum is not None or f.maximum is not None],
                         ids=lambda f: f.path)
def test_the_documented_range_is_the_accepted_range(field: CaseField) -> None:
    low = f"{'>' if field.minimum_excluded else ''}{field.minimum:g}"
    assert _rows()[field.path][2] == f"{low}-{field.maximum:g}"


@pytest.mark.parametrize("field", DOCUMENTED, ids=lambda f: f.path)
def test_the_documented_type_matches_the_kind(field: CaseField) -> None:
    documented = _rows()[field.path][1]
    expected = {"text": "string", "integer": "integer", "number": "number", "flag": "boolean", "code": "code",
                "codes": "list of codes", "entries": "list of entries"}[field.kind]
    assert documented == expected
