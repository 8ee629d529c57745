"""Hostile and malformed case input: every problem is a named error, never a crash.

Each bad input is checked twice: through the library (a :class:`CaseError` /
:class:`CaseInputError` naming the case when known, the field and what is
allowed) and through ``netkg recommend`` (exit code 2, one message on stderr,
no traceback).  ``docs/bad-input.md`` lists what the user sees for each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest

import netkg.cases.reader
from netkg.cases.reader import load_case, read_cases, validate_case
from netkg.cases.record import CaseError, CaseInputError
from netkg.cli import main

GOOD: dict[str, Any] = {
    "id": "good-1",
    "age": 60,
    "ecog": 1,
    "tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 5, "sstr_status": "positive"},
    "metastatic_sites": ["liver"],
    "disease_course": "stable",
}


def case(**changes: Any) -> dict[str, Any]:
    """GOOD with top-level changes; ``tumour__x`` changes a tumour field; None deletes."""
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        target, name = (data["tumour"], key[len("tumour__"):]) if key.startswith("tumour__") else (data, key)
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return data


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


@dataclass
class Bad:
    """One bad input: file name, content, and what the error must say."""

    name: str
    filename: str
    content: bytes
    field: str
    says: tuple[str, ...]
    case_id: Optional[str] = None

    @classmethod
    def case(cls, name: str, data: Any, field: str, *says: str, case_id: Optional[str] = "good-1") -> "Bad":
        return cls(name, f"{name}.json", json.dumps(data).encode(), field, says, case_id)

    @classmethod
    def text(cls, name: str, filename: str, text: str | bytes, field: str, *says: str,
             case_id: Optional[str] = None) -> "Bad":
        return cls(name, filename, text if isinstance(text, bytes) else text.encode(), field, says, case_id)


BAD_INPUTS = [
    # malformed files
    Bad.text("malformed-json", "case.json", '{"id": "a", "tumour": {"primary_site": "ileum"', "(file)", "malformed JSON", "line 1"),
    Bad.text("malformed-yaml", "case.yaml", "id: a\ntumour: [primary_site: ileum\n", "(file)", "malformed YAML", "line"),
    Bad.text("yaml-tabs", "case.yaml", "id: a\ntumour:\n\tprimary_site: ileum\n", "(file)", "malformed YAML"),
    Bad.text("empty-json", "empty.json", "", "(file)", "empty file"),
    Bad.text("empty-yaml", "empty.yaml", "   \n", "(file)", "empty file"),
    Bad.text("non-utf8", "case.json", b'{"id": "a\xff\xfe", "tumour": {"primary_site": "ileum"}}', "(file)", "UTF-8"),
    Bad.text("latin1-yaml", "case.yaml", "id: caf\xe9\ntumour: {primary_site: ileum}\n".encode("latin-1"), "(file)", "UTF-8"),
    Bad.text("python-object-tag", "case.yaml", '!!python/object/apply:os.system ["echo owned"]\n', "(file)",
             "python/object", "not allowed"),
    Bad.text("python-tag-in-field", "case.yaml", "id: a\ntumour: !!python/object/new:dict {}\n", "(file)", "not allowed"),
    Bad.text("deep-json", "deep.json", deep_json(10_000), "(file)", "too deeply nested"),
    Bad.text("deep-json-in-case", "deep.json", '{"id": "a", "tumour": {"primary_site": "ileum"}, "x": ' + deep_json(10_000) + "}",
             "(file)", "too deeply nested"),
    Bad.text("deep-yaml", "deep.yaml", "[" * 10_000 + "]" * 10_000, "(file)", "too deeply nested"),
    Bad.text("nested-50-levels", "nested.json", '{"id": "n1", "tumour": {"primary_site": "ileum"}, "x": ' + deep_json(50) + "}",
             "(case)", "nesting deeper than", case_id="n1"),
    Bad.text("yaml-alias-bomb", "bomb.yaml",
             "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
             + "id: bomb\ntumour: {primary_site: ileum}\n",
             "(file)", "more than 1,000,000 values", "alias"),
    Bad.text("yaml-alias-bomb-in-a-case", "bomb.yaml",
             "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(4))
             + "id: bomb\ntumour: {primary_site: ileum}\n",
             "(case)", "values in one case", case_id="bomb"),
    Bad.text("huge-integer", "case.json", '{"id": "a", "age": ' + "9" * 5000 + ', "tumour": {"primary_site": "ileum"}}',
             "(file)", "too many digits"),
    Bad.text("duplicate-key-json", "case.json", '{"id": "a", "tumour": {"primary_site": "ileum", "ki67": 5, "ki67": 50}}',
             "(file)", "'ki67' is given twice"),
    Bad.text("duplicate-key-yaml", "case.yaml", "id: a\ntumour:\n  primary_site: ileum\n  ki67: 5\n  ki67: 50\n",
             "(file)", "'ki67' is given twice"),
    Bad.text("scalar-not-case", "case.yaml", "just some text\n", "(case)", "must be a mapping", "got str"),
    Bad.text("empty-list", "case.json", "[]", "(file)", "expected one case, found 0"),
    # wrong types
    Bad.case("ki67-text", case(tumour__ki67="high"), "tumour.ki67", "valid number", '"high"'),
    Bad.case("ki67-numeric-string", case(tumour__ki67="12"), "tumour.ki67", "valid number", '"12"'),
    Bad.case("ki67-boolean", case(tumour__ki67=True), "tumour.ki67", "valid number", "true"),
    Bad.case("age-float", case(age=50.5), "age", "valid integer", "50.5"),
    Bad.case("age-boolean", case(age=True), "age", "valid integer"),
    Bad.case("functioning-yes", case(tumour__functioning="yes"), "tumour.functioning", "valid boolean", '"yes"'),
    Bad.case("sites-string", case(metastatic_sites="liver"), "metastatic_sites", "valid list"),
    Bad.case("tumour-list", case(tumour=["ileum"]), "tumour", "valid dictionary"),
    Bad.case("id-number", case(id=12), "id", "valid string", case_id=None),
    Bad.case("id-with-slash", case(id="../../etc/passwd"), "id", "letters, digits", case_id="../../etc/passwd"),
    Bad.case("unknown-field", case(tumor={"primary_site": "ileum"}), "tumor", "unknown field", "allowed fields here", "tumour"),
    # missing required fields
    Bad.case("missing-id", case(id=None), "id", "required", "letters, digits", case_id=None),
    Bad.case("missing-tumour", case(tumour=None), "tumour", "required", "primary_site"),
    Bad.case("missing-primary-site", case(tumour__primary_site=None), "tumour.primary_site", "required", "pancreas", "ileum"),
    # out of range
    Bad.case("ki67-negative", case(tumour__ki67=-1), "tumour.ki67", "greater than or equal to 0", "-1"),
    Bad.case("ki67-above-100", case(tumour__ki67=100.5), "tumour.ki67", "less than or equal to 100", "100.5"),
    Bad.case("ki67-nan", None, "tumour.ki67", "finite number", "NaN"),
    Bad.case("age-negative", case(age=-3), "age", "greater than or equal to 0"),
    Bad.case("ecog-5", case(ecog=5), "ecog", "less than or equal to 4", "5"),
    Bad.case("mitoses-infinite", None, "tumour.mitotic_count", "finite number", "Infinity"),
    # unknown codes
    Bad.case("site-spleen", case(tumour__primary_site="spleen"), "tumour.primary_site", "'pancreas'", "'ileum'", '"spleen"'),
    Bad.case("therapy-aspirin", case(treatment_history=[{"therapy": "octreotide", "intent": "antitumour", "outcome": "progressed"},
                                                      {"therapy": "aspirin", "intent": "antitumour", "outcome": "ongoing"}]),
             "treatment_history.1.therapy", "'octreotide'", '"aspirin"'),
    Bad.case("intent-cure", case(treatment_history=[{"therapy": "octreotide", "intent": "cure", "outcome": "ongoing"}]),
             "treatment_history.0.intent", "'antitumour'", "'syndrome_control'", '"cure"'),
    Bad.case("old-prior-therapies", case(prior_therapies=["octreotide"]), "prior_therapies", "replaced by 'treatment_history'"),
    Bad.case("uncontrolled-antitumour", case(treatment_history=[{"therapy": "octreotide", "intent": "antitumour",
                                                                 "outcome": "syndrome_uncontrolled"}]),
             "treatment_history.0.outcome", "contradictory", "syndrome_control"),
    Bad.case("metastasis-spleen", case(metastatic_sites=["spleen"]), "metastatic_sites.0", "'liver'", '"spleen"'),
    Bad.case("differentiation-moderate", case(tumour__differentiation="moderate"), "tumour.differentiation", "'well'", "'poor'"),
    # contradictory facts
    Bad.case("poor-with-ki67-1", case(tumour__differentiation="poor", tumour__ki67=1), "tumour.ki67", "contradictory",
             "above 20"),
    Bad.case("resected-but-symptomatic", case(primary_resected=True, primary_complications=["bleeding"]),
             "primary_complications", "contradictory", "resected"),
    Bad.case("liver-burden-without-liver", case(metastatic_sites=["bone"], liver={"lesion_count": 3}), "liver", "contradictory"),
    Bad.case("site-listed-twice", case(metastatic_sites=["liver", "liver"]), "metastatic_sites", "contradictory", "once"),
    Bad.case("syndrome-non-functioning", case(tumour__functioning=False, tumour__syndrome="insulinoma"), "tumour.syndrome",
             "contradictory"),
    Bad.case("rapid-but-stable", case(rapid_progression=True), "rapid_progression", "contradictory", "progressive"),
]
# JSON cannot carry NaN/Infinity in strict JSON, but Python's reader accepts them
BAD_INPUTS[[b.name for b in BAD_INPUTS].index("ki67-nan")].content = b'{"id": "good-1", "tumour": {"primary_site": "ileum", "ki67": NaN}}'
BAD_INPUTS[[b.name for b in BAD_INPUTS].index("mitoses-infinite")].content = (
    b'{"id": "good-1", "tumour": {"primary_site": "ileum", "mitotic_count": Infinity}}')


def errors_for(path: Path) -> list[CaseError]:
    """Every error reading ``path`` yields, whether raised for the file or returned per case."""
    try:
        results = list(read_cases(path))
    except CaseInputError as exc:
        return exc.errors
    return [e for r in results for e in r.errors] or ([] if len(results) == 1 else
                                                      [CaseError(str(path), None, "(file)", f"expected one case, found {len(results)}")])


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b.name for b in BAD_INPUTS])
def test_bad_input_is_a_named_error(bad: Bad, tmp_path: Path) -> None:
    path = tmp_path / bad.filename
    path.write_bytes(bad.content)
    with pytest.raises(CaseInputError) as raised:
        load_case(path)
    errors = raised.value.errors
    assert errors and all(isinstance(e, CaseError) for e in errors)
    matching = [e for e in errors if e.field == bad.field]
    assert matching, f"no error for field {bad.field!r}: {[str(e) for e in errors]}"
    error = matching[0]
    assert error.case_id == bad.case_id
    text = str(error)
    for fragment in bad.says:
        assert fragment in text, f"{fragment!r} not in {text!r}"
    assert bad.field in text and str(path) in text
    if bad.case_id:
        assert f"case '{bad.case_id}'" in text


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b.name for b in BAD_INPUTS])
def test_bad_input_on_the_command_line(bad: Bad, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / bad.filename
    path.write_bytes(bad.content)
    code = main(["recommend", str(path), "--engine", "fast"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err and "Traceback" not in out
    assert err.startswith("netkg: error: ")
    assert f"field '{bad.field}'" in err
    for fragment in bad.says:
        assert fragment in err
    if bad.case_id:
        assert f"case '{bad.case_id}'" in err
    assert out == ""


def test_validate_case_reports_the_case_id_field_and_allowed_values() -> None:
    result = validate_case(case(tumour__primary_site="spleen"), "ward-7.yaml")
    assert result.record is None
    (error,) = result.errors
    assert (error.source, error.case_id, error.field) == ("ward-7.yaml", "good-1", "tumour.primary_site")
    for site in netkg.cases.codes.PRIMARY_SITES:
        assert f"'{site}'" in error.message


@pytest.mark.parametrize("data", [None, 42, "text", [GOOD], 1.5, True])
def test_validate_case_rejects_non_mappings(data: Any) -> None:
    result = validate_case(data)
    assert result.record is None and result.errors[0].field == "(case)"


def test_huge_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(netkg.cases.reader, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps([case(id=f"c{n}") for n in range(50)]))
    with pytest.raises(CaseInputError) as raised:
        list(read_cases(path))
    (error,) = raised.value.errors
    assert error.field == "(file)" and "larger than 1 KiB" in error.message and "split it" in error.message
    assert main(["recommend", str(path), "--engine", "fast"]) == 2
    err = capsys.readouterr().err
    assert "larger than" in err and "Traceback" not in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", str(tmp_path / "nope.yaml"), "--engine", "fast"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_duplicate_ids_in_a_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [case(id="dup"), case(id="other"), case(id="dup", tumour__ki67=50)]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    results = list(read_cases(path))
    assert [r.record is not None for r in results] == [False, True, False]
    for r in (results[0], results[2]):
        (error,) = r.errors
        assert (error.case_id, error.field) == ("dup", "id")
        assert "duplicate case id 'dup'" in error.message
    assert f"{path}:3" in results[0].errors[0].message and f"{path}:1" in results[2].errors[0].message
    assert main(["recommend", str(path), "--engine", "fast"]) == 2
    assert "duplicate case id 'dup'" in capsys.readouterr().err


def test_duplicate_ids_across_files_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(case(id="same")))
    (tmp_path / "b.yaml").write_text(json.dumps(case(id="same")))
    results = list(read_cases(tmp_path))
    assert all(r.record is None and r.errors[0].field == "id" for r in results) and len(results) == 2


def test_check_unique_ids_keeps_unique_cases() -> None:
    results = [validate_case(case(id=i), f"s{n}") for n, i in enumerate(["a", "b", "a", "c"])]
    checked = netkg.cases.reader.check_unique_ids(results)
    assert [r.record.id if r.record else None for r in checked] == [None, "b", None, "c"]


def test_good_cases_in_a_batch_still_validate(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(case(id="ok-1")),
        '{"id": "broken", "tumour": ',
        json.dumps(case(id="bad-site", tumour__primary_site="spleen")),
        "",
        json.dumps(case(id="ok-2", tumour__differentiation="poor", tumour__ki67=80)),
        deep_json(10_000),
        "[1, 2, 3]",
        json.dumps(case(id="bad-ki67", tumour__ki67=-1)),
        '{"id": "huge", "age": ' + "1" * 5000 + "}",
        json.dumps(case(id="ok-3", tumour__primary_site="pancreas")),
    ]
    path.write_text("\n".join(lines) + "\n")
    results = list(read_cases(path))
    assert [r.record.id for r in results if r.record] == ["ok-1", "ok-2", "ok-3"]
    bad = {r.source.rsplit(":", 1)[1]: r.errors[0] for r in results if r.record is None}
    assert set(bad) == {"2", "3", "6", "7", "8", "9"}
    assert bad["2"].field == "(line)" and "malformed JSON" in bad["2"].message
    assert bad["3"].case_id == "bad-site" and bad["3"].field == "tumour.primary_site"
    assert "too deeply nested" in bad["6"].message
    assert bad["7"].field == "(case)"
    assert bad["8"].field == "tumour.ki67"
    assert "too many digits" in bad["9"].message


def test_batch_file_is_refused_by_recommend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two.json"
    path.write_text(json.dumps([case(id="a"), case(id="b")]))
    assert main(["recommend", str(path), "--engine", "fast"]) == 2
    assert "expected one case, found 2" in capsys.readouterr().err


def test_every_error_of_a_case_is_reported() -> None:
    result = validate_case({"id": "many", "age": -1, "ecog": 9, "tumour": {"primary_site": "spleen", "ki67": "x"}})
    assert {e.field for e in result.errors} == {"age", "ecog", "tumour.primary_site", "tumour.ki67"}
    assert all(e.case_id == "many" for e in result.errors)
