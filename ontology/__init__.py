"""The rolegraph vocabulary: every IRI of our ontology, the prefix map, and the TBox and shape files.

``RG`` is a closed namespace: ``RG.Rol`` raises instead of minting a new IRI. A test keeps its term
list equal to the subjects of the Turtle files, so the two cannot drift.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, VOID, DCAT, ClosedNamespace

HERE = Path(__file__).resolve().parent
TBOX_FILES = (HERE / "rolegraph.ttl", HERE / "schemes.ttl")
SHAPE_FILES = {
    "violation": HERE / "shapes" / "violations.ttl",
    "warning": HERE / "shapes" / "warnings.ttl",
}
CHECKS_DIR = HERE / "checks"

ONTOLOGY_IRI = URIRef("https://w3id.org/rolegraph/ontology")
RG_URI = "https://w3id.org/rolegraph/ontology#"
#: Instance data is minted under this base unless a deployment configures its own.
DEFAULT_BASE = "https://w3id.org/rolegraph/id/"

RG = ClosedNamespace(
    RG_URI,
    terms=[
        # classes
        "Entity", "Role", "Competency", "Skill", "Knowledge", "SoftSkill", "Tool",
        "Qualification", "Diploma", "Training", "Certification", "Organisation",
        "VocabularyTerm", "SeniorityLevel", "ToolCategory", "EducationLevel", "TrainingType",
        "EmployerType", "SalaryPeriod", "SalaryBasis", "EmploymentType",
        "SalaryRange", "SourceDocument", "Claim", "Evidence",
        # role facts
        "roleProperty", "requiresCompetency", "usesTool", "accessibleThrough", "hasSalary",
        "employerType", "relatedRole", "progressesTo", "managementTrackTo", "specialisesInto",
        "collaboratesWith",
        # entity attributes
        "toolCategory", "educationLevel", "eqfLevel", "trainingType", "issuedBy",
        "seniorityRank", "nextLevel",
        # salary attributes
        "minAmount", "maxAmount", "currency", "period", "basis", "seniority", "employmentType",
        "statedIn",
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
        "training-internship", "training-self-taught", "training-other",
        "EmployerTypeScheme", "employer-agency", "employer-sme", "employer-large-company",
        "employer-startup", "employer-esn", "employer-freelance",
        "SalaryScheme", "period-hour", "period-day", "period-month", "period-year",
        "basis-gross", "basis-net", "basis-unknown",
        "employment-salaried", "employment-freelance",
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
#: SSSOM and its justification vocabulary: the confidence and justification of an ESCO/ROME mapping.
SSSOM = Namespace("https://w3id.org/sssom/")
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

#: Sub-properties of rg:roleProperty: the facts about a role that each carry a claim with evidence.
ROLE_PROPERTIES = (
    RG.requiresCompetency, RG.usesTool, RG.accessibleThrough, RG.hasSalary, RG.employerType,
    RG.relatedRole, RG.progressesTo, RG.managementTrackTo, RG.specialisesInto, RG.collaboratesWith,
)


def sparql_prologue() -> str:
    """PREFIX lines for every prefix of ``PREFIXES``, to put before a query's text."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (for readable Turtle) and return it."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


@lru_cache(maxsize=1)
def tbox() -> Graph:
    """The ontology and its concept schemes as one rdflib graph, parsed once per process.

    Callers must not modify the returned graph; copy it first.
    """
    graph = bind_prefixes(Graph())
    for path in TBOX_FILES:
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=2)
def shapes(severity: str | None = None) -> Graph:
    """The SHACL shapes of one severity ("violation" or "warning"), or of both when ``None``."""
    graph = bind_prefixes(Graph())
    for name, path in SHAPE_FILES.items():
        if severity in (None, name):
            graph.parse(path, format="turtle")
    return graph


def graph_iri(base: str, name: str) -> URIRef:
    """The IRI of the named graph ``name`` (e.g. "fiches", "esco") under an instance base."""
    return URIRef(f"{base}graph/{name}")
