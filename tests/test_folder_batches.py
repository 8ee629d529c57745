"""One bad file does not stop a folder batch: it is reported like an invalid line, the good cases go on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netkg.cases.reader import read_cases
from netkg.cases.record import CaseInputError
from netkg.cli import main


def good(case_id: str) -> str:
    return json.dumps({"id": case_id, "tumour": {"primary_site": "ileum", "differentiation": "well", "ki67": 5}})


def folder_with(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A folder with two good cases and one bad entry called ``name``, made by the test."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.json").write_text(good("a"))
    (folder / "c.jsonl").write_text(good("c") + "\n")
    return folder, folder / name


BAD_FILES = {
    "malformed-yaml": ("b.yaml", lambda p: p.write_text("id: b\ntumour: [primary_site: ileum\n"), "malformed YAML"),
    "malformed-json": ("b.json", lambda p: p.write_text('{"id": "b", '), "malformed JSON"),
    "broken-symlink": ("b.yaml", lambda p: p.symlink_to(p.parent / "missing.yaml"), "broken symbolic link"),
    "symlink-loop": ("b.yaml", lambda p: p.symlink_to(p), "symbolic link loop"),
    "not-utf8": ("b.json", lambda p: p.write_bytes(b'{"id": "b\xff"}'), "UTF-8"),
    "empty": ("b.yaml", lambda p: p.write_text(""), "empty file"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_one_rejected_result_and_the_rest_is_read(kind: str, tmp_path: Path) -> None:
    name, make, says = BAD_FILES[kind]
    folder, bad = folder_with(tmp_path, name)
    make(bad)
    results = list(read_cases(folder))
    assert sorted(r.record.id for r in results if r.record) == ["a", "c"]
    (rejected,) = [r for r in results if r.record is None]
    assert rejected.source == str(bad)
    (error,) = rejected.errors
    assert error.field == "(file)" and says in error.message and str(bad) in str(error)


@pytest.mark.parametrize("kind", ["malformed-yaml", "broken-symlink", "symlink-loop"])
def test_reason_reasons_the_good_cases_and_exits_1_naming_the_bad_file(kind: str, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    name, make, says = BAD_FILES[kind]
    folder, bad = folder_with(tmp_path, name)
    make(bad)
    code = main(["reason", str(folder), "--store", str(tmp_path / "store"), "--engine", "fast", "--workers", "1",
                 "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "2 reasoned" in out
    assert str(bad) in err and says in err and "Traceback" not in err


def test_a_folder_named_like_a_case_file_is_searched_not_reported(tmp_path: Path) -> None:
    folder, inner = folder_with(tmp_path, "more.yaml")
    inner.mkdir()
    (inner / "d.json").write_text(good("d"))
    results = list(read_cases(folder))
    assert sorted(r.record.id for r in results if r.record) == ["a", "c", "d"] and len(results) == 3


def test_ndjson_files_are_read_like_json_lines(tmp_path: Path) -> None:
    folder, nd = folder_with(tmp_path, "d.ndjson")
    nd.write_text(good("d1") + "\n" + good("d2") + "\n")
    assert sorted(r.record.id for r in read_cases(folder) if r.record) == ["a", "c", "d1", "d2"]
    assert [r.source for r in read_cases(nd)] == [f"{nd}:1", f"{nd}:2"]


def test_a_single_unreadable_file_is_still_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "b.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(CaseInputError):
        list(read_cases(link))
    assert main(["recommend", str(link), "--engine", "fast"]) == 2
    assert "broken symbolic link" in capsys.readouterr().err
