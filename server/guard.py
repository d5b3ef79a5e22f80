"""Operations a query may not ask of this server: SERVICE and LOAD make it fetch other URLs.

Oxigraph performs both over HTTP, so an open endpoint would request any URL a client names. A
lexical scan finds them as keywords; the same words inside string literals, IRIs, comments,
variable names or prefixed names are not keywords and pass.
"""
from __future__ import annotations

import re

from rolegraph.errors import QueryRefused

#: Keywords refused unless the ``allow_service`` setting is on.
REMOTE_KEYWORDS = ("SERVICE", "LOAD")

# One alternative per token kind, tried at each position in this order; only bare words are
# keywords. An IRI cannot hold spaces, so ``?a < 3 && ?b > 1`` is not read as one.
_TOKEN = re.compile(r'''
      (?P<comment>\#[^\n]*)
    | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$]\w+)
    | (?P<pname>(?:[^\W\d][\w.-]*)?:[\w.:%-]*)
    | (?P<word>[^\W\d]\w*)
''', re.VERBOSE | re.DOTALL)


def keywords(text: str) -> list[tuple[str, int]]:
    """The bare words of a SPARQL text (upper-cased) with their offsets, skipping literals,
    IRIs, comments, variables and prefixed names."""
    return [(m.group("word").upper(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def check(text: str, allow_service: bool) -> None:
    """Raise ``QueryRefused`` when ``text`` uses SERVICE or LOAD and the server does not allow them."""
    if allow_service:
        return
    for word, offset in keywords(text):
        if word in REMOTE_KEYWORDS:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            raise QueryRefused(f"{word} is not allowed on this endpoint: it would make the server fetch other URLs",
                               keyword=word, position=f"{line}:{column}")
