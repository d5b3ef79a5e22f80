"""Answers cached for one store generation: a bounded, thread-safe LRU (``ResultCache``) and the
WSGI middleware that replays whole HTTP answers from it (``ResponseCache``).

Answers cannot change until the next build is published, so entries are keyed by generation and
the whole cache is dropped when a newer generation shows up.
"""
from __future__ import annotations

import hashlib
import io
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from rolegraph.core.errors import RolegraphError
from rolegraph.core.store import Store

from .requestlog import RequestLog


class ResultCache:
    """Least-recently-used entries of (generation, key) → value within ``max_bytes`` (0: off).
    An entry larger than an eighth of the budget is not kept, so one answer cannot flush the rest."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._generation: str | None = None
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple[str | None, Hashable]) -> Any | None:
        with self._lock:
            if key[0] != self._generation:
                return None
            entry = self._entries.get(key[1])
            if entry is None:
                return None
            self._entries.move_to_end(key[1])
            return entry[0]

    def put(self, key: tuple[str | None, Hashable], value: Any, size: int) -> None:
        generation, inner = key
        if not self.enabled or size > self.max_bytes // 8:
            return
        with self._lock:
            if generation != self._generation:
                if generation is not None and self._generation is not None and generation < self._generation:
                    return  # a late answer from an older generation
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
            if inner in self._entries:
                return
            self._entries[inner] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._entries)


#: Request bodies that are a query (never an update) and may be answered from the cache.
QUERY_BODIES = ("application/sparql-query", "application/x-www-form-urlencoded")
#: What can change an answer besides the path and query string: part of every cache key. The raw
#: request URI, where the server gives it, tells an encoded slash from a slash.
VARYING = ("HTTP_HOST", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "wsgi.url_scheme", "SCRIPT_NAME",
           "REQUEST_URI", "RAW_URI")
#: Paths whose answer is about the running process, not the graph.
LIVE_PATHS = ("/healthz",)


class ResponseCache:
    """WSGI middleware in front of the app: replays complete ``200`` answers for the published
    generation, and logs every request (method, path, status, time; never the query string).

    Cached: GET and HEAD, and POSTed queries (``application/sparql-query`` bodies, forms) without
    an ``Authorization`` header; keyed by method, path, query string, body and the headers of
    ``VARYING``. Answers with a ``Content-Length`` (streamed exports have none) and without cookies
    are kept. A kept answer carries an ``ETag`` (a hash of its body), and a request whose
    ``If-None-Match`` names it gets ``304 Not Modified`` while the answer is kept.
    """

    def __init__(self, app, store: Store, max_bytes: int, max_body: int, log: RequestLog) -> None:
        self.app = app
        self.store = store
        self.cache = ResultCache(max_bytes)
        self.max_body = int(max_body)
        self.log = log

    def hit(self, environ: dict) -> tuple[int, list, bytes] | None:
        """The kept answer to this request (status code, headers, body), logged; ``None`` when there is none
        (``__call__`` then answers the request). What a server can ask before any other work on a request."""
        if not self.cache.enabled:
            return None
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        key = self._key(environ, method, path)
        if key is None:
            return None
        kept = self.cache.get((self._generation(), key))
        if kept is None:
            return None
        status, headers, data = self._answer(kept, environ, method)
        self.log(method, path, status, started, " cached")
        return int(status[:3]), headers, data

    def __call__(self, environ: dict, start_response):
        started = time.perf_counter()
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        key = self._key(environ, method, path) if self.cache.enabled else None
        generation = None
        if key is not None:
            generation = self._generation()
            kept = self.cache.get((generation, key))
            if kept is not None:
                status, headers, data = self._answer(kept, environ, method)
                start_response(status, headers)
                self.log(method, path, status, started, " cached")
                return [data]
        answer: dict = {}

        def capture(status, headers, exc_info=None):  # sent below, once the answer is known
            answer.update(status=status, headers=headers, exc_info=exc_info)
            return lambda chunk: answer.setdefault("written", []).append(chunk)

        body = self.app(environ, capture)
        status, headers = answer["status"], answer["headers"]
        self.log(method, path, status, started)
        if key is None or generation is None or "written" in answer or not self._keepable(status, headers):
            start_response(status, headers, answer["exc_info"])
            return [*answer["written"], *body] if "written" in answer else body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        etag = '"' + hashlib.blake2b(data, digest_size=12).hexdigest() + '"'
        headers = [*headers, ("ETag", etag)]
        self.cache.put((generation, key), (status, headers, data, etag), len(data))
        start_response(status, headers)
        return [data]

    def _key(self, environ: dict, method: str, path: str):
        if path in LIVE_PATHS or "HTTP_AUTHORIZATION" in environ or "HTTP_COOKIE" in environ:
            return None
        body = b""
        if method == "POST":
            media = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return None
            if media not in QUERY_BODIES or not 0 < length <= self.max_body:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # the app reads the same bytes again
            if media != QUERY_BODIES[0] and b"update=" in body:
                return None
        elif method not in ("GET", "HEAD"):
            return None
        return method, path, environ.get("QUERY_STRING", ""), body, *map(environ.get, VARYING)

    def _generation(self) -> str | None:
        """The generation served, or None (nothing cached nor replayed) when the store cannot say: the
        app then answers with that store's error (a remote store refusing our credentials: a 503)."""
        try:
            return self.store.generation
        except RolegraphError:
            return None

    @staticmethod
    def _keepable(status: str, headers: list) -> bool:
        if not status.startswith("200"):
            return False
        names = {name.lower() for name, _ in headers}
        return "content-length" in names and "set-cookie" not in names

    @staticmethod
    def _answer(kept, environ: dict, method: str) -> tuple[str, list, bytes]:
        """The status, headers and body that replay ``kept`` (a ``304`` when ``If-None-Match`` names it)."""
        status, headers, data, etag = kept
        asked = environ.get("HTTP_IF_NONE_MATCH")
        if asked is not None:
            wanted = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
            if etag in wanted or "*" in wanted:
                status, data = "304 Not Modified", b""
                headers = [(n, v) for n, v in headers if n.lower() not in ("content-length", "content-type")]
        return status, headers, b"" if method == "HEAD" else data
