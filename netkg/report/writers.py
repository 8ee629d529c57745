"""Show a report to a person (rich tables) or a program (JSON, Turtle).

The report model keeps the data (``Report.to_dict``, ``Report.to_rdf``);
every text form of a report is written here, one function per format.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from rich.console import Console
from rich.table import Table

from netkg.cases.facts import CaseFacts
from netkg.reasoning.result import Classification
from netkg.report.model import Finding, Note, Report

_TITLES = {
    "recommended": "Indicated (recommended)",
    "consider": "To consider",
    "not_recommended": "Not recommended",
    "contraindicated": "Contraindicated",
}


def to_json(report: Report) -> str:
    """The report as indented JSON (shape: docs/report-format.md)."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def to_turtle(report: Report, facts: CaseFacts, classification: Classification) -> str:
    """The case with its inferred triples and report as Turtle, under a two-line comment header."""
    graph = report.to_rdf(facts, classification)
    return (f"# netkg case {report.case_id} · knowledge {report.knowledge_version}\n"
            f"# {report.disclaimer}\n"
            + graph.serialize(format="turtle"))


def to_text(report: Report, width: int = 120, verbose: bool = False) -> str:
    """The report as readable tables: key facts first; the inferred class list only when ``verbose``."""
    buf = StringIO()
    console = Console(file=buf, width=width, force_terminal=False, color_system=None)
    console.print(f"netkg report for case {report.case_id}")
    console.print(f"knowledge version {report.knowledge_version} · reasoner {report.engine}")
    console.print(report.disclaimer)
    console.print(_key_facts_table(report))
    if verbose:
        console.print(f"Profile (every inferred class): {', '.join(report.profile)}")
    if report.data_warnings:
        console.print(_data_warnings_table(report.data_warnings))
    for category, title in _TITLES.items():
        items = report.items(category)
        if items:
            console.print(_findings_table(title, items))
    if report.therapy_families:
        console.print(_table("Therapy families: offered, why not, or not covered by the sources", ("family", "status", "why"),
                             [(f.family_label, f.status, f.text.split(" -- ", 1)[-1]) for f in report.therapy_families]))
    if report.withheld:
        console.print(_table("Withheld (goes only with another treatment)", ("therapy", "rule", "why withheld", "sources"),
                             [(w.therapy_label, w.rule.label, w.reason, _cite(w.rule.statements, w.rule.citations))
                              for w in report.withheld]))
    if report.superseded:
        console.print(_table("Superseded (a newer statement applies to this case)", ("therapy", "superseded rule", "replaced by", "sources"),
                             [(s.therapy_label, f"{s.category.replace('_', ' ')}: {s.rule.label} [{', '.join(s.rule.statements)}]",
                               "; ".join(f"{b.label} [{', '.join(b.statements)}]" for b in s.by),
                               _cite(s.rule.statements, s.rule.citations)) for s in report.superseded]))
    if report.conflicts:
        console.print(_table("Conflicts (the negative wins)", ("therapy", "overridden", "by", "resolution"), [
            (c.therapy_label, f"{c.positive}: {c.positive_rule.label} [{', '.join(c.positive_rule.statements)}]",
             f"{c.negative}: {c.negative_rule.label} [{', '.join(c.negative_rule.statements)}]", c.resolution)
            for c in report.conflicts]))
    for title, notes in (("Required work-up", report.workup), ("Cautions", report.cautions),
                         ("Follow-up", report.followup), ("Prognosis", report.prognosis), ("Process of care", report.process)):
        if notes:
            console.print(_notes_table(title, notes))
    for title, rows, key in (("Dosing", report.dosing, "text"), ("Monitoring", report.monitoring, "text"),
                             ("Evidence", report.evidence, "label")):
        if rows:
            t = Table(title=title, show_lines=False)
            t.add_column("applies to")
            t.add_column(title.lower())
            t.add_column("sources")
            for r in rows:
                t.add_row(", ".join(r["applies_to"]), r[key], _cite(r["statements"], r["citations"]))
            console.print(t)
    return buf.getvalue()


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    """A titled table with one line between rows."""
    t = Table(title=title, show_lines=True)
    for column in columns:
        t.add_column(column)
    for row in rows:
        t.add_row(*row)
    return t


def _key_facts_table(report: Report) -> Table:
    t = Table(title="Key facts", show_header=False, show_lines=False, title_justify="left")
    t.add_column("fact", style="bold")
    t.add_column("value")
    facts = report.key_facts or {"grade": report.grade_label or "not determined (see required work-up)"}
    for name, value in facts.items():
        t.add_row(name, value.upper() if name == "grade" and value.startswith("not determined") else value)
    return t


def _data_warnings_table(warnings: list[dict[str, str]]) -> Table:
    t = Table(title="Data to check", show_lines=False)
    t.add_column("field")
    t.add_column("why")
    for w in warnings:
        t.add_row(w["field"], w["message"])
    return t


def _cite(statements: list[str], citations: list[str]) -> str:
    """Statement ids and their sources: "K014 (art. 000, 003)", "K117 (ENETS NEC guidance, J Neuroendocrinol 2023)"."""
    numbers = [c.removeprefix("art. ") for c in citations if c.startswith("art. ")]
    others = [c for c in citations if not c.startswith("art. ")]
    parts = ([f"art. {', '.join(dict.fromkeys(numbers))}"] if numbers else []) + list(dict.fromkeys(others))
    return f"{', '.join(statements)} ({'; '.join(parts)})" if parts else ", ".join(statements)


def _levels(levels: list[dict[str, Any]]) -> str:
    """Evidence levels as a short suffix, strongest first: " · phase 3 RCT"."""
    names = list(dict.fromkeys(lv["short"] for lv in sorted(levels, key=lambda lv: lv["rank"] or 99)))
    return f" · {', '.join(names)}" if names else ""


def _findings_table(title: str, items: list[Finding]) -> Table:
    t = Table(title=title, show_lines=True)
    t.add_column("therapy", no_wrap=True)
    t.add_column("line · intent")
    t.add_column("why (rule · case facts)")
    t.add_column("sources")
    for f in items:
        why = "; ".join(r.label for r in f.rules)
        facts = ", ".join(f"{k}={v}" for k, v in f.facts.items() if v not in (None, []))
        if facts:
            why += f" · {facts}"
        if f.excluding:
            why += f" · except: {', '.join(x.rsplit('/', 1)[-1] for x in f.excluding)}"
        for note in f.relation_notes():
            why += f" · {note}"
        cites = sorted({c for r in f.rules for c in r.citations})
        line = ", ".join(f.line) + (f" · {f.intent}" if f.intent else "")
        statements = [f"{s} ({f.statement_notes[s]})" if s in f.statement_notes else s for s in f.statements]
        t.add_row(f.therapy_label, line, why, _cite(statements, cites) + _levels(f.evidence_levels))
    return t


def _notes_table(title: str, notes: list[Note]) -> Table:
    t = Table(title=title, show_lines=True)
    t.add_column("finding")
    t.add_column("what to do / what it means")
    t.add_column("sources")
    for n in notes:
        text = n.action or n.text
        if n.met:
            text += f" · in this case: {n.in_this_case()}"
        if n.evidence:
            text += " · " + "; ".join(e["label"] for e in n.evidence)
        t.add_row(n.label, text, _cite(n.source.statements, n.source.citations) + _levels(n.source.evidence_levels))
    return t
