"""The dataset's own description at /.well-known/void (VoID and DCAT): sizes, classes, named graphs,
version and build date, sources, licences, and the ESCO/ROME attribution their imports stored.

``summary()`` gathers the numbers from the named queries once per published generation (a generation
never changes; counting a million quads takes most of a second); the home page shows the same summary,
so the page and the description cannot disagree.
"""
from __future__ import annotations

import copy
import datetime as dt
import threading

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import NotAcceptable
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from rolegraph import queries
from rolegraph.core.tbox import tbox
from rolegraph.core.vocabulary import ONTOLOGY_IRI, RG_URI
from rolegraph import __version__
from rolegraph.core import formats
from rolegraph.core.export import FORMATS
from rolegraph.core.store import published_at

from .api import _plain
from .html import base_iri
from .negotiation import choose
from .sparql import select

blueprint = Blueprint("void", __name__)

OFFERS = formats.named("ttl", "jsonld", "nt")


def _rows(name: str) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in select(queries.get(name).text)]


def summary() -> dict:
    """What the graph holds: entities per class, named graphs and their sizes, imported taxonomies,
    source documents, version and build date. Computed once per generation and process (concurrent
    first requests wait for one computation); each caller gets its own copy."""
    reader = current_app.extensions["rolegraph.store"]
    reader.get()  # a StoreError (503) when nothing is published
    memo = current_app.extensions.setdefault("rolegraph.summary", {"lock": threading.Lock(), "facts": None})
    with memo["lock"]:
        if memo["facts"] is None or memo["facts"]["generation"] != reader.generation:
            memo["facts"] = _summary(reader)
        return copy.deepcopy(memo["facts"])


def _summary(reader) -> dict:
    graphs = _rows("graphs")
    built = published_at(reader.root)
    return {
        "counts": _rows("counts"),
        "graphs": graphs,
        "triples": sum(g["triples"] for g in graphs),
        "datasets": _rows("datasets"),
        "documents": _rows("documents"),
        "version": __version__,
        "built": dt.datetime.fromtimestamp(built, dt.timezone.utc).replace(microsecond=0) if built else None,
        "generation": reader.generation,
        "license": str(tbox().value(ONTOLOGY_IRI, DCTERMS.license)),
    }


def _n(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD.integer))


def describe(facts: dict) -> list[ox.Triple]:
    """The VoID/DCAT triples of ``summary()``'s facts; the dataset's IRI is this document's IRI."""
    dataset = ox.NamedNode(url_for("void.description", _external=True))
    triples: list[tuple] = [
        (dataset, _n(RDF.type), _n(VOID.Dataset)),
        (dataset, _n(RDF.type), _n(DCAT.Dataset)),
        (dataset, _n(DCTERMS.title), ox.Literal("rolegraph", language="en")),
        (dataset, _n(DCTERMS.description), ox.Literal(
            "IT job roles, their competencies, tools, diplomas, career paths and salaries, extracted from "
            "job-profile documents with the evidence of every fact.", language="en")),
        (dataset, _n(DCTERMS.hasVersion), ox.Literal(facts["version"])),
        (dataset, _n(OWL.versionInfo), ox.Literal(facts["version"])),
        (dataset, _n(DCTERMS.license), ox.NamedNode(facts["license"])),
        (dataset, _n(VOID.uriSpace), ox.Literal(base_iri())),
        (dataset, _n(VOID.vocabulary), ox.NamedNode(RG_URI)),
        (dataset, _n(VOID.sparqlEndpoint), ox.NamedNode(url_for("sparql.endpoint", _external=True))),
        (dataset, _n(VOID.triples), _integer(facts["triples"])),
        (dataset, _n(VOID.classes), _integer(len(facts["counts"]))),
        (dataset, _n(VOID.rootResource), ox.NamedNode(url_for("pages.home", _external=True))),
    ]
    if facts["built"]:
        triples.append((dataset, _n(DCTERMS.modified), ox.Literal(facts["built"].isoformat(), datatype=_n(XSD.dateTime))))
    for spec in FORMATS:
        dump = ox.NamedNode(url_for("export.dump", fmt=spec.name, _external=True))
        distribution = ox.BlankNode()
        triples += [(dataset, _n(VOID.dataDump), dump), (dataset, _n(DCAT.distribution), distribution),
                    (distribution, _n(RDF.type), _n(DCAT.Distribution)),
                    (distribution, _n(DCAT.downloadURL), dump),
                    (distribution, _n(DCAT.mediaType), ox.Literal(spec.media_type))]
    for row in facts["counts"]:
        partition = ox.BlankNode()
        triples += [(dataset, _n(VOID.classPartition), partition),
                    (partition, _n(VOID["class"]), ox.NamedNode(row["class"])),
                    (partition, _n(VOID.entities), _integer(row["count"]))]
    for row in facts["graphs"]:
        graph = ox.NamedNode(row["graph"])
        triples += [(dataset, _n(VOID.subset), graph), (graph, _n(RDF.type), _n(VOID.Dataset)),
                    (graph, _n(VOID.triples), _integer(row["triples"]))]
    for row in facts["datasets"]:
        graph = ox.NamedNode(row["graph"])
        triples += [(dataset, _n(DCTERMS.source), graph), (graph, _n(DCTERMS.title), ox.Literal(row["title"]))]
        for key, predicate in (("version", DCTERMS.hasVersion), ("rights", DCTERMS.rights)):
            if key in row:
                triples.append((graph, _n(predicate), ox.Literal(row[key])))
        for key, predicate in (("license", DCTERMS.license), ("publisher", DCTERMS.publisher)):
            if key in row:
                triples.append((graph, _n(predicate), ox.NamedNode(row[key])))
        if "publisherName" in row:
            triples.append((ox.NamedNode(row["publisher"]), _n(FOAF.name), ox.Literal(row["publisherName"])))
    for row in facts["documents"]:
        document = ox.NamedNode(row["document"])
        triples += [(dataset, _n(DCTERMS.source), document), (document, _n(RDFS.label), ox.Literal(row["file"]))]
        if "title" in row:
            triples.append((document, _n(DCTERMS.title), ox.Literal(row["title"])))
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
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
