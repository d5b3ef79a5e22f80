"""Finding lexicon entries in text: token-bounded, case/accent/hyphen/plural-insensitive, with
typo tolerance on long proper names and expansion of slash alternatives ("CKA/CKAD",
"AWS Certified (Developer/Architect)", "unit/integration tests").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Callable, Iterable, NamedTuple, Sequence

from ..labels import WORD, fold, stem, word_key
from ..lexicon import Entry
from .words import is_common_word

#: What may separate two tokens inside one match: spaces and at most one hyphen or apostrophe
#: (never a line break or a full stop). A bare slash joins only the words of a slashed tool name.
SOFT_GAP = re.compile(r"^[ \t\u00a0\u202f]*[-‐‑–'’]?[ \t\u00a0\u202f]*\Z")
#: Kinds whose names may hold a bare slash anywhere ("PL/SQL", "TCP/IP", "z/OS"). In other kinds only a
#: name written as one slashed word ("CI/CD") may, so that "pipelines CI/CD" is read; elsewhere a slash
#: separates alternatives ("UI/UX design" is two skills), read by ``Matcher._alternatives``.
SLASHED_KINDS = frozenset({"tool"})
#: A slashed word: letters or digits on both sides of a slash, no space.
_SLASHED_WORD = re.compile(r"(?<![\w/])\w+(?:/\w+)+(?![\w/])")
MAX_TOKENS = 10
#: Kinds whose names are the same words in French and English.
LANGUAGE_NEUTRAL = frozenset({"tool", "certification", "organisation"})
#: Kinds whose one-word acronyms read in the other language too, as written ("SAST", "CTO"); a diploma's
#: are words there ("CAP" theorem, "BUT" in a heading).
ACRONYM_KINDS = frozenset({"competency", "role"})


def _acronym(text: str) -> bool:
    """Whether a one-word variant is an acronym: capitals (and digits) only, two letters or more."""
    return len(text) >= 2 and text.isupper() and text.isalnum()


def _slashed_word(entry) -> bool:
    """Whether one of ``entry``'s variants is a single slashed word ("CI/CD"): then its other variants
    may hold it too ("pipelines CI/CD")."""
    return any(_SLASHED_WORD.fullmatch(text.strip()) for text, _ in entry.variants)


class Token(NamedTuple):
    key: str  # the word's labels.word_key; "" for a stop word or an elided article
    start: int
    end: int
    gap_before: str
    soft: bool  # whether the gap before may sit inside a match (see SOFT_GAP)


def tokenize(text: str) -> list[Token]:
    """The words of running ``text``: each one's key, offsets and the gap before it."""
    tokens, previous_end = [], 0
    folded = fold(text)
    soft = SOFT_GAP.match
    append = tokens.append
    make = tuple.__new__  # Token(...) goes through a Python-level __new__: this loop runs once per word
    for match in WORD.finditer(folded):
        start, end = match.span()
        # "C'est", "l'API": an elided article, never a name
        if end - start <= 2 and folded[end:end + 1] == "'":
            key = ""
        else:
            key = word_key(match.group())
            if not key and end - start == 1 and "/" in (folded[end:end + 1], folded[start - 1:start]):
                key = match.group()  # a letter of a slashed name ("A/B") is no article
        gap = text[previous_end:start]
        append(make(Token, (key, start, end, gap, not gap or gap == " " or bool(soft(gap)))))
        previous_end = end
    return tokens


def variant_key(variant: str) -> tuple[str, int]:
    """The lookup key of a lexicon variant and its number of tokens."""
    tokens = tokenize(variant)
    return "".join(t.key for t in tokens), len(tokens)


class Mention(NamedTuple):
    """One place that names a lexicon entry. A tuple: a document makes a few hundred, and a frozen
    dataclass's __init__ set each field through object.__setattr__."""

    entry: Entry
    start: int
    end: int
    surface: str
    fuzzy: bool = False
    alternative: bool = False  # read from one alternative of a slash group


class Matcher:
    """An index of lexicon variants, built once; ``find`` returns every candidate mention."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.index: dict[str, list[tuple[Entry, str | None, str, tuple[str, ...] | None]]] = {}
        self.words: set[str] = set()  # every word key of every variant: a lexicon word is no typo
        self.prefixes: set[str] = set()
        self.slashed: set[str] = set()  # key prefixes of slashed names, where a bare "/" may continue a match
        self.fuzzy: dict[str, set[str]] = {}
        self.one_word: set[str] = set()  # keys of one-word variants only ("InDesign")
        multi_word: set[str] = set()
        self._fuzzy_cache: dict[str, frozenset[str]] = {}
        for entry in entries:
            for text, language in entry.variants:
                tokens = tokenize(text)
                key, count = "".join(t.key for t in tokens), len(tokens)  # variant_key's, tokenized once
                if not key or count > MAX_TOKENS:
                    continue
                # Exact case applies to one-word names that are also ordinary words ("Go", "Spring").
                exact = text if entry.exact_case and count == 1 else None
                # Names and multi-word phrases read in any language; a single word only in its own
                # ("stage" is an internship in French, not in English).
                if language != "any" and (count > 1 or entry.kind in LANGUAGE_NEUTRAL):
                    language = "any"
                accents = _accents(text)
                bucket = self.index.setdefault(key, [])
                if (entry, exact, language, accents) not in bucket:
                    bucket.append((entry, exact, language, accents))
                if count == 1 and language != "any" and entry.kind in ACRONYM_KINDS and _acronym(text):
                    # an acronym is the same in both languages ("SAST" in a French page), as written only
                    other = (entry, text, "fr" if language == "en" else "en", accents)
                    if other not in bucket:
                        bucket.append(other)
                (self.one_word if count == 1 else multi_word).add(key)
                self.words.update(t.key for t in tokens)
                self.prefixes.update(key[:i] for i in range(1, len(key) + 1))
                if re.search(r"\w/\w", text) and (entry.kind in SLASHED_KINDS or _slashed_word(entry)):
                    self.slashed.update(key[:i] for i in range(1, len(key) + 1))
                if count == 1 and len(key) >= 5 and not entry.exact_case and entry.kind == "tool":
                    for variant in _deletions(key):
                        self.fuzzy.setdefault(variant, set()).add(key)
        self.one_word -= multi_word

    def find_from(self, text: str, tokens: Sequence[Token], starts: Iterable[int], language: str | None) -> list[Mention]:
        """Mentions that start at the given token positions only."""
        return self._spans(text, tokens, starts, language)

    def find(self, text: str, tokens: Sequence[Token] | None = None, language: str | None = None) -> list[Mention]:
        """Every candidate mention in ``text`` (overlapping; see ``resolve``), for a document in ``language``."""
        tokens = tokenize(text) if tokens is None else tokens
        mentions = self._spans(text, tokens, range(len(tokens)), language)
        mentions += self._typos(text, tokens, language)
        mentions += self._alternatives(text, tokens, language)
        return mentions

    def _spans(self, text: str, tokens: Sequence[Token], starts: Iterable[int], language: str | None,
               must_cover: tuple[int, int] | None = None) -> list[Mention]:
        found = []
        # locals: this loop runs from every word of the text
        index, prefixes, slashed, count = self.index, self.prefixes, self.slashed, len(tokens)
        for i in starts:
            if not tokens[i].key or tokens[i].key not in prefixes:  # most words start no name
                continue
            if tokens[i].gap_before == "&":  # the "D" of "R&D": an ampersand glues an abbreviation
                continue
            key = ""
            for j in range(i, min(i + MAX_TOKENS, count)):
                token = tokens[j]
                if j > i and not token.soft and not (token.gap_before == "/" and key + token.key in slashed):
                    break
                key += token.key
                if key not in prefixes:
                    break
                if not token.key or key not in index:
                    continue
                if must_cover and not (i <= must_cover[0] and j >= must_cover[1] and (i, j) != must_cover):
                    continue
                if j + 1 < count and tokens[j + 1].gap_before == "&":  # the "R" of "R&D"
                    continue
                start, end = tokens[i].start, token.end
                surface = text[start:end]
                if j > i and key in self.one_word and _ordinary_words(surface, tokens, i, j, text, language):
                    continue
                written = None
                for entry, exact, variant_language, accents in index[key]:
                    if (exact is None or surface == exact) and variant_language in ("any", language or variant_language):
                        if accents is not None:
                            written = _accents(surface, keep_plain=True) if written is None else written
                            if not _same_accents(accents, written):
                                continue
                        found.append(Mention(entry, start, end, surface))
        return found

    def _typos(self, text: str, tokens: Sequence[Token], language: str | None) -> list[Mention]:
        found = []
        for token in tokens:
            key = token.key
            surface = text[token.start:token.end]
            if len(key) < 5 or key in self.words or not surface[:1].isupper():
                continue
            candidates = [c for c in sorted(self._fuzzy_candidates(key)) if c[0] == key[0] and _damerau(c, key) == 1]
            # A word of the language is what it says: "Salaries" is no misspelt "Solaris".
            if not candidates or is_common_word(surface, language):
                continue
            for candidate in candidates:
                for entry, _exact, _language, _accents in self.index[candidate]:
                    found.append(Mention(entry, token.start, token.end, surface, fuzzy=True))
        return found

    def _fuzzy_candidates(self, key: str) -> frozenset[str]:
        found = self._fuzzy_cache.get(key)
        if found is None:
            found = frozenset().union(*(self.fuzzy.get(v, ()) for v in (key, *_deletions(key))))
            self._fuzzy_cache[key] = found
        return found

    def _alternatives(self, text: str, tokens: Sequence[Token], language: str | None) -> list[Mention]:
        """Mentions that exist only once a slash group is read one alternative at a time."""
        found = []
        # the tokens a bare slash comes before ("/" in the gap first: most gaps are a space, and strip()
        # on each was most of this scan); a group is the token before a run of them, and the run
        slashed = [k for k, token in enumerate(tokens) if "/" in token.gap_before and k and token.gap_before.strip() == "/"]
        for place, after_slash in enumerate(slashed):
            if place and slashed[place - 1] == after_slash - 1:
                continue  # inside a run already read
            i = j = after_slash - 1
            while j + 1 < len(tokens) and "/" in tokens[j + 1].gap_before and tokens[j + 1].gap_before.strip() == "/":
                j += 1
            before = _context(tokens, i, -1)
            after = _context(tokens, j, +1)
            for k in range(i, j + 1):
                window = [*before, tokens[k], *after]
                virtual = [t._replace(gap_before=" ", soft=True) if n else t for n, t in enumerate(window)]
                position = len(before)
                found += [Mention(m.entry, m.start, m.end, m.surface, alternative=True) for m in
                          self._spans(text, virtual, range(len(virtual)), language, must_cover=(position, position))]
        return found


def _context(tokens: Sequence[Token], index: int, direction: int, size: int = 3) -> list[Token]:
    """Up to ``size`` tokens before or after a slash group, stopping at hard punctuation."""
    picked = []
    k = index
    while len(picked) < size:
        gap = tokens[k].gap_before if direction < 0 else (tokens[k + 1].gap_before if k + 1 < len(tokens) else None)
        if gap is None or (k + direction) < 0 or not re.fullmatch(r"[\s\-'’.()]*", gap):
            break
        k += direction
        picked.append(tokens[k])
    return picked[::-1] if direction < 0 else picked


def _accents(text: str, keep_plain: bool = False) -> tuple[str, ...] | None:
    """The stems of ``text``'s words as written, accents kept, or None when no word carries one.

    With ``keep_plain``, the stems of every word are given ("" for a word written without accents),
    so that text can be compared word by word with a variant's stems.
    """
    words = WORD.findall(text.lower())
    marked = [stem(w) if fold(w) != w else "" for w in words]
    if not keep_plain and not any(marked):
        return None
    return tuple(marked)


def _same_accents(variant: tuple[str, ...], written: tuple[str, ...]) -> bool:
    """Whether text agrees with a variant's accents: a word written with accents must carry the
    variant's ("gère" is the verb, never the participle "géré"); a word written without any agrees."""
    if len(variant) != len(written):
        return True  # elisions or stop words differ; folding alone decides
    return all(not v or not w or v == w for v, w in zip(variant, written))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _damerau(a: str, b: str) -> int:
    """Optimal string alignment distance (edits and adjacent transpositions)."""
    rows = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def resolve(mentions: Iterable[Mention]) -> list[Mention]:
    """Keep the longest mentions where they overlap (earliest first on ties; exact before fuzzy).

    Mentions read from slash alternatives overlap each other by nature ("AWS Certified
    (Developer/Architect)" gives two); they are all kept, and what lies inside them is dropped.
    """
    mentions = list({(m.entry.kind, m.entry.id, m.start, m.end): m for m in mentions}.values())
    alternatives = {(m.entry, m.start, m.end, m.surface): m for m in mentions if m.alternative}
    plain = _longest(m for m in mentions if not m.alternative)
    # Interval lookups instead of a scan of one list per mention of the other: the scans made long
    # documents quadratic.
    kept_alternatives = [a for a in alternatives.values() if not _inside_disjoint(plain, a.start, a.end)]
    kept_alternatives = _without_restatements(kept_alternatives)
    inside_alternative = _strictly_inside(kept_alternatives)
    plain = [p for p in plain if not inside_alternative(p.start, p.end)]
    return sorted(plain + kept_alternatives, key=lambda m: (m.start, m.end, m.entry.kind, m.entry.id))


def _without_restatements(alternatives: list[Mention]) -> list[Mention]:
    """``alternatives`` without those lying inside another of the same entry, which restate it ("CD
    pipelines" inside "CI/CD pipelines"); one sweep per entry, in order of start."""
    kept, furthest, previous = [], {}, {}
    for m in sorted(alternatives, key=lambda m: (m.entry.kind, m.entry.id, m.start, -m.end)):
        key = (m.entry.kind, m.entry.id)
        if furthest.get(key, -1) >= m.end and previous[key] != (m.start, m.end):
            continue
        if furthest.get(key, -1) < m.end:
            furthest[key], previous[key] = m.end, (m.start, m.end)
        kept.append(m)
    return kept


def _inside_disjoint(spans: Sequence[Mention], start: int, end: int) -> bool:
    """Whether ``start``–``end`` lies inside a longer one of ``spans``, whose spans are pairwise
    equal or disjoint (as ``_longest`` keeps them), so only the last one starting at or before
    ``start`` can hold it."""
    index = bisect_right(spans, start, key=lambda m: m.start) - 1
    return index >= 0 and spans[index].end >= end and (spans[index].start, spans[index].end) != (start, end)


def _strictly_inside(spans: Sequence[Mention]) -> Callable[[int, int], bool]:
    """A test of whether a span lies inside one of ``spans`` other than itself (spans may overlap)."""
    starts = sorted({m.start for m in spans})
    reach, furthest = [], -1  # reach[i]: the furthest end of the spans starting at or before starts[i]
    ends_at: dict[int, int] = {}
    for m in spans:
        ends_at[m.start] = max(ends_at.get(m.start, -1), m.end)
    for s in starts:
        furthest = max(furthest, ends_at[s])
        reach.append(furthest)

    def inside(start: int, end: int) -> bool:
        before = bisect_left(starts, start) - 1  # spans starting strictly before: any end >= end holds it
        if before >= 0 and reach[before] >= end:
            return True
        return ends_at.get(start, -1) > end  # same start: it must reach further

    return inside


def _longest(mentions: Iterable[Mention]) -> list[Mention]:
    """The longest of overlapping mentions (same-span mentions all kept), in order of their start."""
    ordered = sorted(mentions, key=lambda m: (m.fuzzy, -(m.end - m.start), m.start))
    if not ordered:
        return []
    covered = bytearray(max(m.end for m in ordered))
    taken: set[tuple[int, int]] = set()
    kept = []
    for mention in ordered:
        span = (mention.start, mention.end)
        if span not in taken:
            if covered.find(1, mention.start, mention.end) != -1:
                continue
            taken.add(span)
            covered[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _ordinary_words(surface: str, tokens: Sequence[Token], i: int, j: int, text: str, language: str | None) -> bool:
    """Whether a one-word name read across the words ``i``..``j`` is written in lower case with a short
    word of the language among them, a preposition or an article ("a degree in design" names no
    InDesign; "Java Script", "java script" and "node js" still name their products)."""
    return surface.islower() and any(t.end - t.start <= 2 and is_common_word(text[t.start:t.end], language)
                                     for t in tokens[i:j + 1])
