"""Shared test data for the store, query, batch and server tests: a small reasoned cohort."""

from __future__ import annotations

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
