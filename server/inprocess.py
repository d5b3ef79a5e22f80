"""Prefork evaluation: each HTTP worker process of the production server evaluates its queries itself,
on the store it opened read-only, with no pickle-and-pipe round trip to a query process.

pyoxigraph releases the GIL while it evaluates, so the request threads of one process evaluate at
once. A WSGI request is answered only when its thread returns, and a thread inside pyoxigraph cannot
be stopped: so each request thread hands its query to an evaluator thread of its own (kept between
queries; the hand-off costs two lock operations) and waits for the answer up to the time limit. A
query that passes the limit is answered 503 (``QueryTimeout``) by the waiting thread at once; its
evaluator thread, which cannot be stopped, drops to nice ``RUNAWAY_NICE`` and the process asks the
supervisor (``rolegraph.server.production``) to replace it: a fresh process starts, this one stops
accepting connections, finishes the requests it holds and exits, and the runaway ends with it. The
other processes answer meanwhile.

As in the pool, a query still running after ``executor.SLOW_AFTER`` seconds drops to nice
``executor.SLOW_NICE`` (its thread only: Linux gives each thread its own priority) so that short
queries get the CPU first; an unprivileged thread cannot raise its priority back, so that evaluator
thread ends after its answer and the next query starts a fresh one. A process whose resident memory
passes ``max_rss_mb`` after an answer is replaced the same graceful way; freed memory is handed back
to the system (``executor.release_free_memory``) by a housekeeping thread while no query runs.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from rolegraph.core.errors import QueryError, QueryTimeout
from rolegraph.core.store import Store

from .executor import (MAIN_STACK_RESERVE, MIN_STACK, SLOW_AFTER, SLOW_NICE, TRIM_EVERY, Job, ResidentMemory, Result,
                       _answer, on_own_stack, release_free_memory, stack_needed)

log = logging.getLogger("rolegraph.server")

#: Nice value of a thread whose query passed the time limit, until its process exits.
RUNAWAY_NICE = 19
#: Stack of an evaluator thread; a query needing more runs on a thread sized for it (``on_own_stack``).
EVALUATOR_STACK = MIN_STACK
#: Under steady load (never idle), freed memory is still handed back at least this often (seconds).
TRIM_UNDER_LOAD = 5 * TRIM_EVERY


class _Evaluator:
    """A thread that evaluates the queries handed to it one at a time: ``submit`` then ``wait``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.job: Job | None = None
        self.outcome: tuple | None = None
        self.tid: int | None = None
        self.lowered = False
        self._wake = threading.Lock()
        self._wake.acquire()
        self._done = threading.Lock()
        self._done.acquire()
        thread = threading.Thread(target=self._loop, name="rolegraph-evaluate", daemon=True)
        previous = threading.stack_size(EVALUATOR_STACK)  # applies to threads started meanwhile: only this one
        try:
            thread.start()
        finally:
            threading.stack_size(previous)

    def _loop(self) -> None:
        self.tid = threading.get_native_id()
        budget = EVALUATOR_STACK - MAIN_STACK_RESERVE
        while True:
            self._wake.acquire()
            job = self.job
            if job is None:
                return
            try:
                if stack_needed(job.query) <= budget:
                    outcome = _answer(self.store, job)
                else:
                    outcome = on_own_stack(job.query, lambda: _answer(self.store, job))
            except QueryError as exc:  # no stack for it: the thread must still answer, or it would look a runaway
                outcome = ("error", exc)
            self.outcome, self.job = outcome, None
            del job, outcome
            self._done.release()

    def submit(self, job: Job) -> None:
        self.job = job
        self._wake.release()

    def wait(self, seconds: float) -> bool:
        """Whether the answer arrived within ``seconds``."""
        return self._done.acquire(timeout=max(0.0, seconds))

    def lower(self, nice: int) -> None:
        """Lower this thread's CPU priority to ``nice`` (never raised again: the thread ends instead)."""
        self.lowered = True
        try:
            os.setpriority(os.PRIO_PROCESS, self.tid, nice)  # a thread id: that thread alone, on Linux
        except (OSError, TypeError):
            pass

    def stop(self) -> None:
        self.job = None
        self._wake.release()


class InProcessExecutor:
    """Queries evaluated in this process on ``store`` (what ``open_store`` returns), each limited to
    ``timeout`` seconds; ``replace()`` asks the supervisor to replace this process gracefully (after a
    runaway, or past ``max_rss_mb`` of resident memory; 0: no limit). The ``Executor`` contract:
    ``run(job)`` is thread-safe and raises ``QueryTimeout`` or the job's own error; ``close()``."""

    def __init__(self, store: Store, timeout: float, replace, max_rss_mb: float = 0) -> None:
        self.store = store
        self.timeout = float(timeout)
        self.max_rss_mb = float(max_rss_mb)
        self._replace = replace
        self.condemned: str | None = None  # why this process asked to be replaced
        self._idle: list[_Evaluator] = []
        self._lock = threading.Lock()
        self._running = 0
        self._answered = 0  # answers since memory was last handed back
        self._closed = threading.Event()
        self._memory = ResidentMemory()
        threading.Thread(target=self._housekeeping, name="rolegraph-housekeeping", daemon=True).start()

    def run(self, job: Job) -> Result:
        """Evaluate ``job`` on an evaluator thread of this process."""
        evaluator = self._take()
        with self._lock:
            self._running += 1
        try:
            evaluator.submit(job)
            if not evaluator.wait(min(SLOW_AFTER, self.timeout)):
                evaluator.lower(SLOW_NICE)
                if not evaluator.wait(self.timeout - SLOW_AFTER):
                    evaluator.lower(RUNAWAY_NICE)  # it is never handed back: it ends with this process
                    self._condemn(f"a query ran past the {self.timeout:g} s limit")
                    raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                                       "narrow it (LIMIT, more specific patterns) or ask for less",
                                       seconds=self.timeout)
        finally:
            with self._lock:
                self._running -= 1
        status, payload = evaluator.outcome
        evaluator.outcome = None
        if evaluator.lowered:
            evaluator.stop()
        else:
            with self._lock:
                self._idle.append(evaluator)
                self._answered += 1
        if self._too_big():
            self._condemn(f"its resident memory passed {self.max_rss_mb:g} MB")
        if status == "error":
            raise payload
        return payload

    def _take(self) -> _Evaluator:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Evaluator(self.store)

    def _condemn(self, reason: str) -> None:
        with self._lock:
            if self.condemned is not None:
                return
            self.condemned = reason
        log.warning("worker %d asks to be replaced: %s", os.getpid(), reason)
        self._replace()

    def _too_big(self) -> bool:
        if self.max_rss_mb <= 0:
            return False
        resident = self._memory.mb()
        return resident is not None and resident > self.max_rss_mb

    def _housekeeping(self) -> None:
        """Hand freed memory back when no query runs and some were answered since (at most every
        ``TRIM_EVERY`` s), or every ``TRIM_UNDER_LOAD`` s under steady load."""
        trimmed = time.monotonic()
        while not self._closed.wait(TRIM_EVERY):
            with self._lock:
                idle, answered = self._running == 0, self._answered
            if answered and (idle or time.monotonic() - trimmed >= TRIM_UNDER_LOAD):
                release_free_memory()
                trimmed = time.monotonic()
                with self._lock:
                    self._answered = 0

    @property
    def pids(self) -> list[int]:
        """This process: the one that evaluates."""
        return [os.getpid()]

    def close(self) -> None:
        """Stop the idle evaluator threads and the housekeeping (a running query ends with the process)."""
        self._closed.set()
        with self._lock:
            idle, self._idle = self._idle, []
        for evaluator in idle:
            evaluator.stop()
