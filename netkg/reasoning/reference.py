"""The reference path: HermiT, through owlready2.

Each call classifies a chunk of cases in a fresh owlready2 world holding the
knowledge and the chunk's individuals.  Cases share nothing but the
knowledge, so chunking gives the same answers as one call per case while
paying the JVM start once per chunk.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef

from netkg.facts import CaseFacts
from netkg.knowledge import Knowledge
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG

DEFAULT_CHUNK = 25
HERMIT_ATTEMPTS = 3


class ReasonerUnavailable(Exception):
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


class HermitReasoner:
    """Classifies cases with HermiT (the reference reasoner)."""

    engine = "hermit"

    def __init__(self, knowledge: Knowledge, chunk_size: int = DEFAULT_CHUNK, memory_mb: int | None = None) -> None:
        self.knowledge = knowledge
        self.chunk_size = chunk_size
        self.memory_mb = memory_mb or java_memory_mb()
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
        import owlready2

        owlready2.JAVA_EXE = self.java
        owlready2.reasoning.JAVA_MEMORY = self.memory_mb
        abox = Graph()
        for facts in chunk:
            abox += facts.to_graph()
        with tempfile.TemporaryDirectory(prefix="netkg-hermit-") as tmp:
            abox_file = Path(tmp) / "cases.nt"
            abox.serialize(abox_file, format="nt", encoding="utf-8")
            world = self._classify(abox_file)
            results = [self._read(world, facts) for facts in chunk]
            world.close()
        return results

    def _classify(self, abox_file: Path) -> object:
        """Load knowledge and cases into a fresh world and let HermiT classify it.

        HermiT occasionally fails with a NullPointerException while it classifies
        data properties (a known race in its command-line driver); the same
        input then succeeds, so such a failure is retried a few times.
        """
        from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

        last = ""
        for _attempt in range(HERMIT_ATTEMPTS):
            world = World()
            try:
                world.get_ontology(self.knowledge.ntriples_file().as_uri()).load(format="ntriples")
                world.get_ontology(abox_file.as_uri()).load(format="ntriples")
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    sync_reasoner_hermit(world, infer_property_values=False, debug=0)
                return world
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
        lines = [line for line in last.strip().splitlines() if line.strip()]
        raise ReasonerUnavailable(f"HermiT failed: {lines[-1] if lines else 'no message'}")

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
