"""Bounded fuzzing of the case reader: nothing but the documented errors, whatever the input.

Random bytes, random JSON-like values and mutated valid cases go through
:func:`netkg.cases.reader.validate_case` and :func:`netkg.cases.reader.read_cases`; the only
acceptable outcomes are a :class:`CaseResult` (valid, or carrying
:class:`CaseError`\\ s) and a :class:`CaseInputError`.  The whole module is
bounded to about 36 seconds (``FUZZ_SECONDS`` per test);
``NETKG_LONG_RUN=1`` runs ten times longer.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from netkg.cases.conversion import to_facts
from netkg.cases.reader import read_cases, validate_case
from netkg.cases.record import CaseError, CaseInputError, CaseRecord, CaseResult

from strategies import cases

SCALE = 10 if os.environ.get("NETKG_LONG_RUN") == "1" else 1
FUZZ_SECONDS = 6.0 * SCALE  # per test; six tests
SUFFIXES = (".json", ".jsonl", ".yaml", ".yml")


class TimeUp(Exception):
    """Raised inside a fuzz run when its time budget is spent; ends the run (it is not a failure)."""


class TimeBox:
    """A wall-clock budget for one hypothesis run, started by the first example."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start: float | None = None
        self.examples = 0

    def tick(self) -> None:
        if self.start is None:
            self.start = time.monotonic()
        if time.monotonic() - self.start > self.seconds:
            raise TimeUp
        self.examples += 1


def fuzz(run: Any) -> Any:
    """Turn a hypothesis-driven ``run(box, ...)`` into a test bounded by ``FUZZ_SECONDS``."""
    box = TimeBox(FUZZ_SECONDS)
    inner = settings(max_examples=1_000_000, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck), print_blob=False)(run)

    def test() -> None:
        try:
            inner(box)
        except TimeUp:
            pass
        assert box.examples >= 20, f"only {box.examples} examples ran"

    test.__name__ = run.__name__
    test.__doc__ = run.__doc__
    return test


def check_result(result: Any) -> None:
    assert isinstance(result, CaseResult)
    if result.record is None:
        assert result.errors, "a rejected case must say why"
        for e in result.errors:
            assert isinstance(e, CaseError) and e.field and e.message
            str(e)
    else:
        assert isinstance(result.record, CaseRecord) and not result.errors
        to_facts(result.record)  # every accepted case converts to facts


def read_all(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"case{suffix}"
        path.write_bytes(content)
        try:
            for result in read_cases(path):
                check_result(result)
        except CaseInputError as exc:
            assert exc.errors and all(isinstance(e, CaseError) for e in exc.errors)
            str(exc)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
                        st.sampled_from(["liver", "poor", "well", "unknown", "ileum", "positive", "progressive", "octreotide"]))
json_values = st.recursive(json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=10), st.sampled_from(["id", "tumour", "primary_site", "ki67", "liver",
                                                                      "metastatic_sites", "differentiation"])),
                    inner, max_size=5)), max_leaves=25)

FIELDS = ["id", "age", "ecog", "tumour", "metastatic_sites", "liver", "resectable_burden_percent", "disease_course",
          "rapid_progression", "months_stable", "treatment_history", "primary_resected", "pancreatoduodenectomy",
          "complete_resection", "primary_complications", "tumour.primary_site", "tumour.differentiation",
          "tumour.ki67", "tumour.mitotic_count", "tumour.sstr_status", "tumour.functioning", "tumour.syndrome",
          "liver.lesion_count", "liver.resectable"]


@st.composite
def mutated_cases(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case with a few fields deleted or replaced by arbitrary values."""
    case = draw(cases())
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(FIELDS)).split(".")
        target: Any = case
        for part in path[:-1]:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            continue
        if draw(st.booleans()):
            target.pop(path[-1], None)
        else:
            target[path[-1]] = draw(json_values)
    return case


def _values(box: TimeBox, value: Any) -> None:
    box.tick()
    check_result(validate_case(value, "<fuzz>"))


def _mutated(box: TimeBox, case: dict[str, Any]) -> None:
    box.tick()
    check_result(validate_case(case, "<fuzz>"))


def _bytes(box: TimeBox, content: bytes, suffix: str) -> None:
    box.tick()
    read_all(content, suffix)


def _serialised(box: TimeBox, value: Any, suffix: str, syntax: str) -> None:
    box.tick()
    text = json.dumps(value) if syntax == "json" else yaml.safe_dump(value)
    read_all(text.encode(), suffix)


def _corrupted(box: TimeBox, case: dict[str, Any], data: st.DataObject) -> None:
    """Valid case files with characters deleted, inserted or replaced."""
    suffix = data.draw(st.sampled_from(SUFFIXES))
    text = json.dumps(case) if suffix in (".json", ".jsonl") else yaml.safe_dump(case)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        junk = data.draw(st.sampled_from(["", "{", "}", "[", "]", ":", ",", '"', "\n", "\t", "- ", "&a ", "*a", "!!", "\x00",
                                          "\ud800", "é", "9" * 5000, "NaN", "%YAML 1.1\n---"]))
        text = text[:at] + junk + text[at + data.draw(st.integers(0, 3)):]
    box.tick()
    read_all(text.encode("utf-8", "surrogatepass"), suffix)


YAML_1_1_SCALARS = ["021", "0x14", "0o17", "0b101", "1:05", "1_5", "yes", "No", "on", "OFF", "y", "2024-01-05",
                    "2001-12-14t21:59:43.10-05:00", "!!set {a, b}", "!!binary aGVsbG8=", "!!timestamp 2024-01-05", "!!omap [a: 1]",
                    "<<: {a: 1}", "=", ".inf", "-.inf", ".nan", "+5", ".5", "5.", "1e3", "!!float 1", "!!int 1", "!!str 5", "~", "",
                    "null", "true", "&a 1", "*a", "!x 1", "20.00000000000000001", "\u0661\u0662", "\ufeff5"]


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, (str, int, float, bool, type(None))) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _yaml_scalars(box: TimeBox, scalars: list[str], loader: str) -> None:
    """Whatever YAML 1.1 would make of a value, the case reader builds only plain JSON-like values (or refuses)."""
    box.tick()
    import netkg.cases.reader

    text = "id: f1\ntumour:\n  primary_site: ileum\n" + "".join(f"  k{n}: {s}\n" for n, s in enumerate(scalars)) + \
        "list: [" + ", ".join(s for s in scalars if not s.startswith(("<<", "&", "*"))) + "]\n"
    chosen = netkg.cases.reader._PyCaseLoader if loader == "python" else netkg.cases.reader._CaseLoader
    try:
        value = netkg.cases.reader._load_yaml(text, chosen)
    except (yaml.YAMLError, ValueError, RecursionError):
        return
    assert _plain(value), value
    check_result(validate_case(value, "<fuzz>"))


test_yaml_values_are_plain = fuzz(given(st.lists(st.sampled_from(YAML_1_1_SCALARS), min_size=1, max_size=6),
                                        st.sampled_from(["default", "python"]))(_yaml_scalars))
test_validate_case_on_random_values = fuzz(given(json_values)(_values))
test_validate_case_on_mutated_cases = fuzz(given(mutated_cases())(_mutated))
test_read_cases_on_random_bytes = fuzz(given(st.binary(max_size=300), st.sampled_from(SUFFIXES))(_bytes))
test_read_cases_on_serialised_values = fuzz(given(st.one_of(json_values, mutated_cases()), st.sampled_from(SUFFIXES),
                                                  st.sampled_from(["json", "yaml"]))(_serialised))
test_read_cases_on_corrupted_text = fuzz(given(mutated_cases(), st.data())(_corrupted))
