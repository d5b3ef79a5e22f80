"""What a query may not ask of this server: SERVICE and LOAD make it fetch other URLs, and deep
nesting exhausts the parser's stack.

Oxigraph performs SERVICE and LOAD over HTTP, so an open endpoint would request any URL a client
names. A lexical scan finds them as keywords; the same words inside string literals, IRIs, comments,
variable names or prefixed names are not keywords and pass. Oxigraph parses and evaluates
recursively: a query nested a few thousand levels deep kills the process that reads it, so the
same scan measures nesting (brackets and runs of ``!``) and refuses it beyond ``MAX_NESTING``.
"""
from __future__ import annotations

import re

from rolegraph.core.errors import QueryError, QueryRefused

#: Keywords refused unless the ``allow_service`` setting is on.
REMOTE_KEYWORDS = ("SERVICE", "LOAD")
#: Deepest nesting a query may use; hand-written queries stay under 20, a worker survives thousands.
MAX_NESTING = 100

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
    | (?P<open>[({\[]) | (?P<close>[)}\]]) | (?P<different>!=) | (?P<negation>!)
''', re.VERBOSE | re.DOTALL)


def keywords(text: str) -> list[tuple[str, int]]:
    """The bare words of a SPARQL text (upper-cased) with their offsets, skipping literals,
    IRIs, comments, variables and prefixed names."""
    return [(m.group("word").upper(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def nesting(text: str, limit: int = MAX_NESTING) -> tuple[int, int | None]:
    """The deepest nesting of ``text`` (open brackets plus the run of ``!`` before them) and the
    offset where it first goes beyond ``limit`` (``None`` if never); brackets inside literals,
    IRIs and comments do not count."""
    depth = negations = deepest = 0
    beyond = None
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "negation":
            negations += 1
            level = depth + negations
        else:
            depth += match.lastgroup == "open"
            depth -= match.lastgroup == "close" and depth > 0
            level, negations = depth, 0
        if level > deepest:
            deepest = level
            if beyond is None and level > limit:
                beyond = match.start()
    return deepest, beyond


def check(text: str, allow_service: bool) -> None:
    """Raise ``QueryError`` when ``text`` nests deeper than ``MAX_NESTING``, and ``QueryRefused``
    when it uses SERVICE or LOAD and the server does not allow them."""
    deepest, beyond = nesting(text)
    if beyond is not None:
        raise QueryError(f"the query nests {deepest} levels deep; this endpoint evaluates at most {MAX_NESTING}",
                         position=_position(text, beyond), limit=MAX_NESTING)
    if allow_service:
        return
    for word, offset in keywords(text):
        if word in REMOTE_KEYWORDS:
            raise QueryRefused(f"{word} is not allowed on this endpoint: it would make the server fetch other URLs",
                               keyword=word, position=_position(text, offset))


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"
