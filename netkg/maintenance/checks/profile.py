"""The OWL 2 DL profile, as the OWL API checks it (every term declared, no illegal construct)."""

from __future__ import annotations

from netkg.errors import EnvironmentProblem
from netkg.maintenance.checks.base import ERROR, Check, CheckContext, register
from netkg.reasoning.owltools import ReasonerUnavailable, owl2_dl_violations


@register("owl2-dl-profile", ERROR, "the ontology is in the OWL 2 DL profile (OWL API): every annotation property, "
          "datatype and entity declared, no construct outside OWL 2 DL", needs_reasoner=True)
def owl2_dl_profile(check: Check, ctx: CheckContext):
    try:
        violations = owl2_dl_violations(ctx.knowledge.ntriples_file())
    except ReasonerUnavailable as exc:
        raise EnvironmentProblem(f"{exc} (or run netkg check --no-reasoner)") from None
    for v in violations:
        message = v.message if not v.axiom or v.axiom in v.message else f"{v.message} in {v.axiom}"
        yield check.finding(v.entity or ctx.knowledge.ontology_iri, "", v.kind, message)
