"""Every IRI netkg uses, in one place.

The ontology terms live in the ``NETKG`` namespace; reasoned reports stored
as RDF use the ``NKR`` (report) namespace; patient cases get IRIs under
``CASE``.  No other module builds an IRI from a string literal.
"""

from __future__ import annotations

from urllib.parse import quote

from typing import Optional

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

NETKG = Namespace("https://w3id.org/netkg/")
NKR = Namespace("https://w3id.org/netkg/report#")
CASE = Namespace("https://w3id.org/netkg/case/")
SHAPES = Namespace("https://w3id.org/netkg/shapes/")  # the SHACL shapes of a case as RDF
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")

ONTOLOGY_IRI = URIRef("https://w3id.org/netkg/netkg.owl")
ONTOLOGY_GRAPH = ONTOLOGY_IRI

# Properties whose axioms (``Rule SubClassOf P some Therapy``) carry a
# recommendation, ordered from the strongest positive to the strongest negative.
RECOMMENDED = NETKG.recommendedTherapy
CONSIDER = NETKG.considerTherapy
NOT_RECOMMENDED = NETKG.notRecommendedTherapy
CONTRAINDICATED = NETKG.contraindicatedTherapy
CAUTION = NETKG.cautionTherapy

STRENGTH_PROPERTIES = (RECOMMENDED, CONSIDER, NOT_RECOMMENDED, CONTRAINDICATED)
POSITIVE_PROPERTIES = (RECOMMENDED, CONSIDER)
NEGATIVE_PROPERTIES = (NOT_RECOMMENDED, CONTRAINDICATED)

# Rule families (classes of patient cases) and knowledge items.
RECOMMENDATION_RULE = NETKG.RecommendationRule
CAUTION_RULE = NETKG.CautionRule
WORKUP_RULE = NETKG.WorkupRule
FOLLOWUP_RULE = NETKG.FollowUpRule
PROGNOSIS_RULE = NETKG.PrognosisRule
PROCESS_RULE = NETKG.ProcessRule
RULE_FAMILIES = (RECOMMENDATION_RULE, CAUTION_RULE, WORKUP_RULE, FOLLOWUP_RULE, PROGNOSIS_RULE, PROCESS_RULE)

THERAPY = NETKG.Therapy
PATIENT_CASE = NETKG.PatientCase
TUMOUR = NETKG.Tumour
DOSING = NETKG.DosingInstruction
MONITORING = NETKG.MonitoringInstruction
EVIDENCE = NETKG.EvidenceFigure
SOURCE_ARTICLE = NETKG.SourceArticle

# Annotation properties used for provenance and report text.
STATEMENT_ID = NETKG.statementId
LINE = NETKG.lineOfTherapy
RATIONALE = NETKG.rationale
ACTION = NETKG.action
APPLIES_TO = NETKG.appliesTo
EVIDENCE_POPULATION = NETKG.evidencePopulation
LAST_REVIEWED = NETKG.lastReviewed
INTENT = NETKG.intent
REQUIRES_OFFERED = NETKG.requiresOffered
EXTRAPOLATION = NETKG.extrapolation
EXEMPT_FROM = NETKG.exemptFrom
REPLACED_BY = OBO.IAO_0100001

# Lines of therapy (individuals) and which of them overlap.
FIRST_LINE = NETKG.FirstLine
LATER_LINE = NETKG.LaterLine
ANY_LINE = NETKG.AnyLine
ADJUVANT = NETKG.AdjuvantSetting
NEOADJUVANT = NETKG.NeoadjuvantSetting

GRADE_CLASSES = (NETKG.NETG1, NETKG.NETG2, NETKG.NETG3, NETKG.NEC)


# The one prefix map for short names (CURIEs) in every text netkg writes; the
# more specific namespaces come first, as ``nkr:`` and ``case:`` lie inside ``netkg:``.
PREFIXES: dict[str, str] = {
    "nkr": str(NKR),
    "case": str(CASE),
    "netkg": str(NETKG),
    "obo": str(OBO),
    "owl": str(OWL),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "oboInOwl": str(OBOINOWL),
}


def curie(term: Optional[object]) -> str:
    """``prefix:local`` for an IRI (a ``URIRef`` or its text) in a known namespace.

    Any other IRI comes back whole; ``None`` gives ``""``, and literals and
    blank nodes give their text unchanged, even when it looks like an IRI.
    """
    if term is None:
        return ""
    text = str(term)
    if isinstance(term, (Literal, BNode)):
        return text
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return text


def case_iri(case_id: str) -> URIRef:
    """The IRI of a patient case; the id is percent-encoded, never trusted."""
    return CASE[quote(case_id, safe="")]


def tumour_iri(case_id: str) -> URIRef:
    """The IRI of the tumour individual of a case."""
    return URIRef(f"{case_iri(case_id)}/tumour")


__all__ = [name for name in dir() if name.isupper()] + [
    "case_iri",
    "curie",
    "tumour_iri",
    "DCTERMS",
    "OWL",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
]
