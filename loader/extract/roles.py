"""Which role a document is about, and how it relates the other roles it names."""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from ..documents import Document
from ..labels import fold
from .sections import section_kind

#: Sentence cues of each relation, folded; the first relation whose cue is in the sentence wins.
RELATION_CUES: tuple[tuple[str, str], ...] = (
    ("specialisation", r"speciali[sz]|expertise|expert en|devenir expert"),
    ("progression", r"evolu|progress|devenir|become|career|carriere|promotion|acceder|access to|move towards|"
                    r"s'orienter|orient|perspective|prospect|management|manager|encadr|lead/"),
    ("collaborator", r"collabor|travaill\w* (?:avec|en lien)|en lien avec|rattache|interlocut|work(?:s|ing)? (?:with|as a team)|"
                     r"alongside|depend on|report(?:s|ing)? to|aupres|en relation avec|coordon|exchanges? with|align"),
)
RELATED_CUE = r"cross-cutting|transvers|also exist|connexe|related"
SECTION_RELATION = {"related": "related", "career": "progression"}


def main_role_of(document: Document, roles: list) -> object | None:
    """The role named most, counting a mention in the title or the opening lines three times."""
    if not roles:
        return None
    opening = min(len(document.text), 300)
    title = fold(document.title or "")
    scores: Counter = Counter()
    for role in roles:
        for ev in role.evidence:
            early = ev.start < opening or (title and fold(ev.quote) in title)
            scores[role.id] += 3 if early else 1
    best = max(roles, key=lambda r: (scores[r.id], -r.evidence[0].start))
    return best


def _nearest_cue(sentence: str, position: int) -> str | None:
    """The relation whose cue stands closest before ``position`` in the sentence (else the first after)."""
    cues = [(m.start(), name) for name, cue in (*RELATION_CUES, ("related", RELATED_CUE))
            for m in re.finditer(cue, sentence)]
    before = [c for c in cues if c[0] < position]
    if before:
        return max(before)[1]
    return min(cues)[1] if cues else None


def classify_relation(document: Document, role, sentence_of: Callable[[Document, int], tuple[int, str]]) -> str:
    """progression, specialisation, collaborator or related, from the words around each mention
    and the heading of its section; an explicit "related roles" section wins."""
    votes = []
    for ev in role.evidence:
        kind = section_kind(ev.section)
        if kind == "related" and re.search(r"connexe|related|similar|voisin|cross", fold(ev.section or "")):
            return "related"
        start, sentence = sentence_of(document, ev.start)
        relation = _nearest_cue(fold(sentence), ev.start - start)
        votes.append(relation or SECTION_RELATION.get(kind))
    for vote in votes:
        if vote:
            return vote
    return "related"
