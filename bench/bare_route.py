"""A bare route on our production HTTP server: every request answered with the same fixed body. The limit of a
Python stack on this machine, which the benchmarks measure beside the endpoint.

The server is laid out as ``rolegraph serve --production`` lays it out for the same settings
(``rolegraph.server.production.configured``: prefork's worker processes, their request threads, pinned to
CPUs or not, the same request-thread stack), read from the environment as ``serve`` reads them
(``ROLEGRAPH_QUERY_WORKERS``, ``ROLEGRAPH_PIN_WORKERS``, ``ROLEGRAPH_EVALUATION`` …), so that a ratio to it
compares our app with the HTTP server it runs on, and nothing else: one unpinned process (what this
served before) answered between 39,000 and 76,000 req/s at 8 clients on this machine, two pinned ones
fewer (BENCHMARKS.md, "The bare route").

    python bench/bare_route.py --port PORT [--threads 8] [--workers N]
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
    parser.add_argument("--threads", type=int, default=8, help="request threads per worker (serve's --threads)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (serve's --workers)")
    args = parser.parse_args()
    import multiprocessing

    from rolegraph.core.settings import defaults
    from rolegraph.server.production import configured

    settings = defaults()
    if args.workers is not None:
        settings["query_workers"] = args.workers
    multiprocessing.set_start_method("spawn", force=True)  # as serve starts its workers
    configured(settings, args.host, args.port, args.threads).serve(target_loader=partial(_load))


if __name__ == "__main__":
    main()
