"""The decision knowledge as a graph: rules, therapies and how they connect.

Nodes are rules (recommendation and caution rules, with their line) and
therapies; edges are typed:

* ``recommended`` / ``consider`` / ``not recommended`` / ``contraindicated``
  / ``caution``: from a rule to the therapy its axiom names;
* ``subclass``: from a therapy to its parent therapy;
* ``component``: from a regimen to a drug it contains (``hasComponent some``).

The graph is exported as GraphML and drawn by Graphviz (``dot``), one cluster per
therapy family; two structural checks use it: therapies no recommendation reaches, and rules no
case can trigger.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import graphviz
import networkx as nx
from rdflib import BNode, URIRef

from netkg import vocabulary as V
from netkg.errors import EnvironmentProblem
from netkg.knowledge.ontology import STRENGTH_NAMES, Knowledge
from netkg.maintenance.cohort import DEFAULT_COHORT, classify_cohort
from netkg.report.therapy_gaps import FAMILIES
from netkg.vocabulary import NETKG, OWL, RDF, RDFS

EDGE_COLOURS = {
    "recommended": "#1a7f37",
    "consider": "#5fa8d3",
    "not recommended": "#d4a017",
    "contraindicated": "#c0392b",
    "caution": "#8e44ad",
    "subclass": "#888888",
    "component": "#bbbbbb",
}
THERAPY_FAMILIES = (V.RECOMMENDATION_RULE, V.CAUTION_RULE)


def node_id(iri: URIRef, kind: str = "therapy") -> str:
    """``<kind>:<local name>``: a rule and a therapy never share a node, even if they shared an IRI."""
    text = str(iri)
    local = text[len(str(NETKG)):] if text.startswith(str(NETKG)) else text
    return f"{kind}:{local}"


def components(knowledge: Knowledge, therapy: URIRef) -> list[URIRef]:
    g = knowledge.graph
    out = []
    for sup in g.objects(therapy, RDFS.subClassOf):
        if isinstance(sup, BNode) and g.value(sup, OWL.onProperty) == NETKG.hasComponent:
            filler = g.value(sup, OWL.someValuesFrom)
            if isinstance(filler, URIRef):
                out.append(filler)
    return out


def build_graph(knowledge: Knowledge) -> nx.DiGraph:
    """The rule-therapy graph of ``knowledge``."""
    G = nx.DiGraph()
    for t in sorted(knowledge.therapies):
        G.add_node(node_id(t), kind="therapy", label=knowledge.label(t), iri=str(t))
    drugs = set()
    for t in sorted(knowledge.therapies):
        for parent in knowledge.told_parents.get(t, ()):
            if parent in knowledge.therapies and parent != t:
                G.add_edge(node_id(t), node_id(parent), kind="subclass")
        for drug in components(knowledge, t):
            drugs.add(drug)
            G.add_node(node_id(drug, "drug"), kind="drug", label=knowledge.label(drug), iri=str(drug))
            G.add_edge(node_id(t), node_id(drug, "drug"), kind="component")
    for rule in sorted(knowledge.rules.values(), key=lambda r: str(r.iri)):
        if rule.family not in THERAPY_FAMILIES:
            continue
        G.add_node(node_id(rule.iri, "rule"), kind="rule", label=rule.label, iri=str(rule.iri),
                   family=str(rule.family), line=str(rule.line) if rule.line else "",
                   statements=",".join(rule.statements))
        for ax in rule.axioms:
            if node_id(ax.therapy) not in G:
                G.add_node(node_id(ax.therapy), kind="therapy", label=knowledge.label(ax.therapy), iri=str(ax.therapy))
            G.add_edge(node_id(rule.iri, "rule"), node_id(ax.therapy), kind=STRENGTH_NAMES[ax.strength])
    return G


def write_graphml(G: nx.DiGraph, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(G, path)
    return path


STRENGTH_STYLES = {
    "recommended": "solid",
    "consider": "dashed",
    "not recommended": "solid",
    "contraindicated": "bold",
    "caution": "dotted",
}
OTHER_FAMILY = "other therapies"


def therapy_family(knowledge: Knowledge, therapy: URIRef) -> Optional[URIRef]:
    """The narrowest of the report's therapy families (:data:`FAMILIES`) that holds ``therapy``, if any."""
    holding = [f for f in FAMILIES if knowledge.subsumes(f, therapy)]
    narrowest = [f for f in holding if not any(g != f and knowledge.subsumes(f, g) for g in holding)]
    return narrowest[0] if narrowest else None


def to_dot(G: nx.DiGraph, knowledge: Knowledge, title: str = "netkg decision graph") -> graphviz.Digraph:
    """The decision graph as Graphviz source: one cluster per therapy family, laid out left to right.

    Each cluster holds the family's therapies and the rules whose first therapy axiom names one
    of them, so a reader finds every rule about, say, chemotherapy in one box.  Edges are
    coloured and styled by strength; regimen components are thin grey dashes.  The therapy
    hierarchy is left to the GraphML export, where it does not cross the rule edges.
    """
    drawn = {n for u, v, e in G.edges(data=True) if e["kind"] != "subclass" for n in (u, v)}
    family_of: dict[str, str] = {}
    for n, d in G.nodes(data=True):
        if n not in drawn:
            continue  # only in the therapy hierarchy: kept in the GraphML
        if d["kind"] != "rule":
            family = therapy_family(knowledge, URIRef(d["iri"]))
            family_of[n] = knowledge.label(family) if family is not None else OTHER_FAMILY
    for n, d in G.nodes(data=True):
        if d["kind"] == "rule" and n in drawn:
            targets = [v for _, v, e in G.out_edges(n, data=True) if e["kind"] in STRENGTH_STYLES]
            family_of[n] = family_of[sorted(targets)[0]] if targets else OTHER_FAMILY
    order = [knowledge.label(f) for f in FAMILIES] + [OTHER_FAMILY]
    dot = graphviz.Digraph("netkg", graph_attr={
        "rankdir": "LR", "label": title, "labelloc": "t", "fontname": "Helvetica", "fontsize": "16",
        "newrank": "true", "nodesep": "0.08", "ranksep": "1.2", "compound": "true"})
    dot.attr("node", fontname="Helvetica", fontsize="10", margin="0.06,0.02", height="0.2")
    dot.attr("edge", arrowsize="0.5", penwidth="0.9")
    # Graphviz stacks clusters of a left-to-right layout bottom up: add them in reverse to read top down.
    for index, family in reversed(list(enumerate(f for f in order if f in family_of.values()))):
        with dot.subgraph(name=f"cluster_{index}") as box:
            box.attr(label=family, style="rounded,filled", fillcolor="#f6f8fa", color="#c8ced6", fontsize="13")
            for n in sorted(m for m, f in family_of.items() if f == family):
                data = G.nodes[n]
                if data["kind"] == "rule":
                    line = f" [{knowledge.label(URIRef(data['line']))}]" if data.get("line") else ""
                    box.node(_gv(n), f"{data['label']}{line}\n{data.get('statements', '').replace(',', ' ')}",
                             shape="box", style="rounded,filled", fillcolor="#ffffff", color="#34495e",
                             tooltip=data["iri"])
                else:
                    box.node(_gv(n), data["label"], shape="ellipse", style="filled",
                             fillcolor="#d5f5e3" if data["kind"] == "therapy" else "#eeeeee", color="#16a085",
                             tooltip=data["iri"])
    for u, v, d in sorted(G.edges(data=True), key=lambda e: (e[0], e[1])):
        kind = d["kind"]
        if kind in STRENGTH_STYLES:
            dot.edge(_gv(u), _gv(v), color=EDGE_COLOURS[kind], style=STRENGTH_STYLES[kind], tooltip=kind)
        elif kind == "component":
            dot.edge(_gv(u), _gv(v), color=EDGE_COLOURS[kind], style="dashed", arrowhead="none")
    rows = "".join(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}">&#9472;&#9472; {kind}</FONT></TD></TR>'
                   for kind, colour in EDGE_COLOURS.items() if kind != "subclass")
    dot.node("legend", f'<<TABLE BORDER="1" COLOR="#c8ced6" CELLBORDER="0" CELLSPACING="2">'
                       f'<TR><TD><B>edges</B></TD></TR>{rows}</TABLE>>', shape="plaintext")
    return dot


def _gv(node: str) -> str:
    """A Graphviz node id for ``node``: Graphviz reads ``a:b`` in an edge as node ``a``, port ``b``."""
    return node.replace(":", "__")


def render(dot: graphviz.Digraph, path: str | Path) -> Path:
    """Write ``dot`` as ``.dot`` source, or lay it out with Graphviz into an ``.svg``/``.png``/``.pdf`` picture.

    Laying out needs the Graphviz ``dot`` program (Debian: ``graphviz``; ``scripts/setup.sh``
    installs it); without it, :class:`~netkg.errors.EnvironmentProblem` says so (exit 3).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("dot", "gv"):
        path.write_text(dot.source, encoding="utf-8")
        return path
    try:
        data = dot.pipe(format=suffix)
    except graphviz.ExecutableNotFound as exc:
        raise EnvironmentProblem(
            "drawing the decision graph needs Graphviz's 'dot' program, which was not found on PATH; "
            "install it (Debian/Ubuntu: apt-get install graphviz, or run scripts/setup.sh as root) "
            f"or write the Graphviz source with --out {path.with_suffix('.dot').name}") from exc
    path.write_bytes(data)
    return path


def unreachable_therapies(knowledge: Knowledge) -> list[URIRef]:
    """Therapies that no positive recommendation (recommended/consider) reaches.

    A therapy is reached when a recommendation rule names it, an ancestor or
    a descendant of it, or a regimen that contains it.
    """
    targets = {ax.therapy for r in knowledge.rules.values() if r.family == V.RECOMMENDATION_RULE
               for ax in r.axioms if ax.strength in V.POSITIVE_PROPERTIES}
    reached = set()
    for t in knowledge.therapies:
        if any(knowledge.related(t, target) for target in targets):
            reached.add(t)
    for t in list(reached):
        reached.update(components(knowledge, t))
    return sorted(t for t in knowledge.therapies
                  if t not in reached and t != V.THERAPY and t not in knowledge.deprecated
                  and (t, RDF.type, OWL.Class) in knowledge.graph)


def untriggered_rules(knowledge: Knowledge, cohort: Optional[Path] = None, engine: str = "fast") -> list[URIRef]:
    """Recommendation and caution rules that no case of the cohort triggers."""
    fired: set[URIRef] = set()
    for _, classification in classify_cohort(knowledge, Path(cohort or DEFAULT_COHORT), engine):
        fired.update(classification.case_types)
    return sorted(r.iri for r in knowledge.rules.values() if r.family in THERAPY_FAMILIES and r.iri not in fired)
