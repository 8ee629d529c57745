"""The field table (netkg.cases.fields) is the single source of the case fields.

The case model, the JSON Schema of ``netkg schema``, the OWL facts and FACT_PATHS
must say exactly what the table says: no field, range, code or property of
their own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from netkg.cases import conversion
from netkg.cases.conversion import to_facts
from netkg.cases.fields import CASE_FIELDS, ENTRY_LISTS, FACT_PATHS, FIELDS, fields_under
from netkg.cases.reader import read_cases
from netkg.cases.record import CaseRecord, LiverBurden, TreatmentLine, TumourRecord
from netkg.maintenance.generate import generate_cases
from netkg.paths import REPO_ROOT
from netkg.vocabulary import NETKG

MODELS: dict[str, type[BaseModel]] = {"": CaseRecord, "tumour": TumourRecord, "liver": LiverBurden,
                                      "treatment_history": TreatmentLine}
JSON_TYPES = {"text": "string", "integer": "integer", "number": "number", "flag": "boolean", "code": "string",
              "codes": "array", "entries": "array"}


def _model_paths() -> set[str]:
    return {f"{parent}.{name}" if parent else name for parent, model in MODELS.items() for name in model.model_fields}


def test_every_model_field_is_in_the_table_and_every_table_field_in_the_model() -> None:
    assert _model_paths() == set(FIELDS)
    assert len(CASE_FIELDS) == len(FIELDS)  # no path twice


@pytest.mark.parametrize("parent", sorted(MODELS))
def test_the_model_keeps_the_table_order(parent: str) -> None:
    assert list(MODELS[parent].model_fields) == [f.name for f in fields_under(parent)]


@pytest.mark.parametrize("field", CASE_FIELDS, ids=lambda f: f.path)
def test_the_model_field_takes_default_requirement_and_description_from_the_table(field: Any) -> None:
    info = MODELS[field.parent].model_fields[field.name]
    assert info.is_required() == field.required
    if not field.required:
        assert info.default == field.default
    assert info.description == field.schema_description


def _schema_node(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The JSON Schema of the field at ``path``, with references followed and the null alternative removed."""
    node: dict[str, Any] = schema
    for part in path.split("."):
        node = _resolve(schema, node)
        if node.get("type") == "array":
            node = _resolve(schema, node["items"])
        node = node["properties"][part]
    return node


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in node:
        (node,) = [n for n in node["anyOf"] if n.get("type") != "null"]
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return CaseRecord.model_json_schema()


def test_the_json_schema_has_exactly_the_table_fields(schema: dict[str, Any]) -> None:
    found = set()
    for parent, model in MODELS.items():
        node = schema if not parent else schema["$defs"][model.__name__]
        found |= {f"{parent}.{name}" if parent else name for name in node["properties"]}
        assert sorted(node.get("required", [])) == sorted(f.name for f in fields_under(parent) if f.required)
        assert node["additionalProperties"] is False
    assert found == set(FIELDS)


@pytest.mark.parametrize("field", CASE_FIELDS, ids=lambda f: f.path)
def test_the_json_schema_of_each_field_is_the_table_row(schema: dict[str, Any], field: Any) -> None:
    outer = _schema_node(schema, field.path)
    assert outer["description"] == field.schema_description
    node = _resolve(schema, outer)
    if field.kind == "mapping":
        assert node["type"] == "object" and set(node["properties"]) == {f.name for f in fields_under(field.path)}
        return
    assert node["type"] == JSON_TYPES[field.kind]
    values = node["items"] if field.kind == "codes" else node
    assert values.get("enum") == (list(field.allowed) if field.allowed is not None else None)
    assert node.get("maxItems") == field.max_items
    assert node.get("pattern") == field.pattern
    low = "exclusiveMinimum" if field.minimum_excluded else "minimum"
    assert node.get(low) == field.minimum
    assert node.get("maximum") == field.maximum
    assert set(node) & {"minimum", "exclusiveMinimum"} <= {low}


def test_netkg_schema_prints_the_model_schema(capsys: pytest.CaptureFixture[str]) -> None:
    from netkg.commands import schema as schema_command

    assert schema_command.run(None) == 0  # type: ignore[arg-type]
    assert json.loads(capsys.readouterr().out) == CaseRecord.model_json_schema()


def test_fact_paths_come_from_the_table() -> None:
    from_table = {prop: f.fact_path for f in CASE_FIELDS for prop in f.properties}
    assert FACT_PATHS == from_table
    assert set(FACT_PATHS.values()) <= set(FIELDS)
    assert all(path.split(".")[0] not in ENTRY_LISTS or path in ENTRY_LISTS for path in FACT_PATHS.values())


def test_every_owl_rule_of_the_table_has_a_writer() -> None:
    for field in CASE_FIELDS:
        if field.subject == "treatment":
            assert field.owl in ("treatment type", "treatment value", "none"), field.path
        else:
            assert field.owl in conversion._WRITERS, field.path
        if field.owl in ("class value", "decimal", "integer", "boolean", "treatment value"):
            assert len(field.properties) == 1, field.path


def _records() -> list[CaseRecord]:
    examples = [r.record for r in read_cases(REPO_ROOT / "examples") if r.record is not None]
    return examples + [CaseRecord.model_validate(c) for c in generate_cases(300, seed=7)]


def test_the_facts_use_only_properties_the_table_names() -> None:
    used = set()
    for record in _records():
        for ind in to_facts(record).individuals.values():
            used |= set(ind.objects) | set(ind.data) | ind.closed
    assert used - {NETKG.hasTumour} == set(FACT_PATHS)
