"""Reading a large batch as a stream gives the results of reading it whole: duplicates rejected alike."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from _storedata import cohort
from netkg.cases.reader import read_cases, stream_cases


def _summary(results) -> list[tuple]:
    return sorted((r.source, r.record.id if r.record else None, tuple(str(e) for e in r.errors)) for r in results)


def _folder(tmp_path: Path) -> Path:
    cases = [dict(c) for c in cohort(12, 5)]
    folder = tmp_path / "batch"
    folder.mkdir()
    lines = [json.dumps(c) for c in cases[:6]] + [json.dumps(cases[0])]  # a duplicate within the file
    lines.append(json.dumps(dict(cases[1], ecog=9)))  # an invalid case sharing a valid case's id
    lines.append("{not json")
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "b.yaml").write_text(yaml.safe_dump([cases[6], cases[7], cases[2]]))  # a duplicate across files
    (folder / "c.json").write_text(json.dumps(cases[8]))
    (folder / "d.json").write_text("[1, ")  # unreadable
    return folder


def test_stream_equals_whole_read_for_a_folder(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    whole = _summary(read_cases(folder))
    assert _summary(stream_cases(folder)) == whole
    duplicates = [source for source, _, errors in whole if any("duplicate case id" in e for e in errors)]
    assert len(duplicates) == 4  # both copies of the case repeated in a.jsonl, both of the one repeated in b.yaml


def test_stream_equals_whole_read_for_one_json_lines_file(tmp_path: Path) -> None:
    file = _folder(tmp_path) / "a.jsonl"
    assert _summary(stream_cases(file)) == _summary(read_cases(file))


def test_a_valid_case_sharing_its_id_only_with_an_invalid_one_is_kept(tmp_path: Path) -> None:
    case = dict(cohort(1, 5)[0])
    file = tmp_path / "x.jsonl"
    file.write_text(json.dumps(case) + "\n" + json.dumps(dict(case, ecog=9)) + "\n")
    ids = [r.record.id for r in stream_cases(file) if r.record is not None]
    assert ids == [case["id"]]
