"""Tools named in a list of tools: an unknown product name read from the list it stands in.

No lexicon names every product. A name the lexicon does not know is still read as a tool where it
stands as one item of an enumeration whose other items are tools ("Hadoop, Hive, Spark, Storm ou
encore Pig"; "SAST (Semgrep, CodeQL, SonarQube)"), or of an enumeration in a clause that announces
tools ("outils : …", "tooling: …"), and where it is shaped like a product name: one to three words,
each written with a capital or a digit, none of them a grammatical word and not all of them words
of the language. The enumeration starts at the words that introduce it ("tels que", "such as"). In a clause that only
announces tools, with fewer tools known around it, a name must also be no word of the language
("Gitleaks", "CodeQL", not "Improve"). Its category is the one most of its neighbours share.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from ..labels import fold
from ..lexicon import Entry
from .matcher import Mention
from .words import is_common_word

#: The prefix of the id of a tool read from its list, not from the lexicon.
LISTED_PREFIX = "listed-"
#: Where a clause that may hold an enumeration ends: sentence ends (not the dot of ".NET" or
#: "Node.js"), semicolons, colons and line breaks.
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|[;:\n]")
#: What separates the items of an enumeration.
_SEPARATOR = re.compile(r"\s*(?:,|/|\||\bou encore\b|\bou bien\b|\bvoire\b|\bet\b|\bou\b|\band\b|\bor\b|"
                        r"\bas well as\b|\bainsi que\b)\s*", re.IGNORECASE)
#: Words that introduce the items of an enumeration; an item starts after them.
_INTRO = re.compile(r"^.*\b(?:tels? que|telles? que|such as|like|comme|notamment|including|incl\.|e\.g\.|"
                    r"par exemple|ex\.|type|de type)\s+", re.IGNORECASE)
#: Words (folded) of a clause that announce tools.
_TOOL_CUE = re.compile(r"\b(outil|outillage|logiciel|tool|software|stack|framework|cadriciel|librair|librar|"
                       r"plateforme|platform|solution)")
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


def listed_tools(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """New tool mentions for the unknown product names that stand in an enumeration of tools in
    ``text``, given the lexicon's ``mentions`` there (sorted by offset)."""
    found: list[Mention] = []
    spans = [(m.start, m.end, m) for m in mentions]
    for start, end in _clauses(text):
        for group_start, group_end in _groups(text, start, end):
            found += _read_enumeration(text, group_start, group_end, spans)
    return found


def _clauses(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _groups(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The bracketed groups of a clause, then the clause with them left out (as one span with
    holes: its pieces between groups)."""
    depth, opened, outer = 0, start, start
    for i in range(start, end):
        char = text[i]
        if char in "([":
            if depth == 0:
                if i > outer:
                    yield outer, i
                opened = i + 1
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
            if depth == 0:
                yield opened, i
                outer = i + 1
    if depth == 0 and outer < end:
        yield outer, end


def _items(text: str, start: int, end: int, spans) -> list[tuple[int, int]]:
    """The items of ``text[start:end]`` split at separators that no mention straddles."""
    inside = [(s, e) for s, e, _ in spans if s < end and e > start]
    items, cursor = [], start
    for match in _SEPARATOR.finditer(text, start, end):
        if any(s < match.start() < e or s < match.end() - 1 < e for s, e in inside):
            continue
        items.append((cursor, match.start()))
        cursor = match.end()
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


def _read_enumeration(text: str, start: int, end: int, spans) -> list[Mention]:
    tools: list[Entry] = []
    unknown: list[tuple[int, int]] = []
    items = 0
    for s, e in _items(text, start, end, spans):
        covering = [m for ms, me, m in spans if ms < e and me > s]
        if not covering:
            if len(text[s:e].split()) > MAX_WORDS:
                continue  # prose around the enumeration ("En termes d'infrastructure, …")
            if _product_shaped(text[s:e]):
                unknown.append((s, e))
        elif all(m.entry.kind == "tool" for m in covering) and _covers(text, s, e, covering):
            tools.append(covering[0].entry)
        items += 1
    if not unknown or items < 2:
        return []
    among_tools = len(tools) >= 2 and len(tools) * 2 >= items
    if not among_tools:
        if not _TOOL_CUE.search(fold(_line_before(text, start))):
            return []
        if any(_is_word(text[s:e]) for s, e in unknown):
            return []
    category = Counter(t.attrs.get("category", "other") for t in tools).most_common(1)
    category_name = category[0][0] if category else "other"
    return [Mention(_entry(text[s:e], category_name), s, e, text[s:e]) for s, e in unknown]


def _covers(text: str, start: int, end: int, mentions: list[Mention]) -> bool:
    """Whether the mentions leave nothing but spaces and punctuation of the item uncovered."""
    rest = text[start:end]
    for m in sorted(mentions, key=lambda m: m.start, reverse=True):
        rest = rest[:max(0, m.start - start)] + rest[m.end - start:]
    return not re.search(r"\w", rest)


def _line_before(text: str, start: int) -> str:
    """The words of the line before ``start``, up to the enumeration: where a cue would announce it."""
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start]


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
    return all(w[0].isupper() or any(c.isdigit() for c in w) or any(c.isupper() for c in w[1:]) for w in words)


def _is_word(name: str) -> bool:
    """Whether ``name`` is one ordinary word of English or French (any case)."""
    return " " not in name and is_common_word(name)


def _entry(name: str, category: str) -> Entry:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return Entry("tool", LISTED_PREFIX + slug, name, (name,), (), exact_case=True, attrs={"category": category})
