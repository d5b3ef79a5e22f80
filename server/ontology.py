"""The ontology at /ontology: its HTML documentation for people, generated from ``ontology/rolegraph.ttl``
with pyLODE on the first request (never committed), or the Turtle itself for machines, by content
negotiation; the ontology IRI dereferences here.

pyLODE's page carries its own inline stylesheet and icons; they are dropped, and the page links our
``ontology.css`` instead, so that it keeps the Content-Security-Policy of every other page.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

from flask import Blueprint, Response, render_template_string, request

from rolegraph.core import formats
from rolegraph.core.errors import RolegraphError
from rolegraph.core.paths import ONTOLOGY_DIR

from .negotiation import choose

blueprint = Blueprint("ontology", __name__)

OFFERS = formats.named("html", "ttl")
SOURCE = ONTOLOGY_DIR / "rolegraph.ttl"
_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)
_ICON = re.compile(r'<link[^>]*rel="icon"[^>]*>')
_lock = threading.Lock()

#: What every page of ours puts above its content, in pyLODE's page too.
_HEADER = """<link rel="icon" href="{{ url_for('static', filename='favicon.svg') }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ url_for('static', filename='ontology.css') }}">"""
_NAV = """<nav class="ontology-nav"><a href="{{ url_for('pages.home') }}">rolegraph</a> ·
<a href="{{ url_for('ontology.documentation', format='ttl') }}">Turtle</a></nav>"""


class DocumentationError(RolegraphError):
    """pyLODE could not document the ontology."""

    code = "ontology-documentation-failed"


@blueprint.route("/ontology")
def documentation():
    fmt = choose(request, OFFERS)
    if fmt is OFFERS[0]:
        body = _page()
        head = render_template_string(_HEADER)
        nav = render_template_string(_NAV)
        body = body.replace("</head>", head + "\n</head>", 1)
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
        response = Response(body, content_type=fmt.content_type)
    else:
        response = Response(SOURCE.read_bytes(), content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


@lru_cache(maxsize=1)
def _page() -> str:
    """pyLODE's documentation of the ontology, without its inline style and icons (about a second, once
    per process)."""
    with _lock:
        html = _generate()
    html = _STYLE.sub("", html)
    html = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', html, count=1)  # its text is in English
    return _ICON.sub("", html)


def _generate() -> str:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        from pylode import OntPub  # importing pyLODE configures the root logger: put it back after
    finally:
        root.handlers[:], root.level = handlers, level
    try:
        return OntPub(ontology=str(SOURCE)).make_html()
    except Exception as exc:  # pyLODE raises its own and rdflib's errors
        raise DocumentationError(f"pyLODE could not document {SOURCE.name}: {exc}", file=str(SOURCE)) from exc
