"""Links from our entities to ESCO and ROME: scored SKOS mappings found by multilingual label matching.

Every role, competency, tool and qualification of the fiches graph is compared with the concepts of
the imported taxonomies whose nature fits (a role with occupations and appellations, never a tool with
an occupation: the French ESCO label "docker" is a dock worker). Labels are normalised the way the
extractor reads documents (case, accents, hyphens, plurals, stop words; ROME's "Développeur /
Développeuse back-end" read as both forms; a qualifier in brackets optional). Each link is a plain
SKOS mapping triple, so that SKOS-aware queries work, plus an SSSOM description on an ``owl:Axiom``
(confidence, justification, the labels that matched), so that users can audit and filter links.

Predicates, most confident first:
  exactMatch    a preferred label of one side equals a preferred or alternative label of the other, the
                natures are the same and no other concept of that kind has the label
  closeMatch    any other label equality, or a concept our curated lexicon names as the nearest
  broadMatch    the concept's label is a strict part of ours ("data engineer" → "engineer" is not
                enough: two words at least), or the ROME fiche of a matched appellation
  relatedMatch  the labels share most of their words without one containing the other

The links are the named graph ``<base>graph/links``, described as a ``void:Linkset`` and rebuilt whole
after each build and each import, inside the same store generation.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from rolegraph.core.naming import FICHES_GRAPH, LINKS_GRAPH, graph_iri, rome_iri
from rolegraph.core.vocabulary import ESCO_ID, OX, RG, node, sparql_prologue
from rolegraph.core.store import Readable, Store, Writable, open_store

from rolegraph.core.naming import ENTITY_PATHS, Minter

from rolegraph.queries.summary import store_summary

from .labels import label_key
from .lexicon import Lexicon, load_lexicon
from .taxonomies.labels import (KIND_BY_NAME, LABEL_WEIGHTS, PREF, TARGET_KINDS, TargetKind, label_keys,
                                read_labels, union_query)


#: Our classes → the nature used to choose comparable concepts.
NATURES = {str(term): nature for term, nature in (
    (RG.Role, "role"), (RG.Competency, "competency"), (RG.Skill, "competency"), (RG.Knowledge, "competency"),
    (RG.SoftSkill, "competency"), (RG.Tool, "tool"), (RG.Diploma, "qualification"),
    (RG.Training, "qualification"), (RG.Certification, "qualification"),
)}



EXACT_THRESHOLD = 0.95
AMBIGUITY_PENALTY = 0.9
CURATED_SCORE = {"esco-occupation": 0.9, "rome-appellation": 0.9, "rome-fiche": 0.9}
CURATED_DEFAULT = 0.85
CHAIN_FACTOR = 0.95
MAX_BROAD, MAX_RELATED = 3, 2
RELATED_JACCARD = 0.5
_FICHE_CODE = re.compile(r"^[A-N]\d{4}$")


@dataclass(frozen=True)
class Link:
    subject: str
    predicate: str  # "exactMatch", "closeMatch", "broadMatch", "relatedMatch"
    target: str
    kind: str
    score: float
    justification: str  # a semapv term
    subject_label: str
    object_label: str


@dataclass
class LinkResult:
    graph: str
    links: list[Link] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Links per taxonomy and predicate, e.g. {"esco exactMatch": 12}."""
        counter = Counter(f"{KIND_BY_NAME[l.kind].taxonomy} {l.predicate}" for l in self.links)
        return dict(sorted(counter.items()))


class _Index:
    """Every label key of the concepts of one target kind → the concepts carrying it."""

    def __init__(self, kind: TargetKind, vocabulary: set[str]) -> None:
        self.kind = kind
        self.vocabulary = vocabulary  # the words of our labels: other keys can never match
        self.keys: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
        self.labels: dict[str, str] = {}
        self.words: dict[str, set[str]] = defaultdict(set)
        self.broader: dict[str, list[str]] = defaultdict(list)

    def add(self, concept: str, label: str, weight: float, preferred: bool) -> None:
        if preferred and weight == 1.0:  # an official preferred label (a third party's weighs less)
            self.labels.setdefault(concept, label)
        for key, key_weight in label_keys(label, weight):
            words = key.split()
            known_words = sum(1 for w in words if w in self.vocabulary)
            if known_words < len(words) and known_words < 2:
                continue
            known = self.keys[key].get(concept)
            if known is None or key_weight > known[0]:
                self.keys[key][concept] = (key_weight, label)

    def finish(self) -> None:
        for key in self.keys:
            words = key.split()
            if len(words) >= 2:
                for word in words:
                    self.words[word].add(key)

    def __bool__(self) -> bool:
        return bool(self.labels)


def _indexes(store: Readable, base: str, vocabulary: set[str]) -> dict[str, _Index]:
    """One index per target kind present in the store, read in one pass over the label triples;
    labels that share too few words with ``vocabulary`` are left out."""
    indexes = {kind.name: _Index(kind, vocabulary) for kind in TARGET_KINDS}
    for label in read_labels(store, base):
        indexes[label.kind].add(label.concept, label.text, label.weight, label.preferred)
    appellations = indexes["rome-appellation"]
    scheme = node(rome_iri(base, "scheme", "appellation"))
    for concept, fiche, _ in union_query(store, "SELECT ?c ?f ?s WHERE { ?c skos:inScheme ?s ; skos:broader ?f }", s=scheme):
        appellations.broader[concept.value].append(fiche.value)
    for index in indexes.values():
        index.finish()
    return {name: index for name, index in indexes.items() if index}


@dataclass
class _Entity:
    iri: str
    nature: str
    labels: list[tuple[str, float, bool]] = field(default_factory=list)  # text, weight, preferred
    pref: str = ""


def _entities(store: Readable, base: str) -> list[_Entity]:
    text = """SELECT ?e ?class ?p ?l ?fiches WHERE {
      GRAPH ?fiches { ?e a ?class ; ?p ?l }
      VALUES ?p { skos:prefLabel skos:altLabel }
    }"""
    found: dict[str, _Entity] = {}
    for row in union_query(store, text, fiches=node(graph_iri(base, FICHES_GRAPH))):
        nature = NATURES.get(row["class"].value)
        if nature is None:
            continue
        entity = found.setdefault(row["e"].value, _Entity(row["e"].value, nature))
        preferred = row["p"].value == PREF
        entity.labels.append((row["l"].value, LABEL_WEIGHTS[row["p"].value], preferred))
        if preferred and (not entity.pref or row["l"].language == "en"):
            entity.pref = row["l"].value
    return sorted(found.values(), key=lambda e: e.iri)


def _curated(lexicon: Lexicon | None, base: str) -> dict[str, list[str]]:
    """Entity IRI → the ESCO and ROME IRIs its lexicon entry names."""
    if lexicon is None:
        return {}
    minter, curated = Minter(base), {}
    for entry in lexicon.entries:
        if entry.kind not in ENTITY_PATHS or not (entry.esco or entry.rome):
            continue
        targets = list(entry.esco)
        targets += [rome_iri(base, "fiche" if _FICHE_CODE.match(code) else "appellation", code)
                    for code in entry.rome]
        curated[str(minter.entity(entry.kind, entry.id))] = targets
    return curated


def _match(entity: _Entity, index: _Index) -> list[Link]:
    """Label equality (exactMatch when both labels are preferred ones and no other concept of the kind
    has as good a match, closeMatch otherwise), else containment and overlap (``_partial``)."""
    best: dict[str, tuple[float, str, str]] = {}  # concept → score, our label, their label
    for text, weight, preferred in entity.labels:
        for key, key_weight in label_keys(text, weight):
            for concept, (their_weight, their_label) in index.keys.get(key, {}).items():
                if their_weight < 1.0 and (not preferred or (len(key) <= 4 and " " not in key)):
                    # Two alternative labels ("connectors"), or a short acronym ("ADR") that is not the
                    # concept's own name, are too often homonyms.
                    continue
                score = round(key_weight * their_weight, 4)
                if concept not in best or score > best[concept][0]:
                    best[concept] = (score, text, their_label)
    if not best:
        return _partial(entity, index)
    top = max(score for score, _, _ in best.values())
    ambiguous = sum(1 for score, _, _ in best.values() if score == top) > 1
    links = []
    for concept, (score, ours, theirs) in best.items():
        exact = score == 1.0 and not ambiguous and index.kind.natures[entity.nature]
        if ambiguous:
            score = round(score * AMBIGUITY_PENALTY, 4)
        links.append(Link(entity.iri, "exactMatch" if exact else "closeMatch", concept, index.kind.name,
                          score, "LexicalMatching", ours, theirs))
    return links


def _partial(entity: _Entity, index: _Index) -> list[Link]:
    """Containment of the concept's label in one of our preferred labels (broad), else word overlap
    (related)."""
    preferred = [(text, set(label_key(text, "word-set").split())) for text, _, is_preferred in entity.labels if is_preferred]
    broad: dict[str, tuple[float, str, str]] = {}
    for text, ours in preferred:
        for size in range(len(ours) - 1, 1, -1):
            for part in itertools.combinations(sorted(ours), size):
                for concept, (their_weight, their_label) in index.keys.get(" ".join(part), {}).items():
                    score = round(0.7 * size / len(ours) * their_weight, 4)
                    if score > broad.get(concept, (0.0,))[0]:
                        broad[concept] = (score, text, their_label)
    if broad:
        # A diploma is not a narrower kind of the subject it teaches ("BTS in computer science" →
        # "computer science"): for qualifications, containment only relates the two.
        predicate = "relatedMatch" if entity.nature == "qualification" else "broadMatch"
        return _ranked(entity, index, predicate, broad, MAX_BROAD)
    related: dict[str, tuple[float, str, str]] = {}
    for text, ours in preferred:
        candidates: Counter = Counter(key for word in ours for key in index.words.get(word, ()))
        for key, shared in candidates.items():
            jaccard = shared / len(ours | set(key.split()))
            if shared < 2 or jaccard < RELATED_JACCARD:
                continue
            for concept, (their_weight, their_label) in index.keys[key].items():
                score = round(0.5 * jaccard * their_weight, 4)
                if score > related.get(concept, (0.0,))[0]:
                    related[concept] = (score, text, their_label)
    return _ranked(entity, index, "relatedMatch", related, MAX_RELATED)


def _ranked(entity: _Entity, index: _Index, predicate: str, found: dict, most: int) -> list[Link]:
    """The ``most`` best of ``found`` (concept → score, our label, their label) as links."""
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:most]
    return [Link(entity.iri, predicate, concept, index.kind.name, score, "LexicalMatching", ours, theirs)
            for concept, (score, ours, theirs) in ranked]


def find_links(store: Readable, base: str, lexicon: Lexicon | None = None,
               only: set[str] | None = None) -> LinkResult:
    """Every link from the entities of the fiches graph (those of ``only``, when given) to the taxonomies
    imported in ``store``. An entity's links depend on its own labels only, so a subset links as the
    whole would."""
    result = LinkResult(str(graph_iri(base, LINKS_GRAPH)))
    entities = [e for e in _entities(store, base) if only is None or e.iri in only]
    if not entities:
        return result
    vocabulary = {word for e in entities for text, _, _ in e.labels for key, _ in label_keys(text)
                  for word in key.split()}
    present = _indexes(store, base, vocabulary)
    if not present:
        return result
    curated = _curated(lexicon, base)
    taxonomies = {KIND_BY_NAME[name].taxonomy for name in present}
    for entity in entities:
        links: dict[tuple[str, str], Link] = {}
        for name, index in present.items():
            if entity.nature not in index.kind.natures:
                continue
            for link in _match(entity, index):
                links[(link.target, link.kind)] = link
        for target in curated.get(entity.iri, ()):
            _add_curated(entity, target, present, links, result, taxonomies)
        _add_chained(entity, present, links)
        # Loose overlaps are only worth showing where nothing closer was found.
        close = {l.kind for l in links.values() if l.predicate in ("exactMatch", "closeMatch")}
        links = {k: l for k, l in links.items() if not (l.predicate == "relatedMatch" and l.kind in close)}
        result.links.extend(sorted(links.values(), key=lambda l: (l.kind, -l.score, l.target)))
    return result


def _add_curated(entity: _Entity, target: str, present: dict[str, _Index], links: dict, result: LinkResult,
                 taxonomies: set[str]) -> None:
    """A concept our lexicon names: confirms a lexical link, or adds the nearest concept as closeMatch
    (a ROME fiche as broadMatch: our roles are finer than fiches)."""
    for name, index in present.items():
        if target in index.labels and index.kind.natures.get(entity.nature) is not None:
            break
    else:
        taxonomy = "esco" if target.startswith(str(ESCO_ID)) else "rome"
        if taxonomy in taxonomies:
            result.problems.append(f"{entity.iri}: the lexicon names {target}, which is not a comparable "
                                   f"concept of the imported {taxonomy.upper()}")
        return
    known = links.get((target, name))
    if known is not None:
        # A curator's choice that a label also supports: exact if the label equality is a strong one.
        exact = known.predicate == "exactMatch" or (
            known.predicate == "closeMatch" and known.score >= EXACT_THRESHOLD and index.kind.natures[entity.nature]
            and not any(l.kind == name and l.predicate == "exactMatch" for l in links.values()))
        links[(target, name)] = Link(known.subject, "exactMatch" if exact else known.predicate, target, name,
                                     max(known.score, EXACT_THRESHOLD), "ManualMappingCuration",
                                     known.subject_label, known.object_label)
        return
    predicate = "broadMatch" if name == "rome-fiche" else "closeMatch"
    links[(target, name)] = Link(entity.iri, predicate, target, name, CURATED_SCORE.get(name, CURATED_DEFAULT),
                                 "ManualMappingCuration", entity.pref, index.labels[target])


def _add_chained(entity: _Entity, present: dict[str, _Index], links: dict) -> None:
    """The fiche of each matched ROME appellation, as a broader concept of the role."""
    appellations, fiches = present.get("rome-appellation"), present.get("rome-fiche")
    if appellations is None or fiches is None:
        return
    for link in [l for l in links.values() if l.kind == "rome-appellation"
                 and l.predicate in ("exactMatch", "closeMatch")]:
        for fiche in appellations.broader.get(link.target, ()):
            if (fiche, "rome-fiche") in links or fiche not in fiches.labels:
                continue
            links[(fiche, "rome-fiche")] = Link(entity.iri, "broadMatch", fiche, "rome-fiche",
                                                round(link.score * CHAIN_FACTOR, 4), "MappingChaining",
                                                link.subject_label, fiches.labels[fiche])


def link_quads(result: LinkResult, sources: list[str]) -> list[ox.Quad]:
    """The links graph: SKOS triples, their SSSOM axioms and the linkset description."""
    graph = ox.NamedNode(result.graph)
    a = OX.RDF.type
    quads = []
    for link in result.links:
        subject, target = ox.NamedNode(link.subject), ox.NamedNode(link.target)
        predicate = OX.SKOS[link.predicate]
        quads.append(ox.Quad(subject, predicate, target, graph))
        axiom = ox.BlankNode()
        facts = [
            (a, OX.OWL.Axiom),
            (OX.OWL.annotatedSource, subject),
            (OX.OWL.annotatedProperty, predicate),
            (OX.OWL.annotatedTarget, target),
            (OX.SSSOM.confidence, ox.Literal(f"{link.score:.4f}", datatype=OX.XSD.decimal)),
            (OX.SSSOM.mapping_justification, OX.SEMAPV[link.justification]),
            (OX.SSSOM.subject_label, ox.Literal(link.subject_label)),
            (OX.SSSOM.object_label, ox.Literal(link.object_label)),
        ]
        quads.extend(ox.Quad(axiom, p, o, graph) for p, o in facts)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    description = [
        (a, OX.VOID.Linkset),
        (OX.DCTERMS.title, ox.Literal("Links from rolegraph entities to ESCO and ROME")),
        (OX.DCTERMS.modified, ox.Literal(now, datatype=OX.XSD.dateTime)),
        (OX.VOID.triples, ox.Literal(str(len(result.links)), datatype=OX.XSD.integer)),
        *((OX.VOID.target, ox.NamedNode(source)) for source in sources),
    ]
    quads.extend(ox.Quad(graph, p, o, graph) for p, o in description)
    return quads


#: The state file holding the links of a generation and what each entity's links were found from, so
#: that after a change of documents only the entities whose labels changed are linked again.
LINKS_STATE = "links.json"


def _signature(entity: _Entity) -> str:
    return json.dumps([entity.nature, entity.pref, sorted(entity.labels)], ensure_ascii=False)


def _sources(store: Readable, lexicon: Lexicon | None, base: str) -> str:
    """What every entity's links also depend on: the imported datasets (their identifiers) and the
    concepts our lexicon names."""
    imported = sorted((row["g"].value, row["id"].value) for row in union_query(
        store, "SELECT ?g ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }"))
    return json.dumps([imported, sorted(_curated(lexicon, base).items())])


def relink(store: Writable, base: str, lexicon: Lexicon | None = None, incremental: bool = False) -> LinkResult:
    """Rebuild the links graph inside ``store`` (a writable generation being prepared). ``incremental``:
    when the imports and the lexicon are those the stored links were found with, only the entities that
    are new or whose labels changed are linked again, the others keep their links."""
    entities = {e.iri: _signature(e) for e in _entities(store, base)}
    sources = _sources(store, lexicon, base)
    stored = store.state(LINKS_STATE) if incremental else None
    previous = json.loads(stored) if stored is not None else None
    if not isinstance(previous, dict) or previous.get("sources") != sources:
        result = find_links(store, base, lexicon)
    else:
        same = {iri for iri, signature in entities.items() if previous["entities"].get(iri) == signature}
        result = find_links(store, base, lexicon, only=set(entities) - same)
        kept = [Link(**row) for row in previous["links"] if row["subject"] in same]
        result.links = sorted(kept + result.links, key=lambda l: (l.subject, l.kind, -l.score, l.target))
    store.put_state(LINKS_STATE, json.dumps({"sources": sources, "entities": entities,
                                             "links": [asdict(l) for l in result.links]}, ensure_ascii=False).encode("utf-8"))
    graph = ox.NamedNode(result.graph)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    if result.links:
        described = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a void:Dataset } }"
        sources = sorted({row["g"].value for row in union_query(store, described)} - {result.graph})
        store.extend(link_quads(result, [str(graph_iri(base, FICHES_GRAPH)), *sources]))
    return result


def link(store_path: Store | str | os.PathLike, base: str, lexicon: Lexicon | None = None) -> LinkResult:
    """Rebuild the links graph of the published store and publish it as a new generation."""
    with open_store(store_path).publishing() as writable:
        result = relink(writable, base, lexicon if lexicon is not None else load_lexicon())
        store_summary(writable)
        return result
