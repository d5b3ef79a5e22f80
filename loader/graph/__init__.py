"""Extractions → one RDF graph: one node per canonical entity across documents, each fact about a
role asserted as a plain triple and as an ``rg:Claim`` carrying its support count and evidence.

Two steps, so that a document can be added or removed without reading the others again: each
document's ``Part`` (``document_part``), then the graph of a set of parts (``consolidate``)."""
from __future__ import annotations

import weakref
from collections import Counter
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
TRAINING_TYPE = {"bootcamp", "course", "apprenticeship", "internship", "self-taught", "school", "other"}


@dataclass
class BuiltGraph:
    graph: Graph
    #: focus node → "file.txt:120-135", so that validation findings point at the source text.
    locations: dict[str, str]
    claims: int

    def locate(self, node) -> str | None:
        return self.locations.get(str(node))


@dataclass
class Part:
    """What one document contributes to the graph, the input of consolidation: kept per document in
    the store, so that adding or removing a document never reads or extracts the others again."""

    checksum: str
    #: Triples only this document states: its node, its salary ranges, its evidence and the links from
    #: each claim to that evidence.
    own: set[tuple]
    #: The description (labels, class, category…) of each entity it names, under the entity's IRI.
    entities: dict[URIRef, set[tuple]]
    #: The facts (subject, predicate, object) it states; each is a plain triple and an ``rg:Claim``.
    claims: set[tuple[URIRef, URIRef, URIRef]]
    locations: dict[str, str] = field(default_factory=dict)


def build_graph(extractions: list[Extraction], base: str, lexicon: Lexicon | None = None) -> BuiltGraph:
    """The RDF graph of ``extractions``; deterministic: the same extractions give the same triples."""
    lexicon = lexicon or load_lexicon()
    return consolidate([document_part(x, base, lexicon) for x in extractions], base)


def consolidate(parts: list[Part], base: str) -> BuiltGraph:
    """The graph of the documents whose ``parts`` are given, whatever their order: an entity is described
    as the document with the smallest checksum describes it, and each fact's support counts the
    documents that state it."""
    mint = Minter(base)
    graph = bind_prefixes(Graph())
    locations: dict[str, str] = {}
    support: Counter = Counter()
    described: set[URIRef] = set()
    for part in sorted(parts, key=lambda p: p.checksum):
        for triple in part.own:
            graph.add(triple)
        for node, triples in part.entities.items():
            if node not in described:
                described.add(node)
                for triple in triples:
                    graph.add(triple)
        support.update(part.claims)
        for key, where in part.locations.items():
            locations.setdefault(key, where)
    for (subject, predicate, obj), count in sorted(support.items()):
        graph.add((subject, predicate, obj))
        node = mint.claim(subject, predicate, obj)
        graph.add((node, RDF.type, RG.Claim))
        graph.add((node, RG.claimSubject, subject))
        graph.add((node, RG.claimPredicate, predicate))
        graph.add((node, RG.claimObject, obj))
        graph.add((node, RG.supportCount, Literal(count)))
    return BuiltGraph(graph, locations, len(support))


def document_part(extraction: Extraction, base: str, lexicon: Lexicon | None = None) -> Part:
    """What the document of ``extraction`` contributes to the graph (see ``Part``)."""
    lexicon = lexicon or load_lexicon()
    mint = Minter(base)
    document = extraction.document
    part = Part(document.checksum, set(), {}, set())
    own, locations = part.own, part.locations
    evidence: dict[tuple, list[Evidence]] = {}
    doc = mint.document(document.checksum)
    locations[str(doc)] = document.name
    _document(own, doc, document)

    described = _DESCRIBED.setdefault(lexicon, {})

    def entity(item: Item) -> URIRef:
        node = mint.entity(item.kind, item.id)
        if node not in part.entities:
            # the same entity is described alike in every document: its triples are made once a process
            key = (base, item.kind, item.id, item.name, *(item.attrs.get(a) for a in _DESCRIBING_ATTRS))
            triples = described.get(key)
            if triples is None:
                made: set = set()
                _entity(made, node, mint, lexicon, item)
                triples = described[key] = frozenset(made)
            part.entities[node] = set(triples)
        return node

    def claim(subject: URIRef, predicate: URIRef, obj: URIRef, found: list[Evidence]) -> None:
        kept = evidence.setdefault((subject, predicate, obj), [])
        for ev in found:
            wording = ev.quote.casefold()
            if len(kept) < MAX_EVIDENCE_PER_DOCUMENT and all(wording != k.quote.casefold() for k in kept):
                kept.append(ev)

    if extraction.main_role is not None:
        role = entity(extraction.main_role)
        for item in extraction.competencies:
            claim(role, RG.requiresCompetency, entity(item), item.evidence)
        for item in extraction.tools:
            claim(role, RG.usesTool, entity(item), item.evidence)
        for item in (*extraction.diplomas, *extraction.trainings, *extraction.certifications):
            claim(role, RG.accessibleThrough, entity(item), item.evidence)
        for item in extraction.employers:
            claim(role, RG.employerType, RG[f"employer-{item.id}"], item.evidence)
        for item in extraction.related_roles:
            claim(role, RELATION_PROPERTY[item.attrs["relation"]], entity(item), item.evidence)
        for index, salary in enumerate(extraction.salaries, 1):
            node = mint.salary(document.checksum, index)
            _salary(own, node, salary, doc)
            locations[str(node)] = f"{document.name}:{salary.start}-{salary.end}"
            claim(role, RG.hasSalary, node,
                  [Evidence(salary.start, salary.end, salary.surface, document.section_at(salary.start), "salary/1")])

    for key, kept in sorted(evidence.items()):
        part.claims.add(key)
        node = mint.claim(*key)
        for ev in kept:
            passage = mint.evidence(node, document.checksum, ev.start, ev.end)
            own.add((node, RG.hasEvidence, passage))
            own.add((passage, RDF.type, RG.Evidence))
            own.add((passage, RG.inDocument, doc))
            own.add((passage, RG.startOffset, Literal(ev.start)))
            own.add((passage, RG.endOffset, Literal(ev.end)))
            own.add((passage, RG.quote, Literal(ev.quote)))
            own.add((passage, RG.extractor, Literal(ev.extractor)))
            if ev.section:
                own.add((passage, RG.section, Literal(ev.section)))
            locations[str(passage)] = f"{document.name}:{ev.start}-{ev.end}"
            locations.setdefault(str(node), f"{document.name}:{ev.start}-{ev.end}")
    return part


#: lexicon → (base, kind, id, name, the attributes ``_entity`` reads) → the entity's triples.
_DESCRIBED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: The item attributes that ``_entity`` reads besides the lexicon entry.
_DESCRIBING_ATTRS = ("type", "category", "level", "eqf", "issuer", "degree", "field")


def _document(graph: set, node: URIRef, document) -> None:
    graph.add((node, RDF.type, RG.SourceDocument))
    graph.add((node, RG.checksum, Literal(document.checksum)))
    graph.add((node, DCTERMS.language, Literal(document.language)))
    graph.add((node, RG.fileName, Literal(document.name)))
    graph.add((node, RG.mediaType, Literal(document.media_type)))
    graph.add((node, RG.characterCount, Literal(len(document.text))))
    if document.title:
        graph.add((node, DCTERMS.title, Literal(document.title)))


def _labels(graph: set, node: URIRef, en: str, fr: str | None, variants=()) -> None:
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


def _entity(graph: set, node: URIRef, mint: Minter, lexicon: Lexicon, item: Item) -> None:
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


def _salary(graph: set, node: URIRef, salary, doc: URIRef) -> None:
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
    if salary.reference:
        graph.add((node, RG.statedAs, RG[f"wage-{salary.reference}"]))
    if salary.approximate:
        graph.add((node, RG.approximate, Literal(True)))
    seniority = {"junior": "seniority-junior", "experienced": "seniority-confirmed", "senior": "seniority-senior"}
    if salary.level in seniority:
        graph.add((node, RG.seniority, RG[seniority[salary.level]]))
