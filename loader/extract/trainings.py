"""Training routes named around their topic: "online ML training programs", "formation intensive en
cybersécurité", "a part-time data course".

The lexicon's training entries already say which word makes a route of a training noun ("online
training", "formation en ligne", "intensive course"). Here that word may stand a few words away from
the noun, with the topic of the training between them: before the noun in English word order, after
it in French. Only the words of one clause count, and the matcher's own contiguous readings are left
to it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Sequence

from ..labels import word_keys
from ..lexicon import Entry, Lexicon
from .matcher import Mention, Token, tokenize
from .spans import Spans

#: Nouns that name a training: a route is one of these with the word that makes it that route.
TRAINING_NOUNS = frozenset(word_keys(
    "training trainings course courses programme programmes program programs class classes "
    "formation formations cours cursus"))
#: First words of variants that do not stand apart from their noun: parts of one compound ("self-training",
#: "auto-formation") and negations ("sans formation", "without formal training").
BOUND = frozenset(word_keys("self auto sans without"))
#: Words allowed between the route word and the training noun: the topic ("ML", "au développement web").
MAX_BETWEEN = 4
#: Words that join a topic to its noun ("formation au développement web", "training in data science").
JOINING = frozenset(word_keys("au aux en de du des d la le les l in of on for the a an"))
#: Longest route word, in content words ("100 % en ligne").
MAX_MODIFIER = 3


class Routes:
    """The words that make a route of a training noun, read from the lexicon's training variants: those
    standing before the noun ("online training") and those after it ("formation en ligne")."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.before: dict[tuple[str, ...], Entry] = {}
        self.after: dict[tuple[str, ...], Entry] = {}
        for entry in entries:
            if entry.kind != "training":
                continue
            for text, _ in entry.variants:
                keys = tuple(t.key for t in tokenize(text) if t.key)
                if len(keys) < 2 or len(keys) > MAX_MODIFIER + 1 or keys[0] in BOUND:
                    continue
                if keys[-1] in TRAINING_NOUNS and not TRAINING_NOUNS & set(keys[:-1]):
                    self.before.setdefault(keys[:-1], entry)
                elif keys[0] in TRAINING_NOUNS and not TRAINING_NOUNS & set(keys[1:]):
                    self.after.setdefault(keys[1:], entry)


@lru_cache(maxsize=4)
def routes_for(lexicon: Lexicon) -> Routes:
    """The route words of a lexicon, read once per process."""
    return Routes(lexicon.entries)


def training_routes(text: str, tokens: Sequence[Token], lexicon: Lexicon, topics: Sequence[Mention]) -> list[Mention]:
    """Trainings named by a route word and a training noun with their topic between them: words of
    ``topics`` (the skills, tools and fields found in the text) and the prepositions that join them."""
    routes = routes_for(lexicon)
    covered = Spans(topics)
    found = []
    for n, token in enumerate(tokens):
        if token.key not in TRAINING_NOUNS:
            continue
        for size in range(1, MAX_MODIFIER + 1):
            for between in range(1, MAX_BETWEEN + 1):
                # English order: the route word, the topic, then the noun
                first = n - between - size
                if first >= 0 and _topic(tokens[first + size:n], covered):
                    entry = routes.before.get(tuple(t.key for t in tokens[first:first + size]))
                    if entry and _one_clause(tokens, first, n):
                        found.append(_mention(text, entry, tokens[first], token))
                # French order: the noun, the topic, then the route word
                last = n + between + size
                if last < len(tokens) and _topic(tokens[n + 1:n + 1 + between], covered):
                    entry = routes.after.get(tuple(t.key for t in tokens[last - size + 1:last + 1]))
                    if entry and _one_clause(tokens, n, last):
                        found.append(_mention(text, entry, token, tokens[last]))
    # one mention per route word: the nearest noun ("online ML training", not also "... training programs")
    nearest: dict[tuple[str, int], Mention] = {}
    for m in found:
        key = (m.entry.id, m.start)
        if key not in nearest or m.end < nearest[key].end:
            nearest[key] = m
    return list(nearest.values())


def _topic(between: Sequence[Token], covered: Spans) -> bool:
    """Whether ``between`` is a topic: each word inside a topic mention, or a word that joins them."""
    return any(t.key for t in between) and all(
        not t.key or t.key in JOINING or covered.containing(t.start, t.end) for t in between)


def _one_clause(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether tokens ``first``..``last`` are read in one breath: only spaces, hyphens and apostrophes
    between them, no comma or full stop."""
    return all(tokens[k].soft for k in range(first + 1, last + 1))


def _mention(text: str, entry: Entry, first: Token, last: Token) -> Mention:
    return Mention(entry, first.start, last.end, text[first.start:last.end])
