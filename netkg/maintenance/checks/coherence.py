"""Coherence by HermiT: the ontology is consistent and every named class is satisfiable."""

from __future__ import annotations

from netkg.errors import EnvironmentProblem
from netkg.maintenance.checks.base import ERROR, Check, CheckContext, register
from netkg.reasoning.reference import Coherence, ReasonerUnavailable, ontology_coherence


def unsatisfiable_classes(ctx: CheckContext) -> Coherence:
    """(consistent, unsatisfiable named classes) by HermiT; cached on the context."""
    if "coherence" not in ctx.shared:
        try:
            ctx.shared["coherence"] = ontology_coherence(ctx.knowledge)
        except ReasonerUnavailable as exc:
            raise EnvironmentProblem(f"{exc} (or run netkg check --no-reasoner)") from None
    return ctx.shared["coherence"]  # type: ignore[return-value]


@register("coherence", ERROR, "HermiT finds the ontology consistent and every named class satisfiable",
          needs_reasoner=True)
def coherence(check: Check, ctx: CheckContext):
    consistent, unsat = unsatisfiable_classes(ctx)
    if not consistent:
        yield check.finding(ctx.knowledge.ontology_iri, "", "", "the ontology is inconsistent")
    for cls in unsat:
        yield check.finding(cls, "", "owl:Nothing", "class is unsatisfiable (equivalent to owl:Nothing)")
