"""One case from a file that is either a case file (JSON/YAML) or a FHIR R4 Bundle (``"resourceType": "Bundle"``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from netkg.cases.reader import load_case, parse_case_text, read_bounded_text
from netkg.cases.record import CaseRecord


def read_case_file(path: str | Path) -> tuple[CaseRecord, Optional[str]]:
    """The one valid case of ``path`` and, for a FHIR Bundle, a note (as-of date, resources not used).

    A ``.json`` file holding a Bundle is mapped by :func:`netkg.fhir.to_case.map_bundle`; any other file is
    read by :func:`netkg.cases.reader.load_case`.  A Bundle file is read within the same bounds and with the
    same messages as a case file.  Raises an :class:`~netkg.errors.InputError` naming the problem.
    """
    file = Path(path)
    if file.suffix.lower() == ".json" and file.is_file():
        items = parse_case_text(read_bounded_text(file), str(file), file.suffix)
        data = items[0] if len(items) == 1 else None
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            # fhir.resources costs about 0.28 s to import: only when a Bundle is read (docs/architecture.md, rule 5)
            from netkg.fhir.to_case import map_bundle

            mapped = map_bundle(data, source=str(file))
            return mapped.record, mapped.note()
    return load_case(file), None
