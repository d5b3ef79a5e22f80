"""Links from our entities to ESCO and ROME: scored SKOS mappings, each with the evidence it stands on.

Every role, competency, tool and qualification of the fiches graph is compared with the concepts of
the imported taxonomies that it can be (``_comparable``): a role with occupations, appellations and
fiches; a competency with ESCO skills and knowledge and ROME compétences and savoirs; a tool with ESCO
knowledge (never a skill/competence, never an occupation: the French ESCO label "docker" is a dock
worker) and ROME savoirs; a qualification with the subjects it teaches. Labels are keyed the way the
extractor reads documents (``taxonomies.labels``: case, accents, hyphens, plurals, stop words;
"Développeur / Développeuse back-end" read as both forms; a bracketed qualifier optional). Around the
label, the concept's own context counts (``taxonomies.context``): its ISCO group, its broader concepts,
its skill type, the ROME domaine of its fiche.

Each candidate gets an ``evidence`` class, and its confidence is that class's precision measured on the
reviewed sample (``data/mappings/calibration.toml``, see tests/fixtures/links-review/):

  exact          both preferred labels equal, the concept in our domain, no other concept of the kind as good
  preferred      both preferred labels equal, but another concept too, or outside our domain     closeMatch
  alternative    our preferred label is one of their alternative labels (or the reverse), in our domain
  alternative-outside   the same, outside our domain                                              closeMatch
  lexicon        a concept our curated lexicon names (exact when a preferred label equals too)    closeMatch
  part, part-outside    the concept's label (two words at least) is a strict part of ours        broadMatch
  overlap, overlap-outside   most words shared, only where nothing closer was found             relatedMatch
  subject        a diploma and the subject it teaches                                           relatedMatch
  chain          the ROME fiche of a closely matched appellation                                  broadMatch
  chain-exact    the ROME fiche of an exactly matched appellation (its own calibration)         broadMatch
  skills         a role's close match to an ESCO occupation (any close class above) whose own    closeMatch
                 essential and optional skills include ``SHARED_SKILLS`` of the ESCO skills published
                 for the competencies and tools our documents say the role needs

Word overlap alone never makes an exact or close match. Links whose confidence reaches
``min_link_confidence`` are published as SKOS triples in ``<base>graph/links`` (with an SSSOM
``owl:Axiom`` each: confidence, justification, the labels that matched); the others are kept, as axioms
only, in ``<base>graph/link-candidates``, which curators query. A curated SSSOM file
(``loader.mappings``) wins over all of it: its acceptances are published, its rejections never are.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from rolegraph.core.naming import (CANDIDATES_GRAPH, ENTITY_PATHS, FICHES_GRAPH, LINKS_GRAPH, Minter, axiom_iri,
                                   graph_iri, rome_iri)
from rolegraph.core.settings import BY_NAME
from rolegraph.core.store import Readable, Store, Writable, open_store
from rolegraph.core.vocabulary import ESCO_ID, OX, RG, node

from rolegraph.queries.summary import store_summary

from .labels import label_key
from .lexicon import Lexicon, load_lexicon
from .link_tables import read_tables, tables_path, write_tables
from .taxonomies.context import Context, merged, read_context
from .taxonomies.labels import (KIND_BY_NAME, LABEL_WEIGHTS, PREF, TARGET_KINDS, TargetKind, label_keys, load_cached,
                                read_labels, save_cached, taxonomy_checksums, union_query)

#: Our classes → the nature used to choose comparable concepts.
NATURES = {str(term): nature for term, nature in (
    (RG.Role, "role"), (RG.Competency, "competency"), (RG.Skill, "competency"), (RG.Knowledge, "competency"),
    (RG.SoftSkill, "competency"), (RG.Tool, "tool"), (RG.Diploma, "qualification"),
    (RG.Training, "qualification"), (RG.Certification, "qualification"),
)}

#: evidence class → the predicate it gives and its confidence before any sample was reviewed (the
#: calibration file, measured on the reviewed sample, replaces these).
EVIDENCE = {
    "exact": ("exactMatch", 0.95),
    "preferred": ("closeMatch", 0.7),
    "preferred-outside": ("closeMatch", 0.5),
    "alternative": ("closeMatch", 0.8),
    "alternative-outside": ("closeMatch", 0.4),
    "lexicon": ("closeMatch", 0.9),
    "lexicon-exact": ("exactMatch", 0.95),
    "part": ("broadMatch", 0.6),
    "part-outside": ("broadMatch", 0.2),
    "overlap": ("relatedMatch", 0.4),
    "overlap-outside": ("relatedMatch", 0.1),
    "subject": ("relatedMatch", 0.5),
    "chain": ("broadMatch", 0.9),
    "chain-exact": ("broadMatch", 0.9),
    "skills": ("closeMatch", 0.8),
    "curated": ("closeMatch", 1.0),
}
MAX_BROAD, MAX_RELATED = 3, 2
#: How many of an occupation's own skills must be among those published for a role's competencies and tools
#: for the occupation's close match to count as "skills": the smallest count that leaves out every wrong
#: close match of the reviewed sample's calibrate half (machine learning engineer → data scientist shares 1).
SHARED_SKILLS = 3
#: The evidence classes of a role's close match to an occupation that shared skills can confirm.
CLOSE_CLASSES = ("preferred", "preferred-outside", "alternative", "alternative-outside", "lexicon")
RELATED_JACCARD = 0.5
_FICHE_CODE = re.compile(r"^[A-N]\d{4}$")


@lru_cache(maxsize=1)
def calibration() -> dict[str, float]:
    """Evidence class → confidence: the reviewed sample's precision of that class
    (``data/mappings/calibration.toml``), else the prior of ``EVIDENCE``."""
    confidences = {name: prior for name, (_, prior) in EVIDENCE.items()}
    try:
        text = resources.files("rolegraph.data").joinpath("mappings/calibration.toml").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return confidences
    for name, value in tomllib.loads(text).get("confidence", {}).items():
        if name in confidences:
            confidences[name] = float(value)
    return confidences


@dataclass(frozen=True)
class Link:
    subject: str
    predicate: str  # "exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"
    target: str
    kind: str
    score: float  # the confidence
    justification: str  # a semapv term
    subject_label: str
    object_label: str
    evidence: str = ""  # the class of EVIDENCE the confidence comes from
    rank: float = 0.0  # how well the labels match, within a class (orders candidates)
    published: bool = True
    negated: bool = False  # a curator's rejection (SSSOM predicate_modifier Not)


@dataclass(frozen=True)
class LinkOptions:
    """What decides which links are published: the confidence floor, and a curated SSSOM file (None: the
    ``data/mappings/`` file of the project when there is one)."""

    min_confidence: float = BY_NAME["min_link_confidence"].default
    mappings: str | os.PathLike | None = None
    cache: str | os.PathLike | None = None  # folder where the taxonomies' tables are kept (a store's cache/)


@dataclass
class LinkResult:
    graph: str
    links: list[Link] = field(default_factory=list)  # the published ones
    candidates: list[Link] = field(default_factory=list)  # below the floor, or rejected by a curator
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Published links per taxonomy and predicate, e.g. {"esco exactMatch": 12}, and the candidates."""
        counter = Counter(f"{KIND_BY_NAME[l.kind].taxonomy} {l.predicate}" for l in self.links)
        if self.candidates:
            counter["candidates"] = len(self.candidates)
        return dict(sorted(counter.items()))


class _Index:
    """Every label key of the concepts of one target kind → the concepts carrying it."""

    def __init__(self, kind: TargetKind, vocabulary: set[str] | None) -> None:
        self.kind = kind
        self.vocabulary = vocabulary  # the words of our labels (other keys can never match), None: every key
        # key → concept → (weight, label, preferred)
        self.keys: dict[str, dict[str, tuple[float, str, bool]]] = defaultdict(dict)
        self.labels: dict[str, str] = {}
        self.words: dict[str, set[str]] = defaultdict(set)
        self.broader: dict[str, list[str]] = defaultdict(list)

    def add(self, concept: str, label: str, weight: float, preferred: bool) -> None:
        concept, label = sys.intern(concept), sys.intern(label)  # stored once in the cache file (save_cached)
        if preferred and weight == 1.0:  # an official preferred label (a third party's weighs less)
            self.labels.setdefault(concept, label)
        for key, key_weight in label_keys(label, weight):
            if self.vocabulary is not None:
                words = key.split()
                known_words = sum(1 for w in words if w in self.vocabulary)
                if known_words < len(words) and known_words < 2:
                    continue
            key = sys.intern(key)
            known = self.keys[key].get(concept)
            if known is None or (preferred, key_weight) > (known[2], known[0]):
                self.keys[key][concept] = (key_weight, label, preferred)

    def finish(self) -> None:
        for key in self.keys:
            words = key.split()
            if len(words) >= 2:
                for word in words:
                    self.words[word].add(key)

    def __bool__(self) -> bool:
        return bool(self.labels)


def _indexes(store: Readable, base: str, vocabulary: set[str] | None,
             kinds: tuple[str, ...] = tuple(KIND_BY_NAME)) -> dict[str, _Index]:
    """One index per target kind of ``kinds`` present in the store, read in one pass over the label
    triples; labels that share too few words with ``vocabulary`` are left out."""
    indexes = {name: _Index(KIND_BY_NAME[name], vocabulary) for name in kinds}
    for label in read_labels(store, base, kinds):
        indexes[label.kind].add(label.concept, label.text, label.weight, label.preferred)
    appellations = indexes.get("rome-appellation")
    scheme = node(rome_iri(base, "scheme", "appellation"))
    if appellations is not None:
        for concept, fiche, _ in union_query(store, "SELECT ?c ?f ?s WHERE { ?c skos:inScheme ?s ; skos:broader ?f }",
                                             s=scheme):
            appellations.broader[sys.intern(concept.value)].append(sys.intern(fiche.value))
    for index in indexes.values():
        index.finish()
    return {name: index for name, index in indexes.items() if index}


@dataclass
class Entity:
    """One of our entities as linking reads it: its IRI, nature and labels (text, weight, preferred)."""

    iri: str
    nature: str
    labels: list[tuple[str, float, bool]] = field(default_factory=list)
    pref: str = ""
    requires: list[str] = field(default_factory=list)  # a role's competencies and tools, by IRI


def entities(store: Readable, base: str, only: set[str] | None = None) -> list[Entity]:
    """The entities of the fiches graph that linking compares (those of ``only``, when given), by IRI."""
    restricted = "" if only is None else "VALUES ?e { %s }" % " ".join(f"<{iri}>" for iri in sorted(only))
    text = """SELECT ?e ?class ?p ?l ?fiches WHERE {
      %s
      GRAPH ?fiches { ?e a ?class ; ?p ?l }
      VALUES ?p { skos:prefLabel skos:altLabel }
    }""" % restricted
    found: dict[str, Entity] = {}
    if only is not None and not only:
        return []
    for row in union_query(store, text, fiches=node(graph_iri(base, FICHES_GRAPH))):
        nature = NATURES.get(row["class"].value)
        if nature is None:
            continue
        entity = found.setdefault(row["e"].value, Entity(row["e"].value, nature))
        preferred = row["p"].value == PREF
        entity.labels.append((row["l"].value, LABEL_WEIGHTS[row["p"].value], preferred))
        if preferred and (not entity.pref or row["l"].language == "en"):
            entity.pref = row["l"].value
    needs = "SELECT ?e ?c ?fiches WHERE { %s GRAPH ?fiches { ?e rg:requiresCompetency|rg:usesTool ?c } }" % restricted
    for row in union_query(store, needs, fiches=node(graph_iri(base, FICHES_GRAPH))):
        role, needed = found.get(row["e"].value), row["c"].value
        if role is not None and needed in found and needed not in role.requires:
            role.requires.append(needed)
    for entity in found.values():
        entity.labels.sort()
        entity.requires.sort()
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


def _comparable(entity: Entity, index: _Index, concept: str, context: Context) -> bool:
    """Whether ``concept`` is the kind of thing ``entity`` can be: a tool is ESCO knowledge (a technology),
    never a skill/competence."""
    if entity.nature == "tool" and index.kind.name == "esco-skill":
        return context.is_knowledge(concept)
    return True


def _make(entity: Entity, index: _Index, concept: str, evidence: str, rank: float, ours: str, theirs: str,
          justification: str = "LexicalMatching") -> Link:
    predicate = EVIDENCE[evidence][0]
    return Link(entity.iri, predicate, concept, index.kind.name, calibration()[evidence], justification, ours, theirs,
                evidence, round(rank, 4))


def _match(entity: Entity, index: _Index, context: Context) -> list[Link]:
    """Label equality: exact when both labels are preferred ones, the concept is in our domain and no other
    concept of the kind is as good; close otherwise. Without equality, containment and overlap (``_partial``)."""
    best: dict[str, tuple[float, bool, str, str]] = {}  # concept → rank, both preferred, our label, theirs
    for text, weight, preferred in entity.labels:
        for key, key_weight in label_keys(text, weight):
            for concept, (their_weight, their_label, their_preferred) in index.keys.get(key, {}).items():
                if not (preferred or their_preferred):
                    continue  # two alternative labels ("connectors") are too often homonyms
                if not their_preferred and len(key) <= 4 and " " not in key:
                    continue  # a short acronym ("ADR") that is not the concept's own name
                if not _comparable(entity, index, concept, context):
                    continue
                both = preferred and their_preferred
                rank = key_weight * their_weight
                if concept not in best or (both, rank) > best[concept][:2][::-1]:
                    best[concept] = (rank, both, text, their_label)
    if not best:
        return _partial(entity, index, context)
    preferred_matches = [c for c, (_, both, _, _) in best.items() if both]
    domain = [c for c in preferred_matches if context.in_domain(c, entity.nature)]
    links = []
    for concept, (rank, both, ours, theirs) in best.items():
        inside = context.in_domain(concept, entity.nature)
        if both:
            exact = inside and len(domain) == 1 and index.kind.natures[entity.nature]
            evidence = "exact" if exact else "preferred" if inside else "preferred-outside"
        else:
            evidence = "alternative" if inside else "alternative-outside"
        links.append(_make(entity, index, concept, evidence, rank, ours, theirs))
    return links


def _partial(entity: Entity, index: _Index, context: Context) -> list[Link]:
    """Containment of the concept's label in one of our preferred labels (broad), else word overlap
    (related)."""
    preferred = [(text, set(label_key(text, "word-set").split())) for text, _, is_preferred in entity.labels if is_preferred]
    broad: dict[str, tuple[float, str, str]] = {}
    for text, ours in preferred:
        for size in range(len(ours) - 1, 1, -1):
            for part in itertools.combinations(sorted(ours), size):
                for concept, (their_weight, their_label, _) in index.keys.get(" ".join(part), {}).items():
                    if not _comparable(entity, index, concept, context):
                        continue
                    rank = size / len(ours) * their_weight
                    if rank > broad.get(concept, (0.0,))[0]:
                        broad[concept] = (rank, text, their_label)
    if broad:
        # A diploma is not a narrower kind of the subject it teaches ("BTS in computer science" →
        # "computer science"): for qualifications, containment only relates the two.
        kind = (lambda c: "subject") if entity.nature == "qualification" else (
            lambda c: "part" if context.in_domain(c, entity.nature) else "part-outside")
        return _ranked(entity, index, kind, broad, MAX_BROAD)
    related: dict[str, tuple[float, str, str]] = {}
    for text, ours in preferred:
        candidates: Counter = Counter()
        for word in ours:
            candidates.update(index.words.get(word, ()))
        for key, shared in candidates.items():
            if shared < 2:
                continue
            # A key's words are distinct (word-set keys): the union is counted without splitting the key.
            jaccard = shared / (len(ours) + key.count(" ") + 1 - shared)
            if jaccard < RELATED_JACCARD:
                continue
            for concept, (their_weight, their_label, _) in index.keys[key].items():
                if not _comparable(entity, index, concept, context):
                    continue
                rank = jaccard * their_weight
                if rank > related.get(concept, (0.0,))[0]:
                    related[concept] = (rank, text, their_label)
    kind = (lambda c: "subject") if entity.nature == "qualification" else (
        lambda c: "overlap" if context.in_domain(c, entity.nature) else "overlap-outside")
    return _ranked(entity, index, kind, related, MAX_RELATED)


def _ranked(entity: Entity, index: _Index, evidence, found: dict, most: int) -> list[Link]:
    """The ``most`` best of ``found`` (concept → rank, our label, their label), those in our domain first."""
    ranked = sorted(found.items(), key=lambda item: (-calibration()[evidence(item[0])], -item[1][0], item[0]))[:most]
    return [_make(entity, index, concept, evidence(concept), rank, ours, theirs)
            for concept, (rank, ours, theirs) in ranked]


@dataclass
class Linker:
    """What linking reads from a store once (the label indexes, the taxonomies' context), to link any
    number of entities."""

    base: str
    present: dict[str, _Index]
    context: Context
    curated: dict[str, list[str]]

    def link(self, entity: Entity, problems: list[str] | None = None) -> list[Link]:
        """Every candidate link of ``entity``, most confident first within each kind."""
        links: dict[tuple[str, str], Link] = {}
        for index in self.present.values():
            if entity.nature not in index.kind.natures:
                continue
            for found in _match(entity, index, self.context):
                links[(found.target, found.kind)] = found
        taxonomies = {KIND_BY_NAME[name].taxonomy for name in self.present}
        for target in self.curated.get(entity.iri, ()):
            self._add_curated(entity, target, links, problems if problems is not None else [], taxonomies)
        self._add_chained(entity, links)
        # Loose overlaps are only worth showing where nothing closer was found.
        close = {l.kind for l in links.values() if l.predicate in ("exactMatch", "closeMatch")}
        kept = [l for l in links.values() if not (l.predicate == "relatedMatch" and l.kind in close)]
        return sorted(kept, key=lambda l: (l.kind, -l.score, -l.rank, l.target))

    def _add_curated(self, entity: Entity, target: str, links: dict, problems: list[str], taxonomies: set[str]) -> None:
        """A concept our lexicon names: confirms a lexical link (exact when both preferred labels are equal),
        or adds it as the nearest concept, closeMatch (a ROME fiche as broadMatch: our roles are finer)."""
        for name, index in self.present.items():
            if target in index.labels and index.kind.natures.get(entity.nature) is not None \
                    and _comparable(entity, index, target, self.context):
                break
        else:
            taxonomy = "esco" if target.startswith(str(ESCO_ID)) else "rome"
            if taxonomy in taxonomies:
                problems.append(f"{entity.iri}: the lexicon names {target}, which is not a comparable "
                                f"concept of the imported {taxonomy.upper()}")
            return
        known = links.get((target, name))
        if name == "rome-fiche":
            evidence = "chain"
        elif known is not None and known.evidence in ("exact", "preferred", "preferred-outside") \
                and index.kind.natures[entity.nature] \
                and not any(l.kind == name and l.predicate == "exactMatch" and l.target != target for l in links.values()):
            evidence = "lexicon-exact"
        else:
            evidence = "lexicon"
        ours, theirs = (known.subject_label, known.object_label) if known else (entity.pref, index.labels[target])
        links[(target, name)] = _make(entity, index, target, evidence, known.rank if known else 1.0, ours, theirs,
                                      "ManualMappingCuration")
        if evidence == "lexicon-exact":  # the curated one is the kind's only exact match
            for key, other in list(links.items()):
                if other.kind == name and other.predicate == "exactMatch" and other.target != target:
                    links[key] = replace(other, predicate="closeMatch", evidence="preferred",
                                         score=calibration()["preferred"])

    def _add_chained(self, entity: Entity, links: dict) -> None:
        """The fiche of each matched ROME appellation, as a broader concept of the role."""
        appellations, fiches = self.present.get("rome-appellation"), self.present.get("rome-fiche")
        if appellations is None or fiches is None:
            return
        for found in [l for l in links.values() if l.kind == "rome-appellation"
                      and l.predicate in ("exactMatch", "closeMatch")]:
            exact = found.predicate == "exactMatch"
            for fiche in appellations.broader.get(found.target, ()):
                if fiche not in fiches.labels:
                    continue
                chained = _make(entity, fiches, fiche, "chain-exact" if exact else "chain", found.rank,
                                found.subject_label, fiches.labels[fiche], "MappingChaining")
                # Each class has its own measured precision (the fiche of an exact appellation is far more
                # often broader than that of a close one); a chain is no surer than its first step either.
                chained = replace(chained, score=min(chained.score, found.score))
                known = links.get((fiche, "rome-fiche"))
                if known is not None and not (exact and known.score < chained.score):
                    continue  # a fiche found otherwise (named by the lexicon) is kept, unless this chain is surer
                links[(fiche, "rome-fiche")] = chained


@dataclass
class _Tables:
    """What linking reads from the taxonomies alone: built once per set of imports (their checksums)."""

    present: dict[str, _Index]
    context: Context


_TABLES: dict[str, _Tables] = {}
#: Part of the cache key: bump it when the tables' shape changes.
TABLES_VERSION = "3"


#: Up to this many entities to link, the tables are read key by key from their SQLite file in the cache
#: (``link_tables``) rather than loaded whole: what an add or remove links again.
LOOKUP_LINKING_MAX = 500


#: The taxonomies whose tables are made apart (each kind of ``TARGET_KINDS`` is one's).
TAXONOMIES = tuple(dict.fromkeys(kind.taxonomy for kind in TARGET_KINDS))


def _owner(checksum: str, base: str) -> str | None:
    """The taxonomy whose graph a ``taxonomy_checksums`` entry names ("<base>graph/esco-fr ..." is ESCO's)."""
    name = checksum.split(" ", 1)[0].removeprefix(f"{base}graph/")
    return next((t for t in TAXONOMIES if name == t or name.startswith(f"{t}-")), None)


def _part(store: Readable, base: str, cache: str | os.PathLike | None, taxonomy: str,
          checksums: tuple[str, ...]) -> _Tables:
    """The tables of one taxonomy's concepts, cached apart, keyed by the checksums of every graph but the
    other taxonomies' (theirs say nothing of this one's concepts): importing ROME reads no ESCO label."""
    own = [c for c in checksums if _owner(c, base) in (None, taxonomy)]
    digest = hashlib.sha256("\0".join((TABLES_VERSION, base, taxonomy, *own)).encode()).hexdigest()[:32]
    path = Path(cache) / f"linkpart.{taxonomy}-{digest}.pickle" if cache is not None else None
    part = load_cached(path, _Tables)
    if part is None:
        kinds = tuple(kind.name for kind in TARGET_KINDS if kind.taxonomy == taxonomy)
        context = read_context(store, base, (taxonomy,))
        context.broader = {}  # only needed while reading
        part = _Tables(_indexes(store, base, None, kinds), context)
        save_cached(path, part)
    return part


def _tables(store: Readable, base: str, cache: str | os.PathLike | None, few: bool = False) -> _Tables:
    """The label indexes and context of ``store``'s taxonomies: kept for the process, and as files of
    ``cache`` keyed by the taxonomy graphs' checksums, so that a build that changes no taxonomy reads no
    label; each taxonomy's part is also kept apart (``_part``), so that an import reads the labels of the
    imported taxonomy only. ``few``: only a few entities are to be linked, and the tables' SQLite file,
    when ``cache`` has it, is read key by key instead of loading the tables."""
    checksums = taxonomy_checksums(store)
    digest = hashlib.sha256("\0".join((TABLES_VERSION, base, *checksums)).encode()).hexdigest()[:32]
    if digest in _TABLES:
        return _TABLES[digest]
    path = Path(cache) / f"links-{digest}.pickle" if cache is not None else None
    if few and path is not None:
        found = read_tables(tables_path(path), _Index, Context, KIND_BY_NAME)
        if found is not None:
            return _Tables(*found)
    tables = load_cached(path, _Tables)
    if tables is None:
        parts = [_part(store, base, cache, taxonomy, checksums) for taxonomy in TAXONOMIES]
        tables = _Tables({name: index for part in parts for name, index in part.present.items()},
                         merged([part.context for part in parts]))
        save_cached(path, tables)
    if path is not None and not tables_path(path).is_file():
        write_tables(tables_path(path), tables)  # for the adds and removes to come
    _TABLES.clear()  # one store at a time: the tables are large
    _TABLES[digest] = tables
    return tables


def linker(store: Readable, base: str, lexicon: Lexicon | None = None, cache: str | os.PathLike | None = None,
           few: bool = False) -> Linker:
    """The ``Linker`` of ``store``'s taxonomies (its tables cached in the folder ``cache``, if given;
    ``few``: to link only a few entities, as ``_tables``)."""
    tables = _tables(store, base, cache, few)
    return Linker(base, tables.present, tables.context, _curated(lexicon, base))


def find_links(store: Readable, base: str, lexicon: Lexicon | None = None,
               options: LinkOptions | None = None, only: set[str] | None = None,
               known: dict[str, Entity] | None = None) -> LinkResult:
    """Every link from the entities of the fiches graph (those of ``only``, when given) to the taxonomies
    imported in ``store``, split into published links and candidates by ``options`` (the floor, then the
    curated mappings). An entity's links depend on its own labels, and a role's on its competencies' and tools'
    too (linked for that, not returned), so a subset links as the whole would. ``known``: the
    ``entities`` of ``store`` by IRI, when the caller has read them."""
    from .mappings import apply_curation, curated_mappings

    options = options or LinkOptions()
    result = LinkResult(str(graph_iri(base, LINKS_GRAPH)))
    known = known if known is not None else {e.iri: e for e in entities(store, base)}
    found = [e for iri, e in known.items() if only is None or iri in only]
    curation = curated_mappings(options.mappings, base, options.cache)
    if not found:
        return result
    # A role's links also read its competencies' and tools' links: those outside ``only`` are linked too,
    # as evidence, and not returned.
    needed = {iri for e in found for iri in e.requires} - {e.iri for e in found}
    few = only is not None and len(found) + len(needed) <= LOOKUP_LINKING_MAX
    matcher = linker(store, base, lexicon, options.cache, few)
    if not matcher.present:  # nothing imported: nothing to link to, curated or not
        return result
    every: list[Link] = []
    for entity in found + [known[iri] for iri in sorted(needed)]:
        every.extend(matcher.link(entity, result.problems))
    every = [replace(l, published=l.score >= options.min_confidence) for l in every]
    every = apply_curation(every, curation, known, matcher, result.problems)
    linked = {e.iri for e in found}  # a curated mapping of an entity not linked here is not added
    every = [l for l in _agree_on_skills(every, known, matcher.context, options.min_confidence)
             if l.subject in linked]
    result.links = [l for l in every if l.published]
    result.candidates = [l for l in every if not l.published]
    return result


def _agree_on_skills(links: list[Link], entities: dict[str, Entity], context: Context, floor: float) -> list[Link]:
    """``links`` where a role's close match to an ESCO occupation becomes the class "skills" when the
    occupation's own skills include ``SHARED_SKILLS`` of the ESCO skills published (exact or close) for the
    competencies and tools the role needs; a curator's verdict is left as it is."""
    published: dict[str, set[str]] = defaultdict(set)
    for l in links:
        if l.published and l.kind == "esco-skill" and l.predicate in ("exactMatch", "closeMatch"):
            published[l.subject].add(l.target)
    confidence = calibration()["skills"]
    agreed = []
    for l in links:
        entity = entities.get(l.subject)
        if l.kind == "esco-occupation" and l.evidence in CLOSE_CLASSES and not l.negated and entity is not None:
            needed = set().union(*(published[iri] for iri in entity.requires))
            if len(needed & context.occupation_skills.get(l.target, frozenset())) >= SHARED_SKILLS \
                    and confidence > l.score:
                l = replace(l, evidence="skills", score=confidence, published=l.published or confidence >= floor)
        agreed.append(l)
    return agreed


def _axiom(link: Link, graph: ox.NamedNode) -> list[ox.Quad]:
    subject, target = ox.NamedNode(link.subject), ox.NamedNode(link.target)
    # A stable IRI, not a blank node: the published graphs have none (``naming.skolemise``).
    axiom = ox.NamedNode(axiom_iri(graph.value, link.subject, link.predicate, link.target, link.justification,
                                   link.negated))
    facts = [
        (OX.RDF.type, OX.OWL.Axiom),
        (OX.OWL.annotatedSource, subject),
        (OX.OWL.annotatedProperty, OX.SKOS[link.predicate]),
        (OX.OWL.annotatedTarget, target),
        (OX.SSSOM.confidence, ox.Literal(f"{link.score:.4f}", datatype=OX.XSD.decimal)),
        (OX.SSSOM.mapping_justification, OX.SEMAPV[link.justification]),
        (OX.SSSOM.subject_label, ox.Literal(link.subject_label)),
        (OX.SSSOM.object_label, ox.Literal(link.object_label)),
    ]
    if link.evidence:
        facts.append((OX.SSSOM.comment, ox.Literal(link.evidence)))
    if link.negated:
        facts.append((OX.SSSOM.predicate_modifier, ox.Literal("Not")))
    return [ox.Quad(axiom, p, o, graph) for p, o in facts]


def link_quads(result: LinkResult, sources: list[str], candidates_graph: str | None = None) -> list[ox.Quad]:
    """The links graph (SKOS triples, their SSSOM axioms and the linkset description) and, when
    ``candidates_graph`` is given, the candidates' axioms in that graph (no SKOS triple: never shown as links)."""
    return _link_axioms(result, candidates_graph) + _description(result.graph, len(result.links), sources)


def _link_axioms(result: LinkResult, candidates_graph: str | None) -> list[ox.Quad]:
    """``link_quads`` without the linkset's description."""
    graph = ox.NamedNode(result.graph)
    quads = []
    for link in result.links:
        quads.append(ox.Quad(ox.NamedNode(link.subject), OX.SKOS[link.predicate], ox.NamedNode(link.target), graph))
        quads.extend(_axiom(link, graph))
    if candidates_graph and result.candidates:
        candidates = ox.NamedNode(candidates_graph)
        for link in result.candidates:
            quads.extend(_axiom(link, candidates))
        quads.append(ox.Quad(candidates, OX.DCTERMS.title, ox.Literal(
            "Candidate links from rolegraph entities to ESCO and ROME, not published"), candidates))
    return quads


def _description(iri: str, links: int, sources: list[str]) -> list[ox.Quad]:
    """The linkset's description: what it links, how many links, when."""
    graph = ox.NamedNode(iri)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    description = [
        (OX.RDF.type, OX.VOID.Linkset),
        (OX.DCTERMS.title, ox.Literal("Links from rolegraph entities to ESCO and ROME")),
        (OX.DCTERMS.modified, ox.Literal(now, datatype=OX.XSD.dateTime)),
        (OX.VOID.triples, ox.Literal(str(links), datatype=OX.XSD.integer)),
        *((OX.VOID.target, ox.NamedNode(source)) for source in sources),
    ]
    return [ox.Quad(graph, p, o, graph) for p, o in description]


#: The state file holding the links and candidates of a generation, what each entity's links were found
#: from and the options they were published with, so that after a change of documents only the entities
#: whose labels changed are linked again.
LINKS_STATE = "links.json"


def _signature(entity: Entity, known: dict[str, Entity]) -> str:
    """What ``entity``'s links are found from: its labels, and a role's competencies and tools with theirs."""
    own = lambda e: [e.nature, e.pref, sorted(e.labels)]
    return json.dumps([own(entity), [[iri, own(known[iri])] for iri in entity.requires]], ensure_ascii=False)


def _mappings_checksum(options: LinkOptions) -> str | None:
    """The checksum of the curated file ``options`` name (the project's when they name none)."""
    from .mappings import _default_file

    file = Path(options.mappings) if options.mappings is not None else _default_file()
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest() if file is not None else None
    except OSError:
        return None  # find_links names the file in its error


def _sources(store: Readable, lexicon: Lexicon | None, base: str, options: LinkOptions) -> str:
    """What every entity's links also depend on: the imported datasets (their identifiers), the concepts
    our lexicon names, the confidence floor and the curated mappings (their content) of ``options``."""
    imported = sorted((row["g"].value, row["id"].value) for row in union_query(
        store, "SELECT ?g ?id WHERE { GRAPH ?g { ?g dcterms:identifier ?id } }"))
    return json.dumps([imported, sorted(_curated(lexicon, base).items()),
                       [options.min_confidence, _mappings_checksum(options), calibration()]])


def relink(store: Writable, base: str, lexicon: Lexicon | None = None, options: LinkOptions | None = None,
           incremental: bool = False, touched: set[str] | None = None) -> LinkResult:
    """Rebuild the links and candidates graphs inside ``store`` (a writable generation being prepared).
    ``incremental``: when the imports, the lexicon and the link options are those the stored links were
    found with, only the entities that are new or whose labels changed are linked again, the others keep
    their links and candidates. ``touched``: with ``incremental``, the IRIs of every subject and object
    of the triples the change made to the fiches graph: only they, and the roles needing them, are read
    and compared again, and only their links are rewritten."""
    options = options or LinkOptions()
    sources = _sources(store, lexicon, base, options)
    stored = store.state(LINKS_STATE) if incremental else None
    previous = json.loads(stored) if stored is not None else None
    if not isinstance(previous, dict) or previous.get("sources") != sources:
        previous, touched = None, None
    if touched is not None:
        return _relink_touched(store, base, lexicon, options, sources, previous, touched)
    known = {e.iri: e for e in entities(store, base)}
    signatures = {iri: _signature(e, known) for iri, e in known.items()}
    if previous is None:
        result = find_links(store, base, lexicon, options, known=known)
    else:
        same = {iri for iri, signature in signatures.items() if previous["entities"].get(iri) == signature}
        result = find_links(store, base, lexicon, options, only=set(signatures) - same, known=known)
        _keep(result, [Link(**row) for row in previous["links"] if row["subject"] in same])
    _put_links_state(store, sources, signatures, result)
    graph, candidates = ox.NamedNode(result.graph), ox.NamedNode(str(graph_iri(base, CANDIDATES_GRAPH)))
    for old in (graph, candidates):
        if store.contains_named_graph(old):
            store.remove_graph(old)
    if result.links or result.candidates:
        store.extend(link_quads(result, _linked_sources(store, base, result), candidates.value))
    return result


def _relink_touched(store: Writable, base: str, lexicon: Lexicon | None, options: LinkOptions, sources: str,
                    previous: dict, touched: set[str]) -> LinkResult:
    """``relink`` of a change that touched only the IRIs ``touched``, from the ``previous`` links state."""
    fiches = node(graph_iri(base, FICHES_GRAPH))
    needing = "SELECT DISTINCT ?e ?fiches WHERE { VALUES ?c { %s } GRAPH ?fiches { ?e rg:requiresCompetency|rg:usesTool ?c } }"
    compared = set(touched)
    if touched:
        text = needing % " ".join(f"<{iri}>" for iri in sorted(touched))
        compared |= {row["e"].value for row in union_query(store, text, fiches=fiches)}
    known = {e.iri: e for e in entities(store, base, compared)}
    requires = {iri for e in known.values() for iri in e.requires} - set(known)
    known.update((e.iri, e) for e in entities(store, base, requires))
    signatures = dict(previous["entities"])
    for iri in compared:
        if iri in known:
            signatures[iri] = _signature(known[iri], known)
        else:
            signatures.pop(iri, None)  # no longer one of our entities
    changed = {iri for iri in compared if previous["entities"].get(iri) != signatures.get(iri)}
    result = find_links(store, base, lexicon, options, only=changed & set(known), known=known)
    before = [Link(**row) for row in previous["links"]]
    _keep(result, [l for l in before if l.subject not in changed])
    _put_links_state(store, sources, signatures, result)
    graph, candidates = ox.NamedNode(result.graph), str(graph_iri(base, CANDIDATES_GRAPH))
    # Only the links of the entities linked again change, and the linkset's description.
    redone = LinkResult(result.graph, [l for l in before if l.subject in changed and l.published],
                        [l for l in before if l.subject in changed and not l.published])
    for quad in _link_axioms(redone, candidates) + list(store.quads_for_pattern(graph, None, None, graph)):
        store.remove(quad)
    fresh = LinkResult(result.graph, [l for l in result.links if l.subject in changed],
                       [l for l in result.candidates if l.subject in changed])
    quads = _link_axioms(fresh, candidates)
    if result.candidates:  # its title, which the candidates linked again may not carry
        quads += _link_axioms(LinkResult(result.graph, [], result.candidates[:1]), candidates)
    if result.links or result.candidates:
        quads += _description(result.graph, len(result.links), _linked_sources(store, base, result))
    store.extend(quads)
    for name, empty in ((graph, not result.links and not result.candidates),
                        (ox.NamedNode(candidates), not result.candidates)):
        if empty and store.contains_named_graph(name):
            store.remove_graph(name)
    return result


def _keep(result: LinkResult, kept: list[Link]) -> None:
    """Add to ``result`` the links and candidates ``kept`` from the previous ones, in their order."""
    order = lambda l: (l.subject, l.kind, -l.score, -l.rank, l.target)
    result.links = sorted([l for l in kept if l.published] + result.links, key=order)
    result.candidates = sorted([l for l in kept if not l.published] + result.candidates, key=order)


def _put_links_state(store: Writable, sources: str, signatures: dict[str, str], result: LinkResult) -> None:
    store.put_state(LINKS_STATE, json.dumps({"sources": sources, "entities": signatures,
                                             "links": [asdict(l) for l in result.links + result.candidates]},
                                            ensure_ascii=False).encode("utf-8"))


def _linked_sources(store: Readable, base: str, result: LinkResult) -> list[str]:
    """What the linkset links: the fiches graph and the datasets described in the store."""
    described = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a void:Dataset } }"
    found = sorted({row["g"].value for row in union_query(store, described)} - {result.graph})
    return [str(graph_iri(base, FICHES_GRAPH)), *found]


def cached_in(store: Store | str | os.PathLike, options: LinkOptions | None = None) -> LinkOptions:
    """``options`` (default ones when None) with the taxonomies' tables cached in the ``cache/`` folder of
    ``store`` when it has one on disk and no cache was given: relinking then reads no label while the
    taxonomies stay the same."""
    options = options or LinkOptions()
    root = getattr(open_store(store), "root", None)
    return replace(options, cache=Path(root) / "cache") if options.cache is None and root is not None else options


def link(store_path: Store | str | os.PathLike, base: str, lexicon: Lexicon | None = None,
         options: LinkOptions | None = None) -> LinkResult:
    """Rebuild the links graphs of the published store and publish them as a new generation."""
    store = open_store(store_path)
    options = cached_in(store, options)
    with store.publishing() as writable:
        result = relink(writable, base, lexicon if lexicon is not None else load_lexicon(), options)
        store_summary(writable)
        return result
