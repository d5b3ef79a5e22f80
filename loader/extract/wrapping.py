"""Lines wrapped inside a sentence, as PDF and plain-text exports break them: such a line break is
read as a space, so that a phrase, a name or a coordination split across two lines is read whole
("optimise\\nleurs performances"). Offsets do not move: the break becomes one space.

A break is a wrap when the line before is long (a short line is a heading or a list item), ends in
a word or a comma (not in sentence punctuation or a colon), and the next line goes on in lower case.
"""
from __future__ import annotations

import re

#: Shortest line, in characters, that a wrap may end: headings and short list items are shorter.
MIN_WRAPPED = 40
#: A line break before a letter (spaces around it). The pattern starts at the break, so the scan jumps
#: from one break to the next; one that began with the look-behind was tried at every character.
_BREAK = re.compile(r"\n[ \t]*(?=[^\W\d_])")
#: What the line before a wrap ends in, before its trailing spaces: a letter or digit, or a comma.
_WRAP_END = re.compile(r"[^\W_]|,")


def trailing_spaces_start(text: str, newline: int) -> int:
    """Where the spaces and tabs that end the line before the break at ``newline`` start."""
    before = newline
    while before and text[before - 1] in " \t":
        before -= 1
    return before


def unwrapped(text: str) -> str:
    """``text`` with each wrapped line break made a space (same length, same offsets)."""
    if "\n" not in text:
        return text
    pieces, last = [], 0
    for match in _BREAK.finditer(text):
        newline = match.start()
        before = trailing_spaces_start(text, newline)
        if not before or not _WRAP_END.match(text, before - 1):
            continue
        line_start = text.rfind("\n", 0, newline) + 1
        following = text[match.end():match.end() + 1]
        if newline - line_start < MIN_WRAPPED or not following.islower():
            continue
        pieces += [text[last:newline], " "]
        last = newline + 1
    return "".join(pieces) + text[last:] if pieces else text
