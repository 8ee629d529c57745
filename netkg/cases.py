"""Read and validate patient cases, and turn them into ontology individuals.

A case file is JSON, YAML or JSON Lines (one case per line); a JSON/YAML
file may hold one case or a list of cases.  Every problem is reported as a
:class:`CaseError` naming the case, the field and what is allowed; nothing
is guessed.  See ``docs/case-format.md`` for the full format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal as Lit, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from rdflib import Literal

from netkg import codes
from netkg.facts import CaseFacts
from netkg.vocabulary import NETKG, XSD, case_iri, tumour_iri

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_NESTING = 20
MAX_NODES = 10_000  # values in one case; bounds the work spent on YAML alias bombs and the like
CASE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


def _choices(mapping: dict[str, Any]) -> Any:
    return Lit[tuple(mapping)]  # type: ignore[valid-type]


PrimarySite = _choices(codes.PRIMARY_SITES)
MetastaticSite = _choices(codes.METASTATIC_SITES)
Differentiation = _choices(codes.DIFFERENTIATION)
SSTRStatus = _choices(codes.SSTR_STATUS)
DiseaseCourse = _choices(codes.DISEASE_COURSE)
Syndrome = _choices(codes.SYNDROMES)
Complication = _choices(codes.PRIMARY_COMPLICATIONS)
TherapyCode = _choices(codes.THERAPIES)


_LIST_CODES = {"metastatic_sites": codes.METASTATIC_SITES, "prior_therapies": codes.THERAPIES,
               "primary_complications": codes.PRIMARY_COMPLICATIONS}


class _Strict(BaseModel):
    # strict: a number must be a number and a flag a boolean; "12", true or "yes" are
    # rejected instead of being coerced (nothing is guessed).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class TumourRecord(_Strict):
    """The pathology and imaging facts about the neoplasm."""

    primary_site: PrimarySite  # type: ignore[valid-type]
    differentiation: Differentiation = "unknown"  # type: ignore[valid-type]
    ki67: Optional[float] = Field(None, allow_inf_nan=False, ge=0, le=100, description="Ki-67 index in percent")
    mitotic_count: Optional[float] = Field(None, allow_inf_nan=False, ge=0, le=1000, description="mitoses per 2 mm2")
    sstr_status: SSTRStatus = "unknown"  # type: ignore[valid-type]
    functioning: Optional[bool] = None
    syndrome: Optional[Syndrome] = None  # type: ignore[valid-type]


class LiverBurden(_Strict):
    """Extent of liver metastases."""

    lesion_count: Optional[int] = Field(None, ge=1, le=1000)
    largest_lesion_cm: Optional[float] = Field(None, allow_inf_nan=False, gt=0, le=50)
    involvement_percent: Optional[float] = Field(None, allow_inf_nan=False, ge=0, le=100)
    resectable: Optional[bool] = None


class CaseRecord(_Strict):
    """One patient case as submitted.  Omitted fields are unknown, never assumed."""

    id: str = Field(..., pattern=CASE_ID_PATTERN)
    age: Optional[int] = Field(None, ge=0, le=120)
    ecog: Optional[int] = Field(None, ge=0, le=4)
    tumour: TumourRecord
    metastatic_sites: Optional[list[MetastaticSite]] = None  # type: ignore[valid-type]
    liver: Optional[LiverBurden] = None
    resectable_burden_percent: Optional[float] = Field(None, allow_inf_nan=False, ge=0, le=100)
    disease_course: DiseaseCourse = "unknown"  # type: ignore[valid-type]
    rapid_progression: Optional[bool] = None
    months_stable: Optional[int] = Field(None, ge=0, le=600)
    prior_therapies: list[TherapyCode] = Field(default_factory=list)  # type: ignore[valid-type]
    primary_resected: Optional[bool] = None
    pancreatoduodenectomy: Optional[bool] = None
    complete_resection: Optional[bool] = None
    primary_complications: Optional[list[Complication]] = None  # type: ignore[valid-type]

    @field_validator("metastatic_sites", "prior_therapies", "primary_complications", mode="after")
    @classmethod
    def _canonical_order(cls, value: Optional[list[str]], info: Any) -> Optional[list[str]]:
        """These lists are sets: keep them in the order of :mod:`netkg.codes`, so the order
        they arrive in never changes the record, its facts or its report."""
        if value is None:
            return None
        order = list(_LIST_CODES[info.field_name])
        return sorted(value, key=lambda code: (order.index(code), code))

    @model_validator(mode="after")
    def _consistent(self) -> "CaseRecord":
        t = self.tumour
        high_mitoses = t.mitotic_count is not None and t.mitotic_count > 20
        if t.differentiation == "poor" and t.ki67 is not None and t.ki67 <= 20 and not high_mitoses:
            raise _Contradiction("tumour.ki67", "a poorly differentiated carcinoma is high grade (K004): Ki-67 must be above 20%, "
                                 "or the mitotic count above 20; review the pathology")
        sites = self.metastatic_sites
        if sites is not None and len(set(sites)) != len(sites):
            raise _Contradiction("metastatic_sites", "each site may be listed once")
        if self.liver is not None and (sites is None or "liver" not in sites):
            raise _Contradiction("liver", "liver burden is given but metastatic_sites does not list 'liver'")
        if self.primary_resected and self.primary_complications:
            raise _Contradiction("primary_complications", "the primary is recorded as resected, so it cannot be symptomatic")
        if self.complete_resection and self.primary_resected is False:
            raise _Contradiction("complete_resection", "complete resection requires primary_resected to be true")
        if t.syndrome is not None and t.functioning is False:
            raise _Contradiction("tumour.syndrome", "a hormonal syndrome requires functioning to be true (or omitted)")
        if self.rapid_progression and self.disease_course != "progressive":
            raise _Contradiction("rapid_progression", "rapid progression requires disease_course 'progressive'")
        if self.primary_complications is not None and len(set(self.primary_complications)) != len(self.primary_complications):
            raise _Contradiction("primary_complications", "each complication may be listed once")
        if len(set(self.prior_therapies)) != len(self.prior_therapies):
            raise _Contradiction("prior_therapies", "each therapy may be listed once")
        return self


class _Contradiction(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CaseError:
    """Why one case (or a whole file) was rejected."""

    source: str
    case_id: Optional[str]
    field: str
    message: str

    def __str__(self) -> str:
        who = f"case '{self.case_id}'" if self.case_id else "input"
        return f"{self.source}: {who}: field '{self.field}': {self.message}"


class CaseInputError(Exception):
    """Raised when input cannot be read at all or a single case is invalid."""

    def __init__(self, errors: list[CaseError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class CaseResult:
    """A case read from input: the record, or the errors that rejected it."""

    source: str
    record: Optional[CaseRecord]
    errors: tuple[CaseError, ...] = ()


_ALLOWED_FIELDS = {
    "": sorted(CaseRecord.model_fields),
    "tumour": sorted(TumourRecord.model_fields),
    "liver": sorted(LiverBurden.model_fields),
}


_REQUIRED_HINT = {
    "id": ": the case id, 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
    "tumour": f": a mapping with at least primary_site; allowed fields: {', '.join(sorted(TumourRecord.model_fields))}",
    "tumour.primary_site": f"; one of: {', '.join(codes.PRIMARY_SITES)}",
}


def _explain(err: dict[str, Any]) -> tuple[str, str]:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-after"))
    kind = err["type"]
    got = err.get("input")
    if kind == "extra_forbidden":
        parent = loc.rsplit(".", 1)[0] if "." in loc else ""
        return loc, f"unknown field; allowed fields here: {', '.join(_ALLOWED_FIELDS.get(parent, []))}"
    if kind == "missing":
        return loc, "this field is required" + _REQUIRED_HINT.get(loc, "")
    if kind == "string_pattern_mismatch":
        return loc, "must be 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
    text = err["msg"]
    if kind in ("literal_error", "finite_number") or kind.endswith("_type") or kind.startswith(("greater", "less")):
        shown = json.dumps(got)[:60] if not isinstance(got, (dict, list)) else type(got).__name__
        text = f"{text} (got {shown})"
    return loc, text


def validate_case(data: Any, source: str = "<input>") -> CaseResult:
    """Validate one case given as a parsed JSON/YAML object."""
    case_id = data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    if not isinstance(data, dict):
        return CaseResult(source, None, (CaseError(source, None, "(case)", f"a case must be a mapping of fields, got {type(data).__name__}"),))
    if _size(data) > MAX_NODES:
        return CaseResult(source, None, (CaseError(source, case_id, "(case)",
                                                   f"more than {MAX_NODES} values in one case; a case is a small mapping of fields"),))
    if _depth(data) > MAX_NESTING:
        return CaseResult(source, None, (CaseError(source, case_id, "(case)", f"nesting deeper than {MAX_NESTING} levels"),))
    try:
        return CaseResult(source, CaseRecord.model_validate(data))
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            ctx_error = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_error, _Contradiction):
                errors.append(CaseError(source, case_id, ctx_error.field, f"contradictory facts: {ctx_error.message}"))
                continue
            field, message = _explain(err)
            errors.append(CaseError(source, case_id, field or "(case)", message))
        return CaseResult(source, None, tuple(errors))


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level])
    return level


def _size(value: Any) -> int:
    """How many values ``value`` holds, counting shared (aliased) values every time; stops past the limit."""
    count = 0
    stack = [value]
    while stack and count <= MAX_NODES:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def check_unique_ids(results: Iterable[CaseResult]) -> list[CaseResult]:
    """Reject every case whose id is used by more than one case of the batch.

    A report must name exactly one case, so no occurrence of a duplicate id is
    kept; the error names the id and every place it occurs.
    """
    results = list(results)
    where: dict[str, list[str]] = {}
    for r in results:
        if r.record is not None:
            where.setdefault(r.record.id, []).append(r.source)
    out = []
    for r in results:
        places = where.get(r.record.id, []) if r.record is not None else []
        if len(places) > 1:
            assert r.record is not None
            others = ", ".join(p for p in places if p != r.source) or r.source
            out.append(CaseResult(r.source, None, (CaseError(
                r.source, r.record.id, "id",
                f"duplicate case id '{r.record.id}' (also used at {others}); every case in a batch needs its own id"),)))
        else:
            out.append(r)
    return out


def read_cases(path: str | Path) -> Iterator[CaseResult]:
    """Yield every case of a file or folder (``.json``, ``.jsonl``, ``.yaml``, ``.yml``), valid or not.

    Cases sharing an id are all rejected (:func:`check_unique_ids`).  Raises
    :class:`CaseInputError` only when a file cannot be read or parsed at all.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in {".json", ".jsonl", ".yaml", ".yml"})
    else:
        files = [path]
    results: list[CaseResult] = []
    for file in files:
        results.extend(_read_file(file))
    yield from check_unique_ids(results)


def _bytes_text(n: int) -> str:
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


def _read_file(file: Path) -> Iterator[CaseResult]:
    source = str(file)
    if not file.exists():
        raise CaseInputError([CaseError(source, None, "(file)", "no such file")])
    if file.stat().st_size > MAX_FILE_BYTES:
        raise CaseInputError([CaseError(source, None, "(file)", f"file larger than {_bytes_text(MAX_FILE_BYTES)}; split it")])
    try:
        text = file.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise CaseInputError([CaseError(source, None, "(file)", f"cannot be read as UTF-8 text ({exc.__class__.__name__})")]) from None
    suffix = file.suffix.lower()
    if suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{source}:{n}"
            try:
                data = _parse_json(line)
            except (ValueError, RecursionError) as exc:
                yield CaseResult(where, None, (CaseError(where, None, "(line)", f"malformed JSON: {_parse_problem(exc)}"),))
                continue
            yield validate_case(data, where)
        return
    kind = "JSON" if suffix == ".json" else "YAML"
    if not text.strip():
        raise CaseInputError([CaseError(source, None, "(file)", f"empty file; expected one case (a {kind} mapping of fields) or a list of cases")])
    try:
        data = _parse_json(text) if suffix == ".json" else yaml.load(text, Loader=_CaseLoader)  # noqa: S506 - safe loader subclass
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        raise CaseInputError([CaseError(source, None, "(file)", f"malformed {kind}: {_parse_problem(exc)}")]) from None
    items = data if isinstance(data, list) else [data]
    for n, item in enumerate(items):
        yield validate_case(item, source if len(items) == 1 else f"{source}[{n}]")


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"field '{key}' is given twice in one mapping; give each field once")
        out[key] = value
    return out


def _parse_json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_unique_pairs)


class _CaseLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no Python object tags) that also refuses duplicate keys."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:  # unhashable key: the base class reports it
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(None, None, f"field '{key}' is given twice in one mapping; give each field once",
                                                            key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _parse_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "too deeply nested"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "cannot be parsed"
        mark = exc.problem_mark or exc.context_mark
        if "could not determine a constructor" in problem:
            problem = f"{problem}; tags such as !!python/object are not allowed, only plain YAML values"
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark else problem
    if isinstance(exc, (_DuplicateKey, yaml.YAMLError)):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "integer string conversion" in text:
        return "a number has too many digits"
    return text


def load_case(path: str | Path) -> CaseRecord:
    """Read exactly one valid case, or raise :class:`CaseInputError` naming every problem."""
    results = list(read_cases(path))
    errors = [e for r in results for e in r.errors]
    if errors:
        raise CaseInputError(errors)
    if len(results) != 1:
        raise CaseInputError([CaseError(str(path), None, "(file)", f"expected one case, found {len(results)}")])
    assert results[0].record is not None
    return results[0].record


def _dec(value: float) -> Literal:
    """An xsd:decimal in plain notation (never exponent form), exact to the float's shortest repr."""
    number = Decimal(repr(float(value)))
    return Literal(format(number, "f"), datatype=XSD.decimal)


def _int(value: int) -> Literal:
    return Literal(int(value), datatype=XSD.integer)


def _bool(value: bool) -> Literal:
    return Literal(bool(value), datatype=XSD.boolean)


def to_facts(record: CaseRecord) -> CaseFacts:
    """The individuals that encode a case, with closure for every unrecorded fact."""
    cid = record.id
    facts = CaseFacts(cid, case_iri(cid), tumour_iri(cid))
    case = facts.individual(facts.case, NETKG.PatientCase)
    tumour = facts.individual(facts.tumour, NETKG.Tumour)
    case.add_object(NETKG.hasTumour, facts.tumour)
    case.add_data(NETKG.caseId, Literal(cid, datatype=XSD.string))
    t = record.tumour

    site = facts.individual(facts.tumour + "/site/primary", codes.PRIMARY_SITES[t.primary_site])
    tumour.add_object(NETKG.hasPrimarySite, site.iri)

    def coded(ind: Any, prop: Any, value: Any) -> None:
        if value is None:
            ind.closed.add(prop)
        else:
            ind.add_object(prop, value)

    def datum(ind: Any, prop: Any, value: Any, make: Any) -> None:
        if value is None:
            ind.closed.add(prop)
        else:
            ind.add_data(prop, make(value))

    coded(tumour, NETKG.hasDifferentiation, codes.DIFFERENTIATION[t.differentiation])
    coded(tumour, NETKG.hasSSTRStatus, codes.SSTR_STATUS[t.sstr_status])
    functioning = True if t.syndrome is not None and t.functioning is None else t.functioning
    coded(tumour, NETKG.hasFunctionalStatus, None if functioning is None else (NETKG.Functioning if functioning else NETKG.NonFunctioning))
    if t.syndrome is not None:
        tumour.add_object(NETKG.hasHormonalSyndrome, codes.SYNDROMES[t.syndrome])
    datum(tumour, NETKG.ki67Index, t.ki67, _dec)
    datum(tumour, NETKG.mitoticCount, t.mitotic_count, _dec)

    if record.metastatic_sites is not None:
        case.add_object(NETKG.hasStagingStatus, NETKG.StagingDocumented)
        tumour.closed.add(NETKG.hasMetastaticSite)
        for code in record.metastatic_sites:
            met = facts.individual(facts.tumour + f"/site/metastasis-{code}", codes.METASTATIC_SITES[code])
            tumour.add_object(NETKG.hasMetastaticSite, met.iri)
    else:
        case.closed.add(NETKG.hasStagingStatus)
    liver = record.liver or LiverBurden()
    datum(tumour, NETKG.liverLesionCount, liver.lesion_count, _int)
    datum(tumour, NETKG.largestLiverLesionCm, liver.largest_lesion_cm, _dec)
    datum(tumour, NETKG.liverInvolvementPercent, liver.involvement_percent, _dec)
    datum(tumour, NETKG.liverMetastasesResectable, liver.resectable, _bool)
    datum(tumour, NETKG.resectableBurdenPercent, record.resectable_burden_percent, _dec)

    datum(case, NETKG.age, record.age, _int)
    datum(case, NETKG.ecogPerformanceStatus, record.ecog, _int)
    datum(case, NETKG.monthsStable, record.months_stable, _int)
    datum(case, NETKG.rapidProgression, record.rapid_progression, _bool)
    datum(case, NETKG.primaryResected, record.primary_resected, _bool)
    datum(case, NETKG.priorPancreatoduodenectomy, record.pancreatoduodenectomy, _bool)
    datum(case, NETKG.completeResection, record.complete_resection, _bool)
    coded(case, NETKG.hasDiseaseCourse, codes.DISEASE_COURSE[record.disease_course])

    if record.primary_complications is None:
        case.closed.add(NETKG.hasPrimarySymptomStatus)
    else:
        symptomatic = bool(record.primary_complications)
        case.add_object(NETKG.hasPrimarySymptomStatus, NETKG.SymptomaticPrimary if symptomatic else NETKG.AsymptomaticPrimary)
        for code in record.primary_complications:
            case.add_object(NETKG.hasPrimaryComplication, codes.PRIMARY_COMPLICATIONS[code])
    for code in record.prior_therapies:
        prior = facts.individual(facts.case + f"/prior/{code}", codes.THERAPIES[code])
        case.add_object(NETKG.hasReceivedTherapy, prior.iri)
    return facts
