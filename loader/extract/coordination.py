"""Roles named by a coordination that shares their head or their modifier.

"front-end or back-end developer" names two roles, the first without its head; "développeur front-end
ou back-end" shares the head the other way round, and "QA analysts and testers" shares the modifier.
Next to each role the lexicon found, a conjunct joined by "or", "and", "ou", "et", a comma or a slash
is given the role's missing part, and what it then reads is a role where the lexicon names one.
"""
from __future__ import annotations

from typing import Iterator, Sequence

from .matcher import Matcher, Mention, Token

#: Word keys of the conjunctions that join the conjuncts of a coordination.
CONJUNCTIONS = frozenset({"or", "and", "ou", "et"})
#: Longest conjunct, in tokens.
MAX_CONJUNCT = 3


def coordinated_roles(text: str, tokens: Sequence[Token], mentions: Sequence[Mention], matcher: Matcher,
                      language: str | None) -> list[Mention]:
    """New role mentions for the conjuncts that share a head or modifier with a role of ``mentions``,
    and, in a longer list, with the role a conjunct was read as ("front-end, back-end and mobile
    developers" is three roles).

    Each new mention spans the conjunct and the role it borrows from, which is what states it."""
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    known = {(m.start, m.end, m.entry.id) for m in mentions}
    found: list[Mention] = []
    # (the role's mention, the words it reads, the tokens that state them)
    queue = [(m, [t.key for t in tokens[starts[m.start]:ends[m.end] + 1]], starts[m.start], ends[m.end])
             for m in mentions if m.entry.kind == "role" and m.start in starts and m.end in ends]
    while queue:
        mention, keys, first, last = queue.pop()
        if len(keys) < 2 or not all(keys):
            continue
        for conjunct, before in _conjuncts(tokens, first, last):
            if not before and language == "en" and conjunct[0].gap_before.strip() == ",":
                break  # "product managers, designers and engineers": English lists roles whole after a comma
            entry, reading = _role(matcher, _readings(keys, [t.key for t in conjunct], before), language, mention)
            if entry is None:
                continue
            start, end = (conjunct[0].start, mention.end) if before else (mention.start, conjunct[-1].end)
            if (start, end, entry.id) not in known:
                known.add((start, end, entry.id))
                new = Mention(entry, start, end, text[start:end])
                found.append(new)
                if len(found) < MAX_CHAINED:
                    queue.append((new, reading, starts[conjunct[0].start], ends[conjunct[-1].end]))
            break
    return found


#: Most roles read from the conjuncts of one document's coordinations.
MAX_CHAINED = 200


def _conjuncts(tokens: Sequence[Token], first: int, last: int) -> Iterator[tuple[list[Token], bool]]:
    """The conjuncts joined to the span ``tokens[first..last]``, longest first on each side, each with
    whether it stands before the span."""
    # before: "X or <span>", "X, <span>", "X/<span>"
    joint = _joint(tokens, first)
    if joint is not None:
        for size in range(MAX_CONJUNCT, 0, -1):
            begin = joint - size
            if begin >= 0 and _contiguous(tokens, begin, joint - 1):
                yield list(tokens[begin:joint]), True
    # after: "<span> or X", "<span>, X", "<span>/X"
    after = last + 1
    if after < len(tokens):
        if tokens[after].key in CONJUNCTIONS and tokens[after].soft:
            begin = after + 1
        elif tokens[after].gap_before.strip() in {",", "/"}:
            begin = after
        else:
            return
        for size in range(MAX_CONJUNCT, 0, -1):
            end = begin + size - 1
            if end < len(tokens) and (begin == after or tokens[begin].soft) and _contiguous(tokens, begin, end):
                yield list(tokens[begin:end + 1]), False


def _joint(tokens: Sequence[Token], first: int) -> int | None:
    """Where the conjunct before ``tokens[first]`` ends (exclusive), if a conjunction joins them."""
    if first >= 2 and tokens[first - 1].key in CONJUNCTIONS and tokens[first].soft and tokens[first - 1].soft:
        return first - 1
    if first >= 1 and tokens[first].gap_before.strip() in {",", "/"}:
        return first
    return None


def _contiguous(tokens: Sequence[Token], begin: int, end: int) -> bool:
    """Whether ``tokens[begin..end]`` are content words joined by spaces or hyphens only."""
    span = tokens[begin:end + 1]
    return all(t.key and t.key not in CONJUNCTIONS for t in span) and all(t.soft for t in span[1:])


def _readings(keys: list[str], conjunct: list[str], before: bool) -> Iterator[list[str]]:
    """What the conjunct reads with the part it borrows from the role's words ``keys``: a conjunct
    before takes the role's tail (its head, in English), a conjunct after its start (its head, in
    French) or its modifiers ("QA analysts and testers")."""
    if before:
        for cut in range(1, len(keys)):
            yield conjunct + keys[cut:]
    else:
        for cut in range(len(keys) - 1, 0, -1):
            yield keys[:cut] + conjunct
        for begin in range(1, len(keys) - 1):
            yield keys[begin:-1] + conjunct


def _role(matcher: Matcher, readings: Iterator[list[str]], language: str | None, mention: Mention):
    """The first role that one of ``readings`` names, other than ``mention``'s, with that reading."""
    for reading in readings:
        for entry, exact, lang, _accents in matcher.index.get("".join(reading), ()):
            if entry.kind == "role" and entry != mention.entry and exact is None and lang in ("any", language):
                return entry, reading
    return None, None
