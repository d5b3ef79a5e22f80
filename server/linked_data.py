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
from rolegraph.core.jsonld import compact
from rolegraph.queries.summary import plain

from . import charts, cors
from . import i18n
from .html import base_iri, notation_label, term_label
from .negotiation import choose
from .sparql import construct, select
from .sparql import values as sparql_values  # `values` names the bindings below

blueprint = Blueprint("linked_data", __name__)
cors.allow(blueprint)  # also for the route at the base's own path, an endpoint of this blueprint's name

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
    response.vary.add("Accept")
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
            return {key: plain(value) for key, value in row.items()}
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
    return sparql_values(queries.get(name).bind(values))


def page(iri: str, triples: list[ox.Triple], graph: dict | None) -> dict:
    """Everything the entity template shows about ``iri``, labels in the page's language."""
    subject = ox.NamedNode(iri)
    labels: dict[str, dict[str, list[str]]] = {}
    for row in rows("entity-labels", entity=iri):
        labels.setdefault(row["language"] or "—", {}).setdefault(row["kind"], []).append(row["label"])
    names = _names(triples)
    types = sorted(t.object.value for t in triples if t.subject == subject and t.predicate == RDF_TYPE)
    outgoing = [t for t in triples if t.subject == subject and t.predicate not in (RDF_TYPE, *LABEL_PROPERTIES)]
    incoming = [t for t in triples if t.object == subject and t.subject != subject]
    preferred = {language: (kinds.get("preferred") or kinds.get("from a match") or [None])[0]
                 for language, kinds in labels.items()}
    title, fallback = i18n.pick(preferred.get("en"), preferred.get("fr"))
    links = _links(iri)
    context = {
        "iri": iri, "title": title or _title(iri, types, graph, triples), "fallback": fallback,
        "labels": labels, "types": types,
        "names": names, "outgoing": sorted(outgoing, key=lambda t: (t.predicate.value, str(t.object))),
        "incoming": incoming[:MAX_INCOMING], "incoming_total": len(incoming), "graph": graph,
        "links": links, "evidence": [], "role": None, "roles_for": [],
        "taxonomies": sorted({link["taxonomy"] for link in links if link["taxonomy"]}),
    }
    is_role = str(RG.Role) in types
    if is_role or any(t.startswith(str(RG)) for t in types):
        context["evidence"] = i18n.localise(i18n.localise(rows("entity-evidence", entity=iri), "valueLabel",
                                                          "valueLabelFr"), "roleLabel", "roleLabelFr")
        for row in context["evidence"]:  # localise() wrote both into "name": keep them apart
            row["roleName"], _ = i18n.pick(row.get("roleLabel"), row.get("roleLabelFr"))
            row["valueName"], _ = i18n.pick(row.get("valueLabel"), row.get("valueLabelFr"))
    if is_role:
        context["role"] = role(iri, context["title"], context["evidence"], links)
    elif context["evidence"]:
        context["roles_for"] = i18n.localise(rows("roles-for-entity", entity=iri), "roleLabel", "roleLabelFr")
    return context


def _names(triples: list[ox.Triple]) -> dict[str, str]:
    """IRI → preferred label in the page's language (else the other), for the terms of ``triples``."""
    found: dict[str, dict[str, str]] = {}
    for t in triples:
        if t.predicate == LABEL_PROPERTIES[0] and getattr(t.object, "language", None) in i18n.LANGUAGES:
            found.setdefault(t.subject.value, {})[t.object.language] = t.object.value
    return {iri: i18n.pick(by.get("en"), by.get("fr"))[0] for iri, by in found.items()}


def _title(iri: str, types: list[str], graph: dict | None, triples: list[ox.Triple]) -> str:
    """A readable title for what has no label: a graph's title, a salary range's figures, a claim's fact."""
    if graph and graph.get("title"):
        return graph["title"]
    kind = term_label(types[0]) if types else ""
    subject = ox.NamedNode(iri)
    values = {t.predicate.value: t.object.value for t in triples if t.subject == subject}
    if str(RG.SalaryRange) in types:
        figures = " – ".join(charts.amount(v) for v in (values.get(str(RG.minAmount)), values.get(str(RG.maxAmount))) if v)
        return f"{kind} {figures} {values.get(str(RG.currency), '')}".strip()
    if str(RG.Claim) in types:
        names = _names(triples)
        parts = [values.get(str(p)) for p in (RG.claimSubject, RG.claimPredicate, RG.claimObject)]
        if all(parts):
            return f"{kind}: {names.get(parts[0], _short(parts[0]))} {term_label(parts[1])} {names.get(parts[2], _short(parts[2]))}"
    return f"{kind} {iri.rsplit('/', 1)[-1]}".strip() if kind else compact(iri)


def _short(iri: str) -> str:
    """An IRI of ours without a label, as "kind id" ("salary f6baa3ca-2"); any other compacted."""
    base = base_iri()
    return " ".join(iri[len(base):].split("/")) if iri.startswith(base) else compact(iri)


def _links(iri: str) -> list[dict]:
    """ESCO/ROME links, one per target, with its label and description in the page's language (else
    English, else French, else any)."""
    found: dict[tuple, dict] = {}
    wanted = {i18n.current(): 0, "en": 1, "fr": 2}
    for row in select(queries.get("entity-links").bind({"entity": iri})):
        key = (row["relation"].value, row["target"].value)
        link = found.setdefault(key, {"relation": key[0], "target": key[1], "label": None, "rank": 9,
                                      "definition": None, "definition_rank": 9,
                                      "taxonomy": row["taxonomy"].value if "taxonomy" in row else None,
                                      "code": row["code"].value if "code" in row else None,
                                      "confidence": plain(row["confidence"]) if "confidence" in row else None,
                                      "justification": row["justification"].value if "justification" in row else None})
        for name in ("label", "definition"):
            value = row.get(name)
            if value is not None:
                rank = wanted.get(getattr(value, "language", None) or "", 3)
                rank_key = "rank" if name == "label" else "definition_rank"
                if rank < link[rank_key]:
                    link[name], link[rank_key] = value.value, rank
    return list(found.values())


#: Tools shown per category in the first screen; the rest are behind "+N more".
TOOLS_SHOWN = 4


def role(iri: str, label: str, evidence: list[dict], links: list[dict]) -> dict:
    """The sections of a role page: the top skills chart, tools by category, the salary range, the
    career picture, the salary charts, the qualifications with their evidence, every competency."""
    words = i18n.text
    competencies = i18n.localise(rows("role-competencies", role=iri))
    for row in competencies:
        row["kindLabel"] = words(f"kind.{row['kind']}")
    tools: dict[str, list[dict]] = {}
    for row in i18n.localise(rows("role-tools", role=iri)):
        tools.setdefault(notation_label(row["category"], RG.ToolCategoryScheme), []).append(row)
    sources: dict[str, list[dict]] = {}
    for row in evidence:
        files = sources.setdefault(str(row["value"]), [])
        if row["file"] not in [f["file"] for f in files]:
            files.append({"file": row["file"], "document": row["document"], "quote": row["quote"]})
    qualifications: dict[str, list[dict]] = {"diploma": [], "training": [], "certification": []}
    for row in i18n.localise(rows("role-qualifications", role=iri)):
        if "trainingType" in row:
            row["trainingTypeLabel"] = notation_label(row["trainingType"], RG.TrainingTypeScheme)
        row["evidence"] = sources.get(row["qualification"], [])
        qualifications[row["kind"]].append(row)
    salaries = rows("role-salaries", role=iri)
    salary_charts = charts.salaries(salaries, words)
    documents = {row["file"] for row in evidence}
    definition = next((link["definition"] for link in links if link["definition"]), None)
    return {
        "competencies": competencies,
        "top_skills": charts.ranked(competencies),
        "tools": tools,
        "tools_shown": TOOLS_SHOWN,
        "qualifications": qualifications,
        "career": charts.career(label, i18n.localise(rows("role-career", role=iri)), words),
        "salaries": salaries,
        "salary_charts": salary_charts,
        "documents": len(documents),
        "definition": definition,
        "codes": [link for link in links if link["taxonomy"]],
    }
