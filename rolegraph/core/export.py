"""Whole-dataset exports from the published store, streamed: the one implementation behind
``rolegraph export`` and the server's /export routes.

``chunks`` checks its arguments at once and returns a generator of bytes that reads the store in
batches, so that neither side holds the dataset in memory. The batches are written in the published
form of ``rolegraph.core.formats`` (our prefixes, our JSON-LD context).
"""
from __future__ import annotations

import os
from typing import BinaryIO, Iterator

import pyoxigraph as ox

from . import formats
from .errors import NotFound
from .formats import Format
from .store import Readable, Store, open_store

#: Quads read from the store and serialised at a time.
BATCH = 4096

#: The downloads as the page, the VoID description and errors list them: graphs merged, then kept.
FORMATS = tuple(sorted(formats.DOWNLOADS, key=lambda f: f.keeps_graphs))


def export_format(name: str) -> Format:
    return formats.get(name, FORMATS, "export format")


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
    return formats.stream_graph(quads, spec, compact=True, batch=BATCH)


def export(store_path: Store | str | os.PathLike, fmt: str, graph: str | None, output: BinaryIO) -> None:
    """Write the dataset (or one named graph) to ``output``; triple formats merge all graphs."""
    for chunk in chunks(open_store(store_path).open(), fmt, graph):
        output.write(chunk)
