"""Details of reading text: line numbers, byte order marks, digits that are not ASCII, numbers a float cannot hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netkg.cases.reader import load_case, read_cases
from netkg.cases.record import CaseInputError


def case_json(case_id: str, **tumour: object) -> str:
    return json.dumps({"id": case_id, "tumour": {"primary_site": "ileum", **tumour}}, ensure_ascii=False)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c"])
def test_json_lines_are_split_on_newline_only(separator: str, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    first = json.dumps({"id": "a", "tumour": {"primary_site": "ileum"}, "note": None}).replace("null", '"x' + separator + 'y"')
    path.write_text(first + "\n" + case_json("b") + "\n" + "{broken\n", encoding="utf-8")
    results = list(read_cases(path))
    assert [r.source for r in results] == [f"{path}:1", f"{path}:2", f"{path}:3"]
    assert results[1].record is not None and results[1].record.id == "b"
    assert results[2].errors[0].field == "(line)"


def test_a_json_file_with_a_byte_order_mark_is_read_like_yaml(tmp_path: Path) -> None:
    (tmp_path / "case.json").write_bytes(b"\xef\xbb\xbf" + case_json("bom-j").encode())
    (tmp_path / "case.yaml").write_bytes(b"\xef\xbb\xbfid: bom-y\ntumour: {primary_site: ileum}\n")
    (tmp_path / "batch.jsonl").write_bytes(b"\xef\xbb\xbf" + case_json("bom-l").encode() + b"\n")
    assert load_case(tmp_path / "case.json").id == "bom-j"
    assert load_case(tmp_path / "case.yaml").id == "bom-y"
    assert load_case(tmp_path / "batch.jsonl").id == "bom-l"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("digits", ["\u0661\u0662", "\uff11\uff12", "\u0967\u0968"])
def test_digits_that_are_not_ascii_are_not_a_number(suffix: str, digits: str, tmp_path: Path) -> None:
    path = tmp_path / f"case{suffix}"
    path.write_text('{"id": "d1", "age": 60, "tumour": {"primary_site": "ileum", "ki67": "%s"}}' % digits, encoding="utf-8")
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    (error,) = raised.value.errors
    assert error.field == "tumour.ki67" and "valid number" in error.message


def test_unquoted_arabic_indic_digits_are_malformed_json(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"id": "d1", "age": \u0661\u0662, "tumour": {"primary_site": "ileum"}}', encoding="utf-8")
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    assert "malformed JSON" in raised.value.errors[0].message


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".jsonl"])
def test_a_number_a_float_would_change_is_rejected_with_the_field(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"case{suffix}"
    path.write_text('{"id": "p1", "tumour": {"primary_site": "ileum", "ki67": 20.00000000000000001}}\n')
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    (error,) = raised.value.errors
    assert (error.case_id, error.field) == ("p1", "tumour.ki67")
    assert '(got "20.00000000000000001")' in error.message and "round it" in error.message


@pytest.mark.parametrize("text, value", [("20.5", 20.5), ("0.1", 0.1), ("20.000", 20.0), ("2.50e1", 25.0),
                                         ("33.333333333333336", 33.333333333333336)])
def test_a_number_a_float_holds_is_read(text: str, value: float, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"id": "p1", "tumour": {"primary_site": "ileum", "ki67": %s}}' % text)
    assert load_case(path).tumour.ki67 == value
