"""The document catalogue: which documents the published graph was built from (name, source, language,
checksum, facts, when added) and each one's ``Part``, kept as state files of the store generation.

``documents.json`` lists the entries; ``parts/KEY.json.gz`` holds a part, ``KEY`` a digest of its
content, so that an unchanged document's part is the same file from one generation to the next (a
hard link). Terms are written as ``"<iri>"`` or ``[lexical form, datatype, language]``.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import asdict, dataclass, field

from rdflib import Literal, URIRef

from rolegraph.core.errors import StoreError
from rolegraph.core.store import Readable, Writable

from .graph import Part
from .graph.delta import Index, build_index

CATALOGUE = "documents.json"
#: Which parts describe each entity (``delta.Index``), beside the parts; a store without it (written by
#: an earlier version) has it rebuilt from the parts at its first change.
INDEX = "index.json.gz"
#: The layout of ``documents.json`` and of the parts; a store holding another one is rebuilt, not misread.
LAYOUT = 1


@dataclass
class Entry:
    """One document of the published graph."""

    iri: str
    name: str
    #: The path (resolved) or URL it was read from.
    source: str
    language: str
    checksum: str
    facts: int
    #: When it was added (ISO 8601, UTC).
    added: str
    #: The key of its part; ``None`` for a document built by a version that kept no parts.
    part: str | None
    title: str | None = None


@dataclass
class Catalogue:
    base: str | None = None
    entries: list[Entry] = field(default_factory=list)

    def by_checksum(self) -> dict[str, Entry]:
        return {e.checksum: e for e in self.entries}

    def by_source(self) -> dict[str, Entry]:
        return {e.source: e for e in self.entries}


def read_catalogue(readable: Readable | None) -> Catalogue:
    """The catalogue published with a generation (empty when none is, or nothing is published)."""
    data = readable.state(CATALOGUE) if readable is not None else None
    if data is None:
        return Catalogue()
    content = json.loads(data)
    if content.get("layout") != LAYOUT:
        raise StoreError(f"the document catalogue has layout {content.get('layout')}, this version reads {LAYOUT}: "
                         "rebuild the documents with `rolegraph build DOCS...`")
    return Catalogue(content["base"], [Entry(**e) for e in content["entries"]])


def write_catalogue(writable: Writable, catalogue: Catalogue, parts: dict[str, Part], index: Index) -> None:
    """Publish ``catalogue`` with the generation: ``parts`` (key → part; those new to it, at least) and
    ``index`` (of every entry's part) are written, and the parts no entry names any more are left out."""
    writable.put_state(INDEX, index.encode())
    keys = {e.part for e in catalogue.entries if e.part}
    previous = read_catalogue(writable)
    for key in {e.part for e in previous.entries if e.part} - keys:
        writable.put_state(part_name(key), None)
    for key, part in parts.items():
        if key in keys and writable.state(part_name(key)) is None:
            writable.put_state(part_name(key), encode_part(part))
    content = {"layout": LAYOUT, "base": catalogue.base,
               "entries": [asdict(e) for e in sorted(catalogue.entries, key=lambda e: (e.name, e.checksum))]}
    writable.put_state(CATALOGUE, json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8"))


def read_index(readable: Readable | None, entries: list[Entry]) -> Index:
    """The index of the parts of ``entries`` published with a generation; rebuilt from the parts when
    it is missing or is not theirs."""
    data = readable.state(INDEX) if readable is not None else None
    index = Index.decode(data) if data is not None else None
    if index is None or set(index.checksums) != {e.part for e in entries}:
        index = build_index(read_parts(readable, entries) if readable is not None else {})
    return index


def part_name(key: str) -> str:
    return f"parts/{key}.json.gz"


def read_part(readable: Readable, key: str, terms: dict | None = None) -> Part:
    """The part ``key`` published with a generation (``terms`` as for ``decode_part``)."""
    data = readable.state(part_name(key))
    if data is None:
        raise StoreError(f"the store has lost the part {key} of a document: rebuild with `rolegraph build DOCS...`")
    return decode_part(data, terms)


def read_parts(readable: Readable, entries: list[Entry]) -> dict[str, Part]:
    """The parts of ``entries``, by key."""
    terms: dict = {}
    return {e.part: read_part(readable, e.part, terms) for e in entries}


# ---------------------------------------------------------------- the parts on disk

def _term(term) -> str | list:
    if isinstance(term, URIRef):
        return f"<{term}>"
    return [str(term), str(term.datatype) if term.datatype else None, term.language]


def _from(value) -> URIRef | Literal:
    if isinstance(value, str):
        return URIRef(value[1:-1])
    lexical, datatype, language = value
    return Literal(lexical, datatype=URIRef(datatype) if datatype else None, lang=language)


def _triples(triples) -> list:
    return sorted([_term(s), _term(p), _term(o)] for s, p, o in triples) if triples else []


#: An entity's triples → their sorted JSON form: the same entities recur in most documents' parts.
_WRITTEN: dict[frozenset, list] = {}
_MOST_WRITTEN = 50_000


def _entity_triples(triples) -> list:
    key = frozenset(triples)
    written = _WRITTEN.get(key)
    if written is None:
        if len(_WRITTEN) >= _MOST_WRITTEN:
            _WRITTEN.clear()
        written = _WRITTEN[key] = _triples(triples)
    return written


def part_content(part: Part) -> bytes:
    """The JSON of ``part``, the same bytes for the same part."""
    content = {
        "layout": LAYOUT, "checksum": part.checksum, "own": _triples(part.own),
        "entities": {str(node): _entity_triples(triples) for node, triples in sorted(part.entities.items())},
        "claims": sorted([_term(s), _term(p), _term(o)] for s, p, o in part.claims),
        "locations": dict(sorted(part.locations.items())),
    }
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def part_key(part: Part) -> str:
    """The key of ``part``: a digest of its content (the same document read under another base IRI or
    lexicon is another part)."""
    return hashlib.sha256(part_content(part)).hexdigest()[:32]


def encode_part(part: Part) -> bytes:
    return encode_content(part_content(part))


def encode_content(content: bytes) -> bytes:
    """The stored form of a part whose ``part_content`` is ``content``."""
    return gzip.compress(content, compresslevel=5, mtime=0)


def decode_part(data: bytes, terms: dict | None = None) -> Part:
    """The part written as ``data``; ``terms`` (a dict shared by the parts read together) reuses the
    terms already made: making an rdflib literal parses its value, and most terms recur."""
    content = json.loads(gzip.decompress(data))
    terms = {} if terms is None else terms

    def term(value):
        key = value if isinstance(value, str) else tuple(value)
        made = terms.get(key)
        if made is None:
            made = terms[key] = _from(value)
        return made

    def triples(rows) -> set[tuple]:
        return {(term(s), term(p), term(o)) for s, p, o in rows}

    return Part(content["checksum"], triples(content["own"]),
                {URIRef(node): triples(rows) for node, rows in content["entities"].items()},
                triples(content["claims"]), content["locations"])
