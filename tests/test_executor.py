"""The query worker pool: answers, the time limit that kills, crashed workers replaced, row cap."""
import json
import os
import select
import shutil
import signal
import threading
import time

import pytest
import pyoxigraph as ox

from rolegraph.core import formats
from rolegraph.core.errors import QueryError, QueryTimeout, WorkerCrashed
from rolegraph.core.store import publishing
from rolegraph.server.executor import Executor, Job, evaluate, release_free_memory

RG = "https://w3id.org/rolegraph/ontology#"
DOCUMENTS = f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{RG}SourceDocument> }}"
#: A cross product of every triple with itself, three times: it would run for days.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture()
def pool(built_store):
    executor = Executor(str(built_store), workers=2, timeout=1.0)
    yield executor
    executor.close()


def count(result) -> int:
    return int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])


def test_a_query_is_answered_serialised_and_as_terms(pool):
    serialised = pool.run(Job(DOCUMENTS, solutions_media=JSON_RESULTS, serialise=True))
    assert serialised.media == JSON_RESULTS and count(serialised) == 6 and serialised.generation == "000001"
    terms = pool.run(Job(DOCUMENTS))
    assert terms.variables == ["n"] and terms.rows[0][0].value == "6"


def test_a_query_past_the_limit_is_stopped_and_its_worker_replaced(pool):
    pool.run(Job(DOCUMENTS))
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        pool.run(Job(ENDLESS))
    assert time.monotonic() - started < 10
    assert caught.value.http_status == 503 and "1 s limit" in caught.value.message
    answer = pool.run(Job(DOCUMENTS))
    assert answer.rows[0][0].value == "6"


def test_the_killed_worker_process_is_gone(pool):
    pool.run(Job(DOCUMENTS))
    before = set(pool.pids)
    with pytest.raises(QueryTimeout):
        pool.run(Job(ENDLESS))
    gone = before - set(pool.pids)
    assert len(gone) == 1
    assert _exited(gone.pop(), within=5)


def _exited(pid: int, within: float) -> bool:
    """Whether process ``pid`` (any process, not only a child) has exited, waiting ``within`` seconds for it."""
    try:
        handle = os.pidfd_open(pid)  # readable once the process has exited, its descriptors closed
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], within)[0])
    finally:
        os.close(handle)


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _kill_once_at_work(pid: int, cpu: float = 0.2, within: float = 20) -> None:
    """SIGKILL ``pid`` once it has spent ``cpu`` seconds computing from now: it has a job, not a pipe to wait on."""
    start, deadline = _cpu_seconds(pid), time.monotonic() + within
    while _cpu_seconds(pid) - start < cpu and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)


def test_a_worker_that_dies_is_replaced(pool):
    pool.run(Job(DOCUMENTS))
    (pid,) = pool.pids
    os.kill(pid, signal.SIGKILL)
    assert _exited(pid, within=5)  # the idle worker is dead, its pipe closed
    assert pool.run(Job(DOCUMENTS)).rows[0][0].value == "6"  # sent to a fresh worker
    assert pid not in pool.pids


def test_a_worker_dying_mid_query_is_an_error_and_replaced(built_store):
    executor = Executor(str(built_store), workers=1, timeout=30)
    try:
        executor.run(Job(DOCUMENTS))
        (pid,) = executor.pids
        killer = threading.Thread(target=_kill_once_at_work, args=(pid,))
        killer.start()
        with pytest.raises(WorkerCrashed):
            executor.run(Job(ENDLESS))
        killer.join()
        assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"
    finally:
        executor.close()


def test_syntax_errors_come_back_with_their_position(pool):
    with pytest.raises(QueryError) as caught:
        pool.run(Job("SELECT ?x WHERE { ?x ?y }"))
    assert "syntax error" in caught.value.message and caught.value.details["position"].startswith("1:")


def test_rows_and_triples_beyond_max_rows_are_cut(pool):
    roles = f"SELECT ?r WHERE {{ ?r a <{RG}Role> }} ORDER BY ?r"
    everything = pool.run(Job(roles))
    assert len(everything.rows) > 3 and not everything.truncated
    cut = pool.run(Job(roles, solutions_media="text/csv", serialise=True, max_rows=2))
    lines = cut.body.decode().strip().splitlines()
    assert cut.truncated and lines == ["r"] + [row[0].value for row in everything.rows[:2]]
    exact = pool.run(Job(roles, max_rows=len(everything.rows)))
    assert not exact.truncated and exact.rows == everything.rows
    triples = pool.run(Job("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", graph_media="application/n-triples",
                           serialise=True, max_rows=7))
    assert triples.truncated and len(triples.body.decode().strip().splitlines()) == 7


@pytest.mark.parametrize("media", [JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                                   "text/tab-separated-values"])
def test_the_row_cap_cuts_a_long_answer_at_its_row_in_every_format(media):
    # Solutions of long literals with tabs, newlines and quotes, so that the answer spans many chunks of the writer.
    store = ox.Store()
    for i in range(3000):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/{i:05}"), ox.NamedNode("http://example.org/says"),
                          ox.Literal(f'line\n{i}\t"quoted" ' + "x" * (i % 97), language="en")))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    fmt = formats.by_media_type(media)
    whole = store.query(text)
    rows = [tuple(s) for s in whole]
    for cap in (1, 2999, 3000, 3001, 1234):
        result = evaluate(store, Job(text, solutions_media=media, serialise=True, max_rows=cap))
        kept = rows[:cap]
        assert result.truncated == (cap < len(rows)) and result.media == media
        assert result.body == formats.serialize_results(formats.solutions(["s", "o"], kept), fmt)


def test_no_acceptable_format_for_the_kind_of_result_leaves_the_body_empty(pool):
    result = pool.run(Job("CONSTRUCT WHERE { ?s ?p ?o }", solutions_media=JSON_RESULTS, serialise=True))
    assert result.kind == "triples" and result.body is None


def test_workers_follow_a_new_generation(tmp_path, built_store):
    store = tmp_path / "store"
    shutil.copytree(built_store, store, symlinks=True)
    executor = Executor(str(store), workers=1, timeout=5)
    try:
        job = Job(DOCUMENTS, solutions_media=JSON_RESULTS, serialise=True)
        assert count(executor.run(job)) == 6
        with publishing(store) as writable:
            writable.update(f"INSERT DATA {{ <https://example.org/doc> a <{RG}SourceDocument> }}")
        after = executor.run(job)
        assert after.generation == "000002" and count(after) == 7
    finally:
        executor.close()


CHAINS = {  # n links → the query, and the count it answers
    "additions": lambda n: ("SELECT (COUNT(*) AS ?n) WHERE { FILTER(" + "1+" * n + "1 > 0) }", 1),
    "unions": lambda n: ("SELECT (COUNT(*) AS ?n) WHERE { " + "{} UNION " * n + "{} }", n + 1),
}


@pytest.mark.parametrize("chain", CHAINS)
def test_the_longest_chain_a_worker_runs_on_its_main_thread_is_answered(pool, chain):
    """Queries that fit the worker's main-thread budget skip the sized thread: the densest chains of
    that length are still answered, not a stack overflow that kills the worker; one link more goes
    to a sized thread and is answered too."""
    from rolegraph.server.executor import main_stack_budget, stack_needed

    make = CHAINS[chain]
    n = 0
    while stack_needed(make(n + 1000)[0]) <= main_stack_budget():
        n += 1000
    while stack_needed(make(n + 1)[0]) <= main_stack_budget():
        n += 1
    for links in (n, n + 1):
        query, expected = make(links)
        assert count(pool.run(Job(query, solutions_media=JSON_RESULTS, serialise=True))) == expected


@pytest.fixture(scope="module")
def worker_mb(built_store) -> float:
    """What a worker holds once it has answered a small query, read here rather than by the executor's own measure."""
    executor = Executor(str(built_store), workers=1, timeout=30)
    try:
        executor.run(Job(DOCUMENTS))
        (pid,) = executor.pids
        return _status_mb(pid, "VmRSS")
    finally:
        executor.close()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_a_worker_past_the_memory_limit_is_replaced_after_its_answer(built_store, worker_mb):
    # Half of what a worker holds: each answer retires the worker that gave it.
    executor = Executor(str(built_store), workers=1, timeout=30, max_rss_mb=worker_mb / 2)
    try:
        seen = []
        for _ in range(3):
            assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"
            (pid,) = executor.pids
            seen.append(pid)
        assert len(set(seen)) == 3 and executor.recycled == 3
        assert _exited(seen[0], within=0)
    finally:
        executor.close()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_a_worker_within_the_memory_limit_is_kept(built_store, worker_mb):
    for limit in (0, worker_mb * 2):  # 0: no limit
        executor = Executor(str(built_store), workers=1, timeout=30, max_rss_mb=limit)
        try:
            pids = set()
            for _ in range(3):
                assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"
                pids.update(executor.pids)
            assert len(pids) == 1 and executor.recycled == 0
        finally:
            executor.close()


def _anonymous_mb(pid: int) -> float:
    return _status_mb(pid, "RssAnon")


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith(field + ":")).split()[1]) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
@pytest.mark.slow
def test_a_worker_gives_back_the_memory_its_queries_freed(built_store):
    # Large answers (serialised, as terms, as triples) leave the C heap fragmented: without giving the free pages
    # back a worker kept ~115 MB of the ~250 MB these raised its peak by. Serialised answers no longer hold a Python
    # object per term, so the peak rises by ~200 MB (from ~255) and what is kept after trimming is ~50 MB (from ~56).
    executor = Executor(str(built_store), workers=1, timeout=60)
    small = Job(DOCUMENTS)
    pairs = "WHERE { ?a ?p ?o . ?b ?q ?c }"
    try:
        executor.run(small)
        (pid,) = executor.pids
        before, resident = _anonymous_mb(pid), _status_mb(pid, "VmRSS")
        jobs = [Job(f"SELECT ?a ?b ?c {pairs} LIMIT {n}", solutions_media=JSON_RESULTS, serialise=True)
                for n in (200_000, 150_000, 100_000, 50_000, 20_000)]
        jobs += [Job(f"SELECT ?a ?b ?c {pairs} LIMIT {n}") for n in (20_000, 60_000, 120_000)]
        jobs += [Job(f"CONSTRUCT {{ ?a ?q ?c }} {pairs} LIMIT {n}") for n in (30_000, 90_000)]
        for job in jobs:
            answer = executor.run(job)
            assert len(answer.body or b"") + len(answer.rows) + len(answer.triples) > 0
            assert executor.run(small).rows[0][0].value == "6"  # the worker is done with the last one
        assert executor.pids == [pid]
        bound = (_status_mb(pid, "VmHWM") - resident) / 3  # a third of the peak's growth
        deadline = time.monotonic() + 5  # an idle worker trims within TRIM_IDLE; allow a busy machine
        while _anonymous_mb(pid) - before >= bound and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _anonymous_mb(pid) - before < bound
    finally:
        executor.close()


def test_releasing_free_memory_returns_freed_heap_pages():
    import ctypes

    libc = ctypes.CDLL(None)
    if not hasattr(libc, "malloc_trim"):
        pytest.skip("not glibc")
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    # 64 KiB blocks come from the heap (below the mmap threshold); one kept in 64 pins the rest in place.
    blocks = [libc.malloc(64 << 10) for _ in range(3200)]
    for block in blocks:
        ctypes.memset(block, 1, 64 << 10)
    kept = blocks[::64]
    for block in blocks:
        if block not in kept:
            libc.free(block)
    freed = (len(blocks) - len(kept)) * 64 / 1024  # MB
    before = _anonymous_mb(os.getpid())
    assert release_free_memory() is True
    assert before - _anonymous_mb(os.getpid()) > freed / 2
    for block in kept:
        libc.free(block)


def test_a_slow_query_leaves_the_other_queries_a_worker_and_yields_the_cpu(built_store):
    from rolegraph.server.executor import SLOW_NICE

    executor = Executor(str(built_store), workers=1, timeout=3.0)
    executor.linger = 0  # the extra worker may leave as soon as the slow lane is empty
    try:
        executor.run(Job(DOCUMENTS))
        slow_pid = executor.pids[0]
        outcome = []
        runaway = threading.Thread(target=lambda: outcome.append(_raised(executor, Job(ENDLESS))))
        runaway.start()
        time.sleep(0.5)
        assert os.getpriority(os.PRIO_PROCESS, slow_pid) == SLOW_NICE  # in the slow lane
        started = time.monotonic()
        assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"  # on a worker of its own, at once
        assert time.monotonic() - started < 1.5
        assert slow_pid not in executor.pids or runaway.is_alive()
        runaway.join()
        assert isinstance(outcome[0], QueryTimeout)  # the limit still stops it
        assert len(executor.pids) <= 2 and slow_pid not in executor.pids
        assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"
        assert len(executor.pids) == 1  # the extra worker leaves once the slow lane is empty
    finally:
        executor.close()


def _raised(executor, job):
    try:
        executor.run(job)
    except Exception as exc:  # noqa: BLE001 — the test looks at which
        return exc
    return None
