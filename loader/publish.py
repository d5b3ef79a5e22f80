"""Writing named graphs into the store, published atomically as a new generation."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from typing import Any, BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from rolegraph.core.naming import skolem_prefix, skolemise

from rolegraph.core.store import Store, Writable, open_store
from rolegraph.core.vocabulary import node
from rolegraph.queries.summary import changed_summary, store_summary, stored


@dataclass
class PublishResult:
    generation: str
    triples: dict[str, int]
    then: Any = None  # what the ``then`` step returned
    #: What the generation holds (``queries.summary``), as published with it.
    summary: dict | None = None


#: Quads removed per batch by ``clear_graph``, and N-Triples lines (or quads) per bulk load by
#: ``load_ntriples`` and ``extend_in_batches``. Oxigraph holds a whole transaction in memory, and the bulk
#: loader a whole input: removing a 560k-triple graph in one transaction took 30 s and 830 MB more
#: resident memory, in batches of 50k 17 s and 440 MB; bulk-loading 560k triples at once 7.8 s and 410 MB,
#: by 100k lines 6.6 s and 160 MB (bench/README.md, "Loading in batches").
CLEAR_BATCH = 50_000
LOAD_BATCH = 100_000


def clear_graph(store: Writable, target: ox.NamedNode) -> None:
    """Remove the named graph ``target`` and its triples: its quads are listed ``CLEAR_BATCH`` at a time
    and removed, so that no listing or transaction holds the whole graph."""
    for batch in iter(lambda: list(islice(store.quads_for_pattern(None, None, None, target), CLEAR_BATCH)), []):
        for quad in batch:
            store.remove(quad)
    if store.contains_named_graph(target):
        store.remove_graph(target)  # empty by now: only the graph's name is left to remove


def load_ntriples(store: Writable, data: BinaryIO, target: ox.NamedNode) -> None:
    """Bulk-load the N-Triples file ``data`` (one triple a line, as N-Triples is) into the named graph
    ``target``, ``LOAD_BATCH`` lines per bulk load, so that the loader never holds the whole file."""
    for lines in _batches(data, LOAD_BATCH):
        store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, to_graph=target)


def extend_in_batches(store: Writable, quads: Iterable[ox.Quad]) -> None:
    """``bulk_extend`` the store with ``quads``, ``LOAD_BATCH`` at a time (memory bounded by a batch)."""
    for batch in _batches(quads, LOAD_BATCH):
        store.bulk_extend(batch)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (the last one shorter), read lazily."""
    items = iter(items)
    return iter(lambda: list(islice(items, size)), [])


@dataclass(frozen=True)
class Sourced:
    """A graph made from files whose ``digest`` is known before it is made (``read``): a change that finds
    the graph published with that digest leaves it without making it (the ontology, at each add)."""

    digest: str
    read: Callable[[], Graph]


def _digest_state(iri: URIRef) -> str:
    return f"sources/{hashlib.sha256(str(iri).encode()).hexdigest()[:32]}"


def _load(store: Writable, iri: URIRef, graph: Graph | Sourced, unless_same: bool = False) -> int | None:
    """Replace the named graph ``iri`` by ``graph``; with ``unless_same``, leave it when it already holds
    exactly those triples (the ontology, at each add). A ``Sourced`` graph published with its digest is
    left without being made (its size is then not counted: None)."""
    target = node(iri)
    if isinstance(graph, Sourced):
        if unless_same and store.state(_digest_state(iri)) == graph.digest.encode() \
                and store.contains_named_graph(target):
            return None
        store.put_state(_digest_state(iri), graph.digest.encode())
        graph = graph.read()
    elif hasattr(store, "state") and store.state(_digest_state(iri)) is not None:
        store.put_state(_digest_state(iri), None)  # replaced by a graph of no known source
    data = skolemised(iri, graph).serialize(format="nt", encoding="utf-8")
    if store.contains_named_graph(target):
        if unless_same:
            held = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, target)}
            # ox.parse gives quads (in the default graph): compared as triples, or never equal
            if held == {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}:
                return len(graph)
        store.remove_graph(target)
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    return len(graph)


def skolemised(iri: URIRef, graph: Graph) -> Graph:
    """``graph`` with its blank nodes (the ontology's restrictions and lists) replaced by stable IRIs
    under the graph's IRI (``naming.skolemise``): a published graph has no blank node, so that a copy
    pushed to another store is the same graph and compares as such."""
    if not any(isinstance(t, BNode) for triple in graph for t in triple):
        return graph
    result = Graph()
    for triple in skolemise(graph, skolem_prefix(str(iri)), lambda t: isinstance(t, BNode), lambda t: t.n3(), URIRef):
        result.add(triple)
    return result


def _term(term):
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    return ox.NamedNode(str(term))


def publish(store_path: Store | str | os.PathLike, graphs: dict[URIRef, Graph | Sourced],
            then: Callable[[Writable], Any] | None = None, optimize: bool = True,
            progress: Callable[[str], None] | None = None, base: str | None = None) -> PublishResult:
    """Replace each named graph of ``graphs`` in the store, run ``then`` on the store (e.g. relinking,
    writing the document catalogue) and publish the result atomically with its summary; graphs not
    named are kept as they were; ``optimize`` compacts the store first. ``progress(stage)`` is called as
    the summary and the compaction end. ``base``: the new generation's database starts from that kept
    base (``Store.publishing``). Raises ``StoreLocked`` if another writer is at work."""
    counts, after = {}, None
    store = open_store(store_path)
    with store.publishing(base=base) as writable:
        for iri, graph in graphs.items():
            counts[str(iri)] = _load(writable, iri, graph)
        if then is not None:
            after = then(writable)
        summary = store_summary(writable)
        if progress:
            progress("summary")
        if optimize:
            writable.optimize()
            if progress:
                progress("optimize")
    return PublishResult(store.generation or "", counts, after, summary)


def publish_change(store_path: Store | str | os.PathLike, iri: URIRef, removed: set[tuple], added: set[tuple],
                   graphs: dict[URIRef, Graph | Sourced], then: Callable[[Writable], Any] | None = None,
                   touched: Iterable[URIRef] = (), documents: Iterable[str] = ()) -> PublishResult:
    """Remove the triples ``removed`` (all in it) from the named graph ``iri`` and add ``added`` (none in
    it), replace each (small) graph of ``graphs`` (unless it holds that already), run ``then`` and publish the result atomically with its
    summary, as ``publish``. Nothing else is rewritten: the taxonomies' graphs stay in the files of the
    previous generation, whose hard-linked copy the new one starts from, and the store is not compacted.
    The summary counts again only ``iri``, ``graphs``, the ``touched`` graphs (those ``then`` changes)
    and the rows of ``documents`` (the IRIs of those added or removed)."""
    counts, after = {}, None
    store = open_store(store_path)
    previous = stored(store.open()) if store.generation is not None else None
    target = node(iri)
    with store.publishing() as writable:
        for s, p, o in removed:
            writable.remove(ox.Quad(_term(s), _term(p), _term(o), target))
        writable.extend([ox.Quad(_term(s), _term(p), _term(o), target) for s, p, o in added])
        for other, graph in graphs.items():
            counts[str(other)] = _load(writable, other, graph, unless_same=True)
        if then is not None:
            after = then(writable)
        before = next((g["triples"] for g in (previous or {}).get("graphs", ()) if g["graph"] == str(iri)), 0)
        sizes = {str(iri): before - len(removed) + len(added), **{str(g): None for g in (*graphs, *touched)}}
        nodes = {str(t) for triple in (*removed, *added) for t in triple if isinstance(t, URIRef)}
        typed = Counter(str(o) for _, p, o in added if p == RDF.type)
        typed.subtract(str(o) for _, p, o in removed if p == RDF.type)
        summary = changed_summary(writable, previous, sizes, set(documents), nodes, (str(iri), dict(typed)))
    return PublishResult(store.generation or "", counts, after, summary)
