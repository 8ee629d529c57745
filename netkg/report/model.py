"""Turn a classified case into a recommendation report.

The reasoner decides which rule classes a case belongs to; this module reads
what those rules say.  Safety rule: a negative (not recommended,
contraindicated) always wins over a positive (recommended, consider) for the
same therapy, or a therapy it covers, in an overlapping line of therapy; the
overridden positive is kept in the report as a conflict, never dropped
silently.  Contraindications cover every line.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import AbstractSet, Any, Callable, Iterator, Optional

from rdflib import Graph, Literal, URIRef

from netkg import DISCLAIMER
from netkg import vocabulary as V
from netkg.cases.fields import FACT_PATHS
from netkg.cases.record import CaseRecord
from netkg.cases.facts import CaseFacts, Triple
from netkg.knowledge.ontology import STRENGTH_NAMES, Item, Knowledge, Rule
from netkg.cases import course
from netkg.cases.plausibility import implausibilities
from netkg.report.provenance import citation, evidence_levels, is_seed_article, revision
from netkg.report.therapy_gaps import family_status
from netkg.knowledge.expressions import named_in, properties_used, render
from netkg.reasoning.result import Classification
from netkg.vocabulary import DCTERMS, NETKG, NKR, RDF

CATEGORIES = ("recommended", "consider", "not_recommended", "contraindicated")
_CATEGORY_OF = {V.RECOMMENDED: "recommended", V.CONSIDER: "consider",
                V.NOT_RECOMMENDED: "not_recommended", V.CONTRAINDICATED: "contraindicated"}
NKR_CATEGORY = {"recommended": NKR.Recommended, "consider": NKR.Consider,
                "not_recommended": NKR.NotRecommended, "contraindicated": NKR.Contraindicated}
NKR_EDGE = {"recommended": NKR.recommended, "consider": NKR.consider,
            "not_recommended": NKR.notRecommended, "contraindicated": NKR.contraindicated}
_RANK = {"recommended": 0, "consider": 1}



@dataclass
class Source:
    """A rule or item that supports a line of the report."""

    iri: str
    label: str
    statements: list[str]
    articles: list[str]  # numbers of the seed articles among the sources ("004")
    sources: list[str] = field(default_factory=list)  # IRIs of every dcterms:source of the rule
    citations: list[str] = field(default_factory=list)  # one short citation per source ("art. 004", "NETTER-2, Lancet 2024")
    evidence_levels: list[dict[str, Any]] = field(default_factory=list)  # iri, label, rank; strongest first
    superseded_by: list[str] = field(default_factory=list)  # newer statements that replace this one for part of its population
    refined_by: list[str] = field(default_factory=list)  # newer statements that refine this one


@dataclass(frozen=True)
class Related:
    """Another positive finding of the same report whose therapy is a kind of this one's, or includes it."""

    therapy: str
    therapy_label: str
    category: str
    statements: list[str]


@dataclass
class Finding:
    """One therapy in one category, with every rule that put it there."""

    category: str
    therapy: str
    therapy_label: str
    line: list[str]
    rules: list[Source]
    explanation: list[str]
    facts: dict[str, Any]
    excluding: list[str] = field(default_factory=list)
    intent: Optional[str] = None  # label of the intent; None: the rules speak of every intent
    statement_notes: dict[str, str] = field(default_factory=dict)  # statement id -> "refined by K101 (...)"
    broader: list[Related] = field(default_factory=list)  # positives of more general therapies this one is a form of
    narrower: list[Related] = field(default_factory=list)  # positives of forms of this therapy (e.g. a preferred regimen)
    also: list[Related] = field(default_factory=list)  # the same therapy in the other positive category (sources differ in strength)

    @property
    def statements(self) -> list[str]:
        return sorted({s for r in self.rules for s in r.statements})

    def relation_notes(self) -> list[str]:
        """The related positives in words: "a form of platinum plus etoposide, also recommended (K007)"."""
        def named(r: Related) -> str:
            return f"{r.therapy_label}, {r.category.replace('_', ' ')} ({', '.join(r.statements)})"
        notes = [f"the sources differ in strength: {'to consider' if r.category == 'consider' else r.category} "
                 f"under {', '.join(r.statements)}" for r in self.also]
        notes += [f"a form of {named(r)}" for r in self.broader]
        if self.narrower:
            notes.append(f"the sources name a form of it for this case: {'; '.join(named(r) for r in self.narrower)}")
        return notes

    @property
    def evidence_levels(self) -> list[dict[str, Any]]:
        """The distinct evidence levels of the rules behind the finding, strongest first."""
        levels = {lv["iri"]: lv for r in self.rules for lv in r.evidence_levels}
        return sorted(levels.values(), key=lambda lv: (lv["rank"] or 99, lv["label"]))


@dataclass
class Withheld:
    """A positive that goes only with another treatment, which the final report does not offer."""

    therapy: str
    therapy_label: str
    rule: Source
    reason: str


@dataclass
class Superseded:
    """A positive whose rule's statement a newer statement replaces, and that newer statement applies here."""

    category: str
    therapy: str
    therapy_label: str
    rule: Source
    by: list[Source]
    text: str


@dataclass
class Conflict:
    """A positive and a negative that met on the same therapy; the negative won."""

    therapy: str
    therapy_label: str
    positive: str
    positive_rule: Source
    negative: str
    negative_rule: Source
    resolution: str


@dataclass
class Note:
    """A work-up, caution, follow-up, prognosis or process line."""

    kind: str
    label: str
    text: str
    action: Optional[str]
    source: Source
    therapy: Optional[str] = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    met: list[str] = field(default_factory=list)  # what the rule names that holds for this case (K057: which factors)
    facts: dict[str, Any] = field(default_factory=dict)  # the case fields the rule reads, with this case's values

    def in_this_case(self) -> str:
        """What of the rule's condition holds here, in words ("" when the rule names nothing beyond a case)."""
        return ", ".join(self.met)


@dataclass
class Report:
    """Everything netkg concludes about one case, with its reasons and sources."""

    case_id: str
    knowledge_version: str
    engine: str
    grade: Optional[str]
    grade_label: Optional[str]
    profile: list[str]
    findings: list[Finding]
    conflicts: list[Conflict]
    workup: list[Note]
    cautions: list[Note]
    dosing: list[dict[str, Any]]
    monitoring: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    followup: list[Note]
    prognosis: list[Note]
    process: list[Note]
    disclaimer: str = DISCLAIMER
    data_warnings: list[dict[str, str]] = field(default_factory=list)  # implausible facts to check (netkg.cases.plausibility)
    key_facts: dict[str, str] = field(default_factory=dict)  # the few facts a tumour board reads first
    withheld: list[Withheld] = field(default_factory=list)
    superseded: list[Superseded] = field(default_factory=list)  # positives not reported on a superseded statement
    #: How to work out :attr:`therapy_families` when it is first read (set by :class:`ReportBuilder`): the
    #: store and the exports do not hold the families, so a batch that never reads them does not pay for them.
    family_source: Optional[Callable[[], list[Any]]] = field(default=None, repr=False, compare=False)
    _families: Optional[list[Any]] = field(default=None, repr=False, compare=False)

    @property
    def therapy_families(self) -> list[Any]:
        """Each therapy family (netkg.report.therapy_gaps.FamilyStatus): offered, advised against, why not, or not covered."""
        if self._families is None:
            self._families = self.family_source() if self.family_source is not None else []
            self.family_source = None
        return self._families

    def __getstate__(self) -> dict[str, Any]:
        """A pickled report carries its families worked out, not the means to work them out."""
        state = dict(self.__dict__)
        state["_families"], state["family_source"] = self.therapy_families, None
        return state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self._compared() == other._compared() and self.therapy_families == other.therapy_families

    def _compared(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("family_source", "_families")}

    def items(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]

    def therapies(self, category: str) -> set[str]:
        """IRIs of the therapies reported in one category."""
        return {f.therapy for f in self.items(category)}

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (shape documented in docs/report-format.md)."""
        def finding(f: Finding) -> dict[str, Any]:
            return {"therapy": f.therapy, "therapy_label": f.therapy_label, "line": f.line, "intent": f.intent,
                    "statements": f.statements, "evidence_levels": f.evidence_levels, "rules": [vars(r) for r in f.rules],
                    "explanation": f.explanation, "facts": f.facts, "excluding": f.excluding,
                    "statement_notes": f.statement_notes,
                    "broader": [vars(r) for r in f.broader], "narrower": [vars(r) for r in f.narrower],
                    "also": [vars(r) for r in f.also]}

        def note(n: Note) -> dict[str, Any]:
            return {"label": n.label, "text": n.text, "action": n.action, "therapy": n.therapy,
                    "statements": n.source.statements, "articles": n.source.articles, "rule": n.source.iri,
                    "evidence": n.evidence, "citations": n.source.citations, "evidence_levels": n.source.evidence_levels,
                    "met": n.met, "facts": n.facts}

        return {
            "case_id": self.case_id, "knowledge_version": self.knowledge_version, "engine": self.engine,
            "disclaimer": self.disclaimer, "grade": self.grade, "grade_label": self.grade_label,
            "key_facts": self.key_facts, "profile": self.profile,
            **{c: [finding(f) for f in self.items(c)] for c in CATEGORIES},
            "conflicts": [{"therapy": c.therapy, "therapy_label": c.therapy_label, "positive": c.positive,
                           "positive_rule": vars(c.positive_rule), "negative": c.negative,
                           "negative_rule": vars(c.negative_rule), "resolution": c.resolution} for c in self.conflicts],
            "workup": [note(n) for n in self.workup], "cautions": [note(n) for n in self.cautions],
            "dosing": self.dosing, "monitoring": self.monitoring, "evidence": self.evidence,
            "followup": [note(n) for n in self.followup], "prognosis": [note(n) for n in self.prognosis],
            "process": [note(n) for n in self.process],
            "data_warnings": self.data_warnings,
            "therapy_families": [f.as_dict() for f in self.therapy_families],
            "withheld": [{"therapy": w.therapy, "therapy_label": w.therapy_label, "rule": vars(w.rule), "reason": w.reason}
                         for w in self.withheld],
            "superseded": [{"category": s.category, "therapy": s.therapy, "therapy_label": s.therapy_label,
                            "rule": vars(s.rule), "by": [vars(b) for b in s.by], "text": s.text} for s in self.superseded],
        }

    def to_rdf(self, facts: CaseFacts, classification: Classification) -> Graph:
        """The case, its inferred types and the report, as one RDF graph (see docs/report-format.md)."""
        g = facts.to_graph()
        g.bind("nkr", NKR)
        for triple in self._report_triples(facts, classification):
            g.add(triple)
        return g

    def triples(self, facts: CaseFacts, classification: Classification) -> Iterator[Triple]:
        """The triples of :meth:`to_rdf`, without building a graph (each triple once)."""
        seen: set[Triple] = set()
        for triple in itertools.chain(facts.triples(), self._report_triples(facts, classification)):
            if triple not in seen:
                seen.add(triple)
                yield triple

    def _report_triples(self, facts: CaseFacts, classification: Classification) -> Iterator[Triple]:
        case = facts.case
        for t in sorted(classification.case_types):
            yield case, RDF.type, t
        for t in sorted(classification.tumour_types):
            yield facts.tumour, RDF.type, t
        yield case, NKR.knowledgeVersion, Literal(self.knowledge_version)
        yield case, NKR.engine, Literal(self.engine)
        if self.grade:
            yield case, NKR.grade, URIRef(self.grade)
        n = 0
        for f in self.findings:
            yield case, NKR_EDGE[f.category], URIRef(f.therapy)
            for r in f.rules:
                n += 1
                node = URIRef(f"{case}/finding/{n}")
                yield from self._finding_node(case, node, f.category, f.therapy, r, "reported")
        for c in self.conflicts:
            n += 1
            node = URIRef(f"{case}/finding/{n}")
            yield from self._finding_node(case, node, c.positive, c.therapy, c.positive_rule, "overridden")
            conflict = URIRef(f"{case}/conflict/{n}")
            yield case, NKR.conflict, conflict
            yield conflict, NKR.therapy, URIRef(c.therapy)
            yield conflict, NKR.positiveRule, URIRef(c.positive_rule.iri)
            yield conflict, NKR.negativeRule, URIRef(c.negative_rule.iri)
            yield conflict, NKR.resolution, Literal(c.resolution)
        for s in self.superseded:
            n += 1
            node = URIRef(f"{case}/finding/{n}")
            yield from self._finding_node(case, node, s.category, s.therapy, s.rule, "superseded")
            for by in s.by:
                yield node, NKR.supersededByRule, URIRef(by.iri)
            yield node, NKR.resolution, Literal(s.text)
        for edge, notes in ((NKR.workup, self.workup), (NKR.caution, self.cautions), (NKR.followUp, self.followup),
                            (NKR.prognosis, self.prognosis), (NKR.process, self.process)):
            for note in notes:
                yield case, edge, URIRef(note.source.iri)

    @staticmethod
    def _finding_node(case: URIRef, node: URIRef, category: str, therapy: str, rule: Source, status: str) -> Iterator[Triple]:
        yield case, NKR.finding, node
        yield node, RDF.type, NKR.Finding
        yield node, NKR.category, NKR_CATEGORY[category]
        yield node, NKR.therapy, URIRef(therapy)
        yield node, NKR.rule, URIRef(rule.iri)
        yield node, NKR.status, Literal(status)
        for s in rule.statements:
            yield node, NKR.statement, Literal(s)
        for source in rule.sources:
            yield node, DCTERMS.source, URIRef(source)
        for level in rule.evidence_levels:
            yield node, NKR.evidenceLevel, URIRef(level["iri"])


# ---------------------------------------------------------------------------------------------
class ReportBuilder:
    """Builds reports; holds what is derived once from the knowledge."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.defs = knowledge.definitions
        # Derived once per knowledge: what each rule's definition names, depends on, and reads as.
        self.named = {iri: named_in(expr) for iri, expr in self.defs.items()}
        self._named_shown = {iri: frozenset(n - {V.PATIENT_CASE}) for iri, n in self.named.items()}  # what _met may list
        self.props = {iri: properties_used(expr, self.defs) for iri, expr in self.defs.items()}
        self.rendered = {iri: render(expr, knowledge.label) for iri, expr in self.defs.items()}
        self.items_of_kind: dict[URIRef, list[Item]] = {}  # dosing, monitoring, evidence: grouped once
        for item in knowledge.items:
            self.items_of_kind.setdefault(item.kind, []).append(item)
        self.rule_evidence: dict[URIRef, list[Item]] = {}
        for item in knowledge.items:
            if item.kind == V.EVIDENCE:
                for target in item.applies_to:
                    self.rule_evidence.setdefault(target, []).append(item)
        self.rules_in_order = [rule for _, rule in sorted(knowledge.rules.items())]  # sorted once, not per case
        self.rules_citing: dict[str, list[Rule]] = {}  # statement id -> the rules that cite it
        for rule in knowledge.rules.values():
            for sid in rule.statements:
                self.rules_citing.setdefault(sid, []).append(rule)
        # Provenance depends on the knowledge only: looked up once per rule and item, not once per case.
        self._sources: dict[URIRef, Source] = {}
        self._item_dicts: dict[URIRef, dict[str, Any]] = {}

    def source(self, rule: Rule) -> Source:
        """Where a rule comes from: statements, sources, evidence level and revisions (computed once per rule)."""
        cached = self._sources.get(rule.iri)
        if cached is None:
            k = self.k
            revised = revision(k, rule.iri)
            cached = self._sources[rule.iri] = Source(
                str(rule.iri), rule.label, list(rule.statements),
                [k.article_id(a) for a in rule.sources if is_seed_article(k, a)],
                [str(a) for a in rule.sources], [citation(k, a) for a in rule.sources],
                [lv.as_dict() for lv in evidence_levels(k, rule.iri)],
                list(revised.superseded_by), list(revised.refined_by))
        return cached

    def build(self, record: CaseRecord, classification: Classification) -> Report:
        k = self.k
        types = classification.case_types
        applied = [r for r in self.rules_in_order if r.iri in types]
        candidates: list[tuple[str, URIRef, Rule]] = [
            (_CATEGORY_OF[a.strength], a.therapy, r)
            for r in applied if r.family == V.RECOMMENDATION_RULE
            for a in r.axioms if a.strength in _CATEGORY_OF
        ]
        positives = [c for c in candidates if c[0] in _RANK]
        negatives = [c for c in candidates if c[0] not in _RANK]
        conflicts: list[Conflict] = []
        kept: list[tuple[str, URIRef, Rule, list[str]]] = []
        for cat, therapy, rule in positives:
            excluding: list[str] = []
            overridden = False
            for ncat, ntherapy, nrule in negatives:
                # Every rule that applies, applies in the case's current line; a negative meets a
                # positive when their therapies are related and their intents overlap.
                if not (k.related(therapy, ntherapy) and _intents_overlap(rule.intent, nrule.intent)):
                    continue
                if k.subsumes(ntherapy, therapy):
                    overridden = True
                    resolution = f"{STRENGTH_NAMES[_strength(ncat)]} wins: {k.label(therapy)} is not reported as {cat.replace('_', ' ')}"
                else:
                    excluding.append(str(ntherapy))
                    resolution = f"{k.label(ntherapy)} is excluded from {k.label(therapy)}"
                conflicts.append(Conflict(str(therapy), k.label(therapy), cat, self.source(rule), ncat, self.source(nrule), resolution))
            if not overridden:
                kept.append((cat, therapy, rule, sorted(set(excluding))))
        kept, withheld = self._companions(kept)
        kept, superseded = self._supersede(kept, applied)
        case = _CaseView(record, classification)
        findings = self._merge(case, kept + [(c, t, r, []) for c, t, r in negatives])
        self._relate_positives(findings)
        positive_therapies = [URIRef(f.therapy) for f in findings if f.category in _RANK]
        finding_rules = {URIRef(r.iri) for f in findings for r in f.rules}
        grade = next((g for g in V.GRADE_CLASSES if g in classification.tumour_types), None)
        return Report(
            case_id=classification.case_id,
            knowledge_version=k.version,
            engine=classification.engine,
            grade=str(grade) if grade else None,
            grade_label=k.label(grade) if grade else None,
            profile=self._profile(classification),
            findings=findings,
            conflicts=conflicts,
            workup=self._notes(applied, V.WORKUP_RULE, "work-up", case),
            cautions=[n for n in self._notes(applied, V.CAUTION_RULE, "caution", case)
                      if n.therapy and any(k.related(URIRef(n.therapy), t) for t in positive_therapies)],
            dosing=self._items(V.DOSING, positive_therapies, finding_rules, types),
            monitoring=self._items(V.MONITORING, positive_therapies, finding_rules, types),
            evidence=self._items(V.EVIDENCE, positive_therapies, finding_rules, types),
            followup=self._notes(applied, V.FOLLOWUP_RULE, "follow-up", case),
            prognosis=self._notes(applied, V.PROGNOSIS_RULE, "prognosis", case),
            process=self._notes(applied, V.PROCESS_RULE, "process", case),
            data_warnings=[w.as_dict() for w in implausibilities(record)],
            key_facts=self._key_facts(record, classification, grade),
            withheld=withheld,
            superseded=superseded,
            family_source=functools.partial(family_status, k, classification, record, list(findings)),
        )

    def _companions(self, kept: list[tuple[str, URIRef, Rule, list[str]]]
                    ) -> tuple[list[tuple[str, URIRef, Rule, list[str]]], list[Withheld]]:
        """Drop positives whose rule needs another treatment (``netkg:requiresOffered``) that is not offered."""
        withheld: list[Withheld] = []
        changed = True
        while changed:
            changed = False
            for row in kept:
                _, therapy, rule, _ = row
                missing = [need for need in rule.requires_offered
                           if not any(other is not row and self.k.subsumes(need, other[1]) for other in kept)]
                if missing:
                    kept = [r for r in kept if r is not row]
                    names = " and ".join(self.k.label(m) for m in missing)
                    withheld.append(Withheld(str(therapy), self.k.label(therapy), self.source(rule),
                                             f"goes with {names}, which this report does not offer"))
                    changed = True
                    break
        return kept, withheld

    def _supersede(self, kept: list[tuple[str, URIRef, Rule, list[str]]], applied: list[Rule]
                   ) -> tuple[list[tuple[str, URIRef, Rule, list[str]]], list[Superseded]]:
        """Take out positives resting on a statement superseded by a newer one whose rule applies to the case.

        The finding is never dropped silently: it becomes a "superseded" note naming the newer rule.
        Where the newer statement's rule does not apply, the positive stays (see :meth:`_statement_notes`).
        """
        out: list[tuple[str, URIRef, Rule, list[str]]] = []
        superseded: list[Superseded] = []
        for row in kept:
            cat, therapy, rule, _ = row
            newer = set(self.source(rule).superseded_by)
            by = [r for r in applied if r is not rule and newer & set(r.statements)]
            if not by:
                out.append(row)
                continue
            names = "; ".join(f"{r.label} [{', '.join(r.statements)}]" for r in by)
            text = (f"{self.k.label(therapy)} is not reported as {cat.replace('_', ' ')} on {', '.join(rule.statements)}: "
                    f"superseded by {', '.join(sorted(newer & {s for r in by for s in r.statements}))}, "
                    f"which applies to this case ({names})")
            superseded.append(Superseded(cat, str(therapy), self.k.label(therapy), self.source(rule),
                                         [self.source(r) for r in by], text))
        return out, superseded

    def _statement_notes(self, rule: Rule, classification: Classification) -> dict[str, str]:
        """For a superseded statement whose newer rule does not apply: "refined by K101 for: <its rule>, not met by this case"."""
        newer = self.source(rule).superseded_by
        if not newer:
            return {}
        scopes = [f"{sid} for: {'; '.join(r.label for r in self.rules_citing.get(sid, []))}, not met by this case"
                  for sid in newer
                  if not any(r.iri in classification.case_types for r in self.rules_citing.get(sid, []))]
        return {s: f"refined by {', '.join(scopes)}" for s in rule.statements} if scopes else {}

    def _key_facts(self, record: CaseRecord, classification: Classification, grade: Optional[URIRef]) -> dict[str, str]:
        """Grade, site, setting, SSTR, function, course, line, refractoriness and fitness, in words."""
        t = record.tumour
        types = classification.case_types
        function = ("not recorded" if t.functioning is None and t.syndrome is None
                    else "non-functioning" if t.functioning is False
                    else f"functioning ({t.syndrome.replace('_', ' ')})" if t.syndrome else "functioning")
        course_text = record.disease_course if record.disease_course != "unknown" else "not recorded"
        if record.months_stable is not None:
            course_text += f", stable {record.months_stable} months"
        if record.rapid_progression:
            course_text += ", rapid progression"
        refractory = [self.k.label(c) for c in _REFRACTORY if c in types]
        fitness = ", ".join(x for x in (f"ECOG {record.ecog}" if record.ecog is not None else "ECOG not recorded",
                                        f"age {record.age}" if record.age is not None else "") if x)
        return {
            "grade": self.k.label(grade) if grade else "not determined (see required work-up)",
            "primary site": t.primary_site.replace("_", " "),
            "stage and setting": _setting(record),
            "SSTR status": t.sstr_status,
            "function": function,
            "disease course": course_text,
            "line of therapy": course.line_text(record.treatment_history),
            "refractory to": ", ".join(refractory) or "none recorded",
            "fitness": fitness,
        }

    def _merge(self, case: "_CaseView",
               rows: list[tuple[str, URIRef, Rule, list[str]]]) -> list[Finding]:
        """One finding per therapy, category and intent; a row never holds another category's rule."""
        by_key: dict[tuple[str, URIRef, Optional[URIRef]], Finding] = {}
        for cat, therapy, rule, excluding in rows:
            f = by_key.get((cat, therapy, rule.intent))
            if f is None:
                f = by_key[(cat, therapy, rule.intent)] = Finding(
                    cat, str(therapy), self.k.label(therapy), [], [], [], {}, [],
                    self.k.label(rule.intent) if rule.intent else None)
            f.rules.append(self.source(rule))
            line = self._line(rule, case.record)
            if line not in f.line:
                f.line.append(line)
            f.explanation.append(self._explain(rule, case))
            f.facts.update(self._facts(rule, case))
            f.excluding = sorted(set(f.excluding) | set(excluding))
            f.statement_notes.update(self._statement_notes(rule, case.classification))
        order = {c: i for i, c in enumerate(CATEGORIES)}
        return sorted(by_key.values(), key=lambda f: (order[f.category], f.line, f.therapy_label, f.intent or ""))

    def _relate_positives(self, findings: list[Finding]) -> None:
        """Link positive findings of one therapy, or of which one's therapy is a form of the other's, in overlapping intents.

        Carboplatin plus etoposide (K115) and platinum plus etoposide (K007) are one decision read
        twice: each row names the other, so the report shows the preferred form and the general
        regimen it belongs to instead of two unrelated rows.  One therapy both recommended and to
        consider (surgery for a localised NEC: K053 recommends it, K116 names it to consider after
        full staging) is a difference in strength between sources: each row names the other.
        """
        positives = [f for f in findings if f.category in _RANK]
        for a in positives:
            for b in positives:
                if a is b or not _intents_overlap(a.intent, b.intent):
                    continue
                if a.therapy == b.therapy:
                    if a.category != b.category:
                        a.also.append(Related(b.therapy, b.therapy_label, b.category, b.statements))
                elif self.k.subsumes(URIRef(b.therapy), URIRef(a.therapy)):
                    a.broader.append(Related(b.therapy, b.therapy_label, b.category, b.statements))
                    b.narrower.append(Related(a.therapy, a.therapy_label, a.category, a.statements))

    def _line(self, rule: Rule, record: CaseRecord) -> str:
        """The line a finding is for: the case's derived line for line-bound rules, else the rule's setting."""
        if rule.line in (V.FIRST_LINE, V.LATER_LINE) and record.treatment_history is not None:
            return course.ordinal(course.current_line(record.treatment_history)) + " line"
        return self.k.label(rule.line) if rule.line else "any line"

    def _met(self, rule: Rule, case: "_CaseView") -> list[str]:
        """The classes the rule's definition names that the case or its tumour belongs to, by label."""
        named = self._named_shown.get(rule.iri)
        if not named:
            return []
        return sorted(self.k.label(t) for t in case.types & named)

    def _explain(self, rule: Rule, case: "_CaseView") -> str:
        met = self._met(rule, case)
        because = f" The case is: {', '.join(met)}." if met else ""
        return f"{rule.label} [{', '.join(rule.statements)}]: applies to {self.rendered.get(rule.iri, '')}.{because}"

    def _facts(self, rule: Rule, case: "_CaseView") -> dict[str, Any]:
        props = self.props.get(rule.iri)
        if not props:
            return {}
        data = case.data
        out: dict[str, Any] = {}
        for prop in sorted(props):
            path = FACT_PATHS.get(prop)
            if path is None:
                continue
            value: Any = data
            for part in path.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            out[path] = list(value) if isinstance(value, list) else value  # the case's data is shared per case
        return out

    def _profile(self, classification: Classification) -> list[str]:
        rule_iris = set(self.k.rules)
        skip = set(V.RULE_FAMILIES) | {NETKG.Rule, V.PATIENT_CASE, V.TUMOUR}
        return sorted(self.k.label(t) for t in classification.case_types | classification.tumour_types
                      if t not in rule_iris and t not in skip)

    def _notes(self, applied: list[Rule], family: URIRef, kind: str, case: "_CaseView") -> list[Note]:
        """The notes of one rule family that apply, each saying what of its condition this case meets."""
        types = case.classification.case_types
        out = []
        for r in applied:
            if r.family != family:
                continue
            therapies = [a.therapy for a in r.axioms] or [None]
            met = self._met(r, case)
            facts = self._facts(r, case)
            for therapy in therapies:
                evidence = [self._item_dict(i) for i in self.rule_evidence.get(r.iri, []) if _enrolled(i, types)]
                out.append(Note(kind, r.label, r.definition, r.action, self.source(r),
                                str(therapy) if therapy else None, evidence, list(met), dict(facts)))
        return out

    def _items(self, kind: URIRef, therapies: list[URIRef], rules: AbstractSet[URIRef],
               types: AbstractSet[URIRef]) -> list[dict[str, Any]]:
        """The items of one kind for an offered therapy, or attached to a rule behind one of the report's findings
        (evidence attached to a work-up, caution, follow-up, prognosis or process rule goes with its note instead)."""
        out = []
        for item in self.items_of_kind.get(kind, ()):
            if not _enrolled(item, types):
                continue
            targets = [t for t in item.applies_to if t in rules or any(self.k.related(t, p) for p in therapies)]
            if targets:
                out.append(self._item_dict(item))
        return out

    def _item_dict(self, item: Item) -> dict[str, Any]:
        """The report entry of a dosing, monitoring or evidence item (a fresh copy of one built once per item)."""
        cached = self._item_dicts.get(item.iri)
        if cached is None:
            cached = self._item_dicts[item.iri] = self._describe_item(item)
        return dict(cached)

    def _describe_item(self, item: Item) -> dict[str, Any]:
        return {"label": item.label, "text": item.text,
                "applies_to": [self.k.label(a) for a in item.applies_to],
                "statements": list(item.statements),
                "articles": [self.k.article_id(a) for a in item.sources if is_seed_article(self.k, a)],
                "citations": [citation(self.k, a) for a in item.sources],
                "population_classes": [self.k.label(p) for p in item.population], **item.fields}


class _CaseView:
    """One case as a report reads it: its classes and its tumour's together, and its record as plain data (made
    once per case, on first use)."""

    __slots__ = ("record", "classification", "types", "_data")

    def __init__(self, record: CaseRecord, classification: Classification) -> None:
        self.record = record
        self.classification = classification
        self.types = classification.case_types | classification.tumour_types
        self._data: Optional[dict[str, Any]] = None

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self.record.model_dump()
        return self._data


def _enrolled(item: Item, case_types: AbstractSet[URIRef]) -> bool:
    """Whether the case belongs to the population the item's study enrolled (items without one: always)."""
    return not item.population or any(p in case_types for p in item.population)


def _strength(category: str) -> URIRef:
    return {v: k for k, v in _CATEGORY_OF.items()}[category]


def _intents_overlap(a: Optional[str], b: Optional[str]) -> bool:
    """A rule (or finding) without an intent speaks of every intent; intents are IRIs or their labels."""
    return a is None or b is None or a == b


_REFRACTORY = (NETKG.ProgressedOnSomatostatinAnalog, NETKG.ProgressedOnPlatinum, NETKG.ProgressedOnPRRT)


def _setting(record: CaseRecord) -> str:
    """Stage and setting in words: surveillance after complete resection, localised, locoregional or metastatic."""
    sites = record.metastatic_sites
    if record.complete_resection:
        return "surveillance after complete resection"
    if sites is None:
        return "staging not documented"
    distant = [s.replace("_", " ") for s in sites if s != "regional_lymph_nodes"]
    if distant:
        return f"metastatic ({', '.join(distant)})"
    return "locoregional (regional lymph nodes)" if sites else "localised"


_BUILDERS: dict[int, ReportBuilder] = {}


def build_report(record: CaseRecord, classification: Classification, knowledge: Knowledge) -> Report:
    """The report for one classified case."""
    builder = _BUILDERS.get(id(knowledge))
    if builder is None or builder.k is not knowledge:
        builder = _BUILDERS[id(knowledge)] = ReportBuilder(knowledge)
    return builder.build(record, classification)
