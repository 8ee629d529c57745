"""Shared fixtures: the knowledge is loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netkg import pipeline
from netkg.knowledge.ontology import Knowledge

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return pipeline.knowledge()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("java"):
        return
    skip = pytest.mark.skip(reason="needs a Java runtime for HermiT (install default-jre-headless)")
    for item in items:
        if "java" in item.keywords:
            item.add_marker(skip)
