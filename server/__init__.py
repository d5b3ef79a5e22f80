"""The Flask application that serves the published store: SPARQL, named queries, health, linked data
(/id/…), exports, the VoID description and pages for people.

``create_app(config)`` opens nothing at import time; the store is opened once per process on the
first request and followed across new builds (see ``rolegraph.core.store.Store``).
"""
from __future__ import annotations

import logging

from flask import Flask, request
from werkzeug.exceptions import RequestURITooLarge

from rolegraph.core.settings import defaults
from rolegraph.core.store import open_store

from . import api, errors, export, graph_store, html, i18n, linked_data, ontology, pages, reconcile, sparql, void
from .cache import ResponseCache
from .executor import Executor
from .fastpath import QueryFastPath
from .inprocess import InProcessExecutor
from .requestlog import RequestLog


def create_app(config: dict | None = None, replace=None) -> Flask:
    """Build the app. ``config`` keys are the setting names of ``rolegraph.core.settings`` (``store``,
    ``base_iri``, ``query_timeout``, ``max_rows``, ``update_token``, ``allow_service``,
    ``query_workers``, ``max_worker_rss_mb``, ``max_request_bytes``, ``result_cache_mb``, ``backend``:
    an external SPARQL store to serve from instead of the embedded one, ``evaluation``). Query
    worker processes start on the first query; ``app.extensions["rolegraph.executor"].close()``
    stops them. ``replace``, given by the production server's supervisor to each of its worker
    processes, asks for this process to be replaced gracefully: with it and ``evaluation`` prefork,
    queries are evaluated in this process (``rolegraph.server.inprocess``) instead of the pool."""
    app = Flask(__name__)
    settings = defaults()
    settings.update(config or {})
    app.config["ROLEGRAPH"] = settings
    app.config["TESTING"] = bool(settings.get("testing", False))
    store = app.extensions["rolegraph.store"] = open_store(settings)
    if settings.get("backend"):  # an external SPARQL store: queries go to it over HTTP (server/remote.py)
        from .remote import RemoteExecutor

        app.extensions["rolegraph.executor"] = RemoteExecutor(store, settings["query_timeout"])
    elif settings["evaluation"] == "prefork" and replace is not None:
        app.extensions["rolegraph.executor"] = InProcessExecutor(store, settings["query_timeout"], replace,
                                                                 settings["max_worker_rss_mb"])
    else:
        app.extensions["rolegraph.executor"] = Executor(store.location, settings["query_workers"],
                                                        settings["query_timeout"], settings["max_worker_rss_mb"])
    # A path with "//" (or an encoded slash the HTTP server decoded) is not one of ours: 404, not a redirect.
    app.url_map.merge_slashes = False
    _request_limits(app, settings["max_request_bytes"])
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    html.register(app)
    i18n.register(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(export.blueprint)
    app.register_blueprint(graph_store.blueprint)
    app.register_blueprint(void.blueprint)
    app.register_blueprint(ontology.blueprint)
    app.register_blueprint(reconcile.blueprint)
    linked_data.register(app)
    # Plain query requests skip Flask; outermost, the cache replays answers of the published generation
    # and logs every request.
    requests = app.extensions["rolegraph.requests"] = RequestLog(logging.getLogger("rolegraph.server"))
    app.wsgi_app = app.extensions["rolegraph.responses"] = ResponseCache(
        QueryFastPath(app, app.wsgi_app), store, int(settings["result_cache_mb"] * 1e6), settings["max_request_bytes"],
        requests)
    return app


def _request_limits(app: Flask, max_bytes: int) -> None:
    """Bodies beyond ``max_bytes`` are refused with 413, query strings of that size with 414."""
    app.config["MAX_CONTENT_LENGTH"] = max_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = max_bytes

    @app.before_request
    def _query_string() -> None:
        if len(request.query_string) > max_bytes:
            raise RequestURITooLarge(f"the query string is longer than {max_bytes} bytes; POST the query instead")
