"""The patient case: its vocabulary, validation, course and facts.

Layer 2 of the runtime path (see docs/architecture.md): it reads the knowledge's vocabulary
(:mod:`netkg.vocabulary`) and nothing from reasoning, reports or the registry.
"""
