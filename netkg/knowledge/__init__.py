"""The ontology: read once, indexed for the report, its class expressions as a small tree.

Layer 1 of the runtime path (see docs/architecture.md): it imports only the foundation modules.
"""
