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
def _notations() -> dict[str, str]:
    return {str(notation): str(concept) for concept, notation in tbox().subject_objects(SKOS.notation)}


def term_label(iri, language: str = "en") -> str:
    """The label of a class, property or concept of our vocabulary, else its compact IRI."""
    iri = iri.value if isinstance(iri, ox.NamedNode) else str(iri)
    labels = _vocabulary_labels()
    return labels.get((iri, language)) or labels.get((iri, "en")) or compact(iri)


def notation_label(notation: str, language: str = "en") -> str:
    """The label of the scheme concept with this notation (e.g. a tool category "language")."""
    concept = _notations().get(notation)
    return term_label(concept, language) if concept else notation
