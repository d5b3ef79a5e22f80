"""Candidate phrases of a text: its clauses and list items, and the phrases a coordination stands for
once its shared complement or head is distributed ("l'installation et la maintenance du réseau" is
"installation du réseau" and "maintenance du réseau").

Each candidate is a ``Phrase``: a span of the text (start, end), its text, and the lemma key of each
content word with the word's offsets, so any matcher (our lexicon's, a taxonomy's) can read it.
Lemmas come from simplemma (French and English), cached per word.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, NamedTuple, Sequence

import simplemma

from ..labels import WORD, fold, word_key

#: Languages simplemma is asked about; anything else is read as English, the lexicon's own language.
LANGUAGES = frozenset({"fr", "en"})
#: Words that join conjuncts of a coordination.
CONJUNCTIONS = frozenset({"et", "ou", "and", "or", "&"})
#: Words that open the complement of a head noun ("tests d'intégration").
PREPOSITIONS = frozenset({"de", "d", "du", "des", "of", "en"})
#: Function words left out of lemma sequences (articles, prepositions, pronouns, auxiliaries), so that
#: "la configuration des réseaux" and "configure networks" both read "configure network".
FUNCTION_WORDS = frozenset("""
de du des la le les l d un une au aux a à en et ou par pour sur dans avec sans son sa ses leur leurs
ce cet cette ces qui que quoi dont y se s il elle ils elles on nous vous est sont être vers chez entre parmi auprès
the of a an to and or for on in with by at from into onto towards via its their his her this that these those as
be is are was were it they we you which who whom our your such
""".split())
#: Where a clause ends: sentence punctuation, colons, semicolons, brackets, line breaks and bullets.
_CLAUSE_BREAK = re.compile(r"[.!?;:()\[\]\n•·▪●◦|]|\s[-–—]\s|\s[-–—]$|^[-–—*]\s", re.M)
#: Longest conjunct, in content words, that a coordination distributes over.
MAX_CONJUNCT = 2
#: Longest shared complement, in content words.
MAX_COMPLEMENT = 5


class Word(NamedTuple):
    start: int
    end: int
    key: str  # labels.word_key of the folded surface
    lemma: str  # word_key of the folded lemma; "" for a function word


class Phrase(NamedTuple):
    """A candidate span: ``text`` is what the phrase reads (for a distributed conjunct, the conjunct
    followed by its shared complement), ``words`` its content words in reading order, ``lemmas`` the
    lemma key of each of them (what every phrase is looked up by). A tuple: a text yields hundreds of
    phrases, and a frozen dataclass's __init__ and __post_init__ were a tenth of cutting them."""

    start: int
    end: int
    text: str
    words: tuple[Word, ...]
    kind: str  # "clause", "segment" (cut at commas and conjunctions) or "distributed"
    lemmas: tuple[str, ...]


@lru_cache(maxsize=200_000)
def lemma_key(word: str, language: str) -> str:
    """The lemma of a lower-case ``word`` in ``language`` as a matching key ("" for a function word)."""
    if word in FUNCTION_WORDS or fold(word) in FUNCTION_WORDS:
        return ""
    lang = language if language in LANGUAGES else "en"
    try:
        lemma = simplemma.lemmatize(word, lang=lang)
    except (ValueError, KeyError):  # simplemma refuses odd input; the word stands for itself
        lemma = word
    return word_key(fold(lemma)) or word_key(fold(word))


def words_of(text: str, language: str | None) -> list[Word]:
    """Every word of ``text`` with its offsets, key and lemma key."""
    folded = fold(text)
    language = language or "en"
    found = []
    append = found.append
    make = tuple.__new__  # Word(...) goes through a Python-level __new__: this loop runs once per word
    cache = _KEYS.setdefault(language, {})
    if len(cache) > 200_000:  # bound the memory on very long runs
        cache.clear()
    for match in WORD.finditer(folded):
        start, end = match.span()
        # an elided article: "l'", "d'" (lower case never shortens a word, so the length test comes first)
        if end - start <= 2 and folded[end:end + 1] == "'" and len(text[start:end].lower()) <= 2:
            append(make(Word, (start, end, "", "")))
            continue
        written = text[start:end]  # folding is per character, so the written word decides both keys
        keys = cache.get(written)
        if keys is None:
            keys = cache[written] = _keys(match.group(), written.lower(), language, written)
        append(make(Word, (start, end, *keys)))
    if language == "fr":
        _verbs_after_subjects(text, folded, found)
        if "besoin" in folded:
            _without_idioms(folded, found)
    return found


#: French phrases that say "if need be" with a noun that elsewhere names what users need ("au besoin, il
#: aide les utilisateurs" analyses no requirements); on folded text.
_IDIOMS = re.compile(r"\b(?:au|si|en cas de|selon le|suivant le)\s+besoin\b")


def _without_idioms(folded: str, words: list[Word]) -> None:
    """Make the words of each idiom function words (in place)."""
    spans = [m.span() for m in _IDIOMS.finditer(folded)]
    if not spans:
        return
    for i, word in enumerate(words):
        if any(start <= word.start < end for start, end in spans):
            words[i] = word._replace(lemma="")


#: French subject pronouns and the clitics that may stand between a subject and its verb.
_SUBJECTS = frozenset({"il", "elle", "on", "qui", "ils", "elles"})
_CLITICS = frozenset({"ne", "n", "se", "s", "y", "en", "le", "la", "les", "l", "lui", "leur"})
_COORDINATORS = frozenset({"et", "puis", "ou"})
_SENTENCE_END = re.compile(r"[.;:!?\n]")
_DETERMINERS = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "son", "sa", "ses", "leur",
                          "leurs", "ce", "cet", "cette", "ces", "chaque", "tous", "toutes"})


def _verbs_after_subjects(text: str, folded: str, words: list[Word]) -> None:
    """Read a verb after a French subject as the verb, where its form is also a noun: "il forme les
    utilisateurs" is "former", not "forme"; "elle pilote les projets" is "piloter" (in place). So is a
    second verb of the subject, coordinated and followed by its object's determiner ("elle rédige la
    documentation et forme les utilisateurs"), within the sentence."""
    subject = False  # the word before is a subject (or a clitic after one)
    for i, word in enumerate(words):
        form = folded[word.start:word.end]
        if form.endswith("e") and word.lemma == word.key and \
                (subject or _coordinated_verb(folded, words, i) and _has_subject(folded, words, i)):
            verb = _verb_of(text[word.start:word.end].lower())
            if verb:
                words[i] = word._replace(lemma=verb)
        subject = form in _SUBJECTS or (subject and form in _CLITICS)


def _has_subject(folded: str, words: list[Word], i: int) -> bool:
    """Whether a subject pronoun comes before word ``i`` in its sentence (within 40 words)."""
    return any(folded[w.start:w.end] in _SUBJECTS for w in words[sentence_start(folded, words, i, 40):i])


def sentence_start(text: str, words: Sequence[Word], i: int, reach: int, breaks: re.Pattern = _SENTENCE_END) -> int:
    """The index of the first word of word ``i``'s sentence (``breaks`` ends one), at most ``reach``
    words back."""
    for j in range(i - 1, max(-1, i - reach - 1), -1):
        if breaks.search(text, words[j].end, words[j + 1].start):
            return j + 1
    return max(0, i - reach)


def _coordinated_verb(folded: str, words: list[Word], i: int) -> bool:
    """Whether word ``i`` follows "et", "puis", "ou" or a comma and comes before a determiner."""
    if i == 0 or i + 1 >= len(words):
        return False
    before, after = words[i - 1], words[i + 1]
    joined = folded[before.start:before.end] in _COORDINATORS or "," in folded[before.end:words[i].start]
    return joined and folded[after.start:after.end] in _DETERMINERS


@lru_cache(maxsize=20_000)
def _verb_of(written: str) -> str:
    """The lemma key of the infinitive a present-tense form ending in "e" belongs to, if French has it."""
    infinitive = written + "r"
    if simplemma.is_known(infinitive, lang="fr") and simplemma.lemmatize(infinitive, lang="fr") == infinitive:
        return word_key(fold(infinitive))
    return ""


#: language → written word → its key and lemma key (the words of a language recur in every document).
_KEYS: dict[str, dict[str, tuple[str, str]]] = {}


#: Acronyms written like a function word of one of our languages: "IT" is no "it", "SI" no "si".
_ACRONYMS = frozenset({"IT", "SI"})


def _keys(folded: str, raw: str, language: str, written: str = "") -> tuple[str, str]:
    """The key and lemma key of one word."""
    key = word_key(folded)
    return key, key if written in _ACRONYMS else lemma_key(raw, language)


def clauses(text: str, words: list[Word]) -> list[list[Word]]:
    """The words of ``text`` grouped by clause (list items, sentences, bracketed asides)."""
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    groups: list[list[Word]] = [[]]
    b = 0
    for word in words:
        crossed = False
        while b < len(breaks) and breaks[b] < word.start:
            b += 1
            crossed = True
        if crossed and groups[-1]:
            groups.append([])
        groups[-1].append(word)
    return [g for g in groups if g]


def candidates(text: str, language: str | None, words: list[Word] | None = None,
               kinds: frozenset[str] = frozenset({"clause", "segment", "distributed"}),
               needed: frozenset[str] | None = None, verbs: frozenset[str] = frozenset()) -> list[Phrase]:
    """The candidate phrases of ``text`` of the given kinds: each clause, the segments a clause's commas
    and conjunctions cut, and each distributed conjunct of its coordinations. With ``needed`` (lemma
    keys), only the phrases of clauses holding one of them: a matcher that can find nothing in a phrase
    without one of its opening lemmas need not have the clause cut and distributed. In English, one of
    ``verbs`` (lemma keys) with its short object ending a segment applies to each short noun conjunct
    after it ("optimize performance, cost and reliability" optimizes cost)."""
    words = words_of(text, language) if words is None else words
    folded = fold(text)  # once: folding is per character, so a slice of it is the folded slice
    found = []
    for clause in clauses(text, words):
        content = [w for w in clause if w.lemma]
        if not content or (needed is not None and needed.isdisjoint([w.lemma for w in content])):
            continue
        if "clause" in kinds:
            found.append(_phrase(text, content))
        segments = _segments(text, folded, clause)
        if "segment" in kinds:
            for segment in segments:
                content = [w for w in segment if w.lemma]
                if content:
                    found.append(_phrase(text, content, "segment"))
        if "distributed" in kinds:
            found += list(_distributed(text, folded, segments, language))
            if verbs and language == "en":
                found += list(_verb_over_objects(text, folded, segments, verbs))
    return found


def _verb_over_objects(text: str, folded: str, segments: list[list[Word]], verbs: frozenset[str]) -> Iterator[Phrase]:
    """A verb followed by its one- or two-word object at the end of a segment, applied to each short noun
    conjunct after it, up to a conjunct that opens with a verb or a preposition: "you will manage
    servers, networks and storage"."""
    for k, segment in enumerate(segments[:-1]):
        content = [w for w in segment if w.lemma]
        verb = next((w for w in content[-1 - MAX_CONJUNCT:-1] if w.lemma in verbs), None)
        if verb is None:
            continue
        for later in segments[k + 1:]:
            objects = [w for w in later if w.lemma]
            if not 1 <= len(objects) <= MAX_CONJUNCT or objects[0].lemma in verbs or \
                    _starts_with_preposition(folded, later):
                break
            yield _phrase(text, [verb, *objects], kind="distributed")


def _phrase(text: str, words: list[Word], kind: str = "clause") -> Phrase:
    start, end = words[0].start, max(w.end for w in words)
    if kind == "distributed":
        shown = " ".join(text[w.start:w.end] for w in words)
    else:
        shown = text[start:end]
    return tuple.__new__(Phrase, (start, end, shown, tuple(words), kind, tuple([w.lemma for w in words])))


def _distributed(text: str, folded: str, segments: list[list[Word]], language: str | None = None) -> Iterator[Phrase]:
    """Conjuncts of a clause (cut into ``segments``) joined with their shared complement (right) or head
    (left): a head's complements ("tests unitaires, d'intégration"), or in French, where the adjective
    follows its noun, its one-word modifiers ("tests manuels et automatisés", "développement web et mobile")."""
    for run in _coordinations(segments, folded):
        first, middle, last = run[0], run[1:-1], run[-1]
        last_content = [w for w in last if w.lemma]
        complement = last_content[1:1 + MAX_COMPLEMENT]
        if complement and (_new_noun_phrase(folded, run[-2], last) or _proper_name(text, last_content)):
            # "a Diploma in IT, an IT support apprenticeship", "Oracle Cloud, IBM Cloud or Google Cloud
            # Platform": no complement shared
            complement = []
        if complement:  # "installation, configuration et maintenance du réseau"
            head = [w for w in first if w.lemma]
            head = head[-1:] if len(head) > MAX_CONJUNCT else head
            for conjunct in [head, *([w for w in m if w.lemma] for m in middle)]:
                yield _phrase(text, conjunct + complement, kind="distributed")
        first_content = [w for w in first if w.lemma]
        if len(first_content) >= 2 and (all(_starts_with_preposition(folded, s) for s in run[1:]) or (
                language == "fr" and all(_content(s) == 1 and not _starts_with_preposition(folded, s) for s in run[1:]))):
            head = first_content[-2]  # "tests unitaires, d'intégration et de performance"
            for segment in run[1:]:
                content = [w for w in segment if w.lemma][:MAX_CONJUNCT]
                yield _phrase(text, [head, *content], kind="distributed")


#: Indefinite articles: after a bare comma, one opens a noun phrase of its own, not a conjunct.
_INDEFINITE = frozenset({"a", "an", "un", "une"})


def _new_noun_phrase(folded: str, before: list[Word], segment: list[Word]) -> bool:
    """Whether ``segment`` follows ``before`` after a comma alone and opens with an indefinite article."""
    return folded[segment[0].start:segment[0].end] in _INDEFINITE and not _conjunction_between(folded, before, segment)


def _proper_name(text: str, words: list[Word]) -> bool:
    """Whether ``words`` are a name of several capitalised words ("Google Cloud Platform"), whose words
    belong together."""
    return len(words) > 1 and all(text[w.start].isupper() for w in words)


def _starts_with_preposition(folded: str, segment: list[Word]) -> bool:
    return bool(segment) and folded[segment[0].start:segment[0].end] in PREPOSITIONS


def _segments(text: str, folded: str, clause: list[Word]) -> list[list[Word]]:
    """``clause`` cut at commas, slashes and conjunctions (which are left out)."""
    segments: list[list[Word]] = [[]]
    previous_end = None
    for word in clause:
        gap = text[previous_end:word.start] if previous_end is not None else ""
        previous_end = word.end
        if ("," in gap or ("/" in gap and not _letters_slashed(text, gap, word))) and segments[-1]:
            segments.append([])
        if folded[word.start:word.end] in CONJUNCTIONS:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(word)
    return [s for s in segments if s]


def _letters_slashed(text: str, gap: str, word: Word) -> bool:
    """Whether a slash joins two single letters into one name ("A/B tests"), not two alternatives."""
    return gap == "/" and word.end - word.start == 1 and word.start >= 2 and \
        text[word.start - 2].isalpha() and not text[word.start - 3:word.start - 2].isalnum()


def _coordinations(segments: list[list[Word]], folded: str) -> Iterator[list[list[Word]]]:
    """Runs of two or more segments whose inner segments are short conjuncts (one or two content words).
    A run ends at the conjunct a conjunction introduces, and the next one starts after it: "elicit and
    document requirements, map current and future processes" is two coordinations, not one."""
    counts = [_content(s) for s in segments]  # once each: the scan below asks several times
    joined = [False] + [_conjunction_between(folded, a, b) for a, b in zip(segments, segments[1:])]
    i = 0
    while i < len(segments) - 1:
        j = i + 1
        while j < len(segments) - 1 and 1 <= counts[j] <= MAX_CONJUNCT and not joined[j]:
            j += 1
        # segments[j] is the last conjunct, and every segment between i and j is short (the scan passed them)
        if counts[j] and counts[i]:
            yield segments[i:j + 1]
        i = j + 1 if joined[j] and j + 1 < len(segments) and not joined[j + 1] else j


def _conjunction_between(folded: str, before: list[Word], after: list[Word]) -> bool:
    return any(word in CONJUNCTIONS for word in folded[before[-1].end:after[0].start].split())


def _content(segment: list[Word]) -> int:
    return sum(1 for w in segment if w.lemma)
