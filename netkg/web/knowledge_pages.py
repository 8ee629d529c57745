"""The knowledge browser: rules, therapies and statements, each with an index page.

Every page is looked up in the loaded :class:`~netkg.knowledge.ontology.Knowledge` by local
name or statement id (nothing a visitor types reaches a query); an unknown name is the 404 page.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from rdflib import URIRef
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from netkg import vocabulary as V
from netkg.knowledge.expressions import render as render_expression
from netkg.knowledge.ontology import STRENGTH_NAMES, Item, Knowledge, Rule
from netkg.paths import ONTOLOGY_DIR
from netkg.report.provenance import citation, evidence_levels
from netkg.vocabulary import DCTERMS
from netkg.web.pages import local_name, not_found, render

STATEMENT_LIST = ONTOLOGY_DIR / "statements.tsv"
STATEMENT_ID = re.compile(r"K[0-9]{3,4}")


@dataclass(frozen=True)
class StatementRow:
    """One line of ``ontology/statements.tsv``."""

    id: str
    seeds: tuple[str, ...]  # seed article numbers ("004"); empty for a statement added after the seed corpus
    kind: str
    reviewed: str
    relation: str


@lru_cache(maxsize=4)
def statement_rows(path: Path = STATEMENT_LIST) -> dict[str, StatementRow]:
    """The statement list by id (empty when the file is not there, as in an installed package)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {r["id"]: StatementRow(r["id"], tuple(s for s in (r.get("seeds") or "").split(",") if s.isdigit()),
                                      r.get("kind") or "", r.get("reviewed") or "", r.get("relation") or "")
                for r in rows if r.get("id")}


def _knowledge(request: Request) -> Knowledge:
    return request.app.state.knowledge


def _by_local_name(iris: Any) -> dict[str, URIRef]:
    return {local_name(i): i for i in iris}


def _expression(k: Knowledge, iri: URIRef) -> Optional[str]:
    expr = k.definitions.get(iri)
    return render_expression(expr, k.label) if expr is not None else None


def _sources(k: Knowledge, sources: Any) -> list[dict[str, str]]:
    return [{"label": k.label(s), "citation": citation(k, s),
             "reference": str(k.graph.value(s, DCTERMS.bibliographicCitation) or "")} for s in sources]


def _rule_view(k: Knowledge, rule: Rule) -> dict[str, Any]:
    return {
        "rule": rule, "name": local_name(rule.iri), "family": k.label(rule.family),
        "line": k.label(rule.line) if rule.line is not None else None,
        "intent": k.label(rule.intent) if rule.intent is not None else "any intent",
        "expression": _expression(k, rule.iri),
        "axioms": [{"strength": STRENGTH_NAMES[a.strength], "therapy": k.label(a.therapy), "name": local_name(a.therapy),
                    "is_therapy": a.therapy in k.therapies} for a in rule.axioms],
        "sources": _sources(k, rule.sources),
        "evidence": [lv.as_dict() for lv in evidence_levels(k, rule.iri)],
        "requires_offered": [(k.label(t), local_name(t)) for t in rule.requires_offered],
    }


async def knowledge_index(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    return render(request, "knowledge_index.html", rules=len(k.rules), therapies=len(k.therapies),
                  statements=len(statement_rows()) or len({s for r in k.rules.values() for s in r.statements}))


async def rule_index(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    families: dict[str, list[Rule]] = {}
    for rule in sorted(k.rules.values(), key=lambda r: r.label.lower()):
        families.setdefault(k.label(rule.family), []).append(rule)
    return render(request, "rule_index.html", families=sorted(families.items()))


async def rule_page(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    iri = _by_local_name(k.rules).get(request.path_params["name"])
    if iri is None:
        return not_found(request, f"rule {request.path_params['name']}")
    return render(request, "rule.html", **_rule_view(k, k.rules[iri]))


async def therapy_index(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    roots = sorted((t for t in k.therapies if not (k.told_parents.get(t, frozenset()) & k.therapies) or t == V.THERAPY),
                   key=lambda t: k.label(t).lower())
    return render(request, "therapy_index.html", nodes=_tree(k, V.THERAPY if V.THERAPY in k.therapies else None, roots))


def _children(k: Knowledge, iri: URIRef) -> list[URIRef]:
    return sorted((c for c in k.therapies if c != iri and iri in k.told_parents.get(c, frozenset())),
                  key=lambda c: k.label(c).lower())


def _tree(k: Knowledge, root: Optional[URIRef], roots: list[URIRef], depth: int = 0) -> list[dict[str, Any]]:
    """The therapy hierarchy as nested entries (label, local name, children), from ``root``."""
    seen: set[URIRef] = set()

    def node(iri: URIRef, level: int) -> dict[str, Any]:
        seen.add(iri)
        kids = [node(c, level + 1) for c in _children(k, iri) if c not in seen] if level < 12 else []
        return {"label": k.label(iri), "name": local_name(iri), "children": kids}

    return [node(root, depth)] if root is not None else [node(r, depth) for r in roots]


async def therapy_page(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    iri = _by_local_name(k.therapies).get(request.path_params["name"])
    if iri is None:
        return not_found(request, f"therapy {request.path_params['name']}")
    direct, broader = [], []
    for rule in sorted(k.rules.values(), key=lambda r: r.label.lower()):
        for axiom in rule.axioms:
            entry = {"rule": rule, "name": local_name(rule.iri), "strength": STRENGTH_NAMES[axiom.strength],
                     "therapy": k.label(axiom.therapy), "therapy_name": local_name(axiom.therapy)}
            if axiom.therapy == iri:
                direct.append(entry)
            elif axiom.therapy != iri and k.subsumes(axiom.therapy, iri):
                broader.append(entry)
    parents = sorted((p for p in k.told_parents.get(iri, frozenset()) if p in k.therapies and p != iri),
                     key=lambda p: k.label(p).lower())
    ancestors = sorted((a for a in k.ancestors(iri) if a in k.therapies and a != iri), key=lambda a: k.label(a).lower())
    return render(request, "therapy.html", label=k.label(iri), name=local_name(iri), definition=k.definition(iri),
                  direct=direct, broader=broader, parents=[(k.label(p), local_name(p)) for p in parents],
                  ancestors=[(k.label(a), local_name(a)) for a in ancestors],
                  children=[(k.label(c), local_name(c)) for c in _children(k, iri)])


def _statement_terms(k: Knowledge, sid: str) -> tuple[list[Rule], list[Item]]:
    rules = sorted((r for r in k.rules.values() if sid in r.statements), key=lambda r: r.label.lower())
    items = sorted((i for i in k.items if sid in i.statements), key=lambda i: i.label.lower())
    return rules, items


def _known_statements(k: Knowledge) -> list[str]:
    cited = {s for r in k.rules.values() for s in r.statements} | {s for i in k.items for s in i.statements}
    return sorted(cited | set(statement_rows()), key=lambda s: (len(s), s))


async def statement_index(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    rows = statement_rows()
    entries = []
    for sid in _known_statements(k):
        rules, items = _statement_terms(k, sid)
        entries.append({"id": sid, "row": rows.get(sid), "terms": len(rules) + len(items)})
    return render(request, "statement_index.html", entries=entries)


async def statement_page(request: Request) -> HTMLResponse:
    k = _knowledge(request)
    sid = request.path_params["sid"]
    if not STATEMENT_ID.fullmatch(sid) or sid not in _known_statements(k):
        return not_found(request, f"statement {sid}")
    row = statement_rows().get(sid)
    rules, items = _statement_terms(k, sid)
    seed_articles = {str(k.graph.value(a, DCTERMS.identifier)): a
                     for a in k.graph.subjects(DCTERMS.identifier, None) if isinstance(a, URIRef)}
    seeds = [{"number": n, **(_sources(k, [seed_articles[n]])[0] if n in seed_articles else
                              {"label": f"article {n}", "citation": f"art. {n}", "reference": ""})}
             for n in (row.seeds if row else ())]
    sources = {s for r in rules for s in r.sources} | {s for i in items for s in i.sources}
    return render(request, "statement.html", sid=sid, row=row, seeds=seeds,
                  sources=_sources(k, sorted(sources)),
                  rules=[_rule_view(k, r) for r in rules],
                  items=[{"item": i, "kind": k.label(i.kind),
                          "applies_to": [(k.label(t), local_name(t), t in k.therapies) for t in i.applies_to]}
                         for i in items],
                  revision_links=STATEMENT_ID.findall(row.relation) if row else [])


routes = [
    Route("/knowledge", knowledge_index, methods=["GET"], name="knowledge"),
    Route("/knowledge/rules", rule_index, methods=["GET"], name="rules"),
    Route("/knowledge/rules/{name:str}", rule_page, methods=["GET"], name="rule"),
    Route("/knowledge/therapies", therapy_index, methods=["GET"], name="therapies"),
    Route("/knowledge/therapies/{name:str}", therapy_page, methods=["GET"], name="therapy"),
    Route("/knowledge/statements", statement_index, methods=["GET"], name="statements"),
    Route("/knowledge/statements/{sid:str}", statement_page, methods=["GET"], name="statement"),
]
