"""Coherence by HermiT: the ontology is consistent and every named class is satisfiable.

HermiT runs through the OWL API tool of :mod:`netkg.reasoning.owltools`, which also explains
each unsatisfiable class: it is a ROOT (its own axioms clash) or DERIVED (it is unsatisfiable
because another unsatisfiable class is), and its finding lists the justifications, the minimal
sets of axioms that make it unsatisfiable.  Repair the roots first.
"""

from __future__ import annotations

from netkg.errors import EnvironmentProblem
from netkg.maintenance.checks.base import ERROR, Check, CheckContext, register
from netkg.reasoning.owltools import Explanation, Unsatisfiable, explain_unsatisfiable
from netkg.reasoning.reference import Coherence, ReasonerUnavailable


def explanation(ctx: CheckContext) -> Explanation:
    """HermiT's verdict on the knowledge with its unsatisfiable classes explained; cached on the context."""
    if "explanation" not in ctx.shared:
        try:
            ctx.shared["explanation"] = explain_unsatisfiable(ctx.knowledge.ntriples_file())
        except ReasonerUnavailable as exc:
            raise EnvironmentProblem(f"{exc} (or run netkg check --no-reasoner)") from None
    return ctx.shared["explanation"]  # type: ignore[return-value]


def unsatisfiable_classes(ctx: CheckContext) -> Coherence:
    """(consistent, unsatisfiable named classes) by HermiT; cached on the context."""
    return explanation(ctx).coherence()


def describe(unsat: Unsatisfiable) -> str:
    """The message for an unsatisfiable class: ROOT or DERIVED and its justifications."""
    head = {"ROOT": "ROOT: class is unsatisfiable (equivalent to owl:Nothing) by its own axioms",
            "DERIVED": "DERIVED: class is unsatisfiable because another unsatisfiable class is; repair the roots first",
            }.get(unsat.status, "class is unsatisfiable (equivalent to owl:Nothing); no justification found in time")
    parts = [head]
    for number, axioms in enumerate(unsat.justifications, 1):
        parts.append(f"justification {number}: " + "; ".join(axioms))
    return " | ".join(parts)


@register("coherence", ERROR, "HermiT finds the ontology consistent and every named class satisfiable "
          "(each unsatisfiable class explained: ROOT or DERIVED, with its justifications)", needs_reasoner=True)
def coherence(check: Check, ctx: CheckContext):
    verdict = explanation(ctx)
    if not verdict.consistent:
        yield check.finding(ctx.knowledge.ontology_iri, "", "", "the ontology is inconsistent")
    for unsat in verdict.unsatisfiable:
        yield check.finding(unsat.cls, "", unsat.status, describe(unsat))
