"""The ontology (TBox and concept schemes) and the SHACL shapes as rdflib graphs, parsed once per process."""
from __future__ import annotations

import hashlib
from functools import lru_cache

from rdflib import Graph

from .paths import SHAPE_FILES, TBOX_FILES
from .vocabulary import bind_prefixes


@lru_cache(maxsize=1)
def tbox() -> Graph:
    """The ontology and its concept schemes as one rdflib graph, parsed once per process.

    Callers must not modify the returned graph; copy it first.
    """
    graph = bind_prefixes(Graph())
    for path in TBOX_FILES:
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def tbox_digest() -> str:
    """A digest of the ontology's files: ``tbox()`` is the same graph while it is the same, so a writer
    that finds it published with the graph need not parse the ontology to know it is there already."""
    digest = hashlib.sha256()
    for path in TBOX_FILES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=2)
def shapes(severity: str | None = None) -> Graph:
    """The SHACL shapes of one severity ("violation" or "warning"), or of both when ``None``."""
    graph = bind_prefixes(Graph())
    for name, path in SHAPE_FILES.items():
        if severity in (None, name):
            graph.parse(path, format="turtle")
    return graph
