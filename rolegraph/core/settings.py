"""Every setting of rolegraph in one declarative table: name, environment variable, default, help.

The CLI reads its global options from this table, and ``create_app`` takes the same names as its
config keys, so a deployment configures the loader and the server in one vocabulary.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from rolegraph.core.errors import SettingError
from rolegraph.core.naming import DEFAULT_BASE


@dataclass(frozen=True)
class Form:
    """The form a setting's value takes: ``parse`` turns the text into the value, or raises ``ValueError``;
    ``expects`` describes the form in errors ("a whole number ≥ 1")."""

    expects: str
    parse: Callable[[str], Any]
    #: One word for the value in usage lines (click's metavar).
    word: str = "text"
    #: A secret's value is never repeated in an error.
    secret: bool = False


def _count(minimum: int) -> Form:
    def parse(text: str) -> int:
        value = int(text.strip())
        if value < minimum:
            raise ValueError(text)
        return value
    return Form(f"a whole number ≥ {minimum}", parse, "integer")


def _number(minimum: float, *, above: bool = False) -> Form:
    def parse(text: str) -> float:
        value = float(text.strip())
        if not math.isfinite(value) or value < minimum or (above and value == minimum):
            raise ValueError(text)
        return value
    return Form(f"a number {'>' if above else '≥'} {minimum:g}", parse, "number")


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word not in _TRUE + _FALSE:
        raise ValueError(text)
    return word in _TRUE


def _iri(text: str) -> str:
    if not _SCHEME.match(text):
        raise ValueError(text)
    import pyoxigraph as ox

    ox.NamedNode(text)  # raises ValueError on a character an IRI cannot hold
    return text


def _folder(text: str) -> str:
    if "\0" in text or (os.path.exists(text) and not os.path.isdir(text)):
        raise ValueError(text)
    return text


def _file(text: str) -> str:
    if not text or "\0" in text or os.path.isdir(text):
        raise ValueError(text)
    return text


def _confidence(text: str) -> float:
    value = float(text.strip())
    if not 0 <= value <= 1:  # also refuses nan
        raise ValueError(text)
    return value


def _token(text: str) -> str:
    if any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError(text)
    return text


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
TEXT = Form("text", str)
FOLDER = Form("the path of a folder (not of a file)", _folder, "directory")
FILE = Form("the path of a file (not of a folder)", _file, "file")
CONFIDENCE = Form("a number from 0 to 1", _confidence, "number")
IRI = Form("an absolute IRI, such as https://example.org/id/", _iri, "iri")
FLAG = Form("one of " + ", ".join(_TRUE + _FALSE), _flag, "boolean")
TOKEN = Form("text without spaces or control characters", _token, secret=True)
def _printable(text: str) -> str:
    if not text or any(not c.isprintable() for c in text):
        raise ValueError(text)
    return text


def _user(text: str) -> str:
    if ":" in _printable(text):  # HTTP Basic joins user and password with a colon
        raise ValueError(text)
    return text


SECRET = Form("text without control characters", _printable, secret=True)
USER = Form("text without a colon or control characters", _user)


def _url(text: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise ValueError(text)
    return text


def _choice(*words: str, word: str) -> Form:
    """The form of a setting that is one of ``words`` (case ignored)."""
    def parse(text: str) -> str:
        chosen = text.strip().lower()
        if chosen not in words:
            raise ValueError(text)
        return chosen
    return Form("one of " + ", ".join(words), parse, word)


URL = Form("the http or https URL of a SPARQL endpoint, such as http://127.0.0.1:7878/query", _url, "url")
AUTH = _choice("basic", "digest", "bearer", word="scheme")
#: How the production server evaluates queries (rolegraph.server.inprocess, rolegraph.server.executor).
EVALUATIONS = ("prefork", "pool")
EVALUATION = _choice(*EVALUATIONS, word="design")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    form: Form = TEXT

    def parse(self, text: str, source: str | None = None) -> Any:
        """The value ``text`` stands for, or ``SettingError`` naming the setting, where the text came from
        (``source``: its environment variable by default) and the form expected."""
        try:
            return self.form.parse(text)
        except ValueError:
            shown = "(its value not shown)" if self.form.secret else repr(text)
            raise SettingError(f"{source or self.env}={shown} is not valid: expected {self.form.expects} "
                               f"(setting {self.name})", setting=self.name, env=self.env,
                               value=None if self.form.secret else text, expected=self.form.expects) from None


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "ROLEGRAPH_STORE", os.path.join("data", "build", "store"),
            "Folder of the embedded on-disk store (created by the first build or import).", FOLDER),
    Setting("base_iri", "ROLEGRAPH_BASE_IRI", DEFAULT_BASE,
            "Base IRI under which entity, document and graph IRIs are minted.", IRI),
    Setting("max_document_bytes", "ROLEGRAPH_MAX_DOCUMENT_BYTES", 2_000_000,
            "Largest document file a build reads; bigger files are refused with an error naming them "
            "(a job profile is a few kB; 2 MB of dense text already took 55 s to build).", _count(1)),
    Setting("min_link_confidence", "ROLEGRAPH_MIN_LINK_CONFIDENCE", 0.8,
            "Confidence from which a link to ESCO or ROME is published in graph/links; the others stay "
            "candidates in graph/link-candidates (confidences are calibrated on the reviewed sample).", CONFIDENCE),
    Setting("mappings", "ROLEGRAPH_MAPPINGS", None,
            "Curated SSSOM TSV file whose acceptances and rejections win over the matcher at every build, "
            "import and link (default: data/mappings/curated.sssom.tsv of the project).", FILE),
    Setting("query_timeout", "ROLEGRAPH_QUERY_TIMEOUT", 10.0,
            "Seconds a SPARQL query may run before it is stopped.", _number(0, above=True)),
    Setting("max_rows", "ROLEGRAPH_MAX_ROWS", 10000,
            "Most result rows (or triples) a query returns over HTTP; the rest is cut and the "
            "X-Rolegraph-Truncated header says so.", _count(1)),
    Setting("update_token", "ROLEGRAPH_UPDATE_TOKEN", None,
            "Bearer token that enables SPARQL updates over HTTP; updates are refused without it.", TOKEN),
    Setting("allow_service", "ROLEGRAPH_ALLOW_SERVICE", False,
            "Allow SERVICE and LOAD in queries (server-side requests); off by default.", FLAG),
    Setting("query_workers", "ROLEGRAPH_QUERY_WORKERS", os.cpu_count() or 2,
            "Worker processes that evaluate SPARQL queries (a query past its time limit is killed "
            "with its worker).", _count(1)),
    Setting("evaluation", "ROLEGRAPH_EVALUATION", "prefork",
            "How `serve --production` evaluates queries: prefork (each HTTP worker process, --workers of them, "
            "evaluates in its own process with the store open read-only, and is replaced gracefully when a query "
            "passes the time limit) or pool (one HTTP process sends each query to a pool of --workers query "
            "processes). The development server and the app in tests always use the pool.", EVALUATION),
    Setting("pin_workers", "ROLEGRAPH_PIN_WORKERS", True,
            "With prefork evaluation and at least as many workers as CPUs, run each worker process on one CPU "
            "of its own: its request and evaluator threads then hand each query to each other on one core, which "
            "costs less CPU than across CPUs; off lets the system move them (a host shared with other busy "
            "processes).", FLAG),
    Setting("max_worker_rss_mb", "ROLEGRAPH_MAX_WORKER_RSS_MB", 1024.0,
            "Resident memory (MB) past which a query worker is replaced by a fresh one, checked when "
            "its answer arrives; a bound on whatever grows in a worker (its store caches level off "
            "well below); 0 turns it off.", _number(0)),
    Setting("max_request_bytes", "ROLEGRAPH_MAX_REQUEST_BYTES", 1_000_000,
            "Largest request body, and largest query string of a GET, the server reads (413/414 beyond).", _count(1)),
    Setting("backend", "ROLEGRAPH_BACKEND", None,
            "SPARQL query endpoint of an external store to serve from instead of the embedded store "
            "(filled by `rolegraph push`); updates are refused on it.", URL),
    Setting("backend_user", "ROLEGRAPH_BACKEND_USER", None,
            "User the server sends to the --backend store (HTTP Basic, or Digest with backend_auth).", USER),
    Setting("backend_password", "ROLEGRAPH_BACKEND_PASSWORD", None,
            "Password of backend_user at the --backend store; never shown in logs or errors.", SECRET),
    Setting("backend_token", "ROLEGRAPH_BACKEND_TOKEN", None,
            "Bearer token the server sends to the --backend store; never shown in logs or errors.", TOKEN),
    Setting("backend_auth", "ROLEGRAPH_BACKEND_AUTH", None,
            "How the server authenticates at the --backend store: basic, digest or bearer "
            "(default: bearer with a token, basic with a user).", AUTH),
    Setting("push_user", "ROLEGRAPH_PUSH_USER", None,
            "User `rolegraph push` sends to the external store (HTTP Basic, or Digest with push_auth).", USER),
    Setting("push_password", "ROLEGRAPH_PUSH_PASSWORD", None,
            "Password of push_user; never shown in logs or errors.", SECRET),
    Setting("push_token", "ROLEGRAPH_PUSH_TOKEN", None,
            "Bearer token `rolegraph push` sends to the external store; never shown in logs or errors.", TOKEN),
    Setting("push_auth", "ROLEGRAPH_PUSH_AUTH", None,
            "How `rolegraph push` authenticates: basic, digest or bearer (default: bearer with a token, "
            "basic with a user; Virtuoso's graph store accepts only digest).", AUTH),
    Setting("push_timeout", "ROLEGRAPH_PUSH_TIMEOUT", 300.0,
            "Seconds `rolegraph push` waits for one answer of the external store.", _number(0, above=True)),
    Setting("push_batch_bytes", "ROLEGRAPH_PUSH_BATCH_BYTES", 8_000_000,
            "Largest piece of a graph `rolegraph push` sends in one request: a bigger graph is staged by "
            "one Graph Store Protocol PUT and then POSTs (a store writing one huge request in one "
            "transaction deadlocks or outgrows its log); SPARQL Update batches stay at most 500 kB.", _count(1000)),
    Setting("result_cache_mb", "ROLEGRAPH_RESULT_CACHE_MB", 64.0,
            "Memory for serialised query results, reused until the next build is published; 0 turns it off.",
            _number(0)),
)

BY_NAME = {s.name: s for s in SETTINGS}


def defaults(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value from the environment, or its default; ``SettingError`` names every variable
    whose value has the wrong form."""
    environ = os.environ if environ is None else environ
    values, errors = {}, []
    for s in SETTINGS:
        raw = environ.get(s.env)
        try:
            values[s.name] = s.default if raw in (None, "") else s.parse(raw)
        except SettingError as error:
            errors.append(error)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise SettingError("; ".join(e.message for e in errors), setting=", ".join(e.details["setting"] for e in errors))
    return values
