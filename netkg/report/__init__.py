"""The recommendation report: built from a classification, and written as text, JSON or Turtle.

Layer 4 of the runtime path (see docs/architecture.md).
"""
