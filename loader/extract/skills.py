"""Competencies read from candidate phrases: lexicon variants matched on lemmas (so verb and noun forms
meet: "configurer", "configuring", "configuration"), and an action applied to an object composed into
the specific skill ("installer les équipements réseau" → "Network installation"), which beats the
generic fragment ("Configuration") found in the same words.

``refine`` takes the mentions the lexicon matcher resolved and returns them with these added.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Sequence

from rolegraph.core.errors import InputError

from ..labels import fold, label_key, stem, word_key, word_keys
from ..lexicon import Entry, Lexicon, read_grammar
from .cues import in_skill_context
from .matcher import Mention
from .phrases import Phrase, Word, candidates, sentence_start, words_of
from .spans import Spans
from .words import is_common_word

#: Longest lexicon variant, in content words, looked up in a phrase.
MAX_WORDS = 8
#: Content words allowed between an action and the object it applies to.
MAX_BETWEEN = 2
#: Whether a composition that names no lexicon concept is reported as a skill of our own. Off: on the
#: development documents such skills were wrong more often than right (see tests/test_skills.py).
OWN_SKILLS = False
#: Languages in which a one-word competency that is a common word needs a skill context (see
#: loader/extract/cues.py). None by default: on the development documents the rule dropped more
#: right skills than wrong ones, since annotators count skills named in missions and profiles.
CONTEXT_LANGUAGES: frozenset[str] = frozenset()
#: Endings of English action nouns ("installation", "testing"): such a noun reaches the object after it
#: only through "of" ("maintenance of the server"), never directly ("training requirements").
#: A possessive or "without" just before a word: what follows is something owned or lacking.
_OWNER = re.compile(r"\b(?:their|his|her|its|our|your|my|without|leurs?|son|sa|ses|notre|votre|nos|vos|sans)\s+\Z",
                    re.IGNORECASE)
#: A second-person possessive: what follows is the reader's, the candidate's.
_YOURS = re.compile(r"\b(?:your|votre|vos)\s+\Z", re.IGNORECASE)
#: The employer speaking of itself just before a word: "we are hiring", "nous recrutons".
_EMPLOYER = re.compile(r"\b(?:we|we're|we are|we are now|nous)\s+\Z", re.IGNORECASE)
#: An English determiner that counts what follows: "an organization", "each organization".
_COUNTING = re.compile(r"\b(?:an?|each|every|another|many|several|more|most|other)\s+\Z", re.IGNORECASE)
#: A definite determiner before a one-word soft skill, which then names a thing ("help the organization
#: operate") unless what follows makes it an activity ("the organization of events") or a quality.
_DEFINITE = re.compile(r"\b(?:the|this|that|its|their|our|your|whole|entire)\s+\Z", re.IGNORECASE)
_QUALITY_AFTER = re.compile(r"\s*(?:of|and|or|skills?|abilit|,)", re.IGNORECASE)
#: What the job gives its holder, before a quality: "enjoys flexibility", "offre une grande autonomie".
_PERK_BEFORE = re.compile(r"\b(?:enjoys?|enjoying|offers?|offering|gives?|benefits?\s+from|bénéficie(?:nt|z)?\s+d['’e]|"
                          r"offre(?:nt)?|procure(?:nt)?|apporte(?:nt)?)\s+(?:(?:a|an|the|some|great|real|more|much|"
                          r"une?|la|l['’]|de\s+la|grande|réelle|vraie|plus\s+de|beaucoup\s+de)\s*)*\Z", re.IGNORECASE)
#: Machines that exchange with each other, as the agent before a soft skill or what it goes between after it.
#: Not plain "services": in French they are also an employer's departments.
_SYSTEMS = (r"(?:syst[eè]mes?|applications?|applis?|micro-?services?|web\s+services?|serveurs?|servers?|[ée]quipements?|machines?|"
            r"composants?|components?|modules?|appareils?|devices?|logiciels?|API|APIs|bases?\s+de\s+donn[ée]es|databases?|"
            r"r[ée]seaux|networks?|programmes?|programs?|processus|processes|capteurs|sensors|objets\s+connect[ée]s|"
            r"parties\s+de\s+l['’]application|parts\s+of\s+the\s+(?:application|system))")
_SYSTEM_AGENT = re.compile(rf"\b{_SYSTEMS}(?:\s+(?:informatiques?|techniques?|distants?|remote|internes?|internal|"
                           rf"différents|various|connected|connectés))?\s+(?:de\s+|d['’]|to\s+|qui\s+|that\s+|which\s+|can\s+|"
                           rf"peuvent\s+|must\s+|doivent\s+)?\Z", re.IGNORECASE)
_BETWEEN_SYSTEMS = re.compile(rf"\s+(?:entre|between|among)\s+(?:(?:les|des|ses|leurs|the|its|their|our|nos|"
                              rf"différent(?:e)?s|various|several|plusieurs|two|deux)\s+)*{_SYSTEMS}\b", re.IGNORECASE)
#: A verb of helping others, its object, then "à"/"to": "aide les entreprises à", "helps managers to".
_HELPS_BEFORE = re.compile(r"\b(?:aide(?:nt|r)?|aidera|accompagne(?:nt|r)?|permet(?:tent|tre)?|helps?|helping|"
                           r"enables?|enabling|assists?|allows?)\s+(?:[\w'’-]+\s+){1,4}?(?:à|to)\s+\Z", re.I)
#: A sector named around a word: "le secteur des télécommunications", "the telecom industry".
_SECTOR_BEFORE = re.compile(r"\b(?:secteurs?|sectors?|industries?)\s+(?:de\s+la\s+|de\s+l['’]|des\s+|du\s+|de\s+|d['’]|of\s+)?\Z",
                            re.IGNORECASE)
_SECTOR_AFTER = re.compile(r"\s*(?:sectors?|industry|industries)\b", re.IGNORECASE)
#: What a document is followed by, rather than written: "selon les spécifications", "conforme au cahier
#: des charges", "according to the specifications", "meet the specifications".
_FOLLOWED_BEFORE = re.compile(
    r"\b(?:selon|suivant|d['’]apr[eè]s|conform[ée]ment\s+(?:à|a|au|aux)|conformes?\s+(?:à|a|au|aux)"
    r"|en\s+tenant(?:\s+compte)?\s+(?:de|des|du)|dans\s+le\s+respect\s+(?:de|des|du)"
    r"|respect(?:er|ant|e|ent)?|r[ée]pond(?:re|ant|ent)?\s+(?:à|a|au|aux)"
    r"|according\s+to|in\s+(?:line|accordance|compliance)\s+with|as\s+per|conform(?:s|ing)?\s+to"
    r"|compliant\s+with|compl(?:y|ies|ying)\s+with|adher(?:e|es|ing)\s+to|meet(?:s|ing)?|following)"
    r"(?:\s+(?:les?|la|l['’]|des|du|ses|leurs?|the|its|their|agreed|given))?\s*\Z", re.IGNORECASE)
#: What a document is given by: "les spécifications définies lors de la conception", "the specifications
#: provided by the client" (at most two words, such as "graphiques", in between).
_FOLLOWED_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s+(?:d[ée]fini|[ée]tabli|fourni|donn[ée]|transmis|valid[ée]|impos[ée])(?:e|s|es)?"
    r"\s+(?:par|avec|lors|pendant)\b"
    r"|(?:\s+[\w-]+){0,2}?\s+(?:defined|provided|set|given|supplied|agreed|approved|issued)\s+(?:by|with|during|in)\b",
    re.IGNORECASE)
#: What makes an English "-ing" word after it a verb: a preposition or an auxiliary.
_VERB_BEFORE = re.compile(r"\b(?:by|for|in|on|at|about|after|before|without|while|when|of|is|are|was|were|be|been)\s+\Z",
                          re.IGNORECASE)
_NOUN_ENDINGS = ("ing", "ion", "ment", "ance", "ence", "sis")  # not "-ure": "configure", "secure" are verbs
_LINE_BREAK = re.compile("\n")
#: Endings of past participles ("recruté", "recrutées", "estimated").
_PARTICIPLE = ("ed", "é", "ée", "és", "ées")
_COORDINATOR = r",|\b(?:and|or|et|ou)\b"
_COORDINATION = re.compile(_COORDINATOR)
#: a coordination and the word after it
_SKIPPED_AFTER_COORDINATION = re.compile(rf"(?:{_COORDINATOR})\s*[^\W\d_]{{2,}}")
_SENTENCE_BREAK = re.compile(r"[.;!?\n]")
_DEGREE = frozenset({"more", "most", "less", "highly", "very", "fully", "truly"})
_SENTENCE_END = re.compile(r"[.!;]")


@dataclass(frozen=True)
class Concept:
    """An action or an object of the composition grammar (data/lexicon/composition.toml)."""

    kind: str  # "action" or "object"
    id: str
    name: str  # the object's name, the action's noun
    forms: tuple[tuple[str, str], ...]  # (text, language)


@dataclass(frozen=True)
class Hit:
    """A grammar concept found in a phrase, over words ``first``..``last`` of it."""

    concept: Concept
    first: int
    last: int


class Grammar:
    """Actions and objects indexed by the lemma sequence of each of their forms, per language."""

    def __init__(self, concepts: Iterable[Concept], systems: Iterable[str] = (), generic: Iterable[str] = ()) -> None:
        #: ids of the objects that are systems of IT (``system = true`` in composition.toml)
        self.systems = frozenset(systems)
        #: ids of the objects that stand for the subject's own domain, where it has one (``generic = true``:
        #: the "équipements" of a network engineer are network equipment)
        self.generic = frozenset(generic)
        self.index: dict[tuple[str, str, tuple[str, ...]], list[Concept]] = {}
        self.longest = 1
        # per (kind, language): lemma sequence → concepts, and the longest form starting with each lemma,
        # so that a phrase word that starts no form costs one set look-up, not one tuple per size
        self._forms: dict[tuple[str, str], dict[tuple[str, ...], tuple[Concept, ...]]] = {}
        self._reach: dict[tuple[str, str], dict[str, int]] = {}
        for concept in concepts:
            for text, language in concept.forms:
                lemmas = tuple(w.lemma for w in words_of(text, language) if w.lemma)
                if lemmas:
                    bucket = self.index.setdefault((concept.kind, language, lemmas), [])
                    if concept not in bucket:
                        bucket.append(concept)
                    self.longest = max(self.longest, len(lemmas))
        for (kind, language, lemmas), bucket in self.index.items():
            self._forms.setdefault((kind, language), {})[lemmas] = tuple(bucket)
            reach = self._reach.setdefault((kind, language), {})
            reach[lemmas[0]] = max(reach.get(lemmas[0], 0), len(lemmas))
        self._cache: dict[tuple[tuple[str, ...], str, str], tuple[Hit, ...]] = {}

    def hits(self, lemmas: Sequence[str], kind: str, language: str) -> list[Hit]:
        """The ``kind`` concepts in ``lemmas``, longest first where they overlap."""
        key = (tuple(lemmas), kind, language)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = tuple(self._hits(key[0], kind, language))
            if len(self._cache) > 100_000:  # phrases repeat within and across documents; bound the memory
                self._cache.clear()
        return list(cached)

    def _hits(self, lemmas: tuple[str, ...], kind: str, language: str) -> list[Hit]:
        forms = self._forms.get((kind, language), {})
        reach = self._reach.get((kind, language), {})
        found: list[Hit] = []
        i = 0
        while i < len(lemmas):
            longest = reach.get(lemmas[i], 0)
            for size in range(min(longest, len(lemmas) - i), 0, -1):
                concepts = forms.get(lemmas[i:i + size])
                if concepts:
                    found += [Hit(c, i, i + size - 1) for c in concepts]
                    i += size
                    break
            else:
                i += 1
        return found


@lru_cache(maxsize=2)
def load_grammar(path: str | None = None) -> Grammar:
    """The composition grammar of ``path`` (data/lexicon/composition.toml by default), read once."""
    file, tables = read_grammar("composition.toml", "composition grammar", path)
    concepts = []
    for kind, name_key in (("action", "noun"), ("object", "name")):
        for row in tables.get(kind, ()):
            if "id" not in row or name_key not in row:
                raise InputError(f"[[{kind}]] lacks id or {name_key}", file=file)
            forms = tuple((f, lang) for lang in ("en", "fr") for f in row.get(lang, ()))
            concepts.append(Concept(kind, row["id"], row[name_key], forms))
    objects = tables.get("object", ())
    return Grammar(concepts, (row["id"] for row in objects if row.get("system")),
                   (row["id"] for row in objects if row.get("generic")))


class SkillIndex:
    """The lexicon's competencies keyed by the action-normalised lemmas of each variant, and by the
    (action, object) pair a variant names."""

    def __init__(self, lexicon: Lexicon, grammar: Grammar) -> None:
        self.grammar = grammar
        self.variants: dict[tuple[str, ...], list[tuple[Entry, str]]] = {}
        #: a variant's own lemmas → its entries: where several entries share a normalised key, the one
        #: written with these very words wins ("tests utilisateurs" is usability testing, though
        #: "recette utilisateur", acceptance testing, reads the same once "recette" is the action test)
        self.written: dict[tuple[str, ...], set[Entry]] = {}
        self.pairs: dict[tuple[str, str], Entry] = {}
        self.names: dict[str, Entry] = {}
        # pair → entry → (whether the entry's own name states the pair, how many of its variants do)
        claims: dict[tuple[str, str], dict[Entry, tuple[bool, int]]] = {}
        key_pairs: dict[tuple[str, ...], tuple[str, str]] = {}
        for entry in lexicon.of_kind("competency"):
            self.names.setdefault(label_key(entry.name, "scoring"), entry)
            if entry.get("compound"):
                continue  # a noun compound ("design systems"), written as such, not an action on an object
            as_written = set(entry.get("as_written") or ())  # "build process": no "development process"
            for text, language in entry.variants:
                if text in as_written:
                    continue
                lang = "en" if language == "any" else language
                lemmas = tuple(w.lemma for w in words_of(text, lang) if w.lemma)
                if not lemmas or len(lemmas) > MAX_WORDS:
                    continue
                key = self.normalised(lemmas, lang)
                bucket = self.variants.setdefault(key, [])
                if (entry, language) not in bucket:
                    bucket.append((entry, language))
                self.written.setdefault(lemmas, set()).add(entry)
                pair = self._pair(lemmas, lang)
                if pair:
                    key_pairs[key] = pair
                    named, count = claims.setdefault(pair, {}).get(entry, (False, 0))
                    claims[pair][entry] = (named or language == "any", count + 1)
        # a pair several entries claim is the concept its name states ("Hardware installation" for
        # install + hardware), else the one most of whose variants state it; ties keep lexicon order
        for pair, by_entry in claims.items():
            self.pairs[pair] = max(by_entry, key=lambda e: by_entry[e])
        #: entry id → the (action, object) pair it names, where the object is generic
        self.on_generic = {entry.id: pair for pair, entry in self.pairs.items() if pair[1] in grammar.generic}
        # and the same words read as a variant name that concept alone, unless written as another's variant
        self.key_pairs = key_pairs
        #: lemma → the one-word variants written in their base form ("conseiller", "advise"), whose
        #: inflected forms ("conseille", "advising") the lexicon matcher, comparing written words, misses
        self.base_forms: dict[tuple[str, str], list[tuple[Entry, str]]] = {}
        for entry in lexicon.of_kind("competency"):
            for text, language in entry.variants:
                if language == "any" or not re.fullmatch(r"[^\W\d_]+", text):
                    continue
                (word,) = words_of(text, language)
                if word.lemma and word.lemma == word_key(fold(text.lower())):
                    bucket = self.base_forms.setdefault((language, word.lemma), [])
                    if (entry, word.key) not in bucket:
                        bucket.append((entry, word.key))
        #: first token of a variant → its longest variant's length: most phrase words start none
        self.reach: dict[str, int] = {}
        self._variant_cache: dict[tuple[tuple[str, ...], str], tuple[tuple[Entry, int, int], ...]] = {}
        for key in self.variants:
            self.reach[key[0]] = max(self.reach.get(key[0], 0), len(key))
        #: first lemmas of the English actions, each a verb that may apply to a list of objects
        self.verbs = frozenset(lemmas[0] for kind, language, lemmas in grammar.index
                               if kind == "action" and language in ("en", "any"))
        #: the lemmas without one of which a phrase holds no variant of two words or more and no action
        #: (so no composition): the first lemma of each action form, and each variant's first lemma
        #: that is not an action; phrases are cut only from clauses that hold one
        self.openers = frozenset({lemmas[0] for kind, _, lemmas in grammar.index if kind == "action"}
                                 | {key[0] for key in self.variants if not key[0].startswith("@")})

    def variant_hits(self, lemmas: tuple[str, ...], language: str) -> tuple[tuple[Entry, int, int], ...]:
        """The variants read in ``lemmas`` (action-normalised), each with the first and last lemma it
        covers; cached, since the same phrases recur within and across documents."""
        key = (lemmas, language)
        cached = self._variant_cache.get(key)
        if cached is None:
            if len(self._variant_cache) > 100_000:  # bound the memory on very long runs
                self._variant_cache.clear()
            cached = self._variant_cache[key] = tuple(self._variant_hits(lemmas, language))
        return cached

    def _variant_hits(self, lemmas: tuple[str, ...], language: str) -> Iterator[tuple[Entry, int, int]]:
        # the normalised sequence keeps, per token, the range of lemmas it stands for
        spans: list[tuple[int, int]] = []
        tokens: list[str] = []
        hits = {h.first: h for h in self.grammar.hits(lemmas, "action", language)}
        i = 0
        while i < len(lemmas):
            hit = hits.get(i)
            if hit:
                tokens.append("@" + hit.concept.id)
                spans.append((i, hit.last))
                i = hit.last + 1
            else:
                tokens.append(lemmas[i])
                spans.append((i, i))
                i += 1
        normalised = tuple(tokens)
        for a in range(len(normalised)):
            # one word is the lexicon matcher's job; lemmas only join words ("designing architectures")
            for b in range(a + 2, min(a + self.reach.get(normalised[a], 0), len(normalised)) + 1):
                key = normalised[a:b]
                bucket = self.variants.get(key, ())
                if len(bucket) > 1:
                    bucket = self._one_reading(key, lemmas[spans[a][0]:spans[b - 1][1] + 1], bucket)
                for entry, variant_language in bucket:
                    if variant_language == "fr" and language != "fr":
                        continue  # French word order read on English lemmas ("tests d'intégration": test, integrate)
                    yield entry, spans[a][0], spans[b - 1][1]

    def _one_reading(self, key: tuple[str, ...], lemmas: tuple[str, ...],
                     bucket: list[tuple[Entry, str]]) -> list[tuple[Entry, str]]:
        """Of the entries that share a normalised key, those written with ``lemmas`` themselves, else the
        one that names the key's (action, object) pair, else all."""
        written = self.written.get(lemmas, ())
        chosen = [(e, lang) for e, lang in bucket if e in written]
        if not chosen and key in self.key_pairs:
            chosen = [(e, lang) for e, lang in bucket if e == self.pairs[self.key_pairs[key]]]
        return chosen or bucket

    def normalised(self, lemmas: Sequence[str], language: str) -> tuple[str, ...]:
        """``lemmas`` with each action form replaced by its action, so verb and noun read the same."""
        out = list(lemmas)
        for hit in reversed(self.grammar.hits(lemmas, "action", language)):
            out[hit.first:hit.last + 1] = ["@" + hit.concept.id]
        return tuple(out)

    def _pair(self, lemmas: Sequence[str], language: str) -> tuple[str, str] | None:
        actions = self.grammar.hits(lemmas, "action", language)
        objects = self.grammar.hits(lemmas, "object", language)
        if len(actions) == 1 and len(objects) == 1:
            covered = {*range(actions[0].first, actions[0].last + 1), *range(objects[0].first, objects[0].last + 1)}
            if len(covered) == len(lemmas):
                return actions[0].concept.id, objects[0].concept.id
        return None


@lru_cache(maxsize=4)
def index_for(lexicon: Lexicon) -> SkillIndex:
    """The skill index of a lexicon, built once per process."""
    return SkillIndex(lexicon, load_grammar())


@dataclass(frozen=True)
class Found:
    """A competency read from a phrase, with the words that state it."""

    entry: Entry
    words: tuple[Word, ...]
    composed: tuple[Word, ...] = ()  # the action's and the object's words, for a composition
    object: tuple[Word, ...] = ()  # the object's words alone

    def mention(self, text: str) -> Mention:
        start, end = min(w.start for w in self.words), max(w.end for w in self.words)
        return Mention(self.entry, start, end, text[start:end])


def inflected_matches(text: str, words: Sequence[Word], index: SkillIndex, language: str) -> list[Found]:
    """One-word variants in their base form met by an inflected form of the same lemma ("il conseille
    les équipes" states the variant "conseiller"; "advising" the variant "advise"). A past participle
    states what was done to something ("le candidat recruté", "estimated salary"), not a skill; nor does
    a verb in a question."""
    base_forms = index.base_forms
    return [Found(entry, (word,)) for word in words if word.lemma
            for entry, key in base_forms.get((language, word.lemma), ())
            if key != word.key and not text[word.start:word.end].lower().endswith(_PARTICIPLE)
            and not _in_question(text, word)]


def _in_question(text: str, word: Word) -> bool:
    """Whether ``word`` stands in a question ("Qui recrute des techniciens ?"): a page's heading that
    asks about the job, not a skill it states."""
    end = text.find("\n", word.end)
    rest = text[word.end:end if end >= 0 else len(text)]
    return rest.rstrip().endswith("?") and not _SENTENCE_END.search(rest)


def lemma_matches(phrase: Phrase, index: SkillIndex, language: str) -> list[Found]:
    """Lexicon variants found in ``phrase`` on action-normalised lemmas."""
    words = phrase.words
    return [Found(entry, words[first:last + 1]) for entry, first, last in index.variant_hits(phrase.lemmas, language)]


def compositions(text: str, phrase: Phrase, index: SkillIndex, language: str,
                 domains: tuple[str, ...] = ()) -> list[Found]:
    """Actions applied to objects in ``phrase`` (a span of ``text``), named "<Object> <action>". A
    generic object ("équipements") is read as the subject's domain object where ``domains`` (the ids of
    the objects the subject's name holds) has a concept for the pair ("Network configuration")."""
    grammar = index.grammar
    lemmas = phrase.lemmas
    actions = grammar.hits(lemmas, "action", language)
    if language == "en":
        actions = [a for a in actions if not _adjectival(text, phrase, a, actions)]
    objects = grammar.hits(lemmas, "object", language)
    found = []
    for action in actions:
        target = _target(text, phrase, action, actions, objects, language)
        if target is None:
            continue
        heads = _compound_heads(text, phrase, objects, target) if language == "en" else []
        entry = None
        for obj in [*heads, target]:  # the compound's head names the skill where the lexicon has it
            entry = index.pairs.get((action.concept.id, obj.concept.id)) or \
                index.names.get(label_key(f"{obj.concept.name} {action.concept.name}", "scoring"))
            if entry is not None:
                target = obj
                break
        if entry is None:
            destination = _destination(text, phrase, target, objects, index, action)
            if destination is not None:
                target, entry = destination
        if target.concept.id in grammar.generic:
            entry = _domain_entry(index, action.concept.id, domains) or entry
        action_words = phrase.words[action.first:action.last + 1]
        if entry is None and target.concept.id in grammar.systems:
            # no concept for the pair: the action's own, stated by the action's words ("Monitoring")
            generic = index.names.get(label_key(action.concept.name, "scoring"))
            if generic is not None:
                found.append(Found(generic, action_words))
                continue
        if entry is None:
            if not OWN_SKILLS:
                continue
            entry = _own_skill(f"{target.concept.name} {action.concept.name}")
        words = phrase.words[min(action.first, target.first):max(action.last, target.last) + 1]
        object_words = phrase.words[target.first:target.last + 1]
        found.append(Found(entry, words, action_words + object_words, object_words))
    return found


#: A preposition that names where an action takes its object: "migrer les applications vers le cloud".
_TOWARDS = re.compile(r"\s(?:vers|to|into|towards|onto)\s", re.I)


def _destination(text: str, phrase: Phrase, target: Hit, objects: list[Hit], index: SkillIndex,
                 action: Hit) -> tuple[Hit, Entry] | None:
    """Where the action's object names no skill with it, the object it is taken to, when that pair names
    one: "migrate applications to the cloud" is Cloud migration."""
    for obj in objects:
        if obj.first <= target.last or obj.first - target.last > MAX_BETWEEN + 1:
            continue
        if not _TOWARDS.search(text, phrase.words[target.last].end, phrase.words[obj.first].start):
            continue
        entry = index.pairs.get((action.concept.id, obj.concept.id))
        if entry is not None:
            return obj, entry
    return None


def _adjectival(text: str, phrase: Phrase, action: Hit, actions: list[Hit]) -> bool:
    """Whether an English action word qualifies the noun after it rather than acting on it: a bare form
    right after another action's verb ("maintain secure databases", "write clean code") or a degree word
    ("highly secure networks")."""
    if action.first == 0 or action.first != action.last:
        return False
    word, before = phrase.words[action.first], phrase.words[action.first - 1]
    if text[before.end:word.start].strip() or _is_noun(text, word):
        return False
    return before.key in _DEGREE or any(a.last == action.first - 1 and not _is_noun(text, phrase.words[a.last])
                                         for a in actions)


#: object pronouns: French clitics before the verb, English pronouns after it
_CLITIC_OBJECTS = frozenset({"les", "le", "la", "l"})
_PRONOUN_OBJECTS = frozenset({"them", "it"})
#: how many words back a pronoun's antecedent may lie, within its sentence
_ANTECEDENT_REACH = 15


def pronoun_objects(text: str, words: Sequence[Word], index: SkillIndex, language: str) -> list[Found]:
    """Actions whose object is a pronoun, composed with the object the pronoun stands for: the nearest
    object before it in the sentence ("installer les routeurs et les configurer" configures the
    network; "collect the logs and analyse them")."""
    grammar, found = index.grammar, []
    for i, word in enumerate(words):
        if word.end - word.start > 4:
            continue  # no pronoun of ours is longer
        written = text[word.start:word.end].lower()
        if language == "fr" and written in _CLITIC_OBJECTS and i + 1 < len(words):
            verb, pronoun = i + 1, word
        elif language == "en" and written in _PRONOUN_OBJECTS and i > 0:
            verb, pronoun = i - 1, word
        else:
            continue
        if text[min(pronoun.end, words[verb].end):max(pronoun.start, words[verb].start)].strip(" '’"):
            continue  # the pronoun and its verb must be next to each other
        actions = grammar.hits((words[verb].lemma,), "action", language)
        if not actions:
            continue
        first = min(verb, i)
        start = sentence_start(text, words, first, _ANTECEDENT_REACH, _SENTENCE_BREAK)
        before = _outside_brackets(text, words[start:first])
        objects = grammar.hits(tuple(w.lemma for w in before), "object", language)
        if not objects:
            continue
        target = objects[-1]
        entry = index.pairs.get((actions[0].concept.id, target.concept.id))
        if entry is not None:
            span = (pronoun, words[verb]) if pronoun.start < words[verb].start else (words[verb], pronoun)
            found.append(Found(entry, span))
    return found


def _outside_brackets(text: str, words: Sequence[Word]) -> list[Word]:
    """``words`` without those inside brackets: an aside ("les matériels réseau (routeurs, pare-feu)")
    lists examples, and the pronoun after it stands for the noun before it."""
    kept, depth = [], 0
    for n, word in enumerate(words):
        gap = text[words[n - 1].end if n else word.start:word.start]
        depth = max(0, depth + gap.count("(") - gap.count(")"))
        if not depth:
            kept.append(word)
    return kept


def _target(text: str, phrase: Phrase, action: Hit, actions: list[Hit], objects: list[Hit],
            language: str) -> Hit | None:
    """The object ``action`` applies to: the first object after it, within reach and before any other
    action; in English, an action noun's compound object just before it ("network configuration")
    comes first, and is what a verb with no object after it applies to."""
    before = None
    if language == "en":
        before = next((o for o in objects if o.last == action.first - 1 and o.concept.id != action.concept.id), None)
        if before is not None and _is_noun(text, phrase.words[action.last]):
            return before
    return _object_after(text, phrase, action, actions, objects, language) or before


def _object_after(text: str, phrase: Phrase, action: Hit, actions: list[Hit], objects: list[Hit],
                  language: str) -> Hit | None:
    next_action = min((a.first for a in actions if a.first > action.last), default=None)
    for obj in objects:
        if obj.first <= action.last:
            continue
        if obj.first - action.last - 1 > MAX_BETWEEN or (next_action is not None and obj.first > next_action) or \
                _object_before_coordination(text, phrase, action.last, obj.first):
            return None
        if language == "en" and _is_noun(text, phrase.words[action.last]) and \
                not _reaches(text, phrase.words[action.first], phrase.words[action.last], phrase.words[obj.first]):
            return None
        if obj.first > action.last + 1 and _complement_of_noun(text, phrase.words[obj.first - 1], phrase.words[obj.first]):
            return None
        if language == "en" and text.startswith(("'s", "’s"), phrase.words[obj.last].end):
            continue  # the owner of the object, not the object: "train the system's end users"
        return obj
    return None


#: A preposition that makes what follows it the complement of the noun before it.
_OF = re.compile(r"\s*(?:de|du|des|d['’]|of)\s*(?:(?:la|le|les|l['’]|the|their|its)\s*)?", re.I)
#: Nouns that count or gather what their complement names, so that the action applies to that complement:
#: "gérer l'ensemble des serveurs", "a variety of systems".
_QUANTITY_NOUNS = frozenset(word_keys(
    "ensemble totalité parc suite série plupart majorité type types variety range set number series kind kinds"))


def _complement_of_noun(text: str, noun: Word, obj: Word) -> bool:
    """Whether the object word after an action is the complement of another noun the action reaches
    first: "gère les risques du projet" manages risks, not the project; "manage the security of
    servers" is read by the object "security" itself."""
    return bool(_OF.fullmatch(text, noun.end, obj.start)) and noun.key not in _QUANTITY_NOUNS


def _object_before_coordination(text: str, phrase: Phrase, last: int, first: int) -> bool:
    """Whether a phrase distributed over a coordination reaches an object past another verb: a noun of
    the action's own, then a coordination and a word the phrase skipped ("monitor costs and implement
    security" monitors no security). A coordination before any such noun shares the object ("design,
    migrate and maintain cloud infrastructure", "developing new and improved models")."""
    words, held = phrase.words, False
    for n in range(last + 1, first + 1):
        if held and _SKIPPED_AFTER_COORDINATION.search(text, words[n - 1].end, words[n].start):
            return True
        held = held or bool(words[n].lemma) and _is_noun_form(text, words[n])
    return False


def _is_noun_form(text: str, word: Word) -> bool:
    """Whether a word reads as a noun by its form: a plural ("costs", "serveurs") or a noun ending."""
    written = text[word.start:word.end].lower()
    return written.endswith(("s", "x")) and not written.endswith(("ss", "ous")) or _is_noun(text, word)


def _compound_heads(text: str, phrase: Phrase, objects: list[Hit], target: Hit) -> list[Hit]:
    """The objects an English noun compound that starts at ``target`` ends with, last first: the head
    of "data networks" is "networks" (read before the modifier "data")."""
    words, run = phrase.words, []
    n = objects.index(target)
    while n + 1 < len(objects) and objects[n + 1].first == objects[n].last + 1 and \
            not text[words[objects[n].last].end:words[objects[n + 1].first].start].strip(" -"):
        n += 1
        run.append(objects[n])
    return run[::-1]


def _reaches(text: str, first: Word, action: Word, obj: Word) -> bool:
    """Whether an English action noun reaches the object after it: through "of" ("maintenance of the
    server"); or, for a gerund, across words of its own ("pulling specific data", "managing the backups")
    or after a preposition or auxiliary that makes it a verb ("by determining needs", "is writing test
    cases"), where a noun compound would join them directly ("training requirements")."""
    gap = f" {text[action.end:obj.start].lower()} "
    if " of " in gap:
        return True
    if not action.key.endswith("ing"):
        return False
    return any(c.isalpha() for c in gap) or bool(_VERB_BEFORE.search(text, max(0, first.start - 12), first.start))


def _is_noun(text: str, word: Word) -> bool:
    return text[word.start:word.end].lower().endswith(_NOUN_ENDINGS)


@lru_cache(maxsize=4096)
def _own_skill(name: str) -> Entry:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return Entry(kind="competency", id=f"composed-{slug}", name=name, en=(name,), fr=(),
                 attrs={"type": "skill", "own": True})


def refine(text: str, language: str | None, lexicon: Lexicon, mentions: list[Mention],
           section_at: Callable[[int], str | None] | None = None, subject: Entry | None = None) -> list[Mention]:
    """``mentions`` with the competencies that phrases state added, and each competency mention
    dropped whose words all lie inside a composed action or object, or inside a longer competency,
    or that matched only with its accents folded, or that names what someone owns or what the
    employer does, or (in English) a soft skill that is counted and so names a thing, or an
    employer's sector, or a document the job follows rather than writes, or (in
    ``CONTEXT_LANGUAGES``) that is one common word outside a skill context (``section_at`` gives
    the heading of a place). ``subject``, the role the document is about, lends its domain to generic
    objects."""
    mentions = [m for m in mentions if not _accent_misread(m, language) and not _owned_noun(text, m, language)
                and not _employer_verb(text, m) and not _counted_quality(text, m, language) and not _sector(text, m)
                and not _followed_document(text, m) and not _the_leaders(text, m) and not _perk(text, m)
                and not _between_systems(text, m) and not _for_others(text, m)]
    mentions = _without_system_qualities(text, mentions)
    if language in CONTEXT_LANGUAGES:
        mentions = [m for m in mentions if not _ordinary_word(text, m, language, section_at)]
    language = language if language in ("fr", "en") else "en"
    index = index_for(lexicon)
    as_written = words_of(text, language)
    words = _products_as_objects(as_written, mentions, language)
    # a product read as its object names nothing alone: "we use AWS" states no cloud computing
    original = {w.start: w.lemma for w in as_written}
    found = [f for f in inflected_matches(text, words, index, language)
             if not (_owned_noun(text, m := f.mention(text), language) or _employer_verb(text, m))]
    domains = subject_domains(index.grammar, subject)
    for phrase in candidates(text, language, words, kinds=frozenset({"segment", "distributed"}), needed=index.openers,
                             verbs=index.verbs):
        found += lemma_matches(phrase, index, language)
        if language == "en" and "ly" in phrase.text and (bare := _without_adverbs(phrase)) is not phrase:
            found += lemma_matches(bare, index, language)
        found += compositions(text, phrase, index, language, domains)
    found += pronoun_objects(text, words, index, language)
    if domains:
        found = [_in_domain(f, index, domains) for f in found]
    competencies = Spans(m for m in mentions if m.entry.kind == "competency")
    # words written as a lexicon variant name its concept, not the one their action and object compose
    # nor, for one word, another whose lemma it shares ("analytical" is analytical thinking, not "analytics")
    written: dict[tuple[int, int], set[str]] = {}
    for m in mentions:
        if m.entry.kind == "competency":
            written.setdefault((m.start, m.end), set()).add(m.entry.id)
    qualified = _qualifier_check(words, index, language)
    found = [f for f in found if not _object_of_longer_name(f, competencies, qualified)
             and not _action_of_longer_name(text, f, competencies)
             and not _sector(text, m := f.mention(text)) and not _followed_document(text, m)
             and not _between_systems(text, m) and not _for_others(text, m)
             and not all(w.lemma != original.get(w.start) for w in f.words)
             and not ((m.start, m.end) in written and (f.composed or (f.entry.id not in written[(m.start, m.end)]
                                                                     and len(f.words) == 1)))]
    if not found:
        return mentions
    # what may supersede a mention lies on its line: bucketing by line keeps long documents linear
    lines = [m.start() for m in _LINE_BREAK.finditer(text)]  # not a Python loop over every character
    inner: dict[int, list[tuple[int, int]]] = {}  # spans whose generic reading gives way to a specific one
    longer: dict[int, list[Found]] = {}
    composed: dict[int, list[Found]] = {}
    for f in found:
        line = bisect.bisect(lines, f.words[0].start)
        if f.composed:
            inner.setdefault(line, []).extend((w.start, w.end) for w in f.composed)
            composed.setdefault(line, []).append(f)
        if len(f.words) > 1 and not f.composed:
            longer.setdefault(line, []).append(f)
        elif f.composed and len(f.composed) > 1:
            # a composition covers its action's and its object's words, not a modifier between them:
            # "build scalable pipelines" still states scalability
            longer.setdefault(line, []).append(Found(f.entry, f.composed))

    def superseded(m: Mention) -> bool:
        if m.entry.kind != "competency":
            return False
        line = bisect.bisect(lines, m.start)
        if any(s <= m.start and m.end <= e for s, e in inner.get(line, ())) and not _names_composition(m, composed.get(line, ())):
            return True
        return any(f.entry.id != m.entry.id and _covers(f.words, m) and
                   (f.words[-1].end - f.words[0].start) > (m.end - m.start) for f in longer.get(line, ()))

    kept = [m for m in mentions if not superseded(m)]
    seen = {(m.entry.id, m.start, m.end) for m in kept}
    for f in found:
        m = f.mention(text)
        if (m.entry.id, m.start, m.end) not in seen and not superseded(m):
            seen.add((m.entry.id, m.start, m.end))
            kept.append(m)
    kept = _without_actions_on_a_part(words, language, index, kept)
    kept = _without_actions_on_a_skill(text, words, language, index, kept)
    return sorted(kept, key=lambda m: (m.start, m.end, m.entry.kind, m.entry.id))


def _without_adverbs(phrase: Phrase) -> Phrase:
    """An English ``phrase`` without its "-ly" adverbs, which may stand between a verb and its
    complement ("adapt quickly to change"); the phrase itself when it has none."""
    kept = [w for w in phrase.words if not (len(w.key) > 4 and w.key.endswith("ly") and w.key not in _NOT_ADVERBS)]
    if len(kept) == len(phrase.words) or len(kept) < 2:
        return phrase
    return phrase._replace(words=tuple(kept), lemmas=tuple(w.lemma for w in kept))


#: English words in "-ly" that are no adverbs (word keys).
_NOT_ADVERBS = frozenset({"apply", "supply", "reply", "multiply", "comply", "family", "assembly", "anomaly",
                          "monopoly", "italy", "july", "daily", "weekly", "monthly", "yearly", "quarterly", "early"})


#: Tool categories whose products stand for the object of the category's name in a phrase: "migrer les
#: applications vers AWS" migrates them to the cloud, "administer Oracle" administers a database.
_PRODUCT_OBJECTS = frozenset({"cloud", "database"})


def _products_as_objects(words: list[Word], mentions: list[Mention], language: str) -> list[Word]:
    """``words`` with the words of each product of a category in ``_PRODUCT_OBJECTS`` read as the
    object that category names: its first word takes the object's lemma, the others none."""
    products = [m for m in mentions if m.entry.kind == "tool" and m.entry.get("category") in _PRODUCT_OBJECTS]
    if not products:
        return words
    changed = list(words)
    starts = [w.start for w in words]
    for product in products:
        lemma = _object_lemma(product.entry.get("category"), language)
        n = bisect.bisect_left(starts, product.start)
        while n < len(words) and words[n].end <= product.end:
            changed[n] = words[n]._replace(lemma=lemma if words[n].start == product.start else "")
            n += 1
    return changed


@lru_cache(maxsize=8)
def _object_lemma(word: str, language: str) -> str:
    (found,) = words_of(word, language)
    return found.lemma


def _without_actions_on_a_part(words: Sequence[Word], language: str, index: SkillIndex,
                               mentions: list[Mention]) -> list[Mention]:
    """``mentions`` less the competencies stated by an action whose object opens a longer competency
    name: "garantir la qualité des données" ensures data quality, not quality in general. ``words``
    is the text's word table, which tells each mention's first word and its lemma."""
    competencies = Spans(m for m in mentions if m.entry.kind == "competency")
    dropped = set()
    for m in competencies.items:
        if not any(m.start < o.start < m.end < o.end and o.entry.id != m.entry.id
                   for o in competencies.overlapping(m.start, m.end)):
            continue
        n = bisect.bisect_left(words, m.start, key=lambda w: w.start)
        first = words[n] if n < len(words) and words[n].start == m.start else None
        if first is not None and first.lemma and index.grammar.hits((first.lemma,), "action", language):
            dropped.add(id(m))
    return [m for m in mentions if id(m) not in dropped] if dropped else mentions


_DETERMINERS_ONLY = re.compile(r"[ \t]+(?:(?:le|la|les|l['’]|un|une|des|du|de|d['’]|ses|leurs|nos|vos|the|a|an|its|their|our|your)[ \t]*)?$", re.I)


def _without_actions_on_a_skill(text: str, words: Sequence[Word], language: str, index: SkillIndex,
                                mentions: list[Mention]) -> list[Mention]:
    """``mentions`` less the competency a lone verb states when its object, right after it, names a
    competency of its own: "déployer des correctifs de sécurité" is patch management, not deployment."""
    competencies = sorted((m for m in mentions if m.entry.kind == "competency"), key=lambda m: m.start)
    dropped = set()
    for k, m in enumerate(competencies):
        if any(c.isspace() for c in m.surface):
            continue  # one word only
        after = next((competencies[j] for j in range(k + 1, len(competencies))
                      if competencies[j].start >= m.end), None)
        if after is None or after.entry.id == m.entry.id or after.start - m.end > 16 or \
                "\n" in text[m.end:after.start] or not _DETERMINERS_ONLY.match(text[m.end:after.start] + " "):
            continue
        n = bisect.bisect_left(words, m.start, key=lambda w: w.start)
        if n >= len(words) or words[n].start != m.start or words[n].end != m.end:
            continue  # one word only
        if words[n].lemma and index.grammar.hits((words[n].lemma,), "action", language):
            dropped.add(id(m))
    return [m for m in mentions if id(m) not in dropped] if dropped else mentions


def subject_domains(grammar: Grammar, subject: Entry | None) -> tuple[str, ...]:
    """The ids of the objects the English name of ``subject`` holds ("Network engineer": network)."""
    if subject is None:
        return ()
    lemmas = tuple(w.lemma for w in words_of(subject.name, "en") if w.lemma)
    hits = grammar.hits(lemmas, "object", "en")
    return tuple(hit.concept.id for hit in hits if hit.concept.id not in grammar.generic)


def _in_domain(found: Found, index: SkillIndex, domains: tuple[str, ...]) -> Found:
    """``found`` read in the subject's domain where it names an action on a generic object and the
    lexicon has that action on a domain object: for a network engineer, "installer des équipements" is
    network installation, not hardware installation."""
    pair = index.on_generic.get(found.entry.id)
    entry = _domain_entry(index, pair[0], domains) if pair is not None else None
    return replace(found, entry=entry) if entry is not None else found


def _domain_entry(index: SkillIndex, action: str, domains: tuple[str, ...]) -> Entry | None:
    """The concept of ``action`` applied to the first of the subject's ``domains`` that has one."""
    return next((entry for domain in domains if (entry := index.pairs.get((action, domain)))), None)


def _object_of_longer_name(found: Found, competencies: Spans[Mention],
                           qualified: Callable[[Mention, int, int], bool] | None = None) -> bool:
    """Whether a composition's object lies inside a longer competency name that leaves out the action:
    that name is what the action applies to. "Ensure data quality" is data quality, not the quality
    assurance of "ensure quality"; "develop ETL processes" states ETL, not a build process; "support
    user acceptance testing" is no user support. The same holds for a variant matched on lemmas whose
    last word starts a longer name ("garantir la qualité" in "garantir la qualité des données"). A
    composition whose object the longer name only qualifies (``qualified``) stands: "clean large
    datasets" still cleans data."""
    if found.object:
        obj, action = found.object, [w for w in found.composed if w not in found.object]
    elif len(found.words) > 1:
        obj, action = found.words[-1:], found.words[:-1]
    else:
        return False
    start, end = obj[0].start, obj[-1].end
    # an index: a scan of every mention per composition made long texts quadratic
    return any((found.object or m.start == start) and not any(m.start < w.end and w.start < m.end for w in action)
               and not (found.object and qualified is not None and qualified(m, start, end))
               for m in competencies.containing(start, end, strictly=True))


def _qualifier_check(words: Sequence[Word], index: SkillIndex, language: str) -> Callable[[Mention, int, int], bool]:
    """A test of whether a longer name only qualifies the object at ``start``..``end`` that it holds: the
    object is its head (its last words in English, "large datasets"; its first in French, "données
    massives") and the other words name no object of their own ("data quality" is the quality of data)."""
    starts = [w.start for w in words]

    def qualified(name: Mention, start: int, end: int) -> bool:
        if (name.end != end) if language == "en" else (name.start != start):
            return False
        low, high = (name.start, start) if language == "en" else (end, name.end)
        lemmas = tuple(w.lemma for w in words[bisect.bisect_left(starts, low):bisect.bisect_left(starts, high)] if w.lemma)
        return bool(lemmas) and not index.grammar.hits(lemmas, "object", language)
    return qualified


def _action_of_longer_name(text: str, found: Found, competencies: Spans[Mention]) -> bool:
    """Whether a composition's action word ends a longer competency name that leaves out the object:
    there the word is the last noun of that name, not a verb on the object ("writes unit tests and
    reviews code" tests no code). For a variant matched on lemmas across a coordination, its first
    word is the action."""
    if found.object:
        obj, action = found.object, [w for w in found.composed if w not in found.object]
    elif len(found.words) > 1 and any(_COORDINATION.search(text, a.end, b.start)
                                      for a, b in zip(found.words, found.words[1:])):
        obj, action = found.words[1:], found.words[:1]  # a variant read across a coordination
    else:
        return False
    if not action:
        return False
    start, end = action[0].start, action[-1].end
    return any(m.end == end and not (m.start < obj[-1].end and obj[0].start < m.end)
               for m in competencies.containing(start, end, strictly=True))


def _owned_noun(text: str, mention: Mention, language: str | None) -> bool:
    """Whether a one-word competency mention is a common noun that something has or lacks ("their
    organization", "without authorization", "sans autorisation"): then it names a thing, not a skill."""
    if mention.entry.get("type") == "soft" and _after(text, mention, _YOURS):
        return False  # "votre rigueur", "your curiosity": the candidate's own quality
    return _after(text, mention, _OWNER) and is_common_word(mention.surface, language)


def _employer_verb(text: str, mention: Mention) -> bool:
    """Whether a one-word competency mention is the verb of the employer speaking of itself ("we are
    hiring a product manager", "nous recrutons"): what the company does, not what the job asks."""
    return _after(text, mention, _EMPLOYER)


#: "Leadership" as the people who lead: "report to leadership", "the senior leadership team".
_LEADERS_BEFORE = re.compile(r"\b(?:to|with|for|by|from|across)\s+(?:(?:the|our|its|senior|executive|company|business)\s+)*\Z",
                             re.IGNORECASE)
_LEADERS_AFTER = re.compile(r"\s+teams?\b", re.IGNORECASE)


#: What joins a word to the technical name before it in a list: "data management and persistence".
_JOINED_AFTER = re.compile(r"\s*(?:,|and|or|et|ou|&)\s*\Z", re.IGNORECASE)


def _without_system_qualities(text: str, mentions: list[Mention]) -> list[Mention]:
    """``mentions`` less the one-word, lower-case soft skills that qualify a system: coordinated right
    after a technical competency ("data management and persistence") or followed by a bracket that
    names technical ones ("resilience (circuit breakers, retries)")."""
    qualities = [m for m in mentions if m.entry.kind == "competency" and m.entry.get("type") == "soft"
                 and _one_lower_word(m)]
    if not qualities:
        return mentions
    technical = Spans(m for m in mentions if m.entry.kind == "tool" or
                      (m.entry.kind == "competency" and m.entry.get("type") != "soft"))

    def of_a_system(m: Mention) -> bool:
        if text.startswith(" (", m.end) or text.startswith("(", m.end):
            close = text.find(")", m.end, m.end + 120)
            if close > 0 and technical.overlapping(m.end, close):
                return True
        joined = _JOINED_AFTER.search(text, max(0, m.start - 8), m.start)
        return bool(joined) and any(t.end == joined.start() for t in technical.overlapping(joined.start() - 1, joined.start()))

    dropped = {id(m) for m in qualities if of_a_system(m)}
    return [m for m in mentions if id(m) not in dropped] if dropped else mentions


def _the_leaders(text: str, mention: Mention) -> bool:
    """Whether an English "leadership" names the people who lead, whom the job reports to, not a quality."""
    return mention.surface.lower() == "leadership" and (
        bool(_LEADERS_BEFORE.search(text, max(0, mention.start - 40), mention.start)) or
        bool(_LEADERS_AFTER.match(text, mention.end)))


def _perk(text: str, mention: Mention) -> bool:
    """Whether a soft skill is what the job gives ("a developer enjoys flexibility"), not a quality it asks."""
    return _soft(mention) and _framed(text, mention, _PERK_BEFORE, 32)


def _between_systems(text: str, mention: Mention) -> bool:
    """Whether a soft skill is an exchange between machines, not people: "la communication entre les
    composants", "permettre aux serveurs de communiquer", "the microservices communicate"."""
    return _soft(mention) and _framed(text, mention, _SYSTEM_AGENT, 64, _BETWEEN_SYSTEMS)


def _for_others(text: str, mention: Mention) -> bool:
    """Whether a soft skill is what the job helps others do ("aide les entreprises à prendre des
    décisions", "helps managers to make decisions"), not a quality of its own."""
    return _soft(mention) and _framed(text, mention, _HELPS_BEFORE, 64)


def _sector(text: str, mention: Mention) -> bool:
    """Whether a competency mention names the sector an employer belongs to ("le secteur des
    télécommunications", "the e-commerce industry"), not what the job does."""
    return mention.entry.kind == "competency" and _framed(text, mention, _SECTOR_BEFORE, 24, _SECTOR_AFTER)


def _followed_document(text: str, mention: Mention) -> bool:
    """Whether a competency that is the writing of a document (``document = true`` in the lexicon)
    names a document the job follows or is given ("configurer selon les spécifications", "the
    specifications defined by the architect"), not one it writes."""
    return (mention.entry.kind == "competency" and bool(mention.entry.get("document"))
            and _framed(text, mention, _FOLLOWED_BEFORE, 32, _FOLLOWED_AFTER))


def _framed(text: str, mention: Mention, before: re.Pattern, reach: int, after: re.Pattern | None = None) -> bool:
    """Whether ``before`` ends within ``reach`` characters before ``mention`` or ``after`` starts right
    after it."""
    return (bool(before.search(text, max(0, mention.start - reach), mention.start))
            or (after is not None and bool(after.match(text, mention.end))))


def _soft(mention: Mention) -> bool:
    return mention.entry.kind == "competency" and mention.entry.get("type") == "soft"


def _counted_quality(text: str, mention: Mention, language: str | None) -> bool:
    """Whether a one-word soft skill is counted, so a thing rather than a quality: a quality takes no
    plural ("organizations", "les communications numériques") and, in English, no "an" and owns
    nothing ("an organization's systems", "the organization's goals" are companies)."""
    if language not in ("en", "fr") or mention.entry.get("type") != "soft":
        return False
    written = mention.surface.lower()
    # a plural of one of its nouns ("organizations"), not an adjective ending in "s" ("rigorous"), nor a
    # verb ("she communicates"), nor a French adjective, which agrees ("des développeurs polyvalents")
    plural = written.endswith("s") and not mention.entry.name.endswith("s") and written[:-1].endswith(_NOUN_ENDINGS) \
        and any(form.lower() == written[:-1] for form in (mention.entry.name, *(v for v, _ in mention.entry.variants)))
    if language == "fr":
        return _one_lower_word(mention) and plural
    # an owner ("the organization's systems") is a thing too
    owner = text.startswith(("'s", "’s"), mention.end) or (
        _after(text, mention, _DEFINITE) and not _QUALITY_AFTER.match(text, mention.end))
    return _one_lower_word(mention) and (plural or owner or _after(text, mention, _COUNTING))


def _after(text: str, mention: Mention, words: re.Pattern) -> bool:
    """Whether a one-word, lower-case competency mention comes right after ``words``."""
    return _one_lower_word(mention) and bool(words.search(text, max(0, mention.start - 16), mention.start))


def _one_lower_word(mention: Mention) -> bool:
    surface = mention.surface
    return mention.entry.kind == "competency" and not any(c.isspace() for c in surface) and surface.islower()


def _accent_misread(mention: Mention, language: str | None) -> bool:
    """Whether a one-word competency mention meets its entry's variants only once accents are folded
    ("implique" for "impliqué") while being a word of the language itself: then it is that other word."""
    surface = mention.surface
    if mention.entry.kind != "competency" or any(c.isspace() for c in surface) or surface.isupper():
        return False  # capitals often drop accents ("GERE"), so they say nothing
    return _folded_only(mention.entry, surface.lower()) and is_common_word(surface, language)


@lru_cache(maxsize=50_000)
def _folded_only(entry: Entry, lower: str) -> bool:
    """Whether ``lower`` meets some variant of ``entry`` once folded, and none as written (cached:
    the same words recur in every document)."""
    same = [v.lower() for v, _ in entry.variants if stem(fold(v.lower())) == stem(fold(lower))]
    return bool(same) and all(stem(v) != stem(lower) for v in same)


def _ordinary_word(text: str, mention: Mention, language: str | None,
                   section_at: Callable[[int], str | None] | None) -> bool:
    """Whether a competency mention is one common word of the language ("motivation") standing
    where no skill is stated: there it is most often the ordinary word, not the skill."""
    if mention.entry.kind != "competency" or any(c.isspace() for c in mention.surface):
        return False
    return is_common_word(mention.surface, language) and \
        not in_skill_context(text, mention.start, mention.end, section_at)


def _names_composition(mention: Mention, found: list[Found]) -> bool:
    return any(f.composed and f.entry.id == mention.entry.id and f.words[0].start <= mention.start
               and mention.end <= f.words[-1].end for f in found)


def _covers(words: Sequence[Word], mention: Mention) -> bool:
    """Whether the mention's text lies within the given words (not merely within their span)."""
    inside = [w for w in words if w.end > mention.start and w.start < mention.end]
    return bool(inside) and inside[0].start <= mention.start and inside[-1].end >= mention.end and \
        all(a.end <= b.start for a, b in zip(inside, inside[1:])) and _contiguous(words, inside)


def _contiguous(words: Sequence[Word], inside: list[Word]) -> bool:
    positions = [words.index(w) for w in inside]
    return positions == list(range(positions[0], positions[0] + len(positions)))
