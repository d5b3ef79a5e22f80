"""Shared pieces of the taxonomy importers (ESCO, ROME): reading their CSV exports, and the records
an import reports (``RowProblem``, ``ImportResult``).

CSV files are decoded as UTF-8; a file that is not UTF-8 at all is read as Windows-1252 when it holds
bytes 0x80–0x9F, else as ISO-8859-15 (ROME's ``unix_arborescence_secteur_naf_v460_utf8.csv`` is the
latter despite its name: "Man\\xbduvre" is "Manœuvre"). A UTF-8 file with a few broken lines keeps
UTF-8, and the records on those lines are reported and skipped.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from rolegraph.core.errors import InputError, require_regular


@dataclass(frozen=True)
class RowProblem:
    """A record skipped, or imported without one of its values (``message`` says which); ``line`` is the
    physical line where the record starts (the header is line 1)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import did. When ``changed`` is False the store already held these exact input files:
    nothing was read or written, ``counts`` and ``problems`` are empty and ``triples`` is the stored count."""

    graph: str
    version: str
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    generation: str = ""
    seconds: float = 0.0
    changed: bool = True
    then: object = None  # what the step run before publishing returned (the relinking's result)

    def summary(self) -> dict:
        return {"graph": self.graph, "version": self.version, "changed": self.changed, "counts": self.counts,
                "triples": self.triples, "problems": len(self.problems), "generation": self.generation,
                "seconds": round(self.seconds, 3)}


@dataclass
class Decoded:
    text: str
    encoding: str
    bad_lines: frozenset[int]


_C1_BYTES = re.compile(rb"[\x80-\x9f]")


def decode(data: bytes) -> Decoded:
    """Decode a CSV file's bytes; ``bad_lines`` are 1-based physical lines that are not valid UTF-8 in
    an otherwise UTF-8 file (their text holds U+FFFD)."""
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", frozenset())
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)  # ASCII line breaks only, as csv counts them
    valid = invalid = 0
    for line in lines:
        if not line.isascii():
            try:
                line.decode("utf-8")
                valid += 1
            except UnicodeDecodeError:
                invalid += 1
    if valid > invalid:
        # Mostly UTF-8: a few corrupt lines must not turn every accent of the file into mojibake.
        bad, parts = set(), []
        for number, line in enumerate(lines, 1):
            try:
                parts.append(line.decode("utf-8"))
            except UnicodeDecodeError:
                bad.add(number)
                parts.append(line.decode("utf-8", errors="replace"))
        return Decoded("".join(parts).removeprefix("\ufeff"), "utf-8", frozenset(bad))
    # 0x80-0x9F are control characters in ISO-8859-x, printable (€, œ, ’…) only in Windows-1252.
    legacy = "cp1252" if _C1_BYTES.search(data) else "iso-8859-15"
    try:
        return Decoded(data.decode(legacy), legacy, frozenset())
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined
        return Decoded(data.decode("iso-8859-15"), "iso-8859-15", frozenset())


def read_csv(path: str | Path, problems: list[RowProblem], required: tuple[str, ...] = (),
             name: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each well-formed record of a CSV file with a header, columns by name.

    Records with the wrong number of fields, undecodable bytes or broken quoting are appended to
    ``problems`` and skipped; blank lines are ignored. Raises ``InputError`` when the file cannot be
    read or its header lacks a ``required`` column. ``name`` is how problems name the file.
    """
    path = Path(path)
    label = name or str(path)
    require_regular(path, label)
    try:
        decoded = decode(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {path.name}: {exc.strerror or exc}", file=label) from exc
    # Some exports hold whole lists of IRIs in one cell (ESCO's hasTopConcept is 600 kB).
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    reader = csv.reader(io.StringIO(decoded.text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise InputError(f"{path.name} is empty", file=label, line=1) from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: unreadable header: {exc}", file=label, line=1) from exc
    missing = [column for column in required if column not in header]
    if missing:
        shown = ", ".join(header)
        shown = shown if len(shown) <= 200 and shown.isprintable() else ascii(shown[:200]) + "…"  # binary garbage
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}; its header is {shown}",
                         file=label, line=1)
    previous = reader.line_num
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(label, start, f"malformed CSV: {exc}"))
            previous = reader.line_num
            continue
        end, previous = reader.line_num, reader.line_num
        if not row or row == [""]:
            continue
        if decoded.bad_lines and any(n in decoded.bad_lines for n in range(start, end + 1)):
            problems.append(RowProblem(label, start, "bytes that are not valid UTF-8"))
        elif len(row) != len(header):
            problems.append(RowProblem(label, start, f"{len(row)} fields where the header has {len(header)}"))
        else:
            yield start, dict(zip(header, row))


def iri(value: str) -> ox.NamedNode | None:
    """The IRI in a cell, or ``None`` when it is not an absolute IRI."""
    try:
        return ox.NamedNode(value.strip())
    except ValueError:
        return None


def split_cell(value: str, separators: str = "\n") -> list[str]:
    """The distinct non-empty items of a multi-valued cell, in order."""
    items = re.split(f"[{re.escape(separators)}]", value) if separators else [value]
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))
