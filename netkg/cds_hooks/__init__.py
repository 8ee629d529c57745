"""A CDS Hooks 2.0 service (hook ``patient-view``): the netkg report as cards in an EHR (docs/cds-hooks.md).

``request`` checks a hook call and reads its prefetch, ``medications`` finds the medications ordered or
taken now, ``cards`` writes the cards, ``service`` joins them (discovery; request in, cards out), and
``routes`` serves them over HTTP (Starlette) for ``netkg.web`` to mount.
"""
