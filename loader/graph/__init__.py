"""Extractions → one RDF graph: one node per canonical entity across documents, each fact about a
role asserted as a plain triple and as an ``rg:Claim`` carrying its support count and evidence."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from rolegraph.core.keys import label_key
from rolegraph.core.vocabulary import RG, bind_prefixes

from ..extract import Evidence, Extraction, Item
from ..lexicon import Lexicon, load_lexicon
from rolegraph.core.naming import Minter

#: Evidence kept per claim and document: the first passage of each distinct wording, up to this
#: many; a phrase repeated twenty times by a corrupted page is one piece of evidence.
MAX_EVIDENCE_PER_DOCUMENT = 2

RELATION_PROPERTY = {
    "progression": RG.progressesTo, "management": RG.managementTrackTo, "specialisation": RG.specialisesInto,
    "collaborator": RG.collaboratesWith, "related": RG.relatedRole,
}
COMPETENCY_CLASS = {"skill": RG.Skill, "knowledge": RG.Knowledge, "soft": RG.SoftSkill}
LEVEL = {"bac": "level-bac", "bac+2": "level-bac2", "bac+3": "level-bac3", "bac+5": "level-bac5",
         "bac+8": "level-bac8", "other": "level-other"}
TRAINING_TYPE = {"bootcamp", "course", "apprenticeship", "internship", "self-taught", "other"}


@dataclass
class _Claim:
    subject: URIRef
    predicate: URIRef
    obj: URIRef
    evidence: dict[str, list[tuple[Evidence, URIRef]]] = field(default_factory=dict)


@dataclass
class BuiltGraph:
    graph: Graph
    #: focus node → "file.txt:120-135", so that validation findings point at the source text.
    locations: dict[str, str]
    claims: int

    def locate(self, node) -> str | None:
        return self.locations.get(str(node))


def build_graph(extractions: list[Extraction], base: str, lexicon: Lexicon | None = None) -> BuiltGraph:
    """The RDF graph of ``extractions``; deterministic: the same extractions give the same triples."""
    lexicon = lexicon or load_lexicon()
    mint = Minter(base)
    graph = bind_prefixes(Graph())
    claims: dict[tuple, _Claim] = {}
    locations: dict[str, str] = {}

    def claim(subject: URIRef, predicate: URIRef, obj: URIRef, doc: URIRef, evidence: list[Evidence]):
        graph.add((subject, predicate, obj))
        entry = claims.setdefault((subject, predicate, obj), _Claim(subject, predicate, obj))
        kept = entry.evidence.setdefault(str(doc), [])
        for ev in evidence:
            wording = ev.quote.casefold()
            if len(kept) < MAX_EVIDENCE_PER_DOCUMENT and all(wording != k.quote.casefold() for k, _ in kept):
                kept.append((ev, doc))

    for extraction in sorted(extractions, key=lambda x: x.document.checksum):
        document = extraction.document
        doc = mint.document(document.checksum)
        locations[str(doc)] = document.name
        _document(graph, doc, document)
        if extraction.main_role is None:
            continue
        role = _entity(graph, mint, lexicon, extraction.main_role)
        for item in extraction.competencies:
            claim(role, RG.requiresCompetency, _entity(graph, mint, lexicon, item), doc, item.evidence)
        for item in extraction.tools:
            claim(role, RG.usesTool, _entity(graph, mint, lexicon, item), doc, item.evidence)
        for item in (*extraction.diplomas, *extraction.trainings, *extraction.certifications):
            claim(role, RG.accessibleThrough, _entity(graph, mint, lexicon, item), doc, item.evidence)
        for item in extraction.employers:
            claim(role, RG.employerType, RG[f"employer-{item.id}"], doc, item.evidence)
        for item in extraction.related_roles:
            claim(role, RELATION_PROPERTY[item.attrs["relation"]], _entity(graph, mint, lexicon, item),
                  doc, item.evidence)
        for index, salary in enumerate(extraction.salaries, 1):
            node = mint.salary(document.checksum, index)
            _salary(graph, node, salary, doc)
            locations[str(node)] = f"{document.name}:{salary.start}-{salary.end}"
            claim(role, RG.hasSalary, node, doc,
                  [Evidence(salary.start, salary.end, salary.surface, document.section_at(salary.start), "salary/1")])

    checksums = {str(mint.document(x.document.checksum)): x.document for x in extractions}
    for (subject, predicate, obj), entry in sorted(claims.items()):
        node = mint.claim(subject, predicate, obj)
        graph.add((node, RDF.type, RG.Claim))
        graph.add((node, RG.claimSubject, subject))
        graph.add((node, RG.claimPredicate, predicate))
        graph.add((node, RG.claimObject, obj))
        graph.add((node, RG.supportCount, Literal(len(entry.evidence))))
        for doc, kept in entry.evidence.items():
            document = checksums[doc]
            for ev, doc_node in kept:
                evidence = mint.evidence(node, document.checksum, ev.start, ev.end)
                graph.add((node, RG.hasEvidence, evidence))
                graph.add((evidence, RDF.type, RG.Evidence))
                graph.add((evidence, RG.inDocument, doc_node))
                graph.add((evidence, RG.startOffset, Literal(ev.start)))
                graph.add((evidence, RG.endOffset, Literal(ev.end)))
                graph.add((evidence, RG.quote, Literal(ev.quote)))
                graph.add((evidence, RG.extractor, Literal(ev.extractor)))
                if ev.section:
                    graph.add((evidence, RG.section, Literal(ev.section)))
                locations[str(evidence)] = f"{document.name}:{ev.start}-{ev.end}"
                locations.setdefault(str(node), f"{document.name}:{ev.start}-{ev.end}")
    return BuiltGraph(graph, locations, len(claims))


def _document(graph: Graph, node: URIRef, document) -> None:
    graph.add((node, RDF.type, RG.SourceDocument))
    graph.add((node, RG.checksum, Literal(document.checksum)))
    graph.add((node, DCTERMS.language, Literal(document.language)))
    graph.add((node, RG.fileName, Literal(document.name)))
    graph.add((node, RG.mediaType, Literal(document.media_type)))
    graph.add((node, RG.characterCount, Literal(len(document.text))))
    if document.title:
        graph.add((node, DCTERMS.title, Literal(document.title)))


def _labels(graph: Graph, node: URIRef, en: str, fr: str | None, variants=()) -> None:
    graph.add((node, SKOS.prefLabel, Literal(en, lang="en")))
    if fr:
        graph.add((node, SKOS.prefLabel, Literal(fr, lang="fr")))
    preferred = {en.lower(), (fr or "").lower()}
    keys = {label_key(en), label_key(fr or "")}
    for text, language in variants:
        if text.lower() not in preferred and language in ("en", "fr"):
            graph.add((node, SKOS.altLabel, Literal(text, lang=language)))
            keys.add(label_key(text))
    for key in sorted(keys - {""}):
        graph.add((node, RG.labelKey, Literal(key)))


def _entity(graph: Graph, mint: Minter, lexicon: Lexicon, item: Item) -> URIRef:
    node = mint.entity(item.kind, item.id)
    if (node, RDF.type, None) in graph:
        return node
    entry = item.entry
    if item.kind == "diploma" and entry is None:  # composed from a degree and a field
        degree, fld = lexicon.get("degree", item.attrs["degree"]), lexicon.get("field", item.attrs["field"])
        fr = f"{degree.label('fr')} {fld.fr[0]}" if degree.fr and fld.fr else None
        _labels(graph, node, item.name, fr)
    else:
        _labels(graph, node, entry.name, entry.label("fr"), entry.variants[1:])
    kind_class = {
        "role": RG.Role, "tool": RG.Tool, "diploma": RG.Diploma, "training": RG.Training,
        "certification": RG.Certification,
    }
    if item.kind == "competency":
        graph.add((node, RDF.type, COMPETENCY_CLASS[item.attrs["type"]]))
    else:
        graph.add((node, RDF.type, kind_class[item.kind]))
    if item.kind == "tool":
        graph.add((node, RG.toolCategory, RG[f"tool-{item.attrs['category']}"]))
    elif item.kind == "diploma":
        graph.add((node, RG.educationLevel, RG[LEVEL.get(item.attrs.get("level"), "level-other")]))
        if item.attrs.get("eqf"):
            graph.add((node, RG.eqfLevel, Literal(int(item.attrs["eqf"]))))
    elif item.kind == "training":
        kind = item.attrs.get("type")
        graph.add((node, RG.trainingType, RG[f"training-{kind if kind in TRAINING_TYPE else 'other'}"]))
    elif item.kind == "certification" and item.attrs.get("issuer"):
        issuer = lexicon.get("organisation", item.attrs["issuer"])
        organisation = mint.entity("organisation", issuer.id)
        graph.add((node, RG.issuedBy, organisation))
        graph.add((organisation, RDF.type, RG.Organisation))
        graph.add((organisation, SKOS.prefLabel, Literal(issuer.name, lang="en")))
    return node


def _salary(graph: Graph, node: URIRef, salary, doc: URIRef) -> None:
    graph.add((node, RDF.type, RG.SalaryRange))
    # A bound alone ("jusqu'à 65 000 €") is a range with only that bound.
    if salary.bound != "upper":
        graph.add((node, RG.minAmount, Literal(Decimal(str(salary.min)), datatype=XSD.decimal)))
    if salary.bound != "lower":
        graph.add((node, RG.maxAmount, Literal(Decimal(str(salary.max)), datatype=XSD.decimal)))
    graph.add((node, RG.currency, Literal(salary.currency)))
    graph.add((node, RG.period, RG[f"period-{salary.period}"]))
    graph.add((node, RG.basis, RG[f"basis-{salary.basis}"]))
    graph.add((node, RG.employmentType, RG[f"employment-{salary.employment}"]))
    graph.add((node, RG.statedIn, doc))
    seniority = {"junior": "seniority-junior", "experienced": "seniority-confirmed", "senior": "seniority-senior"}
    if salary.level in seniority:
        graph.add((node, RG.seniority, RG[seniority[salary.level]]))
