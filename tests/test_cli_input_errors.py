"""Bad input: a message naming the field and what is allowed, exit 2, no traceback."""

from __future__ import annotations

import pytest

from netkg.cli import main


def run(tmp_path, name: str, text: str, capsys) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text)
    code = main(["recommend", str(path), "--engine", "fast"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("text, field, allowed", [
    ('{"id": "a", "tumour": {"primary_site": "ileum", "ki67": 150}}', "tumour.ki67", "less than or equal to 100"),
    ('{"id": "a", "tumour": {"primary_site": "ileum", "ki67": -1}}', "tumour.ki67", "greater than or equal to 0"),
    ('{"id": "a", "tumour": {"primary_site": "spleen"}}', "tumour.primary_site", "'pancreas'"),
    ('{"id": "a", "tumour": {"primary_site": "ileum", "ki67": "high"}}', "tumour.ki67", "valid number"),
    ('{"id": "a", "tumour": {"primary_site": "ileum"}, "ecog": 7}', "ecog", "less than or equal to 4"),
    ('{"id": "a", "tumour": {"primary_site": "ileum"}, "colour": "blue"}', "colour", "allowed fields here"),
    ('{"id": "a"}', "tumour", "required"),
])
def test_bad_values_name_the_field_and_what_is_allowed(tmp_path, capsys, text, field, allowed) -> None:
    code, err = run(tmp_path, "case.json", text, capsys)
    assert code == 2
    assert f"field '{field}'" in err and allowed in err and "case 'a'" in err
    assert "Traceback" not in err


def test_malformed_file(tmp_path, capsys) -> None:
    code, err = run(tmp_path, "case.json", '{"id": "a", "tumour": ', capsys)
    assert code == 2 and "malformed JSON" in err and "Traceback" not in err


def test_malformed_yaml(tmp_path, capsys) -> None:
    code, err = run(tmp_path, "case.yaml", "id: [unclosed", capsys)
    assert code == 2 and "malformed YAML" in err


def test_missing_file(tmp_path, capsys) -> None:
    assert main(["recommend", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_contradictory_pathology_is_rejected(tmp_path, capsys) -> None:
    code, err = run(tmp_path, "case.json", '{"id": "a", "tumour": {"primary_site": "ileum", "differentiation": "poor", "ki67": 1}}', capsys)
    assert code == 2 and "contradictory facts" in err and "tumour.ki67" in err


def test_missing_java_is_a_clear_environment_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("NETKG_JAVA", raising=False)
    code = main(["recommend", "examples/nec-sigmoid-liver.yaml", "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 3 and "Java runtime" in err and "--engine fast" in err


def _fake_java(tmp_path, body: str) -> str:
    """A stand-in Java runtime: answers `-version`, then runs ``body`` for HermiT."""
    script = tmp_path / "java"
    script.write_text('#!/bin/sh\nif [ "$1" = "-version" ]; then exit 0; fi\n' + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_reasoner_out_of_memory_is_an_environment_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_JAVA", _fake_java(tmp_path, 'echo "java.lang.OutOfMemoryError: Java heap space" >&2; exit 1'))
    code = main(["recommend", "examples/nec-sigmoid-liver.yaml", "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 3 and "out of memory" in err and "NETKG_JAVA_MEMORY" in err


def test_reasoner_crash_is_retried_then_reported(tmp_path, capsys, monkeypatch) -> None:
    counter = tmp_path / "runs"
    body = f'echo x >> {counter}; echo "java.lang.NullPointerException: m_bottomNode is null" >&2; exit 1'
    monkeypatch.setenv("NETKG_JAVA", _fake_java(tmp_path, body))
    code = main(["recommend", "examples/nec-sigmoid-liver.yaml", "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 3 and "HermiT failed" in err and "NullPointerException" in err
    assert len(counter.read_text().split()) == 3
