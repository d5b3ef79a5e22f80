"""The SPARQL 1.1 Protocol endpoint at /sparql (queries only; updates are refused)."""
from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from rolegraph.errors import QueryError

from .results import serialize

blueprint = Blueprint("sparql", __name__)


def store():
    """The published store, opened once per process and followed across new builds."""
    return current_app.extensions["rolegraph.store"].get()


def run(query: str):
    """Run ``query`` on the union of the store's graphs; a syntax error is a ``QueryError``."""
    try:
        return store().query(query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", position=_position(str(exc))) from exc


def _position(message: str) -> str | None:
    match = re.search(r"at (\d+:\d+)", message)
    return match.group(1) if match else None


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint():
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        query = request.get_data(as_text=True)
    elif request.method == "POST" and request.mimetype == "application/sparql-update" or "update" in request.form:
        return Response("SPARQL updates are not accepted by this endpoint\n", status=403, mimetype="text/plain")
    else:
        query = request.values.get("query")
    if not query:
        raise QueryError("no query: send one with ?query=, a form field query, or an application/sparql-query body")
    results = run(query)
    if isinstance(results, ox.QueryBoolean):
        value = bool(results)
        return Response(f'{{"head":{{}},"boolean":{str(value).lower()}}}', mimetype="application/sparql-results+json")
    body, content_type = serialize(results, request)
    return Response(body, content_type=content_type)
