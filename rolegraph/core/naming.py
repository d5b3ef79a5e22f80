"""Naming: the default base IRI, the named graphs of a store, and every minting of instance IRIs.

The one place where instance IRIs are minted: same input, same IRIs, under a configurable base.
"""
from __future__ import annotations

import hashlib

from rdflib import URIRef

#: Instance data is minted under this base unless a deployment configures its own.
DEFAULT_BASE = "https://w3id.org/rolegraph/id/"

#: Named graphs of a store: the facts from documents (replaced by each build), the ontology they are
#: typed with, and the links to ESCO and ROME (rebuilt after each build and import).
FICHES_GRAPH = "fiches"
ONTOLOGY_GRAPH = "ontology"
LINKS_GRAPH = "links"


def graph_iri(base: str, name: str) -> URIRef:
    """The IRI of the named graph ``name`` (e.g. "fiches", "esco") under an instance base."""
    return URIRef(f"{base}graph/{name}")

#: Entity kinds and the path segment their IRIs live under.
ENTITY_PATHS = {
    "role": "role", "competency": "competency", "tool": "tool", "diploma": "diploma",
    "training": "training", "certification": "certification", "organisation": "organisation",
}


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


class Minter:
    def __init__(self, base: str = DEFAULT_BASE) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base

    def entity(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}{ENTITY_PATHS[kind]}/{slug}")

    def document(self, checksum: str) -> URIRef:
        return URIRef(f"{self.base}document/{checksum[:16]}")

    def salary(self, checksum: str, index: int) -> URIRef:
        return URIRef(f"{self.base}salary/{checksum[:16]}-{index}")

    def claim(self, subject: str, predicate: str, obj: str) -> URIRef:
        return URIRef(f"{self.base}claim/{_digest(subject, predicate, obj)}")

    def evidence(self, claim: str, checksum: str, start: int, end: int) -> URIRef:
        return URIRef(f"{self.base}evidence/{_digest(claim, checksum, str(start), str(end))}")
