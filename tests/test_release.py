"""Releases carry a dated version IRI and the header; the ontology modules stay canonical."""

from __future__ import annotations

import owlready2
import pytest
from rdflib import Graph, URIRef

from netkg.cli import main
from netkg.knowledge.ontology import DEFAULT_ONTOLOGY
from netkg.knowledge.source import read_graph
from netkg.maintenance.release import is_canonical, release_version_iri
from netkg.vocabulary import DCTERMS, OWL, RDF


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    assert main(["release", "--date", "2026-12-01", "--out", str(out)]) == 0
    return out


def _header(g: Graph) -> URIRef:
    onto = g.value(predicate=RDF.type, object=OWL.Ontology)
    assert onto is not None
    return onto


@pytest.mark.parametrize("name,fmt", [("netkg.owl", "xml"), ("netkg.ttl", "turtle")])
def test_release_opens_with_rdflib_and_is_stamped(release_dir, name, fmt):
    g = Graph().parse(release_dir / name, format=fmt)
    onto = _header(g)
    assert g.value(onto, OWL.versionIRI) == URIRef("https://w3id.org/netkg/releases/2026-12-01/netkg.owl")
    assert str(g.value(onto, OWL.versionInfo)) == "2026-12-01"
    assert g.value(onto, DCTERMS.license) is not None
    assert g.value(onto, DCTERMS.title) is not None
    source = read_graph(DEFAULT_ONTOLOGY)
    assert len(g) == len(source) + 1  # every triple kept; dcterms:date added


def test_release_opens_with_owlready2(release_dir):
    world = owlready2.World()
    onto = world.get_ontology((release_dir / "netkg.owl").as_uri()).load()
    assert len(list(onto.classes())) > 100
    assert world["https://w3id.org/netkg/Everolimus"] is not None
    world.close()


def test_release_rejects_a_bad_date(tmp_path):
    assert main(["release", "--date", "2026-13-40", "--out", str(tmp_path)]) == 2
    assert main(["release", "--date", "yesterday", "--out", str(tmp_path)]) == 2


def test_version_iri_pattern():
    assert str(release_version_iri("2027-01-31")) == "https://w3id.org/netkg/releases/2027-01-31/netkg.owl"


def test_shipped_edit_file_is_canonical():
    assert is_canonical(DEFAULT_ONTOLOGY)
    assert main(["format", "--check"]) == 0


def test_reordered_copy_fails_format_check_and_format_fixes_it(tmp_path):
    from netkg.maintenance.release import canonical_text, parse

    canonical = canonical_text(parse(DEFAULT_ONTOLOGY))
    head, _, body = canonical.partition("\n\n")
    blocks = body.rstrip("\n").split("\n.\n\n")
    reordered = head + "\n\n" + "\n.\n\n".join(reversed(blocks[:-1])) + "\n.\n\n" + blocks[-1] + "\n"
    copy = tmp_path / "netkg-single.ttl"
    copy.write_text(reordered, encoding="utf-8")
    assert Graph().parse(copy, format="turtle").isomorphic(read_graph(DEFAULT_ONTOLOGY))
    assert main(["format", "--check", "--ontology", str(copy)]) == 1
    assert main(["format", "--ontology", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == canonical
    assert main(["format", "--check", "--ontology", str(copy)]) == 0
