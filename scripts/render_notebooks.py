"""Run every notebook in notebooks/ top to bottom and save it with its outputs (pictures included).

The committed notebooks carry their outputs so that a reader sees the tables and pictures without
running anything (GitHub and Jupyter render them).  Run after a change that alters what a notebook
shows:

    .venv/bin/python scripts/render_notebooks.py [NOTEBOOK ...]

Execution metadata (timestamps) is dropped, so a re-run changes a file only where its output changed.
``tests/test_notebooks.py`` runs the notebooks again and checks that the committed copies carry their
pictures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def render(path: Path) -> int:
    """Execute ``path`` in the repository root and write it back with outputs; the number of pictures."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    pictures = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            pictures += any(kind.startswith("image/") for kind in output.get("data", {}))
    nbformat.write(nb, path)
    return pictures


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {render(path)} pictures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
