"""Text forms of the maintenance reports: checks, impact analysis and coverage.

The report classes keep the data (``to_dict``); each output format is one
function here, found by :func:`writer_for` from the report kind and the
format a command was given.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from netkg.maintenance.checks.base import ERROR, INFO, WARN, CheckReport
from netkg.maintenance.coverage import ENCODED, MISSING, OUT_OF_SCOPE, CoverageReport
from netkg.maintenance.impact import ImpactReport
from netkg.vocabulary import curie

Writer = Callable[[Any], str]


def to_json(report: CheckReport | ImpactReport | CoverageReport) -> str:
    """Any maintenance report as indented JSON of its ``to_dict``."""
    return json.dumps(report.to_dict(), indent=2)


def check_tsv(report: CheckReport) -> str:
    """One tab-separated line per finding, under a header line."""
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(["severity", "check", "entity", "property", "value", "message"])
    for f in report.findings:
        w.writerow([f.severity, f.check, f.entity, f.property, f.value, f.message])
    return out.getvalue()


def check_table(report: CheckReport) -> str:
    """One line per finding, then the skipped checks and a summary line."""
    lines = []
    for f in report.findings:
        where = " ".join(x for x in (f.entity, f.property, f.value) if x)
        lines.append(f"{f.severity:<5} {f.check:<28} {where}: {f.message}")
    if report.skipped:
        lines.append(f"skipped: {', '.join(report.skipped)}")
    lines.append(f"{len(report.checks)} checks; {report.count(ERROR)} errors, {report.count(WARN)} warnings, "
                 f"{report.count(INFO)} notes; {report.exempted} exempted")
    return "\n".join(lines)


def impact_text(report: ImpactReport) -> str:
    """The edits, then every changed case with its therapy changes and their causes."""
    lines = [f"old: {report.old_version}", f"new: {report.new_version}",
             f"{len(report.edits)} edited entities; {len(report.impacts)} of {report.cases} cases change their report"]
    for e in report.edits:
        lines.append(f"  edit {e.kind}: {curie(e.entity)} (+{len(e.added)} / -{len(e.removed)} triples)")
    for i in report.impacts:
        lines.append(f"case {i.case_id}:")
        for c in i.changes:
            lines.append(f"  {c.kind}: {c.therapy_label} ({c.old or '-'} -> {c.new or '-'}); "
                         f"rules: {', '.join(map(curie, c.rules)) or '-'}; "
                         f"caused by: {', '.join(map(curie, c.caused_by)) or 'unattributed'}")
        if i.rules_started:
            lines.append(f"  rules now firing: {', '.join(map(curie, i.rules_started))}")
        if i.rules_stopped:
            lines.append(f"  rules no longer firing: {', '.join(map(curie, i.rules_stopped))}")
    return "\n".join(lines)


def coverage_table(report: CoverageReport) -> str:
    """One line per statement with its status, then the totals."""
    lines = [f"{'id':<6} {'status':<13} entities / reason"]
    for s in report.statements:
        detail = ", ".join(s.entities) if s.entities else s.reason
        lines.append(f"{s.id:<6} {s.status:<13} {detail}")
    c = report.counts()
    lines.append("")
    lines.append(f"{report.covered} of {len(report.statements)} statements covered "
                 f"({c[ENCODED]} encoded, {c[OUT_OF_SCOPE]} out of scope, {c[MISSING]} missing)")
    if report.unknown_ids:
        lines.append(f"cited but not listed in statements.tsv: {', '.join(report.unknown_ids)}")
    return "\n".join(lines)


WRITERS: dict[str, dict[str, Writer]] = {
    "check": {"json": to_json, "tsv": check_tsv, "table": check_table},
    "impact": {"json": to_json, "text": impact_text},
    "coverage": {"json": to_json, "table": coverage_table},
}


def writer_for(kind: str, fmt: str) -> Writer:
    """The writer of ``kind`` reports (check, impact, coverage) in format ``fmt``."""
    return WRITERS[kind][fmt]
