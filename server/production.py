"""The production server: granian (HTTP parsing, connections and keep-alive in Rust) running the
Flask app through WSGI in one process with ``threads`` request threads.

granian hands the app a decoded path and no raw request URI: an encoded slash in a path arrives
as a slash (``/id/a%2Fb`` names ``/id/a/b``); paths are only ever looked up in the store, never
as files, and ``..`` segments are refused either way.

With the ``pool`` evaluation one front process is enough: answers of the published generation are
replayed from memory by ``rolegraph.server.cache.ResponseCache`` and new queries run in the query worker
processes, so the front process mostly waits. With ``prefork`` there are ``query_workers`` HTTP worker
processes, each evaluating its own queries (``rolegraph.server.inprocess``); the main process is their
supervisor: a worker that asks (a query past the time limit, too much memory) is replaced gracefully: it
answers ``Connection: close`` from then on, a fresh one starts, and ``DRAIN`` seconds later the old one
stops accepting, finishes the requests it holds and exits. They share one
listening socket, so a connection waiting to be accepted meanwhile is taken by another worker.
granian restarts a worker process that dies.

With ``pin_workers`` and at least as many prefork workers as CPUs, each worker process runs on one CPU of its
own (round-robin, a replacement on its predecessor's): its threads (granian's, the request threads, evaluator
threads where a query is handed off) pass the GIL between them at every request, which costs less CPU when they
share a core (no cross-CPU wake-up; BENCHMARKS.md, "Queries on the request thread, workers pinned to CPUs").
With fewer workers than CPUs nothing is pinned, so that one process's threads may still use every CPU. A pinned
worker cannot leave a CPU another process keeps busy: on a shared host, ``pin_workers`` off.

In a prefork worker, granian runs the app through ``wsgi_runner``, which lets a query past the time limit on a
request thread be answered 503 from the executor's watchdog (``rolegraph.server.inprocess``).
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import socket
import struct
import sys
import threading
import time
from functools import partial

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server

#: Our request log (``rolegraph.server``) on standard error, one line per request.
LOG_FORMAT = "%(asctime)s %(name)s %(message)s"
#: Seconds between starting a prefork worker's replacement and stopping it (``Draining``).
DRAIN = 2.0
#: Stack of a prefork worker's request threads, on which its queries are evaluated (as an evaluator thread's);
#: untouched stack costs address space, not memory.
REQUEST_STACK = 16 << 20


def request_stack() -> int:
    """The stack of the request threads granian starts in this process: ``RUST_MIN_STACK``, or Rust's 2 MiB."""
    try:
        return int(os.environ.get("RUST_MIN_STACK", ""))
    except ValueError:
        return 2 << 20


def load_app(settings: dict, supervisor: str | None, target: str):
    """Build the app inside a server process (called by granian with its ``target`` name); ``supervisor``
    is the address a prefork worker sends its replacement request to."""
    from . import create_app
    from .executor import MAIN_STACK_RESERVE
    from .inprocess import InProcessExecutor

    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # A record per request: skip what our format never shows (the caller's frame, thread and process
    # names), which costs more than replaying a cached answer (the logging HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    app = create_app(settings, replace=None if supervisor is None else partial(ask_replacement, supervisor))
    # What the process has built so far lives as long as it does: out of the collector's sight, a full
    # collection walks only what requests make, and no request waits on a walk of the whole app.
    gc.collect()
    gc.freeze()
    # The request log laid out as LOG_FORMAT, written straight to standard error (``RequestLog.direct``).
    sys.stderr.flush()
    app.extensions["rolegraph.requests"].direct(sys.stderr.fileno())
    # granian copies the process environment into every WSGI environ: the token, once read into
    # the settings, must not travel with each request.
    os.environ.pop("ROLEGRAPH_UPDATE_TOKEN", None)
    executor = app.extensions["rolegraph.executor"]
    if not isinstance(executor, InProcessExecutor):
        return app
    # granian builds its WSGI runner after this returns, from this name: ours lets a query run on the request
    # thread (inprocess.EARLY_ANSWER). Should granian stop reading it, queries take the hand-off, as before.
    import granian.server.mp

    granian.server.mp._wsgi_call_wrap = partial(wsgi_runner, app, executor)
    executor.inline_stack = request_stack() - MAIN_STACK_RESERVE
    return Draining(app, executor)


class Draining:
    """The app of a prefork worker, whose answers say ``Connection: close`` once the worker has asked to be
    replaced: its clients' next requests open connections that a live worker accepts, while the supervisor
    waits ``DRAIN`` seconds before it stops this one (an idle connection closed then is the ordinary
    keep-alive race, which clients retry)."""

    def __init__(self, app, executor) -> None:
        self.app, self.executor = app, executor

    def __call__(self, environ, start_response):
        if self.executor.condemned is None:
            return self.app(environ, start_response)

        def closing(status, headers, exc_info=None):
            return start_response(status, [*headers, ("Connection", "close")], exc_info)

        return self.app(environ, closing)


class _Start:
    """The ``start_response`` of one request: its status code and headers."""

    __slots__ = ("code", "headers")

    def __init__(self) -> None:
        self.code, self.headers = 200, []

    def __call__(self, status: str, headers: list, exc_info=None) -> None:
        self.code, self.headers = int(status.split(" ", 1)[0]), headers


class _Once:
    """One request's answer, sent once: by the request thread, or earlier by the watchdog (an error)."""

    __slots__ = ("proto", "lock", "sent")

    def __init__(self, proto) -> None:
        self.proto, self.lock, self.sent = proto, threading.Lock(), False

    def claim(self) -> bool:
        with self.lock:
            claimed, self.sent = not self.sent, True
        return claimed


def wsgi_runner(flask_app, executor, callback, scope_opts: dict, access_log_fmt=None):
    """What granian calls for each request in a prefork worker (in place of ``granian.wsgi._callback_wrapper``,
    whose environ it builds alike): ``callback`` run with ``inprocess.EARLY_ANSWER`` set, so that a query past
    the limit on this request's thread is answered 503 by the executor's watchdog (the error shape of
    ``flask_app``), and what the thread answers afterwards is dropped. An answer the answer cache keeps is
    replayed first, without the app (``ResponseCache.hit``)."""
    from granian.wsgi import ResponseIterWrap, _callback_wrapper

    from .inprocess import EARLY_ANSWER

    if access_log_fmt:  # granian's access log (never configured here): granian's own runner
        return _callback_wrapper(callback, scope_opts, access_log_fmt)
    prefix = scope_opts.get("url_path_prefix") or ""
    basic = {**os.environ, "GATEWAY_INTERFACE": "CGI/1.1", "SCRIPT_NAME": prefix, "SERVER_SOFTWARE": "Granian",
             "wsgi.errors": sys.stderr, "wsgi.input_terminated": True, "wsgi.multiprocess": False,
             "wsgi.multithread": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}
    requests = flask_app.extensions["rolegraph.requests"]
    responses = flask_app.extensions["rolegraph.responses"]
    replaying = responses.cache.enabled

    def early(environ: dict, once: _Once, started: float, error) -> None:
        with flask_app.request_context(environ):
            response = flask_app.finalize_request(flask_app.handle_user_exception(error))
        headers = [*response.headers.items()]
        if executor.condemned is not None:
            headers.append(("Connection", "close"))
        if once.claim():
            once.proto.response_bytes(response.status_code, headers, response.get_data())
            requests(environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", ""), str(response.status_code),
                     started)

    def run(proto, scope):
        environ = basic | scope
        if prefix:
            environ["PATH_INFO"] = scope["PATH_INFO"][len(prefix):] or "/"
        if replaying:  # a kept answer goes out before any other work (the app would replay it the same way)
            kept = responses.hit(environ)
            if kept is not None:
                code, headers, data = kept
                if executor.condemned is not None:  # as Draining says it
                    headers = [*headers, ("Connection", "close")]
                proto.response_bytes(code, headers, data)
                return code
        once, start = _Once(proto), _Start()
        token = EARLY_ANSWER.set(partial(early, environ, once, time.perf_counter()))
        try:
            body = callback(environ, start)
        finally:
            EARLY_ANSWER.reset(token)
        if not once.claim():  # answered 503 at the limit already
            if hasattr(body, "close"):
                body.close()
        elif isinstance(body, list):
            proto.response_bytes(start.code, start.headers, b"".join(body))
        else:
            proto.response_iter(start.code, start.headers, ResponseIterWrap(body))
        return start.code

    return run


def ask_replacement(supervisor: str) -> None:
    """Ask the supervisor at ``supervisor`` to replace this worker process gracefully (the kernel tells it
    which process asks)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"replace", supervisor)


def serve(settings: dict, host: str, port: int, threads: int) -> None:
    """Serve ``create_app(settings)`` on ``host:port`` until interrupted."""
    # The server process starts afresh rather than forked: a process forked after this one opened
    # the store inherits RocksDB's state without its threads, and its first write would hang.
    multiprocessing.set_start_method("spawn", force=True)
    server = configured(settings, host, port, threads)
    supervisor = server.accept_replacements() if is_prefork(settings) else None
    server.serve(target_loader=partial(load_app, settings, supervisor))


def is_prefork(settings: dict) -> bool:
    """Whether ``settings`` serve with prefork evaluation (an external store always takes the one process)."""
    return settings.get("evaluation") == "prefork" and not settings.get("backend")


def configured(settings: dict, host: str, port: int, threads: int) -> Supervisor:
    """The granian server laid out as ``serve`` runs it for ``settings`` (worker processes, request threads,
    pinning, the request threads' stack), not started: what the benchmarks' bare route serves with too."""
    prefork = is_prefork(settings)
    # A replaced worker finishes the requests it holds, each within the time limit, before it is killed.
    workers = int(settings["query_workers"]) if prefork else 1
    server = http_server(host, port, threads, workers=workers, grace=int(settings["query_timeout"]) + 5)
    if prefork and settings["pin_workers"]:
        server.cpus = cpus_to_pin(workers)
    if prefork:  # granian's request threads are Rust threads, whose stack this sets: queries run on them
        os.environ["RUST_MIN_STACK"] = str(max(request_stack(), REQUEST_STACK))
    return server


def http_server(host: str, port: int, threads: int, workers: int = 1, grace: int = 30) -> Supervisor:
    """The granian server as production runs it (``workers`` processes of ``threads`` request threads each, a
    worker given ``grace`` seconds to stop), not started; ``.serve(target_loader=...)`` runs it (``configured``
    lays it out for a server's settings)."""
    return Supervisor("rolegraph", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                      blocking_threads=threads, backlog=1024, log_level=LogLevels.error, respawn_failed_workers=True,
                      workers_kill_timeout=grace)


def cpus_to_pin(workers: int) -> list[int]:
    """The CPUs this process may run on, one per worker process in turn, when there are at least ``workers``
    of them; none (nothing pinned) when fewer workers than CPUs would leave some unused."""
    cpus = sorted(os.sched_getaffinity(0))
    return cpus if workers >= len(cpus) > 1 else []


def on_cpu(cpu: int, loader):
    """``loader()`` in a worker process whose threads, those running and those it starts later, all run on
    ``cpu`` only (a thread inherits its creator's affinity)."""
    try:
        for task in os.listdir("/proc/self/task"):
            os.sched_setaffinity(int(task), {cpu})
    except OSError as exc:  # the CPU went away, or a policy forbids it: serve unpinned
        logging.getLogger("rolegraph.server").warning("worker %d not pinned to CPU %d: %s", os.getpid(), cpu, exc)
    return loader()


class Supervisor(Server):
    """granian's server, which also replaces gracefully a worker process that asks for it (``ask_replacement``
    on the address ``accept_replacements`` returns): granian's own graceful respawn, the one it uses for a
    worker past its lifetime, run from its main loop as its memory check is; with ``cpus`` set, worker ``i``
    (and its replacements) runs on ``cpus[i % len(cpus)]`` alone (``on_cpu``)."""

    cpus: list[int] = []

    def _spawn_worker(self, idx, target, callback_loader, **kwargs):
        if self.cpus:
            callback_loader = partial(on_cpu, self.cpus[idx % len(self.cpus)], callback_loader)
        return super()._spawn_worker(idx=idx, target=target, callback_loader=callback_loader, **kwargs)

    def accept_replacements(self) -> str:
        """Start listening for replacement requests; the address to send them to (Linux's abstract namespace)."""
        self._asked: set[int] = set()
        self._asked_lock = threading.Lock()
        address = f"\0rolegraph-supervisor-{os.getpid()}-{id(self)}"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(address)
        threading.Thread(target=self._listen, args=(listener,), name="rolegraph-supervisor", daemon=True).start()
        return address

    def _listen(self, listener: socket.socket) -> None:
        # The kernel attaches the sender's own pid to each message: a process can ask for itself only (an
        # abstract address has no file permissions, so the payload alone could name any worker).
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        size = struct.calcsize("3i")
        while True:
            _data, ancillary, _flags, _address = listener.recvmsg(64, socket.CMSG_SPACE(size))
            pid = next((struct.unpack("3i", payload[:size])[0] for level, kind, payload in ancillary
                        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS), None)
            if pid is None:
                continue
            with self._asked_lock:
                self._asked.add(pid)
            self.rss_signal = True  # what makes granian's main loop call _handle_rss_signal
            self.main_loop_interrupt.set()

    def _handle_rss_signal(self, spawn_target, target_loader):
        asked: set[int] = set()
        if hasattr(self, "_asked"):
            with self._asked_lock:
                asked, self._asked = self._asked, set()
        for worker in list(self.wrks):
            if worker._id() in asked:
                logging.getLogger("rolegraph.server").warning("replacing worker %d, as it asked", worker._id())
                self._respawn_workers([worker.idx], spawn_target, target_loader, delay=DRAIN)
                # Asked for, not a crash: granian's crash-loop guard (a worker respawned twice within
                # seconds stops the server) must not count it.
                self.respawned_wrks.pop(worker.idx, None)
        if self.workers_rss is not None:
            super()._handle_rss_signal(spawn_target, target_loader)

    def _watch_workers_rss(self):
        if self.workers_rss is not None:  # else the memory check stays off, as configured
            super()._watch_workers_rss()
