"""Prefork evaluation against real `rolegraph serve --production` processes: the same answers as the pool,
a runaway query answered 503 within the limit + 1 s while other clients are answered, its worker process
replaced gracefully (no connection of another client reset), and a new generation followed by every worker."""
import http.client
import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import served

from rolegraph.core.store import publishing

RG = "https://w3id.org/rolegraph/ontology#"
TIMEOUT = 2.0  # seconds: the servers' query time limit here
MAX_ROWS = 3
JSON_RESULTS = "application/sparql-results+json"
DOCUMENTS = f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{RG}SourceDocument> }}"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Queries whose answers both designs must give alike: status, content type, truncation header, body.
SAME = {
    "triples, cut at the row cap": ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", JSON_RESULTS),
    "a count": (DOCUMENTS, JSON_RESULTS),
    "ask": (f"ASK {{ ?r a <{RG}Role> }}", JSON_RESULTS),
    "construct": (f"CONSTRUCT {{ ?r a <{RG}Role> }} WHERE {{ ?r a <{RG}Role> }}", "application/n-triples"),
    "syntax error": ("SELECT ?x WHERE { ?x ", JSON_RESULTS),
    "refused SERVICE": ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", JSON_RESULTS),
    "no acceptable format": (DOCUMENTS, "image/png"),
}
SETTINGS = {"ROLEGRAPH_RESULT_CACHE_MB": "0", "ROLEGRAPH_MAX_ROWS": str(MAX_ROWS)}
OPTIONS = ("--threads", "4", "--workers", "2", "--timeout", str(TIMEOUT))


@pytest.fixture(scope="module")
def prefork(tmp_path_factory, built_store):
    folder = tmp_path_factory.mktemp("prefork")
    with served(built_store, folder, *OPTIONS, env={**SETTINGS, "ROLEGRAPH_EVALUATION": "prefork"}) as (base, log):
        yield base, log, folder / "store"


@pytest.fixture(scope="module")
def pool(tmp_path_factory, built_store):
    with served(built_store, tmp_path_factory.mktemp("pool"), *OPTIONS,
                env={**SETTINGS, "ROLEGRAPH_EVALUATION": "pool"}) as (base, _):
        yield base


def get(base: str, query: str, accept: str = JSON_RESULTS, timeout: float = 30) -> tuple[int, dict, bytes, float]:
    """Status, headers, body and seconds taken of ``GET /sparql?query=…`` on a connection of its own."""
    request = urllib.request.Request(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": accept})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, body = response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, _lower(error.headers), error.read()
    return status, headers, body, time.monotonic() - started


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def documents(base: str) -> int:
    status, _, body, _ = get(base, DOCUMENTS)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def worker_pids(server_log) -> set[int]:
    """The granian worker processes of the server whose log is ``server_log`` (children of its main process)."""
    main = _main_pid(server_log)
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    command = cmdline.read()
            except OSError:
                continue
            if int(fields[1]) == main and b"spawn_main" in command:
                children.add(int(entry))
    return children


def _main_pid(server_log) -> int:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    words = cmdline.read().split(b"\0")
            except OSError:
                continue
            if b"serve" in words and str(server_log.parent / "store").encode() in words:
                return int(entry)
    raise AssertionError(f"no server process serves {server_log.parent / 'store'}")


@pytest.mark.parametrize("name", SAME)
def test_prefork_answers_as_the_pool_does(prefork, pool, name):
    query, accept = SAME[name]
    mine, theirs = get(prefork[0], query, accept), get(pool, query, accept)
    assert mine[0] == theirs[0]
    assert mine[1].get("content-type")
    for header in ("content-type", "x-rolegraph-truncated", "vary"):
        assert mine[1].get(header) == theirs[1].get(header), header
    if accept == "application/n-triples":
        assert sorted(mine[2].splitlines()) == sorted(theirs[2].splitlines()) and mine[2]
    else:
        assert mine[2] == theirs[2]
    if name.startswith("triples"):
        assert mine[1]["x-rolegraph-truncated"] == str(MAX_ROWS)
        assert len(json.loads(mine[2])["results"]["bindings"]) == MAX_ROWS


def test_a_runaway_gets_503_in_time_others_are_answered_and_its_worker_is_replaced_gracefully(prefork):
    base, log, _ = prefork
    expected = documents(base)
    before = worker_pids(log)
    assert len(before) == 2
    runaway: list = []
    answers: list = []
    failures: list = []
    stop = threading.Event()

    def ask_endless() -> None:
        runaway.append(get(base, ENDLESS))

    def keep_asking() -> None:
        # Keep-alive connections, as a browser or a SPARQL client holds them: one reset would be an OSError.
        connection = http.client.HTTPConnection(base.split("//")[1], timeout=30)
        path = "/sparql?" + urllib.parse.urlencode({"query": DOCUMENTS})
        while not stop.is_set():
            try:
                connection.request("GET", path, headers={"Accept": JSON_RESULTS})
                response = connection.getresponse()
                body = response.read()
                answers.append((time.monotonic(), response.status, body))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()  # the worker is stopping: it said so, we open another
                    connection = http.client.HTTPConnection(base.split("//")[1], timeout=30)
            except OSError as error:
                failures.append(repr(error))
                connection = http.client.HTTPConnection(base.split("//")[1], timeout=30)
            time.sleep(0.02)
        connection.close()

    clients = [threading.Thread(target=keep_asking) for _ in range(4)]
    for client in clients:
        client.start()
    started = time.monotonic()
    endless = threading.Thread(target=ask_endless)
    endless.start()
    endless.join(timeout=30)
    status, _, body, seconds = runaway[0]
    assert status == 503 and json.loads(body)["error"]["code"] == "query-timeout"
    assert seconds <= TIMEOUT + 1, f"the runaway was answered after {seconds:.2f} s"
    during = [a for a in answers if started < a[0] < started + seconds]
    assert during, "no other query was answered while the runaway ran"
    # The worker that evaluated it asks to be replaced; a fresh one takes its place and the old one exits.
    condemned = _asked(log, within=10)
    assert condemned in before
    deadline = time.monotonic() + 20
    while (condemned in worker_pids(log) or len(worker_pids(log)) < 2) and time.monotonic() < deadline:
        time.sleep(0.2)
    after = worker_pids(log)
    assert condemned not in after and len(after) == 2
    time.sleep(1)  # the fresh worker answers too
    stop.set()
    for client in clients:
        client.join()
    assert not failures, failures
    assert all(status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected
               for _, status, body in answers)
    assert [documents(base) for _ in range(6)] == [expected] * 6


def test_only_a_worker_itself_can_ask_for_its_replacement(prefork):
    import socket

    base, log, _ = prefork
    main, workers = _main_pid(log), worker_pids(log)
    with open("/proc/net/unix") as table:
        names = [line.split()[-1] for line in table if f"@rolegraph-supervisor-{main}-" in line]
    assert len(names) == 1  # the supervisor listens
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        for pid in workers:  # naming a worker is not asking as it: the kernel says who sends
            sock.sendto(str(pid).encode(), "\0" + names[0][1:])
    time.sleep(3)  # DRAIN and more: a replacement would have stopped the worker by now
    assert worker_pids(log) == workers and documents(base) > 0


def _asked(log, within: float) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = re.findall(r"worker (\d+) asks to be replaced: a query ran past", log.read_text(errors="replace"))
        if found:
            return int(found[-1])
        time.sleep(0.1)
    raise AssertionError(f"no worker asked to be replaced; the log:\n{log.read_text(errors='replace')[-3000:]}")


def test_every_worker_follows_a_new_generation(prefork):
    base, log, store = prefork
    before = documents(base)
    with publishing(store) as writable:
        writable.update(f"INSERT DATA {{ <https://example.org/one-more-document> a <{RG}SourceDocument> }}")
    generation = os.path.realpath(store / "current")
    workers = worker_pids(log)
    assert len(workers) == 2
    # New connections land on either worker: ask until each has opened the new generation's files.
    answers = []
    while len(answers) < 200 and not all(_opened(pid, generation) for pid in workers):
        answers.append(documents(base))
    assert all(_opened(pid, generation) for pid in workers)
    assert answers and answers == [before + 1] * len(answers)


def test_each_worker_runs_on_a_cpu_of_its_own_when_they_are_as_many_as_the_cpus(prefork):
    from rolegraph.server.production import cpus_to_pin

    base, log, _ = prefork
    deadline = time.monotonic() + 10
    while len(workers := worker_pids(log)) != 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # a worker replaced by an earlier test may still be draining
    assert len(workers) == 2 and documents(base) > 0
    # Every thread of a worker: granian's, the request threads and the evaluator threads started since.
    allowed = {pid: _thread_cpus(pid) for pid in workers}
    expected = cpus_to_pin(2)
    if expected:  # two CPUs here: one each
        assert all(len(sets) == 1 and len(next(iter(sets))) == 1 for sets in allowed.values())
        assert sorted(cpu for sets in allowed.values() for cpus in sets for cpu in cpus) == expected
    else:  # more CPUs than workers: none pinned
        assert all(sets == {frozenset(os.sched_getaffinity(0))} for sets in allowed.values())


def _thread_cpus(pid: int) -> set[frozenset]:
    """The distinct CPU sets the threads of process ``pid`` may run on (a thread that ends meanwhile left out)."""
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            found.add(frozenset(os.sched_getaffinity(int(task))))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("cpus, workers, pinned", [
    ({0, 1}, 2, [0, 1]), ({0, 1}, 3, [0, 1]), ({2, 5}, 4, [2, 5]), ({0, 1, 2, 3}, 2, []), ({0}, 2, []),
])
def test_workers_are_pinned_only_when_every_cpu_gets_one(monkeypatch, cpus, workers, pinned):
    from rolegraph.server import production

    monkeypatch.setattr(production.os, "sched_getaffinity", lambda pid: cpus)
    assert production.cpus_to_pin(workers) == pinned


def _opened(pid: int, folder: str) -> bool:
    """Whether process ``pid`` holds a file of ``folder`` open."""
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(folder + "/") for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


# The executor itself, in this process (no runaway here: its thread would outlive the test).

@pytest.fixture()
def asked() -> list:
    return []


@pytest.fixture()
def inprocess(built_store, asked):
    from rolegraph.core.store import open_store
    from rolegraph.server.inprocess import InProcessExecutor

    executor = InProcessExecutor(open_store(str(built_store)), timeout=30, replace=lambda: asked.append(True))
    yield executor
    executor.close()


def test_answers_serialised_and_as_terms_on_an_evaluator_thread(inprocess, asked):
    from rolegraph.server.executor import Job

    serialised = inprocess.run(Job(DOCUMENTS, solutions_media=JSON_RESULTS, serialise=True))
    assert json.loads(serialised.body)["results"]["bindings"][0]["n"]["value"] == "6"
    assert serialised.generation == "000001" and serialised.media == JSON_RESULTS
    assert inprocess.run(Job(DOCUMENTS)).rows[0][0].value == "6"
    assert inprocess.pids == [os.getpid()] and not asked and inprocess.condemned is None


def test_a_query_runs_on_the_request_thread_where_the_server_can_answer_it_early(inprocess):
    from rolegraph.server.executor import Job
    from rolegraph.server.inprocess import EARLY_ANSWER

    job = Job(DOCUMENTS, solutions_media=JSON_RESULTS, serialise=True)
    inprocess.inline_stack = 1 << 20
    early: list = []
    token = EARLY_ANSWER.set(early.append)
    try:
        answered = inprocess.run(job)
        long_one = inprocess.run(Job(DOCUMENTS + " " * (2 << 20), solutions_media=JSON_RESULTS, serialise=True))
    finally:
        EARLY_ANSWER.reset(token)
    assert json.loads(answered.body) == json.loads(long_one.body) and early == []
    if inprocess.inline:  # here, on this thread; the one too long for its stack on an evaluator thread
        assert len(inprocess._idle) == 1
    inprocess.run(job)  # no early answer offered: an evaluator thread
    assert len(inprocess._idle) == 1


def test_a_query_error_is_raised_and_the_thread_goes_on(inprocess):
    from rolegraph.core.errors import QueryError
    from rolegraph.server.executor import Job

    with pytest.raises(QueryError) as raised:
        inprocess.run(Job("SELECT ?x WHERE { ?x "))
    assert raised.value.http_status == 400 and "syntax" in raised.value.message
    assert inprocess.run(Job(DOCUMENTS)).rows[0][0].value == "6"


def test_a_chain_longer_than_an_evaluator_stack_holds_is_answered(inprocess):
    from rolegraph.server.executor import Job
    from rolegraph.server.inprocess import EVALUATOR_STACK

    links = EVALUATOR_STACK // 1024  # a query this long needs more stack than an evaluator thread has
    query = "SELECT (COUNT(*) AS ?n) WHERE { FILTER(" + "1+" * links + "1 > 0) }"
    result = inprocess.run(Job(query, solutions_media=JSON_RESULTS, serialise=True))
    assert json.loads(result.body)["results"]["bindings"][0]["n"]["value"] == "1"


def test_a_process_past_its_memory_limit_asks_once_to_be_replaced(built_store, asked):
    from rolegraph.core.store import open_store
    from rolegraph.server.executor import Job
    from rolegraph.server.inprocess import InProcessExecutor

    executor = InProcessExecutor(open_store(str(built_store)), timeout=30, replace=lambda: asked.append(True),
                                 max_rss_mb=1)  # this test process holds far more than 1 MB
    try:
        for _ in range(3):
            assert executor.run(Job(DOCUMENTS)).rows[0][0].value == "6"
        assert asked == [True] and "1 MB" in executor.condemned
    finally:
        executor.close()


def test_each_request_has_its_log_line_in_the_production_layout_without_its_query(prefork):
    base, log, _ = prefork
    marker = "request-log-marker"
    status, _, _, _ = get(base, f"ASK {{ ?s ?p \"{marker}\" }}")
    assert status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = log.read_text(errors="replace").splitlines()
        if any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} rolegraph\.server GET /sparql 200 \d+\.\dms", ln)
               for ln in lines):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"no request line in the server log:\n{log.read_text()[-2000:]}")
    assert not any(marker in line for line in lines)


@pytest.fixture(scope="module")
def prefork_cached(tmp_path_factory, built_store):
    """One prefork worker with the answer cache on: every request finds the answers it kept."""
    folder = tmp_path_factory.mktemp("prefork-cached")
    with served(built_store, folder, "--threads", "4", "--workers", "1", "--timeout", str(TIMEOUT),
                env={**SETTINGS, "ROLEGRAPH_RESULT_CACHE_MB": "16", "ROLEGRAPH_EVALUATION": "prefork"}) as (base, log):
        yield base, log, folder / "store"


def test_a_kept_answer_is_replayed_as_it_was_first_given_and_a_new_generation_replaces_it(prefork_cached):
    base, log, store = prefork_cached
    query = f"SELECT (COUNT(?d) AS ?n) WHERE {{ ?d a <{RG}SourceDocument> }} # kept-answer-marker"
    first, again = get(base, query), get(base, query)
    assert first[0] == again[0] == 200 and first[2] == again[2]
    assert {k: v for k, v in first[1].items() if k != "date"} == {k: v for k, v in again[1].items() if k != "date"}
    assert first[1]["etag"] and first[1]["vary"] == "Accept"
    request = urllib.request.Request(f"{base}/sparql?{urllib.parse.urlencode({'query': query})}",
                                     headers={"Accept": JSON_RESULTS, "If-None-Match": first[1]["etag"]})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request, timeout=30)
    assert not_modified.value.code == 304 and not_modified.value.read() == b""
    deadline = time.monotonic() + 5
    while log.read_text(errors="replace").count(" cached\n") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert log.read_text(errors="replace").count(" cached\n") >= 2  # the repeat and the 304, both replayed
    before = int(json.loads(first[2])["results"]["bindings"][0]["n"]["value"])
    with publishing(store) as writable:
        writable.update(f"INSERT DATA {{ <https://example.org/kept-answer-document> a <{RG}SourceDocument> }}")
    time.sleep(0.05)
    status, _, body, _ = get(base, query)
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == before + 1
