"""Impact analysis over the example cohort, and the cohort's coverage of the rules."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rdflib import Literal

from netkg import vocabulary as V
from netkg.cli import main
from netkg.maintenance.cohort import DEFAULT_COHORT, classify_cohort, load_cohort
from netkg.maintenance.impact import _description, analyse
from netkg.knowledge.ontology import DEFAULT_ONTOLOGY, Knowledge
from netkg.pipeline import reason_records


CATEGORIES = ("recommended", "consider", "not_recommended", "contraindicated")


def _move_boundary(graph, cls, facet, old, new):
    """Replace the ``facet old`` restriction value inside the definition of ``cls``."""
    hits = [(s, p, o) for s, p, o in _description(graph, cls) if p == facet and Decimal(str(o)) == Decimal(old)]
    assert len(hits) == 1, hits
    s, p, o = hits[0]
    graph.remove((s, p, o))
    graph.add((s, p, Literal(Decimal(new), datatype=V.XSD.decimal)))


@pytest.fixture(scope="module")
def ki67_25(tmp_path_factory):
    """A copy of the ontology with the NET G2/G3 Ki-67 boundary moved from 20% to 25%."""
    g = Knowledge.load().graph
    _move_boundary(g, V.NETKG.Ki67Grade2Range, V.XSD.maxInclusive, "20", "25")
    _move_boundary(g, V.NETKG.Ki67Grade3Range, V.XSD.minExclusive, "20", "25")
    path = tmp_path_factory.mktemp("impact") / "ki67-25.ttl"
    g.serialize(path, format="longturtle")
    return path


def _categories(report):
    data = report.to_dict()
    return {c: sorted(f["therapy"] for f in data[c]) for c in CATEGORIES}


def test_cohort_is_valid_and_sized():
    records = load_cohort(DEFAULT_COHORT)
    assert 25 <= len(records) <= 100  # every rule reached, and still small enough for `netkg impact --engine hermit` in one run
    assert len({r.id for r in records}) == len(records)


def test_every_recommendation_rule_fires_for_some_cohort_case():
    k = Knowledge.load()
    fired = set()
    for _, classification in classify_cohort(k, DEFAULT_COHORT, "fast"):
        fired |= classification.case_types
    rules = {r.iri for r in k.rules.values() if r.family in (V.RECOMMENDATION_RULE, V.CAUTION_RULE)}
    assert rules and not (rules - fired), sorted(rules - fired)


def test_no_change_means_no_impact():
    k = Knowledge.load()
    report = analyse(k, Knowledge.load(), load_cohort(DEFAULT_COHORT))
    assert report.impacts == [] and report.edits == []


def test_ki67_boundary_change_lists_exactly_the_changed_cases(ki67_25):
    records = load_cohort(DEFAULT_COHORT)
    old, new = Knowledge.load(DEFAULT_ONTOLOGY), Knowledge.load(ki67_25)
    # expected set computed independently: reason both versions and compare the therapy categories
    before = {r.record.id: _categories(r.report) for r in reason_records(records, "fast", old)}
    after = {r.record.id: _categories(r.report) for r in reason_records(records, "fast", new)}
    expected = sorted(cid for cid in before if before[cid] != after[cid])
    assert expected, "the cohort should contain cases between Ki-67 20% and 25%"

    report = analyse(old, new, records)
    assert sorted(report.changed_cases) == expected
    assert {e.entity for e in report.edits} == {str(V.NETKG.Ki67Grade2Range), str(V.NETKG.Ki67Grade3Range)}
    for impact in report.impacts:
        assert impact.changes
        for change in impact.changes:
            assert change.rules, change
            assert set(change.caused_by) & {str(V.NETKG.Ki67Grade2Range), str(V.NETKG.Ki67Grade3Range)}, change


def test_impact_cli_json(ki67_25, capsys):
    assert main(["impact", "--old", str(DEFAULT_ONTOLOGY), "--new", str(ki67_25), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed_cases"] and data["cases"] == len(load_cohort(DEFAULT_COHORT))


def test_impact_old_rev_against_working_tree(capsys):
    assert main(["impact", "--old-rev", "HEAD"]) == 0
    assert "cases change their report" in capsys.readouterr().out


def test_impact_bad_input(tmp_path):
    assert main(["impact", "--old", str(tmp_path / "missing.ttl")]) == 2
    assert main(["impact", "--old", str(DEFAULT_ONTOLOGY), "--cohort", str(tmp_path / "none")]) == 2
