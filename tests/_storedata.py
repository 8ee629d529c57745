"""Shared test data for the store, query, batch and server tests: a small reasoned cohort."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from netkg.maintenance.generate import generate_cases

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nec-sigmoid-liver.yaml"
EXAMPLE_ID = "seed1-nec-sigmoid-liver"
QUERY_DIRS = (ROOT / "queries" / "competency", ROOT / "queries" / "cohort")


@lru_cache(maxsize=None)
def cohort(n: int = 40, seed: int = 11) -> tuple[dict, ...]:
    """Generated cases plus the example case, as plain dicts."""
    import yaml

    example = yaml.safe_load(EXAMPLE.read_text())
    return tuple(generate_cases(n, seed)) + (example,)


def user_queries() -> list[Path]:
    return sorted(p for d in QUERY_DIRS for p in d.glob("*.rq"))


# Parameter values that make every query return something on the cohort.
PARAMS = {"case": EXAMPLE_ID, "profile": "netkg:NEC", "therapy": "netkg:PlatinumEtoposide", "trial": "NETTER-2"}


def params_for(query) -> dict[str, str]:
    return {p.name: PARAMS[p.name] for p in query.params}


_GROUP_CONCAT = re.compile(r'GROUP_CONCAT\s*\(.*?separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.I | re.S)


def group_concat_separators(query_text: str) -> dict[str, str]:
    """Each ``GROUP_CONCAT`` result variable of a query and its separator. SPARQL 1.1 leaves the order of the
    concatenated items open, so two stores (or two loads of one store) may join the same items differently."""
    return {name: sep for sep, name in _GROUP_CONCAT.findall(query_text)}


def with_sorted_concatenations(row: dict, separators: dict[str, str]) -> dict:
    """A result row with each ``GROUP_CONCAT`` cell (``separators``) as the sorted list of its items."""
    return {k: sorted(v.split(separators[k])) if k in separators and v else v for k, v in row.items()}
