"""Result serialisation: media types offered for each kind of result, chosen by content negotiation."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Request
from werkzeug.exceptions import NotAcceptable

SOLUTION_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: Short names accepted by the ``format`` parameter, for browsers that cannot set Accept, and the
#: names SPARQLWrapper sends in it (``json-ld``, ``rdf+xml``, ``n3``: Turtle is valid N3).
SHORT_NAMES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle", "n3": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml", "rdf+xml": "application/rdf+xml", "rdf": "application/rdf+xml",
}


def choose(request: Request, offered: dict) -> tuple[str, object]:
    """The offered media type the client prefers (``format`` parameter first, then Accept q-values);
    406 when none is acceptable. A missing or */* Accept gets the first offer."""
    wanted = request.values.get("format")
    if wanted:
        media = SHORT_NAMES.get(wanted, wanted)
        if media in offered:
            return media, offered[media]
        raise NotAcceptable(f"format {wanted!r} is not offered here; offered: {', '.join(offered)}")
    if not request.accept_mimetypes:
        first = next(iter(offered))
        return first, offered[first]
    best = request.accept_mimetypes.best_match(list(offered))
    if best is None:
        raise NotAcceptable(f"none of the accepted media types is offered; offered: {', '.join(offered)}")
    return best, offered[best]


def solutions(variables: list[str], rows: list[tuple]) -> ox.QuerySolutions:
    """Rows of terms (``None`` for unbound) as pyoxigraph solutions, through the TSV results
    format, whose cells are exactly the terms' N-Triples forms: Oxigraph's own serialisers then
    write every format, byte for byte as the Oxigraph server would."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    text = "\n".join(lines) + "\n"
    return ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.TSV)


def content_type(media: str) -> str:
    """The Content-Type header for a media type (text types say their charset)."""
    return media + "; charset=utf-8" if media.startswith("text/") else media
