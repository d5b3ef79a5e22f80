"""The formats rolegraph answers in: one table of names, media types, the names the ``format``
parameter accepts, what each can write and how, for the SPARQL endpoint, the linked-data pages, the
VoID description, the exports and the CLI.

Turtle and TriG are written in one of two forms: by default Oxigraph's own output, byte for byte what
the Oxigraph server answers (the SPARQL endpoint), and with ``compact=True`` our published form, which
starts with the project's prefixes (linked data, VoID, exports). JSON-LD has one form wherever rolegraph
writes it: compacted with our ``@context`` (the one of /context.jsonld) by ``rolegraph.core.jsonld``.

A client names a format by its media type (``Accept``) or by the ``format`` parameter. Some common
names stand for a different format by kind of answer: ``application/json`` and ``json`` are SPARQL
results JSON for solutions and JSON-LD for a graph, ``application/xml``, ``text/xml`` and ``xml`` are
SPARQL results XML or RDF/XML, ``text/plain`` is CSV or N-Triples. Each row lists the further media types
(``accepts``) and names (``aliases``) it answers to, so a place that offers the formats of one kind
finds the one meant.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from . import jsonld
from .errors import UsageError
from .vocabulary import PREFIXES

#: What a format can write: query results (``solutions``, ``boolean``), triples (``graph``) or
#: quads keeping their graph names (``dataset``).
SOLUTIONS, BOOLEAN, GRAPH, DATASET = "solutions", "boolean", "graph", "dataset"


@dataclass(frozen=True)
class Format:
    """One row of the registry. ``name`` is also the file extension of a download; ``aliases`` are
    further names the ``format`` parameter accepts."""

    name: str
    media_type: str
    writes: frozenset[str]
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()
    #: Further media types a client may ask for this format with (answered as ``media_type``).
    accepts: tuple[str, ...] = ()
    #: Whether the compact form starts with the project's ``@prefix`` lines.
    prefixed: bool = False
    #: Writes this format in every form instead of Oxigraph: chunks of text from triples or quads.
    writer: Callable[[Iterable], Iterator[str]] | None = None
    #: Offered by /export and ``rolegraph export``.
    download: bool = False

    @property
    def keeps_graphs(self) -> bool:
        return DATASET in self.writes

    @property
    def media_types(self) -> tuple[str, ...]:
        """Every media type this format is asked for with, its own first."""
        return (self.media_type, *self.accepts)

    @property
    def names(self) -> tuple[str, ...]:
        """Every value of the ``format`` parameter that names this format: its name, aliases and media types."""
        return (self.name, *self.aliases, *self.media_types) if self.writes else self.media_types

    @property
    def content_type(self) -> str:
        """The Content-Type header of an answer in this format (text types say their charset)."""
        return self.media_type + "; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


_GRAPH, _DATASET, _RESULTS = frozenset({GRAPH}), frozenset({DATASET}), frozenset({SOLUTIONS, BOOLEAN})

#: Every format. The endpoint prefers the formats of a kind in this order and lists them so; the linked
#: data and the VoID description name their own offers with ``named``.
FORMATS = (
    # Turtle is N3 too: an N3 client reads it.
    Format("ttl", "text/turtle", _GRAPH, ox.RdfFormat.TURTLE, ("turtle", "n3"),
           ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
           prefixed=True, download=True),
    Format("nt", "application/n-triples", _GRAPH, ox.RdfFormat.N_TRIPLES, ("ntriples",), ("text/plain",),
           download=True),
    Format("nq", "application/n-quads", _DATASET, ox.RdfFormat.N_QUADS, download=True),
    Format("trig", "application/trig", _DATASET, ox.RdfFormat.TRIG, prefixed=True, download=True),
    Format("jsonld", "application/ld+json", _GRAPH, ox.RdfFormat.JSON_LD, ("json-ld", "json"),
           ("application/json", "application/x-json+ld"), writer=jsonld.write, download=True),
    # One XML document cannot be written batch by batch, so RDF/XML is no download.
    Format("rdfxml", "application/rdf+xml", _GRAPH, ox.RdfFormat.RDF_XML, ("rdf+xml", "rdf", "xml"),
           ("application/xml", "text/xml")),
    Format("json", "application/sparql-results+json", _RESULTS, ox.QueryResultsFormat.JSON, (),
           ("application/json", "text/json")),
    Format("xml", "application/sparql-results+xml", _RESULTS, ox.QueryResultsFormat.XML, (),
           ("application/xml", "text/xml")),
    Format("csv", "text/csv", _RESULTS, ox.QueryResultsFormat.CSV, (), ("text/plain",)),
    Format("tsv", "text/tab-separated-values", _RESULTS, ox.QueryResultsFormat.TSV, (), ("text/tsv",)),
    # Pages for people, rendered from templates; the format parameter names only what we write.
    Format("html", "text/html", frozenset()),
)
_BY_NAME = {f.name: f for f in FORMATS}
_BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}
#: What /export and ``rolegraph export`` offer, in the registry's order.
DOWNLOADS = tuple(f for f in FORMATS if f.download)


def get(name: str, among: Iterable[Format] = FORMATS, what: str = "format") -> Format:
    """The format called ``name`` (its file extension) among ``among``; a ``UsageError`` naming the
    ``format`` parameter and the known names otherwise (``what`` says which kind of format)."""
    among = tuple(among)
    for spec in among:
        if spec.name == name:
            return spec
    raise UsageError(f"unknown {what} {name!r}; known: {', '.join(f.name for f in among)}", format=name)


def named(*names: str) -> tuple[Format, ...]:
    """The formats called ``names``, in that order: the offers of one place."""
    return tuple(_BY_NAME[name] for name in names)


def by_media_type(media_type: str) -> Format:
    """The format of ``media_type`` (without parameters); a ``UsageError`` naming it otherwise."""
    try:
        return _BY_MEDIA_TYPE[media_type]
    except KeyError:
        raise UsageError(f"unknown media type {media_type!r}; known: {', '.join(_BY_MEDIA_TYPE)}",
                         media_type=media_type) from None


def writing(kind: str) -> tuple[Format, ...]:
    """The formats that write ``kind`` (``solutions``, ``boolean``, ``graph`` or ``dataset``), in the
    registry's order."""
    return tuple(f for f in FORMATS if kind in f.writes)


def by_parameter(value: str, among: Iterable[Format] = FORMATS) -> Format | None:
    """The format of ``among`` that a ``format`` parameter names, or ``None``: the one of that name,
    else the first that has it as an alias or a media type it accepts (``json`` is SPARQL results
    JSON, and JSON-LD among the graph formats)."""
    among = tuple(among)
    return next((f for f in among if f.writes and f.name == value), None) or \
        next((f for f in among if value in f.names), None)


def serialize_graph(items: Iterable[ox.Triple | ox.Quad], fmt: Format, *, compact: bool = False) -> bytes:
    """``items`` (triples, or quads: their graph names dropped unless ``fmt`` keeps graphs) in ``fmt``;
    ``compact`` for our published form (our prefixes first). A ``UsageError`` when ``fmt`` writes no graphs."""
    return b"".join(stream_graph(items, fmt, compact=compact))


def stream_graph(items: Iterable[ox.Triple | ox.Quad], fmt: Format, *, compact: bool = False,
                 batch: int | None = None) -> Iterator[bytes]:
    """``serialize_graph`` as chunks of bytes, written ``batch`` items at a time when given, so that a
    caller streams a dataset it never holds whole. Checks ``fmt`` before returning."""
    _check(fmt, DATASET if fmt.keeps_graphs else GRAPH)
    if fmt.writer is not None:
        return (text.encode("utf-8") for text in fmt.writer(items))
    return _oxigraph(items, fmt, PREFIXES if compact and fmt.prefixed else None, batch)


def solutions(variables: list[str], rows: list[tuple]) -> ox.QuerySolutions:
    """Rows of terms (``None`` for unbound) as pyoxigraph solutions, through the TSV results
    format, whose cells are exactly the terms' N-Triples forms: Oxigraph's own serialisers then
    write every format, byte for byte as the Oxigraph server would."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    text = "\n".join(lines) + "\n"
    return ox.parse_query_results(text.encode("utf-8"), format=ox.QueryResultsFormat.TSV)


def serialize_results(results: ox.QuerySolutions | ox.QueryBoolean, fmt: Format) -> bytes:
    """Query results in ``fmt``; a ``UsageError`` when ``fmt`` does not write that kind of result."""
    _check(fmt, BOOLEAN if isinstance(results, ox.QueryBoolean) else SOLUTIONS)
    return results.serialize(format=fmt.oxigraph)


def _check(fmt: Format, kind: str) -> None:
    if kind not in fmt.writes:
        raise UsageError(f"format {fmt.name!r} cannot write {kind}", format=fmt.name)


def _oxigraph(items: Iterable, fmt: Format, prefixes: dict | None, batch: int | None) -> Iterator[bytes]:
    if batch is None:
        yield ox.serialize(_graph_free(items, fmt), format=fmt.oxigraph, prefixes=prefixes)
        return
    iterator = iter(items)
    first = True
    while chunk := list(itertools.islice(iterator, batch)):
        body = ox.serialize(_graph_free(chunk, fmt), format=fmt.oxigraph, prefixes=prefixes)
        if prefixes and not first:
            body = _without_prefix_lines(body)
        first = False
        yield body


def _graph_free(items: Iterable, fmt: Format) -> Iterable:
    """``items`` as triples when ``fmt`` has no graph names (quads are converted, triples passed on)."""
    if fmt.keeps_graphs:
        return items
    iterator = iter(items)
    first = next(iterator, None)
    if first is None:
        return ()
    rest = itertools.chain((first,), iterator)
    if isinstance(first, ox.Quad):
        return (ox.Triple(q.subject, q.predicate, q.object) for q in rest)
    return rest


def _without_prefix_lines(body: bytes) -> bytes:
    start = 0
    while body.startswith(b"@prefix ", start):
        start = body.index(b"\n", start) + 1
    return body[start:]
