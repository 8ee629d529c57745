"""HermiT must give an answer or an environment error (exit 3): never an empty report, never a wait without end."""

from __future__ import annotations

from netkg.cli import main

EXAMPLE = "examples/nec-sigmoid-liver.yaml"


def _fake_java(tmp_path, body: str) -> str:
    """A stand-in Java runtime: answers `-version`, then runs ``body`` in place of HermiT."""
    script = tmp_path / "java"
    script.write_text('#!/bin/sh\nif [ "$1" = "-version" ]; then exit 0; fi\n' + body + "\n")
    script.chmod(0o755)
    return str(script)


def test_java_that_runs_nothing_is_an_environment_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_JAVA", _fake_java(tmp_path, "exit 0"))
    code = main(["recommend", EXAMPLE, "--engine", "hermit"])
    captured = capsys.readouterr()
    assert code == 3
    assert "HermiT gave no classification" in captured.err and "seed1-nec-sigmoid-liver" in captured.err
    assert "NOT DETERMINED" not in captured.out


def test_bin_true_as_java_is_an_environment_error(capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_JAVA", "/bin/true")
    code = main(["recommend", EXAMPLE, "--engine", "hermit"])
    assert code == 3 and "HermiT gave no classification" in capsys.readouterr().err


def test_hanging_java_stops_at_the_time_limit(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_JAVA", _fake_java(tmp_path, "exec sleep 120"))
    monkeypatch.setenv("NETKG_HERMIT_TIMEOUT", "1")
    code = main(["recommend", EXAMPLE, "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 3 and "NETKG_HERMIT_TIMEOUT" in err and "1 s" in err


def test_time_limit_must_be_a_positive_number(capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_HERMIT_TIMEOUT", "soon")
    code = main(["recommend", EXAMPLE, "--engine", "hermit"])
    err = capsys.readouterr().err
    assert code == 3 and "NETKG_HERMIT_TIMEOUT" in err and "'soon'" in err


def test_knowledge_check_with_a_java_that_runs_nothing_is_an_environment_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NETKG_JAVA", _fake_java(tmp_path, "exit 0"))
    code = main(["check"])
    assert code == 3 and "explanation tool gave no verdict" in capsys.readouterr().err  # the coherence check runs the OWL API tool
