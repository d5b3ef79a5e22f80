"""The servers measured with a load generator written in C (wrk), not with a Python client that saturates first.

On one store, each server alone on the machine, in turn: ``oxigraph-server`` (``oxigraph serve-read-only`` on the
store's published generation, the reference of every ratio), ``bare-route`` (our production HTTP server answering
a fixed body: the limit of a Python stack here), ``rolegraph-nocache`` and ``rolegraph`` (``rolegraph serve
--production``, answer cache off and on, queries evaluated in the pool of query processes), and the same two with
prefork evaluation, ``rolegraph-prefork-nocache`` and ``rolegraph-prefork`` (``--evaluation`` picks the designs). For each: a cheap query (one ``skos:prefLabel`` lookup) and a mid one
(the tools of a role with their labels) at 1 client (p50/p99), 8 and 32 clients (req/s, p99, errors); the mixed
workload (4 clients on a full-graph aggregation beside 28 on the mid query); the median of each of the 25 queries
of bench/compare.py at one client and their geometric mean ratio; the server's memory under 32 clients.

    python bench/wrk_bench.py [--store PATH | --quick] [--seconds S] [--mixed-seconds S] [--servers a,b]
                             [--evaluation pool,prefork]

Without ``--store`` (``--quick``) the seeds and our samples are built into a temporary store in seconds. Writes
bench/results/wrk-<store name>.json and .md. wrk 2 threads (1 at one client); the Lua script bench/wrk_report.lua
prints wrk's summary as JSON.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402  (puts tests/ on the path for serving)
import endpoint_bench  # noqa: E402
import serving  # noqa: E402

REFERENCE = "oxigraph-server"
#: rolegraph served with each evaluation design (settings' ``evaluation``), answer cache off and on: the
#: pool's servers keep their plain names.
DESIGNS = ("pool", "prefork")
ROLEGRAPHS = {f"rolegraph{'' if design == 'pool' else '-' + design}{suffix}": (design, cache)
              for design in DESIGNS for suffix, cache in (("-nocache", 0), ("", 64))}
SERVERS = (REFERENCE, "bare-route", *ROLEGRAPHS)
THREADS = 8  # request threads of our server (rolegraph serve's default)
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
LUA = BENCH / "wrk_report.lua"
HEAVY = "SELECT ?s (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ORDER BY DESC(?n) LIMIT 20"
#: The mixed workload: clients on the heavy aggregation, clients on the mid query.
MIXED = {"heavy": 4, "mid": 28}


def pick_subjects(location: str) -> dict[str, str]:
    """What bench/compare.py's queries are bound to, read from the store: the role with most tools, one of its
    tools and that tool's English label, another role, a skill of the role, the deepest skill and a root skill."""
    from rolegraph.core.store import open_store
    from rolegraph.core.vocabulary import sparql_prologue

    store = open_store(location).open()
    prologue = sparql_prologue()

    def first(text: str, *names: str, otherwise: str | None = None) -> list[str]:
        rows = list(store.query(prologue + text, use_default_graph_as_union=True))
        if not rows and otherwise:  # a store without skill hierarchies: the queries then find nothing
            return [otherwise]
        if not rows:
            raise SystemExit(f"the store at {location} has nothing for: {text}")
        return [rows[0][n].value for n in names]

    role, = first("SELECT ?r (COUNT(?t) AS ?n) WHERE { ?r a rg:Role ; rg:usesTool ?t } GROUP BY ?r "
                  "ORDER BY DESC(?n) ?r LIMIT 1", "r")
    tool, label = first(f"SELECT ?t ?l WHERE {{ <{role}> rg:usesTool ?t . ?t skos:prefLabel ?l "
                        "FILTER (LANG(?l) = 'en') } ORDER BY ?t LIMIT 1", "t", "l")
    other, = first(f"SELECT ?r WHERE {{ ?r a rg:Role ; rg:requiresCompetency ?c FILTER (?r != <{role}>) }} "
                   "ORDER BY ?r LIMIT 1", "r")
    skill, = first(f"SELECT ?c WHERE {{ <{role}> rg:requiresCompetency ?c }} ORDER BY ?c LIMIT 1", "c")
    deep, = first("SELECT ?s (COUNT(?a) AS ?n) WHERE { ?s skos:broader/skos:broader/skos:broader ?a } "
                  "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1", "s", otherwise=skill)
    root, = first("SELECT ?a (COUNT(?d) AS ?n) WHERE { ?d skos:broader ?a FILTER NOT EXISTS { ?a skos:broader ?x } } "
                  "GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 1", "a", otherwise=skill)
    return {"role": role, "other_role": other, "tool": tool, "tool_label": label, "skill": skill,
            "fact_value": tool, "deep_skill": deep, "root_skill": root}


def accept(text: str) -> str:
    """What a client asks for: SPARQL JSON, or Turtle for a graph (as bench/compare.py does)."""
    return TURTLE if compare.is_construct(text) else JSON_RESULTS


def wrk(url: str, clients: int, seconds: float, timeout: float = 30, media: str = JSON_RESULTS,
        threads: int = 2) -> dict:
    """One wrk run of ``clients`` connections for ``seconds`` on ``url`` (a GET whose query string holds the
    query), asking for ``media``: requests/s, latency percentiles in ms, errors (non-2xx answers included)."""
    command = ["wrk", "-t", str(min(threads, clients)), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout",
               f"{timeout:g}s", "-s", str(LUA), "-H", f"Accept: {media}", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 30)
    line = next((ln for ln in reversed(done.stdout.splitlines()) if ln.startswith("{")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout[-500:]}")
    raw = json.loads(line)
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"clients": clients, "requests": raw["requests"], "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000, "max_ms": raw["max_us"] / 1000,
            "mean_ms": round(raw["mean_us"] / 1000, 3), "errors": errors,
            "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout") if raw[k]}}


class Running:
    """One server of the bench, started alone: ``url(text)`` is the GET URL of a query."""

    def __init__(self, name: str, store: str, tmp: Path, timeout: float) -> None:
        self.name, self.port = name, serving.free_port()
        self.path = "/query" if name == REFERENCE else "/sparql"
        log = tmp / f"{name}.log"
        base = f"http://127.0.0.1:{self.port}"
        if name in ROLEGRAPHS:
            evaluation, cache_mb = ROLEGRAPHS[name]
            os.environ["ROLEGRAPH_QUERY_TIMEOUT"] = str(timeout)
            os.environ["ROLEGRAPH_EVALUATION"] = evaluation
            self.server = endpoint_bench.start_server(store, os.cpu_count() or 2, threads=THREADS,
                                                      cache_mb=cache_mb, port=self.port, log=log)
        elif name == "bare-route":
            # The layout of the rolegraph servers of this run: their workers, threads and evaluation (pinning).
            os.environ["ROLEGRAPH_EVALUATION"] = "prefork"
            command = [sys.executable, str(BENCH / "bare_route.py"), "--port", str(self.port), "--threads", str(THREADS),
                       "--workers", str(os.cpu_count() or 2)]
            self.server = serving.start(command, base, health="/", log=log)
        else:
            from rolegraph.core.store import current_generation

            oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
            # Without --timeout-s: with it, oxigraph 0.5 starts a thread per query and, under wrk, soon fails
            # ("failed to allocate an alternative stack") and exits; its heavy queries then run to the end.
            command = [oxigraph, "serve-read-only", "--location", str(current_generation(store)), "--bind",
                       f"127.0.0.1:{self.port}", "--union-default-graph"]
            self.server = serving.start(command, base, health="/query?query=ASK%7B%7D", log=log, cwd=None, timeout=120)

    def url(self, text: str) -> str:
        return f"{self.server.url}{self.path}?{urllib.parse.urlencode({'query': text})}"

    def fetch(self, text: str, timeout: float) -> tuple[int, bytes, float]:
        request = urllib.request.Request(self.url(text), headers={"Accept": accept(text)})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(), time.perf_counter() - started
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), time.perf_counter() - started

    def stop(self) -> None:
        self.server.stop()


class MemoryWatch:
    """Samples the resident memory of a server's process tree every ``every`` seconds while it runs."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.samples = pid, every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            memory = compare.tree_memory(self.pid, ("VmRSS", "RssAnon"))
            self.samples.append((memory["VmRSS"], memory["RssAnon"]))
            self._stop.wait(self.every)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


def per_query(server: Running, texts: dict[str, str], seconds: float, cap: float) -> dict:
    """The median latency of each query at one client (wrk for ``seconds``; a query slower than a quarter of
    that is timed by 3 plain requests instead), and its answer's row count, to check the servers agree."""
    rows = {}
    for name, text in texts.items():
        status, body, elapsed = server.fetch(text, cap + 5)
        if status != 200:
            rows[name] = {"status": f"HTTP {status}", "message": body[:200].decode("utf-8", "replace")}
        else:
            size = compare.result_size(body, compare.is_construct(text))
            if elapsed > seconds / 4:
                times = [elapsed] + [server.fetch(text, cap + 5)[2] for _ in range(2)]
                median = sorted(times)[1] * 1000
            else:
                median = wrk(server.url(text), 1, seconds, media=accept(text))["p50_ms"]
            rows[name] = {"status": "ok", "median_ms": round(median, 3), "result": size}
        print(f"  {server.name:18} {name:26} {rows[name].get('median_ms', rows[name]['status'])}", flush=True)
    return rows


def mixed(server: Running, texts: dict[str, str], seconds: float) -> dict:
    """The heavy aggregation and the mid query at once, on their own wrk processes (one thread each)."""
    outcome: dict = {}

    def run(kind: str, text: str, clients: int) -> None:
        outcome[kind] = wrk(server.url(text), clients, seconds, threads=1)

    threads = [threading.Thread(target=run, args=(kind, HEAVY if kind == "heavy" else texts["role-tools"], clients))
               for kind, clients in MIXED.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def measure(name: str, args, store: str, texts: dict[str, str], tmp: Path) -> dict:
    server = Running(name, store, tmp, args.timeout)
    result: dict = {"load": {}}
    try:
        load_texts = {"cheap": texts["label-exact"], "mid": texts["role-tools"]}
        for kind, text in load_texts.items():
            wrk(server.url(text), 8, 1)  # warm-up: store pages, workers, the answer cache
            for clients in (1, 8, 32):
                if clients == 32:
                    with MemoryWatch(server.server.process.pid) as watch:
                        row = wrk(server.url(text), clients, args.seconds)
                    row["rss_mb"] = _memory(watch.samples)
                else:
                    row = wrk(server.url(text), clients, args.seconds)
                result["load"][f"{kind}-{clients}"] = row
                print(f"  {name:18} {kind:5} x{clients:<3} {row['requests_per_s']:9.1f} req/s  p50 {row['p50_ms']:.3f}"
                      f"  p99 {row['p99_ms']:.3f} ms  errors {row['errors']}", flush=True)
        if name == "bare-route":
            return result
        # The 25 queries before the mixed workload, whose heavy queries may still be running when it ends.
        result["queries"] = per_query(server, texts, args.query_seconds, args.timeout)
        result["mixed"] = mixed(server, texts, args.mixed_seconds)
        print(f"  {name:18} mixed {result['mixed']}", flush=True)
        return result
    finally:
        server.stop()


def _memory(samples: list[tuple[float, float]]) -> dict:
    if not samples:
        return {}
    half = len(samples) // 2
    return {"max": max(s[0] for s in samples), "last": samples[-1][0], "anon_max": max(s[1] for s in samples),
            "first_half_max": max(s[0] for s in samples[:half or 1]), "second_half_max": max(s[0] for s in samples[half:])}


def ratios(results: dict) -> dict:
    """Every load figure over the reference's (req/s, p50, p99), and the geometric mean of per-query medians."""
    reference = results[REFERENCE]
    out: dict = {}
    for name, result in results.items():
        load = {}
        for key, row in result["load"].items():
            ref = reference["load"].get(key)
            if ref:
                load[key] = {"requests_per_s": _ratio(row["requests_per_s"], ref["requests_per_s"]),
                             "p50": _ratio(row["p50_ms"], ref["p50_ms"]), "p99": _ratio(row["p99_ms"], ref["p99_ms"])}
        entry = {"load": load}
        if "mixed" in result:
            entry["mixed_mid_requests_per_s"] = _ratio(result["mixed"]["mid"]["requests_per_s"],
                                                       reference["mixed"]["mid"]["requests_per_s"])
        if "queries" in result:
            logs, disagree = [], []
            for query, row in result["queries"].items():
                ref = reference["queries"].get(query, {})
                if row.get("status") == "ok" and ref.get("status") == "ok" and ref["median_ms"] > 0:
                    logs.append(math.log(max(row["median_ms"], 1e-3) / ref["median_ms"]))
                    if row.get("result") != ref.get("result"):
                        disagree.append(query)
            entry["geomean_median_ratio"] = round(math.exp(sum(logs) / len(logs)), 3) if logs else None
            entry["queries_compared"], entry["answers_differ"] = len(logs), disagree
        out[name] = entry
    return out


def _ratio(value: float, reference: float) -> float | None:
    return round(value / reference, 3) if reference else None


def markdown(report: dict) -> str:
    results, ratio = report["results"], report["ratios"]
    names = list(results)
    lines = [f"# wrk bench: {report['store']}", "",
             f"{report['date']}, {report['machine']}; wrk {report['wrk']}; {report['seconds']} s. Each server alone; "
             f"ratios to {REFERENCE} of this run.", "",
             "| figure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    keys = [k for k in results[REFERENCE]["load"]]
    for key in keys:
        for field, label, unit in (("requests_per_s", "req/s", ""), ("p50_ms", "p50", " ms"), ("p99_ms", "p99", " ms")):
            if key.endswith("-1") and field == "requests_per_s" or not key.endswith("-1") and field == "p50_ms":
                continue
            cells = []
            for name in names:
                row = results[name]["load"].get(key)
                if row is None:
                    cells.append("")
                    continue
                metric = "requests_per_s" if field == "requests_per_s" else field.split("_")[0]
                r = ratio[name]["load"][key][metric]
                errors = f", {row['errors']} err" if row["errors"] else ""
                cells.append(f"{row[field]:,.3g}{unit} ({r:.2f}×{errors})" if name != REFERENCE
                             else f"{row[field]:,.3g}{unit}{errors}")
            clients = key.rsplit("-", 1)
            lines.append(f"| {clients[0]} ×{clients[1]} {label} | " + " | ".join(cells) + " |")
    cells = []
    for name in names:
        rss = results[name]["load"].get("mid-32", {}).get("rss_mb", {})
        cells.append(f"{rss.get('max', 0):.0f} MB (2nd half {rss.get('second_half_max', 0):.0f})" if rss else "")
    lines.append("| RSS under 32 clients (mid) | " + " | ".join(cells) + " |")
    for part, label in (("mid", "mixed: mid req/s (mean / max ms)"), ("heavy", "mixed: heavy req/s, errors")):
        cells = []
        for name in names:
            row = results[name].get("mixed", {}).get(part)
            if not row:
                cells.append("")
            elif part == "mid":
                r = ratio[name].get("mixed_mid_requests_per_s")
                cells.append(f"{row['requests_per_s']:,.1f} ({row['mean_ms']:.0f} / {row['max_ms']:.0f} ms"
                             f"{', %d err' % row['errors'] if row['errors'] else ''})"
                             + (f" {r:.2f}×" if name != REFERENCE and r is not None else ""))
            else:
                cells.append(f"{row['requests_per_s']:.2f}, {row['errors']} err")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = [f"{ratio[n]['geomean_median_ratio']}× over {ratio[n]['queries_compared']}"
             if ratio[n].get("geomean_median_ratio") else "" for n in names]
    lines.append("| 25 queries: geomean of medians | " + " | ".join(cells) + " |")
    lines += ["", "Per-query medians at one client (ms):", "", "| query | " + " | ".join(n for n in names if "queries" in results[n]) + " |",
              "|---|" + "---|" * sum("queries" in results[n] for n in names)]
    for query in report["queries"]:
        cells = []
        for name in names:
            if "queries" not in results[name]:
                continue
            row = results[name]["queries"].get(query, {})
            cells.append(f"{row['median_ms']:.3f}" if row.get("status") == "ok" else row.get("status", ""))
        lines.append(f"| {query} | " + " | ".join(cells) + " |")
    differ = {n: ratio[n]["answers_differ"] for n in names if ratio[n].get("answers_differ")}
    if differ:
        lines += ["", f"Row counts differing from {REFERENCE}: {differ}"]
    return "\n".join(lines) + "\n"


def quick_store(tmp: Path) -> str:
    """The seeds and our samples, built into ``tmp``."""
    shared = Path(os.environ.get("ROLEGRAPH_SHARED", ROOT.parent / "shared"))
    store = tmp / "store"
    done = subprocess.run([sys.executable, "-m", "rolegraph", "--store", str(store), "build", str(shared / "seeds"),
                           str(ROOT / "data" / "samples")], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"building the quick store failed:\n{done.stderr[-2000:]}")
    return str(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="a built store (default: the seeds and samples, built for the run)")
    parser.add_argument("--quick", action="store_true", help="short runs (2 s, mixed 5 s)")
    parser.add_argument("--seconds", type=float, help="duration of each load run (default 5, quick 2)")
    parser.add_argument("--mixed-seconds", type=float, help="duration of the mixed workload (default 15, quick 5)")
    parser.add_argument("--query-seconds", type=float, help="wrk time per query of the 25 (default 2, quick 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="query time limit of every server")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--evaluation", default=",".join(DESIGNS),
                        help=f"the evaluation designs rolegraph is served with, of {', '.join(DESIGNS)} (default: both)")
    parser.add_argument("--out", help="JSON path (default bench/results/wrk-<quick|store name>.json)")
    args = parser.parse_args()
    args.seconds = args.seconds or (2 if args.quick else 5)
    args.mixed_seconds = args.mixed_seconds or (5 if args.quick else 15)
    args.query_seconds = args.query_seconds or (1 if args.quick else 2)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: bench/run installs it (apt-get install wrk)")
    designs = args.evaluation.split(",")
    if not set(designs) <= set(DESIGNS):
        raise SystemExit(f"--evaluation {args.evaluation}: expected designs among {', '.join(DESIGNS)}")
    wanted = args.servers.split(",")
    names = [s for s in SERVERS if s in wanted and (s not in ROLEGRAPHS or ROLEGRAPHS[s][0] in designs)]
    if REFERENCE not in names:
        raise SystemExit(f"{REFERENCE} is the reference of every ratio: keep it in --servers")
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="rolegraph-wrk-") as folder:
        tmp = Path(folder)
        store = args.store or quick_store(tmp)
        texts = compare.workload(pick_subjects(store))
        label = "quick" if not args.store else Path(store).name
        print(f"store {store}; {len(texts)} queries; servers {', '.join(names)}", flush=True)
        results = {}
        for name in names:
            print(f"{name}:", flush=True)
            results[name] = measure(name, args, store, texts, tmp)
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    report = {"store": store, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "seconds": round(time.time() - began, 1), "machine": compare.platform_line(compare.machine(), compare.versions()),
              "wrk": (version.stdout + version.stderr).split("\n")[0].strip(),
              "settings": {"load_seconds": args.seconds, "mixed_seconds": args.mixed_seconds, "mixed": MIXED,
                           "query_seconds": args.query_seconds, "timeout_s": args.timeout, "threads": THREADS,
                           "query_workers": os.cpu_count(), "heavy": HEAVY,
                           "evaluation": {name: ROLEGRAPHS[name][0] for name in names if name in ROLEGRAPHS}},
              "queries": texts, "results": results, "ratios": ratios(results)}
    out = Path(args.out or BENCH / "results" / f"wrk-{label}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
