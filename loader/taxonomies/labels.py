"""The taxonomies' labels: how a label is keyed, read from the store, and matched against a phrase.

One place for what linking (``loader.link``) and extraction (``loader.vocabulary``) both do with ESCO and
ROME labels. ``label_keys`` gives the keys a label is known by (both forms of "développeur/développeuse",
the label without its bracketed qualifier); ``read_labels`` reads every label of the comparable concepts
in one pass; ``LabelIndex`` answers "which skill concept is this phrase?" with a calibrated confidence:

  exact    the phrase's word keys (case, accents, plurals, stop words) equal a label's    1.0 × label weight
  lemma    equal after lemmatising both (simplemma, French or English): "gérer des      0.85 × label weight
           serveurs" = "gérer un serveur", "managing projects" = "manage project"
  partial  the phrase holds a label of three words at least, in order                   0.6 × label weight

A preferred label weighs 1.0, an alternative one 0.95, a hidden one 0.85; a third party's label 0.95 of
that. A key that names several concepts equally well is ambiguous and weighs 0.9 of it. ``index_for``
builds the index of a store once per set of taxonomy checksums, so it is rebuilt only when an import
changes what the store holds.
"""
from __future__ import annotations

import gc
import hashlib
import os
import pickle
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import simplemma

from rolegraph.core.naming import rome_iri
from rolegraph.core.store import Readable, Store, open_store
from rolegraph.core.vocabulary import OX, node, sparql_prologue

from ..labels import STOPWORDS, WORD, fold, label_key

PREF, ALT, HIDDEN = (term.value for term in (OX.SKOS.prefLabel, OX.SKOS.altLabel, OX.SKOS.hiddenLabel))
#: Weight of each label property, on our side and on the taxonomy's side.
LABEL_WEIGHTS = {PREF: 1.0, ALT: 0.95, HIDDEN: 0.85}
#: A label read without its bracketed qualifier ("Python (computer programming)") counts a little less.
QUALIFIER_WEIGHT = 0.9
THIRD_PARTY_WEIGHT = 0.95
AMBIGUITY_PENALTY = 0.9
#: How much each way of matching a phrase keeps of the label's weight.
HOW = {"exact": 1.0, "lemma": 0.85, "partial": 0.6}
PARTIAL_WORDS = 3
LANGUAGES = ("en", "fr")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_WORD = re.compile(r"[^\W\d_]{3,}")
_THIRD_PARTY = "-thirdparty"


def gender_forms(text: str) -> list[str]:
    """ROME's "Développeur / Développeuse back-end" and ESCO's "consultant informatique/consultante
    informatique" → both full forms; a label without a slash is itself."""
    if "/" not in text:
        return [text]
    left, right = (part.strip() for part in text.split("/", 1))
    if not (_WORD.search(left) and _WORD.search(right)) or left.isupper() or right.isupper():
        return [text]  # "HTTP/2", "SAP R/2", "CI/CD", "SQL/PSM": not two forms of one name
    left_words, right_words = left.split(), right.split()
    if len(left_words) < len(right_words):
        # The complement after the feminine form belongs to both.
        return [" ".join(left_words + right_words[len(left_words):]), right]
    return [left, right]


def label_forms(text: str, weight: float = 1.0) -> list[tuple[str, float]]:
    """The forms a label is known by, with their weight: the label itself, each form of a
    "masculine / feminine" pair, and the label without a trailing bracketed qualifier."""
    forms = [(form, weight) for form in gender_forms(text)]
    stripped = _QUALIFIER.sub("", text)
    if stripped and stripped != text:
        forms += [(form, weight * QUALIFIER_WEIGHT) for form in gender_forms(stripped)]
    return forms


def label_keys(text: str, weight: float = 1.0) -> list[tuple[str, float]]:
    """The word-set keys (``labels.label_key``) of ``label_forms``, each with its best weight."""
    keys: dict[str, float] = {}
    for form, w in label_forms(text, weight):
        key = label_key(form, "word-set")
        if key and w > keys.get(key, 0.0):
            keys[key] = w
    return list(keys.items())


@lru_cache(maxsize=200_000)
def _lemma(word: str, language: str) -> str:
    return fold(simplemma.lemmatize(word, lang=language))


def lemmas(text: str, language: str) -> list[str]:
    """The lemmas of ``text``'s words in ``language`` ("en" or "fr"), folded, stop words left out."""
    words = WORD.findall(text.replace("’", "'").lower())
    found = []
    for word in words:
        if "'" in word:  # WORD never holds an apostrophe; kept for safety
            continue
        folded = fold(word)
        if folded in STOPWORDS or folded in _MORE_STOPWORDS:
            continue
        found.append(_lemma(word, language) if language in LANGUAGES else folded)
    return found


#: Function words that simplemma keeps and that never make two skills differ ("et", "and", "pour").
_MORE_STOPWORDS = frozenset("et ou en au aux pour par sur avec dans and or to for with in on by".split())


def lemma_key(text: str, language: str) -> str:
    """``text`` as the lemma matcher compares it: its lemmas in order, space-separated."""
    return " ".join(lemmas(text, language))


def union_query(store: Readable, text: str, **substitutions) -> ox.QuerySolutions:
    """``text`` (with the project's prefixes) on the union of the store's graphs; each keyword names a
    variable, which must be projected, and the term substituted for it."""
    return store.query(sparql_prologue() + text, use_default_graph_as_union=True,
                       substitutions={ox.Variable(k): v for k, v in substitutions.items()})


@dataclass(frozen=True)
class TargetKind:
    """A kind of taxonomy concept: how to select it and whether an exactMatch to it is allowed from
    each of our natures (absent: never compared)."""

    name: str
    taxonomy: str
    where: str  # a SPARQL group pattern binding ?c; ?scheme is substituted where used
    scheme: str | None
    natures: dict[str, bool]


TARGET_KINDS = (
    TargetKind("esco-occupation", "esco", "?c a esco:Occupation", None, {"role": True}),
    TargetKind("esco-skill", "esco", "?c a esco:Skill", None,
               {"competency": True, "tool": True, "qualification": False}),
    TargetKind("rome-appellation", "rome", "?c skos:inScheme ?scheme", "appellation", {"role": True}),
    TargetKind("rome-fiche", "rome", "?c skos:inScheme ?scheme", "fiche", {"role": True}),
    TargetKind("rome-competence", "rome", "?c skos:inScheme ?scheme", "competence", {"competency": True}),
    TargetKind("rome-savoir", "rome", "?c skos:inScheme ?scheme", "savoir",
               {"competency": True, "tool": True, "qualification": False}),
)
KIND_BY_NAME = {k.name: k for k in TARGET_KINDS}
#: The kinds a skill phrase of a document is matched against.
SKILL_KINDS = ("esco-skill", "rome-competence", "rome-savoir")


@dataclass(frozen=True)
class Label:
    """One label of a taxonomy concept as the store holds it."""

    concept: str
    kind: str
    text: str
    language: str
    weight: float  # LABEL_WEIGHTS of its property, less for a third party's label
    preferred: bool  # a skos:prefLabel (a third party's too)


def read_labels(store: Readable, base: str, kinds=tuple(KIND_BY_NAME)) -> Iterator[Label]:
    """Every label of the concepts of ``kinds`` present in ``store``, in one pass over the label triples."""
    kinds_of: dict[str, set[str]] = defaultdict(set)  # a concept typed in several graphs is one concept
    for kind in (KIND_BY_NAME[name] for name in kinds):
        options = {"scheme": node(rome_iri(base, "scheme", kind.scheme))} if kind.scheme else {}
        for row in union_query(store, "SELECT ?c ?scheme WHERE { %s }" % kind.where, **options):
            kinds_of[row["c"].value].add(kind.name)
    if not kinds_of:
        return  # none of these kinds imported: no label scan
    for predicate, weight in LABEL_WEIGHTS.items():
        # A pattern scan, not SPARQL: several times faster over the hundreds of thousands of labels.
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            kinds = kinds_of.get(quad.subject.value)
            if not kinds or not isinstance(quad.object, ox.Literal):
                continue
            third_party = isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.endswith(_THIRD_PARTY)
            for kind in kinds:
                yield Label(quad.subject.value, kind, quad.object.value, quad.object.language or "",
                            weight * (THIRD_PARTY_WEIGHT if third_party else 1.0), predicate == PREF)


@dataclass(frozen=True)
class TaxonomyMatch:
    """A phrase read as a taxonomy concept: ``label`` is its preferred English label (ESCO) or its
    preferred label (ROME, French only); ``how`` is "exact", "lemma" or "partial"."""

    concept: str
    label: str
    confidence: float
    how: str


class LabelIndex:
    """The skill labels of the imported taxonomies, keyed for ``match``."""

    def __init__(self) -> None:
        # (language, key) → concept → best weight; one dict per way of matching
        self.keys: dict[str, dict[tuple[str, str], dict[str, float]]] = {how: defaultdict(dict) for how in HOW}
        self.names: dict[str, str] = {}  # concept → preferred English label, else any preferred label
        self.kinds: dict[str, str] = {}
        # concept → (text, language, weight, preferred) of each label
        self.labels: dict[str, list[tuple[str, str, float, bool]]] = defaultdict(list)
        self.longest = 0

    def add(self, label: Label) -> None:
        """Index one label under its exact and lemma keys, in its own language."""
        self.kinds.setdefault(label.concept, label.kind)
        self.labels[label.concept].append((label.text, label.language, label.weight, label.preferred))
        if label.preferred and (label.language == "en" or label.concept not in self.names):
            self.names[label.concept] = label.text
        elif label.concept not in self.names and label.weight >= LABEL_WEIGHTS[ALT]:
            self.names.setdefault(label.concept, label.text)
        languages = (label.language,) if label.language in LANGUAGES else LANGUAGES
        for form, weight in label_forms(label.text, label.weight):
            for language in languages:
                for how, key in (("exact", label_key(form, "words")), ("lemma", lemma_key(form, language))):
                    if key:
                        known = self.keys[how][(language, key)]
                        if weight > known.get(label.concept, 0.0):
                            known[label.concept] = weight
                        self.longest = max(self.longest, key.count(" ") + 1)

    def concepts(self) -> Iterator[str]:
        """Every concept indexed, in the order first seen."""
        return iter(self.kinds)

    def match(self, text: str, language: str) -> TaxonomyMatch | None:
        """The concept ``text`` names in ``language``, with the confidence of the best way it matches, or
        None; a phrase that names several concepts equally well gets the first of them by IRI."""
        if language not in LANGUAGES:
            return None
        found = self._lookup("exact", label_key(text, "words"), language)
        if found is None:
            words = lemmas(text, language)
            found = self._lookup("lemma", " ".join(words), language) or self._partial(words, language)
        return found

    def _lookup(self, how: str, key: str, language: str) -> TaxonomyMatch | None:
        concepts = self.keys[how].get((language, key)) if key else None
        if not concepts:
            return None
        top = max(concepts.values())
        best = sorted(c for c, w in concepts.items() if w == top)
        confidence = top * HOW[how] * (AMBIGUITY_PENALTY if len(best) > 1 else 1.0)
        return TaxonomyMatch(best[0], self.names.get(best[0], ""), round(confidence, 4), how)

    def _partial(self, words: list[str], language: str) -> TaxonomyMatch | None:
        """The longest label of ``PARTIAL_WORDS`` words at least that the phrase holds in order."""
        for size in range(min(len(words) - 1, self.longest), PARTIAL_WORDS - 1, -1):
            for start in range(len(words) - size + 1):
                found = self._lookup("lemma", " ".join(words[start:start + size]), language)
                if found is not None:
                    return TaxonomyMatch(found.concept, found.label,
                                         round(found.confidence / HOW["lemma"] * HOW["partial"], 4), "partial")
        return None


def build_index(store: Readable, base: str, kinds=SKILL_KINDS) -> LabelIndex:
    """The label index of the concepts of ``kinds`` imported in ``store``."""
    index = LabelIndex()
    for label in read_labels(store, base, kinds):
        index.add(label)
    return index


_CACHE: dict[str, LabelIndex] = {}
#: Part of the cache key: bump it when the keys or the index's shape change.
INDEX_VERSION = "2"


def taxonomy_checksums(store: Readable) -> tuple[str, ...]:
    """The checksum of every taxonomy graph of ``store`` (its ``dcterms:identifier``), in graph order."""
    found = []
    for graph in sorted(store.named_graphs(), key=lambda g: g.value):
        for quad in store.quads_for_pattern(graph, OX.DCTERMS.identifier, None, graph):
            found.append(f"{graph.value} {quad.object.value}")
    return tuple(found)


def index_for(store_path: Store | str | os.PathLike, base: str, kinds=SKILL_KINDS) -> LabelIndex:
    """``build_index`` of the published store, built once for each set of imports (the taxonomy graphs'
    checksums): kept for the process, and on disk in the store's ``cache/`` folder where it is writable
    (building reads a few hundred thousand labels; loading the cached index takes a fraction of it)."""
    store = open_store(store_path)
    snapshot = store.open()
    digest = hashlib.sha256("\0".join((INDEX_VERSION, base, *kinds, *taxonomy_checksums(snapshot))).encode())
    key = digest.hexdigest()[:32]
    if key in _CACHE:
        return _CACHE[key]
    root = getattr(store, "root", None)
    path = Path(root) / "cache" / f"labels-{key}.pickle" if root is not None else None
    index = load_cached(path, LabelIndex)
    if index is None:
        index = build_index(snapshot, base, kinds)
        save_cached(path, index)
    _CACHE.clear()  # one store at a time: the index is large
    _CACHE[key] = index
    return index


def load_cached(path: Path | None, kind: type):
    """The object of type ``kind`` that ``save_cached`` wrote at ``path``, or None."""
    collecting = gc.isenabled()
    gc.disable()  # the collector would walk the hundreds of thousands of objects loaded so far, again and again
    try:
        with open(path, "rb") as handle:  # our own file, written by save_cached below
            found = pickle.load(handle)
    except (TypeError, OSError, pickle.PickleError, EOFError, AttributeError, ValueError, ImportError):
        return None
    finally:
        if collecting:
            gc.enable()
    return found if isinstance(found, kind) else None


def save_cached(path: Path | None, index: object) -> None:
    """Write ``index`` at ``path`` (named ``<name>-<key>.pickle``), replacing the other keys of that name. Its
    strings should be interned (``sys.intern``): pickle writes an object it has seen once, so an IRI that every
    table repeats is stored, and loaded, once."""
    if path is None:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        for old in path.parent.glob(path.name.split("-", 1)[0] + "-*.pickle"):
            old.unlink(missing_ok=True)  # an index of earlier imports is never read again
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # readers never see half a file
    except OSError:
        pass  # a read-only store: the index is rebuilt by each process
