"""``docs/rules.md``: every rule of the ontology, grouped by family, for review.

Each rule is one self-contained block (sorted by IRI within its family), so a new
rule adds a block and changes no other line.  Regenerate with
``python -m netkg.maintenance.rulebook docs/rules.md``; tests/test_ontology_modules.py
fails while the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

from rdflib import URIRef

from netkg import vocabulary as V
from netkg.knowledge.expressions import render
from netkg.knowledge.modules import family_module
from netkg.knowledge.ontology import STRENGTH_NAMES, Knowledge, Rule

DEFAULT_TARGET = Path("docs/rules.md")
COMMAND = "python -m netkg.maintenance.rulebook docs/rules.md"


def _local(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]


def _rule_block(knowledge: Knowledge, rule: Rule) -> list[str]:
    expr = knowledge.definitions.get(rule.iri)
    lines = [f"### {rule.label}", "", f"`netkg:{_local(rule.iri)}`", ""]
    if rule.definition:
        lines += [rule.definition, ""]
    lines.append(f"- definition: `{render(expr, knowledge.label) if expr is not None else '(no definition)'}`")
    for axiom in rule.axioms:
        lines.append(f"- yields: {STRENGTH_NAMES[axiom.strength]} {knowledge.label(axiom.therapy)}")
    if rule.line is not None:
        lines.append(f"- line: {knowledge.label(rule.line)}")
    lines.append(f"- intent: {knowledge.label(rule.intent) if rule.intent is not None else 'any'}")
    if rule.action:
        lines.append(f"- action: {rule.action}")
    if rule.requires_offered:
        lines.append("- requires offered: " + ", ".join(knowledge.label(t) for t in rule.requires_offered))
    lines.append("- statements: " + (", ".join(rule.statements) or "none"))
    sources = [f"{knowledge.article_id(a)} ({knowledge.label(a)})" for a in rule.sources]
    lines.append("- sources: " + ("; ".join(sources) or "none"))
    return lines + [""]


def rulebook(knowledge: Knowledge) -> str:
    """The text of ``docs/rules.md`` for ``knowledge``."""
    out = ["# Rules", "",
           f"Generated from the ontology (`ontology/modules/`) by `{COMMAND}`; do not edit by hand.",
           "Each family is kept in its own module file, named in its heading. A definition is the rule's",
           "`owl:equivalentClass` in Manchester-like syntax, with labels instead of IRIs.", ""]
    families = list(dict.fromkeys(list(V.RULE_FAMILIES) + sorted({r.family for r in knowledge.rules.values()})))
    for family in families:
        rules = sorted((r for r in knowledge.rules.values() if r.family == family), key=lambda r: str(r.iri))
        if not rules:
            continue
        out += [f"## {knowledge.label(family)}", "", f"`ontology/modules/{family_module(family)}.ttl`", ""]
        for rule in rules:
            out += _rule_block(knowledge, rule)
    return "\n".join(out).rstrip() + "\n"


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT_TARGET
    target.write_text(rulebook(Knowledge.load(args[1] if len(args) > 1 else None)), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
