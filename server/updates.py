"""SPARQL Update on the store: the protocol's dataset parameters, the base IRI, and publishing the change
as a new generation (nothing is published when the update fails).

``using-graph-uri`` and ``using-named-graph-uri`` (SPARQL 1.1 Protocol, 2.2.3) give every
``DELETE``/``INSERT … WHERE`` operation of the request the dataset that ``USING`` and ``USING NAMED``
clauses would: Oxigraph takes the dataset only from the update's text, so the clauses are written into
it before each top-level ``WHERE`` (``DELETE WHERE { P }`` becomes ``DELETE { P } USING … WHERE { P }``,
which means the same). An update that names its own dataset (``USING``, ``WITH``) and also gets these
parameters is refused, as the protocol asks. A syntax error names the position in the text the client
sent, not in the rewritten one.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import pyoxigraph as ox

from rolegraph.core.errors import QueryError, UsageError
from rolegraph.core.store import Store
from rolegraph.queries.lexer import tokens

from . import guard
from .executor import on_own_stack

_POSITION = re.compile(r"at (\d+):(\d+)")


@dataclass(frozen=True)
class Rewritten:
    """An update's text with the dataset clauses written in: the ``text`` Oxigraph runs, made of
    ``pieces`` (start in ``text``, length, offset in the client's text or ``None`` for what we wrote,
    offset there it stands for)."""

    text: str
    pieces: tuple[tuple[int, int, int], ...] = ()

    def original_offset(self, offset: int) -> int:
        """Where ``offset`` of ``text`` was in the client's text (what we wrote maps to where it went)."""
        if not self.pieces:
            return offset
        index = max(0, bisect_right([p[0] for p in self.pieces], offset) - 1)
        start, length, origin = self.pieces[index]
        return origin + min(offset - start, length) if length else origin


def apply(store: Store, text: str, *, using: tuple[str, ...] = (), using_named: tuple[str, ...] = (),
          base_iri: str | None = None, allow_service: bool = False) -> str:
    """Apply the SPARQL Update ``text`` to a copy of the published graph and publish it; the new
    generation's name. ``using``/``using_named`` are the protocol's dataset parameters; relative IRIs
    resolve against ``base_iri``. Raises ``QueryError`` (syntax, with its position), ``QueryRefused``
    (SERVICE, LOAD) or ``UsageError`` (dataset parameters that cannot apply)."""
    guard.check(text, allow_service)
    rewritten = with_dataset(text, using, using_named)
    try:
        with store.publishing() as writable:
            # A long chain would overflow this thread's stack.
            on_own_stack(rewritten.text, lambda: writable.update(rewritten.text, base_iri=base_iri))
    except SyntaxError as exc:
        message, position = _in_original(str(exc), text, rewritten)
        raise QueryError(f"SPARQL Update syntax error: {message}", position=position) from None
    except OSError as exc:
        raise QueryError(f"the update failed, nothing was published: {exc}") from None
    return store.generation


def with_dataset(text: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> Rewritten:
    """``text`` with ``USING <g>`` for each of ``using`` and ``USING NAMED <g>`` for each of
    ``using_named`` before the ``WHERE`` of each of its DELETE/INSERT operations."""
    if not using and not using_named:
        return Rewritten(text)
    for parameter, iris in (("using-graph-uri", using), ("using-named-graph-uri", using_named)):
        for iri in iris:
            try:
                ox.NamedNode(iri)
            except ValueError as exc:
                raise UsageError(f"{parameter} must be an absolute IRI, not {iri!r} ({exc})", parameter=parameter) from None
    clause = "".join(f"USING <{iri}> " for iri in using) + "".join(f"USING NAMED <{iri}> " for iri in using_named)
    significant = [t for t in tokens(text) if t.lastgroup != "comment"]
    insertions: list[tuple[int, list[tuple[str, int | None]]]] = []  # (offset, pieces of text and origin)
    depth = 0
    for index, token in enumerate(significant):
        kind, word = token.lastgroup, token.group().upper()
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and depth == 0 and word in ("USING", "WITH"):
            raise UsageError(f"the update names its dataset with {word} and the request with using-graph-uri or "
                             "using-named-graph-uri: give one or the other", keyword=word)
        elif kind == "word" and depth == 0 and word == "WHERE":
            before = significant[index - 1] if index else None
            if before is not None and before.lastgroup == "word" and before.group().upper() == "DELETE":
                block = _block(significant, index + 1)
                if block is None:
                    continue  # not a pattern: Oxigraph reports the syntax error
                start, end = block
                insertions.append((before.end(), [(" ", None), (text[start:end], start), (" " + clause, None)]))
            else:
                insertions.append((token.start(), [(clause, None)]))
    return _insert(text, insertions)


def _block(significant: list, index: int) -> tuple[int, int] | None:
    """The span of the bracketed block that starts at token ``index``, or ``None``."""
    if index >= len(significant) or significant[index].group() != "{":
        return None
    depth = 0
    for token in significant[index:]:
        depth += token.lastgroup == "open"
        depth -= token.lastgroup == "close"
        if depth == 0:
            return significant[index].start(), token.end()
    return None


def _insert(text: str, insertions: list[tuple[int, list[tuple[str, int | None]]]]) -> Rewritten:
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    written = previous = 0

    def add(piece: str, origin: int | None, at: int) -> None:
        nonlocal written
        parts.append(piece)
        pieces.append((written, len(piece) if origin is not None else 0, origin if origin is not None else at))
        written += len(piece)

    for at, inserted in insertions:
        add(text[previous:at], previous, at)
        for piece, origin in inserted:
            add(piece, origin, at)
        previous = at
    add(text[previous:], previous, len(text))
    return Rewritten("".join(parts), tuple(pieces))


def _in_original(message: str, text: str, rewritten: Rewritten) -> tuple[str, str | None]:
    """Oxigraph's ``message`` with its line:column moved to the client's ``text``; and that position."""
    match = _POSITION.search(message)
    if match is None:
        return message, None
    line, column = int(match.group(1)), int(match.group(2))
    lines = rewritten.text.split("\n")
    offset = sum(len(each) + 1 for each in lines[:line - 1]) + column - 1
    original = rewritten.original_offset(offset)
    line = text.count("\n", 0, original) + 1
    column = original - (text.rfind("\n", 0, original) + 1) + 1
    position = f"{line}:{column}"
    return message[:match.start(1)] + position + message[match.end(2):], position
