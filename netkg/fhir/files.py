"""One case from a file that is either a case file (JSON/YAML) or a FHIR R4 Bundle (``"resourceType": "Bundle"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from netkg.cases.reader import load_case
from netkg.cases.record import CaseError, CaseInputError, CaseRecord
# The case reader's bounded file reading (size limit, no devices or pipes) and strict JSON parsing
# (decimal numbers only, duplicate keys refused): a Bundle file is read within the same bounds as a case file.
from netkg.cases.reader import _parse_json, _parse_problem, _read_text  # noqa: PLC2701


def read_case_file(path: str | Path) -> tuple[CaseRecord, Optional[str]]:
    """The one valid case of ``path`` and, for a FHIR Bundle, a note (as-of date, resources not used).

    A ``.json`` file holding a Bundle is mapped by :func:`netkg.fhir.to_case.map_bundle`; any other file is
    read by :func:`netkg.cases.reader.load_case`.  Raises an :class:`~netkg.errors.InputError` naming the problem.
    """
    file = Path(path)
    if file.suffix.lower() == ".json" and file.is_file():
        text = _read_text(file)
        try:
            data = _parse_json(text)
        except (ValueError, RecursionError) as exc:
            raise CaseInputError([CaseError(str(file), None, "(file)", f"malformed JSON: {_parse_problem(exc)}")]) from None
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            # fhir.resources costs about 0.28 s to import: only when a Bundle is read (docs/architecture.md, rule 5)
            from netkg.fhir.to_case import map_bundle

            mapped = map_bundle(data, source=str(file))
            return mapped.record, mapped.note()
    return load_case(file), None
