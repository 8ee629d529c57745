"""The SHACL shapes of a case as RDF: derived from the field table, current, accepting what netkg writes,
rejecting broken copies with a message naming the property; ``netkg validate``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from netkg import pipeline
from netkg.cases.fields import CASE_FIELDS
from netkg.cases.reader import read_cases
from netkg.cases.shacl import validate_graph
from netkg.cases.shapes import case_shapes, property_rules, shapes_turtle
from netkg.cli import main
from netkg.paths import CASE_SHAPES, EXAMPLES_DIR
from netkg import vocabulary as V
from netkg.vocabulary import NETKG, RDF

DECIMAL = V.XSD.decimal

EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.yaml")) + sorted(EXAMPLES_DIR.glob("*.json")) \
    + sorted((EXAMPLES_DIR / "cohort").iterdir())


@pytest.fixture(scope="module")
def example_graphs() -> dict[str, Graph]:
    """The RDF of every example case, as ``netkg recommend --format ttl --engine fast`` writes it."""
    records = [r.record for f in EXAMPLE_FILES for r in read_cases(f)]
    assert all(records) and len(records) >= len(EXAMPLE_FILES)
    reasoned = pipeline.reason_records(records, "fast", pipeline.knowledge())
    return {r.report.case_id: r.report.to_rdf(r.facts, r.classification) for r in reasoned}


@pytest.fixture()
def good(example_graphs: dict[str, Graph]) -> Graph:
    """A copy of one example case with a treatment history, to break."""
    case_id = next(k for k, g in sorted(example_graphs.items()) if (None, NETKG.hasReceivedTherapy, None) in g)
    copy = Graph()
    for triple in example_graphs[case_id]:
        copy.add(triple)
    return copy


def _tumour(g: Graph) -> URIRef:
    return next(iter(g.subjects(RDF.type, NETKG.Tumour)))  # type: ignore[return-value]


def test_the_committed_shapes_are_the_generated_shapes() -> None:
    assert CASE_SHAPES.read_text(encoding="utf-8") == shapes_turtle(), \
        "regenerate: python -m netkg.cases.shapes ontology/shapes/case-shapes.ttl"


def test_every_example_case_conforms(example_graphs: dict[str, Graph]) -> None:
    assert len(example_graphs) >= 80
    problems = {case_id: validate_graph(g) for case_id, g in example_graphs.items()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_facts_alone_conform_without_inferred_triples_or_closure(good: Graph) -> None:
    bare = Graph()
    for s, p, o in good:
        if p == RDF.type and not isinstance(o, URIRef):
            continue  # closure axioms
        if str(p).startswith("https://w3id.org/netkg/report#") or (p == RDF.type and o not in _asserted_types()):
            continue
        bare.add((s, p, o))
    assert validate_graph(bare) == []


def _asserted_types() -> set[URIRef]:
    rules = property_rules()
    return {NETKG.PatientCase, NETKG.Tumour} | {c for r in rules for c in r.classes}


@pytest.mark.parametrize("edit, prop", [
    ("ki67 150", NETKG.ki67Index),
    ("ki67 twice", NETKG.ki67Index),
    ("ki67 as text", NETKG.ki67Index),
    ("primary site brain", NETKG.hasPrimarySite),
    ("no case id", NETKG.caseId),
    ("differentiation not a code", NETKG.hasDifferentiation),
    ("treatment without intent", NETKG.hasTreatmentIntent),
])
def test_a_broken_case_is_rejected_naming_the_property(good: Graph, edit: str, prop: URIRef) -> None:
    tumour = _tumour(good)
    case = next(iter(good.subjects(RDF.type, NETKG.PatientCase)))
    if edit.startswith("ki67"):
        good.remove((tumour, NETKG.ki67Index, None))
        value = {"ki67 150": Literal("150", datatype=DECIMAL), "ki67 twice": Literal("12", datatype=DECIMAL),
                 "ki67 as text": Literal("12 percent")}[edit]
        good.add((tumour, NETKG.ki67Index, value))
        if edit == "ki67 twice":
            good.add((tumour, NETKG.ki67Index, Literal("14", datatype=DECIMAL)))
    elif edit == "primary site brain":
        site = good.value(tumour, NETKG.hasPrimarySite)
        for cls in {c for r in property_rules() for c in r.classes}:
            good.remove((site, RDF.type, cls))
        good.add((site, RDF.type, NETKG.Brain))
    elif edit == "no case id":
        good.remove((case, NETKG.caseId, None))
    elif edit == "differentiation not a code":
        good.set((tumour, NETKG.hasDifferentiation, NETKG.Liver))
    else:
        treatment = next(iter(good.objects(case, NETKG.hasReceivedTherapy)))
        good.remove((treatment, NETKG.hasTreatmentIntent, None))
    violations = validate_graph(good)
    assert violations, edit
    assert {v.property for v in violations} == {f"netkg:{str(prop).rpartition('/')[2]}"}
    assert all(v.message.startswith(f"netkg:{str(prop).rpartition('/')[2]} (case field ") for v in violations)


def test_the_primary_site_message_lists_the_allowed_sites(good: Graph) -> None:
    tumour = _tumour(good)
    site = good.value(tumour, NETKG.hasPrimarySite)
    good.remove((site, RDF.type, None))
    good.add((site, RDF.type, NETKG.Liver))
    (violation,) = validate_graph(good)
    assert "netkg:Pancreas" in violation.message and "netkg:UnknownPrimarySite" in violation.message
    assert violation.value.endswith("/site/primary") and violation.constraint == "Or"


def test_shapes_and_case_model_agree_on_every_field() -> None:
    """Each field with facts has its property shapes; their allowed values and ranges are the table's."""
    shapes = case_shapes()
    by_path: dict[URIRef, list[URIRef]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        by_path.setdefault(path, []).append(shape)  # type: ignore[arg-type]
    for field in CASE_FIELDS:
        for prop in field.properties:
            assert prop in by_path, f"{field.path}: no shape for {prop}"
        if field.owl in ("class value", "hormonal syndrome", "treatment value"):
            (shape,) = by_path[field.properties[0]]
            allowed = list(_list(shapes, shapes.value(shape, SH["in"])))
            assert allowed == [v for v in (field.allowed or {}).values() if v is not None], field.path
        if field.owl in ("site individual", "site individuals", "treatment type"):
            prop = NETKG.hasReceivedTherapy if field.owl == "treatment type" else field.properties[0]
            (shape,) = by_path[prop]
            classes = [shapes.value(alt, SH["class"]) for alt in _list(shapes, shapes.value(shape, SH["or"]))]
            assert classes == list(dict.fromkeys((field.allowed or {}).values())), field.path
        if field.owl in ("decimal", "integer") and field.minimum is not None:
            (shape,) = by_path[field.properties[0]]
            low = shapes.value(shape, SH.minExclusive if field.minimum_excluded else SH.minInclusive)
            assert float(low) == field.minimum and float(shapes.value(shape, SH.maxInclusive)) == field.maximum
        if field.required and field.properties:
            (shape,) = by_path[field.properties[0]]
            assert shapes.value(shape, SH.minCount) == Literal(1), field.path


def _list(g: Graph, head: object) -> list[object]:
    out = []
    while head is not None and head != RDF.nil:
        out.append(g.value(head, RDF.first))  # type: ignore[arg-type]
        head = g.value(head, RDF.rest)  # type: ignore[arg-type]
    return out


def test_the_cli_exits_1_on_a_broken_file_and_0_on_a_good_one(good: Graph, tmp_path: Path, capsys) -> None:
    ok = tmp_path / "good.ttl"
    ok.write_text(good.serialize(format="turtle"), encoding="utf-8")
    good.set((_tumour(good), NETKG.ki67Index, Literal("150", datatype=DECIMAL)))
    bad = tmp_path / "bad.ttl"
    bad.write_text(good.serialize(format="turtle"), encoding="utf-8")
    assert main(["validate", str(ok)]) == 0
    assert "conforms" in capsys.readouterr().out
    assert main(["validate", str(ok), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "netkg:ki67Index" in out and 'value "150' in out


def test_json_ld_input_and_json_output(good: Graph, tmp_path: Path, capsys) -> None:
    good.add((_tumour(good), NETKG.ki67Index, Literal("99", datatype=DECIMAL)))
    path = tmp_path / "case.jsonld"
    path.write_text(good.serialize(format="json-ld"), encoding="utf-8")
    assert main(["validate", "--format", "json", str(path)]) == 1
    (result,) = json.loads(capsys.readouterr().out)
    assert result["conforms"] is False and len(result["cases"]) == 1
    assert [(v["property"], v["constraint"]) for v in result["violations"]] == [("netkg:ki67Index", "MaxCount")]


def test_n_triples_with_two_cases(example_graphs: dict[str, Graph], tmp_path: Path, capsys) -> None:
    both = Graph()
    for g in list(example_graphs.values())[:2]:
        for triple in g:
            both.add(triple)
    path = tmp_path / "cases.nt"
    path.write_text(both.serialize(format="nt"), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "2 cases, conforms" in capsys.readouterr().out


@pytest.mark.parametrize("name, text", [("case.csv", "a,b"), ("case.ttl", "this is not turtle"),
                                        ("empty.ttl", "@prefix x: <http://x/> .")])
def test_usage_errors_are_input_errors(tmp_path: Path, capsys, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert "netkg: error:" in capsys.readouterr().err


def test_a_case_of_the_same_shape_without_a_tumour_link_is_rejected(good: Graph) -> None:
    case = next(iter(good.subjects(RDF.type, NETKG.PatientCase)))
    good.remove((case, NETKG.hasTumour, None))
    assert {v.property for v in validate_graph(good)} == {"netkg:hasTumour"}
