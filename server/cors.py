"""Cross-origin reads: the answers of the SPARQL endpoint, the named-query API, the linked data, the VoID
description and the exports may be used by browser-based clients on other origins (no cookies are ever
read, so any origin may). Pages for people are not shared."""
from __future__ import annotations

from flask import Blueprint, Response

#: Request headers a cross-origin client may send (its preflight asks for them): what SPARQL clients
#: send (X-Requested-With by jQuery-based ones), the bearer token of an update, and cache revalidation.
ALLOWED_HEADERS = ("Accept", "Accept-Language", "Authorization", "Content-Type", "If-None-Match", "X-Requested-With")
#: Response headers a cross-origin client may read besides the always-safe ones.
EXPOSED_HEADERS = ("ETag", "Retry-After", "WWW-Authenticate")
#: Seconds a browser may keep a preflight's answer.
MAX_AGE = 600


def allow(blueprint: Blueprint, expose: tuple[str, ...] = ()) -> None:
    """Answer every request of ``blueprint`` with the CORS headers (``expose``: its own extra headers)."""

    fixed = headers(expose)

    @blueprint.after_request
    def _headers(response: Response) -> Response:
        for name, value in fixed:
            response.headers[name] = value
        return response


def headers(expose: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The CORS response headers (``expose``: extra headers a client may read)."""
    return [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", ", ".join(ALLOWED_HEADERS)),
            ("Access-Control-Expose-Headers", ", ".join((*expose, *EXPOSED_HEADERS))),
            ("Access-Control-Max-Age", str(MAX_AGE))]
