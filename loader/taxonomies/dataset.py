"""A taxonomy's named graph in the store: replaced whole by each import, described inside itself.

The graph IRI is also the IRI of its dataset description (``void:Dataset``, ``dcat:Dataset``): version,
source folder, licence, publisher, triple count, and in ``dcterms:identifier`` a checksum of the input
files. An import whose checksum equals the stored one writes nothing and publishes no generation.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from rolegraph.core.store import current_generation, open_read_only, publishing

from . import ImportResult, RowProblem

#: Part of every checksum: bump it when an importer's output changes, so that re-importing the same
#: files rewrites the graph instead of being skipped as unchanged.
MAPPING_VERSION = "1"


def node(term) -> ox.NamedNode:
    """An rdflib ``URIRef`` (from ``ontology`` or ``rdflib.namespace``) as a pyoxigraph node."""
    return ox.NamedNode(str(term))


@dataclass(frozen=True)
class Source:
    """Who publishes a taxonomy and under which terms, for its dataset description."""

    title: str
    publisher: str  # IRI
    publisher_name: str
    license: str  # IRI
    rights: str  # the licence's name or the attribution its users must show
    rights_language: str


def checksum(files: Iterable[Path], root: Path, *extra: str) -> str:
    """``sha256:`` over each file's path relative to ``root``, size and bytes, and ``extra`` strings."""
    digest = hashlib.sha256(MAPPING_VERSION.encode())
    for text in extra:
        digest.update(b"\0" + text.encode())
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        digest.update(f"\0{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _stored(store_path: str | os.PathLike, graph: ox.NamedNode) -> dict[str, str]:
    """The identifier, version and triple count stored in ``graph``'s description ({} when absent)."""
    if current_generation(store_path) is None:
        return {}
    store = open_read_only(store_path)
    found = {}
    for key, predicate in (("checksum", DCTERMS.identifier), ("version", DCTERMS.hasVersion), ("triples", VOID.triples)):
        for quad in store.quads_for_pattern(graph, node(predicate), None, graph):
            found[key] = quad.object.value
    return found


def _description(graph: ox.NamedNode, source: Source, version: str, folder: Path, digest: str,
                 triples: int) -> list[ox.Quad]:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    publisher = ox.NamedNode(source.publisher)
    facts = [
        (graph, node(RDF.type), node(VOID.Dataset)),
        (graph, node(RDF.type), node(DCAT.Dataset)),
        (graph, node(DCTERMS.title), ox.Literal(source.title)),
        (graph, node(DCTERMS.hasVersion), ox.Literal(version)),
        (graph, node(DCTERMS.source), ox.NamedNode(folder.resolve().as_uri())),
        (graph, node(DCTERMS.license), ox.NamedNode(source.license)),
        (graph, node(DCTERMS.rights), ox.Literal(source.rights, language=source.rights_language)),
        (graph, node(DCTERMS.publisher), publisher),
        (publisher, node(RDFS.label), ox.Literal(source.publisher_name)),
        (graph, node(DCTERMS.identifier), ox.Literal(digest)),
        (graph, node(DCTERMS.modified), ox.Literal(now, datatype=node(XSD.dateTime))),
    ]
    # The count covers the description too, so that it equals what a COUNT over the graph returns.
    facts.append((graph, node(VOID.triples), ox.Literal(triples + len(facts) + 1)))
    return [ox.Quad(s, p, o, graph) for s, p, o in facts]


def replace_graph(store_path: str | os.PathLike, graph_iri: str, *, source: Source, version: str,
                  folder: Path, digest: str, quads: Callable[[ox.NamedNode], Iterable[ox.Quad]],
                  counts: dict[str, int], problems: list[RowProblem], started: float,
                  then: Callable[[ox.Store], object] | None = None) -> ImportResult:
    """Replace the named graph with ``quads(graph)`` plus its description and publish a new generation,
    unless the stored description already has ``digest``. ``counts`` and ``problems`` are filled while
    ``quads`` is consumed. Other graphs are left as they are; raises ``StoreLocked`` if another writer
    is at work. ``then`` runs on the changed store before it is published (e.g. relinking)."""
    graph = ox.NamedNode(graph_iri)
    stored = _stored(store_path, graph)
    if stored.get("checksum") == digest:
        generation = current_generation(store_path)
        return ImportResult(graph_iri, stored.get("version", version), {}, int(stored.get("triples", 0)), [],
                            generation.name if generation else "", time.perf_counter() - started, changed=False)
    with publishing(store_path) as store:
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
        store.bulk_extend(quads(graph))
        data = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graph=graph)))["n"].value)
        description = _description(graph, source, version, folder, digest, data)
        store.extend(description)
        after = then(store) if then is not None else None
    generation = current_generation(store_path)
    # Files in the order they were read, each file's records by line (some are reported after a later line).
    rank = {name: i for i, name in reversed(list(enumerate(p.file for p in problems)))}
    problems = sorted(problems, key=lambda p: (rank[p.file], p.line))
    return ImportResult(graph_iri, version, dict(counts), data + len(description), problems,
                        generation.name if generation else "", time.perf_counter() - started, changed=True,
                        then=after)
