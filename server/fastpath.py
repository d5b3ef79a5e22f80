"""The plain SPARQL query requests answered without Flask: ``GET /sparql?query=…`` (with its dataset
parameters), an ``application/sparql-query`` POST and a form POST of the query (what most SPARQL
clients and HTML forms send), the bulk of an endpoint's traffic.

Flask's request context, routing and response hooks cost more than a small query itself; this WSGI
middleware reads such a request, checks and runs it through the same seam as every query
(``sparql.execute_in``: the guard, the executor, the row cap) and answers with the headers
``/sparql`` gives (a test compares the two). Anything else, or anything unusual about one of these
(another parameter, a body too large, bytes that are not UTF-8, a ``format`` parameter …) goes on
to the Flask app, which answers or refuses it. Errors of the query itself are turned into the one
error shape by the Flask app's own handler.
"""
from __future__ import annotations

import io

from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import NotAcceptable
from werkzeug.http import parse_accept_header
from werkzeug.wsgi import get_current_url

from rolegraph.core import formats
from rolegraph.core.errors import RolegraphError, UsageError

from . import cors, protocol, sparql
from .executor import Job
from .negotiation import choose

#: Parameters a fast request may carry: the query and its dataset.
PARAMETERS = {"query", *protocol.DATASET["query"]}
#: Distinct Accept headers (and hosts) whose choice of formats (and base URL) is remembered.
REMEMBERED = 256


class _Accepting:
    """What ``negotiation.choose`` reads of a request: no ``format`` parameter and an Accept header."""

    values = MultiDict()

    def __init__(self, accept: str) -> None:
        self.accept_mimetypes = parse_accept_header(accept, MIMEAccept)


class QueryFastPath:
    """WSGI middleware in front of ``flask_app``'s own ``wsgi_app`` (``following``)."""

    def __init__(self, flask_app, following) -> None:
        self.flask_app = flask_app
        self.following = following
        settings = flask_app.config["ROLEGRAPH"]
        self.max_bytes = int(settings["max_request_bytes"])
        self.max_rows = settings["max_rows"]
        self._media: dict[str, tuple[str | None, str | None]] = {}
        self._bases: dict[tuple, str] = {}
        self.headers = [("Vary", "Accept"), ("X-Content-Type-Options", "nosniff"),
                        *cors.headers(expose=(sparql.TRUNCATED_HEADER,))]

    def __call__(self, environ: dict, start_response):
        if environ.get("PATH_INFO") != "/sparql":
            return self.following(environ, start_response)
        text, graphs, named = self._read(environ)
        if text is None:
            return self.following(environ, start_response)
        solutions_media, graph_media = self._formats(environ.get("HTTP_ACCEPT", ""))
        base_iri = self._base(environ)
        job = Job(text, graphs, named, solutions_media, graph_media, serialise=True, max_rows=self.max_rows,
                  base_iri=base_iri)
        try:
            result = sparql.execute_in(self.flask_app, job)
        except RolegraphError as error:
            return self._error(error, environ, start_response)
        if result.body is None:  # no accepted format for this kind of result: Flask says 406
            return self.following(environ, start_response)
        headers = [("Content-Type", formats.by_media_type(result.media).content_type),
                   ("Content-Length", str(len(result.body))), *self.headers]
        if result.truncated:
            headers.append((sparql.TRUNCATED_HEADER, str(self.max_rows)))
        start_response("200 OK", headers)
        return [b"" if environ["REQUEST_METHOD"] == "HEAD" else result.body]

    def _read(self, environ: dict) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
        """The query and dataset of a plain query request; ``None`` as the query for anything else."""
        method = environ.get("REQUEST_METHOD")
        try:
            raw = environ.get("QUERY_STRING", "").encode("latin-1")  # PEP 3333: bytes as latin-1
            if len(raw) > self.max_bytes:
                return None, (), ()
            parameters = protocol.decode_parameters(raw, "the query string")
            if method == "POST":
                media = environ.get("CONTENT_TYPE", "").strip().lower()
                if media not in (protocol.QUERY, protocol.FORM) or "query" in parameters \
                        or (media == protocol.FORM and parameters):
                    return None, (), ()
                length = int(environ.get("CONTENT_LENGTH") or 0)
                if not 0 < length <= self.max_bytes:
                    return None, (), ()
                body = environ["wsgi.input"].read(length)
                environ["wsgi.input"] = io.BytesIO(body)  # Flask reads the same bytes if it answers instead
                if media == protocol.FORM:
                    parameters = protocol.decode_parameters(body, "the request body")
                else:
                    parameters["query"] = [protocol.utf8(body, "the request body", None)]
            elif method not in ("GET", "HEAD"):
                return None, (), ()
        except (UsageError, ValueError):
            return None, (), ()  # not what a fast request is: Flask refuses it with the right message
        queries = parameters.get("query", ())
        if len(queries) != 1 or not queries[0].strip() or not parameters.keys() <= PARAMETERS:
            return None, (), ()
        return queries[0], *(tuple(parameters.get(name, ())) for name in protocol.DATASET["query"])

    def _base(self, environ: dict) -> str:
        """The request's URL without its query string (Flask's ``request.base_url``), remembered per host."""
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME", ""))
        known = self._bases.get(key)
        if known is None:
            known = get_current_url(environ, strip_querystring=True)
            if len(self._bases) >= REMEMBERED:
                self._bases.clear()
            self._bases[key] = known
        return known

    def _formats(self, accept: str) -> tuple[str | None, str | None]:
        """The media types the client gets for solutions and for graphs (``None``: none acceptable)."""
        known = self._media.get(accept)
        if known is None:
            known = tuple(_media(_Accepting(accept), offered) for offered in (sparql.RESULTS, sparql.GRAPHS))
            if len(self._media) >= REMEMBERED:
                self._media.clear()
            self._media[accept] = known
        return known

    def _error(self, error: RolegraphError, environ: dict, start_response):
        """``error`` answered by the Flask app's error handler and response hooks, as ``/sparql`` would."""
        app = self.flask_app
        with app.request_context(environ):
            response = app.finalize_request(app.handle_user_exception(error))
        return response(environ, start_response)


def _media(request, offered) -> str | None:
    try:
        return choose(request, offered).media_type
    except NotAcceptable:
        return None
