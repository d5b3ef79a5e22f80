"""Certifications the lexicon does not name, read from how their names are built.

Capitalised words, then "certificate" or "certification" ("TensorFlow Developer Certificate", "the
Blue Team Level 1 certification"); "Certified" before a capitalised name ("Certified Data Privacy
Professional"); in French, "certification" or "certificat" before a capitalised name that holds a
product's or an issuer's ("la certification Salesforce Administrator"). The name is the words as
written. One capitalised word alone ("Security Certificate" at the start of a sentence) says too
little: it must be a product's or an issuer's name, as in French.

A certification in a field is also named by its topic, a skill or a field of knowledge: "ML
certifications", "online ML training programs and certifications" (the topic shared with a training
noun), "une certification en analyse de données". It is called "<the topic's name> certification".
"""
from __future__ import annotations

import re
from typing import Sequence

from ..labels import fold, id_slug
from ..lexicon import Entry
from .matcher import Mention, Token
from .spans import Spans

#: The prefix of the ids of certifications read by this grammar (the lexicon's have none).
NEW_PREFIX = "certificate-"
#: Words that end an English certification's name (any case).
_HEADS = frozenset({"certificate", "certification", "certificat"})
#: Words that open a French one ("la certification …", "le certificat …").
_FRENCH_HEADS = frozenset({"certification", "certificat"})
#: Capitalised words that start a sentence or a clause rather than a name.
NOT_NAMES = frozenset(fold(w) for w in """The A An This That These Those Our Your Their Its His Her Any Each
Every Some Such No Le La Les Un Une Des Ce Cette Ces Son Sa Ses Leur Leurs Notre Votre""".split())
#: Most name words before the head, or after "Certified"; at least this many after "Certified".
_MOST_WORDS = 5
_LEAST_AFTER_CERTIFIED = 2
#: Name words before the head that stand without a product or an issuer among them.
_LEAST_WORDS_ALONE = 2
#: Words that make a certificate an academic qualification, which is no certification: "Higher National
#: Certificate", "Postgraduate Certificate", "Level 3 Certificate".
_ACADEMIC = frozenset(fold(w) for w in """higher national graduate postgraduate undergraduate advanced university
college school education academic diploma""".split())
#: Opening a name, a level is an academic one ("Level 3 Certificate"); inside, a grade of the
#: certification ("Blue Team Level 1").
_ACADEMIC_FIRST = "level"
#: Kinds of mention that anchor a name: a product or an issuer.
_ANCHORS = frozenset({"tool", "organisation"})


def certificate_names(text: str, tokens: Sequence[Token], candidates: list[Mention]) -> list[Mention]:
    """Certification mentions built by the grammar in ``tokens`` (of ``text``), where no certification
    or diploma of the lexicon (among ``candidates``) overlaps them."""
    anchors = Spans(m for m in candidates if m.entry.kind in _ANCHORS)
    known = Spans(m for m in candidates if m.entry.kind in ("certification", "diploma"))
    found = []

    def add(first: int, last: int, words: tuple[int, int], french: bool = False, anchored: bool = True) -> None:
        start, end = tokens[first].start, tokens[last].end
        name_start, name_end = tokens[words[0]].start, tokens[words[1]].end
        inside = [a for a in anchors.overlapping(name_start, name_end) if name_start <= a.start and a.end <= name_end]
        named = [fold(text[t.start:t.end]) for t in tokens[words[0]:words[1] + 1]]
        if (anchored and not inside) or known.overlapping(start, end) or named[0] == _ACADEMIC_FIRST or \
                any(w in _ACADEMIC for w in named):
            return
        name = text[start:end] if not french else f"{text[name_start:name_end]} certification"
        issuers = [a.entry.id for a in inside if a.entry.kind == "organisation"]
        entry = Entry("certification", NEW_PREFIX + id_slug(name), name, (name,), (),
                      attrs={"issuer": issuers[0]} if issuers else {})
        found.append(Mention(entry, start, end, text[start:end]))

    for k, token in enumerate(tokens):
        word = text[token.start:token.end]
        if word == "Certified":
            last = _name_after(text, tokens, k)
            if last - k >= _LEAST_AFTER_CERTIFIED:
                add(k, last, (k + 1, last), anchored=False)
            continue
        if word.lower() not in _HEADS:
            continue
        first = _name_before(text, tokens, k)
        if first < k:  # English order, the name first: several name words say enough without a product
            add(first, k, (first, k - 1), anchored=k - first < _LEAST_WORDS_ALONE)
        elif word.lower() in _FRENCH_HEADS:
            last = _name_after(text, tokens, k)
            if last > k:
                add(k, last, (k + 1, last), french=True)
    return found


def _name_word(text: str, token: Token) -> bool:
    word = text[token.start:token.end]
    return (word[:1].isupper() or word[:1].isdigit() or any(c.isupper() for c in word[1:])) \
        and fold(word) not in NOT_NAMES


def _joined(token: Token) -> bool:
    """Whether ``token`` continues the name of the word before it (one space between them)."""
    return token.gap_before == " "


def _name_before(text: str, tokens: Sequence[Token], head: int) -> int:
    """The first of the name words right before ``tokens[head]`` (``head`` itself when there are none)."""
    first = head
    while first > 0 and head - first < _MOST_WORDS and _joined(tokens[first]) and _name_word(text, tokens[first - 1]):
        first -= 1
    return first


def _name_after(text: str, tokens: Sequence[Token], head: int) -> int:
    """The last of the name words right after ``tokens[head]`` (``head`` itself when there are none)."""
    last = head
    while last + 1 < len(tokens) and last - head < _MOST_WORDS and _joined(tokens[last + 1]) \
            and _name_word(text, tokens[last + 1]):
        last += 1
    return last


#: After a topic (English order): training nouns it is shared with, then the certification noun; not
#: "certificate", which in IT is as often a key's ("security certificate renewals", "certificats SSL").
_TOPIC_THEN_CERTIFICATION = re.compile(
    r"[ \t\u00a0-]+(?:(?:training|courses?|programs?|programmes?|classes)[ \t\u00a0]+)*(?:(?:and|or|&)[ \t\u00a0]+)?"
    r"certifications?\b", re.I)
#: Before a topic (French order): "certification en", "certifications de".
_CERTIFICATION_THEN_TOPIC = re.compile(
    r"\bcertifications?[ \t\u00a0]+(?:en|de|d['’]|sur)[ \t\u00a0]*(?:l['’]|la[ \t\u00a0]+|le[ \t\u00a0]+)?\Z", re.I)


#: A copula and its determiner before a topic certification: the phrase classifies a certification named
#: before it ("ISTQB Foundation Level is the best known QA certification"), and is none of its own.
_PREDICATE = re.compile(r"\b(?:is|are|remains|est|sont|reste)[ \t\u00a0]+(?:one[ \t\u00a0]+of[ \t\u00a0]+)?"
                        r"(?:the|a|an|la|le|une?|l['’]une[ \t\u00a0]+des)[ \t\u00a0]+(?:[\w-]+[ \t\u00a0]+){0,4}\Z", re.I)


def topic_certificates(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Certifications named by their topic (see the module's docstring): a skill or knowledge mention of
    ``mentions`` with the certification noun after it, or in French before it, where no certification
    or diploma of ``mentions`` overlaps them and no copula makes them a predicate."""
    known = Spans(m for m in mentions if m.entry.kind in ("certification", "diploma"))
    found = []
    for m in mentions:
        if m.entry.kind != "competency" or m.entry.get("type") == "soft":
            continue
        after = _TOPIC_THEN_CERTIFICATION.match(text, m.end)
        before = None if after else _CERTIFICATION_THEN_TOPIC.search(text, max(0, m.start - 40), m.start)
        if not (after or before) or (after and _PREDICATE.search(text, max(0, m.start - 60), m.start)):
            continue
        start, end = (m.start, after.end()) if after else (before.start(), m.end)
        if known.overlapping(start, end):
            continue
        name = f"{m.entry.name} certification"
        entry = Entry("certification", NEW_PREFIX + id_slug(name), name, (name,), ())
        found.append(Mention(entry, start, end, text[start:end]))
    return found
