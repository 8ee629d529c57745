"""The reference path: HermiT, through owlready2.

The coherence of the knowledge alone (``netkg check``) is asked of HermiT through the OWL API,
which also explains it (:mod:`netkg.reasoning.owltools`); the Java settings here serve both.

Each call of :class:`HermitReasoner` classifies a chunk of cases in a fresh owlready2 world holding the
knowledge and the chunk's individuals.  Cases share nothing but the
knowledge, so chunking gives the same answers as one call per case while
paying the JVM start once per chunk.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, NamedTuple

import owlready2
import owlready2.reasoning
from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit
from rdflib import Graph, URIRef

from netkg.cases.facts import CaseFacts
from netkg.errors import EnvironmentProblem
from netkg.knowledge.ontology import Knowledge
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG

DEFAULT_CHUNK = 25
HERMIT_ATTEMPTS = 3
DEFAULT_TIMEOUT_S = 600.0
_OUTPUT_MARK = "* Owlready2 * HermiT output:"
_AXIOM_LINE = re.compile(r"^[A-Za-z]+\( <[^>]+>")
_TYPE_LINE = re.compile(r"^Type\( <([^>]+)> <[^>]+> \)$", re.MULTILINE)


class ReasonerUnavailable(EnvironmentProblem):
    """HermiT cannot run: no Java, out of memory, or the reasoner failed."""


def java_executable() -> str:
    """The Java runtime HermiT will use, or raise :class:`ReasonerUnavailable`."""
    java = os.environ.get("NETKG_JAVA") or shutil.which("java")
    if not java:
        raise ReasonerUnavailable(
            "HermiT needs a Java runtime (11 or newer) and none was found on PATH. "
            "Install one (Debian/Ubuntu: apt-get install default-jre-headless), set NETKG_JAVA, "
            "or use the fast path with --engine fast.")
    try:
        subprocess.run([java, "-version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReasonerUnavailable(f"the Java runtime at {java} does not start: {exc}") from None
    return java


def java_memory_mb() -> int:
    """The Java heap for HermiT in MB: ``NETKG_JAVA_MEMORY`` or 2000."""
    raw = os.environ.get("NETKG_JAVA_MEMORY", "2000")
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 64:
        raise ReasonerUnavailable(f"NETKG_JAVA_MEMORY must be a whole number of megabytes, at least 64; got {raw!r}")
    return value


def hermit_timeout_s() -> float:
    """The time limit of one HermiT run in seconds: ``NETKG_HERMIT_TIMEOUT`` or 600."""
    raw = os.environ.get("NETKG_HERMIT_TIMEOUT", str(DEFAULT_TIMEOUT_S))
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise ReasonerUnavailable(f"NETKG_HERMIT_TIMEOUT must be a positive number of seconds; got {raw!r}")
    return value


@contextlib.contextmanager
def _java_time_limit(seconds: float) -> Iterator[None]:
    """Make owlready2 stop its Java process after ``seconds``.

    owlready2 0.51 runs HermiT with ``subprocess.check_output(command, **_subprocess_kargs)``;
    a ``timeout`` in those arguments makes ``subprocess.run`` kill the Java process and raise
    ``TimeoutExpired`` when the limit passes.  This bounds the run in this process, without a
    wrapper script or a watchdog thread, and on every platform (coreutils ``timeout`` is not).
    """
    reasoning = owlready2.reasoning
    previous = reasoning._subprocess_kargs
    reasoning._subprocess_kargs = {**previous, "timeout": seconds}
    try:
        yield
    finally:
        reasoning._subprocess_kargs = previous


def run_hermit(world: object, timeout_s: float) -> str:
    """Classify ``world`` with HermiT through owlready2 within ``timeout_s``; HermiT's output text.

    owlready2 writes HermiT's output to stderr after a marker line when ``debug=2``, followed
    by its own notes; the axiom lines after the marker are returned (none when Java printed nothing).
    Raises :class:`ReasonerUnavailable` at the time limit, and owlready2's errors otherwise.
    """
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(log), _java_time_limit(timeout_s):
            sync_reasoner_hermit(world, infer_property_values=False, debug=2)
    except subprocess.TimeoutExpired:
        raise ReasonerUnavailable(
            f"HermiT did not finish within {timeout_s:g} s (NETKG_HERMIT_TIMEOUT); raise the limit, "
            "reason fewer cases per run, or use --engine fast") from None
    output = log.getvalue().partition(_OUTPUT_MARK)[2]
    return "\n".join(line for line in output.splitlines() if _AXIOM_LINE.match(line))


class Coherence(NamedTuple):
    """HermiT's verdict on the knowledge alone."""

    consistent: bool
    unsatisfiable: list[URIRef]  # named classes equivalent to owl:Nothing, sorted (none when inconsistent)


def _hermit_failed(message: str) -> ReasonerUnavailable:
    """The error for a failed HermiT run, naming the last line Java printed."""
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return ReasonerUnavailable(f"HermiT failed: {lines[-1] if lines else 'no message'}")


def _realized_individuals(output: str) -> set[str]:
    """The individuals HermiT's output gives a type for (``Type( <ind> <class> )`` lines)."""
    return set(_TYPE_LINE.findall(output))


class HermitReasoner:
    """Classifies cases with HermiT (the reference reasoner)."""

    engine = "hermit"

    def __init__(self, knowledge: Knowledge, chunk_size: int = DEFAULT_CHUNK, memory_mb: int | None = None) -> None:
        self.knowledge = knowledge
        self.chunk_size = chunk_size
        self.memory_mb = memory_mb or java_memory_mb()
        self.timeout_s = hermit_timeout_s()
        self.java = java_executable()

    def classify(self, facts: CaseFacts) -> Classification:
        return self.classify_many([facts])[0]

    def classify_many(self, batch: list[CaseFacts]) -> list[Classification]:
        """Classify cases, ``chunk_size`` per HermiT run, in input order."""
        out: list[Classification] = []
        for start in range(0, len(batch), self.chunk_size):
            out.extend(self._run(batch[start:start + self.chunk_size]))
        return out

    def _run(self, chunk: list[CaseFacts]) -> list[Classification]:
        owlready2.JAVA_EXE = self.java
        owlready2.reasoning.JAVA_MEMORY = self.memory_mb
        abox = Graph()
        for facts in chunk:
            abox += facts.to_graph()
        with tempfile.TemporaryDirectory(prefix="netkg-hermit-") as tmp:
            abox_file = Path(tmp) / "cases.nt"
            abox.serialize(abox_file, format="nt", encoding="utf-8")
            world = self._classify(abox_file, chunk)
            results = [self._read(world, facts) for facts in chunk]
            world.close()
        return results

    def _classify(self, abox_file: Path, chunk: list[CaseFacts]) -> object:
        """Load knowledge and cases into a fresh world and let HermiT classify it.

        The run is bounded by :attr:`timeout_s`, and HermiT's output must type every
        case and tumour individual of ``chunk``: a Java that exits without classifying
        is a failure, never an empty answer.  HermiT occasionally fails with a
        NullPointerException while it classifies data properties (a known race in its
        command-line driver); the same input then succeeds, so such a failure is
        retried a few times.
        """
        last = ""
        for _attempt in range(HERMIT_ATTEMPTS):
            world = World()
            try:
                world.get_ontology(self.knowledge.ntriples_file().as_uri()).load(format="ntriples")
                world.get_ontology(abox_file.as_uri()).load(format="ntriples")
                self._check_realized(run_hermit(world, self.timeout_s), chunk)
                return world
            except ReasonerUnavailable:
                world.close()
                raise
            except (OwlReadyInconsistentOntologyError, OwlReadyJavaError, OSError) as exc:
                world.close()
                error = exc
            if isinstance(error, OwlReadyInconsistentOntologyError):
                raise ReasonerUnavailable("HermiT found the knowledge and cases inconsistent; "
                                          "run `netkg check` and review the cases")
            if isinstance(error, OSError):
                raise ReasonerUnavailable(f"HermiT could not be started with {self.java}: {error}")
            last = str(error)
            if "OutOfMemoryError" in last:
                raise ReasonerUnavailable(f"HermiT ran out of memory ({self.memory_mb} MB); "
                                          "set NETKG_JAVA_MEMORY higher or reason fewer cases per run")
            if "NullPointerException" not in last:
                break
        raise _hermit_failed(last)

    def _check_realized(self, output: str, chunk: list[CaseFacts]) -> None:
        """Raise :class:`ReasonerUnavailable` unless HermiT's output types every case and tumour of ``chunk``."""
        realized = _realized_individuals(output)
        missing = [f.case_id for f in chunk if not {str(f.case), str(f.tumour)} <= realized]
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise ReasonerUnavailable(
                f"HermiT gave no classification for case(s) {shown}: the Java runtime at {self.java} "
                "exited without HermiT's output; check NETKG_JAVA and the Java installation")

    def _read(self, world: object, facts: CaseFacts) -> Classification:
        return Classification(
            facts.case_id,
            _types_of(world, facts.case),
            _types_of(world, facts.tumour),
            self.engine,
        )


def _types_of(world: object, iri: URIRef) -> frozenset[URIRef]:
    ind = world[str(iri)]  # type: ignore[index]
    out: set[URIRef] = set()
    for cls in ind.is_a:
        if hasattr(cls, "iri"):
            for anc in cls.ancestors():
                out.add(URIRef(anc.iri))
                for eq in anc.equivalent_to:
                    if hasattr(eq, "iri"):
                        out.add(URIRef(eq.iri))
    return frozenset(t for t in out if t.startswith(NETKG))
