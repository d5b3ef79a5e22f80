"""Naming: the default base IRI, the named graphs of a store, and every minting of instance IRIs.

The one place where instance IRIs are minted: same input, same IRIs, under a configurable base.
Entities, documents and their facts (``Minter``) and request paths (``iri_at``) are minted under the
base as ``normal_base`` completes it; graph names and ROME concepts are appended to the base as given.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Callable

from rdflib import URIRef

#: Instance data is minted under this base unless a deployment configures its own.
DEFAULT_BASE = "https://w3id.org/rolegraph/id/"

#: Named graphs of a store: the facts from documents (replaced by each build), the ontology they are
#: typed with, and the links to ESCO and ROME (rebuilt after each build and import): the published ones,
#: and the candidates below ``min_link_confidence`` or rejected by a curator (SSSOM axioms only, no SKOS triple).
FICHES_GRAPH = "fiches"
ONTOLOGY_GRAPH = "ontology"
LINKS_GRAPH = "links"
#: IRIs no document states any more, kept deprecated (``owl:deprecated``) so that they answer 410 Gone.
RETIRED_GRAPH = "retired"
CANDIDATES_GRAPH = "link-candidates"
#: The taxonomies' graphs: one per ESCO language (``esco_graph``), one for ROME.
ESCO_GRAPH = "esco"
ROME_GRAPH = "rome"


def graph_iri(base: str, name: str) -> URIRef:
    """The IRI of the named graph ``name`` (e.g. "fiches", "esco-en") under an instance base."""
    return URIRef(f"{base}graph/{name}")


def esco_graph(language: str, third_party: bool = False) -> str:
    """The name of the graph that holds the ESCO export of one language ("esco-en"), or a third party's
    labels of that language ("esco-fr-thirdparty"), kept apart so that they never mix with official ones."""
    return f"{ESCO_GRAPH}-{language}" + ("-thirdparty" if third_party else "")


def import_graph(stem: str) -> str:
    """The name of the graph that ``rolegraph import rdf`` fills from a file of triples named ``stem``;
    characters an IRI cannot hold (a space, ``<``, ``"``…) and ``%``, ``#``, ``?`` are percent-encoded."""
    return "import/" + _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode("utf-8", "surrogateescape")), stem)


_IRI_UNSAFE = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`%#?\ud800-\udfff]')


def rome_iri(base: str, kind: str, code: str) -> str:
    """The IRI of the ROME item of ``kind`` (fiche, appellation, competence, scheme, collection …) with
    ``code`` (a code, or a path of segments for collections)."""
    return f"{base}rome/{kind}/{code}"


def slug(text: str) -> str:
    """A lower-case ASCII IRI segment for a label ("Savoir-être professionnel" → "savoir-etre-professionnel")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def normal_base(base: str) -> str:
    """``base`` ending in "/" or "#": a "/" is added to any other."""
    return base if base.endswith(("/", "#")) else base + "/"


def iri_at(base: str, path: str) -> str:
    """The IRI at ``path`` under the base, as the server reads a request for ``/id/<path>``."""
    return normal_base(base) + path


#: Entity kinds and the path segment their IRIs live under.
ENTITY_PATHS = {
    "role": "role", "competency": "competency", "tool": "tool", "diploma": "diploma",
    "training": "training", "certification": "certification", "organisation": "organisation",
}


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


class Minter:
    """The IRIs of entities, documents, salaries, claims and evidence under one base."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = normal_base(base)

    def entity(self, kind: str, name: str) -> URIRef:
        return URIRef(f"{self.base}{ENTITY_PATHS[kind]}/{name}")

    def document(self, checksum: str) -> URIRef:
        return URIRef(f"{self.base}document/{checksum[:16]}")

    def salary(self, checksum: str, index: int) -> URIRef:
        return URIRef(f"{self.base}salary/{checksum[:16]}-{index}")

    def claim(self, subject: str, predicate: str, obj: str) -> URIRef:
        return URIRef(f"{self.base}claim/{_digest(subject, predicate, obj)}")

    def evidence(self, claim: str, checksum: str, start: int, end: int) -> URIRef:
        return URIRef(f"{self.base}evidence/{_digest(claim, checksum, str(start), str(end))}")


#: Path segment, under a graph's IRI, of the IRIs that stand for its blank nodes (RDF 1.1 §3.5).
SKOLEM_PATH = "genid"


def skolem_prefix(graph: str) -> str:
    """Where the skolem IRIs of the named graph ``graph`` (its IRI, under the base) are minted:
    ``{base}graph/{name}/genid/``, so that a graph's blank nodes never meet another graph's."""
    return f"{graph}/{SKOLEM_PATH}/"


def axiom_iri(graph: str, subject: str, predicate: str, target: str, justification: str, negated: bool) -> str:
    """The IRI of the SSSOM axiom that describes one mapping in the links graph ``graph``: the same
    mapping has the same IRI at every link run."""
    return skolem_prefix(graph) + _digest(subject, predicate, target, justification, "Not" if negated else "")


def skolemise(triples, prefix: str, is_blank: Callable[[Any], bool], key: Callable[[Any], str],
              make: Callable[[str], Any]) -> list[tuple]:
    """``triples`` with every blank node replaced by the IRI ``prefix`` + a digest of what the graph
    says about it, so that the same graph gives the same IRIs at every build whatever labels the parser
    gave its blank nodes. ``is_blank``, ``key`` (the term's N-Triples form) and ``make`` (an IRI term
    from text) adapt it to rdflib or pyoxigraph terms.

    A blank node's digest covers its outgoing triples, nested blank nodes by their own digests (OWL
    restrictions and RDF lists are trees), then the triples that point at it; two nodes still alike are
    told apart by their order, which cannot matter since they are interchangeable."""
    triples = list(triples)
    outgoing: dict[Any, list] = {}
    incoming: dict[Any, list] = {}
    for s, p, o in triples:
        if is_blank(s):
            outgoing.setdefault(s, []).append((p, o))
        if is_blank(o):
            incoming.setdefault(o, []).append((s, p))
            outgoing.setdefault(o, [])
    memo: dict[Any, str] = {}

    def describe(node, visiting: frozenset) -> str:
        if node in memo:
            return memo[node]
        if node in visiting:  # a cycle of blank nodes: its members are told apart by the incoming pass
            return "_:cycle"
        inner = visiting | {node}
        text = "|".join(sorted(f"{key(p)} {describe(o, inner) if is_blank(o) else key(o)}"
                               for p, o in outgoing.get(node, ())))
        memo[node] = _digest(text, size=64)
        return memo[node]

    for node in outgoing:
        describe(node, frozenset())
    # Named from the top down: a node's context names its blank parents by their final IRIs, so that two
    # look-alike parents' look-alike children follow their parents' names at every build.
    names: dict[Any, str] = {}
    seen: dict[str, int] = {}
    pending = set(outgoing)

    def context(node) -> str:
        return "|".join(sorted(f"{names.get(s, memo.get(s)) if is_blank(s) else key(s)} {key(p)}"
                               for s, p in incoming.get(node, ())))

    while pending:
        ready = [n for n in pending if all(not is_blank(s) or s in names for s, _ in incoming.get(n, ()))]
        ready = ready or list(pending)  # a cycle of blank nodes: named by their content
        for node in sorted(ready, key=lambda n: (memo[n], context(n))):
            digest = _digest(memo[node], context(node))
            seen[digest] = seen.get(digest, 0) + 1
            names[node] = prefix + digest + ("" if seen[digest] == 1 else f"-{seen[digest]}")
        pending.difference_update(ready)
    iris = {node: make(name) for node, name in names.items()}
    return [(iris.get(s, s), p, iris.get(o, o)) for s, p, o in triples]

