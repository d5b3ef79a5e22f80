"""The SPARQL 1.1 Protocol endpoint at /sparql (queries only; updates are refused)."""
from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from ontology import SD
from rolegraph.errors import QueryError

from .results import GRAPH_FORMATS, SOLUTION_FORMATS, choose, serialize

blueprint = Blueprint("sparql", __name__)


def store():
    """The published store, opened once per process and followed across new builds."""
    return current_app.extensions["rolegraph.store"].get()


def run(query: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None):
    """Run ``query`` on the union of the store's graphs (or on the graphs the protocol names);
    a syntax error is a ``QueryError``."""
    options: dict = {"use_default_graph_as_union": not default_graphs}
    if default_graphs:
        options["default_graph"] = [_graph(iri) for iri in default_graphs]
    if named_graphs:
        options["named_graphs"] = [_graph(iri) for iri in named_graphs]
    try:
        return store().query(query, **options)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", position=_position(str(exc))) from exc


def select(query: str) -> list[dict]:
    """The solutions of a SELECT ``query`` as a list of {variable name: pyoxigraph term} (unbound
    variables left out); what pages and the JSON API use instead of iterating results themselves."""
    results = run(query)
    names = [v.value for v in results.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in results]


def construct(query: str) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE ``query``."""
    return list(run(query))


def _graph(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise QueryError(f"not a graph IRI: {iri!r}") from exc


def _position(message: str) -> str | None:
    match = re.search(r"at (\d+:\d+)", message)
    return match.group(1) if match else None


@blueprint.after_request
def _cors(response: Response) -> Response:
    # Read-only answers may be used by browser-based SPARQL clients on other origins.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    return response


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    elif request.method == "POST" and request.mimetype == "application/sparql-update" or "update" in request.form:
        return Response("SPARQL updates are not accepted by this endpoint\n", status=403, mimetype="text/plain")
    else:
        query = request.values.get("query")
    if not query:
        if request.method == "GET":
            return service_description()
        raise QueryError("no query: send one with ?query=, a form field query, or an application/sparql-query body")
    results = run(query, request.values.getlist("default-graph-uri"), request.values.getlist("named-graph-uri"))
    if isinstance(results, ox.QueryBoolean):
        media, fmt = choose(request, SOLUTION_FORMATS)
        return Response(results.serialize(format=fmt), content_type=media)
    body, content_type = serialize(results, request)
    return Response(body, content_type=content_type)


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in an RDF format the client accepts."""
    endpoint_iri = ox.NamedNode(request.base_url)
    service = ox.BlankNode()
    sd = str(SD)
    triples = [
        ox.Triple(service, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(sd + "Service")),
        ox.Triple(service, ox.NamedNode(sd + "endpoint"), endpoint_iri),
        ox.Triple(service, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(service, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
    ]
    for fmt in (*SOLUTION_FORMATS.values(), *GRAPH_FORMATS.values()):
        triples.append(ox.Triple(service, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(fmt.iri)))
    media, fmt = choose(request, GRAPH_FORMATS)
    return Response(ox.serialize(triples, format=fmt), content_type=media)

