"""The JSON API: health and the named queries of queries/."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from rolegraph import queries
from rolegraph import __version__
from rolegraph.queries.summary import plain as _plain

from . import cors
from .executor import Job
from .sparql import TRUNCATED_HEADER, answer, execute, store

blueprint = Blueprint("api", __name__)
cors.allow(blueprint, expose=(TRUNCATED_HEADER,))


@blueprint.route("/healthz")
def health():
    snapshot = store().open()  # raises StoreError (503) when nothing is published
    body = {"status": "ok", "version": __version__, "generation": snapshot.generation}
    if store().pushing:  # an external store's status graph says a push into it has not ended
        body["pushing_since"] = store().pushing
    return jsonify(body)


@blueprint.route("/api/queries")
def list_queries():
    return jsonify({"queries": [q.to_json() for q in queries.catalogue().values()]})


@blueprint.route("/api/queries/<name>")
def run_query(name: str):
    query = queries.get(name)
    values = {k: v for k, v in request.args.items() if k != "format"}
    text = query.bind(values)
    if query.kind != "SELECT" or request.args.get("format", "json") != "json" \
            or "text/csv" in request.accept_mimetypes.values():
        return answer(text)
    max_rows = current_app.config["ROLEGRAPH"]["max_rows"]
    result = execute(Job(text, max_rows=max_rows))
    rows = [{n: _plain(t) for n, t in zip(result.variables, row) if t is not None} for row in result.rows]
    response = jsonify({"query": name, "variables": result.variables, "rows": rows, "truncated": result.truncated})
    if result.truncated:
        response.headers[TRUNCATED_HEADER] = str(max_rows)
    return response


    return term.value
