"""The SPARQL 1.1 Protocol endpoint at /sparql: queries for everyone, updates with a token.

``rolegraph.server.protocol`` reads what a request asks for. Every query, from this endpoint, the JSON
API or the pages, runs in the worker pool of ``rolegraph.server.executor`` (time limit, row cap) after
``rolegraph.server.guard`` has refused SERVICE and LOAD; updates are applied by ``rolegraph.server.updates``.
"""
from __future__ import annotations

import hmac

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import NotAcceptable

from rolegraph.core import formats
from rolegraph.core.vocabulary import OX
from rolegraph.core.errors import Forbidden, Unauthorized
from rolegraph.core.store import Store
from rolegraph.queries.summary import plain

from . import cors, guard, protocol, updates
from .executor import Job, Result
from .negotiation import choose

blueprint = Blueprint("sparql", __name__)

#: Response header present when an answer was cut at ``max_rows``; its value is that cap.
TRUNCATED_HEADER = "X-Rolegraph-Truncated"
cors.allow(blueprint, expose=(TRUNCATED_HEADER,))
#: What the endpoint answers in: SELECT and ASK results, CONSTRUCT and DESCRIBE graphs.
RESULTS = formats.writing(formats.SOLUTIONS)
GRAPHS = formats.writing(formats.GRAPH)


def store() -> Store:
    """The app's store, opened once per process and followed across new builds."""
    return current_app.extensions["rolegraph.store"]


def execute(job: Job) -> Result:
    """Check ``job`` against the server's settings and evaluate it in the worker pool."""
    return execute_in(current_app, job)


def execute_in(app, job: Job) -> Result:
    """``execute`` for ``app`` named, outside a request of it (the fast path of plain queries)."""
    guard.check(job.query, app.config["ROLEGRAPH"]["allow_service"])
    return app.extensions["rolegraph.executor"].run(job)


def ask(query: str) -> bool:
    """The answer of an ASK ``query`` on the union of the store's graphs; a syntax error is a ``QueryError``."""
    return bool(execute(Job(query)).boolean)


def select(query: str) -> list[dict]:
    """The solutions of a SELECT ``query`` as a list of {variable name: pyoxigraph term} (unbound
    variables left out); what pages and the JSON API use instead of iterating results themselves."""
    result = execute(Job(query))
    return [{n: t for n, t in zip(result.variables, row) if t is not None} for row in result.rows]


def values(query: str) -> list[dict]:
    """The solutions of a SELECT ``query`` as {variable name: plain JSON value} (numbers as numbers, other
    terms as their lexical form; unbound variables left out): what pages and descriptions show."""
    return [{name: plain(term) for name, term in row.items()} for row in select(query)]


def construct(query: str) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE ``query``."""
    return execute(Job(query)).triples


def answer(query: str, default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
           base_iri: str | None = None) -> Response:
    """The HTTP answer to ``query``: serialised in the format the client prefers for its kind of
    result (406 when none fits), cut at ``max_rows`` with the ``X-Rolegraph-Truncated`` header;
    relative IRIs resolve against ``base_iri``."""
    max_rows = current_app.config["ROLEGRAPH"]["max_rows"]
    job = Job(query, tuple(default_graphs), tuple(named_graphs), _acceptable(RESULTS),
              _acceptable(GRAPHS), serialise=True, max_rows=max_rows, base_iri=base_iri)
    result = execute(job)
    if result.body is None:  # the client accepts no format for this kind of result
        choose(request, GRAPHS if result.kind == "triples" else RESULTS)
    response = Response(result.body, content_type=formats.by_media_type(result.media).content_type)
    if result.truncated:
        response.headers[TRUNCATED_HEADER] = str(max_rows)
    return response


def _acceptable(offered: tuple[formats.Format, ...]) -> str | None:
    try:
        return choose(request, offered).media_type
    except NotAcceptable:
        return None


@blueprint.after_request
def _vary(response: Response) -> Response:
    response.vary.add("Accept")  # the answer's format follows it
    return response


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return Response(status=204)
    operation = protocol.read(request)
    if operation.kind == "description":
        return service_description()
    if operation.kind == "update":
        return update(operation)
    return answer(operation.text, operation.graphs, operation.named_graphs, operation.base_iri)


def update(operation: protocol.Operation) -> Response:
    """Apply a SPARQL Update as a new store generation, published atomically; nothing is published
    when it fails. Needs ``Authorization: Bearer <update_token>``."""
    _authorise()
    generation = updates.apply(store(), operation.text, using=operation.graphs, using_named=operation.named_graphs,
                               base_iri=operation.base_iri,
                               allow_service=current_app.config["ROLEGRAPH"]["allow_service"])
    return jsonify({"status": "ok", "generation": generation})


def _authorise() -> None:
    token = current_app.config["ROLEGRAPH"]["update_token"]
    if not token:
        raise Forbidden("SPARQL updates are not accepted by this endpoint")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("updates need the header Authorization: Bearer <token>")
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise Unauthorized("the update token is not the one configured on this server")


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in an RDF format the client accepts."""
    endpoint_iri = ox.NamedNode(request.base_url)
    service = ox.BlankNode("service")  # a fixed label: the same bytes (and Content-Length) for HEAD and GET
    triples = [
        ox.Triple(service, OX.RDF.type, OX.SD.Service),
        ox.Triple(service, OX.SD.endpoint, endpoint_iri),
        ox.Triple(service, OX.SD.supportedLanguage, OX.SD.SPARQL11Query),
        ox.Triple(service, OX.SD.feature, OX.SD.UnionDefaultGraph),
    ]
    if current_app.config["ROLEGRAPH"]["update_token"]:
        triples.append(ox.Triple(service, OX.SD.supportedLanguage, OX.SD.SPARQL11Update))
    for fmt in (*RESULTS, *GRAPHS):
        triples.append(ox.Triple(service, OX.SD.resultFormat, ox.NamedNode(fmt.oxigraph.iri)))
    fmt = choose(request, GRAPHS)
    return Response(formats.serialize_graph(triples, fmt), content_type=fmt.content_type)

