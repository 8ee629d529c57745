"""Run every benchmark in one go on this machine and write docs/benchmarks.md.

Usage::

    .venv/bin/python benchmarks/run_all.py [--quick]

Runs ``bench_reasoning.py`` (HermiT one case per call and in chunks, the fast
path over 10,000 generated cases) and then ``bench_scale.py`` (real ``netkg
reason`` runs of 1,000, 10,000 and 100,000 generated cases into new stores, with
time and memory; query latency on each store, embedded and on the oxigraph
server; a store of the previous design for comparison; a plot,
docs/benchmarks-scale.svg).  The measured part of docs/benchmarks.md, between
the ``generated`` markers, is replaced; the notes around it are kept.
``--quick`` runs small sizes to check that the scripts work (its numbers are
not worth publishing and are printed, not written).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_reasoning  # noqa: E402
import bench_scale  # noqa: E402

BEGIN, END = "<!-- generated: begin -->", "<!-- generated: end -->"
DOC = HERE.parent / "docs" / "benchmarks.md"
PLOT = HERE.parent / "docs" / "benchmarks-scale.svg"


def _demote(markdown: str) -> str:
    """Headings one level down, and the file title dropped."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("# "):
            continue
        out.append("#" + line if line.startswith("#") else line)
    return "\n".join(out).strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; print, do not write the document")
    args = parser.parse_args(argv)
    if args.quick:
        reasoning = ["--cases", "300", "--single", "1", "--chunks", "5"]
        scale = ["--sizes", "200,600", "--runs", "20", "--layout1", "200"]
    else:
        reasoning = ["--cases", "10000", "--single", "5", "--chunks", "25", "--chunk-cases", "50"]
        scale = ["--sizes", "1000,10000,100000", "--layout1", "10000", "--plot", str(PLOT)]
    with tempfile.TemporaryDirectory(prefix="netkg-bench-") as tmp:
        r_out, s_out = Path(tmp) / "reasoning.md", Path(tmp) / "scale.md"
        bench_reasoning.main(reasoning + ["--out", str(r_out)])
        bench_scale.main(scale + ["--out", str(s_out)])
        text = re.sub(r"\]\([^)]*" + re.escape(PLOT.name) + r"\)", f"]({PLOT.name})", s_out.read_text())  # docs/ relative
        measured = ("## Reasoning: reference and fast path\n\n" + _demote(r_out.read_text().replace("## Reasoning\n", ""))
                    + "\n## Registry scale: real runs from 1,000 to 100,000 cases\n\n" + _demote(text))
    if args.quick:
        print(measured)
        return 0
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{measured}{END}{tail}", encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
