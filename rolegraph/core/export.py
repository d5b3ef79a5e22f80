"""Whole-dataset exports from the published store, streamed: the one implementation behind
``rolegraph export`` and the server's /export routes.

``chunks`` checks its arguments at once and returns a generator of bytes that reads the store in
batches, so that neither side holds the dataset in memory. Turtle and TriG batches are written by
Oxigraph with the project's prefixes (repeated ``@prefix`` lines are dropped after the first batch);
JSON-LD is compacted by ``rolegraph.core.jsonld``.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import BinaryIO, Iterable, Iterator

import pyoxigraph as ox

from rolegraph.core.vocabulary import PREFIXES

from . import jsonld
from .errors import NotFound, UsageError
from .store import Readable, Store, open_store

#: Quads read from the store and serialised at a time.
BATCH = 4096


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    rdf_format: ox.RdfFormat | None  # None: written by rolegraph.jsonld
    keeps_graphs: bool


#: Export format name (also the file extension) → how it is written.
FORMATS = {f.name: f for f in (
    ExportFormat("ttl", "text/turtle", ox.RdfFormat.TURTLE, False),
    ExportFormat("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    ExportFormat("jsonld", "application/ld+json", None, False),
    ExportFormat("nq", "application/n-quads", ox.RdfFormat.N_QUADS, True),
    ExportFormat("trig", "application/trig", ox.RdfFormat.TRIG, True),
)}


def export_format(name: str) -> ExportFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown export format {name!r}; known: {', '.join(FORMATS)}", format=name) from None


def chunks(store: Readable, fmt: str, graph: str | None = None) -> Iterator[bytes]:
    """The export of ``store`` (or of one named graph) in format ``fmt`` as a generator of bytes.
    Raises ``UsageError`` for an unknown format and ``NotFound`` for an unknown graph before any
    byte is produced. Triple formats merge all graphs."""
    spec = export_format(fmt)
    source = None
    if graph is not None:
        try:
            source = ox.NamedNode(graph)
        except ValueError:
            raise NotFound(f"no named graph {graph!r} in the store", graph=graph) from None
        if not store.contains_named_graph(source):
            raise NotFound(f"no named graph {graph} in the store", graph=graph)
    quads = store.quads_for_pattern(None, None, None, source)
    return _generate(quads, spec)


def triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    return (ox.Triple(q.subject, q.predicate, q.object) for q in quads)


def _generate(quads: Iterable[ox.Quad], spec: ExportFormat) -> Iterator[bytes]:
    if spec.rdf_format is None:
        for text in jsonld.write(triples(quads)):
            yield text.encode("utf-8")
        return
    prefixes = PREFIXES if spec.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    iterator = iter(quads)
    first = True
    while True:
        batch = list(itertools.islice(iterator, BATCH))
        if not batch:
            return
        items = batch if spec.keeps_graphs else list(triples(batch))
        body = ox.serialize(items, format=spec.rdf_format, prefixes=prefixes)
        if prefixes and not first:
            body = _without_prefix_lines(body)
        first = False
        yield body


def _without_prefix_lines(body: bytes) -> bytes:
    start = 0
    while body.startswith(b"@prefix ", start):
        start = body.index(b"\n", start) + 1
    return body[start:]


def export(store_path: Store | str | os.PathLike, fmt: str, graph: str | None, output: BinaryIO) -> None:
    """Write the dataset (or one named graph) to ``output``; triple formats merge all graphs."""
    for chunk in chunks(open_store(store_path).open(), fmt, graph):
        output.write(chunk)
