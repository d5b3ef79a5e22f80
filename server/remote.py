"""Evaluating queries on an external SPARQL store (``serve --backend``): the remote counterpart of
``rolegraph.server.executor.Executor``, with the same ``run(job) -> Result`` and ``close()``.

A query is sent over HTTP (SPARQL 1.1 Protocol, POST) with the served graphs as its dataset (the ones
the store's status graph lists, never a push's staging graphs), within the time limit. The store's
answer is parsed, to count it against ``max_rows`` and to see that it is whole, and its bytes are
passed through unchanged when the client asked for the format the store answered in and nothing was
cut. What stores do silently is reported: Virtuoso caps results (10,000 rows by default) and says so
only in an ``X-SPARQL-MaxRows`` header (the answer is then marked truncated); the Oxigraph server
ends a timed-out answer early with status 200 (the unparsable answer is a ``QueryTimeout``), and
Virtuoso returns partial "anytime" answers with ``X-SQL-State: S1TAT`` (a ``QueryTimeout`` too).
"""
from __future__ import annotations

import logging
import re
import urllib.parse

import pyoxigraph as ox

from rolegraph.core import formats
from rolegraph.core.errors import QueryError, QueryTimeout, StoreError
from rolegraph.core.remote import RemoteStore

from .executor import Job, Result

log = logging.getLogger(__name__)

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
#: Formats whose answers are parsed and passed through as the store sent them; for the others the
#: store is asked for JSON results or N-Triples and the answer is serialised here. Only these two:
#: stores write the others in dialects (Virtuoso's TSV cells and Turtle do not parse as the standards say).
PASSED_THROUGH = frozenset({JSON_RESULTS, N_TRIPLES})
#: The query form after the prologue: comments, ``BASE <…>`` and ``PREFIX p: <…>`` declarations skipped.
_FORM = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
                   re.IGNORECASE)
#: Virtuoso's header for an answer cut at its ResultSetMaxRows.
MAX_ROWS_HEADER = "x-sparql-maxrows"


class RemoteExecutor:
    """Run jobs on the store behind ``store`` (a ``RemoteStore``) within ``timeout`` seconds."""

    def __init__(self, store: RemoteStore, timeout: float) -> None:
        self.store, self.timeout = store, float(timeout)
        self.location = store.location
        self.capped = 0  # answers the store cut at its own row cap

    def close(self) -> None:
        """Nothing to stop: each query is one HTTP request."""

    def run(self, job: Job) -> Result:
        generation = self.store.generation
        if generation is None:
            raise StoreError(f"nothing was pushed to the store at {self.location}: run `rolegraph push` first",
                             store=self.location)
        served = self.store.graphs()
        fields = [("query", job.query)]
        fields += [("default-graph-uri", g) for g in (job.default_graphs or served)]
        fields += [("named-graph-uri", g) for g in (job.named_graphs or served)]
        # One kind of answer asked for: a store may answer a CONSTRUCT in JSON results (Virtuoso does).
        accept = N_TRIPLES if self._kind(job.query) == "triples" else JSON_RESULTS
        endpoint = self.store.endpoint
        try:
            answer = endpoint.post(endpoint.query_url, urllib.parse.urlencode(fields).encode("utf-8"),
                                   {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                                   timeout=self.timeout)
        except StoreError as error:
            raise _query_error(error, self.timeout) from None
        media = answer.headers.get("content-type", "").split(";")[0].strip().lower()
        if answer.headers.get("x-sql-state", "").upper() == "S1TAT":
            raise _timeout(self.timeout, "the store returned a partial answer when its time limit passed")
        result = self._parse(job, answer.body, media, generation)
        if MAX_ROWS_HEADER in answer.headers:
            self.capped += 1
            result.truncated = True
            log.warning("the store at %s cut an answer at its row cap (%s: %s)", self.location,
                        MAX_ROWS_HEADER, answer.headers[MAX_ROWS_HEADER])
        if job.serialise:
            self._serialise(job, result, answer.body, media)
        return result

    @staticmethod
    def _kind(query: str) -> str:
        """``triples`` for a CONSTRUCT or DESCRIBE, else ``solutions``: the first keyword after the
        prologue (PREFIX and BASE declarations, comments)."""
        return "triples" if _FORM.match(query) and _FORM.match(query)[1].upper() in ("CONSTRUCT", "DESCRIBE") \
            else "solutions"

    def _parse(self, job: Job, body: bytes, media: str, generation: str) -> Result:
        """The store's answer as terms, cut at ``max_rows``; an answer that does not parse was cut short."""
        limit = None if job.max_rows is None else job.max_rows
        try:
            results_format = ox.QueryResultsFormat.from_media_type(media)
            if results_format is not None:
                parsed = ox.parse_query_results(body, format=results_format)
                if isinstance(parsed, ox.QueryBoolean):
                    return Result("boolean", generation, boolean=bool(parsed))
                result = Result("solutions", generation, variables=[v.value for v in parsed.variables])
                result.rows = [tuple(s) for s in parsed]
            else:
                rdf_format = ox.RdfFormat.from_media_type(media)
                if rdf_format is None:
                    raise QueryError(f"the store at {self.location} answered in {media or 'no media type'}, "
                                     "which is neither SPARQL results nor RDF")
                result = Result("triples", generation)
                result.triples = [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(body, format=rdf_format)]
        except SyntaxError as exc:  # the Oxigraph server ends a timed-out answer early, with status 200
            raise _timeout(self.timeout, f"the store's answer was cut short, with status 200 ({exc})") from None
        items = result.rows if result.kind == "solutions" else result.triples
        if limit is not None and len(items) > limit:
            del items[limit:]
            result.truncated = True
        return result

    def _serialise(self, job: Job, result: Result, body: bytes, media: str) -> None:
        """Set ``result.body``: the store's bytes when they are what the client asked for, uncut."""
        wanted = job.graph_media if result.kind == "triples" else job.solutions_media
        if wanted is None:
            return  # 406: the client accepts no format for this kind of result
        result.media = wanted
        if wanted == media and not result.truncated:
            result.body = body
        elif result.kind == "boolean":
            boolean = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if result.boolean else b"false"),
                                             format=ox.QueryResultsFormat.JSON)
            result.body = formats.serialize_results(boolean, formats.by_media_type(wanted))
        elif result.kind == "solutions":
            result.body = formats.serialize_results(formats.solutions(result.variables, result.rows),
                                                    formats.by_media_type(wanted))
        else:
            result.body = formats.serialize_graph(result.triples, formats.by_media_type(wanted))
        result.rows, result.triples = [], []


def _timeout(seconds: float, why: str) -> QueryTimeout:
    return QueryTimeout(f"the query was stopped at a time limit ({seconds:g} s here, or the store's own): {why}; "
                        "narrow it (LIMIT, more specific patterns) or ask for less", seconds=seconds)


def _query_error(error: StoreError, seconds: float) -> Exception:
    """A failed query: the store's time limit, its refusal of the query (a ``QueryError``), or the store."""
    reason = error.details.get("reason")
    if reason == "timeout":
        return _timeout(seconds, "the store did not answer in time")
    if reason == "refused" and "(HTTP 400)" in error.message:
        return QueryError(error.message.replace("refused this query (HTTP 400)", "rejected the query"))
    return error
