"""Violation queries: every ``queries/qc/*-violation.rq`` is a check.

A violation query starts with comment headers::

    # title: Terms without a definition
    # problem: what is wrong when the query returns rows
    # fix: what the editor should do
    # severity: ERROR | WARN | INFO

and selects ``?entity ?property ?value``; each row is a finding.  The
check id is ``qc-`` followed by the file name without ``-violation.rq``.
"""

from __future__ import annotations

from pathlib import Path

from netkg.maintenance.checks.base import ERROR, SEVERITIES, Check, CheckContext
from netkg.sparql import read_header


def parse_headers(text: str) -> dict[str, str]:
    """The ``title``, ``problem``, ``fix`` and ``severity`` of a violation query (the last value of each)."""
    header = read_header(text)
    return {key: header[key][-1] for key in ("title", "problem", "fix", "severity") if key in header}


def query_checks(directory: Path) -> list[Check]:
    checks = []
    for path in sorted(Path(directory).glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        headers = parse_headers(text)
        severity = headers.get("severity", ERROR).upper()
        if severity not in SEVERITIES:
            severity = ERROR
        check_id = "qc-" + path.name[: -len("-violation.rq")]
        problem = headers.get("problem") or headers.get("title") or check_id
        fix = headers.get("fix", "")
        message = f"{problem}{' Fix: ' + fix if fix else ''}"

        def run(check: Check, ctx: CheckContext, _text: str = text, _message: str = message):
            for row in ctx.graph.query(_text):
                entity = getattr(row, "entity", None)
                prop = getattr(row, "property", None)
                value = getattr(row, "value", None)
                yield check.finding(entity, prop if prop is not None else "", value if value is not None else "",
                                    _message)

        checks.append(Check(check_id, severity, headers.get("title", check_id), run))
    return checks
