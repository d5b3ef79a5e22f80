"""Reading a SPARQL 1.1 Protocol request: which operation it asks for (a query, an update, or the service
description), its text, its dataset parameters and its base IRI, or why it is not a protocol request.

Queries come as ``GET ?query=``, a form POST (``query=``) or an ``application/sparql-query`` body;
updates as a form POST (``update=``) or an ``application/sparql-update`` body, never by GET. Parameters
are read from the raw query string and body, so that bytes which are not UTF-8 are refused (400) rather
than repaired, and a parameter given twice is seen.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from flask import Request
from werkzeug.exceptions import UnsupportedMediaType

from rolegraph.core.errors import QueryError, UsageError

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
#: The dataset parameters of each operation (SPARQL 1.1 Protocol, 2.1.4 and 2.2.3).
DATASET = {"query": ("default-graph-uri", "named-graph-uri"), "update": ("using-graph-uri", "using-named-graph-uri")}
#: Parameters of the SPARQL Graph Store Protocol, which this endpoint does not implement.
GRAPH_STORE = ("graph", "default")
_A = {"query": "a query", "update": "an update"}


@dataclass(frozen=True)
class Operation:
    """What a request asks: ``kind`` is ``query``, ``update`` or ``description``; ``graphs`` and
    ``named_graphs`` are its dataset parameters (``default-graph-uri``/``named-graph-uri`` of a query,
    ``using-graph-uri``/``using-named-graph-uri`` of an update); ``base_iri`` resolves relative IRIs."""

    kind: str
    text: str = ""
    graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None


def read(request: Request) -> Operation:
    """The operation ``request`` asks for; ``UsageError``/``QueryError`` (400) or 415 when it is not a
    well-formed protocol request."""
    parameters = decode_parameters(request.query_string, "the query string")
    if request.method in ("GET", "HEAD"):
        if "update" in parameters:
            raise UsageError("an update cannot be sent with GET: POST it as application/sparql-update or as a form "
                             "field update", parameter="update")
        if "query" not in parameters:
            for name in GRAPH_STORE:
                if name in parameters:
                    raise UsageError(f"/sparql does not implement the SPARQL Graph Store Protocol (parameter {name!r}): "
                                     "read a graph with a CONSTRUCT query, or download it from /export.ttl?graph=IRI",
                                     parameter=name)
            return Operation("description", base_iri=request.base_url)
    else:
        _check_charset(request)
        media = request.mimetype
        if media == FORM:
            for name, values in decode_parameters(request.get_data(), "the form body").items():
                parameters.setdefault(name, []).extend(values)
        elif media in (QUERY, UPDATE):
            name = "query" if media == QUERY else "update"
            if "query" in parameters or "update" in parameters:
                raise UsageError(f"a {media} request carries its {name} as the body, not as a parameter",
                                 parameter="query" if "query" in parameters else "update")
            parameters[name] = [utf8(request.get_data(), "the request body", None)]
        else:
            raise UnsupportedMediaType(
                f"POST a query as {QUERY} or an update as {UPDATE}, or either as {FORM} "
                f"(query= or update=); got Content-Type {request.content_type or 'none'!r}")
    return _operation(parameters, request)


def _operation(parameters: dict[str, list[str]], request: Request) -> Operation:
    kinds = [kind for kind in DATASET if kind in parameters]
    if len(kinds) == 2:
        raise UsageError("a request is either a query or an update, not both", parameter="update")
    if not kinds:
        raise QueryError("no query: send one with ?query=, a form field query, or an application/sparql-query body")
    kind = kinds[0]
    texts = parameters[kind]
    if len(texts) > 1:
        raise UsageError(f"one {kind} per request: the parameter {kind!r} is given {len(texts)} times", parameter=kind)
    if not texts[0].strip():
        raise QueryError(f"the {kind} is empty")
    other = next(k for k in DATASET if k != kind)
    for name in DATASET[other]:
        if name in parameters:
            raise UsageError(f"{name} applies to {_A[other]}, and this request is {_A[kind]}, which takes "
                             f"{' and '.join(DATASET[kind])}", parameter=name)
    graphs, named = (tuple(parameters.get(name, ())) for name in DATASET[kind])
    return Operation(kind, texts[0], graphs, named, request.base_url)


def _check_charset(request: Request) -> None:
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"this endpoint reads UTF-8 only; the request says charset={charset}")


def decode_parameters(raw: bytes, where: str) -> dict[str, list[str]]:
    """The name → values of a query string or form body, each decoded as strict UTF-8."""
    parameters: dict[str, list[str]] = {}
    for pair in raw.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        key = utf8(percent_decoded(name.replace(b"+", b" ")), where, None)
        parameters.setdefault(key, []).append(utf8(percent_decoded(value.replace(b"+", b" ")), where, key))
    return parameters


def percent_decoded(data: bytes) -> bytes:
    """``urllib.parse.unquote_to_bytes(data)``, in C where every ``%`` starts a valid escape: each ``%XX``
    becomes the byte ``\\xXX`` of a Python escape (after every backslash is doubled) that ``codecs`` decodes.
    A SPARQL query's percent escapes cost the pure-Python function ~50 µs per 1.3 kB query string, a
    seventh of a fresh cheap query (py-spy under wrk), against ~8 µs."""
    if b"%" not in data:
        return data
    try:
        return codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:  # a "%" not followed by two hex digits: kept as it is, as unquote_to_bytes keeps it
        return unquote_to_bytes(data)


def utf8(data: bytes, where: str, parameter: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        what = f"the parameter {parameter!r} of {where}" if parameter else where
        raise UsageError(f"{what} is not valid UTF-8 (byte {exc.start})", parameter=parameter) from None
