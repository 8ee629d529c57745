"""Every notebook in notebooks/ runs top to bottom without error and shows its pictures inline.

The committed notebooks carry their outputs (``scripts/render_notebooks.py`` writes them), so a reader
sees the tables and pictures without running anything.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PICTURES = {  # what each notebook must draw, at least
    "cohort-analysis.ipynb": 3,          # grade mix, therapy counts, work-up gaps
    "maintenance-walkthrough.ipynb": 1,  # the decision graph
}


def _pictures(nb: nbformat.NotebookNode) -> int:
    return sum(any(kind.startswith("image/") for kind in output.get("data", {}))
               for cell in nb.cells for output in cell.get("outputs", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_draws_its_pictures(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    assert _pictures(nb) >= PICTURES.get(path.name, 0)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_can_be_read_without_running_it(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count for cell in code), "run scripts/render_notebooks.py"
    assert not any(o.get("output_type") == "error" for cell in code for o in cell.outputs)
    assert _pictures(nb) >= PICTURES.get(path.name, 0), "run scripts/render_notebooks.py"
