"""Importing RDF the user brings (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) into the store."""
from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from rolegraph.core.naming import graph_iri, import_graph
from rolegraph.core.errors import InputError, require_regular
from rolegraph.core.store import Store, open_store

from rolegraph.queries.summary import store_summary

from .publish import PublishResult


#: Extensions pyoxigraph does not know, and the format their files are in.
_EXTENSIONS = {"owl": ox.RdfFormat.RDF_XML}


def read_rdf(path: str | os.PathLike) -> tuple[ox.RdfFormat, list[ox.Quad]]:
    """The format (from the file's extension) and the quads of an RDF file the user brings;
    ``InputError`` names the file, and the line of a syntax error."""
    path = Path(path)
    extension = path.suffix.lstrip(".").lower()
    try:
        fmt = _EXTENSIONS.get(extension) or ox.RdfFormat.from_extension(extension)
    except ValueError:
        fmt = None
    if fmt is None:
        raise InputError(f"unknown RDF file extension {path.suffix!r}; expected .ttl, .nt, .nq, .trig, .rdf, "
                         ".owl, .jsonld", file=str(path))
    try:
        require_regular(path)
        with open(path, "rb") as handle:
            return fmt, list(ox.parse(handle, format=fmt, base_iri=path.resolve().as_uri()))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from exc
    except SyntaxError as exc:
        message = str(exc.msg if exc.msg else exc).replace("\n", " ")
        raise InputError(f"cannot parse {fmt.name}: {message}", file=str(path), line=exc.lineno) from exc


def import_rdf(store_path: Store | str | os.PathLike, files, graph: str | None, base: str) -> PublishResult:
    """Load ``files``: triples go to ``graph`` (default: a graph named after each file), quads keep
    their own graphs. A file that does not parse stops the import; nothing is published."""
    counts: dict[str, int] = {}
    store = open_store(store_path)
    with store.publishing() as writable:
        for path in map(Path, files):
            fmt, quads = read_rdf(path)
            target = ox.NamedNode(graph or str(graph_iri(base, import_graph(path.stem))))
            if not fmt.supports_datasets:
                if writable.contains_named_graph(target):
                    writable.remove_graph(target)
                quads = [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
            writable.extend(quads)
            for q in quads:
                key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "default graph"
                counts[key] = counts.get(key, 0) + 1
        store_summary(writable)
    return PublishResult(store.generation or "", counts)
