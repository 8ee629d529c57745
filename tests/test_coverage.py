"""Statement coverage of the shipped ontology, and that a gap is reported."""

from __future__ import annotations

import json

from rdflib import Literal

from netkg import vocabulary as V
from netkg.cli import main
from netkg.maintenance.coverage import MISSING, compute_coverage
from netkg.knowledge.ontology import Knowledge

STATEMENTS = 95  # the 60 statements of the five source articles (K001-K060) and 35 of current evidence (K101-K135)


def test_every_statement_is_covered():
    report = compute_coverage(Knowledge.load().graph)
    assert len(report.statements) == STATEMENTS
    assert report.covered == STATEMENTS
    assert {s.id for s in report.statements} >= {f"K{n:03d}" for n in [*range(1, 61), *range(101, 136)]}
    assert not report.missing
    assert not report.unknown_ids


def test_cli_reports_full_coverage(capsys):
    assert main(["coverage", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == STATEMENTS and data["covered"] == STATEMENTS


def test_removing_citations_makes_coverage_fail(tmp_path, capsys):
    k = Knowledge.load()
    g = k.graph
    target = Literal("K054")
    for s in list(g.subjects(V.STATEMENT_ID, target)):
        g.remove((s, V.STATEMENT_ID, target))
    broken = tmp_path / "broken.ttl"
    g.serialize(broken, format="longturtle")
    report = compute_coverage(Knowledge.load(broken).graph)
    assert [s.id for s in report.missing] == ["K054"]
    assert report.missing[0].status == MISSING
    assert main(["coverage", "--ontology", str(broken)]) == 1
    assert "K054" in capsys.readouterr().out


def test_out_of_scope_counts_as_covered(tmp_path):
    g = Knowledge.load().graph
    for s in list(g.subjects(V.STATEMENT_ID, Literal("K054"))):
        g.remove((s, V.STATEMENT_ID, Literal("K054")))
    oos = tmp_path / "oos.tsv"
    oos.write_text("id\treason\nK054\tradiotherapy handled elsewhere\n", encoding="utf-8")
    report = compute_coverage(g, out_of_scope=oos)
    assert not report.missing and report.covered == STATEMENTS
