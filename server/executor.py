"""SPARQL evaluation in a pool of worker processes, so that a query past its time limit really stops.

pyoxigraph cannot cancel a running query and a thread cannot be stopped, so each query runs in a
worker process that opens the store at the server's ``location`` and reads its published generation
(following new generations, like the server does). The worker serialises the result and sends bytes
back; when the time limit passes, the server kills the worker (SIGKILL), starts a replacement and
answers an error. A worker that dies is replaced the same way. Workers start on demand, up to the
pool size, from a ``forkserver`` (forking a threaded server is unsafe).

Oxigraph parses and evaluates recursively: a long chain (``1+1+…``, ``{} UNION {} …``) takes
about half a KiB of stack per byte of query, so a worker evaluates each query on a thread whose
stack grows with the query (``on_own_stack``) instead of the process's fixed 8 MiB, which such a
query overflows (SIGSEGV) long before its time limit; updates, applied by the server itself, do the
same. A query short enough for the worker's own main-thread stack (a few KiB: nearly all of them)
runs there, sparing the thread's start. Deep nesting is refused by ``rolegraph.server.guard``.

Memory: a worker's RocksDB caches fill as queries touch more of the store and then stay at their
bound, and the C allocator keeps the pages that evaluation freed; once an answer is sent the worker
hands those free pages back to the system (``release_free_memory``) when it is idle, and at least
once a second under steady load. A worker whose resident memory passes ``max_rss_mb`` when its
answer arrives (the last query's working memory still counted) is retired and replaced, as a bound
on whatever grows.

Fairness: a query still running after ``SLOW_AFTER`` seconds moves to the slow lane: its worker's CPU
priority drops (nice ``SLOW_NICE``) and the pool may start one more worker for the others, up to
``SLOW_LANE`` × ``workers`` slow ones at a time. Heavy queries then share the CPUs among themselves
while short ones keep their workers and get the CPU first. A slow worker gets its priority back when
its answer arrives (or, where raising a priority is not allowed, is replaced).
"""
from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import queue
import re
import resource
import signal
import threading
import time
import weakref
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from rolegraph.core import formats
from rolegraph.core.errors import Busy, QueryError, QueryTimeout, RolegraphError, WorkerCrashed
from rolegraph.core.store import Snapshot, Store, open_store

#: Stack of the thread that evaluates a query, per byte of its text (twice what chains were seen
#: to use), and at least ``MIN_STACK``; untouched stack costs address space, not memory.
STACK_PER_BYTE = 1024
MIN_STACK = 16 << 20
#: A worker gives freed memory back after an answer when no job arrives within TRIM_IDLE seconds,
#: and at least every TRIM_EVERY seconds when jobs keep coming.
TRIM_IDLE = 0.02
TRIM_EVERY = 1.0
#: Stack kept for the frames below a query evaluated on a worker's main thread.
MAIN_STACK_RESERVE = 2 << 20
#: Seconds after which a running query is in the slow lane, the nice value of its worker there, and how
#: many slow queries per worker of the pool may hold a worker of their own.
SLOW_AFTER = 0.25
SLOW_NICE = 10
SLOW_LANE = 2
#: Seconds an extra worker started for the slow lane stays after the lane last changed: starting one
#: opens the store and warms its caches again, not to be paid at every heavy query of a steady mix.
SLOW_LINGER = 5.0


def stack_needed(text: str) -> int:
    """Bytes of stack that parsing and evaluating the SPARQL ``text`` may use (``STACK_PER_BYTE``)."""
    return STACK_PER_BYTE * len(text.encode("utf-8"))


def main_stack_budget() -> int:
    """Bytes of this process's main-thread stack a query may use: its limit (8 MiB when unlimited or
    unknown) less ``MAIN_STACK_RESERVE``."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_STACK)
    limit = 8 << 20 if soft == resource.RLIM_INFINITY or soft <= 0 else soft
    return max(0, limit - MAIN_STACK_RESERVE)


@dataclass(frozen=True)
class Job:
    """One query to evaluate. With media types set the worker answers serialised bytes (each
    ``None`` when the client accepts no format for that kind of result); without, it answers terms.
    ``max_rows`` cuts solutions or triples beyond it; relative IRIs resolve against ``base_iri``."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    solutions_media: str | None = None
    graph_media: str | None = None
    serialise: bool = False
    max_rows: int | None = None
    base_iri: str | None = None


@dataclass
class Result:
    """What a worker answers. ``kind`` is ``solutions``, ``boolean`` or ``triples``; ``body`` and
    ``media`` are set for a serialised job (``body`` stays ``None`` when no accepted format fits
    the kind), ``variables``/``rows`` (tuples of terms, ``None`` when unbound), ``triples`` or
    ``boolean`` otherwise. ``generation`` names the store generation that answered."""

    kind: str
    generation: str | None
    truncated: bool = False
    body: bytes | None = None
    media: str | None = None
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None


def evaluate(store: Snapshot, job: Job, generation: str | None = None) -> Result:
    """Run ``job`` on ``store`` (the union of its graphs unless the job names graphs); what a
    worker does for each job, callable in-process too."""
    options: dict = {"use_default_graph_as_union": not job.default_graphs, "base_iri": job.base_iri}
    if job.default_graphs:
        options["default_graph"] = [_graph(iri) for iri in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [_graph(iri) for iri in job.named_graphs]
    try:
        results = store.query(job.query, **options)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", position=_position(str(exc))) from exc
    limit = None if job.max_rows is None else job.max_rows + 1
    try:
        if isinstance(results, ox.QueryBoolean):
            result = Result("boolean", generation, boolean=bool(results))
            if job.serialise and job.solutions_media:
                fmt = formats.by_media_type(job.solutions_media)
                result.body, result.media = formats.serialize_results(results, fmt), job.solutions_media
        elif isinstance(results, ox.QuerySolutions):
            result = Result("solutions", generation, variables=[v.value for v in results.variables])
            if job.serialise and not job.solutions_media:
                return result  # 406, before any evaluation work
            if job.serialise:
                fmt = formats.by_media_type(job.solutions_media)
                result.body, result.truncated = _serialised(results, fmt, job.max_rows)
                result.media = job.solutions_media
                return result
            result.rows = [tuple(s) for s in islice(results, limit)]
            result.truncated = _cut(result.rows, job.max_rows)
        else:
            result = Result("triples", generation)
            if job.serialise and not job.graph_media:
                return result
            result.triples = list(islice(results, limit))
            result.truncated = _cut(result.triples, job.max_rows)
            if job.serialise:
                body = formats.serialize_graph(result.triples, formats.by_media_type(job.graph_media))
                result.body, result.media, result.triples = body, job.graph_media, []
    except OSError as exc:  # evaluation errors surface while iterating
        raise QueryError(f"query evaluation failed: {exc}") from exc
    return result


class _Lines:
    """A binary writer that keeps the chunks written to it and stops the writer (raises ``_Full``) once they hold
    more than ``most`` lines."""

    def __init__(self, most: float) -> None:
        self.chunks: list[bytes] = []
        self.most, self.lines, self.full = most, 0, False

    def write(self, chunk) -> int:
        self.chunks.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.most:
            self.full = True
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass


class _Full(Exception):
    pass


def _serialised(results: ox.QuerySolutions, fmt: formats.Format, max_rows: int | None) -> tuple[bytes, bool]:
    """``results`` in ``fmt`` cut at ``max_rows`` solutions (``None``: all), and whether they were cut. Oxigraph writes them as TSV
    (one line per solution) up to the cap without a Python object per term; another format is written from that
    TSV, whose cells are the terms' N-Triples forms, so every format is byte for byte the Oxigraph server's."""
    writer = _Lines(math.inf if max_rows is None else max_rows + 1)  # the header line, then one line per solution
    try:
        results.serialize(writer, format=ox.QueryResultsFormat.TSV)
    except _Full:
        pass
    except Exception:
        if not writer.full:
            raise
    body = b"".join(writer.chunks)
    if writer.full:
        end = -1
        for _ in range(max_rows + 1):
            end = body.index(b"\n", end + 1)
        body = body[:end + 1]
    if fmt.oxigraph is not ox.QueryResultsFormat.TSV:
        body = formats.serialize_results(ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV), fmt)
    return body, writer.full


def _cut(items: list, max_rows: int | None) -> bool:
    """Cut ``items`` (read up to one beyond the cap) at ``max_rows``; whether anything was cut."""
    if max_rows is None or len(items) <= max_rows:
        return False
    del items[max_rows:]
    return True


def _graph(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise QueryError(f"not a graph IRI: {iri!r}") from exc


def _position(message: str) -> str | None:
    match = re.search(r"at (\d+:\d+)", message)
    return match.group(1) if match else None


def _serve(connection, location: str) -> None:
    """A worker's loop: receive a job, answer ("ok", Result) or ("error", RolegraphError); stop at EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which closes our pipe
    store = open_store(location)
    budget = main_stack_budget()
    trimmed = time.monotonic()
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            if stack_needed(job.query) <= budget:
                answer = _answer(store, job)  # this (main) thread's stack is enough
            else:
                answer = on_own_stack(job.query, lambda: _answer(store, job))
        except QueryError as exc:
            answer = ("error", exc)
        connection.send(answer)
        del answer, job  # the result's memory is free from here on
        # Give freed memory back when no job is waiting (idle for TRIM_IDLE), or at least every
        # TRIM_EVERY seconds under steady load: a trim takes ~1-2 ms, not to be paid by every query.
        if not connection.poll(TRIM_IDLE) or time.monotonic() - trimmed >= TRIM_EVERY:
            release_free_memory()
            trimmed = time.monotonic()


def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):  # not glibc
        return None


_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Return the C allocator's free pages to the system (glibc's ``malloc_trim``; nothing elsewhere);
    whether any were returned. ``free`` only gives back the top of the heap: without this a worker
    keeps the pages its large answers freed between blocks still in use."""
    return bool(_TRIM(0)) if _TRIM is not None else False


PAGE = os.sysconf("SC_PAGE_SIZE")


def on_own_stack(text: str, function):
    """``function()`` called on a thread whose stack is sized for the SPARQL ``text`` it parses
    (``STACK_PER_BYTE``); its result, or its exception raised again here."""
    outcome: list = []

    def call() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as exc:  # noqa: BLE001 — handed to the caller
            outcome.append((False, exc))

    size = max(MIN_STACK, stack_needed(text))
    thread = threading.Thread(target=call, name="rolegraph-sparql")
    # The size applies to threads started from now on, in the whole process: set it only around this one.
    previous = threading.stack_size(-(-size // (1 << 20)) << 20)  # whole MiB: some systems want page multiples
    try:
        thread.start()
    except RuntimeError as exc:  # no address space left for such a stack
        raise QueryError(f"the query is too large to evaluate here ({exc})") from exc
    finally:
        threading.stack_size(previous)
    thread.join()
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


def _answer(store: Store, job: Job) -> tuple:
    try:
        snapshot = store.open()
        return "ok", evaluate(snapshot, job, snapshot.generation)
    except RolegraphError as exc:
        return "error", exc
    except Exception as exc:  # noqa: BLE001 — whatever pyoxigraph raises becomes a query error
        return "error", QueryError(f"query evaluation failed: {type(exc).__name__}: {exc}")


class ResidentMemory:
    """A process's resident memory in MB (``pid``, or this process), re-reading its /proc statm file
    kept open: one system call per reading rather than three."""

    def __init__(self, pid: int | str = "self") -> None:
        self.path = f"/proc/{pid}/statm"
        self._fd: int | None = None

    def mb(self) -> float | None:
        """``None`` where there is no /proc."""
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY)
            return int(os.pread(self._fd, 128, 0).split()[1]) * PAGE / (1 << 20)
        except (OSError, ValueError, IndexError):
            return None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _Worker:
    def __init__(self, context, location: str) -> None:
        self.slow = False
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, location), daemon=True, name="rolegraph-query")
        self.process.start()
        child.close()
        self._memory = ResidentMemory(self.process.pid)

    def resident_mb(self) -> float | None:
        return self._memory.mb()

    def stop(self, kill: bool) -> None:
        if kill and self.process.is_alive():
            self.process.kill()  # SIGKILL: pyoxigraph gives no other way to stop a query
        self.connection.close()
        self.process.join(timeout=5)
        self._memory.close()


class Executor:
    """A pool of up to ``workers`` query processes on the store at ``location`` (what ``open_store``
    takes: each worker opens the store itself), each query limited
    to ``timeout`` seconds; a worker whose resident memory passes ``max_rss_mb`` (0: no limit) after
    an answer is replaced by a fresh one.

    ``run(job)`` is thread-safe and raises ``QueryTimeout`` (the worker is killed and replaced),
    ``Busy`` (no worker freed up within ``timeout``), ``WorkerCrashed``, or the job's own error.
    """

    def __init__(self, location: str, workers: int, timeout: float, max_rss_mb: float = 0) -> None:
        self.location = str(location)
        self.size = max(1, int(workers))
        self.timeout = float(timeout)
        self.max_rss_mb = float(max_rss_mb)
        self.recycled = 0  # workers replaced for their memory
        self.slow_lane = SLOW_LANE * self.size
        self._slow = 0  # workers evaluating a query in the slow lane
        self._waiting = 0  # requests waiting for an idle worker
        self.linger = SLOW_LINGER
        self._lane_changed = 0.0  # when a query last entered or left the slow lane (monotonic)
        self._context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has imported pyoxigraph and this module already: a
        # replacement then starts in tens of milliseconds rather than hundreds.
        self._context.set_forkserver_preload([__name__])
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        weakref.finalize(self, _shutdown, self._workers)

    def run(self, job: Job) -> Result:
        """Evaluate ``job`` in a worker."""
        worker = self._take()
        try:
            try:
                worker.connection.send(job)
            except OSError:  # died while idle: one retry on a fresh worker
                self._replace(worker)
                worker = self._take()
                worker.connection.send(job)
            started = time.monotonic()
            if not worker.connection.poll(min(SLOW_AFTER, self.timeout)):
                self._to_slow_lane(worker)
            if not worker.connection.poll(max(0.0, self.timeout - (time.monotonic() - started))):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                                   "narrow it (LIMIT, more specific patterns) or ask for less",
                                   seconds=self.timeout)
            status, payload = worker.connection.recv()
        except (EOFError, OSError) as exc:
            self._replace(worker)
            raise WorkerCrashed("the query worker stopped unexpectedly; the query was not answered") from exc
        if self._too_big(worker):
            self._replace(worker)  # idle: killing it loses nothing
            with self._lock:
                self.recycled += 1
        elif worker.slow and not self._back_from_slow_lane(worker):
            self._replace(worker)
        elif self._surplus():
            self._retire(worker)
        else:
            self._idle.put(worker)
        if status == "error":
            raise payload
        return payload

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise Busy("the query workers are shut down")
            if len(self._workers) < self.size + self._slow:
                worker = _Worker(self._context, self.location)
                self._workers.add(worker)
                return worker
            self._waiting += 1  # under the same lock: a query turning slow now sees us waiting
        try:
            return self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise Busy(f"all {self.size} query workers stayed busy for {self.timeout:g} s; try again") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _too_big(self, worker: _Worker) -> bool:
        if self.max_rss_mb <= 0:
            return False
        rss = worker.resident_mb()
        return rss is not None and rss > self.max_rss_mb

    def _to_slow_lane(self, worker: _Worker) -> None:
        """``worker``'s query has run past ``SLOW_AFTER``: lower its priority and, while the slow lane
        has room, let the pool start another worker for the other queries."""
        with self._lock:
            if self._slow >= self.slow_lane or self._closed:
                return
            self._slow += 1
            worker.slow = True
            self._lane_changed = time.monotonic()
            fresh = None
            if self._waiting:  # someone waits for a worker now: start it (else the next query does)
                fresh = _Worker(self._context, self.location)
                self._workers.add(fresh)
        if fresh is not None:
            self._idle.put(fresh)
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, SLOW_NICE)
        except OSError:
            pass

    def _back_from_slow_lane(self, worker: _Worker) -> bool:
        """Leave the slow lane; whether ``worker`` has its priority back (raising one may not be allowed)."""
        self._leave_slow_lane(worker)
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
        except OSError:
            return False
        return True

    def _leave_slow_lane(self, worker: _Worker) -> None:
        with self._lock:
            if worker.slow:
                worker.slow = False
                self._slow -= 1
                self._lane_changed = time.monotonic()

    def _surplus(self) -> bool:
        """Whether the pool holds more workers than it needs (extra ones started for a slow lane that
        has not changed for ``linger`` seconds)."""
        with self._lock:
            return (len(self._workers) > self.size + self._slow
                    and time.monotonic() - self._lane_changed >= self.linger)

    def _retire(self, worker: _Worker) -> None:
        worker.stop(kill=True)
        with self._lock:
            self._workers.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start its replacement (which opens the store while idle)."""
        self._leave_slow_lane(worker)
        worker.stop(kill=True)
        with self._lock:
            self._workers.discard(worker)
            if self._closed or len(self._workers) >= self.size + self._slow:
                return
            fresh = _Worker(self._context, self.location)
            self._workers.add(fresh)
        self._idle.put(fresh)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and operators)."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    def close(self) -> None:
        """Stop every worker (they exit when their pipe closes)."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        _shutdown(workers)


def _shutdown(workers) -> None:
    for worker in list(workers):
        worker.connection.close()
    deadline = time.monotonic() + 2
    for worker in list(workers):
        worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=2)
