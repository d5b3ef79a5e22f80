"""Tools and certifications named in a list of them: an unknown name read from the list it stands in.

No lexicon names every product or certification. A name the lexicon does not know is still read as a
tool (or a certification) where it stands as one item of an enumeration whose other items are tools
("Hadoop, Hive, Spark, Storm ou encore Pig"; "SAST (Semgrep, CodeQL, SonarQube)"), or of an enumeration
in a clause that announces them ("outils : …", "Key certifications: …"), and where it is shaped like a name: one to three words,
each written with a capital or a digit, none of them a grammatical word and not all of them words
of the language. The enumeration starts at the words that introduce it ("tels que", "such as"). In a clause that only
announces tools, with fewer tools known around it, a name must also be no word of the language
("Gitleaks", "CodeQL", not "Improve"); the words of such a list are left out, the names beside them kept. A tool's category is the one most of its neighbours share.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Iterable, Sequence

from ..labels import fold, id_slug
from ..lexicon import Entry
from .matcher import Mention
from .spans import Spans
from .words import is_common_word

#: The prefix of the id of a tool or certification read from its list, not from the lexicon.
LISTED_PREFIX = "listed-"
#: Where a clause that may hold an enumeration ends: sentence ends (not the dot of ".NET" or
#: "Node.js"), semicolons, colons and line breaks.
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|[;:\n]")
_BRACKET = re.compile(r"[()\[\]]")
#: What separates the items of an enumeration.
#: (Found by the separator itself, then widened over the spaces around it in ``_separators``: a pattern
#: that began with ``\s*`` was tried at every character of the clause.)
#: The lookahead on the first character lets the engine skip every other character at once: the same
#: matches as the plain alternation, in a quarter of the time (0.086 -> 0.021 s over 300 bench documents).
_SEPARATOR = re.compile(r"(?=[,/|oOvVeEaA])(?:[,/|]|\b(?:ou(?: encore| bien)?|voire|et|and|or|as well as|ainsi que)\b)",
                        re.IGNORECASE)
_SPACE = re.compile(r"\s*")
#: Words that introduce the items of an enumeration; an item starts after them.
_INTRO = re.compile(r"^.*\b(?:tels? que|telles? que|such as|like|comme|notamment|including|includes?|incluent|comprennent|incl\.|e\.g\.|"
                    r"par exemple|ex\.|type|de type)\s+", re.IGNORECASE)
#: Words (folded) of a clause that announce the names of each kind an enumeration may list.
CUES = {
    "tool": re.compile(r"\b(outil|outillage|logiciel|tool|software|stack|librair|librar|"
                       r"plateforme|platform|solution)"),
    "certification": re.compile(r"\b(certif|accredit)"),
}
#: Words that end an enumeration without being one of its items.
_TRAILING = re.compile(r"\s*(?:etc\.?|\.\.\.|…)\s*$", re.IGNORECASE)
#: A word of a product name: letters, digits and the marks product names use inside.
_PRODUCT_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+#.\-]*$")
#: Common words that stand capitalised at the head of a list item without naming a product.
_COMMON = frozenset(fold(w) for w in (
    "le la les un une des du de d l au aux en et ou sur pour par avec sans dans autre autres "
    "the a an of for with and or in on to by other others more plus any all some their our your "
    "outil outils tool tools logiciel logiciels software solution solutions plateforme platform "
    "langage langages language languages base bases etc").split())
#: At most this many words in a product name.
MAX_WORDS = 3


def listed_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """New tool and certification mentions for the unknown names that stand in an enumeration of
    them in ``text``, given the lexicon's ``mentions`` there (sorted by offset)."""
    found: list[Mention] = []
    spans = Spans(mentions)
    straddled = _straddled(len(text), mentions)
    folded = fold(text)
    # where each cue may start, found once: a search of the 300 characters before every clause read
    # most of the text again for each clause
    cues = [(cue, [m.start() for m in cue.finditer(folded)]) for cue in CUES.values()]
    for start, end in _clauses(text):
        listed = [m for m in spans.overlapping(start, end) if m.entry.kind in CUES]
        if not listed and not any(_cue_within(cue, starts, folded, max(0, start - 300), end) for cue, starts in cues):
            continue  # neither a name of a listed kind nor a cue: nothing to read here
        for pieces in _groups(text, start, end):
            found += _read_enumeration(text, pieces, spans, straddled)
    return found


def _cue_within(cue: re.Pattern, starts: list[int], folded: str, pos: int, endpos: int) -> bool:
    """``cue.search(folded, pos, endpos)``, given the starts of ``cue``'s matches in all of ``folded``
    (a cue is ``\\b`` and letters, so no match of it starts inside another)."""
    for i in range(bisect.bisect_left(starts, pos), len(starts)):
        if starts[i] >= endpos:
            return False
        if cue.match(folded, starts[i], endpos):
            return True
    return False


def _clauses(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _groups(text: str, start: int, end: int) -> Iterable[list[tuple[int, int]]]:
    """The bracketed groups of a clause, each one piece, then the clause with them left out: its
    pieces between the groups ("CBAP (the reference), PMI-PBA" lists CBAP and PMI-PBA)."""
    depth, opened, outer = 0, start, start
    outside: list[tuple[int, int]] = []
    for bracket in _BRACKET.finditer(text, start, end):  # the brackets only, not every character
        i = bracket.start()
        char = text[i]
        if char in "([":
            if depth == 0:
                if i > outer:
                    outside.append((outer, i))
                opened = i + 1
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            if depth == 0:
                yield [(opened, i)]
                outer = i + 1
    if depth == 0 and outer < end:
        outside.append((outer, end))
    if outside:
        yield outside


def _straddled(length: int, mentions: Sequence[Mention]) -> bytearray:
    """1 at each offset that lies strictly inside a mention (after its first character, before its end):
    a separator there is part of a name ("CI/CD", "Pen & paper"). Marked once per text, where a scan of
    the clause's mentions for each separator grew with both."""
    straddled = bytearray(length + 1)
    for m in mentions:
        if m.end - m.start > 1:
            straddled[m.start + 1:m.end] = b"\x01" * (m.end - m.start - 1)
    return straddled


def _items(text: str, start: int, end: int, straddled: bytearray) -> list[tuple[int, int]]:
    """The items of ``text[start:end]`` split at separators that no mention straddles."""
    items, cursor = [], start
    for first, after in _separators(text, start, end):
        last = after - 1
        if straddled[first] or straddled[last]:
            continue
        items.append((cursor, first))
        cursor = last + 1
    items.append((cursor, end))
    trimmed = []
    for s, e in items:
        piece = text[s:e]
        intro = _INTRO.match(piece)
        if intro:  # what came before the words that introduce the enumeration is not part of it
            s += intro.end()
            trimmed = []
        piece = text[s:e]
        trailing = _TRAILING.search(piece)
        if trailing:
            e = s + trailing.start()
        while s < e and text[s] in " \t\u00a0-•*'\"«»“”":
            s += 1
        while e > s and text[e - 1] in " \t\u00a0'\"«»“”":
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _separators(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The spans of the separators of ``text[start:end]``, each with the spaces around it."""
    previous = start  # a separator's spaces never reach back into the one before
    for match in _SEPARATOR.finditer(text, start, end):
        first = match.start()
        while first > previous and text[first - 1].isspace():
            first -= 1
        after = _SPACE.match(text, match.end(), end).end()
        yield first, after
        previous = after


def _read_enumeration(text: str, pieces: list[tuple[int, int]], spans: Spans, straddled: bytearray) -> list[Mention]:
    known: dict[str, list[Entry]] = {kind: [] for kind in CUES}
    unknown: list[tuple[int, int]] = []
    items = 0
    for s, e in (item for start, end in pieces for item in _items(text, start, end, straddled)):
        if _labels_a_list(text, e):
            continue  # "SAST (Semgrep, CodeQL)": the name of the group, not one of its items
        covering = spans.overlapping(s, e)
        if all(m.entry.kind == "organisation" for m in covering) and not _covers(text, s, e, covering):
            covering = []  # "PMI-PBA": an issuer's name inside a longer one
        if not covering:
            if len(text[s:e].split()) > MAX_WORDS:
                continue  # prose around the enumeration ("En termes d'infrastructure, …")
            if _product_shaped(text[s:e]):
                unknown.append((s, e))
        else:
            kinds = {m.entry.kind for m in covering}
            if len(kinds) == 1 and kinds <= set(known) and _covers(text, s, e, covering):
                known[covering[0].entry.kind].append(covering[0].entry)
        items += 1
    if not unknown or items < 2:
        return []
    kind = max(known, key=lambda k: len(known[k]))
    if not (len(known[kind]) >= 2 and len(known[kind]) * 2 >= items):
        line = fold(_sentence_before(text, pieces[0][0]))
        announced = [k for k, cue in CUES.items() if cue.search(line)]
        unknown = [(s, e) for s, e in unknown if not _is_word(text[s:e])]
        if len(announced) != 1 or not unknown:
            return []
        kind = announced[0]
    category = Counter(t.attrs.get("category", "other") for t in known["tool"]).most_common(1)
    attrs = {"category": category[0][0] if category else "other"} if kind == "tool" else {}
    return [Mention(_entry(kind, text[s:e], attrs), s, e, text[s:e]) for s, e in unknown]


_BRACKETED_AFTER = re.compile(r"\s*\(([^()]*)\)")


def _labels_a_list(text: str, end: int) -> bool:
    """Whether the item ending at ``end`` is followed by a bracketed list of its own."""
    after = _BRACKETED_AFTER.match(text, end, end + 300)
    return bool(after and re.search(r"[,/]", after.group(1)))


def _covers(text: str, start: int, end: int, mentions: list[Mention]) -> bool:
    """Whether the mentions leave nothing but spaces and punctuation of the item uncovered."""
    rest = text[start:end]
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        rest = rest[:max(0, m.start - start)] + rest[m.end - start:]
    return not re.search(r"\w", rest)


#: Where the sentence before an enumeration starts: a line break or a sentence end.
_SENTENCE_START = re.compile(r"\n|[.!?]\s")


def _sentence_before(text: str, start: int) -> str:
    """The words of the sentence before ``start``, up to the enumeration: where a cue would announce it."""
    begin = max((m.end() for m in _SENTENCE_START.finditer(text, max(0, start - 300), start)), default=max(0, start - 300))
    return text[begin:start]


def _product_shaped(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= MAX_WORDS or len(name) > 30:
        return False
    if not all(_PRODUCT_WORD.match(w) for w in words):
        return False
    if any(fold(w) in _COMMON for w in words):
        return False
    if not any(c.isalpha() for c in name):
        return False
    if len(words) > 1 and all(is_common_word(w) for w in words):
        return False  # "Improve Everything": words of the language, capitalised
    if len(words) > 1 and words[-1].isdigit() and all(is_common_word(w) for w in words[:-1]):
        return False  # "Level 2", "Phase 3": a word of the language numbered
    return all(w[0].isupper() or any(c.isdigit() for c in w) or any(c.isupper() for c in w[1:]) for w in words)


def _is_word(name: str) -> bool:
    """Whether ``name`` is one ordinary word of English or French (any case)."""
    return " " not in name and is_common_word(name)


def _entry(kind: str, name: str, attrs: dict) -> Entry:
    return Entry(kind, LISTED_PREFIX + id_slug(name), name, (name,), (), exact_case=True, attrs=attrs)
