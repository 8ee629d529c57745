"""Tools for the people who maintain the knowledge: checks, impact, coverage, graph, releases.

They sit above the runtime path and use it; nothing on the runtime path imports them
(see docs/architecture.md).
"""
