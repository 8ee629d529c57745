"""Graph checks over the rule-therapy graph (see :mod:`netkg.maintenance.graph`)."""

from __future__ import annotations

from netkg import vocabulary as V
from netkg.maintenance.checks.base import WARN, Check, CheckContext, register
from netkg.maintenance.checks.coherence import unsatisfiable_classes
from netkg.maintenance.graph import unreachable_therapies, untriggered_rules
from netkg.maintenance.cohort import DEFAULT_COHORT


@register("unreachable-therapy", WARN, "every therapy is reached by some recommendation (directly or through the hierarchy)")
def unreachable_therapy(check: Check, ctx: CheckContext):
    for t in unreachable_therapies(ctx.knowledge):
        yield check.finding(t, V.RECOMMENDED, "", "no recommendation or consider axiom reaches this therapy")


@register("untriggered-rule", WARN, "every recommendation and caution rule fires for some case of the example cohort")
def untriggered_rule(check: Check, ctx: CheckContext):
    cohort = ctx.cohort or DEFAULT_COHORT
    if not cohort.exists():
        return
    for r in untriggered_rules(ctx.knowledge, cohort):
        yield check.finding(r, "", "", f"no case in {cohort.name}/ triggers this rule (fast engine); "
                            "add a case or review the rule's definition")


@register("unsatisfiable-rule", WARN, "no rule is unsatisfiable (no case profile could ever trigger it)",
          needs_reasoner=True)
def unsatisfiable_rule(check: Check, ctx: CheckContext):
    _, unsat = unsatisfiable_classes(ctx)
    for cls in unsat:
        if cls in ctx.knowledge.rules:
            yield check.finding(cls, "", "owl:Nothing", "rule is unsatisfiable: no case can ever trigger it")
