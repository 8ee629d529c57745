"""Query parameters and forms: every bad value or unsupported form is one clear message (exit 2), never a crash."""

from __future__ import annotations

import pytest

from _storedata import EXAMPLE, EXAMPLE_ID, ROOT
from netkg.cli import main

INDICATED = str(ROOT / "queries/competency/indicated-for-case.rq")


def _query_file(tmp_path, text: str) -> str:
    path = tmp_path / "q.rq"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("value, phrase", [
    ("1e999999999", "at most 20 digits before the decimal point"),
    ("-1e20", "at most 20 digits before the decimal point"),
    ("1e-30", "at most 18 digits after the decimal point"),
    ("0e-999999999", "at most 18 digits after the decimal point"),
    ("NaN", "expected a decimal number"),
    (" 2", "expected a decimal number"),
    ("٣", "expected a decimal number"),
    ("2\n", "control characters"),
])
def test_decimal_parameters_are_checked_before_the_store(tmp_path, capsys, value, phrase):
    query = _query_file(tmp_path, "# title: t\n# param: d decimal a number\nSELECT ?d WHERE { BIND(?d AS ?e) }\n")
    code = main(["query", query, "--case", str(EXAMPLE), "--param", f"d={value}"])
    err = capsys.readouterr().err
    assert code == 2 and "parameter 'd' (decimal)" in err and phrase in err


def test_decimal_within_range_is_bound(tmp_path, capsys):
    query = _query_file(tmp_path, "# title: t\n# param: d decimal a number\nSELECT ?d WHERE { BIND(?d AS ?e) }\n")
    assert main(["query", query, "--case", str(EXAMPLE), "--param", "d=99999999999999999999.5", "--format", "csv"]) == 0
    assert "99999999999999999999.5" in capsys.readouterr().out


@pytest.mark.parametrize("value", [f"{EXAMPLE_ID}\n", f"{EXAMPLE_ID}\r", f"{EXAMPLE_ID}\x00"])
def test_case_parameter_with_a_line_break_is_refused(capsys, value):
    code = main(["query", INDICATED, "--case", str(EXAMPLE), "--param", f"case={value}"])
    err = capsys.readouterr().err
    assert code == 2 and "parameter 'case' (case)" in err and "control characters" in err


@pytest.mark.parametrize("value", ["12\n", "١٢"])
def test_integer_parameter_is_ascii_digits_on_one_line(tmp_path, capsys, value):
    query = _query_file(tmp_path, "# title: t\n# param: n integer a count\nSELECT ?n WHERE { BIND(?n AS ?m) }\n")
    code = main(["query", query, "--case", str(EXAMPLE), "--param", f"n={value}"])
    assert code == 2 and "parameter 'n' (integer)" in capsys.readouterr().err


@pytest.mark.parametrize("form, text", [
    ("CONSTRUCT", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"),
    ("DESCRIBE", "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1"),
])
def test_graph_query_forms_name_the_supported_ones(tmp_path, capsys, form, text):
    code = main(["query", _query_file(tmp_path, f"# title: t\n{text}\n"), "--case", str(EXAMPLE)])
    err = capsys.readouterr().err
    assert code == 2 and f"{form} queries are not supported" in err and "SELECT, ASK" in err
    assert "RuntimeError" not in err and "Traceback" not in err
