"""Read patient cases from files and folders, within bounds, and validate them.

A case file is JSON, YAML or JSON Lines (one case per line); a JSON/YAML
file may hold one case or a list of cases.  Every problem is reported as a
:class:`CaseError` naming the case, the field and what is allowed; nothing
is guessed.  Files, values and nesting are bounded, so hostile input costs
time in its size only.  See ``docs/case-format.md`` for the full format.
"""

from __future__ import annotations

import errno
import itertools
import json
import math
import os
import re
import stat
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import yaml
from pydantic import ValidationError

from netkg.cases.fields import FIELDS, fields_under
from netkg.cases.record import CaseError, CaseInputError, CaseRecord, CaseResult, Contradiction

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_NESTING = 20
MAX_NODES = 10_000  # values in one case; bounds the work spent on YAML alias bombs and the like
MAX_YAML_VALUES = 1_000_000  # nodes in one YAML file, every alias counted each time it is used
MAX_CASES_PER_FILE = 100_000  # cases in one JSON or YAML list; JSON Lines files are bounded by MAX_FILE_BYTES only
SHOWN_PLACES = 3  # other places a duplicate-id message names
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CASE_SUFFIXES = frozenset({".json", ".yaml", ".yml"}) | JSON_LINES_SUFFIXES


_ALLOWED_FIELDS = {parent: sorted(f.name for f in fields_under(parent))
                   for parent in ("", "tumour", "liver", "treatment_history")}


_REQUIRED_HINT = {
    "id": ": the case id, 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
    "tumour": f": a mapping with at least primary_site; allowed fields: {', '.join(_ALLOWED_FIELDS['tumour'])}",
    "tumour.primary_site": f"; one of: {', '.join(FIELDS['tumour.primary_site'].allowed or ())}",
}


def _explain(err: dict[str, Any]) -> tuple[str, str]:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-after"))
    kind = err["type"]
    got = err.get("input")
    if kind == "extra_forbidden" and loc == "prior_therapies":
        return loc, ("replaced by 'treatment_history': give each therapy as {therapy, intent, outcome}, e.g. "
                     "treatment_history: [{therapy: lanreotide, intent: antitumour, outcome: progressed}]; "
                     "[] for a treatment-naive patient (see docs/case-format.md)")
    if kind == "extra_forbidden":
        parent = loc.rsplit(".", 1)[0] if "." in loc else ""
        parent = ".".join(part for part in parent.split(".") if not part.isdigit())
        return loc, f"unknown field; allowed fields here: {', '.join(_ALLOWED_FIELDS.get(parent, []))}"
    if kind == "missing":
        return loc, "this field is required" + _REQUIRED_HINT.get(loc, "")
    if kind == "string_pattern_mismatch":
        return loc, "must be 1-128 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"
    text = err["msg"]
    if kind in ("literal_error", "finite_number") or kind.endswith("_type") or kind.startswith(("greater", "less")):
        shown = json.dumps(got)[:60] if not isinstance(got, (dict, list)) else type(got).__name__
        text = f"{text} (got {shown}){_number_hint(got)}"
    return loc, text


def _number_hint(got: Any) -> str:
    """Why a text that looks like a number was not read as one (empty for any other value)."""
    if not isinstance(got, str):
        return ""
    if _LEADING_ZERO_TEXT.fullmatch(got):
        return f"; {got} has a leading zero, which YAML 1.1 reads as an octal number: write it without the leading zero"
    if _FLOAT_TEXT.fullmatch(got) and isinstance(_decimal_number(got), str):
        return "; a number cannot be held exactly with this many digits (about 15 significant digits are kept): round it"
    return ""


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
            if isinstance(ctx_error, Contradiction):
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
    kept; the error names the id, how often it is used and the first few other
    places (the message stays short however many copies there are).
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
            out.append(CaseResult(r.source, None, (CaseError(
                r.source, r.record.id, "id",
                f"duplicate case id '{r.record.id}' used {len(places):,} times (also at {_other_places(places, r.source)}); "
                "every case in a batch needs its own id"),)))
        else:
            out.append(r)
    return out


def _other_places(places: list[str], here: str) -> str:
    """The first ``SHOWN_PLACES`` of ``places`` other than ``here``, and how many more there are."""
    others = len(places) - 1
    shown = list(itertools.islice((p for p in places if p != here), SHOWN_PLACES)) or [here]
    if others > len(shown):
        return f"{', '.join(shown)} and {others - len(shown):,} more"
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]


def read_cases(path: str | Path) -> Iterator[CaseResult]:
    """Yield every case of a file or folder (``.json``, ``.jsonl``, ``.ndjson``, ``.yaml``, ``.yml``), valid or not.

    Cases sharing an id are all rejected (:func:`check_unique_ids`).  Raises
    :class:`CaseInputError` only when a single file given by name cannot be read
    or parsed at all; in a folder such a file becomes one rejected
    :class:`CaseResult` (source: the file) and the other files are still read.
    """
    path = Path(path)
    if path.is_dir():
        results = [r for file in _case_files(path) for r in _read_in_batch(file)]
    else:
        results = list(_read_file(path))
    yield from check_unique_ids(results)


def stream_cases(path: str | Path) -> Iterator[CaseResult]:
    """The results of :func:`read_cases`, without holding every case of a large batch in memory.

    Cases come file by file (a JSON Lines file line by line).  A case whose id another case of
    the batch may share (found by a first, cheaper pass over the raw ids) is held back and judged
    by :func:`check_unique_ids` at the end, so duplicates are rejected exactly as by
    :func:`read_cases`; only the order differs (held-back cases come last).
    """
    path = Path(path)
    files = _case_files(path) if path.is_dir() else [path]
    seen: set[str] = set()
    shared: set[str] = set()
    for file in files:
        for raw in _raw_ids(file):
            (shared if raw in seen else seen).add(raw)
    del seen
    held: list[CaseResult] = []
    for file in files:
        results: Iterable[CaseResult] = _read_in_batch(file) if path.is_dir() else _read_file(file)
        for r in results:
            if r.record is not None and r.record.id in shared:
                held.append(r)
            else:
                yield r
    yield from check_unique_ids(held)


def _raw_ids(file: Path) -> Iterator[str]:
    """The ``id`` text of every case-like mapping of ``file``, as parsed before validation (unreadable: none)."""
    try:
        text = read_bounded_text(file)
        if file.suffix.lower() in JSON_LINES_SUFFIXES:
            items: Iterable[Any] = (_loads_or_none(line) for line in text.split("\n") if line.strip())
        else:
            items = parse_case_text(text, str(file), file.suffix)
    except CaseInputError:
        return
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            yield item["id"]


def _loads_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _case_files(folder: Path) -> list[Path]:
    """Every case file under ``folder`` (symbolic links to folders are not followed; folders named x.yaml are folders)."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in CASE_SUFFIXES and not p.is_dir())


def _read_in_batch(file: Path) -> list[CaseResult]:
    """The cases of one file of a folder; a file that cannot be read is one rejected result."""
    try:
        return list(_read_file(file))
    except CaseInputError as exc:
        return [CaseResult(str(file), None, tuple(exc.errors))]


def _bytes_text(n: int) -> str:
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} bytes"


def _file_error(source: str, message: str) -> CaseInputError:
    return CaseInputError([CaseError(source, None, "(file)", message)])


def read_bounded_text(file: Path) -> str:
    """The text of a regular file of at most ``MAX_FILE_BYTES`` (a leading byte order mark dropped).

    Opened without blocking and checked on the open descriptor, so a FIFO, a
    device such as /dev/zero or a folder is refused instead of read.
    """
    source = str(file)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _file_error(source, "broken symbolic link: its target does not exist" if file.is_symlink() else "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _file_error(source, "symbolic link loop: the link never reaches a file") from None
        raise _file_error(source, f"cannot be opened ({exc.strerror or exc.__class__.__name__})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise _file_error(source, "is a folder, not a case file")
        if not stat.S_ISREG(info.st_mode):
            raise _file_error(source, "not a regular file (a device, pipe or socket); give a case file")
        too_big = _file_error(source, f"file larger than {_bytes_text(MAX_FILE_BYTES)}; split it")
        if info.st_size > MAX_FILE_BYTES:
            raise too_big
        try:
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _file_error(source, f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > MAX_FILE_BYTES:
        raise too_big
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(source, "cannot be read as UTF-8 text (UnicodeDecodeError)") from None


def _read_file(file: Path) -> Iterator[CaseResult]:
    source = str(file)
    text = read_bounded_text(file)
    suffix = file.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        yield from _read_lines(text, source)
        return
    items = parse_case_text(text, source, suffix)
    for n, item in enumerate(items):
        yield validate_case(item, source if len(items) == 1 else f"{source}[{n}]")


def parse_case_text(text: str, source: str, suffix: str) -> list[Any]:
    """The cases (not yet validated) of a JSON (``suffix`` .json) or YAML text: a file's, or an upload's.

    The same bounds and messages as for a file; raises :class:`CaseInputError` when the text cannot be parsed."""
    kind = "JSON" if suffix.lower() == ".json" else "YAML"
    if not text.strip():
        raise _file_error(source, f"empty file; expected one case (a {kind} mapping of fields) or a list of cases")
    try:
        data = _parse_json(text) if kind == "JSON" else _load_yaml(text)
    except _TooManyValues:
        raise _file_error(source, f"more than {MAX_YAML_VALUES:,} values (an alias counts as often as it is used); "
                                  "split the file or use JSON Lines") from None
    except _RecursiveAlias:
        raise _file_error(source, "a value contains itself through an alias (a recursive alias); give each value in full") from None
    except (ValueError, yaml.YAMLError, RecursionError) as exc:
        raise _file_error(source, f"malformed {kind}: {_parse_problem(exc)}") from None
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_CASES_PER_FILE:
        raise _file_error(source, f"more than {MAX_CASES_PER_FILE:,} cases in one {kind} file; "
                                  "split it or use JSON Lines (one case per line)")
    return items


def _read_lines(text: str, source: str) -> Iterator[CaseResult]:
    """The cases of a JSON Lines file: lines end at \\n only (U+2028 and U+0085 are characters inside a line)."""
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        try:
            data = _parse_json(line)
        except (ValueError, RecursionError) as exc:
            yield CaseResult(where, None, (CaseError(where, None, "(line)", f"malformed JSON: {_parse_problem(exc)}"),))
            continue
        yield validate_case(data, where)


class _DuplicateKey(ValueError):
    pass


class _TooManyValues(Exception):
    """A YAML document that would expand to more than ``MAX_YAML_VALUES`` values."""


class _RecursiveAlias(Exception):
    """A YAML value that contains itself through an alias (it would expand forever)."""


def _unique_pairs(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"field '{key}' is given twice in one mapping; give each field once")
        out[key] = value
    return out


# Numbers as JSON writes them: decimal only, no leading zero, no '+', no '_'.  YAML plain
# scalars are numbers only in this notation (YAML 1.2 core schema, restricted to JSON's numbers).
_INT_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT_TEXT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT_TEXT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_BOOL_TEXT = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_BOOL_PATTERN = re.compile("|".join(_BOOL_TEXT))
_NULL_TEXT = re.compile(r"~|null|Null|NULL|")
_NUMBER_START = frozenset("-+.0123456789")
_YAML_TAG = "tag:yaml.org,2002:"
_LEADING_ZERO_TEXT = re.compile(r"-?0[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _decimal_number(text: str) -> float | str:
    """A decimal number text as a float, or the text itself when a float would change its value.

    ``20.00000000000000001`` would silently become 20; kept as text, the
    strict model rejects it with the field named.  Values too large for a
    float stay infinite (and are refused as not finite).
    """
    value = float(text)
    if math.isfinite(value) and Decimal(text) != Decimal(repr(value)):
        return text
    return value


def _parse_json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_unique_pairs, parse_float=_decimal_number)


class _CaseConstructor(yaml.constructor.SafeConstructor):
    """Builds only plain values (mappings, lists, text, decimal numbers, booleans, null).

    Duplicate keys are refused; any tag other than the core ones (``!!str``,
    ``!!int``, ``!!float``, ``!!bool``, ``!!null``, ``!!map``, ``!!seq``) is
    refused; a core tag on a value outside its notation (``!!int 0x14``) is
    refused.  The document is measured with aliases expanded before anything
    is built, so an alias bomb costs time in its size, not in its expansion.
    """

    yaml_constructors: dict[Any, Any] = {}

    def construct_document(self, node: Any) -> Any:
        _check_size(node)
        return super().construct_document(node)

    def flatten_mapping(self, node: Any) -> None:
        """No merge keys (a YAML 1.1 feature): ``<<`` is an ordinary key, an explicit ``!!merge`` tag is refused."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
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

    def _scalar_in(self, node: Any, pattern: re.Pattern[str], notation: str) -> str:
        text = self.construct_scalar(node)
        if not pattern.fullmatch(text):
            raise yaml.constructor.ConstructorError(None, None, f"'{text}' is not {notation} (tag {_short_tag(node.tag)})",
                                                    node.start_mark)
        return text

    def construct_case_int(self, node: Any) -> int:
        return int(self._scalar_in(node, _INT_TEXT, "a decimal integer"))

    def construct_case_float(self, node: Any) -> float | str:
        text = self.construct_scalar(node)
        if _SPECIAL_FLOAT_TEXT.fullmatch(text):
            return float(text.lower().lstrip("+").replace(".", ""))
        return _decimal_number(self._scalar_in(node, _FLOAT_TEXT, "a decimal number"))

    def construct_case_bool(self, node: Any) -> bool:
        return _BOOL_TEXT[self._scalar_in(node, _BOOL_PATTERN, "true or false")]

    def construct_case_null(self, node: Any) -> None:
        self._scalar_in(node, _NULL_TEXT, "null")
        return None

    def construct_refused(self, node: Any) -> Any:
        raise yaml.constructor.ConstructorError(
            None, None, f"the tag '{_short_tag(node.tag)}' is not allowed; only plain YAML values are (no tags such as "
                        "!!python/object, !!set, !!binary or !!timestamp)", node.start_mark)


for _tag, _construct in (("map", _CaseConstructor.construct_yaml_map), ("seq", _CaseConstructor.construct_yaml_seq),
                         ("str", _CaseConstructor.construct_yaml_str), ("int", _CaseConstructor.construct_case_int),
                         ("float", _CaseConstructor.construct_case_float), ("bool", _CaseConstructor.construct_case_bool),
                         ("null", _CaseConstructor.construct_case_null)):
    _CaseConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct)
_CaseConstructor.add_constructor(None, _CaseConstructor.construct_refused)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:set`` as it is written in a file: ``!!set``."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


class _CaseResolver(yaml.resolver.BaseResolver):
    """Plain scalars are numbers, booleans or null only in the notations above; everything else is text."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return self.DEFAULT_MAPPING_TAG if kind is yaml.MappingNode else self.DEFAULT_SEQUENCE_TAG
        if not implicit[0]:  # quoted: text
            return self.DEFAULT_SCALAR_TAG
        return _plain_scalar_tag(value)


def _plain_scalar_tag(text: str) -> str:
    if _NULL_TEXT.fullmatch(text):
        return "tag:yaml.org,2002:null"
    if text in _BOOL_TEXT:
        return "tag:yaml.org,2002:bool"
    if text[:1] in _NUMBER_START:
        if _INT_TEXT.fullmatch(text):
            return "tag:yaml.org,2002:int"
        if _FLOAT_TEXT.fullmatch(text) or _SPECIAL_FLOAT_TEXT.fullmatch(text):
            return "tag:yaml.org,2002:float"
    return "tag:yaml.org,2002:str"


class _PyCaseLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                    _CaseConstructor, _CaseResolver):
    """The case loader in pure Python."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CaseConstructor.__init__(self)
        _CaseResolver.__init__(self)


if yaml.__with_libyaml__:
    class _CCaseLoader(yaml.cyaml.CParser, _CaseConstructor, _CaseResolver):  # type: ignore[misc, name-defined]
        """The case loader with libyaml's parser (same values, several times faster)."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _CaseConstructor.__init__(self)
            _CaseResolver.__init__(self)

    _CaseLoader: type = _CCaseLoader
else:
    _CaseLoader = _PyCaseLoader


def _load_yaml(text: str, loader: Optional[type] = None) -> Any:
    """One YAML document read with the case loader (``loader`` picks the C or Python one)."""
    return yaml.load(text, Loader=loader or _CaseLoader)  # noqa: S506 - plain values only, see _CaseConstructor


def _check_size(root: Any) -> None:
    """Refuse a YAML node graph holding more than ``MAX_YAML_VALUES`` nodes with every alias expanded.

    Counting stops at the limit, so an alias bomb costs at most that many steps."""
    count = 0
    stack = [root]
    while stack and count <= MAX_YAML_VALUES:
        node = stack.pop()
        count += 1
        if isinstance(node, yaml.MappingNode):
            stack.extend(itertools.chain.from_iterable(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    if count > MAX_YAML_VALUES:
        raise _RecursiveAlias if _contains_itself(root) else _TooManyValues


def _contains_itself(root: Any) -> bool:
    """Whether a node of the graph is its own descendant (a recursive alias); each distinct node is visited once."""
    done: set[int] = set()
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            done.add(key)
        elif key in open_nodes:
            return True
        elif key not in done:
            open_nodes.add(key)
            stack.append((node, True))
            children = (itertools.chain.from_iterable(node.value) if isinstance(node, yaml.MappingNode)
                        else node.value if isinstance(node, yaml.SequenceNode) else ())
            stack.extend((child, False) for child in children if id(child) not in done)
    return False


def _parse_problem(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "too deeply nested"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or "cannot be parsed"
        if "maximum nesting depth" in problem:  # libyaml's parser stops at 1,000 levels
            problem = "too deeply nested"
        mark = exc.problem_mark or exc.context_mark
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
