"""The OWL API tools: the OWL 2 DL profile check, explanations of unsatisfiable classes, and entailment checks.

Both run ``NetkgOwlTools.java`` (kept beside this module as source) against the HermiT jar
owlready2 ships, which also holds the OWL API 3.4.  The source is compiled with ``javac`` on
first use into a cache folder keyed by the hash of the source and the jar:
``$NETKG_JAVA_TOOLS_CACHE``, else ``$XDG_CACHE_HOME/netkg``, else ``~/.cache/netkg`` (never the
repository).  Java, its memory and the time limit are those of HermiT (``NETKG_JAVA``,
``NETKG_JAVA_MEMORY``, ``NETKG_HERMIT_TIMEOUT``); ``NETKG_JAVAC`` names the compiler.

Explanations: for every unsatisfiable named class, up to ``max_justifications`` justifications
(minimal sets of axioms that make it unsatisfiable), found by the OWL API's black-box
explanation with a hitting-set tree over HermiT.  A class is **derived** when one of its
justifications goes through another unsatisfiable class ``D``: the justification holds a whole
justification found for ``D``, or a ``SubClassOf`` or ``EquivalentClasses`` axiom with the class on
its left side (the named subclass, or a named member of the equivalence) that names ``D``.  Every
other unsatisfiable class with a justification is a **root**: repairing the roots repairs the
derived classes too.

Entailment checks (:func:`entailed_class_assertions`): whether an ontology entails that an individual is
an instance of a class, each decided by HermiT's own entailment test (is the ontology with the negated
assertion inconsistent?) rather than read from a realization of every individual.  HermiT's realization
has, on rare runs, left out a type it entails (docs/maintenance.md); the entailment test is the
definition of the answer, so the engine ``hermit`` decides with it every class on which the realization
and the fast path differ (:mod:`netkg.reasoning.checked`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional

from rdflib import URIRef

from netkg.cases.facts import CaseFacts
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.reference import Coherence, ReasonerUnavailable, hermit_timeout_s, java_executable, \
    java_memory_mb
from netkg.vocabulary import curie

TOOL = "NetkgOwlTools"
SOURCE = Path(str(resources.files("netkg.reasoning") / "java" / f"{TOOL}.java"))  # package data
HERMIT_JAR = Path(str(resources.files("owlready2") / "hermit" / "HermiT.jar"))
MAX_JUSTIFICATIONS = 3
EXPLAIN_SECONDS_PER_CLASS = 60.0
ROOT = "ROOT"
DERIVED = "DERIVED"
UNEXPLAINED = "UNEXPLAINED"
_IRI = re.compile(r"<([^<>\s]+)>")
_ONTOLOGY_ID = re.compile(r" in OntologyID\(.*?\)\)(?=\]|$)")  # the OWL API names the ontology in each message
_LEFT_AXIOMS = ("SubClassOf", "EquivalentClasses")


@dataclass(frozen=True)
class ProfileViolation:
    """One OWL 2 DL profile violation found by the OWL API."""

    kind: str     # the OWL API's violation class, e.g. UseOfUndeclaredAnnotationProperty
    entity: str   # the entity it is about (CURIE), or "" when the violation names none
    axiom: str    # the axiom, functional syntax with CURIEs, or "" for an ontology-level violation
    message: str  # the OWL API's message, with CURIEs


@dataclass(frozen=True)
class Unsatisfiable:
    """An unsatisfiable named class, whether it is a root or derived, and why."""

    cls: URIRef
    status: str                              # ROOT, DERIVED, or UNEXPLAINED (no justification in time)
    justifications: tuple[tuple[str, ...], ...]  # axioms in functional syntax with CURIEs


@dataclass(frozen=True)
class Explanation:
    """HermiT's verdict on an ontology, with the unsatisfiable classes explained."""

    consistent: bool
    unsatisfiable: tuple[Unsatisfiable, ...]  # sorted by class; none when inconsistent

    def coherence(self) -> Coherence:
        """The verdict alone: consistency and the unsatisfiable classes."""
        return Coherence(self.consistent, [u.cls for u in self.unsatisfiable])


def owl2_dl_violations(path: Path) -> list[ProfileViolation]:
    """Every OWL 2 DL profile violation of the ontology file at ``path`` (RDF/XML, N-Triples, Turtle 1.0)."""
    rows = _run("profile", Path(path))
    return [ProfileViolation(r["type"], curie(r["entity"]) if r["entity"] else "", shorten(r["axiom"]),
                             shorten(_ONTOLOGY_ID.sub("", r["message"]))) for r in rows if r.get("kind") == "violation"]


def explain_unsatisfiable(path: Path, max_justifications: int = MAX_JUSTIFICATIONS,
                          seconds_per_class: float = EXPLAIN_SECONDS_PER_CLASS) -> Explanation:
    """Consistency and the unsatisfiable named classes of the ontology at ``path``, each explained.

    Up to ``max_justifications`` justifications per class, searched for at most
    ``seconds_per_class``; a class without one in time is ``UNEXPLAINED``.
    """
    rows = _run("explain", Path(path), str(max_justifications), f"{seconds_per_class:g}")
    head = next((r for r in rows if r.get("kind") == "coherence"), None)
    if head is None:
        raise ReasonerUnavailable("the OWL API explanation tool gave no verdict; check NETKG_JAVA")
    found = {r["class"]: r["justifications"] for r in rows if r.get("kind") == "unsatisfiable"}
    unsat = set(head["unsatisfiable"])
    out = []
    for cls in sorted(unsat):
        justifications = found.get(cls, [])
        out.append(Unsatisfiable(URIRef(cls), _status(cls, justifications, unsat, found),
                                 tuple(tuple(shorten(a["axiom"]) for a in j) for j in justifications)))
    return Explanation(bool(head["consistent"]), tuple(out))


def entailed_class_assertions(path: Path, questions: Iterable[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    """For each ``(individual IRI, class IRI)``: does the ontology at ``path`` entail the class assertion?

    Raises :class:`ReasonerUnavailable` when the ontology is inconsistent (everything would be entailed).
    """
    asked = sorted(set(questions))
    with tempfile.TemporaryDirectory(prefix="netkg-entails-") as tmp:
        listing = Path(tmp) / "questions.txt"
        listing.write_text("".join(f"{i} {c}\n" for i, c in asked), encoding="utf-8")
        rows = _run("entails", Path(path), listing)
    head = next((r for r in rows if r.get("kind") == "coherence"), None)
    if head is None:
        raise ReasonerUnavailable("the OWL API entailment tool gave no verdict; check NETKG_JAVA")
    if not head["consistent"]:
        raise ReasonerUnavailable(f"{path} is inconsistent: every class assertion is entailed")
    answers = {(r["individual"], r["class"]): bool(r["entailed"]) for r in rows if r.get("kind") == "entailment"}
    missing = [q for q in asked if q not in answers]
    if missing:
        raise ReasonerUnavailable(f"the OWL API entailment tool gave no answer for {missing[0][0]} {missing[0][1]}")
    return answers


def case_entailments(knowledge: Knowledge, facts: CaseFacts, classes: Iterable[tuple[URIRef, URIRef]]) -> dict[tuple[URIRef, URIRef], bool]:
    """For each ``(individual, class)`` of one case: does the knowledge with the case alone entail the assertion?"""
    asked = [(URIRef(i), URIRef(c)) for i, c in classes]
    with tempfile.TemporaryDirectory(prefix="netkg-entails-") as tmp:
        ontology = Path(tmp) / "case.nt"
        with open(ontology, "w", encoding="utf-8") as out:
            out.write(knowledge.ntriples_file().read_text(encoding="utf-8"))
            out.write(facts.to_graph().serialize(format="nt"))
        answers = entailed_class_assertions(ontology, [(str(i), str(c)) for i, c in asked])
    return {(i, c): answers[(str(i), str(c))] for i, c in asked}


def _status(cls: str, justifications: list[list[dict]], unsat: set[str], found: dict[str, list[list[dict]]]) -> str:
    """ROOT, DERIVED or UNEXPLAINED for ``cls`` (the method is in the module docstring)."""
    if not justifications:
        return UNEXPLAINED
    others = unsat - {cls}
    for justification in justifications:
        axioms = {a["axiom"] for a in justification}
        if any({a["axiom"] for a in other} <= axioms for d in others for other in found.get(d, [])):
            return DERIVED
        if any(a["type"] in _LEFT_AXIOMS and cls in a["left"] and others & set(a["classes"]) for a in justification):
            return DERIVED
    return ROOT


def shorten(text: str) -> str:
    """``text`` with every ``<IRI>`` in a known namespace written as a CURIE."""
    return _IRI.sub(lambda m: curie(m.group(1)) if curie(m.group(1)) != m.group(1) else m.group(0), text)


def _run(*args: object) -> list[dict]:
    """Run the tool with ``args``; its JSON lines."""
    java = java_executable()
    classes = compiled_tools(java)
    timeout_s = hermit_timeout_s()
    command = [java, f"-Xmx{java_memory_mb()}m", "-cp", os.pathsep.join([str(HERMIT_JAR), str(classes)]), TOOL,
               *map(str, args)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise ReasonerUnavailable(f"the OWL API tool did not finish within {timeout_s:g} s (NETKG_HERMIT_TIMEOUT)") from None
    except OSError as exc:
        raise ReasonerUnavailable(f"the OWL API tool could not be started with {java}: {exc}") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        problem = next((line for line in lines if "Exception" in line or "Error" in line), lines[-1] if lines else "")
        if "OutOfMemoryError" in done.stderr:
            problem = "out of memory; set NETKG_JAVA_MEMORY higher"
        raise ReasonerUnavailable(f"the OWL API tool failed on {args[1]}: {problem or 'no message'}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def tools_cache() -> Path:
    """The folder compiled tools are kept in (see the module docstring)."""
    explicit = os.environ.get("NETKG_JAVA_TOOLS_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "netkg"


def compiled_tools(java: Optional[str] = None) -> Path:
    """The folder holding the compiled tool for this source and jar, compiling it when missing."""
    digest = hashlib.sha256(SOURCE.read_bytes() + HERMIT_JAR.read_bytes()).hexdigest()[:16]
    target = tools_cache() / f"owltools-{digest}"
    if (target / f"{TOOL}.class").exists():
        return target
    javac = _javac(java or java_executable())
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="owltools-", dir=target.parent) as tmp:
        try:
            done = subprocess.run([javac, "-nowarn", "--release", "11", "-cp", str(HERMIT_JAR), "-d", tmp, str(SOURCE)],
                                  capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ReasonerUnavailable(f"javac at {javac} failed to run: {exc}") from None
        if done.returncode != 0:
            raise ReasonerUnavailable(f"javac could not compile {SOURCE.name}: {done.stderr.strip()[-500:]}")
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / f"{TOOL}.class").exists():  # else another process compiled it meanwhile
                raise
        else:
            os.makedirs(tmp, exist_ok=True)  # for TemporaryDirectory's clean-up
    return target


def _javac(java: str) -> str:
    """The Java compiler: ``NETKG_JAVAC``, the one beside ``java``, or the one on PATH."""
    beside = Path(java).resolve().with_name("javac")
    found = os.environ.get("NETKG_JAVAC") or (str(beside) if beside.exists() else shutil.which("javac"))
    if not found:
        raise ReasonerUnavailable(
            "the OWL API checks compile a small Java tool and need a Java compiler (javac), which was not found. "
            "Install a JDK (Debian/Ubuntu: apt-get install default-jdk-headless) or set NETKG_JAVAC.")
    return found
