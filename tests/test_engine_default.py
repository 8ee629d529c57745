"""Every command that reasons uses the same default engine, and a report names the engine it came from."""

from __future__ import annotations

import argparse
import json

import pytest

from netkg.cli import build_parser, main
from netkg.reasoning import DEFAULT_ENGINE, ENGINES


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_commands_that_reason_share_one_default_engine() -> None:
    engines = {name: next((a for a in sub._actions if "--engine" in a.option_strings), None)
               for name, sub in _subcommands().items()}
    reasoning = {name: option for name, option in engines.items() if option is not None}
    assert {"recommend", "reason", "query", "impact"} <= set(reasoning)
    for name, option in reasoning.items():
        assert option.default == DEFAULT_ENGINE, name
        assert tuple(option.choices) == ENGINES, name


def test_a_report_without_an_engine_option_says_it_used_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "examples/nec-sigmoid-liver.yaml", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == DEFAULT_ENGINE
