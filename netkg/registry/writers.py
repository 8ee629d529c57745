"""Query answers (:class:`netkg.sparql.Rows`) as a table, or in the W3C SPARQL 1.1 result formats.

Each format is one writer ``write(rows, out)`` onto a text stream, found by
:func:`writer_for`:

* ``table`` -- a rich table; IRIs shortened with :func:`netkg.vocabulary.curie`.
* ``json`` (also ``srj``) -- SPARQL 1.1 Query Results JSON
  (https://www.w3.org/TR/sparql11-results-json/): ``head.vars`` and ``results.bindings``
  with typed terms, or ``{"head": {}, "boolean": ...}`` for ASK.
* ``csv`` and ``tsv`` -- SPARQL 1.1 Query Results CSV and TSV
  (https://www.w3.org/TR/sparql11-results-csv-tsv/): CSV gives plain values (IRI, lexical
  form, ``_:id``) with CRLF line ends; TSV gives terms in N-Triples syntax (``<iri>``,
  ``"text"@en``, ``"12"^^<...#integer>``) under a header of ``?var`` names.  Those formats are
  defined for SELECT; an ASK answer is written as one column ``ask`` with ``true`` or ``false``.
"""

from __future__ import annotations

import csv
import json
from typing import Callable, Optional, TextIO

from rich.console import Console
from rich.table import Table

from netkg.sparql import JsonTerm, Rows
from netkg.vocabulary import curie

RowsWriter = Callable[[Rows, TextIO], None]


def row_terms(rows: Rows) -> list[dict[str, JsonTerm]]:
    """The terms of every row; rows built from plain values only (no terms) read as literals and ``_:`` blank nodes."""
    if rows.terms is not None:
        return rows.terms
    return [{v: ({"type": "bnode", "value": value[2:]} if value.startswith("_:") else {"type": "literal", "value": value})
             for v, value in r.items() if value is not None} for r in rows.rows]


def write_json(rows: Rows, out: TextIO) -> None:
    """SPARQL 1.1 Query Results JSON, indented, then a newline."""
    if rows.boolean is not None:
        document: dict = {"head": {}, "boolean": rows.boolean}
    else:
        document = {"head": {"vars": rows.variables}, "results": {"bindings": row_terms(rows)}}
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_csv(rows: Rows, out: TextIO) -> None:
    """SPARQL 1.1 Query Results CSV: a header of variable names, then one line per row (unbound: empty)."""
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(rows.variables)
    for r in rows.rows:
        w.writerow(["" if r.get(v) is None else r[v] for v in rows.variables])


_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def tsv_term(term: Optional[JsonTerm]) -> str:
    """One term in N-Triples syntax as SPARQL TSV writes it ("" when unbound)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    text = '"' + "".join(_TSV_ESCAPES.get(ch, ch) for ch in term["value"]) + '"'
    if "xml:lang" in term:
        return f"{text}@{term['xml:lang']}"
    if "datatype" in term:
        return f"{text}^^<{term['datatype']}>"
    return text


def write_tsv(rows: Rows, out: TextIO) -> None:
    """SPARQL 1.1 Query Results TSV: ``?var`` header, then terms in N-Triples syntax, tab-separated."""
    out.write("\t".join(f"?{v}" for v in rows.variables) + "\n")
    if rows.boolean is not None:
        out.write(("true" if rows.boolean else "false") + "\n")
        return
    for bound in row_terms(rows):
        out.write("\t".join(tsv_term(bound.get(v)) for v in rows.variables) + "\n")


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


WRITERS: dict[str, RowsWriter] = {"table": write_table, "json": write_json, "srj": write_json,
                                  "csv": write_csv, "tsv": write_tsv}


def writer_for(fmt: str) -> RowsWriter:
    """The writer of query answers in format ``fmt`` (table, json/srj, csv or tsv)."""
    return WRITERS[fmt]
