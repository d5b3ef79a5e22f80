"""The dataset's own description at /.well-known/void (VoID and DCAT): sizes, classes, named graphs,
version and build date, sources, licences, and the ESCO/ROME attribution their imports stored.

``summary()`` reads the numbers the loader stored with the published generation (else gathers them
from the named queries), once per generation (a generation never changes; counting a million quads
takes most of a second); the home page shows the same summary, so the page and the description
cannot disagree.
"""
from __future__ import annotations

import copy
import datetime as dt
import threading

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import NotAcceptable
from rdflib.namespace import DCTERMS

from rolegraph import queries
from rolegraph.queries.summary import PARTS, stored
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import ONTOLOGY_IRI, OX, RG_URI
from rolegraph import __version__
from rolegraph.core import formats
from rolegraph.core.export import FORMATS

from . import cors
from .html import base_iri
from .negotiation import choose
from .sparql import store, values

blueprint = Blueprint("void", __name__)
cors.allow(blueprint)

OFFERS = formats.named("ttl", "jsonld", "nt")


def _rows(name: str) -> list[dict]:
    return values(queries.get(name).text)


def summary() -> dict:
    """What the graph holds: entities per class, named graphs and their sizes, imported taxonomies,
    source documents, version and build date. Computed once per generation and process (concurrent
    first requests wait for one computation); each caller gets its own copy."""
    generation = store().open().generation  # a StoreError (503) when nothing is published
    memo = current_app.extensions.setdefault("rolegraph.summary", {"lock": threading.Lock(), "facts": None})
    with memo["lock"]:
        if memo["facts"] is None or memo["facts"]["generation"] != generation:
            memo["facts"] = _summary(generation)
        return copy.deepcopy(memo["facts"])


def _summary(generation: str) -> dict:
    """The summary published with the generation (the loader stores it when it publishes), else the
    named queries run now (a generation published by other means, such as a SPARQL Update)."""
    facts = stored(store().open()) or {}
    for name in PARTS:
        if name not in facts:  # a part that summaries published by an earlier version did not hold
            facts[name] = _rows(name)
    facts["triples"] = sum(g["triples"] for g in facts["graphs"])
    built = store().published_at
    return {
        **{name: facts[name] for name in (*PARTS, "triples")},
        "version": __version__,
        "built": dt.datetime.fromtimestamp(built, dt.timezone.utc).replace(microsecond=0) if built else None,
        "generation": generation,
        "license": str(tbox().value(ONTOLOGY_IRI, DCTERMS.license)),
    }


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=OX.XSD.integer)


def describe(facts: dict) -> list[ox.Triple]:
    """The VoID/DCAT triples of ``summary()``'s facts; the dataset's IRI is this document's IRI."""
    dataset = ox.NamedNode(url_for("void.description", _external=True))
    triples: list[tuple] = [
        (dataset, OX.RDF.type, OX.VOID.Dataset),
        (dataset, OX.RDF.type, OX.DCAT.Dataset),
        (dataset, OX.DCTERMS.title, ox.Literal("rolegraph", language="en")),
        (dataset, OX.DCTERMS.description, ox.Literal(
            "IT job roles, their competencies, tools, diplomas, career paths and salaries, extracted from "
            "job-profile documents with the evidence of every fact.", language="en")),
        (dataset, OX.DCTERMS.hasVersion, ox.Literal(facts["version"])),
        (dataset, OX.OWL.versionInfo, ox.Literal(facts["version"])),
        (dataset, OX.DCTERMS.license, ox.NamedNode(facts["license"])),
        (dataset, OX.VOID.uriSpace, ox.Literal(base_iri())),
        (dataset, OX.VOID.vocabulary, ox.NamedNode(RG_URI)),
        (dataset, OX.VOID.sparqlEndpoint, ox.NamedNode(url_for("sparql.endpoint", _external=True))),
        (dataset, OX.VOID.triples, _integer(facts["triples"])),
        (dataset, OX.VOID.classes, _integer(len(facts["counts"]))),
        (dataset, OX.VOID.rootResource, ox.NamedNode(url_for("pages.home", _external=True))),
    ]
    if facts["built"]:
        triples.append((dataset, OX.DCTERMS.modified, ox.Literal(facts["built"].isoformat(), datatype=OX.XSD.dateTime)))
    for spec in FORMATS:
        dump = ox.NamedNode(url_for("export.dump", fmt=spec.name, _external=True))
        distribution = ox.BlankNode()
        triples += [(dataset, OX.VOID.dataDump, dump), (dataset, OX.DCAT.distribution, distribution),
                    (distribution, OX.RDF.type, OX.DCAT.Distribution),
                    (distribution, OX.DCAT.downloadURL, dump),
                    (distribution, OX.DCAT.mediaType, ox.Literal(spec.media_type))]
    for row in facts["counts"]:
        partition = ox.BlankNode()
        triples += [(dataset, OX.VOID.classPartition, partition),
                    (partition, OX.VOID["class"], ox.NamedNode(row["class"])),
                    (partition, OX.VOID.entities, _integer(row["count"]))]
    for row in facts["graphs"]:
        graph = ox.NamedNode(row["graph"])
        triples += [(dataset, OX.VOID.subset, graph), (graph, OX.RDF.type, OX.VOID.Dataset),
                    (graph, OX.VOID.triples, _integer(row["triples"]))]
    for row in facts["datasets"]:
        graph = ox.NamedNode(row["graph"])
        triples += [(dataset, OX.DCTERMS.source, graph), (graph, OX.DCTERMS.title, ox.Literal(row["title"]))]
        for key, predicate in (("version", OX.DCTERMS.hasVersion), ("rights", OX.DCTERMS.rights)):
            if key in row:
                triples.append((graph, predicate, ox.Literal(row[key])))
        for key, predicate in (("license", OX.DCTERMS.license), ("publisher", OX.DCTERMS.publisher)):
            if key in row:
                triples.append((graph, predicate, ox.NamedNode(row[key])))
        if "publisherName" in row:
            triples.append((ox.NamedNode(row["publisher"]), OX.FOAF.name, ox.Literal(row["publisherName"])))
    for row in facts["documents"]:
        document = ox.NamedNode(row["document"])
        triples += [(dataset, OX.DCTERMS.source, document), (document, OX.RDFS.label, ox.Literal(row["file"]))]
        if "title" in row:
            triples.append((document, OX.DCTERMS.title, ox.Literal(row["title"])))
    return [ox.Triple(*t) for t in triples]


@blueprint.route("/.well-known/void")
def description():
    try:
        fmt = choose(request, OFFERS)
    except NotAcceptable:
        if request.values.get("format"):
            raise
        fmt = OFFERS[0]  # a browser asking for HTML reads the Turtle
    triples = describe(summary())
    if fmt.name == "jsonld":  # one node object per subject, not one per run of its triples
        triples = sorted(triples, key=lambda t: str(t.subject))
    response = Response(formats.serialize_graph(triples, fmt, compact=True), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response
