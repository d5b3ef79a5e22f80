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

from rolegraph.core.errors import require_regular
from rolegraph.core.store import Store, Writable, open_store
from rolegraph.core.vocabulary import OX
from rolegraph.queries.summary import store_summary

from ..publish import clear_graph, extend_in_batches
from . import ImportResult, RowProblem

#: Part of every checksum: bump it when an importer's output changes, so that re-importing the same
#: files rewrites the graph instead of being skipped as unchanged.
MAPPING_VERSION = "1"


@dataclass(frozen=True)
class Source:
    """Who publishes a taxonomy and under which terms, for its dataset description."""

    title: str
    publisher: str  # IRI
    publisher_name: str
    license: str  # IRI
    rights: str  # the licence's name or the attribution its users must show
    rights_language: str
    description: str = ""  # what a reader must know before trusting the data (a third party's pull …)


def checksum(files: Iterable[Path], root: Path, *extra: str) -> str:
    """``sha256:`` over each file's path relative to ``root``, size and bytes, and ``extra`` strings."""
    digest = hashlib.sha256(MAPPING_VERSION.encode())
    for text in extra:
        digest.update(b"\0" + text.encode())
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        require_regular(path)
        digest.update(f"\0{path.relative_to(root).as_posix()}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _stored(store_path: Store | str | os.PathLike, graph: ox.NamedNode) -> dict[str, str]:
    """The identifier, version and triple count stored in ``graph``'s description ({} when absent)."""
    store = open_store(store_path)
    if store.generation is None:
        return {}
    snapshot = store.open()
    found = {}
    for key, predicate in (("checksum", OX.DCTERMS.identifier), ("version", OX.DCTERMS.hasVersion),
                           ("triples", OX.VOID.triples)):
        for quad in snapshot.quads_for_pattern(graph, predicate, None, graph):
            found[key] = quad.object.value
    return found


def _description(graph: ox.NamedNode, source: Source, version: str, folder: Path, digest: str,
                 triples: int) -> list[ox.Quad]:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    publisher = ox.NamedNode(source.publisher)
    facts = [
        (graph, OX.RDF.type, OX.VOID.Dataset),
        (graph, OX.RDF.type, OX.DCAT.Dataset),
        (graph, OX.DCTERMS.title, ox.Literal(source.title)),
        (graph, OX.DCTERMS.hasVersion, ox.Literal(version)),
        (graph, OX.DCTERMS.source, ox.NamedNode(folder.resolve().as_uri())),
        (graph, OX.DCTERMS.license, ox.NamedNode(source.license)),
        (graph, OX.DCTERMS.rights, ox.Literal(source.rights, language=source.rights_language)),
        (graph, OX.DCTERMS.publisher, publisher),
        (publisher, OX.RDFS.label, ox.Literal(source.publisher_name)),
        (graph, OX.DCTERMS.identifier, ox.Literal(digest)),
        *([(graph, OX.DCTERMS.description, ox.Literal(source.description, language="en"))]
          if source.description else []),
        (graph, OX.DCTERMS.modified, ox.Literal(now, datatype=OX.XSD.dateTime)),
    ]
    # The count covers the description too, so that it equals what a COUNT over the graph returns.
    facts.append((graph, OX.VOID.triples, ox.Literal(triples + len(facts) + 1)))
    return [ox.Quad(s, p, o, graph) for s, p, o in facts]


def replace_graph(store_path: Store | str | os.PathLike, graph_iri: str, *, source: Source, version: str,
                  folder: Path, digest: str, quads: Callable[[ox.NamedNode], Iterable[ox.Quad]],
                  counts: dict[str, int], problems: list[RowProblem], started: float,
                  then: Callable[[Writable], object] | None = None) -> ImportResult:
    """Replace the named graph with ``quads(graph)`` plus its description and publish a new generation,
    unless the stored description already has ``digest``. ``counts`` and ``problems`` are filled while
    ``quads`` is consumed. Other graphs are left as they are; raises ``StoreLocked`` if another writer
    is at work. ``then`` runs on the changed store before it is published (e.g. relinking)."""
    graph = ox.NamedNode(graph_iri)
    stored = _stored(store_path, graph)
    store = open_store(store_path)
    if stored.get("checksum") == digest:
        return ImportResult(graph_iri, stored.get("version", version), {}, int(stored.get("triples", 0)), [],
                            store.generation or "", time.perf_counter() - started, changed=False)
    with store.publishing() as writable:
        clear_graph(writable, graph)
        extend_in_batches(writable, quads(graph))
        data = int(next(iter(writable.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graph=graph)))["n"].value)
        description = _description(graph, source, version, folder, digest, data)
        writable.extend(description)
        after = then(writable) if then is not None else None
        store_summary(writable)
    # Files in the order they were read, each file's records by line (some are reported after a later line).
    rank = {name: i for i, name in reversed(list(enumerate(p.file for p in problems)))}
    problems = sorted(problems, key=lambda p: (rank[p.file], p.line))
    return ImportResult(graph_iri, version, dict(counts), data + len(description), problems,
                        store.generation or "", time.perf_counter() - started, changed=True,
                        then=after)
