"""What every HTML page shares: security headers, template filters and labels of vocabulary terms."""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from flask import Flask, current_app
from rdflib.namespace import RDFS, SKOS

from rolegraph.core.naming import normal_base
from rolegraph.core.vocabulary import OX
from rolegraph.core.tbox import tbox
from rolegraph.core.jsonld import compact

from . import i18n

#: No inline script or style, nothing from another origin, never framed.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def register(app: Flask) -> None:
    """Security headers on every answer (the CSP and referrer policy on HTML), and the filters the
    templates use."""
    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
            response.headers["X-Frame-Options"] = "DENY"
        return response

    app.add_template_filter(local, "local")
    app.add_template_filter(compact, "curie")
    app.add_template_filter(term_label, "term_label")
    app.add_template_filter(term_kind, "term_kind")
    app.add_template_global(OX.XSD.string.value, "XSD_STRING")


def term_kind(term) -> str:
    """"iri", "blank" or "literal", for templates that show RDF terms."""
    if isinstance(term, ox.NamedNode):
        return "iri"
    return "blank" if isinstance(term, ox.BlankNode) else "literal"


def base_iri() -> str:
    return normal_base(current_app.config["ROLEGRAPH"]["base_iri"])


def local(iri) -> str:
    """The link to an IRI from our pages: entity IRIs under the base are served at /id/…, others
    (ESCO, schema.org…) are left as they are."""
    iri = iri.value if isinstance(iri, (ox.NamedNode, ox.Literal)) else str(iri)
    base = base_iri()
    return "/id/" + iri[len(base):] if iri.startswith(base) else iri


@lru_cache(maxsize=1)
def _vocabulary_labels() -> dict[tuple[str, str], str]:
    labels = {}
    for predicate in (SKOS.prefLabel, RDFS.label):
        for subject, label in tbox().subject_objects(predicate):
            labels.setdefault((str(subject), label.language or ""), str(label))
    return labels


@lru_cache(maxsize=1)
def _notations() -> dict[tuple[str, str], str]:
    """(scheme, notation) → concept: notations repeat across schemes ("other" is a tool category, a
    training type and an education level)."""
    graph = tbox()
    return {(str(scheme), str(notation)): str(concept) for concept, notation in graph.subject_objects(SKOS.notation)
            for scheme in graph.objects(concept, SKOS.inScheme)}


def term_label(iri, language: str | None = None) -> str:
    """The label of a class, property or concept of our vocabulary in ``language`` (the page's by
    default), else in English, else its compact IRI."""
    iri = iri.value if isinstance(iri, ox.NamedNode) else str(iri)
    labels = _vocabulary_labels()
    return labels.get((iri, language or i18n.current())) or labels.get((iri, "en")) or compact(iri)


def notation_label(notation: str, scheme, language: str | None = None) -> str:
    """The label of the concept of ``scheme`` with this notation (e.g. the tool category "other")."""
    concept = _notations().get((str(scheme), notation))
    return term_label(concept, language) if concept else notation
