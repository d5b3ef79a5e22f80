"""A bare route on our production HTTP server (``rolegraph.server.production.http_server``): every request
answered with the same fixed body. The limit of a Python stack on this machine, which the benchmarks
measure beside the endpoint.

    python bench/bare_route.py --port PORT [--threads 8]
"""
from __future__ import annotations

import argparse
from functools import partial

#: About the size of a one-row SPARQL JSON answer.
BODY = b'{"head":{"vars":["e"]},"results":{"bindings":[]}}'
HEADERS = [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]


def _load(target: str):
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from rolegraph.server.production import http_server

    http_server(args.host, args.port, args.threads).serve(target_loader=partial(_load))


if __name__ == "__main__":
    main()
