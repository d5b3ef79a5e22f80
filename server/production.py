"""The production server: granian (HTTP parsing, connections and keep-alive in Rust) running the
Flask app through WSGI in one process with ``threads`` request threads.

granian hands the app a decoded path and no raw request URI: an encoded slash in a path arrives
as a slash (``/id/a%2Fb`` names ``/id/a/b``); paths are only ever looked up in the store, never
as files, and ``..`` segments are refused either way.

One front process is enough: answers of the published generation are replayed from memory by
``rolegraph.server.cache.ResponseCache`` and new queries run in the query worker processes, so the front
process mostly waits. granian restarts the front process if it dies.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from functools import partial

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

#: Our request log (``rolegraph.server``) on standard error, one line per request.
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"


def load_app(settings: dict, target: str):
    """Build the app inside the server process (called by granian with its ``target`` name)."""
    from . import create_app

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # A record per request: skip what our format never shows (the caller's frame, thread and process
    # names), which costs more than replaying a cached answer (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    app = create_app(settings)
    # granian copies the process environment into every WSGI environ: the token, once read into
    # the settings, must not travel with each request.
    os.environ.pop("ROLEGRAPH_UPDATE_TOKEN", None)
    return app


def serve(settings: dict, host: str, port: int, threads: int) -> None:
    """Serve ``create_app(settings)`` on ``host:port`` until interrupted."""
    # The server process starts afresh rather than forked: a process forked after this one opened
    # the store inherits RocksDB's state without its threads, and its first write would hang.
    multiprocessing.set_start_method("spawn", force=True)
    http_server(host, port, threads).serve(target_loader=partial(load_app, settings))


def http_server(host: str, port: int, threads: int) -> Server:
    """The granian server as production runs it (one front process, ``threads`` request threads), not
    started; ``.serve(target_loader=...)`` runs it. The benchmarks serve a bare WSGI app with the same."""
    return Server("rolegraph", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                  blocking_threads=threads, backlog=1024, log_level=LogLevels.error, respawn_failed_workers=True)
