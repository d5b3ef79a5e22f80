"""What a query may not ask of this server: SERVICE and LOAD make it fetch other URLs, and deep
nesting exhausts the parser's stack.

Oxigraph performs SERVICE and LOAD over HTTP, so an open endpoint would request any URL a client
names. The queries' lexer finds them as keywords; the same words inside string literals, IRIs,
comments, variable names or prefixed names are not keywords and pass. Oxigraph parses and evaluates
recursively: a query nested a few thousand levels deep kills the process that reads it, so the
same tokens measure nesting (brackets and runs of ``!``) and refuse it beyond ``MAX_NESTING``.
"""
from __future__ import annotations

from rolegraph.core.errors import QueryError, QueryRefused
from rolegraph.queries.lexer import tokens

#: Keywords refused unless the ``allow_service`` setting is on.
REMOTE_KEYWORDS = ("SERVICE", "LOAD")
#: Deepest nesting a query may use; hand-written queries stay under 20, a worker survives thousands.
MAX_NESTING = 100


def keywords(text: str) -> list[tuple[str, int]]:
    """The bare words of a SPARQL text (upper-cased) with their offsets, skipping literals,
    IRIs, comments, variables and prefixed names."""
    return [(token.group().upper(), token.start()) for token in tokens(text) if token.lastgroup == "word"]


def nesting(text: str, limit: int = MAX_NESTING) -> tuple[int, int | None]:
    """The deepest nesting of ``text`` (open brackets plus the run of ``!`` before them) and the
    offset where it first goes beyond ``limit`` (``None`` if never); brackets inside literals,
    IRIs and comments do not count."""
    depth = negations = deepest = 0
    beyond = None
    for token in tokens(text):
        if token.lastgroup == "negation":
            negations += 1
            level = depth + negations
        else:
            depth += token.lastgroup == "open"
            depth -= token.lastgroup == "close" and depth > 0
            level, negations = depth, 0
        if level > deepest:
            deepest = level
            if beyond is None and level > limit:
                beyond = token.start()
    return deepest, beyond


def check(text: str, allow_service: bool) -> None:
    """Raise ``QueryError`` when ``text`` nests deeper than ``MAX_NESTING``, and ``QueryRefused``
    when it uses SERVICE or LOAD and the server does not allow them."""
    # Lexing costs more than evaluating a small query: only a text that could break a rule is lexed.
    # Nesting counts brackets and "!", so it cannot pass their number; a keyword is a word of its own
    # (a name or an IRI such as sparql-service-description holds it between letters, digits or "-").
    could_nest = sum(text.count(c) for c in "({[!") > MAX_NESTING
    if not could_nest and (allow_service or not _may_name_remote(text.upper())):
        return
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


def _may_name_remote(folded: str) -> bool:
    """Whether the upper-cased text holds a remote keyword as a word of its own (not between letters,
    digits, "_" or "-"); an exact check is the lexer's."""
    for word in REMOTE_KEYWORDS:
        start = folded.find(word)
        while start >= 0:
            end = start + len(word)
            before = folded[start - 1] if start else " "
            after = folded[end] if end < len(folded) else " "
            if not (before.isalnum() or before in "_-" or after.isalnum() or after in "_-"):
                return True
            start = folded.find(word, end)
    return False


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"
