"""``consolidate`` for a full build, streamed: the graph of a set of parts written as N-Triples, one part
at a time, from the parts' stored bytes (``catalogue.part_content``), without an rdflib graph.

The triples are those ``consolidate`` gives for the same parts (tests/test_parts.py compares them):
each part's own triples, each entity described as the part with the smallest checksum describes it, and
each fact with its claim and support count. Memory holds the facts' counts and the entities seen, not the
graph; the file is what Oxigraph's bulk loader reads.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import BinaryIO, Iterable

from rdflib import URIRef
from rdflib.namespace import RDF, XSD

from rolegraph.core.naming import Minter
from rolegraph.core.vocabulary import RG

from .delta import Index

_TYPE = f"<{RDF.type}>"
_INTEGER = f"<{XSD.integer}>"


@dataclass
class Streamed:
    """What the stream wrote, and what the build needs of it afterwards."""

    triples: int = 0
    facts: int = 0
    #: Which parts describe each entity (``delta.Index``), kept with the catalogue.
    index: Index = field(default_factory=Index)
    #: The nodes typed in a part's own triples (validated with their part), and the nodes typed with one
    #: of the classes ``kept`` (what the retired graph needs to know is stated).
    own_typed: set[str] = field(default_factory=set)
    stated: set[URIRef] = field(default_factory=set)
    #: claim IRI → where in a document it is first stated (``BuiltGraph.locations`` for claims).
    locations: dict[str, str] = field(default_factory=dict)


def stream(parts: Iterable[tuple[str, str, bytes]], base: str, out: BinaryIO, kept: Iterable[str] = ()) -> Streamed:
    """Write to ``out`` the N-Triples of the graph of ``parts`` (key, checksum, content), in any order;
    the nodes typed with a class of ``kept`` (IRIs) are listed in ``Streamed.stated``."""
    kept = {f"<{c}>" for c in kept}
    mint = Minter(base)
    claims_prefix = f"{base}claim/"
    result = Streamed()
    support: Counter = Counter()
    described: set[str] = set()
    written = 0

    def write(rows) -> None:
        nonlocal written
        lines = [f"{s} {p} {_term(o)} .\n" for s, p, o in rows]
        out.write("".join(lines).encode("utf-8"))
        written += len(lines)

    for key, checksum, content in sorted(parts, key=lambda item: item[1]):
        data = json.loads(content)
        own = data["own"]
        write(own)
        result.own_typed.update(s[1:-1] for s, p, _ in own if p == _TYPE)
        result.stated.update(URIRef(s[1:-1]) for s, p, o in own if p == _TYPE and o in kept)
        entities = {}
        for node, rows in data["entities"].items():
            entities[URIRef(node)] = [(URIRef(s[1:-1]), None, None) for s, _, _ in rows]
            if node not in described:
                described.add(node)
                write(rows)
                result.stated.update(URIRef(s[1:-1]) for s, p, o in rows if p == _TYPE and o in kept)
        result.index.add(key, SimpleNamespace(checksum=checksum, entities=entities))
        support.update(tuple(claim) for claim in data["claims"])
        for where, text in data["locations"].items():
            if where.startswith(claims_prefix):
                result.locations.setdefault(where, text)
    for (subject, predicate, obj), count in sorted(support.items()):
        node = f"<{mint.claim(subject[1:-1], predicate[1:-1], obj[1:-1])}>"
        write([(subject, predicate, obj), (node, _TYPE, f"<{RG.Claim}>"), (node, f"<{RG.claimSubject}>", subject),
               (node, f"<{RG.claimPredicate}>", predicate), (node, f"<{RG.claimObject}>", obj)])
        out.write(f'{node} <{RG.supportCount}> "{count}"^^{_INTEGER} .\n'.encode("ascii"))
        written += 1
    result.triples, result.facts = written, len(support)
    return result


def _term(value) -> str:
    """N-Triples of a term as the parts store it (``"<iri>"`` or ``[lexical form, datatype, language]``)."""
    if isinstance(value, str):
        return value
    lexical, datatype, language = value
    text = lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if language:
        return f'"{text}"@{language}'
    return f'"{text}"^^<{datatype}>' if datatype else f'"{text}"'
