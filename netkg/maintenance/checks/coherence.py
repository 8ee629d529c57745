"""Coherence by HermiT: the ontology is consistent and every named class is satisfiable."""

from __future__ import annotations

import subprocess

from rdflib import URIRef

from netkg.maintenance.checks.base import ERROR, Check, CheckContext, register
from netkg.errors import EnvironmentProblem


def unsatisfiable_classes(ctx: CheckContext) -> tuple[bool, list[URIRef]]:
    """(consistent, unsatisfiable named classes) by HermiT; cached on the context."""
    if "coherence" in ctx.shared:
        return ctx.shared["coherence"]  # type: ignore[return-value]
    import owlready2
    from owlready2 import OwlReadyInconsistentOntologyError, World

    from netkg.reasoning.reference import ReasonerUnavailable, hermit_timeout_s, java_executable, run_hermit

    try:
        owlready2.JAVA_EXE = java_executable()
    except ReasonerUnavailable as exc:
        raise EnvironmentProblem(f"{exc} (or run netkg check --no-reasoner)") from None
    world = World()
    try:
        world.get_ontology(ctx.knowledge.ntriples_file().as_uri()).load(format="ntriples")
        if not run_hermit(world, hermit_timeout_s()).strip():
            raise ReasonerUnavailable(f"HermiT gave no result: the Java runtime at {owlready2.JAVA_EXE} exited "
                                      "without HermiT's output; check NETKG_JAVA and the Java installation")
        result = (True, sorted(URIRef(c.iri) for c in world.inconsistent_classes() if hasattr(c, "iri")
                               and not c.iri.endswith("#Nothing")))
    except OwlReadyInconsistentOntologyError:
        result = (False, [])
    except ReasonerUnavailable as exc:
        raise EnvironmentProblem(str(exc)) from None
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else str(exc.stderr or exc)
        raise EnvironmentProblem(f"HermiT failed: {detail.strip().splitlines()[-1] if detail.strip() else exc}") from None
    finally:
        world.close()
    ctx.shared["coherence"] = result
    return result


@register("coherence", ERROR, "HermiT finds the ontology consistent and every named class satisfiable",
          needs_reasoner=True)
def coherence(check: Check, ctx: CheckContext):
    consistent, unsat = unsatisfiable_classes(ctx)
    if not consistent:
        yield check.finding(ctx.knowledge.ontology_iri, "", "", "the ontology is inconsistent")
    for cls in unsat:
        yield check.finding(cls, "", "owl:Nothing", "class is unsatisfiable (equivalent to owl:Nothing)")
