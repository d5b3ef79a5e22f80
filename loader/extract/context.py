"""Context and sense of mentions: what a name means from the words around it.

A name and its abbreviation in brackets are one mention ("Certified Ethical Hacker (CEH)"), and so are
a vendor's certifications and the one of them the bracket names ("certification Kubernetes (CKA)"); a
certification issuer named in a sentence about certifications stands for its certifications
("certifications such as CompTIA"); certifications in general followed by examples name the examples
("cloud certifications such as the CKA" is the CKA); and a tool or skill named inside a longer entity (a diploma's
name, "Master en cybersécurité") belongs to that entity, not to the document's own list. What a sentence
says the subject is not concerned with ("they are not responsible for the security of the data") is not
the subject's, nor are the trends a sentence says drive the market ("driven by the expansion of AI and
IoT", "avec l'essor du cloud").
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from ..labels import fold
from .cues import CLAUSE_END, sentence_bounds
from .matcher import Mention
from .spans import Spans

#: What may stand between a name and its bracketed abbreviation: spaces and one opening bracket.
_OPEN = re.compile(r"^[ \t\u00a0]*[(\[][ \t\u00a0]*$")
_CLOSE = re.compile(r"[ \t\u00a0]*[)\]]")


def join_bracketed(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` (sorted by offset, as ``resolve`` gives them) with each "name (abbreviation)"
    of one entry read as a single mention over both."""
    joined: list[Mention] = []
    skip: set[int] = set()
    for i, first in enumerate(mentions):
        if i in skip:
            continue
        partner = _bracketed_partner(text, mentions, i)
        if partner is None:
            joined.append(first)
            continue
        second = mentions[partner]
        close = _CLOSE.match(text, second.end)
        end = close.end() if close else second.end
        # "certification Kubernetes (CKA)": the bracket names which of the issuer's certifications
        joined.append(Mention(second.entry, first.start, end, text[first.start:end],
                              fuzzy=first.fuzzy and second.fuzzy))
        skip.add(partner)
    return joined


def _bracketed_partner(text: str, mentions: Sequence[Mention], i: int) -> int | None:
    """The index of the mention of the same entry that opens a bracket right after mention ``i``."""
    first = mentions[i]
    for k in range(i + 1, min(i + 4, len(mentions))):
        second = mentions[k]
        if second.start < first.end:
            continue
        if not _OPEN.match(text[first.end:second.start]):
            return None
        if (second.entry == first.entry or _names_one_of(first, second) or _title_of(first, second)) and \
                _CLOSE.match(text, second.end):
            return k
        return None
    return None


def _title_of(role: Mention, certification: Mention) -> bool:
    """Whether ``role`` names the title that the bracketed ``certification`` confers: "Scrum Master (PSM I)"
    is the certification, its words a part of the certification's name, and no role of the document."""
    if role.entry.kind != "role" or certification.entry.kind != "certification":
        return False
    words = fold(role.surface).lower()
    entry = certification.entry
    return any(words in fold(name).lower() for name in (entry.name, *entry.en, *entry.fr))


def _names_one_of(generic: Mention, specific: Mention) -> bool:
    """Whether ``generic`` is a vendor's certifications in general ("certification Kubernetes") and
    ``specific`` one certification of the same issuer ("CKA")."""
    a, b = generic.entry, specific.entry
    return a.kind == b.kind == "certification" and bool(a.get("vendor_tools") or a.get("vendor_organisations")) \
        and a.get("issuer") is not None and a.get("issuer") == b.get("issuer") and a != b


#: What opens the examples of a kind of certification: "such as", "like", "comme", "(", "e.g.".
_EXAMPLES = re.compile(r"[ \t\u00a0]*(?:,[ \t\u00a0]*)?(?:\(|such as|like|including|e\.g\.,?|for example,?|for instance,?|"
                       r"comme|tel(?:le)?s? que|notamment|par exemple)[ \t\u00a0]*"
                       r"(?:(?:the|la|le|les|l['’]|celles? de|celles? d['’])[ \t\u00a0]*)?", re.I)
#: The words a certification's name ends in when it names certifications in general.
_GENERAL = ("certification", "certifications", "certificate", "certificates")


def general_before_examples(text: str, mentions: Sequence[Mention]) -> set[int]:
    """The mentions (by id) of certifications in general ("cloud certifications", "IIBA certification")
    followed by examples that are certifications ("such as the CKA", "(ECBA or CBAP)"): the document
    asks for the examples, so the general name is no item of its own."""
    starts = {m.start for m in mentions if m.entry.kind == "certification"}
    found = set()
    for m in mentions:
        if m.entry.kind != "certification" or not fold(m.entry.name).lower().endswith(_GENERAL):
            continue
        opener = _EXAMPLES.match(text, m.end)
        if opener and opener.end() > m.end and opener.end() in starts:
            found.add(id(m))
    return found


def outside(evidence_spans: Iterable[tuple[int, int]], longer: Iterable[tuple[int, int]] | Spans,
            strictly: bool = True) -> list[bool]:
    """For each (start, end) of ``evidence_spans``, whether it lies outside every span of ``longer``
    that strictly contains it (a span equal to a longer one is not inside it), or that contains it or
    equals it when not ``strictly``."""
    spans = longer if isinstance(longer, Spans) else Spans(set(longer))
    return [not spans.containing(start, end, strictly=strictly) for start, end in evidence_spans]


#: A statement that the subject is not concerned with what follows, to the end of its sentence: "they are
#: not concerned with", "is not responsible for", "n'est pas chargé de", "ne sont pas concernés par".
_NOT_CONCERNED = re.compile(
    r"\b(?:(?:not|never)\s+(?:\w+\s+)?(?:concerned|responsible|involved|in\s+charge|tasked)|"
    r"n['’e]\s*(?:\w+\s+)?(?:pas|jamais)\s+(?:\w+\s+)?(?:concern[ée]e?s?|responsables?|charg[ée]e?s?|impliqu[ée]e?s?))"
    r"\s+(?:with|for|in|of|by|par|de|du|des|d['’])\b", re.I)


def not_concerned(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that a sentence says its subject is not concerned with (from the end of
    the statement to the end of its sentence)."""
    spans = []
    for cue in _NOT_CONCERNED.finditer(text):
        end = CLAUSE_END.search(text, cue.end())
        spans.append((cue.start(), end.start() if end else len(text)))
    return spans


#: A trend that drives the market of a job, not a task of it: "driven by the expansion of", "with the rise of",
#: "avec l'essor de", "porté par".
_MARKET_TREND = re.compile(
    r"\b(?:(?:driven|fu?elled|fueled|boosted|propelled)\s+by|"
    r"(?:with|thanks\s+to|due\s+to|given)\s+the\s+(?:rapid\s+|growing\s+|steady\s+)?(?:rise|growth|expansion|boom|advent|spread|emergence)\s+of|"
    r"(?:avec|grâce\s+à|face\s+à|en\s+raison\s+de|suite\s+à)\s+l['’]\s*(?:essor|explosion|avènement|arrivée|expansion|émergence|"
    r"généralisation|omniprésence)\s+d|port[ée]e?s?\s+par|tir[ée]e?s?\s+par)", re.I)
#: Parts of words one of which each cue of ``_MARKET_TREND`` holds (lower case).
_TREND_STEMS = ("driven", "fuel", "boosted", "propelled", "rise", "growth", "expansion", "boom", "advent", "spread",
                "emergence", "essor", "explosion", "avènement", "arrivée", "généralisation", "omniprésence", "porté",
                "porte", "tiré", "tire")
#: How far a cue reaches on either side of its stem, in characters ("thanks to the steady growth of").
_TREND_REACH = 48
#: What makes a sentence one about the job's market, in which a trend is context: "demand", "growth", "recrute".
_MARKET = re.compile(r"\b(?:demand|growth|grow|growing|employment|openings|jobs|market|hiring|recruit\w*|"
                     r"demande|croissance|emplois?|march[ée]|recrut\w*|débouchés|postes|offres)\b", re.I)
#: Where a trend's words end: a clause end, or a comma that the next few words do not continue as a list.
_TREND_BREAK = re.compile(r"[,.!?;\n]")
#: Most words of a list item after a comma that keeps a trend going ("AI, IoT, robotics, and automation").
_TREND_ITEM_WORDS = 4


def market_trends(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that name trends driving the job's market, in a sentence about that market
    (from the cue to the end of the list it opens)."""
    spans: list[tuple[int, int]] = []
    for cue in _trend_cues(text):
        if not _MARKET.search(text, *sentence_bounds(text, cue.start())):
            continue  # "avec l'essor du cloud, il faut savoir configurer AWS": a requirement, in its setting
        end = cue.end()
        while (stop := _TREND_BREAK.search(text, end)) is not None:
            if text[stop.start()] != ",":
                end = stop.start()
                break
            following = _TREND_BREAK.search(text, stop.end())
            item = text[stop.end():following.start() if following else len(text)]
            if len(item.split()) > _TREND_ITEM_WORDS:
                end = stop.start()
                break
            end = following.start() if following else len(text)
            if following is None or text[following.start()] != ",":
                break
        else:
            end = len(text)
        spans.append((cue.start(), end))
    return spans


def _trend_cues(text: str) -> list[re.Match]:
    """The matches of ``_MARKET_TREND`` in ``text``, searched only around the words every cue holds
    (found by ``str.find``, in C): the pattern over a whole text cost 2 % of an extraction."""
    lowered = text.lower()  # same length: the cue's stems are found at the text's own offsets
    found: dict[int, re.Match] = {}
    for stem in _TREND_STEMS:
        at = lowered.find(stem)
        while at >= 0:
            cue = _MARKET_TREND.search(text, max(0, at - _TREND_REACH), at + len(stem) + _TREND_REACH)
            if cue is not None:
                found.setdefault(cue.start(), cue)
            at = lowered.find(stem, at + 1)
    return [found[start] for start in sorted(found)]
