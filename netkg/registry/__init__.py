"""Where reasoned cases live: the stores, batch reasoning into them, revisions, queries and the gate.

Layer 6 of the runtime path (see docs/architecture.md).
"""
