"""Every setting of rolegraph in one declarative table: name, environment variable, default, help.

The CLI reads its global options from this table, and ``create_app`` takes the same names as its
config keys, so a deployment configures the loader and the server in one vocabulary.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

from rolegraph.core.naming import DEFAULT_BASE


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "ROLEGRAPH_STORE", os.path.join("data", "build", "store"),
            "Folder of the embedded on-disk store (created by the first build or import)."),
    Setting("base_iri", "ROLEGRAPH_BASE_IRI", DEFAULT_BASE,
            "Base IRI under which entity, document and graph IRIs are minted."),
    Setting("max_document_bytes", "ROLEGRAPH_MAX_DOCUMENT_BYTES", 2_000_000,
            "Largest document file a build reads; bigger files are refused with an error naming them "
            "(a job profile is a few kB; 2 MB of dense text already took 55 s to build).", int),
    Setting("min_link_confidence", "ROLEGRAPH_MIN_LINK_CONFIDENCE", 0.8,
            "Confidence from which a link to ESCO or ROME is published in graph/links; the others stay "
            "candidates in graph/link-candidates (confidences are calibrated on the reviewed sample).", float),
    Setting("mappings", "ROLEGRAPH_MAPPINGS", None,
            "Curated SSSOM TSV file whose acceptances and rejections win over the matcher at every build, "
            "import and link (default: data/mappings/curated.sssom.tsv of the project)."),
    Setting("query_timeout", "ROLEGRAPH_QUERY_TIMEOUT", 10.0,
            "Seconds a SPARQL query may run before it is stopped.", float),
    Setting("max_rows", "ROLEGRAPH_MAX_ROWS", 10000,
            "Most result rows (or triples) a query returns over HTTP; the rest is cut and the "
            "X-Rolegraph-Truncated header says so.", int),
    Setting("update_token", "ROLEGRAPH_UPDATE_TOKEN", None,
            "Bearer token that enables SPARQL updates over HTTP; updates are refused without it."),
    Setting("allow_service", "ROLEGRAPH_ALLOW_SERVICE", False,
            "Allow SERVICE and LOAD in queries (server-side requests); off by default.", _flag),
    Setting("query_workers", "ROLEGRAPH_QUERY_WORKERS", os.cpu_count() or 2,
            "Worker processes that evaluate SPARQL queries (a query past its time limit is killed "
            "with its worker).", int),
    Setting("max_worker_rss_mb", "ROLEGRAPH_MAX_WORKER_RSS_MB", 1024.0,
            "Resident memory (MB) past which a query worker is replaced by a fresh one, checked when "
            "its answer arrives; a bound on whatever grows in a worker (its store caches level off "
            "well below); 0 turns it off.", float),
    Setting("max_request_bytes", "ROLEGRAPH_MAX_REQUEST_BYTES", 1_000_000,
            "Largest request body, and largest query string of a GET, the server reads (413/414 beyond).", int),
    Setting("result_cache_mb", "ROLEGRAPH_RESULT_CACHE_MB", 64.0,
            "Memory for serialised query results, reused until the next build is published; 0 turns it off.",
            float),
)

BY_NAME = {s.name: s for s in SETTINGS}


def defaults(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value from the environment, or its default."""
    environ = os.environ if environ is None else environ
    values = {}
    for s in SETTINGS:
        raw = environ.get(s.env)
        values[s.name] = s.default if raw in (None, "") else s.parse(raw)
    return values
