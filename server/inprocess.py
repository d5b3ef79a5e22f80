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
passes ``max_rss_mb`` after an answer (read at most every ``MEMORY_EVERY`` s) is replaced the same graceful way; freed memory is handed back
to the system (``executor.release_free_memory``) by a housekeeping thread while no query runs.

The hand-off costs more than a small query (two thread wake-ups and two passes of the GIL per query). Where
the request can be answered from another thread (``EARLY_ANSWER``: the production server's WSGI runner sets
it) and a thread's priority can be given back (root, ``CAP_SYS_NICE`` or an ``RLIMIT_NICE`` that allows it),
a query that fits the request thread's stack (``inline_stack``, which the server sets) is evaluated on the
request thread itself, and a watchdog thread does what the waiting thread did: it lowers the priority of a query past ``SLOW_AFTER`` (given back
after the answer), and at the time limit answers 503 through ``EARLY_ANSWER`` and asks for the replacement;
the request thread's own answer, if it ever comes, is dropped.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from contextvars import ContextVar

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
#: How the current request can be answered at once with an error, from any thread, when the server offers it:
#: a callable taking the error (``rolegraph.server.production.wsgi_runner`` sets it per request).
EARLY_ANSWER: ContextVar = ContextVar("rolegraph_early_answer", default=None)
#: Seconds between two looks of the watchdog at the queries running on request threads.
WATCH_EVERY = 0.05
#: Seconds between two readings of this process's resident memory after answers: a reading is a system call,
#: which gives up the GIL and, with eight request threads waiting for it, costs a context switch or more.
MEMORY_EVERY = 0.05


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


class _Inline:
    """A query running on a request thread: when it started, on which thread, how to answer it early."""

    __slots__ = ("started", "tid", "early", "lowered", "late")

    def __init__(self, started: float, tid: int, early) -> None:
        self.started, self.tid, self.early = started, tid, early
        self.lowered = self.late = False


def _lower(tid: int, nice: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, tid, nice)  # a thread id: that thread alone, on Linux
    except OSError:
        pass


def _priority_can_be_given_back() -> bool:
    """Whether a thread of this process may lower its priority and raise it back (tried on a thread of its own)."""
    outcome: list[bool] = []

    def probe() -> None:
        tid = threading.get_native_id()
        try:
            nice = os.getpriority(os.PRIO_PROCESS, tid)
            if nice >= 19:
                outcome.append(False)
                return
            os.setpriority(os.PRIO_PROCESS, tid, nice + 1)
            os.setpriority(os.PRIO_PROCESS, tid, nice)
            outcome.append(True)
        except (OSError, AttributeError):
            outcome.append(False)

    thread = threading.Thread(target=probe, name="rolegraph-probe")
    thread.start()
    thread.join()
    return outcome == [True]


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
        self._memory_due = 0.0  # when (monotonic) the resident memory is next read after an answer
        self._nice = os.getpriority(os.PRIO_PROCESS, 0)
        self.inline = _priority_can_be_given_back()  # else every query takes the hand-off
        self._inline: dict[int, _Inline] = {}  # queries on request threads, by id of their entry
        #: Stack (``stack_needed``) a query may take on a request thread; 0 until the server says what they have.
        self.inline_stack = 0
        threading.Thread(target=self._housekeeping, name="rolegraph-housekeeping", daemon=True).start()
        if self.inline:
            threading.Thread(target=self._watch, name="rolegraph-watchdog", daemon=True).start()

    def run(self, job: Job) -> Result:
        """Evaluate ``job`` on this request's thread (see the module's docstring) or an evaluator thread."""
        early = EARLY_ANSWER.get()
        if early is not None and self.inline and stack_needed(job.query) <= self.inline_stack:
            return self._run_inline(job, early)
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
                    raise self._timeout_error()
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

    def _run_inline(self, job: Job, early) -> Result:
        entry = _Inline(time.monotonic(), threading.get_native_id(), early)
        with self._lock:
            self._running += 1
            self._inline[id(entry)] = entry
        try:
            status, payload = _answer(self.store, job)
        finally:
            with self._lock:
                self._running -= 1
                self._answered += 1
                del self._inline[id(entry)]
            if entry.lowered and not entry.late:
                try:
                    os.setpriority(os.PRIO_PROCESS, entry.tid, self._nice)
                except OSError as exc:  # not expected after the probe: from now on, hand every query off
                    self.inline = False
                    log.warning("worker %d cannot give a thread its priority back (%s); queries now go to "
                                "evaluator threads", os.getpid(), exc)
                    self._condemn("a request thread kept a lowered priority")
        if self._too_big():
            self._condemn(f"its resident memory passed {self.max_rss_mb:g} MB")
        if status == "error":
            raise payload
        return payload  # after a 503 at the limit, dropped by the server

    def _watch(self) -> None:
        """Lower the queries on request threads past ``SLOW_AFTER``; answer 503 to those past the limit."""
        while not self._closed.wait(WATCH_EVERY):
            now, late = time.monotonic(), []
            with self._lock:
                for entry in self._inline.values():
                    if entry.late:
                        continue
                    if now - entry.started >= self.timeout:
                        entry.late = True
                        _lower(entry.tid, RUNAWAY_NICE)  # it runs on until this process exits
                        late.append(entry)
                    elif now - entry.started >= SLOW_AFTER and not entry.lowered:
                        entry.lowered = True
                        _lower(entry.tid, SLOW_NICE)
            for entry in late:
                self._condemn(f"a query ran past the {self.timeout:g} s limit")
                try:
                    entry.early(self._timeout_error())
                except Exception:  # noqa: BLE001 — the watchdog must go on for the other queries
                    log.exception("worker %d could not answer a query past the limit", os.getpid())

    def _timeout_error(self) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                            "narrow it (LIMIT, more specific patterns) or ask for less", seconds=self.timeout)

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
        """Whether the resident memory passed ``max_rss_mb``, read at most every ``MEMORY_EVERY`` s (the first
        answer's is read)."""
        if self.max_rss_mb <= 0:
            return False
        now = time.monotonic()
        if now < self._memory_due:
            return False
        self._memory_due = now + MEMORY_EVERY
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
