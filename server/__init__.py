"""The Flask application that serves the published store: SPARQL, named queries, health, linked data
(/id/…), exports, the VoID description and pages for people.

``create_app(config)`` opens nothing at import time; the store is opened once per process on the
first request and followed across new builds (see ``rolegraph.store.StoreReader``).
"""
from __future__ import annotations

import logging
import time

from flask import Flask, g, request

from rolegraph.settings import defaults
from rolegraph.store import StoreReader

from . import api, errors, export, html, linked_data, pages, sparql, void


def create_app(config: dict | None = None) -> Flask:
    """Build the app. ``config`` keys are the setting names of ``rolegraph.settings`` (``store``,
    ``base_iri``, ``query_timeout``, ``max_rows``, ``update_token``, ``allow_service``)."""
    app = Flask(__name__)
    settings = defaults()
    settings.update(config or {})
    app.config["ROLEGRAPH"] = settings
    app.config["TESTING"] = bool(settings.get("testing", False))
    app.extensions["rolegraph.store"] = StoreReader(settings["store"])
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(api.blueprint)
    html.register(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(export.blueprint)
    app.register_blueprint(void.blueprint)
    linked_data.register(app)
    _request_log(app)
    return app


def _request_log(app: Flask) -> None:
    log = logging.getLogger("rolegraph.server")

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, elapsed)
        return response
