"""Retired IRIs: an entity or document that no document states any more keeps its IRI, deprecated.

The named graph ``<base>graph/retired`` holds, for each such IRI, ``owl:deprecated true``, its former
labels (``rdfs:label``: never a class or a SKOS label, so that counts and label queries skip it) and,
where one exists, ``dcterms:isReplacedBy`` (the new version of a replaced document). The server answers
410 Gone for them rather than a 404 that breaks the links other sites made. An IRI stated again
leaves the graph.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from rolegraph.core.naming import FICHES_GRAPH, RETIRED_GRAPH, graph_iri
from rolegraph.core.store import Readable
from rolegraph.core.vocabulary import RG, bind_prefixes, node

#: The classes whose instances keep their IRI when they are no longer stated (claims and evidence
#: are passages of documents, retired with the document).
KEPT = (RG.Role, RG.Skill, RG.Knowledge, RG.SoftSkill, RG.Tool, RG.Diploma, RG.Training, RG.Certification,
        RG.Organisation, RG.SalaryRange, RG.SourceDocument)

_STATED = """SELECT DISTINCT ?s ?label WHERE {{ GRAPH {graph} {{
  ?s a ?class . FILTER (?class IN ({classes}))
  OPTIONAL {{ ?s <{pref}>|<{file}> ?label }} }} }}"""


def _stated(readable: Readable, base: str) -> dict[URIRef, set[Literal]]:
    text = _STATED.format(graph=node(graph_iri(base, FICHES_GRAPH)), classes=", ".join(f"<{c}>" for c in KEPT),
                          pref=SKOS.prefLabel, file=RG.fileName)
    found: dict[URIRef, set[Literal]] = {}
    for row in readable.query(text):
        labels = found.setdefault(URIRef(row["s"].value), set())
        if row["label"] is not None:
            label = row["label"]
            labels.add(Literal(label.value, lang=label.language) if label.language else Literal(label.value))
    return found


def retired_graph(before: Readable | None, after: Graph, base: str,
                  replaced: dict[str, str] | None = None) -> Graph:
    """The retired graph once the fiches graph of ``before`` (a generation, or None) becomes ``after``:
    the IRIs retired earlier or stated in ``before``, less those ``after`` states; ``replaced`` maps the
    IRI of a document to the IRI of its new version."""
    return retired_of(before, {s for c in KEPT for s in after.subjects(RDF.type, c)}, base, replaced)


def retired_of(before: Readable | None, stated_now: set[URIRef], base: str,
               replaced: dict[str, str] | None = None) -> Graph:
    """``retired_graph`` where the new fiches graph states ``stated_now``: its instances of ``KEPT``."""
    graph = bind_prefixes(Graph())
    if before is None:
        return graph
    retired_graph_node = node(graph_iri(base, RETIRED_GRAPH))
    earlier = before.quads_for_pattern(None, None, None, retired_graph_node) \
        if before.contains_named_graph(retired_graph_node) else ()
    for quad in earlier:
        subject = URIRef(quad.subject.value)
        if subject not in stated_now:
            value = quad.object
            obj = URIRef(value.value) if quad.predicate.value == str(DCTERMS.isReplacedBy) else (
                Literal(True) if quad.predicate.value == str(OWL.deprecated) else
                Literal(value.value, lang=value.language) if value.language else Literal(value.value))
            graph.add((subject, URIRef(quad.predicate.value), obj))
    for subject, labels in _stated(before, base).items():
        if subject in stated_now:
            continue
        graph.add((subject, OWL.deprecated, Literal(True)))
        for label in labels:
            graph.add((subject, RDFS.label, label))
    for old, new in (replaced or {}).items():
        if URIRef(old) not in stated_now and URIRef(new) in stated_now:
            graph.add((URIRef(old), DCTERMS.isReplacedBy, URIRef(new)))
    return graph


def retire(before: Readable | None, writable, base: str, subjects: set, replaced: dict[str, str] | None = None) -> int:
    """Bring the retired graph of ``writable`` (a generation being written, whose fiches graph was
    changed from that of ``before``) to what ``retired_graph`` gives, where only ``subjects`` (those of
    the changed triples) can have been stated or no longer be; returns the IRIs it holds."""
    fiches, retired = node(graph_iri(base, FICHES_GRAPH)), node(graph_iri(base, RETIRED_GRAPH))
    kept = {node(c) for c in KEPT}
    labels = (node(SKOS.prefLabel), node(RG.fileName))

    def stated(readable, subject) -> bool:
        return readable is not None and any(
            q.object in kept for q in readable.quads_for_pattern(subject, node(RDF.type), None, fiches))

    quads = []
    for subject in sorted({node(s) for s in subjects if isinstance(s, URIRef)}, key=str):
        if stated(writable, subject):
            for quad in list(writable.quads_for_pattern(subject, None, None, retired)):
                writable.remove(quad)
        elif stated(before, subject):
            quads.append(ox.Quad(subject, node(OWL.deprecated), ox.Literal(True), retired))
            quads += [ox.Quad(subject, node(RDFS.label), q.object, retired) for label in labels
                      for q in before.quads_for_pattern(subject, label, None, fiches)]
    for old, new in (replaced or {}).items():
        if not stated(writable, node(old)) and stated(writable, node(new)):
            quads.append(ox.Quad(node(old), node(DCTERMS.isReplacedBy), node(new), retired))
    writable.extend(quads)
    rows = writable.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{retired.value}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)
