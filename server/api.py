"""The JSON API: health and the named queries of queries/."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, request

import queries
from rolegraph import __version__

from .results import serialize
from .sparql import run

blueprint = Blueprint("api", __name__)


@blueprint.route("/healthz")
def health():
    reader = current_app.extensions["rolegraph.store"]
    reader.get()  # raises StoreError (503) when nothing is published
    return jsonify({"status": "ok", "version": __version__, "generation": reader.generation})


@blueprint.route("/api/queries")
def list_queries():
    return jsonify({"queries": [q.to_json() for q in queries.catalogue().values()]})


@blueprint.route("/api/queries/<name>")
def run_query(name: str):
    query = queries.get(name)
    values = {k: v for k, v in request.args.items() if k != "format"}
    results = run(query.bind(values))
    if isinstance(results, ox.QuerySolutions) and request.args.get("format", "json") == "json" \
            and "text/csv" not in request.accept_mimetypes.values():
        variables = [v.value for v in results.variables]
        rows = [{name: _plain(solution[name]) for name in variables if solution[name] is not None}
                for solution in results]
        return jsonify({"query": name, "variables": variables, "rows": rows})
    body, content_type = serialize(results, request)
    return Response(body, content_type=content_type)


def _plain(term):
    """A JSON value for an RDF term: numbers as numbers, everything else as its lexical form."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in ("integer", "int", "long", "nonNegativeInteger"):
            return int(term.value)
        if datatype in ("decimal", "double", "float"):
            return float(term.value)
        return term.value
    return term.value
