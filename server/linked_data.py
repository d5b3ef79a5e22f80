"""Dereferenceable IRIs: every IRI minted under the base answers at /id/<path> (and at the base's own
path when it differs), as an HTML page for people or as RDF for machines, by content negotiation.

The request path is only ever turned into an IRI and looked up in the store: it never names a file.
Segments are checked (no ``..``, no encoded slash) so that one IRI has one path.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, render_template, request

from rolegraph import queries
from rolegraph.core import formats
from rolegraph.core.naming import graph_iri, iri_at
from rolegraph.core.vocabulary import OX, RG
from rolegraph.core.errors import NotFound

from . import charts
from .api import _plain
from .html import base_iri, notation_label
from .negotiation import choose
from .sparql import construct, select

blueprint = Blueprint("linked_data", __name__)

#: What an IRI answers with; HTML first, so that a client sending */* gets the page.
OFFERS = formats.named("html", "ttl", "jsonld", "nt")
PAGE = OFFERS[0]
_SEGMENT = re.compile(r"^[A-Za-z0-9_~:@!$&'()*+,;=.-]+$")
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)
RDF_TYPE = OX.RDF.type
LABEL_PROPERTIES = (OX.SKOS.prefLabel, OX.SKOS.altLabel)
#: Incoming links shown on a page; a document is the source of hundreds of passages.
MAX_INCOMING = 200


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    path = urlparse(app.config["ROLEGRAPH"]["base_iri"]).path
    if path not in ("", "/", "/id/") and path.endswith("/"):
        app.add_url_rule(f"{path}<path:rest>", "linked_data.resource_at_base", resource)


@blueprint.route("/id/<path:rest>")
def resource(rest: str):
    fmt = choose(request, OFFERS)
    iri = _iri(rest)
    triples = construct(queries.get("entity-describe").bind({"entity": iri})) if iri else []
    graph = _graph(iri) if iri and not triples else None
    if not triples and graph is None:
        return _not_found(fmt, iri or rest)
    if _retired(iri, triples):
        return _gone(fmt, iri, triples)
    if fmt is PAGE:
        body = render_template("entity.html", **page(iri, triples, graph))
        response = Response(body, content_type=PAGE.content_type)
    else:
        response = Response(serialize(triples, fmt), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _iri(rest: str) -> str | None:
    """The IRI a request path names, or ``None`` when the path is not one we mint."""
    raw = request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or ""
    if _ENCODED_SEPARATOR.search(raw) or "\\" in rest:
        return None
    segments = rest.split("/")
    if any(s in ("", ".", "..") or not _SEGMENT.match(s) for s in segments):
        return None
    return iri_at(base_iri(), rest)


def _graph(iri: str) -> dict | None:
    if not iri.startswith(graph_iri(base_iri(), "")):
        return None
    for row in select(queries.get("graphs").text):
        if row["graph"].value == iri:
            return {key: _plain(value) for key, value in row.items()}
    return None


def _retired(iri: str, triples: list[ox.Triple]) -> bool:
    """True when no document states ``iri`` any more: the retired graph marks it ``owl:deprecated``."""
    subject = ox.NamedNode(iri)
    return any(t.subject == subject and t.predicate == OX.OWL.deprecated and t.object.value == "true"
               for t in triples)


def _gone(fmt: formats.Format, iri: str, triples: list[ox.Triple]):
    """410 Gone: the IRI was ours and no document states it any more; the body says so (deprecated,
    and what replaces it when something does), so that links to it stay meaningful."""
    if fmt is PAGE:
        replacement = next((t.object.value for t in triples if t.predicate == OX.DCTERMS.isReplacedBy), None)
        labels = sorted({t.object.value for t in triples if t.predicate == OX.RDFS.label})
        body = render_template("gone.html", iri=iri, labels=labels, replacement=replacement)
        response = Response(body, status=410, content_type=PAGE.content_type)
    else:
        response = Response(serialize(triples, fmt), status=410, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _not_found(fmt: formats.Format, name: str):
    if fmt is PAGE:
        response = Response(render_template("not_found.html", name=name), status=404, content_type=PAGE.content_type)
        response.headers["Vary"] = "Accept"
        return response
    raise NotFound(f"no resource {name} in the graph", iri=name)


def serialize(triples: list[ox.Triple], fmt: formats.Format) -> bytes:
    """RDF for machines, in our published form, sorted so that the same graph reads the same."""
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return formats.serialize_graph(ordered, fmt, compact=True)


def rows(name: str, **values: str) -> list[dict]:
    """A named query's solutions as plain Python values (numbers as numbers)."""
    return [{k: _plain(v) for k, v in row.items()} for row in select(queries.get(name).bind(values))]


def page(iri: str, triples: list[ox.Triple], graph: dict | None) -> dict:
    """Everything the entity template shows about ``iri``."""
    subject = ox.NamedNode(iri)
    labels: dict[str, dict[str, list[str]]] = {}
    for row in rows("entity-labels", entity=iri):
        labels.setdefault(row["language"] or "—", {}).setdefault(row["kind"], []).append(row["label"])
    names = {t.subject.value: t.object.value for t in triples
             if t.predicate == LABEL_PROPERTIES[0] and getattr(t.object, "language", None) == "en"}
    types = sorted(t.object.value for t in triples if t.subject == subject and t.predicate == RDF_TYPE)
    outgoing = [t for t in triples if t.subject == subject and t.predicate not in (RDF_TYPE, *LABEL_PROPERTIES)]
    incoming = [t for t in triples if t.object == subject and t.subject != subject]
    title = (labels.get("en", {}).get("preferred") or labels.get("fr", {}).get("preferred") or [None])[0]
    context = {
        "iri": iri, "title": title or (graph or {}).get("title") or iri, "labels": labels, "types": types,
        "names": names, "outgoing": sorted(outgoing, key=lambda t: (t.predicate.value, str(t.object))),
        "incoming": incoming[:MAX_INCOMING], "incoming_total": len(incoming), "graph": graph,
        "links": _links(iri), "evidence": [], "role": None, "roles_for": [],
    }
    is_role = str(RG.Role) in types
    if is_role or any(t.startswith(str(RG)) for t in types):
        context["evidence"] = rows("entity-evidence", entity=iri)
    if is_role:
        context["role"] = role(iri, context["title"])
    elif context["evidence"]:
        context["roles_for"] = rows("roles-for-entity", entity=iri)
    return context


def _links(iri: str) -> list[dict]:
    """ESCO/ROME links, one per target, with its English (else French, else any) label."""
    found: dict[tuple, dict] = {}
    for row in select(queries.get("entity-links").bind({"entity": iri})):
        key = (row["relation"].value, row["target"].value)
        link = found.setdefault(key, {"relation": key[0], "target": key[1], "label": None, "rank": 9,
                                      "confidence": _plain(row["confidence"]) if "confidence" in row else None,
                                      "justification": row["justification"].value if "justification" in row else None})
        label = row.get("label")
        if label is not None:
            rank = {"en": 0, "fr": 1}.get(getattr(label, "language", None) or "", 2)
            if rank < link["rank"]:
                link["label"], link["rank"] = label.value, rank
    return list(found.values())


def role(iri: str, label: str) -> dict:
    """The sections of a role page: ranked competencies, tools by category, qualifications, the
    career path and the salary chart."""
    tools: dict[str, list[dict]] = {}
    for row in rows("role-tools", role=iri):
        tools.setdefault(notation_label(row["category"]), []).append(row)
    qualifications: dict[str, list[dict]] = {"diploma": [], "training": [], "certification": []}
    for row in rows("role-qualifications", role=iri):
        if "trainingType" in row:
            row["trainingTypeLabel"] = notation_label(row["trainingType"])
        qualifications[row["kind"]].append(row)
    salaries = rows("role-salaries", role=iri)
    return {
        "competencies": rows("role-competencies", role=iri),
        "tools": tools,
        "qualifications": qualifications,
        "career": charts.career(label, rows("role-career", role=iri)),
        "salaries": salaries,
        "salary_charts": charts.salaries(salaries),
    }
