"""Skill cues: whether a place in a text is one where skills are stated (a skills section, a short list
item, or a clause with a cue such as "compétences", "maîtrise", "skills", "ability to").

A one-word competency that is also a common word of the language ("motivation", "organization",
"estimate") is read as a skill only in such a place: elsewhere it is most often the ordinary word.
"""
from __future__ import annotations

import re
from typing import Callable

from ..labels import fold
from .sections import section_kind

#: Words (folded, as stems) that announce skills in a clause, in French and English.
CUES = re.compile(
    r"\b(competen|maitris|savoir|capacit|aptitude|qualite|sens d|sens de l|esprit d|faire preuve|"
    r"connaissance|expertise|habilet|"
    r"skill|abilit|able to|proficien|knowledge|expertise|experience (in|with)|familiar|strong|excellent|"
    r"understanding of|command of|competenc|qualit|capable of)",
)
#: Where the clause around a word ends.
CLAUSE_END = re.compile(r"[.!?;\n]")
#: A sentence or line end, a full stop only before a space ("Node.js" ends nothing).
SENTENCE_BREAK = re.compile(r"\n|[.!?;](?:\s|$)")
#: Longest list item, in words, that counts as an item of a list of skills ("Esprit d'équipe").
MAX_ITEM_WORDS = 5


def in_skill_context(text: str, start: int, end: int,
                     section_at: Callable[[int], str | None] | None = None) -> bool:
    """Whether ``text[start:end]`` lies in a skills section, in a short list item (or the label before
    a colon, "Communication : …"), or in a clause that carries a skill cue."""
    if section_at is not None and section_kind(section_at(start)) == "skills":
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:len(text) if line_end < 0 else line_end]
    colon = line.find(":")
    label = line[:colon] if colon >= end - line_start else line  # the label of "Label : description"
    if len(label.split()) <= MAX_ITEM_WORDS:
        return True
    clause_start = max((m.end() for m in CLAUSE_END.finditer(text, line_start, start)), default=line_start)
    found = CLAUSE_END.search(text, end)
    clause_end = found.start() if found else len(text)
    return bool(CUES.search(fold(text[clause_start:clause_end])))


def sentence_bounds(text: str, offset: int) -> tuple[int, int]:
    """The bounds of the sentence (or line) around ``offset``, looking back at most 400 characters."""
    start = max((m.end() for m in SENTENCE_BREAK.finditer(text, max(0, offset - 400), offset)), default=0)
    found = SENTENCE_BREAK.search(text, offset)
    return start, found.start() if found else len(text)
