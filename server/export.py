"""Whole-dataset downloads over HTTP, streamed from the store by ``rolegraph.core.export`` (the same
code as ``rolegraph export``), and the published JSON-LD context."""
from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from rolegraph.core import formats, jsonld
from rolegraph.core.export import FORMATS, chunks, export_format

from . import cors, sparql

blueprint = Blueprint("export", __name__)
cors.allow(blueprint)


@blueprint.route("/export")
def index():
    return render_template("export.html", formats=FORMATS)


@blueprint.route("/export.<fmt>")
def dump(fmt: str):
    """The dataset (or ``?graph=IRI``) in one format; triple formats merge the graphs."""
    spec = export_format(fmt)
    store = sparql.store().open()
    body = chunks(store, spec.name, request.args.get("graph") or None)  # raises before streaming
    response = Response(body, content_type=spec.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="rolegraph.{spec.name}"'
    return response


@blueprint.route("/context.jsonld")
def context():
    """The ``@context`` of every JSON-LD answer, made from the project's prefix map."""
    body = json.dumps({"@context": jsonld.context()}, indent=2, ensure_ascii=False)
    return Response(body, content_type=formats.get("jsonld").media_type)
