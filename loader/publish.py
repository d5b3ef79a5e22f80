"""Writing named graphs into the store, published atomically as a new generation."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from rolegraph.core.store import Store, Writable, open_store
from rolegraph.core.vocabulary import node
from rolegraph.queries.summary import store_summary


@dataclass
class PublishResult:
    generation: str
    triples: dict[str, int]
    then: Any = None  # what the ``then`` step returned


def _load(store: Writable, iri: URIRef, graph: Graph) -> int:
    target = node(iri)
    if store.contains_named_graph(target):
        store.remove_graph(target)
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return len(graph)


def publish(store_path: Store | str | os.PathLike, graphs: dict[URIRef, Graph],
            then: Callable[[Writable], Any] | None = None, optimize: bool = True) -> PublishResult:
    """Replace each named graph of ``graphs`` in the store, run ``then`` on the store (e.g. relinking,
    writing the document catalogue) and publish the result atomically with its summary; graphs not
    named are kept as they were; ``optimize`` compacts the store first. Raises ``StoreLocked`` if another
    writer is at work."""
    counts, after = {}, None
    store = open_store(store_path)
    with store.publishing() as writable:
        for iri, graph in graphs.items():
            counts[str(iri)] = _load(writable, iri, graph)
        if then is not None:
            after = then(writable)
        store_summary(writable)
        if optimize:
            writable.optimize()
    return PublishResult(store.generation or "", counts, after)
