"""Query answers (:class:`netkg.sparql.Rows`) as a table, JSON or CSV.

Each format is one writer ``write(rows, out)`` onto a text stream, found by
:func:`writer_for`; the table writer shortens IRIs with
:func:`netkg.vocabulary.curie` and fits its width to the terminal.
"""

from __future__ import annotations

import csv
import json
from typing import Callable, TextIO

from rich.console import Console
from rich.table import Table

from netkg.sparql import Rows
from netkg.vocabulary import curie

RowsWriter = Callable[[Rows, TextIO], None]


def write_json(rows: Rows, out: TextIO) -> None:
    """``{"variables": [...], "rows": [...]}``, indented, then a newline."""
    json.dump({"variables": rows.variables, "rows": rows.rows}, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(rows: Rows, out: TextIO) -> None:
    """A header line of variable names, then one line per row (unbound values empty)."""
    w = csv.writer(out)
    w.writerow(rows.variables)
    for r in rows.rows:
        w.writerow(["" if r.get(v) is None else r[v] for v in rows.variables])


def write_table(rows: Rows, out: TextIO) -> None:
    """A rich table with short IRIs, then the row count."""
    table = Table(show_lines=False)
    for v in rows.variables:
        table.add_column(v, overflow="fold")
    for r in rows.rows:
        table.add_row(*("" if r.get(v) is None else curie(r[v]) for v in rows.variables))
    console = Console(file=out, width=None if out.isatty() else 200)
    console.print(table)
    console.print(f"{len(rows)} row(s)", markup=False, highlight=False)


WRITERS: dict[str, RowsWriter] = {"table": write_table, "json": write_json, "csv": write_csv}


def writer_for(fmt: str) -> RowsWriter:
    """The writer of query answers in format ``fmt`` (table, json or csv)."""
    return WRITERS[fmt]
