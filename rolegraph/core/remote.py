"""An external SPARQL store reached over HTTP (Oxigraph server, Virtuoso, Fuseki, GraphDB, Neptune):
the client that ``rolegraph push`` writes with and ``serve --backend`` reads with, and the status
graph that ties the two together.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol, HTTP Basic or Digest, a bearer
token as a header); a Graph Store Protocol PUT, which SPARQLWrapper does not make, goes through
urllib with the same credentials. Every failure is a ``StoreError`` (exit code 3) naming the
endpoint and what went wrong, never the credentials.

The status graph (``status_graph``) is what a push writes last: the version (the local generation
pushed), when, and each graph with its triple count and checksum. A push in progress adds a
``prov:startedAtTime`` to it, which the push's last transaction removes.
"""
from __future__ import annotations

import base64
import html
import http.client
import io
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from .errors import StoreError, UsageError
from .settings import BY_NAME
from .naming import graph_iri, normal_base

#: The name of the status graph among the graphs of a store (``naming.graph_iri``).
STATUS_GRAPH = "status"
#: What ``--auth`` accepts; ``None`` picks bearer with a token, Basic with a user, nothing otherwise.
SCHEMES = ("basic", "digest", "bearer")

DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
PROV = "http://www.w3.org/ns/prov#"
RG_CHECKSUM = "https://w3id.org/rolegraph/ontology#checksum"


def status_graph(base: str) -> str:
    """The IRI of the status graph of a store whose graphs are named under ``base``."""
    return str(graph_iri(normal_base(base), STATUS_GRAPH))


@dataclass(frozen=True)
class Credentials:
    """Who a push or a server is at the store: a bearer ``token``, or a ``user`` and ``password`` sent
    with HTTP Basic or Digest (``scheme``). ``repr`` never shows the secrets."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: str | None = None

    def __post_init__(self) -> None:
        scheme = self.scheme or ("bearer" if self.token else "basic" if self.user else None)
        object.__setattr__(self, "scheme", scheme)
        if scheme not in (None, *SCHEMES):
            raise UsageError(f"unknown authentication scheme {scheme!r}: expected one of {', '.join(SCHEMES)}")
        if scheme == "bearer" and not self.token:
            raise UsageError("bearer authentication needs a token (--token or ROLEGRAPH_PUSH_TOKEN)")
        if scheme in ("basic", "digest") and not self.user:
            raise UsageError(f"{scheme} authentication needs a user (--user or ROLEGRAPH_PUSH_USER)")

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.token) if s)


def shown(url: str) -> str:
    """``url`` without any user or password written into it: what messages may show."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


@dataclass
class Answer:
    """An HTTP answer of the store: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


class Endpoint:
    """The SPARQL endpoints of one store: ``query``, ``update`` (None: read-only) and ``graph_store``
    (None: graphs are written with SPARQL Update), reached with ``credentials`` within ``timeout`` seconds
    (by default the ``push_timeout`` setting's: a full store's last update takes minutes)."""

    def __init__(self, query: str, update: str | None = None, graph_store: str | None = None,
                 credentials: Credentials | None = None, timeout: float | None = None) -> None:
        for name, url in (("query endpoint", query), ("update endpoint", update), ("graph store", graph_store)):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"the {name} {shown(url)!r} is not an http(s) URL", endpoint=shown(url))
        self.query_url, self.update_url, self.graph_store_url = query, update, graph_store
        self.credentials = credentials or Credentials()
        self.timeout = BY_NAME["push_timeout"].default if timeout is None else timeout
        self._opener = self._make_opener()
        self._local = threading.local()  # each thread's kept-alive connections

    # ------------------------------------------------------------------ SPARQL through SPARQLWrapper

    def _wrapper(self, url: str, timeout: float | None = None):
        from SPARQLWrapper import BASIC, DIGEST, POST, URLENCODED, SPARQLWrapper

        wrapper = SPARQLWrapper(url, updateEndpoint=url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)  # a form: Virtuoso never answers a query POSTed directly
        wrapper.setTimeout(max(1, round(timeout or self.timeout)))
        credentials = self.credentials
        if credentials.scheme == "bearer":
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {credentials.token}")
        elif credentials.scheme in ("basic", "digest"):
            wrapper.setHTTPAuth(DIGEST if credentials.scheme == "digest" else BASIC)
            wrapper.setCredentials(credentials.user, credentials.password or "")
        return wrapper

    def select(self, query: str) -> list[dict[str, str]]:
        """The solutions of a SELECT ``query`` as {variable: value text} (unbound ones left out)."""
        from SPARQLWrapper import JSON

        wrapper = self._wrapper(self.query_url)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(JSON)
        body = self._call(lambda: wrapper.query().response.read(), self.query_url, "query")
        try:
            bindings = json.loads(body)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError(f"the store at {shown(self.query_url)} answered a query with something other than "
                             f"SPARQL JSON results: {exc}", endpoint=shown(self.query_url)) from exc
        return [{name: value["value"] for name, value in row.items()} for row in bindings]

    def update(self, text: str) -> None:
        """Apply the SPARQL Update ``text`` at the update endpoint (one request)."""
        if self.update_url is None:
            raise StoreError("this store was given no update endpoint: updates are refused")
        wrapper = self._wrapper(self.update_url)
        wrapper.setQuery(text)
        self._call(lambda: wrapper.query().response.read(), self.update_url, "update")

    # ------------------------------------------------------------------ plain HTTP (GSP, pass-through)

    def _make_opener(self) -> urllib.request.OpenerDirector:
        handlers: list = []
        credentials = self.credentials
        if credentials.scheme in ("basic", "digest"):
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (self.query_url, self.update_url, self.graph_store_url):
                if url:
                    manager.add_password(None, url, credentials.user, credentials.password or "")
            handler = urllib.request.HTTPDigestAuthHandler if credentials.scheme == "digest" \
                else urllib.request.HTTPBasicAuthHandler
            handlers.append(handler(manager))
        return urllib.request.build_opener(*handlers)

    def put(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Replace the graph ``graph`` by ``data`` with one Graph Store Protocol PUT."""
        self._graph_store("PUT", graph, data, media_type)

    def append(self, graph: str, data: bytes, media_type: str = "application/n-triples") -> None:
        """Add ``data`` to the graph ``graph`` with one Graph Store Protocol POST."""
        self._graph_store("POST", graph, data, media_type)

    def _graph_store(self, method: str, graph: str, data: bytes, media_type: str) -> None:
        if self.graph_store_url is None:
            raise StoreError("this store was given no graph store endpoint")
        separator = "&" if "?" in self.graph_store_url else "?"
        url = f"{self.graph_store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        self.send(url, data, {"Content-Type": media_type}, method=method, what=f"{method} of graph <{graph}>")

    def send(self, url: str, data: bytes | None, headers: dict[str, str], method: str = "GET",
             timeout: float | None = None, what: str = "request") -> Answer:
        """One HTTP request with the store's credentials; an answer of status 400 or more is a ``StoreError``."""
        headers = dict(headers)
        if self.credentials.scheme == "bearer":
            headers["Authorization"] = f"Bearer {self.credentials.token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        if data and self.credentials.scheme == "digest":
            self._sign(request, url, method, timeout)

        def call() -> Answer:
            with self._opener.open(request, timeout=timeout or self.timeout) as response:
                return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        return self._call(call, url, what)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float | None = None,
             what: str = "query") -> Answer:
        """POST ``body`` on a connection this thread keeps alive to the store (what a query of the server
        costs is then the store's time, not a TCP handshake); Digest goes through ``send``. A kept-alive
        connection the store closed meanwhile is replaced once: a query may be sent again."""
        if self.credentials.scheme == "digest":
            return self.send(url, body, headers, "POST", timeout, what)
        headers = dict(headers)
        credentials = self.credentials
        if credentials.scheme == "bearer":
            headers["Authorization"] = f"Bearer {credentials.token}"
        elif credentials.scheme == "basic":
            pair = f"{credentials.user}:{credentials.password or ''}".encode("utf-8")
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        parts = urllib.parse.urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = self._local.__dict__.setdefault("connections", {})
        seconds = timeout or self.timeout
        for attempt in (1, 2):
            connection = pool.get(parts.netloc)
            fresh = connection is None
            if fresh:
                kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
                connection = pool[parts.netloc] = kind(parts.hostname, parts.port, timeout=seconds)
            try:
                connection.timeout = seconds
                if connection.sock is not None:
                    connection.sock.settimeout(seconds)
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                connection.close()
                pool.pop(parts.netloc, None)
                if attempt == 1 and not fresh:
                    continue
                raise self.failure(exc, url, what) from None
            except Exception as exc:  # noqa: BLE001 - every transport failure becomes one clear StoreError
                connection.close()
                pool.pop(parts.netloc, None)
                raise self.failure(exc, url, what) from None
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            if response.status >= 400:
                error = urllib.error.HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(data))
                raise self.failure(error, url, what)
            return Answer(response.status, answer_headers, data)
        raise AssertionError("unreachable")

    def _sign(self, request: urllib.request.Request, url: str, method: str, timeout: float | None) -> None:
        """Add a Digest ``Authorization`` to ``request`` from the challenge of a bodiless request first:
        a store that answers 401 before reading a large body (Virtuoso) would break the pipe otherwise."""
        probe = urllib.request.Request(url, data=b"" if method in ("PUT", "POST") else None, method="HEAD"
                                       if method not in ("PUT", "POST") else method)
        try:
            urllib.request.build_opener().open(probe, timeout=timeout or self.timeout).close()
            return  # no challenge: nothing to sign
        except urllib.error.HTTPError as exc:
            challenge = exc.headers.get("www-authenticate", "")
            exc.close()
            if exc.code != 401 or not challenge.lower().startswith("digest "):
                return
        except Exception:  # noqa: BLE001 - the request itself will report what is wrong
            return
        handler = next(h for h in self._opener.handlers if isinstance(h, urllib.request.HTTPDigestAuthHandler))
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        authorization = handler.get_authorization(request, fields)
        if authorization:
            request.add_unredirected_header("Authorization", f"Digest {authorization}")

    # ------------------------------------------------------------------ errors

    def _call(self, call, url: str, what: str) -> Any:
        try:
            return call()
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - every transport failure becomes one clear StoreError
            raise self.failure(exc, url, what) from None

    def failure(self, exc: BaseException, url: str, what: str) -> StoreError:
        """The ``StoreError`` that says what ``exc`` means for a ``what`` sent to ``url``, without secrets."""
        where = shown(url.split("?")[0])
        status = getattr(exc, "code", None)
        name = type(exc).__name__
        if name == "Unauthorized" or status in (401, 403):
            message = (f"the store at {where} refused the credentials of this {what} (HTTP {status or 401}): "
                       "check the user, password or token and the authentication scheme (--auth)")
            kind = "credentials"
        elif isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc):
            message = f"the store at {where} did not answer this {what} within {self.timeout:g} s"
            kind = "timeout"
        elif isinstance(exc, (urllib.error.URLError, ConnectionError, socket.gaierror)) \
                and not isinstance(exc, urllib.error.HTTPError):
            message = f"cannot reach the store at {where}: {getattr(exc, 'reason', exc)}"
            kind = "unreachable"
        else:
            detail = ""
            if isinstance(exc, urllib.error.HTTPError):
                detail = exc.read()[:2000].decode("utf-8", "replace")
            elif exc.args:
                detail = str(exc.args[0])[:2000]
            detail = refusal(detail)
            message = f"the store at {where} refused this {what}" + (f" (HTTP {status})" if status else "") + \
                (f": {detail}" if detail else "")
            kind = next((k for k, codes in REFUSALS.items() if any(c in detail for c in codes)), "refused")
        for secret in self.credentials.secrets():
            message = message.replace(secret, "***")
        return StoreError(message, endpoint=where, reason=kind)


#: Store refusals told apart by the codes in their text (the ``reason`` of the ``StoreError``):
#: ``deadlock`` (Virtuoso's SR172, SQL state 40001: the write may be sent again) and ``log-full``
#: (Virtuoso's SR325: the write outgrew the transaction log's limit, TransactionAfterImageLimit).
REFUSALS = {"deadlock": ("SR172", "Virtuoso 40001", "Error 40001"), "log-full": ("SR325",)}
_TAG = re.compile(r"<(script|style|title|head)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def refusal(text: str, limit: int = 300) -> str:
    """The store's refusal ``text`` (plain text, or an HTML error page, whose tags are dropped) as one
    line of at most ``limit`` characters."""
    if re.match(r"\s*<(!DOCTYPE|html)\b", text, re.IGNORECASE):
        text = html.unescape(_TAG.sub(" ", text))
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def read_status(endpoint: Endpoint, base: str) -> dict:
    """What the status graph of the store says: ``version``, ``modified``, ``pushing`` (a push in
    progress since that time, or None) and ``graphs`` {graph IRI: {"triples": n, "checksum": text}}."""
    status = status_graph(base)
    rows = endpoint.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{status}> {{ ?s ?p ?o }} }}")
    found: dict = {"version": None, "modified": None, "pushing": None, "graphs": {}}
    for row in rows:
        subject, predicate, value = row["s"], row["p"], row["o"]
        if subject == status and predicate == DCTERMS + "hasVersion":
            found["version"] = value
        elif subject == status and predicate == DCTERMS + "modified":
            found["modified"] = value
        elif predicate == PROV + "startedAtTime":
            found["pushing"] = value
        elif predicate == VOID + "triples":
            found["graphs"].setdefault(subject, {})["triples"] = int(value)
        elif predicate == RG_CHECKSUM:
            found["graphs"].setdefault(subject, {})["checksum"] = value
    return found


def status_triples(base: str, version: str, graphs: dict[str, dict], when: float | None = None) -> str:
    """The status graph's triples (SPARQL INSERT DATA text) for ``version`` and ``graphs``
    ({IRI: {"triples", "checksum"}})."""
    status = status_graph(base)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when or time.time()))
    lines = [f'<{status}> <{DCTERMS}hasVersion> {json.dumps(version)} .',
             f'<{status}> <{DCTERMS}modified> "{stamp}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .']
    for iri, facts in sorted(graphs.items()):
        lines.append(f"<{status}> <{VOID}subset> <{iri}> .")
        lines.append(f'<{iri}> <{VOID}triples> {int(facts["triples"])} .')
        lines.append(f'<{iri}> <{RG_CHECKSUM}> {json.dumps(facts["checksum"])} .')
    return "\n".join(lines)


def credentials_from(settings, prefix: str) -> Credentials:
    """The credentials of the settings ``{prefix}_user``, ``_password``, ``_token`` and ``_auth``."""
    return Credentials(settings.get(f"{prefix}_user"), settings.get(f"{prefix}_password"),
                       settings.get(f"{prefix}_token"), settings.get(f"{prefix}_auth"))


class RemoteStore:
    """The ``Store`` interface over an external SPARQL store that ``rolegraph push`` fills: read-only.

    Its ``generation`` is the version its status graph names (read at most once per ``STATUS_SECONDS``),
    so that answers cached for one version are dropped when a push publishes the next one. What it
    serves is the graphs the status graph lists: staging graphs of a push under way stay out of sight.
    """

    #: How long a read of the status graph is reused: the delay before a server sees a new push.
    STATUS_SECONDS = 1.0

    def __init__(self, endpoint: Endpoint, base: str, store_format: int) -> None:
        self.endpoint, self.base = endpoint, normal_base(base)
        self.location = shown(endpoint.query_url)
        self.FORMAT = store_format  # what a push writes is what this version reads
        self._status: tuple[float, dict] | None = None

    def status(self) -> dict:
        """The store's status graph (``read_status``), re-read after ``STATUS_SECONDS``."""
        cached = self._status
        now = time.monotonic()
        if cached is None or now - cached[0] > self.STATUS_SECONDS:
            cached = self._status = (now, read_status(self.endpoint, self.base))
        return cached[1]

    @property
    def generation(self) -> str | None:
        return self.status()["version"]

    @property
    def format(self) -> int | None:
        return self.FORMAT if self.generation is not None else None

    @property
    def published_at(self) -> float | None:
        modified = self.status()["modified"]
        if not modified:
            return None
        import calendar
        return float(calendar.timegm(time.strptime(modified[:19], "%Y-%m-%dT%H:%M:%S")))

    @property
    def pushing(self) -> str | None:
        """When the push under way into the store started (its status graph says so), or None."""
        return self.status()["pushing"]

    def graphs(self) -> list[str]:
        """The graphs the store serves: those of the last complete push."""
        return sorted(self.status()["graphs"])

    def open(self) -> "RemoteSnapshot":
        generation = self.generation
        if generation is None:
            raise StoreError(f"nothing was pushed to the store at {self.location}: run `rolegraph push` first",
                             store=self.location)
        return RemoteSnapshot(self, generation)

    def query(self, query: str, **options) -> Any:
        raise StoreError("a remote store is queried through the server's executor, not in process")

    def writing(self):
        raise _refused()

    def publishing(self, migrating: bool = False, base: str | None = None):
        raise _refused()

    def has_base(self, name: str) -> bool:
        return False


def _refused() -> StoreError:
    from .errors import Forbidden

    return Forbidden("updates are refused on a remote backend: `rolegraph push` is the way to write to it")


class RemoteSnapshot:
    """The version a remote store serves, read graph by graph (what exports stream); no state files."""

    def __init__(self, store: RemoteStore, generation: str) -> None:
        self.store, self.generation = store, generation

    def state(self, name: str) -> bytes | None:
        return None

    def named_graphs(self):
        import pyoxigraph as ox
        return iter([ox.NamedNode(g) for g in self.store.graphs()])

    def contains_named_graph(self, graph_name) -> bool:
        return getattr(graph_name, "value", str(graph_name)) in self.store.status()["graphs"]

    def quads_for_pattern(self, subject, predicate, object, graph_name=None):
        """The quads of one served graph, or of all of them; only the graph may be given."""
        import pyoxigraph as ox

        if subject is not None or predicate is not None or object is not None:
            raise StoreError("a remote store lists whole graphs only")
        graphs = [graph_name.value] if graph_name is not None else self.store.graphs()
        for graph in graphs:
            body = self.store.endpoint.send(
                self.store.endpoint.query_url,
                urllib.parse.urlencode({"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/n-triples"},
                method="POST", what="export query").body
            node = ox.NamedNode(graph)
            for triple in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(triple.subject, triple.predicate, triple.object, node)

    def query(self, query: str, **options) -> Any:
        raise StoreError("a remote store is queried through the server's executor, not in process")

    def dump(self, *args, **kwargs):
        raise StoreError("a remote store is exported graph by graph (quads_for_pattern)")
