"""The read side of the SPARQL 1.1 Graph Store HTTP Protocol at /store: ``GET /store?graph=IRI`` gives one
named graph, ``GET /store?default`` the default graph (the union of the graphs, as /sparql queries it),
in the RDF format the client prefers. Read-only: every other method is 405, so that other rolegraph
instances and GSP clients can pull from us but never write."""
from __future__ import annotations

from flask import Blueprint, Response, request

from rolegraph.core.errors import UsageError
from rolegraph.core.export import chunks

from . import cors, sparql
from .negotiation import choose

blueprint = Blueprint("graph_store", __name__)
cors.allow(blueprint)
#: What a graph is offered in: the triple formats that are written batch by batch (streamed).
OFFERED = tuple(f for f in sparql.GRAPHS if f.download)


@blueprint.route("/store", methods=["GET", "HEAD"])
def read():
    """One graph of the store (``?graph=IRI``) or its default graph (``?default``), streamed."""
    graph = request.args.get("graph")
    if (graph is None) == ("default" not in request.args):
        raise UsageError("ask for one graph: /store?graph=IRI (a named graph) or /store?default (the union "
                         "of the graphs)", parameter="graph")
    fmt = choose(request, OFFERED)
    body = chunks(sparql.store().open(), fmt.name, graph or None)  # NotFound (404) before any byte
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response
