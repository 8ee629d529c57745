"""Quality checks of the ontology, as plug-ins with one report model (see :mod:`.base`).

Checks are registered by the modules of this package (``lint``, ``coherence``, ``profile``,
``structure``) and one is made of every ``queries/qc/*-violation.rq`` file
(``queries``); :func:`run_checks` runs them all and applies the per-entity
exemptions: an entity annotated ``netkg:exemptFrom "<check-id>"`` is never
reported by that check.

``netkg check`` exits 0 when no ERROR is found and 1 otherwise.
"""

from __future__ import annotations

from typing import Iterable, Optional

from netkg.maintenance.checks import coherence, lint, profile, queries, structure  # noqa: F401  (they register)
from netkg.maintenance.checks.base import QC_QUERIES, REGISTRY, SEVERITIES, Check, CheckContext, CheckReport, \
    Finding, exemptions


def all_checks(ctx: Optional[CheckContext] = None) -> list[Check]:
    """Every registered check, including one per violation query found."""
    checks = list(REGISTRY.values())
    qdir = ctx.queries_dir if ctx else QC_QUERIES
    checks.extend(queries.query_checks(qdir))
    return sorted(checks, key=lambda c: c.id)


def run_checks(ctx: CheckContext, only: Optional[Iterable[str]] = None) -> CheckReport:
    """Run every check (or those in ``only``) and collect the findings, most severe first."""
    checks = all_checks(ctx)
    if only:
        wanted = set(only)
        unknown = wanted - {c.id for c in checks}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        checks = [c for c in checks if c.id in wanted]
    exempt = exemptions(ctx.knowledge)
    findings: list[Finding] = []
    skipped: list[str] = []
    exempted = 0
    for check in checks:
        if check.needs_reasoner and not ctx.use_reasoner:
            skipped.append(check.id)
            continue
        for f in check.run(ctx):
            if f.entity in exempt.get(check.id, ()):
                exempted += 1
                continue
            findings.append(f)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.check, f.entity, f.property, f.value))
    return CheckReport(findings, checks, skipped, exempted)
