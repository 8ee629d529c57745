"""For each main therapy family: does the case get it, and if not, why not.

A family is *offered* when a positive finding of the final report (recommended,
consider) names a therapy in it, and *advised against* when a negative finding
(not recommended, contraindicated) names a therapy related to it (the family
itself, one of its therapies, or a broader class such as "upfront surgery").
A therapy belongs to the narrowest family that holds it: liver transplantation
is not counted as surgery.

When neither, every recommendation rule with a positive axiom for a therapy of
the family is a *candidate*, and the conditions of its definition that the case
fails are listed.  ``and`` is flattened (conditions on the tumour, inside
``has tumour some (...)``, are listed one by one); an ``or`` fails when none of
its items holds.  Named classes are judged from the classification: case-level
classes from ``case_types``, classes of the tumour from ``tumour_types``.

Population conditions say who a rule is for, rather than where the patient is in
the course or how fit they are: the WHO grade category (NET G1, G2, G3, NEC and
classes defined from them), differentiation, primary site and hormonal function
(a rule for a hormonal syndrome is for patients who have one).  Everything else
(Ki-67 thresholds inside a grade, SSTR status, metastatic extent, resectability,
disease course, line, prior therapy, age, performance status) is a condition of
the course or of fitness.  SSTR status is a predictive marker for SSTR-directed
therapy: an SSTR-negative tumour is *not offered* PRRT, it is not outside the
sources.  A failed population condition counts only when the case records the
facts behind it (for the grade of a tumour without an assigned grade: all of
them, since a missing Ki-67 may be what keeps it ungraded); otherwise it is shown
as *not recorded*.  A code that means "unknown" (differentiation, SSTR status:
:meth:`~netkg.cases.fields.CaseField.records`) records nothing, so a tumour of
unknown differentiation is *not offered* chemotherapy pending the work-up, not
outside the sources that address it for NEC.  A condition that names another rule is shown with that
rule's statement ids instead of case facts.

If every candidate rule fails on a recorded population condition, the sources do
not address the family for this tumour: *not covered*.  Otherwise *not offered*,
with the nearest rule: the one with the fewest failed population conditions,
then one that does not fail on another rule (a companion rule, such as
cholecystectomy during surgery other rules recommend), then the fewest other
failed conditions, then the fewest failed overall, then IRI order.  The line of a *not covered* family says whom the sources address it
for (each candidate's population conditions, with its statement ids) and the
case's facts against them.  A family no rule recommends is *not covered*.  The
nearest rule is chosen on all its failed conditions, but a condition only about
the metastases at a site the case records as free of them (bone metastasis
symptoms without bone metastases) is not shown: it cannot be recorded.

A family advised against only by findings on narrower therapies than the family can still have rules for
this tumour that the patient does not meet at this point of the course or at this fitness (platinum-etoposide
for a NEC at ECOG 3, with colorectal regimens advised against). Its line then says both: the negative
findings, and "otherwise not offered" with the nearest rule and its unmet conditions, so that a narrow
negative does not read as the whole family's answer. A nearest rule that fails on the tumour itself, or on
another rule rather than on recorded facts, is not named there.

Everything derived from the knowledge (candidate rules, flattened conditions and
their text) is built once per :class:`~netkg.knowledge.ontology.Knowledge` object; per case
only set lookups on the classification and the few facts shown are done.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Optional, Protocol

from rdflib import URIRef

from netkg import vocabulary as V
from netkg.cases.fields import FACT_PATHS, FIELDS
from netkg.cases.record import SITE_DETAIL_FIELDS, CaseRecord
from netkg.knowledge.ontology import Knowledge, Rule
from netkg.knowledge.expressions import (And, Expr, HasValue, MaxZero, Named, Only, Or, Some, named_in, properties_used,
                                         render)
from netkg.reasoning.result import Classification
from netkg.vocabulary import NETKG

FAMILIES: tuple[URIRef, ...] = (
    NETKG.SomatostatinAnalog, NETKG.TargetedTherapy, NETKG.Chemotherapy, NETKG.RadionuclideTherapy,
    NETKG.LiverDirectedTherapy, NETKG.Surgery, NETKG.LiverTransplantation, NETKG.Radiotherapy,
)
STATUSES = ("offered", "advised against", "offered and advised against", "not offered", "not covered")

_POSITIVE = ("recommended", "consider")
_NEGATIVE = ("not_recommended", "contraindicated")
_HAS_TUMOUR = NETKG.hasTumour
_POPULATION_PROPERTIES = frozenset({NETKG.hasPrimarySite, NETKG.hasDifferentiation, NETKG.hasFunctionalStatus})

# A condition judged on the case's and the tumour's classes (IRIs as plain strings):
# True (holds), False (fails), None (cannot be told from the classes).
Judge = Callable[[frozenset[str], frozenset[str]], Optional[bool]]


class FindingLike(Protocol):
    """What this module reads of a report finding (:class:`netkg.report.model.Finding`)."""

    category: str
    therapy: str
    therapy_label: str
    intent: Optional[str]

    @property
    def statements(self) -> list[str]: ...


@dataclass
class Condition:
    """One condition of a rule definition that the case does not meet."""

    text: str              # the condition as rendered from the knowledge, e.g. "Ki-67 below 10%"
    facts: dict[str, Any]  # case field path -> value behind it, e.g. {"tumour.ki67": 15.0}; {} if none
    population: bool       # about who the rule is for (grade, differentiation, primary site, hormonal function)
    recorded: bool = True  # False when the case lacks the data to decide it (facts missing, grade not assigned)


@dataclass
class FamilyStatus:
    """Whether one therapy family is offered to the case, advised against, or why not."""

    family: str                  # IRI of the family class
    family_label: str
    status: str                  # one of STATUSES
    findings: list[str]          # "<therapy label> (<category>)" for offered / advised against
    nearest_rule: Optional[str]  # IRI of the nearest rule, for not offered / not covered
    nearest_label: Optional[str]
    statements: list[str]        # statement ids the text names: of the findings, the nearest rule, or (not
                                 # covered) every rule that recommends the family to other tumours
    failed: list[Condition]      # conditions of the nearest rule the case does not meet
    text: str                    # one line a clinician reads

    def as_dict(self) -> dict[str, Any]:
        """The status as plain JSON-ready data."""
        return asdict(self)


@dataclass(frozen=True, eq=False)
class _Conjunct:
    """One flattened condition of a rule definition, derived once per knowledge."""

    text: str
    judge: Judge
    iri: Optional[str]         # for a named class: judged by membership, without calling ``judge``
    on_tumour: bool
    population: bool
    grade_based: bool          # a population condition that reads the facts assigning the grade
    paths: tuple[str, ...]     # case field paths behind it


@dataclass(frozen=True)
class _Candidate:
    rule: Rule
    conjuncts: tuple[_Conjunct, ...]
    key: str  # the rule IRI as a plain string


@dataclass(frozen=True)
class _Failure:
    """What one candidate rule fails on, for one case."""

    candidate: _Candidate
    failed: tuple[_Conjunct, ...]
    population: int  # failed population conditions that the case records
    other: int


class _FamilyIndex:
    """Everything about the families derived once from one knowledge."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.defs = knowledge.definitions
        self.grade_properties = frozenset().union(*(properties_used(Named(g), self.defs) for g in V.GRADE_CLASSES))
        self.labels = {f: knowledge.label(f) for f in FAMILIES}
        self.narrower = {f: tuple(g for g in FAMILIES if g != f and knowledge.subsumes(f, g)) for f in FAMILIES}
        self._population_memo: dict[URIRef, Optional[bool]] = {}
        self._conjunct_memo: dict[tuple[Expr, bool], _Conjunct] = {}
        self.candidates = {f: self._candidates(f) for f in FAMILIES}
        self._families: dict[tuple[str, bool], tuple[URIRef, ...]] = {}

    # ------------------------------------------------------------------ families and findings
    def member(self, family: URIRef, therapy: URIRef) -> bool:
        """True when ``therapy`` is in ``family`` and not in a narrower family."""
        k = self.k
        return k.subsumes(family, therapy) and not any(k.subsumes(g, therapy) for g in self.narrower[family])

    def _candidates(self, family: URIRef) -> tuple[_Candidate, ...]:
        out = []
        for iri, rule in sorted(self.k.rules.items()):
            if rule.family != V.RECOMMENDATION_RULE or iri not in self.defs:
                continue
            if any(a.strength in V.POSITIVE_PROPERTIES and self.member(family, a.therapy) for a in rule.axioms):
                out.append(_Candidate(rule, tuple(self._conjuncts(self.defs[iri])), str(iri)))
        return tuple(out)

    # ------------------------------------------------------------------ conditions
    def _conjuncts(self, expr: Expr, on_tumour: bool = False) -> Iterable[_Conjunct]:
        """The definition split at ``and`` and at ``has tumour some``, one condition each."""
        if isinstance(expr, And):
            for item in expr.items:
                yield from self._conjuncts(item, on_tumour)
        elif not on_tumour and isinstance(expr, Some) and expr.prop == _HAS_TUMOUR:
            yield from self._conjuncts(expr.filler, True)  # type: ignore[arg-type]
        elif isinstance(expr, Named) and expr.iri in (V.PATIENT_CASE, V.TUMOUR):
            return
        elif (expr, on_tumour) in self._conjunct_memo:  # one object per condition: per-case results are cached by it
            yield self._conjunct_memo[(expr, on_tumour)]
        else:
            props = properties_used(expr, self.defs)
            names_rule = any(c in self.k.rules for c in named_in(expr))
            paths = () if names_rule else tuple(sorted({FACT_PATHS[p] for p in props if p in FACT_PATHS}))
            population = bool(self._population(expr))
            iri = str(expr.iri) if isinstance(expr, Named) else None
            conjunct = self._conjunct_memo[(expr, on_tumour)] = _Conjunct(
                render(expr, self._label_with_ids), _judge(expr, on_tumour), iri, on_tumour, population,
                population and not names_rule and bool(props & self.grade_properties), paths)
            yield conjunct

    def _label_with_ids(self, iri: URIRef) -> str:
        """A term's label; a rule's label followed by its statement ids."""
        rule = self.k.rules.get(iri)
        return f"{rule.label} ({', '.join(rule.statements)})" if rule and rule.statements else self.k.label(iri)

    def _population(self, expr: Any) -> Optional[bool]:
        """True when the expression says who a rule is for; None when it says nothing either way."""
        if isinstance(expr, Named):
            if expr.iri in V.GRADE_CLASSES:
                return True
            if expr.iri not in self.defs:
                return None  # a primitive class such as "neuroendocrine neoplasm"
            if expr.iri not in self._population_memo:
                self._population_memo[expr.iri] = None  # cycle guard
                self._population_memo[expr.iri] = self._population(self.defs[expr.iri])
            return self._population_memo[expr.iri]
        if isinstance(expr, (And, Or)):
            parts = [p for p in (self._population(e) for e in expr.items) if p is not None]
            return all(parts) if parts else None
        if isinstance(expr, Some) and expr.prop == _HAS_TUMOUR:
            return self._population(expr.filler)
        if isinstance(expr, (Some, Only, HasValue, MaxZero)):
            return expr.prop in _POPULATION_PROPERTIES
        return False

    # ------------------------------------------------------------------ one case
    def statuses(self, classification: Classification, record: CaseRecord,
                 findings: list[FindingLike]) -> list[FamilyStatus]:
        """The status of every family, in the order of :data:`FAMILIES`."""
        positive: dict[URIRef, list[FindingLike]] = {f: [] for f in FAMILIES}
        negative: dict[URIRef, list[FindingLike]] = {f: [] for f in FAMILIES}
        for finding in findings:
            is_negative = finding.category in _NEGATIVE
            if is_negative or finding.category in _POSITIVE:
                target = negative if is_negative else positive
                for family in self.families_of(finding.therapy, is_negative):
                    target[family].append(finding)
        case = _CaseView(classification, record)
        out = []
        for family in FAMILIES:
            if not (positive[family] or negative[family]):
                out.append(self._missing(family, case))
                continue
            found = self._found(family, positive[family], negative[family])
            if not positive[family] and not any(self.k.subsumes(URIRef(f.therapy), family) for f in negative[family]):
                found = self._with_unmet_course_rule(found, family, case)  # a narrower negative than the family
            out.append(found)
        return out

    def _with_unmet_course_rule(self, against: FamilyStatus, family: URIRef, case: "_CaseView") -> FamilyStatus:
        """A family only advised against in part (no negative names the family or a broader class), one of whose own
        rules is for this tumour but not met at this point of the course or at this fitness: both halves are shown.

        Without it "chemotherapy: advised against -- colorectal cancer regimen" reads as if every chemotherapy were
        advised against, when the platinum-etoposide rules are for this tumour and unmet only because of ECOG 3. A
        nearest rule that fails on the tumour (another site, size or type) is left out: it is not for this case;
        so is one that fails on another rule rather than on recorded facts (a companion such as cholecystectomy).
        """
        nearest = self._nearest(family, case)
        if nearest is None or nearest.population or not nearest.failed \
                or any(c.on_tumour or not c.paths for c in nearest.failed):
            return against  # no rule for this tumour that only the course or fitness keeps from the patient
        rule = nearest.candidate.rule
        failed = case.conditions(nearest.failed)
        text = (f"{against.text}; otherwise not offered: {_rule_name(rule)} "
                f"needs {'; '.join(_describe(c) for c in failed)}")
        return FamilyStatus(against.family, against.family_label, against.status, against.findings, str(rule.iri),
                            rule.label, sorted(set(against.statements) | set(rule.statements)), failed, text)

    def _nearest(self, family: URIRef, case: "_CaseView") -> Optional[_Failure]:
        """The candidate rule of the family the case comes closest to meeting (None without candidates)."""
        failures = [case.failure(c) for c in self.candidates[family]]  # in IRI order: min() keeps the first
        return min(failures, key=_nearness) if failures else None

    def families_of(self, therapy: str, negative: bool) -> tuple[URIRef, ...]:
        """The families a finding on ``therapy`` counts for (positive: member; negative: related)."""
        key = (therapy, negative)
        found = self._families.get(key)
        if found is None:
            t = URIRef(therapy)
            if negative:
                found = tuple(f for f in FAMILIES if self.k.related(f, t)
                              and not any(self.k.subsumes(g, t) for g in self.narrower[f]))
            else:
                found = tuple(f for f in FAMILIES if self.member(f, t))
            self._families[key] = found
        return found

    def _found(self, family: URIRef, pos: list[FindingLike], neg: list[FindingLike]) -> FamilyStatus:
        label = self.labels[family]
        status = "offered and advised against" if pos and neg else "offered" if pos else "advised against"
        named = [f"{f.therapy_label} ({f.category.replace('_', ' ')})" for f in pos + neg]
        if len(set(named)) < len(named):  # one therapy in one category under two intents: name the intents
            named = [f"{f.therapy_label} ({f.category.replace('_', ' ')}"
                     f"{', ' + f.intent if f.intent else ''})" for f in pos + neg]
        ids = sorted({s for f in pos + neg for s in f.statements})
        text = f"{label}: {status} -- {'; '.join(named)}{_ids(ids)}"
        return FamilyStatus(str(family), label, status, named, None, None, ids, [], text)

    def _missing(self, family: URIRef, case: "_CaseView") -> FamilyStatus:
        label = self.labels[family]
        candidates = self.candidates[family]
        if not candidates:
            return FamilyStatus(str(family), label, "not covered", [], None, None, [], [],
                                f"{label}: not covered -- no rule of the sources recommends it")
        failures = [case.failure(c) for c in candidates]  # candidates are in IRI order: min() keeps the first
        nearest = min(failures, key=_nearness)
        rule = nearest.candidate.rule
        failed = case.conditions(nearest.failed)
        if any(f.population == 0 for f in failures):
            reason = f"needs {'; '.join(_describe(c) for c in failed)}" if failed else \
                "applies, but its finding is not in the final report"
            return FamilyStatus(str(family), label, "not offered", [], str(rule.iri), rule.label, list(rule.statements),
                                failed, f"{label}: not offered -- {_rule_name(rule)} {reason}")
        scope, ids, facts = _scope(failures, case)
        text = f"{label}: not covered -- the sources address it only for {scope}; this case: {facts}"
        return FamilyStatus(str(family), label, "not covered", [], str(rule.iri), rule.label, ids, failed, text)


class _CaseView:
    """One case as this module reads it: its inferred classes and, on demand, its recorded facts."""

    def __init__(self, classification: Classification, record: CaseRecord) -> None:
        # Plain strings: membership tests on str are several times faster than on rdflib terms.
        self.case_types = frozenset(map(str, classification.case_types))
        self.tumour_types = frozenset(map(str, classification.tumour_types))
        self.graded = not classification.tumour_types.isdisjoint(V.GRADE_CLASSES)
        self.record = record
        self.values: dict[str, Any] = {}
        self._facts: dict[_Conjunct, dict[str, Any]] = {}
        self._recorded: dict[_Conjunct, bool] = {}

    def failure(self, candidate: _Candidate) -> _Failure:
        """The conditions of a candidate rule the case fails (those it cannot judge, if it fails none)."""
        if candidate.key in self.case_types:
            return _Failure(candidate, (), 0, 0)
        case, tumour = self.case_types, self.tumour_types
        failed: list[_Conjunct] = []
        unknown: list[_Conjunct] = []
        for c in candidate.conjuncts:
            ok = (c.iri in (tumour if c.on_tumour else case)) if c.iri is not None else c.judge(case, tumour)
            if ok is False:
                failed.append(c)
            elif ok is None:
                unknown.append(c)
        chosen = tuple(failed or unknown)
        population = other = 0
        for c in chosen:
            if not c.population:
                other += 1
            elif self.recorded(c):
                population += 1
        return _Failure(candidate, chosen, population, other)

    def recorded(self, conjunct: _Conjunct) -> bool:
        """Does the case record what decides the condition?"""
        found = self._recorded.get(conjunct)
        if found is None:
            # a code meaning "unknown" (differentiation, SSTR status) records nothing, like an omitted field
            present = [FIELDS[p].records(v) if p in FIELDS else v is not None for p, v in self.facts(conjunct).items()]
            if conjunct.grade_based and not self.graded:  # no grade assigned: decided only if every fact is there
                found = all(present)
            else:
                found = not present or any(present)
            self._recorded[conjunct] = found
        return found

    def conditions(self, conjuncts: Iterable[_Conjunct]) -> list[Condition]:
        """The failed conditions to show, leaving out one that is only about the metastases at a site the case
        records as free of them (bone metastasis symptoms without bone metastases): that field cannot be recorded,
        and the condition naming the site already says why."""
        shown = [c for c in conjuncts if not self._about_absent_site(c)] or list(conjuncts)
        return [self.condition(c) for c in shown]

    def _about_absent_site(self, conjunct: _Conjunct) -> bool:
        sites = self.record.metastatic_sites
        if sites is None or not conjunct.paths or self.recorded(conjunct):
            return False
        absent = [name for name, (site, _) in SITE_DETAIL_FIELDS.items() if site not in sites]
        return all(any(path == name or path.startswith(name + ".") for name in absent) for path in conjunct.paths)

    def condition(self, conjunct: _Conjunct) -> Condition:
        return Condition(conjunct.text, dict(self.facts(conjunct)), conjunct.population, self.recorded(conjunct))

    def facts(self, conjunct: _Conjunct) -> dict[str, Any]:
        """The case's values behind a condition, by field path (shared: copy before handing out)."""
        found = self._facts.get(conjunct)
        if found is None:
            found = self._facts[conjunct] = {p: self.value(p) for p in conjunct.paths}
        return found

    def value(self, path: str) -> Any:
        """The case field at a dotted path (``tumour.ki67``); lists as lists, missing as None."""
        try:
            return self.values[path]
        except KeyError:
            value: Any = self.record
            for part in path.split("."):
                value = getattr(value, part, None)
            if isinstance(value, (list, tuple)):  # plain data, JSON-ready (history entries are models)
                value = [v.model_dump(mode="json", exclude_none=True) if hasattr(v, "model_dump") else v for v in value]
            self.values[path] = value
            return value


def _nearness(failure: _Failure) -> tuple[int, bool, int, int]:
    """How far a candidate rule is from the case, smallest first: failed population conditions; then whether it
    fails on another rule (a companion, such as cholecystectomy during surgery that other rules recommend,
    is not the rule that would bring the family to this case); then other failed conditions; then all."""
    companion = any(not c.paths for c in failure.failed)
    return failure.population, companion, failure.other, len(failure.failed)


def _judge(expr: Any, on_tumour: bool) -> Judge:
    """A function telling whether the case meets ``expr``, from its inferred classes alone."""
    if isinstance(expr, Named):
        iri = str(expr.iri)
        if on_tumour:
            return lambda case, tumour: iri in tumour
        return lambda case, tumour: iri in case
    if isinstance(expr, Some) and expr.prop == _HAS_TUMOUR and not on_tumour:
        return _judge(expr.filler, True)
    if isinstance(expr, (And, Or)):
        parts = tuple(_judge(e, on_tumour) for e in expr.items)
        decisive = isinstance(expr, Or)

        def combined(case: frozenset[str], tumour: frozenset[str]) -> Optional[bool]:
            unknown = False
            for part in parts:
                value = part(case, tumour)
                if value is decisive:
                    return decisive
                unknown = unknown or value is None
            return None if unknown else not decisive
        return combined
    return lambda case, tumour: None


def _scope(failures: list[_Failure], case: _CaseView) -> tuple[str, list[str], str]:
    """Whom the candidate rules are for (their failed population conditions, with statement ids), every
    statement id named, and the case's facts behind those conditions."""
    groups: dict[str, list[str]] = {}
    facts: dict[str, Any] = {}
    for f in failures:
        population = [c for c in f.failed if c.population and case.recorded(c)]
        ids = groups.setdefault(" and ".join(c.text for c in population), [])
        ids.extend(i for i in f.candidate.rule.statements if i not in ids)
        for c in population:
            facts.update(case.facts(c))
    scope = " or ".join(f"{phrase}{_ids(sorted(ids))}" for phrase, ids in groups.items())
    shown = ", ".join(f"{p} = {_show(v)}" for p, v in sorted(facts.items()))
    return scope, sorted({i for ids in groups.values() for i in ids}), shown


def _show(value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) if value else "none"
    return str(value)


def _describe(condition: Condition) -> str:
    facts = ", ".join(f"{path} = {_show(value)}" for path, value in condition.facts.items())
    if not condition.recorded:
        facts = f"not recorded{': ' + facts if facts else ''}"
    return f"{condition.text} ({facts})" if facts else condition.text


def _ids(ids: list[str]) -> str:
    return f" ({', '.join(ids)})" if ids else ""


def _rule_name(rule: Rule) -> str:
    return f"{', '.join(rule.statements)} ({rule.label})" if rule.statements else rule.label


_INDEXES: dict[int, _FamilyIndex] = {}


def _index(knowledge: Knowledge) -> _FamilyIndex:
    index = _INDEXES.get(id(knowledge))
    if index is None or index.k is not knowledge:
        index = _INDEXES[id(knowledge)] = _FamilyIndex(knowledge)
    return index


def family_status(knowledge: Knowledge, classification: Classification, record: CaseRecord,
                  findings: list[FindingLike]) -> list[FamilyStatus]:
    """For each family in :data:`FAMILIES`, in that order: offered, advised against, not offered or not covered."""
    return _index(knowledge).statuses(classification, record, findings)
