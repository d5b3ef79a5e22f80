"""Training routes named around their topic: "online ML training programs", "formation intensive en
cybersécurité", "a part-time data course".

The lexicon's training entries already say which word makes a route of a training noun ("online
training", "formation en ligne", "intensive course"). Here that word may stand a few words away from
the noun, with the topic of the training between them: before the noun in English word order, after
it in French. Only the words of one clause count, and the matcher's own contiguous readings are left
to it.

Schools and training providers are trainings too, named as written: after "école" ("l'école 42"),
after a place that teaches and a cue that gives examples of it ("un établissement spécialisé, à
l'instar de l'EFET", "bootcamps such as Ironhack"), or after a lower-case "formations" ("les
formations Studi").
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from ..labels import fold, id_slug, word_keys
from ..lexicon import Entry, Lexicon
from .certificates import NOT_NAMES
from .matcher import Mention, Token, tokenize
from .qualifications import level_mentions
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


# ---------------------------------------------------------------- named schools

#: The prefix of the ids of schools read by this grammar.
SCHOOL_PREFIX = "school-"
#: A school's name: capitalised words, acronyms or numbers, one space apart ("EFET Studio Créa", "42").
_NAME = r"[A-ZÀ-ÖØ-Þ0-9][\w&+.’'-]*(?: [A-ZÀ-ÖØ-Þ0-9][\w&+.’'-]*){0,4}"
#: "l'école 42", "École Simplon": the noun, then the name.
_AFTER_SCHOOL = re.compile(rf"\b[ÉéEe]coles? ({_NAME})")
#: A place that teaches, a few words of its own ("établissement spécialisé", "centres de formation agréés"),
#: then a cue that gives examples of it.
_BY_EXAMPLE = re.compile(
    r"\b(?i:[ée]coles?|[ée]tablissements?|instituts?|organismes?|centres?|schools?|academies|institutes?|"
    r"bootcamps?|providers?)(?: [a-zà-ÿ’'-]+){0,3}?,? (?:comme|tel(?:le)?s? que|à l['’]instar d[eu']|notamment|"
    rf"par exemple|such as|like|including|e\.g\.,?) (?:l['’]|la |le |les |the )?({_NAME})")
#: Parts of the nouns of ``_BY_EXAMPLE``, one of which its text must hold (lower case).
_SCHOOL_STEMS = ("cole", "tablissement", "institut", "organisme", "centre", "school", "academ", "bootcamp", "provider")
#: "les formations Studi": a lower-case training noun, then the provider's name.
_AFTER_TRAINING = re.compile(rf"\bformations? ({_NAME})")
#: What joins the names of a list of schools.
_NEXT_NAME = re.compile(rf"(?:, | et | ou | and | or )(?:l['’]|la |le |the )?({_NAME})")
#: Kinds of mention that a school's name must not hold (nor a level, "Bac+2"): its words name something
#: else, or the school itself.
_OTHER_NAMES = frozenset({"competency", "tool", "role", "diploma", "certification", "training", "degree", "field"})


def school_names(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Trainings named after a school or a training provider (see the module's docstring), where none
    of ``mentions`` (of the kinds in ``_OTHER_NAMES``) lies in the name."""
    others = Spans(m for m in mentions if m.entry.kind in _OTHER_NAMES)
    found: dict[tuple[int, int], Mention] = {}

    def add(start: int, end: int) -> int:
        name = text[start:end].rstrip(".-’'")
        end = start + len(name)
        if not name or fold(name.split(" ")[0]) in NOT_NAMES or others.overlapping(start, end) or level_mentions(name):
            return end
        entry = Entry("training", SCHOOL_PREFIX + id_slug(name), name, (name,), (), attrs={"type": "school"})
        found.setdefault((start, end), Mention(entry, start, end, name))
        return end

    lowered = text.lower()
    for pattern, needed in ((_AFTER_SCHOOL, ("cole",)), (_BY_EXAMPLE, _SCHOOL_STEMS), (_AFTER_TRAINING, ("formation",))):
        if not any(stem in lowered for stem in needed):
            continue  # a search in C for what the pattern cannot do without, before the pattern's own
        for match in pattern.finditer(text):
            end = add(*match.span(1))
            while pattern is _BY_EXAMPLE and (more := _NEXT_NAME.match(text, end)):
                end = add(*more.span(1))
    return list(found.values())
