"""The rolegraph vocabulary: every IRI of our ontology and of the vocabularies we use, and the prefix map.

``RG`` is a closed namespace: ``RG.Rol`` raises instead of minting a new IRI. A test keeps its term
list equal to the subjects of the Turtle files, so the two cannot drift. Code that speaks rdflib uses
the namespaces as they are; code that speaks pyoxigraph uses the same terms through ``OX``
(``OX.SKOS.prefLabel`` is a ``pyoxigraph.NamedNode``) or ``node(term)``: no IRI is typed twice.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, VOID, DCAT, ClosedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/rolegraph/ontology")
RG_URI = "https://w3id.org/rolegraph/ontology#"

RG = ClosedNamespace(
    RG_URI,
    terms=[
        # classes
        "Entity", "Role", "Competency", "Skill", "Knowledge", "SoftSkill", "Tool",
        "Qualification", "Diploma", "Training", "Certification", "Organisation",
        "VocabularyTerm", "SeniorityLevel", "ToolCategory", "EducationLevel", "TrainingType",
        "EmployerType", "SalaryPeriod", "SalaryBasis", "EmploymentType", "MinimumWage",
        "SalaryRange", "SourceDocument", "Claim", "Evidence",
        # role facts
        "roleProperty", "requiresCompetency", "usesTool", "accessibleThrough", "hasSalary",
        "employerType", "relatedRole", "progressesTo", "managementTrackTo", "specialisesInto",
        "collaboratesWith",
        # entity attributes
        "toolCategory", "educationLevel", "eqfLevel", "trainingType", "issuedBy",
        "seniorityRank", "nextLevel", "labelKey",
        # salary attributes
        "minAmount", "maxAmount", "currency", "period", "basis", "seniority", "employmentType",
        "statedIn", "statedAs", "approximate",
        # provenance
        "checksum", "fileName", "mediaType", "characterCount",
        "claimSubject", "claimPredicate", "claimObject", "supportCount", "hasEvidence",
        "inDocument", "startOffset", "endOffset", "quote", "section", "extractor",
        # concept schemes and their concepts
        "SeniorityScheme", "seniority-junior", "seniority-confirmed", "seniority-senior",
        "seniority-lead", "seniority-principal",
        "ToolCategoryScheme", "tool-language", "tool-framework", "tool-database", "tool-cloud",
        "tool-devops", "tool-vcs", "tool-messaging", "tool-protocol", "tool-os", "tool-other",
        "EducationLevelScheme", "level-bac", "level-bac2", "level-bac3", "level-bac5",
        "level-bac8", "level-other",
        "TrainingTypeScheme", "training-bootcamp", "training-course", "training-apprenticeship",
        "training-internship", "training-self-taught", "training-school", "training-other",
        "EmployerTypeScheme", "employer-agency", "employer-sme", "employer-large-company",
        "employer-startup", "employer-esn", "employer-freelance",
        "SalaryScheme", "period-hour", "period-day", "period-month", "period-year",
        "basis-gross", "basis-net", "basis-unknown",
        "employment-salaried", "employment-freelance", "wage-smic",
    ],
)

#: The ESCO model namespace; ESCO's own concept IRIs live under http://data.europa.eu/esco/.
ESCO = Namespace("http://data.europa.eu/esco/model#")
#: ESCO's concept IRIs: occupation/<uuid>, skill/<uuid>, isco/C<code>, skill-type/…, skill-reuse-level/….
ESCO_ID = Namespace("http://data.europa.eu/esco/")
#: The ISO 25964 extension of SKOS; ESCO gives each concept's publication status with isothes:status.
ISOTHES = Namespace("http://purl.org/iso25964/skos-thes#")
#: Shape IRIs, so that a validation result names the rule that fired.
RGSH = Namespace("https://w3id.org/rolegraph/shapes#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: SSSOM (Simple Standard for Sharing Ontological Mappings): how a mapping to ESCO or ROME is described
#: (confidence, justification, matched labels) on an owl:Axiom that annotates the SKOS mapping triple.
SSSOM = Namespace("https://w3id.org/sssom/")
#: The semantic mapping vocabulary whose terms SSSOM uses as mapping justifications.
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")

#: The one prefix map of the project: Turtle output, SPARQL headers and JSON-LD contexts use it.
PREFIXES: dict[str, str] = {
    "rg": RG_URI,
    "rgsh": str(RGSH),
    "esco": str(ESCO),
    "isothes": str(ISOTHES),
    "skos": str(SKOS),
    "schema": str(SDO),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "void": str(VOID),
    "dcat": str(DCAT),
    "sd": str(SD),
    "sssom": str(SSSOM),
    "semapv": str(SEMAPV),
}


def sparql_prologue() -> str:
    """PREFIX lines for every prefix of ``PREFIXES``, to put before a query's text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (for readable Turtle) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


@lru_cache(maxsize=4096)
def node(term: str) -> ox.NamedNode:
    """The pyoxigraph ``NamedNode`` of an IRI (an rdflib term or a string), made once per process."""
    return ox.NamedNode(str(term))


class _Terms:
    """The terms of one namespace as pyoxigraph ``NamedNode``s; an unknown term of a closed namespace raises."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return node(self._namespace[name])

    def __getitem__(self, name: str) -> ox.NamedNode:
        return node(self._namespace[name])


class OX:
    """Every namespace of this module, for code that builds pyoxigraph terms: ``OX.RDF.type``."""

    RG = _Terms(RG)
    RDF = _Terms(RDF)
    RDFS = _Terms(RDFS)
    OWL = _Terms(OWL)
    XSD = _Terms(XSD)
    SKOS = _Terms(SKOS)
    SDO = _Terms(SDO)
    PROV = _Terms(PROV)
    DCTERMS = _Terms(DCTERMS)
    DCAT = _Terms(DCAT)
    FOAF = _Terms(FOAF)
    VOID = _Terms(VOID)
    ESCO = _Terms(ESCO)
    ESCO_ID = _Terms(ESCO_ID)
    ISOTHES = _Terms(ISOTHES)
    SD = _Terms(SD)
    SH = _Terms(SH)
    SSSOM = _Terms(SSSOM)
    SEMAPV = _Terms(SEMAPV)
