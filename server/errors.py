"""One error handler: every ``RolegraphError`` and HTTP error becomes the same JSON shape,
``{"error": {"code", "message", "details"}}``."""
from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from rolegraph.core.errors import RolegraphError


def register(app: Flask) -> None:
    @app.errorhandler(RolegraphError)
    def _ours(error: RolegraphError):
        return jsonify(error.to_dict()), error.http_status, error.headers

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        body = {"error": {"code": error.name.lower().replace(" ", "-"), "message": error.description, "details": {}}}
        headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
        return jsonify(body), error.code, headers  # such as the Allow of a 405
