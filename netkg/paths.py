"""Where netkg's files live: the repository root and the folders under it, defined once.

netkg runs from its repository (an editable install): the ontology, the SPARQL queries and the
example cohort are data files next to the package, not package resources.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
"""The repository root (the folder holding ``pyproject.toml``)."""

ONTOLOGY_DIR: Path = REPO_ROOT / "ontology"
"""The ontology sources, the statement table and the out-of-scope list."""

DEFAULT_ONTOLOGY: Path = ONTOLOGY_DIR / "modules"
"""The hand-edited ontology: a folder of Turtle modules (see ``netkg.knowledge.modules``)."""

CASE_SHAPES: Path = ONTOLOGY_DIR / "shapes" / "case-shapes.ttl"
"""The SHACL shapes of a case as RDF, generated from the case field table (``netkg.cases.shapes``)."""

QUERY_ROOT: Path = REPO_ROOT / "queries"
"""The named SPARQL queries (``competency/``, ``cohort/``, ``qc/``)."""

EXAMPLES_DIR: Path = REPO_ROOT / "examples"
"""Example cases and the reference cohort."""
