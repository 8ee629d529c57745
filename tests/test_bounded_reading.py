"""The work of reading cases is bounded by limits on the work, not only on the bytes.

Duplicate ids cost memory linear in their count; YAML aliases are counted
before they are expanded; devices and FIFOs are refused instead of read; a
JSON or YAML list holds a bounded number of cases.
"""

from __future__ import annotations

import json
import os
import resource
from pathlib import Path

import pytest

import netkg.cases.reader
from netkg.cases.reader import read_cases
from netkg.cases.record import CaseInputError
from netkg.cli import main

CASE = {"id": "dup", "tumour": {"primary_site": "ileum"}}


def file_error(path: Path) -> str:
    with pytest.raises(CaseInputError) as raised:
        list(read_cases(path))
    (error,) = raised.value.errors
    assert error.field == "(file)" and error.case_id is None
    return error.message


def test_a_duplicate_id_message_names_a_few_places_and_the_count(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text((json.dumps(CASE) + "\n") * 10_000)
    results = list(read_cases(path))
    assert len(results) == 10_000 and all(r.record is None for r in results)
    first, last = results[0].errors[0].message, results[-1].errors[0].message
    assert first == (f"duplicate case id 'dup' used 10,000 times (also at {path}:2, {path}:3, {path}:4 and 9,996 more); "
                     "every case in a batch needs its own id")
    assert f"(also at {path}:1, {path}:2, {path}:3 and 9,996 more)" in last
    assert sum(len(e.message) for r in results for e in r.errors) < 10_000 * 400


def test_two_copies_name_the_other_place_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text((json.dumps(CASE) + "\n") * 2)
    first, second = (r.errors[0].message for r in read_cases(path))
    assert f"used 2 times (also at {path}:2)" in first and f"used 2 times (also at {path}:1)" in second


def test_three_copies_are_listed_with_and(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text((json.dumps(CASE) + "\n") * 3)
    assert f"(also at {path}:2 and {path}:3)" in next(iter(read_cases(path))).errors[0].message


def test_a_million_aliases_are_refused_before_they_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("- &a {id: dup, tumour: {primary_site: ileum}}\n" + "- *a\n" * 1_000_000)
    assert path.stat().st_size > 5_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = file_error(path)
    assert message == ("more than 1,000,000 values (an alias counts as often as it is used); "
                       "split the file or use JSON Lines")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 1_500_000  # the million cases would need several GB


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("id: r1\ntumour: &t {primary_site: ileum, self: *t}\n")
    assert file_error(path) == "a value contains itself through an alias (a recursive alias); give each value in full"


def test_the_yaml_value_limit_counts_values_not_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netkg.cases.reader, "MAX_YAML_VALUES", 50)
    path = tmp_path / "list.yaml"
    path.write_text("".join(f"- {{id: c{n}, tumour: {{primary_site: ileum}}}}\n" for n in range(10)))
    assert "more than 50 values" in file_error(path)
    path.write_text("".join(f"- {{id: c{n}, tumour: {{primary_site: ileum}}}}\n" for n in range(3)))
    assert [r.record.id for r in read_cases(path) if r.record] == ["c0", "c1", "c2"]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_list_holds_at_most_the_case_limit(suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netkg.cases.reader, "MAX_CASES_PER_FILE", 5)
    path = tmp_path / f"batch{suffix}"
    path.write_text(json.dumps([{**CASE, "id": f"c{n}"} for n in range(6)]))
    kind = "JSON" if suffix == ".json" else "YAML"
    assert file_error(path) == f"more than 5 cases in one {kind} file; split it or use JSON Lines (one case per line)"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_device_is_refused(device: str, tmp_path: Path) -> None:
    link = tmp_path / "case.yaml"
    link.symlink_to(device)
    assert file_error(link) == "not a regular file (a device, pipe or socket); give a case file"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "case.json"
    os.mkfifo(fifo)
    assert file_error(fifo) == "not a regular file (a device, pipe or socket); give a case file"
    assert main(["recommend", str(fifo), "--engine", "fast"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_a_folder_given_as_a_file_name_is_read_as_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(CASE))
    assert [r.record.id for r in read_cases(folder) if r.record] == ["dup"]
