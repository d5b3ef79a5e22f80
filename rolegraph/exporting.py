"""Whole-dataset exports from the published store, streamed by Oxigraph's serialisers."""
from __future__ import annotations

import os
from typing import BinaryIO

import pyoxigraph as ox

from .errors import NotFound, UsageError
from .store import open_read_only

#: Export format name → (Oxigraph format, whether it keeps named graphs).
FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "jsonld": (ox.RdfFormat.JSON_LD, False),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
}


def export(store_path: str | os.PathLike, fmt: str, graph: str | None, output: BinaryIO) -> None:
    """Write the dataset (or one named graph) to ``output``; triple formats merge all graphs."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    rdf_format, keeps_graphs = FORMATS[fmt]
    store = open_read_only(store_path)
    if graph is not None:
        node = ox.NamedNode(graph)
        if not store.contains_named_graph(node):
            raise NotFound(f"no named graph {graph} in the store", graph=graph)
        store.dump(output, format=rdf_format, from_graph=node)
    elif keeps_graphs:
        store.dump(output, format=rdf_format)
    else:
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None))
        ox.serialize(triples, output, format=rdf_format)
