"""YAML values mean what they look like, and JSON and YAML accept the same values.

YAML 1.1 (PyYAML's default) reads ``021`` as octal 17, ``1:05`` as 65,
``0x14`` as 20, ``1_5`` as 15 and ``yes``/``on`` as true; a grade could
change without a word.  Cases are read with the YAML 1.2 core schema, numbers
restricted to JSON's decimal notation: anything else stays text and is
rejected by the strict model with the field named.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netkg.cases.reader
from netkg.cases.reader import load_case, read_cases
from netkg.cases.record import CaseError, CaseInputError
from netkg.cli import main


@pytest.fixture(autouse=True, params=["default", "python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with the default loader (libyaml's parser when installed) and the pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(netkg.cases.reader, "_CaseLoader", netkg.cases.reader._PyCaseLoader)

CASE_YAML = "id: y1\nage: 60\ntumour:\n  primary_site: ileum\n  differentiation: well\n  {field}: {value}\n"


def yaml_case(tmp_path: Path, field: str, value: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(CASE_YAML.format(field=field, value=value))
    return path


def only_error(path: Path) -> CaseError:
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    (error,) = raised.value.errors
    return error


@pytest.mark.parametrize("value", ["021", "0x14", "0o21", "1:05", "1_5", "+5", ".5", "5.", "20_000", "0b101", "1,5"])
def test_a_yaml_1_1_number_is_not_read_as_a_number(value: str, tmp_path: Path) -> None:
    error = only_error(yaml_case(tmp_path, "ki67", value))
    assert (error.case_id, error.field) == ("y1", "tumour.ki67")
    assert "valid number" in error.message and f'(got "{value}"' in error.message


def test_a_leading_zero_is_refused_with_the_reason(tmp_path: Path) -> None:
    error = only_error(yaml_case(tmp_path, "ki67", "021"))
    assert "leading zero" in error.message and "octal" in error.message


@pytest.mark.parametrize("value", ["yes", "no", "on", "off", "y", "n", "Yes", "ON"])
def test_a_yaml_1_1_boolean_word_is_not_a_boolean(value: str, tmp_path: Path) -> None:
    error = only_error(yaml_case(tmp_path, "functioning", value))
    assert error.field == "tumour.functioning" and "valid boolean" in error.message and f'"{value}"' in error.message


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("True", True), ("FALSE", False)])
def test_true_and_false_are_booleans(value: str, expected: bool, tmp_path: Path) -> None:
    assert load_case(yaml_case(tmp_path, "functioning", value)).tumour.functioning is expected


@pytest.mark.parametrize("value, expected", [("21", 21.0), ("0", 0.0), ("20.5", 20.5), ("2.5e1", 25.0), ("-0.0", 0.0),
                                             ("null", None), ("~", None), ("", None), ("Null", None)])
def test_plain_decimal_numbers_and_null_are_read(value: str, expected: Any, tmp_path: Path) -> None:
    assert load_case(yaml_case(tmp_path, "ki67", value)).tumour.ki67 == expected


def test_a_date_stays_text_and_is_refused_with_the_field(tmp_path: Path) -> None:
    error = only_error(yaml_case(tmp_path, "ki67", "2024-01-05"))
    assert error.field == "tumour.ki67" and '"2024-01-05"' in error.message


def test_a_number_looking_id_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("id: 007\ntumour: {primary_site: ileum}\n")
    assert load_case(path).id == "007"


@pytest.mark.parametrize("tagged", ["!!set {a, b}", "!!binary aGVsbG8=", "!!timestamp 2024-01-05", "!!omap [a: 1]",
                                    "!!pairs [a: 1]", "!custom 5", "!!python/name:os.system ''"])
def test_a_tag_outside_the_core_schema_is_refused(tagged: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = yaml_case(tmp_path, "ki67", tagged)
    error = only_error(path)
    assert error.field == "(file)" and "malformed YAML" in error.message
    assert "is not allowed" in error.message and "line 6" in error.message
    assert main(["recommend", str(path), "--engine", "fast"]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("tagged, expected", [("!!float 21", 21.0), ("!!int 21", 21), ("!!null ''", None)])
def test_a_core_tag_on_a_matching_value_is_accepted(tagged: str, expected: Any, tmp_path: Path) -> None:
    assert load_case(yaml_case(tmp_path, "ki67", tagged)).tumour.ki67 == expected


@pytest.mark.parametrize("tagged", ["!!int 0x14", "!!int 021", "!!float 1_5", "!!bool yes", "!!null nothing"])
def test_a_core_tag_on_a_value_outside_its_notation_is_refused(tagged: str, tmp_path: Path) -> None:
    error = only_error(yaml_case(tmp_path, "ki67", tagged))
    assert error.field == "(file)" and "malformed YAML" in error.message and "line 6" in error.message


def test_a_merge_key_is_an_unknown_field(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("base: &b {primary_site: ileum}\nid: m1\ntumour:\n  <<: *b\n")
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    assert any(e.field in ("base", "tumour.<<") for e in raised.value.errors)


SAME_VALUES = ["21", "20.5", "0", "-1", "1e1", "true", "false", "null", '"021"', '"yes"', '"12"', "100.5", "[]",
               '["liver"]', "1E+1", "0.000", "20.00000000000000001", "1e999"]


@pytest.mark.parametrize("value", SAME_VALUES)
def test_json_and_yaml_give_the_same_result_for_the_same_value(value: str, tmp_path: Path) -> None:
    doc = '{"id": "s1", "tumour": {"primary_site": "ileum", "ki67": %s}}' % value
    (tmp_path / "case.json").write_text(doc)
    (tmp_path / "case.yaml").write_text(doc)
    block = tmp_path / "block.yaml"
    block.write_text(f"id: s1\ntumour:\n  primary_site: ileum\n  ki67: {value}\n")
    outcomes = []
    for name in ("case.json", "case.yaml", "block.yaml"):
        (result,) = read_cases(tmp_path / name)
        outcomes.append((result.record, [(e.field, e.message) for e in result.errors]))
    assert outcomes[0] == outcomes[1] == outcomes[2]


finite = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=8))
values = st.recursive(finite, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text("abcdeki67_", max_size=6), inner, max_size=3)),
                      max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(values)
def test_json_text_read_as_yaml_gives_the_same_value(value: Any) -> None:
    """JSON is YAML 1.2: the same text must give the same value through either reader.

    (Text is written as characters, not as \\u escapes: YAML has no UTF-16 surrogate-pair escapes.)"""
    from netkg.cases.reader import _load_yaml, _parse_json

    text = json.dumps({"v": value}, ensure_ascii=False)
    assert _same(_load_yaml(text), _parse_json(text))


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
