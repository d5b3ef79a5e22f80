"""Endpoint benchmark: what serving a query over HTTP costs beside running it on the store in-process,
and requests/s under concurrent clients.

For each named query (bound with its header's example values) and a few representative SPARQL
queries, three timings of the same query serialised as SPARQL JSON (graphs as Turtle):
``local`` (pyoxigraph in this process), ``pool`` (through the worker pool of rolegraph.server.executor: the
IPC cost) and ``http`` (the production server, a keep-alive connection, result cache off). Then
requests/s with 8 and 32 concurrent clients on a cheap and a mid query, cache off and on.

    python bench/endpoint_bench.py [--store PATH] [--repeat 30] [--seconds 5] [--out bench/results/endpoint.json]

Without --store, the seeds (../shared/seeds) and our samples are built into a temporary store.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # serving: how the tests start and stop a server too

import serving  # noqa: E402
from rolegraph.core import formats  # noqa: E402

JSON_RESULTS = formats.get("json").media_type
TURTLE = formats.get("ttl").media_type
RG = "https://w3id.org/rolegraph/ontology#"
REPRESENTATIVE = {
    "ask-a-role": f"ASK {{ ?r a <{RG}Role> }}",
    "count-triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "roles-labels": f"SELECT ?r ?l WHERE {{ ?r a <{RG}Role> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}",
    "all-triples-1000": "SELECT * WHERE { ?s ?p ?o } LIMIT 1000",
    "construct-claims": f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ ?c a <{RG}Claim> ; ?p ?o }} LIMIT 500",
}
LOAD = {"cheap": "ask-a-role", "mid": "role-tools"}


def workload() -> dict[str, str]:
    from rolegraph import queries

    texts = {name: q.bind({p.name: p.example for p in q.parameters}) for name, q in queries.catalogue().items()}
    return {**texts, **REPRESENTATIVE}


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 3)}


def timed(call, repeat: int) -> list[float]:
    call()  # warm-up: store pages, worker start
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def local_call(store, text: str):
    import pyoxigraph as ox

    def call():
        results = store.query(text, use_default_graph_as_union=True)
        if isinstance(results, ox.QueryTriples):
            return results.serialize(format=ox.RdfFormat.TURTLE)
        return results.serialize(format=ox.QueryResultsFormat.JSON)
    return call


def pool_call(executor, text: str):
    from rolegraph.server.executor import Job

    job = Job(text, solutions_media=JSON_RESULTS, graph_media=TURTLE, serialise=True, max_rows=10000)
    return lambda: executor.run(job)


class Client:
    """One keep-alive HTTP connection to the endpoint (ours at /sparql; other servers use other paths)."""

    def __init__(self, port: int, path: str = "/sparql", timeout: float = 60) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.path = path

    def query(self, text: str) -> int:
        return self.get(self.path + "?" + urllib.parse.urlencode({"query": text}),
                        {"Accept": f"{JSON_RESULTS}, text/turtle;q=0.9"})

    def get(self, target: str, headers: dict[str, str]) -> int:
        """GET ``target`` (path and query string) on the kept-alive connection; the body is read whole."""
        self.connection.request("GET", target, headers=headers)
        response = self.connection.getresponse()
        self.last_body = response.read()
        return response.status


def start_server(store: str, workers: int, threads: int, cache_mb: float, port: int | None = None,
                 log: Path | None = None) -> serving.Server:
    """``rolegraph serve --production`` on 127.0.0.1 (a free port unless ``port`` is given) with ``workers``
    query workers, ``threads`` request threads and a ``cache_mb`` answer cache, its output to ``log``;
    returns once /healthz answers 200. ``.stop()`` stops it."""
    port = port or serving.free_port()
    command = serving.rolegraph_serve(store, port, "--threads", str(threads), "--workers", str(workers))
    return serving.start(command, f"http://127.0.0.1:{port}", log=log,
                         env={**os.environ, "ROLEGRAPH_RESULT_CACHE_MB": str(cache_mb)})


def load(port: int, text: str, clients: int, seconds: float, path: str = "/sparql") -> dict:
    """``clients`` threads, each on its own connection, querying ``text`` for ``seconds``."""
    done, errors, latencies = [0], [0], []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run():
        client = Client(port, path)
        mine, failed, times = 0, 0, []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = client.query(text) == 200
            except OSError:
                ok, client = False, Client(port, path)
            times.append(time.perf_counter() - started)
            mine, failed = mine + ok, failed + (not ok)
        with lock:
            done[0] += mine
            errors[0] += failed
            latencies.extend(times)

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests": done[0], "errors": errors[0],
            "requests_per_s": round(done[0] / elapsed, 1), **percentiles(latencies or [0.0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query and path")
    parser.add_argument("--seconds", type=float, default=5, help="duration of each load run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "endpoint.json"))
    args = parser.parse_args()

    from rolegraph.core.store import open_read_only
    from rolegraph.server.executor import Executor

    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if not store_path:
            from rolegraph.loader.build import build

            store_path = str(Path(tmp) / "store")
            build([ROOT.parent / "shared" / "seeds", ROOT / "data" / "samples"], store_path)
        store = open_read_only(store_path)
        executor = Executor(store_path, workers=1, timeout=60)
        server = start_server(store_path, args.workers, threads=8, cache_mb=0)
        texts = workload()
        rows = []
        try:
            client = Client(server.port)
            for name, text in texts.items():
                local = percentiles(timed(local_call(store, text), args.repeat))
                pool = percentiles(timed(pool_call(executor, text), args.repeat))
                over_http = percentiles(timed(lambda text=text: client.query(text), args.repeat))
                row = {"query": name, "local": local, "pool": pool, "http": over_http,
                       "http_overhead_p50_ms": round(over_http["p50_ms"] - local["p50_ms"], 3),
                       "pool_overhead_p50_ms": round(pool["p50_ms"] - local["p50_ms"], 3)}
                rows.append(row)
                print(json.dumps(row), flush=True)
            loads = []
            for kind, name in LOAD.items():
                for clients in (8, 32):
                    result = {"query": name, "kind": kind, "cache": False, **load(server.port, texts[name], clients, args.seconds)}
                    loads.append(result)
                    print(json.dumps(result), flush=True)
        finally:
            server.stop()
            executor.close()
        server = start_server(store_path, args.workers, threads=8, cache_mb=64)
        try:
            for kind, name in LOAD.items():
                result = {"query": name, "kind": kind, "cache": True, **load(server.port, texts[name], 8, args.seconds)}
                loads.append(result)
                print(json.dumps(result), flush=True)
        finally:
            server.stop()

    overheads = sorted(r["http_overhead_p50_ms"] for r in rows)
    summary = {"median_http_overhead_p50_ms": round(statistics.median(overheads), 3),
               "median_pool_overhead_p50_ms": round(statistics.median(r["pool_overhead_p50_ms"] for r in rows), 3),
               "errors_under_load": sum(r["errors"] for r in loads)}
    print(json.dumps(summary))
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "date": time.strftime("%Y-%m-%d"), "workers": args.workers, "threads": 8, "repeat": args.repeat,
              "summary": summary, "queries": rows, "load": loads}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
