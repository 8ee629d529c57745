"""A cohort: the cases of a file or folder, read and reasoned as one batch.

Impact analysis, the decision graph and the untriggered-rule check all work
on a cohort (by default ``examples/cohort/``); they read it here and reason
it through :func:`netkg.pipeline.reason_records`, like any other batch.
"""

from __future__ import annotations

from pathlib import Path

from netkg.cases.reader import read_cases
from netkg.cases.record import CaseRecord
from netkg.errors import InputError
from netkg.knowledge.ontology import Knowledge
from netkg.paths import EXAMPLES_DIR
from netkg.pipeline import reason_records
from netkg.reasoning import Classification

DEFAULT_COHORT = EXAMPLES_DIR / "cohort"


def load_cohort(cohort: Path) -> list[CaseRecord]:
    """Every case of a cohort folder or file; invalid cases are an input error."""
    cohort = Path(cohort)
    if not cohort.exists():
        raise InputError(f"--cohort: no such file or folder: {cohort}")
    records, errors = [], []
    for result in read_cases(cohort):
        if result.record is None:
            errors.extend(str(e) for e in result.errors)
        else:
            records.append(result.record)
    if errors:
        raise InputError("invalid cohort cases: " + "; ".join(errors[:5]))
    return records


def classify_cohort(knowledge: Knowledge, cohort: Path, engine: str = "fast") -> list[tuple[CaseRecord, Classification]]:
    """Every case of ``cohort`` with its classification under ``knowledge``."""
    return [(item.record, item.classification) for item in reason_records(load_cohort(cohort), engine, knowledge)]
