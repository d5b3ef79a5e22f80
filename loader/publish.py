"""Writing named graphs into the embedded store, published atomically as a new generation."""
from __future__ import annotations

import os
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef

from rolegraph.store import current_generation, publishing


@dataclass
class PublishResult:
    generation: str
    triples: dict[str, int]


def _load(store: ox.Store, iri: URIRef, graph: Graph) -> int:
    target = ox.NamedNode(str(iri))
    if store.contains_named_graph(target):
        store.remove_graph(target)
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return len(graph)


def publish(store_path: str | os.PathLike, graphs: dict[URIRef, Graph]) -> PublishResult:
    """Replace each named graph of ``graphs`` in the store and publish the result atomically;
    graphs not named are kept as they were. Raises ``StoreLocked`` if another writer is at work."""
    counts = {}
    with publishing(store_path) as store:
        for iri, graph in graphs.items():
            counts[str(iri)] = _load(store, iri, graph)
        store.optimize()
    generation = current_generation(store_path)
    return PublishResult(generation.name if generation else "", counts)
