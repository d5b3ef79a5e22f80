"""Bounded load test: concurrent keep-alive clients against the production server on the full graph
(the seeds and our samples, ESCO v1.1.1 and ROME v460), over a mix of realistic requests.

Each client is a thread with its own HTTP connection to 127.0.0.1 only. The run stops at
``--duration`` seconds or after ``--max-requests`` requests, whichever comes first, and a hard cap
abandons clients still waiting ``--request-timeout`` seconds later. Every request's status and
latency are kept: errors (any non-2xx answer or exception; none expected), requests/s and
p50/p95/p99 in all and per kind of request. The memory of the server and its children (the app
process, the forkserver, the query workers) is sampled every second from /proc: resident in all, and
split into anonymous memory (heaps, RocksDB's block caches, Python objects: what a leak would hold)
and file pages (mapped files, which the kernel can reclaim), with the anonymous memory of the app
process and of the query workers apart. Memory "grew" when anonymous memory at the end (the median of
the last 10 s) is more than 5 % above its figure at the end of the warm-up (half the run unless
``--warmup``); the slope of anonymous memory after the warm-up is reported too.

    python bench/load.py [--store PATH] [--clients 32] [--duration 60] [--max-requests N]
                         [--warmup S] [--cache-mb MB] [--port P] [--out bench/results/load.json]

Without --store the full graph is built into a temporary folder through the ``rolegraph`` CLI; a
--store folder that does not exist yet is built there, to be reused by later runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402
import endpoint_bench  # noqa: E402
import import_bench  # noqa: E402
from rolegraph.core import formats  # noqa: E402

#: The full graph: import_bench's first steps (seeds and samples, ESCO v1.1.1, ROME v460), each through
#: the CLI; every import relinks our entities to the taxonomies before it publishes.
FULL_GRAPH = import_bench.STEPS[:3]
#: Media types asked for, by the short name a kind of request carries.
MEDIA = {short: formats.get(name).media_type
         for short, name in {"json": "json", "xml": "xml", "csv": "csv", "turtle": "ttl", "html": "html"}.items()}
#: A server log line for a request answered 2xx: what is left of the log after them is worth reading.
ANSWERED = re.compile(r"rolegraph\.server \w+ \S+ 2\d\d ")


# ---------------------------------------------------------------- the store

def build_full_graph(store: Path, reference: Path) -> list[dict]:
    """Build the full graph into ``store`` as a deployment would, with the ``rolegraph`` CLI; the
    seconds and the last line printed by each step."""
    rows = []
    for name, importer, folder in FULL_GRAPH:
        source = str(reference / folder)
        command = ["build", source, str(ROOT / "data" / "samples")] if importer == "build" else ["import", importer, source]
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(store), *command],
                              cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{name}: exit {done.returncode}\n{done.stderr[-3000:]}")
        rows.append({"step": name, "seconds": round(time.perf_counter() - started, 1),
                     "said": done.stdout.strip().splitlines()[-1]})
        print(json.dumps(rows[-1]), flush=True)
    return rows


# ---------------------------------------------------------------- what the clients ask

@dataclass
class Subjects:
    """What requests are about, read from the served graph: entities with their labels, and facts."""

    labels: dict[str, list[str]]  # our entity IRI -> its preferred labels (en, fr)
    kinds: dict[str, list[str]]   # role, tool, competency, qualification, document -> IRIs
    facts: list[tuple[str, str]]  # (role, value) pairs stated by documents
    graphs: dict[str, int]        # named graph IRI -> triples

    def pick(self, rng: random.Random, kind: str) -> str:
        return rng.choice(self.kinds[kind])

    def label(self, rng: random.Random, iri: str) -> str:
        return rng.choice(self.labels.get(iri) or [iri.rsplit("/", 1)[-1]])


def select(client: endpoint_bench.Client, text: str) -> list[dict[str, str]]:
    status = client.query(text)
    if status != 200:
        raise SystemExit(f"reading the subjects: HTTP {status}: {client.last_body[:500]!r}")
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(client.last_body)["results"]["bindings"]]


def read_subjects(client: endpoint_bench.Client) -> Subjects:
    from rolegraph.core.vocabulary import sparql_prologue

    types = {"role": "rg:Role", "tool": "rg:Tool", "competency": "rg:Skill rg:Knowledge rg:SoftSkill",
             "qualification": "rg:Diploma rg:Certification rg:Training", "document": "rg:SourceDocument"}
    labels: dict[str, list[str]] = {}
    kinds = {}
    for kind, values in types.items():
        rows = select(client, sparql_prologue() + f"SELECT DISTINCT ?e ?l WHERE {{ VALUES ?t {{ {values} }} ?e a ?t "
                                                  "OPTIONAL { ?e skos:prefLabel ?l } } ORDER BY ?e ?l")
        kinds[kind] = sorted({row["e"] for row in rows})
        for row in rows:
            if "l" in row:
                labels.setdefault(row["e"], []).append(row["l"])
    facts = select(client, sparql_prologue() + "SELECT DISTINCT ?r ?v WHERE { ?r a rg:Role ; "
                                               "rg:usesTool|rg:requiresCompetency|rg:accessibleThrough ?v } ORDER BY ?r ?v")
    graphs = {row["g"]: int(row["n"]) for row in
              select(client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")}
    return Subjects(labels, kinds, [(row["r"], row["v"]) for row in facts], graphs)


def parameters(query, subjects: Subjects, rng: random.Random) -> dict[str, str]:
    """Values for a named query's parameters, drawn from the graph (a fact's role and value together)."""
    role, value = rng.choice(subjects.facts)
    current, target = rng.sample(subjects.kinds["role"], 2)
    entity = subjects.pick(rng, rng.choice(("tool", "competency", "qualification", "role")))
    by_name = {"role": role, "value": value, "entity": entity, "current": current, "target": target,
               "label": subjects.label(rng, value), "role_label": subjects.label(rng, role),
               "value_label": subjects.label(rng, value)}
    return {p.name: by_name.get(p.name, p.example) for p in query.parameters}


def sparql(text: str, media: str) -> tuple[str, dict[str, str]]:
    from rolegraph.core.vocabulary import sparql_prologue

    return "/sparql?" + urllib.parse.urlencode({"query": sparql_prologue() + text}), {"Accept": MEDIA[media]}


def page(iri: str, media: str, base: str) -> tuple[str, dict[str, str]]:
    return "/id/" + iri[len(base):], {"Accept": MEDIA[media]}


def literal(text: str) -> str:
    """A SPARQL string literal (JSON's escapes are SPARQL's for quotes and backslashes)."""
    return json.dumps(text, ensure_ascii=False)


def mix(subjects: Subjects, base: str) -> dict[str, tuple[int, Callable[[random.Random], tuple[str, dict]]]]:
    """Kind of request -> (weight, a function drawing one request of that kind: target and headers)."""
    from rolegraph import queries

    s = subjects
    kinds: dict[str, tuple[int, Callable]] = {}
    for name, query in queries.catalogue().items():
        accept = {"Accept": "application/json" if query.kind == "SELECT" else MEDIA["turtle"]}

        def named(rng, name=name, query=query, accept=accept):
            return f"/api/queries/{name}?" + urllib.parse.urlencode(parameters(query, s, rng)), accept
        kinds[f"api {name}"] = (2, named)
    kinds.update({
        "sparql select json": (8, lambda rng: sparql(
            f"SELECT ?c ?l WHERE {{ <{s.pick(rng, 'role')}> rg:requiresCompetency ?c . "
            "?c skos:prefLabel ?l FILTER (LANG(?l) = 'en') }", "json")),
        "sparql select xml": (4, lambda rng: sparql(
            f"SELECT ?t ?l ?cat WHERE {{ <{s.pick(rng, 'role')}> rg:usesTool ?t . ?t skos:prefLabel ?l "
            "OPTIONAL { ?t rg:toolCategory ?cat } }", "xml")),
        "sparql select csv": (4, lambda rng: sparql(
            f"SELECT ?r ?m ?l WHERE {{ ?r a rg:Role ; skos:exactMatch|skos:closeMatch ?m . "
            f"OPTIONAL {{ ?m skos:prefLabel ?l FILTER (LANG(?l) = {literal(rng.choice(('en', 'fr')))}) }} }}", "csv")),
        "sparql ask json": (4, lambda rng: sparql(
            "ASK {{ <{}> rg:usesTool|rg:requiresCompetency <{}> }}".format(*rng.choice(s.facts)), "json")),
        "sparql construct turtle": (6, lambda rng: sparql(
            f"CONSTRUCT {{ ?r ?p ?o . ?o skos:prefLabel ?l }} WHERE {{ VALUES ?r {{ <{s.pick(rng, 'role')}> }} "
            "?r ?p ?o OPTIONAL { ?o skos:prefLabel ?l } }", "turtle")),
        "page html": (10, lambda rng: page(s.pick(rng, rng.choice(("role", "tool", "competency", "qualification"))),
                                           "html", base)),
        "page turtle": (6, lambda rng: page(s.pick(rng, rng.choice(("role", "tool", "competency"))), "turtle", base)),
        "page document html": (1, lambda rng: page(s.pick(rng, "document"), "html", base)),
        "page graph html": (1, lambda rng: page(rng.choice(sorted(s.graphs)), "html", base)),
        "home": (3, lambda rng: ("/", {"Accept": MEDIA["html"]})),
        "label search": (5, lambda rng: sparql(
            "SELECT DISTINCT ?e ?l WHERE { ?e skos:prefLabel|skos:altLabel ?l "
            f"FILTER (CONTAINS(LCASE(STR(?l)), {literal(s.label(rng, s.pick(rng, 'tool')).lower()[:6])})) }} LIMIT 50",
            "json")),
    })
    return kinds


# ---------------------------------------------------------------- the run

@dataclass
class Done:
    kind: str
    started: float  # seconds since the run began
    seconds: float
    status: int     # 0: no answer (the exception is in ``error``)
    error: str = ""


class Load:
    """``clients`` threads, each on a keep-alive connection, drawing requests from ``kinds`` by weight
    until ``duration`` seconds pass or ``max_requests`` have been sent."""

    def __init__(self, port: int, kinds: dict, clients: int, duration: float, max_requests: int, timeout: float) -> None:
        self.port, self.kinds, self.clients = port, kinds, clients
        self.duration, self.max_requests, self.timeout = duration, max_requests, timeout
        self.done: list[Done] = []
        self.sent = 0
        self.lock = threading.Lock()

    def _ticket(self) -> bool:
        with self.lock:
            if self.sent >= self.max_requests or time.perf_counter() - self.began >= self.duration:
                return False
            self.sent += 1
            return True

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        names = list(self.kinds)
        weights = [self.kinds[n][0] for n in names]
        client = endpoint_bench.Client(self.port, timeout=self.timeout)
        mine = []
        while self._ticket():
            kind = rng.choices(names, weights)[0]
            target, headers = self.kinds[kind][1](rng)
            started = time.perf_counter()
            try:
                status, error = client.get(target, headers), ""
                if not 200 <= status < 300:
                    error = f"{target[:300]} -> {client.last_body[:300]!r}"
            except (OSError, ValueError) as exc:  # timeouts, resets, a malformed answer
                status, error = 0, f"{target[:300]} -> {type(exc).__name__}: {exc}"
                client = endpoint_bench.Client(self.port, timeout=self.timeout)
            mine.append(Done(kind, started - self.began, time.perf_counter() - started, status, error))
        with self.lock:
            self.done += mine

    def run(self) -> dict:
        """Run the clients; those still busy past the hard cap (duration + request timeout + 5 s) are
        abandoned and counted."""
        self.began = time.perf_counter()
        threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        cap = self.began + self.duration + self.timeout + 5
        for thread in threads:
            thread.join(max(0.0, cap - time.perf_counter()))
        elapsed = time.perf_counter() - self.began
        with self.lock:
            done = list(self.done)
        return {"elapsed_s": round(elapsed, 2), "abandoned_clients": sum(t.is_alive() for t in threads), "done": done}


#: What each memory sample holds: seconds since the start, then MB summed over the server and its
#: descendants (resident in all; anonymous: heaps, stacks, RocksDB's block caches, Python objects; file
#: pages: the store's files and the libraries mapped, which the kernel can reclaim; shared memory), the
#: anonymous MB of the app process (granian's worker running Flask, with the answer cache) and of the
#: query workers together, the server process's own resident MB, and how many processes were counted.
SAMPLE = ("s", "rss_mb", "anon_mb", "file_mb", "shmem_mb", "app_anon_mb", "workers_anon_mb", "server_rss_mb",
          "processes")
FIELDS = {"rss_mb": "VmRSS", "anon_mb": "RssAnon", "file_mb": "RssFile", "shmem_mb": "RssShmem"}


def process_role(pid: int) -> str:
    """``app`` for the process running the Flask app (started by multiprocessing's spawn), ``worker``
    for a query worker (forked by the forkserver, whose command line it keeps), else ``other``."""
    def command(of: int) -> str:
        return Path(f"/proc/{of}/cmdline").read_bytes().decode(errors="replace")

    try:
        mine = command(pid)
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        if "spawn_main" in mine:
            return "app"
        if "forkserver" in mine and "forkserver" in command(parent):
            return "worker"
    except (OSError, ValueError, IndexError):
        pass
    return "other"


class Memory:
    """Samples the memory of a process with its descendants (``SAMPLE``) every ``every`` seconds, in a
    thread; ``pids`` collects every process seen, so that replaced query workers can be counted."""

    def __init__(self, pid: int, every: float = 1.0) -> None:
        self.pid, self.every = pid, every
        self.samples: list[dict] = []
        self.pids: set[int] = set()
        self.roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self, seconds: float) -> dict:
        tree = compare.tree_memory(self.pid, tuple(FIELDS.values()))
        alone = compare.tree_memory(self.pid, ("VmRSS",), descendants=False)
        self.pids.update(tree["pids"])
        anon = {"app": 0.0, "worker": 0.0, "other": 0.0}
        for pid in tree["pids"]:
            role = self.roles.setdefault(pid, process_role(pid))
            anon[role] += compare.tree_memory(pid, ("RssAnon",), descendants=False)["RssAnon"]
        return {"s": seconds, **{key: tree[field] for key, field in FIELDS.items()},
                "app_anon_mb": round(anon["app"], 1), "workers_anon_mb": round(anon["worker"], 1),
                "server_rss_mb": alone["VmRSS"], "processes": len(tree["pids"])}

    def _run(self) -> None:
        began = time.perf_counter()
        while not self._stop.is_set():
            self.samples.append(self.sample(round(time.perf_counter() - began, 1)))
            self._stop.wait(self.every)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def memory_summary(samples: list[dict], warmup: float, limit: float = 0.05, window: float = 10.0) -> dict:
    """Memory after the warm-up against memory at the end, for resident memory in all, its anonymous
    part, its file pages (each summed over the server and its descendants) and the server process
    alone. Each figure is the median of the samples of a ``window`` of seconds (ending at the end of
    the warm-up, and at the end) so that one query's passing peak does not decide; the peak is the
    largest sample. ``grew`` when anonymous memory (what a leak or an unbounded cache would hold;
    file pages are the kernel's to reclaim) ends more than ``limit`` above its figure after the
    warm-up. ``anon_mb_per_min`` is the slope of a least-squares line through the anonymous samples
    after the warm-up: a leak keeps it positive however long the run."""
    end = samples[-1]["s"]
    warmup = min(warmup, end)

    def median(key: str, until: float) -> float:
        values = sorted(s[key] for s in samples if until - window <= s["s"] <= until) or [samples[-1][key]]
        return values[len(values) // 2]

    kinds = {}
    for key in ("rss_mb", "anon_mb", "file_mb", "app_anon_mb", "workers_anon_mb", "server_rss_mb"):
        before, after = median(key, warmup), median(key, end)
        kinds[key[:-3]] = {"warmup_end_mb": before, "end_mb": after, "peak_mb": max(s[key] for s in samples),
                           "growth_pct": round(100 * (after - before) / before, 1) if before else 0.0}
    after_warmup = [(s["s"], s["anon_mb"]) for s in samples if s["s"] >= warmup]
    return {"warmup_s": warmup, "end_s": end, "window_s": window, "limit_pct": round(100 * limit, 1), **kinds,
            "anon_mb_per_min": round(60 * _slope(after_warmup), 2), "grew": kinds["anon"]["growth_pct"] > 100 * limit}


def _slope(points: list[tuple[float, float]]) -> float:
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def figures(done: list[Done], seconds: float) -> dict:
    errors = [d for d in done if not 200 <= d.status < 300]
    return {"requests": len(done), "errors": len(errors), "requests_per_s": round(len(done) / seconds, 1),
            **endpoint_bench.percentiles([d.seconds for d in done] or [0.0])}


def summarise(done: list[Done], elapsed: float) -> dict:
    per_kind = {}
    for kind in sorted({d.kind for d in done}):
        per_kind[kind] = figures([d for d in done if d.kind == kind], elapsed)
    errors = [d for d in done if not 200 <= d.status < 300]
    by_status: dict[str, int] = {}
    for d in errors:
        by_status[str(d.status or "no answer")] = by_status.get(str(d.status or "no answer"), 0) + 1
    return {"total": figures(done, elapsed), "per_kind": per_kind, "errors_by_status": by_status,
            "error_samples": [{"kind": d.kind, "status": d.status, "at_s": round(d.started, 2), "what": d.error}
                              for d in errors[:20]]}


def server_log_findings(log: Path, most: int = 60) -> list[str]:
    """The log lines that are not 2xx request lines (start-up, warnings, errors, tracebacks)."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return [line for line in lines if not ANSWERED.search(line)][-most:]


# ---------------------------------------------------------------- report

def markdown(report: dict) -> str:
    s, t, m = report["settings"], report["summary"]["total"], report["memory"]
    lines = [f"### Load: {s['clients']} clients for {report['elapsed_s']:g} s, {report['date']}", "",
             f"{compare.platform_line(report['machine'], report['versions'])}; "
             f"full graph {report['store']['triples']} triples; `rolegraph serve --production` "
             f"({s['threads']} threads, {s['workers']} query workers, {s['query_timeout_s']:g} s query limit, "
             f"result cache {s['result_cache_mb']:g} MB); cap {s['max_requests']} requests.", "",
             "| requests | errors | req/s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|",
             f"| {t['requests']} | {t['errors']} | {t['requests_per_s']} | {t['p50_ms']} | {t['p95_ms']} | {t['p99_ms']} |",
             "", f"Memory summed over the server and its children (forkserver, query workers; "
                 f"{m['processes_seen']} processes seen), MB: the median of the {m['window_s']:g} s ending at the "
                 f"end of the {m['warmup_s']:g} s warm-up, and of the last {m['window_s']:g} s of the run; "
                 "the peak is the largest sample.", "",
             "| memory | after warm-up MB | end MB | growth | peak MB |", "|---|---|---|---|---|"]
    for key, name in (("rss", "resident (all)"), ("anon", "anonymous"), ("file", "file pages"),
                      ("app_anon", "anonymous, app process"), ("workers_anon", "anonymous, query workers"),
                      ("server_rss", "resident, server process alone")):
        k = m[key]
        lines.append(f"| {name} | {k['warmup_end_mb']} | {k['end_mb']} | {k['growth_pct']:+} % | {k['peak_mb']} |")
    lines += ["", f"Anonymous memory after the warm-up: {m['anon_mb_per_min']:+} MB/min (least-squares slope). "
                  f"Grew (anonymous memory ends more than {m['limit_pct']:g} % above its figure after the warm-up): "
                  f"{'**yes**' if m['grew'] else 'no'}.",
             "", "| kind | requests | errors | req/s | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|---|---|"]
    for kind, f in report["summary"]["per_kind"].items():
        lines.append(f"| {kind} | {f['requests']} | {f['errors']} | {f['requests_per_s']} | {f['p50_ms']} | "
                     f"{f['p95_ms']} | {f['p99_ms']} |")
    if report["summary"]["errors_by_status"] or report["server_exited"] is not None or report["abandoned_clients"]:
        lines += ["", f"Errors by status: {report['summary']['errors_by_status']}; abandoned clients: "
                      f"{report['abandoned_clients']}; server exited: {report['server_exited']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    from rolegraph.core.settings import BY_NAME, defaults

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="the full store to serve (built there first when the folder does not exist)")
    parser.add_argument("--reference", default=str(ROOT.parent / "shared" / "reference"),
                        help="folder of the ESCO and ROME exports and the seeds (for a build)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients, one keep-alive connection each")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=200_000, help="requests sent at most")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up before memory must stop growing "
                                                      "(default: half of --duration)")
    parser.add_argument("--request-timeout", type=float, default=30, help="seconds a client waits for an answer")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--threads", type=int, default=8, help="request threads of the server")
    parser.add_argument("--workers", type=int, default=BY_NAME["query_workers"].default, help="query worker processes")
    parser.add_argument("--cache-mb", type=float, default=BY_NAME["result_cache_mb"].default, help="result cache of the server")
    parser.add_argument("--out", default=str(BENCH / "results" / "load.json"), help="JSON report (a .md table beside it)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rolegraph-load-") as tmp:
        store = Path(args.store) if args.store else Path(tmp) / "store"
        steps = [] if store.exists() else build_full_graph(store, Path(args.reference))
        log_path = Path(tempfile.gettempdir()) / f"rolegraph-load-server-{os.getpid()}.log"
        log_path.unlink(missing_ok=True)  # the server appends to it
        server = endpoint_bench.start_server(str(store), args.workers, args.threads, args.cache_mb, args.port, log_path)
        port = server.port
        try:
            subjects = read_subjects(endpoint_bench.Client(port))
            kinds = mix(subjects, BY_NAME["base_iri"].default)
            print(f"serving {sum(subjects.graphs.values())} triples on 127.0.0.1:{port}; {len(kinds)} kinds of "
                  f"request; {args.clients} clients for {args.duration:g} s (log: {log_path})", flush=True)
            with Memory(server.process.pid) as memory:
                outcome = Load(port, kinds, args.clients, args.duration, args.max_requests, args.request_timeout).run()
            peak_hwm = compare.tree_peak_rss_mb(server.process.pid)
            exited = server.process.poll()
        finally:
            server.stop()

    summary = summarise(outcome["done"], outcome["elapsed_s"])
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": compare.machine(),
              "versions": compare.versions(), "elapsed_s": outcome["elapsed_s"],
              "settings": {"clients": args.clients, "duration_s": args.duration, "max_requests": args.max_requests,
                           "request_timeout_s": args.request_timeout, "threads": args.threads, "workers": args.workers,
                           "result_cache_mb": args.cache_mb, "query_timeout_s": defaults()["query_timeout"],
                           "weights": {kind: weight for kind, (weight, _) in kinds.items()}},
              "store": {"path": str(store) if args.store else None, "built": steps,
                        "triples": sum(subjects.graphs.values()), "graphs": subjects.graphs},
              "summary": summary, "abandoned_clients": outcome["abandoned_clients"], "server_exited": exited,
              "memory": {**memory_summary(memory.samples, args.duration / 2 if args.warmup is None else args.warmup),
                         "peak_vmhwm_sum_mb": peak_hwm,
                         "processes_seen": len(memory.pids), "sample_fields": SAMPLE,
                         "samples": [[sample[key] for key in SAMPLE] for sample in memory.samples]},
              "server_log": str(log_path), "server_log_findings": server_log_findings(log_path)}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    failed = summary["total"]["errors"] or outcome["abandoned_clients"] or exited is not None or report["memory"]["grew"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
