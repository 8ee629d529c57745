"""CDS Hooks 2.0 cards from a netkg report (docs/cds-hooks.md): one function per kind of card.

Every card has a ``uuid``, a summary under 140 characters, a Markdown detail ending with the knowledge
version and the disclaimer, a ``source`` naming the knowledge version, and ``links`` to the statement pages of
the web application (``{base}/knowledge/statements/K014``) for the statements behind it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from netkg import DISCLAIMER
from netkg.cds_hooks.medications import CurrentMedication
from netkg.report.model import Finding, Note, Report

SUMMARY_LIMIT = 139  # the specification: a summary of fewer than 140 characters
TOPIC_SYSTEM = "https://w3id.org/netkg/cds-hooks/CodeSystem/card-topic"
TOPICS = {"safety": "current medication against the report", "treatment": "treatment options",
          "work-up": "required work-up", "input": "the data sent to netkg"}
INDICATOR = {"contraindicated": "critical", "not_recommended": "warning"}
_CATEGORY_WORDS = {"recommended": "recommended", "consider": "consider", "not_recommended": "not recommended",
                   "contraindicated": "contraindicated"}
_STOP_STATUS = {"active": "stopped", "draft": "cancelled"}  # MedicationRequest status after a stop


@dataclass(frozen=True)
class CardContext:
    """What every card of one answer shares."""

    base_url: str  # the service's base URL (the web application), without a trailing slash
    knowledge_version: str
    patient: str  # Patient/<id>
    footer_lines: tuple[str, ...] = ()  # about the case data (the FHIR mapping's note, medications left out)

    def source(self, topic: str) -> dict[str, Any]:
        return {"label": f"netkg {self.knowledge_version}", "url": f"{self.base_url}/knowledge",
                "topic": {"system": TOPIC_SYSTEM, "code": topic, "display": TOPICS[topic]}}

    def links(self, statements: Iterable[str]) -> list[dict[str, str]]:
        return [{"label": f"netkg statement {sid}", "url": f"{self.base_url}/knowledge/statements/{sid}",
                 "type": "absolute"} for sid in sorted(set(statements), key=lambda s: (len(s), s))]

    def footer(self) -> str:
        lines = [*self.footer_lines, f"Knowledge version: netkg {self.knowledge_version}.", f"*{DISCLAIMER}*"]
        return "\n\n---\n" + "\n\n".join(lines)


def card(ctx: CardContext, summary: str, indicator: str, detail: str, topic: str,
         statements: Iterable[str] = (), suggestions: Optional[list[dict[str, Any]]] = None) -> dict[str, Any]:
    """One card; optional attributes without a value are left out, as the specification requires."""
    out: dict[str, Any] = {"uuid": str(uuid.uuid4()), "summary": shorten(summary), "indicator": indicator,
                           "detail": detail + ctx.footer(), "source": ctx.source(topic)}
    if suggestions:
        out["suggestions"] = suggestions
        out["selectionBehavior"] = "at-most-one"
    links = ctx.links(statements)
    if links:
        out["links"] = links
    return out


def safety_card(ctx: CardContext, medication: CurrentMedication, finding: Finding) -> dict[str, Any]:
    """A current medication the report advises against: critical when contraindicated, else a warning."""
    words = _CATEGORY_WORDS[finding.category]
    doing = "ordered" if medication.is_order else "taken"
    summary = (f"{_cap(medication.drug)} is {doing} but {words} for this case "
               f"({', '.join(finding.statements)}): {finding.rules[0].label}")
    detail = "\n".join([
        f"**{_cap(escape(medication.drug))}** ({escape(medication.name)}, status {escape(medication.status)}) is a "
        f"**{finding.therapy_label}**, which netkg's report on this case lists as **{words}**"
        f"{_scope(finding)}.", *_unknown_intent(medication, finding), "", *_finding_lines(finding)])
    suggestions = None
    if medication.is_order and medication.status in _STOP_STATUS and medication.resource.get("id"):
        status = _STOP_STATUS[medication.status]
        suggestions = [{"label": f"{'Stop' if status == 'stopped' else 'Cancel'} the {medication.drug} order",
                        "uuid": str(uuid.uuid4()),
                        "actions": [{"type": "update", "description": f"Set {medication.name} to status {status}",
                                     "resource": {**medication.resource, "status": status}}]}]
    return card(ctx, summary, INDICATOR[finding.category], detail, "safety", finding.statements, suggestions)


def options_card(ctx: CardContext, report: Report, medications: list[CurrentMedication]) -> Optional[dict[str, Any]]:
    """One info card listing what the report recommends or suggests considering (None when it lists nothing)."""
    positives = report.items("recommended") + report.items("consider")
    if not positives:
        return None
    recommended = [f.therapy_label for f in report.items("recommended")]
    considered = len(positives) - len(recommended)
    counts = ", ".join(x for x in (f"{len(recommended)} recommended" if recommended else "",
                                   f"{considered} to consider" if considered else "") if x)
    summary = f"netkg, {counts}: {'; '.join(recommended or [f.therapy_label for f in positives])}"
    rows = ["| | therapy | line | intent | evidence | statements |", "|---|---|---|---|---|---|"]
    for f in positives:
        rows.append(f"| {_CATEGORY_WORDS[f.category]} | {f.therapy_label} | {', '.join(f.line)} | {f.intent or 'any'} "
                    f"| {', '.join(lv['label'] for lv in f.evidence_levels) or 'not graded'} "
                    f"| {', '.join(f.statements)} |")
    lines = [f"**Treatment options for this case** (grade: {report.key_facts.get('grade', 'not determined')}; "
             f"{report.key_facts.get('line of therapy', '')})", "", *rows]
    if report.cautions:
        lines += ["", "**Cautions**", ""] + [f"- {n.label}: {n.action or n.text}"
                                            + (f" (in this case: {n.in_this_case()})" if n.met else "")
                                            + f" [{', '.join(n.source.statements)}]"
                                            for n in report.cautions]
    if report.data_warnings:
        lines += ["", "**Data to check**", ""] + [f"- {escape(w['field'])}: {escape(w['message'])}" for w in report.data_warnings]
    checked = [m for m in medications if m.therapy is not None]
    if medications:
        lines += ["", "**Current medications**: " + "; ".join(
            f"{escape(m.drug)} ({escape(m.name)}, {escape(m.status)})"
            + ("" if m in checked else ": not a therapy netkg knows, not checked") for m in medications)]
    statements = [s for f in positives for s in f.statements] + [s for n in report.cautions for s in n.source.statements]
    return card(ctx, summary, "info", "\n".join(lines), "treatment", statements)


def workup_card(ctx: CardContext, note: Note, graded: bool) -> dict[str, Any]:
    """A work-up the report requires: a warning while the grade is undetermined, else info; a draft request."""
    name = re.sub(r"^work-up:\s*", "", note.label)
    summary = f"Work-up needed: {name} [{', '.join(note.source.statements)}]"
    detail = f"**{_cap(name)}**\n\n{note.text}\n\n" + (f"In this case: {note.in_this_case()}\n\n" if note.met else "") + \
        (f"Action: {note.action}\n\n" if note.action else "") + \
        f"Rule: {note.source.label} [{', '.join(note.source.statements)}]" + _evidence(note.source.evidence_levels)
    suggestions = None
    if note.action:
        request = {"resourceType": "ServiceRequest", "status": "draft", "intent": "proposal",
                   "subject": {"reference": ctx.patient}, "code": {"text": note.action},
                   "note": [{"text": f"netkg {ctx.knowledge_version}: {note.label} "
                                     f"[{', '.join(note.source.statements)}]"}]}
        suggestions = [{"label": shorten(f"Draft a request: {name}", 80), "uuid": str(uuid.uuid4()),
                        "actions": [{"type": "create", "description": f"Draft request: {note.action}",
                                     "resource": request}]}]
    return card(ctx, summary, "info" if graded else "warning", detail, "work-up", note.source.statements, suggestions)


def mapping_problem_card(ctx: CardContext, problems: list[str]) -> dict[str, Any]:
    """The prefetched data cannot be read as a case: what is missing or wrong, by resource and element."""
    shown = problems[:20]
    detail = "\n".join(["**netkg cannot read this patient's data as a case**, so it gives no advice. "
                        "Each problem names the resource, the element and what is expected (docs/fhir.md):", "",
                        *(f"- {escape(p)}" for p in shown)]
                       + ([f"- … and {len(problems) - len(shown)} more"] if len(problems) > len(shown) else []))
    return card(ctx, f"netkg cannot assess this patient: {len(problems)} problem"
                     f"{'s' if len(problems) != 1 else ''} in the FHIR data", "warning", detail, "input")


def not_prefetched_card(ctx: CardContext, keys: list[str], templates: dict[str, str]) -> dict[str, Any]:
    """Data the service needs was not prefetched (netkg does not fetch from the FHIR server itself)."""
    detail = "\n".join(["**netkg gives no advice without the patient's data.** The EHR did not prefetch:", "",
                        *(f"- `{k}`: `{templates[k]}`" for k in keys), "",
                        "netkg reads only prefetched data and never fetches from the FHIR server itself; "
                        "ask for these prefetch templates to be satisfied."])
    return card(ctx, f"netkg cannot assess this patient: not prefetched: {', '.join(keys)}", "warning", detail, "input")


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Text from the request, with the characters Markdown reads escaped (it is shown as written)."""
    return re.sub(r"([\\`*_\[\]<>|#!~])", r"\\\1", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _scope(finding: Finding) -> str:
    parts = [", ".join(finding.line)] + ([f"as {finding.intent} therapy"] if finding.intent else [])
    return f" ({'; '.join(parts)})"


def _unknown_intent(medication: CurrentMedication, finding: Finding) -> list[str]:
    if medication.intent is not None or finding.intent is None:
        return []
    return ["", f"The {'order' if medication.is_order else 'statement'} records no intent (netkg's treatment-intent "
                f"extension, docs/fhir.md); the rule speaks of {finding.intent} use only."]


def _finding_lines(finding: Finding) -> list[str]:
    lines = []
    for rule in finding.rules:
        sources = f"; sources: {'; '.join(rule.citations)}" if rule.citations else ""
        lines.append(f"- Rule: {rule.label} [{', '.join(rule.statements)}]{_evidence(rule.evidence_levels)}{sources}")
    lines += [f"- Why: {text}" for text in finding.explanation]
    lines += [f"- {sid}: {note}" for sid, note in sorted(finding.statement_notes.items())]
    lines += [f"- Related: {note}" for note in finding.relation_notes()]
    return lines


def _evidence(levels: list[dict[str, Any]]) -> str:
    return f"; evidence: {', '.join(lv['label'] for lv in levels)}" if levels else ""
