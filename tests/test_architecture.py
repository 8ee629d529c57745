"""The package keeps its architecture: layered, without import circles (docs/architecture.md).

The import graph is built by grimp (the engine of import-linter) from every import statement in
``netkg/``, at module level and inside functions alike. The layers themselves are the contracts in
``pyproject.toml`` (``[tool.importlinter]``), so ``lint-imports`` on the command line and this test
judge the same thing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import networkx as nx
import pytest
from importlinter.cli import lint_imports

from netkg.paths import REPO_ROOT

PYPROJECT = REPO_ROOT / "pyproject.toml"


@pytest.fixture(scope="module")
def import_graph() -> nx.DiGraph:
    """Every netkg module and the netkg modules it imports (anywhere in its text)."""
    graph = grimp.build_graph("netkg", cache_dir=None)
    digraph = nx.DiGraph()
    for module in graph.modules:
        digraph.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            digraph.add_edge(module, imported)
    return digraph


def test_the_layer_and_sibling_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_no_module_imports_itself_back_through_any_chain(import_graph: nx.DiGraph) -> None:
    # A package's __init__ counts as a module: a plug-in importing its package's __init__,
    # which imports the plug-in, is a circle too.
    cycles = sorted(" -> ".join(cycle + [cycle[0]]) for cycle in nx.simple_cycles(import_graph))
    assert cycles == []


def test_the_runtime_path_imports_no_maintenance_tool_and_no_command(import_graph: nx.DiGraph) -> None:
    runtime = ("netkg.cases", "netkg.knowledge", "netkg.reasoning", "netkg.report", "netkg.pipeline",
               "netkg.registry", "netkg.sparql", "netkg.vocabulary", "netkg.paths", "netkg.errors")
    tools = ("netkg.maintenance", "netkg.commands", "netkg.cli")
    upward = sorted(
        f"{importer} -> {imported}"
        for importer, imported in import_graph.edges
        if importer.startswith(runtime) and imported.startswith(tools)
    )
    assert upward == []


def test_the_layers_named_in_the_contract_are_the_packages_that_exist() -> None:
    # A new top-level module or package must be placed in a layer, not left outside every contract.
    layers = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    named = {name.strip("() ") for layer in layers for name in layer.replace(":", "|").split("|")}
    package = REPO_ROOT / "netkg"
    present = {f"netkg.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    present |= {f"netkg.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert present == named


def _source_files() -> list[Path]:
    return sorted((REPO_ROOT / "netkg").rglob("*.py"))


def test_only_the_reasoning_package_runs_owlready2_and_hermit() -> None:
    graph = grimp.build_graph("netkg", include_external_packages=True, cache_dir=None)
    users = sorted(graph.find_modules_that_directly_import("owlready2"))
    assert users and all(user.startswith("netkg.reasoning.") for user in users), users


def test_the_repository_root_is_computed_in_one_place() -> None:
    users = sorted(
        str(path.relative_to(REPO_ROOT))
        for path in _source_files()
        if "__file__" in path.read_text()
    )
    assert users == ["netkg/paths.py"]
