"""The SPARQL lexer: a query's text as tokens, for every reader that must tell keywords from data
(the server's guard, the parameter binder, the query-form detector).

Token kinds: ``comment``, ``string``, ``iri``, ``variable`` (``?x`` and ``$x``), ``pname`` (a
prefixed name or ``ex:``), ``word`` (a bare word: the only kind that can be a keyword), ``open`` and
``close`` brackets, ``different`` (``!=``) and ``negation`` (``!``). Anything else (numbers,
operators, punctuation, spaces) is stepped over. An IRI cannot hold spaces, so ``?a < 3 && ?b > 1``
is not read as one.

Strings and IRIs are read in one of two ``DIALECTS``. The guard and the binder read them differently
before they shared this lexer, and each still does, until the choice between them is made:

  grammar   as the SPARQL grammar writes them: an escape may hide a quote inside a long string or
            a line break inside a short one; an IRI holds no control character and no space
  binder    a long string ends at its first closing triple quote, escaped or not; an escape never
            hides a line break; an IRI holds no whitespace, Unicode spaces included
"""
from __future__ import annotations

import re
from typing import Iterator

from rolegraph.core.errors import QueryError

#: Dialect → how it reads strings and IRIs (see the module's docstring).
DIALECTS = {
    "grammar": {
        "string": r'''"""(?:[^"\\]|\\[\s\S]|"(?!""))*"""|\'\'\'(?:[^'\\]|\\[\s\S]|'(?!''))*\'\'\''''
                  r'''|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*\'''',
        "iri": r'<[^<>"{}|^`\\\x00-\x20]*>',
    },
    "binder": {
        "string": r'''"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*\'''',
        "iri": r'<[^<>"{}|^`\\\s]*>',
    },
}

# Tried at each position in this order; a dialect fills in strings and IRIs.
_KINDS = (
    ("comment", r"\#[^\n]*"),
    ("string", None),
    ("iri", None),
    ("variable", r"[?$]\w+"),
    ("pname", r"(?:[^\W\d][\w.-]*)?:[\w.:%-]*"),
    ("word", r"[^\W\d]\w*"),
    ("open", r"[({\[]"),
    ("close", r"[)}\]]"),
    ("different", r"!="),
    ("negation", r"!"),
)
_SCANNERS = {name: re.compile("|".join(f"(?P<{kind}>{pattern or patterns[kind]})" for kind, pattern in _KINDS))
             for name, patterns in DIALECTS.items()}

#: The forms of a SPARQL query, as ``query_form`` names them.
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
# What each prologue keyword must be followed by.
_PROLOGUE = {"BASE": ("iri",), "PREFIX": ("pname", "iri")}


def tokens(text: str, dialect: str = "grammar") -> Iterator[re.Match]:
    """The tokens of ``text`` in order, strings and IRIs read in ``dialect``: each a match whose
    ``lastgroup`` is its kind."""
    return _SCANNERS[dialect].finditer(text)


def query_form(text: str) -> str:
    """The form of the query ``text`` (one of ``FORMS``): its first keyword after the prologue,
    comments skipped. Raises ``QueryError`` for anything else, updates included."""
    needed: tuple[str, ...] = ()
    end = 0
    for token in tokens(text):
        kind, word = token.lastgroup, token.group().upper()
        if text[end:token.start()].strip():
            break  # something no token holds, such as an operator
        end = token.end()
        if kind == "comment":
            continue
        if needed:
            if kind != needed[0] or (kind == "pname" and not _is_prefix(word)):
                break
            needed = needed[1:]
        elif kind == "word" and word in _PROLOGUE:
            needed = _PROLOGUE[word]
        elif kind == "word" and word in FORMS:
            return word
        else:
            break
    raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, DESCRIBE or ASK after the prologue")


def _is_prefix(pname: str) -> bool:
    return pname.index(":") == len(pname) - 1
