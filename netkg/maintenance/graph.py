"""The decision knowledge as a graph: rules, therapies and how they connect.

Nodes are rules (recommendation and caution rules, with their line) and
therapies; edges are typed:

* ``recommended`` / ``consider`` / ``not recommended`` / ``contraindicated``
  / ``caution``: from a rule to the therapy its axiom names;
* ``subclass``: from a therapy to its parent therapy;
* ``component``: from a regimen to a drug it contains (``hasComponent some``).

The graph is exported as GraphML and drawn (matplotlib, Agg backend); two
structural checks use it: therapies no recommendation reaches, and rules no
case can trigger.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import networkx as nx
from rdflib import BNode, URIRef

from netkg import vocabulary as V
from netkg.knowledge.ontology import STRENGTH_NAMES, Knowledge
from netkg.maintenance.cohort import DEFAULT_COHORT, classify_cohort
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


def draw(G: nx.DiGraph, path: str | Path, title: str = "netkg decision graph") -> Path:
    """Draw rules (left) and therapies (right) as a bipartite picture; SVG or PNG by extension."""
    import matplotlib  # optional: only drawing needs it (the test extra installs it)

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "netkg"
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rules = sorted((n for n, d in G.nodes(data=True) if d["kind"] == "rule"),
                   key=lambda n: (G.nodes[n].get("family", ""), n))
    targets = sorted((n for n, d in G.nodes(data=True) if d["kind"] != "rule"),
                     key=lambda n: (G.nodes[n]["kind"], n))
    height = max(len(rules), len(targets))
    pos = {}
    for i, n in enumerate(rules):
        pos[n] = (0.0, height - i * height / max(len(rules), 1))
    for i, n in enumerate(targets):
        x = 1.0 if G.nodes[n]["kind"] == "therapy" else 1.45
        pos[n] = (x, height - i * height / max(len(targets), 1))
    fig, ax = plt.subplots(figsize=(13, max(8, height * 0.24)))
    drawn = {k: c for k, c in EDGE_COLOURS.items() if k != "subclass"}  # the hierarchy is in the GraphML only
    for kind, colour in drawn.items():
        edges = [(u, v) for u, v, d in G.edges(data=True) if d["kind"] == kind]
        if not edges:
            continue
        style = "dashed" if kind in ("subclass", "component") else "solid"
        nx.draw_networkx_edges(G, pos, edgelist=edges, edge_color=colour, style=style, width=0.8,
                               arrows=True, arrowsize=6, ax=ax, connectionstyle="arc3,rad=0.05")
    nx.draw_networkx_nodes(G, pos, nodelist=rules, node_size=18, node_color="#34495e", ax=ax)
    nx.draw_networkx_nodes(G, pos, nodelist=targets, node_size=18, node_color="#16a085", ax=ax)
    for n in rules:
        x, y = pos[n]
        ax.text(x - 0.02, y, n.split(":", 1)[1], ha="right", va="center", fontsize=6)
    for n in targets:
        x, y = pos[n]
        ax.text(x + 0.02, y, G.nodes[n]["label"], ha="left", va="center", fontsize=6)
    ax.legend(handles=[Line2D([0], [0], color=c, lw=2, label=k) for k, c in drawn.items()],
              loc="lower center", ncol=6, fontsize=7, frameon=False, bbox_to_anchor=(0.5, -0.04))
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-0.9, 2.0)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None} if path.suffix.lower() == ".svg" else None)
    plt.close(fig)
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
