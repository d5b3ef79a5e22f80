"""Our endpoint against other SPARQL engines on the same synthetic graph (bench/generate.py).

Engines, one at a time on the shared CPUs: ``oxigraph-server`` (the reference every ratio is taken
against), ``rolegraph`` (our production server over HTTP as it is run, answer cache on),
``rolegraph-nocache`` (the same with the answer cache off: every request reaches a query worker), ``pyoxigraph`` (our
store in-process), ``rdflib`` (an in-memory Dataset, union default graph, in-process) and
``rdflib-endpoint`` (the same over HTTP). Each gets the same queries serialised the same way (SPARQL
JSON, graphs as Turtle): load time, peak RSS, per-query median and p95 with bounded repeats and a
time cap ("timeout" when a run exceeds it), then requests/s under 8 and 32 concurrent clients on a
cheap and a mid query for the servers.

    python bench/compare.py --scale small|full [--repeat N] [--cap S] [--seconds S] [--engines a,b]

Writes bench/results/compare-<scale>.json and compare-<scale>.md.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import endpoint_bench  # noqa: E402
import serving  # noqa: E402  (on the path endpoint_bench sets)
import generate  # noqa: E402

REFERENCE = "oxigraph-server"
ENGINES = (REFERENCE, "rolegraph", "rolegraph-nocache", "pyoxigraph", "rdflib", "rdflib-endpoint")
SERVERS = {REFERENCE, "rolegraph", "rolegraph-nocache", "rdflib-endpoint"}
#: Megabytes of answer cache of each of our server variants (64 is the setting's default).
CACHE_MB = {"rolegraph": 64, "rolegraph-nocache": 0}
LOAD = {"cheap": "label-exact", "mid": "role-tools"}
NAMED = ("role-tools", "role-competencies", "role-career", "role-salaries", "skill-gap", "roles-for-entity",
         "roles-for-label", "entity-labels", "entity-evidence", "fact-evidence", "single-source-facts",
         "counts", "roles")


def workload(subjects: dict[str, str]) -> dict[str, str]:
    """Name → SPARQL text: the named queries that fit the synthetic graph, then representative ones."""
    from rolegraph import queries
    from rolegraph.core.vocabulary import sparql_prologue

    s = subjects
    values = {"role": s["role"], "entity": s["tool"], "label": s["tool_label"], "current": s["other_role"],
              "target": s["role"], "value": s["fact_value"]}
    texts = {}
    for name in NAMED:
        query = queries.get(name)
        texts[name] = query.bind({p.name: values[p.name] for p in query.parameters})
    p = sparql_prologue()
    representative = {
        "label-exact": f'SELECT ?e WHERE {{ ?e skos:prefLabel "{s["tool_label"]}"@en }}',
        "label-ci": f'SELECT ?e ?l WHERE {{ ?e skos:prefLabel ?l FILTER (LCASE(STR(?l)) = "{s["tool_label"].lower()}") }}',
        "skills-of-role": f'SELECT ?c ?l WHERE {{ <{s["role"]}> rg:requiresCompetency ?c . '
                          f'?c skos:prefLabel ?l FILTER (LANG(?l) = "en") }}',
        "roles-for-skill": f'SELECT ?r ?l WHERE {{ ?r rg:requiresCompetency <{s["skill"]}> ; skos:prefLabel ?l }}',
        "career-2-hops": f'SELECT ?mid ?next WHERE {{ <{s["role"]}> rg:progressesTo ?mid . ?mid rg:progressesTo ?next }}',
        "gap-minus": f'SELECT ?c WHERE {{ <{s["role"]}> rg:requiresCompetency ?c '
                     f'MINUS {{ <{s["other_role"]}> rg:requiresCompetency ?c }} }}',
        "top-skills": "SELECT ?c (COUNT(?r) AS ?n) WHERE { ?r rg:requiresCompetency ?c } "
                      "GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 20",
        "text-contains": 'SELECT ?e ?l WHERE { ?e skos:prefLabel ?l FILTER (CONTAINS(LCASE(STR(?l)), "kalo")) }',
        "text-regex": 'SELECT ?e ?l WHERE { ?e skos:prefLabel ?l FILTER (REGEX(?l, "^ka.* design$", "i")) }',
        "construct-neighbourhood": f'CONSTRUCT {{ <{s["role"]}> ?p ?o . ?o skos:prefLabel ?l }} '
                                   f'WHERE {{ <{s["role"]}> ?p ?o OPTIONAL {{ ?o skos:prefLabel ?l }} }}',
        "broader-ancestors": f'SELECT ?a WHERE {{ <{s["deep_skill"]}> skos:broader+ ?a }}',
        "broader-descendants": f'SELECT (COUNT(?d) AS ?n) WHERE {{ ?d skos:broader* <{s["root_skill"]}> }}',
    }
    return {**texts, **{name: p + text for name, text in representative.items()}}


def measure(call, repeat: int, cap: float) -> dict:
    """Median and p95 of ``repeat`` timed runs after a warm-up; a run longer than ``cap`` seconds is a
    timeout, and repeats stop once they have used 2 × ``cap`` (at least one sample is kept)."""
    try:
        started = time.perf_counter()
        size = call()
        first = time.perf_counter() - started
    except TimeoutError:
        return {"status": "timeout"}
    except Exception as exc:  # an engine refusing a query is a result, not a crash of the run
        return {"status": "error", "message": f"{type(exc).__name__}: {exc}"[:300]}
    samples, budget = [], time.perf_counter() + 2 * cap
    for _ in range(repeat):
        if samples and time.perf_counter() > budget:
            break
        started = time.perf_counter()
        try:
            call()
        except TimeoutError:
            return {"status": "timeout"}
        samples.append(time.perf_counter() - started)
    if not samples:
        samples = [first]
    ordered = sorted(samples)
    return {"status": "ok", "median_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3),
            "runs": len(samples), "result": size}


def result_size(body: bytes, construct: bool) -> int:
    """Rows of a SPARQL JSON answer (1/0 for ASK), or triples of a Turtle one: to check engines agree."""
    if construct:
        import pyoxigraph as ox

        return sum(1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else int(data.get("boolean", False))


def is_construct(text: str) -> bool:
    from rolegraph.queries.lexer import query_form

    return query_form(text) == "CONSTRUCT"


# ---------------------------------------------------------------- in-process engines (own process)

def _alarm(signum, frame):
    raise TimeoutError


def run_in_process(spec: dict) -> dict:
    """Load ``spec['data']`` into ``spec['engine']`` in this process and time every query."""
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    if spec["engine"] == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_load(path=spec["data"], format=ox.RdfFormat.N_QUADS)

        def runner(text):
            results = store.query(text, use_default_graph_as_union=True)
            if isinstance(results, ox.QueryTriples):
                return results.serialize(format=ox.RdfFormat.TURTLE)
            return results.serialize(format=ox.QueryResultsFormat.JSON)
    else:
        from rdflib import Dataset

        dataset = Dataset(default_union=True)
        dataset.parse(spec["data"], format="nquads")

        def runner(text):
            result = dataset.query(text)
            return result.serialize(format="turtle" if result.type == "CONSTRUCT" else "json")
    load_s = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = {}
    for name, text in spec["queries"].items():
        construct = is_construct(text)

        def call(text=text, construct=construct):
            signal.setitimer(signal.ITIMER_REAL, spec["cap"])
            try:
                return result_size(runner(text), construct)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        rows[name] = measure(call, spec["repeat"], spec["cap"])
        print(f"  {spec['engine']:16} {name:26} {_brief(rows[name])}", flush=True)
    return {"load_s": round(load_s, 3), "rss_after_load_mb": round(rss_loaded, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "queries": rows}


def in_process(engine: str, data: Path, texts: dict, args, tmp: Path) -> dict:
    spec_path, out_path = tmp / f"{engine}.spec.json", tmp / f"{engine}.out.json"
    spec = {"engine": engine, "data": str(data), "queries": texts, "repeat": args.repeat, "cap": args.cap}
    spec_path.write_text(json.dumps(spec))
    budget = 120 + len(texts) * (3 * args.cap + 5)
    subprocess.run([sys.executable, __file__, "--in-process", str(spec_path), "--out", str(out_path)],
                   check=True, timeout=budget)
    return json.loads(out_path.read_text())


# ---------------------------------------------------------------- servers

def tree_peak_rss_mb(pid: int) -> float:
    """The sum of VmHWM (peak resident set) of ``pid`` and its descendants: an upper bound of the
    peak of their sum, since each peaked on its own."""
    return tree_memory_mb(pid, "VmHWM")


def tree_memory_mb(pid: int, field: str, descendants: bool = True) -> float:
    """The sum of one memory field of /proc/<pid>/status (``VmRSS``, ``VmHWM`` …) over ``pid`` and
    (unless ``descendants`` is false) its descendants; processes gone while walking are skipped."""
    return tree_memory(pid, (field,), descendants)[field]


def tree_memory(pid: int, fields: tuple[str, ...], descendants: bool = True) -> dict[str, float]:
    """Several memory fields of /proc/<pid>/status (``RssAnon``, ``RssFile`` …) in MB, each summed over
    ``pid`` and (unless ``descendants`` is false) its descendants in one walk, so that they describe the
    same processes; ``pids`` lists the processes counted."""
    totals, pids, stack = dict.fromkeys(fields, 0), [], [pid]
    while stack:
        current = stack.pop()
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{current}/status").read_text().splitlines()
                          if ":" in line)
            values = {field: int(status[field].split()[0]) for field in fields}
        except (OSError, KeyError, ValueError):  # gone, or a zombie without memory fields
            continue
        for field, value in values.items():
            totals[field] += value
        pids.append(current)
        if not descendants:
            break
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return {**{field: round(kb / 1024, 1) for field, kb in totals.items()}, "pids": pids}


class Server:
    """One engine behind HTTP: ``start()`` loads the data (timed) and serves it on a free port."""

    def __init__(self, engine: str, data: Path, tmp: Path, cap: float) -> None:
        self.engine, self.data, self.tmp, self.cap = engine, data, tmp, cap
        self.running: serving.Server | None = None
        self.path = "/query" if engine == REFERENCE else "/sparql"
        self.load_s = 0.0

    def start(self) -> None:
        self.port = serving.free_port()
        started = time.perf_counter()
        if self.engine in CACHE_MB:
            root = self.tmp / "rolegraph-store"
            if not root.exists():
                from rolegraph.core.store import publishing
                import pyoxigraph as ox

                with publishing(root) as store:
                    store.bulk_load(path=str(self.data), format=ox.RdfFormat.N_QUADS)
                self.load_s = time.perf_counter() - started
            started = time.perf_counter()
            os.environ["ROLEGRAPH_QUERY_TIMEOUT"] = str(self.cap)
            self.running = endpoint_bench.start_server(str(root), os.cpu_count() or 2, threads=8,
                                                       cache_mb=CACHE_MB[self.engine], port=self.port, log=self.log)
            self.start_s = time.perf_counter() - started
            return
        if self.engine == REFERENCE:
            location = self.tmp / "oxigraph-db"
            if not location.exists():
                subprocess.run([shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph",
                                "load", "--location", str(location), "--file", str(self.data)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
                self.load_s = time.perf_counter() - started
            started = time.perf_counter()
            command = [str(Path(sys.executable).parent / "oxigraph"), "serve-read-only", "--location", str(location),
                       "--bind", f"127.0.0.1:{self.port}", "--union-default-graph", "--timeout-s", str(int(self.cap))]
        else:
            command = [sys.executable, __file__, "--serve-rdflib", str(self.data), "--port", str(self.port)]
        self.running = serving.start(command, f"http://127.0.0.1:{self.port}", health=self.path + "?query=ASK%7B%7D",
                                     log=self.log, cwd=None, timeout=600)
        elapsed = time.perf_counter() - started
        if self.engine == "rdflib-endpoint":
            self.load_s, self.start_s = elapsed, elapsed  # it parses the data on start
        else:
            self.start_s = elapsed

    @property
    def log(self) -> Path:
        return self.tmp / f"{self.engine}.log"

    def stop(self) -> None:
        if self.running:
            self.running.stop()
        self.running = None

    def measure_queries(self, texts: dict, args, skip: set[str]) -> dict:
        rows, restarts = {}, 0
        client = endpoint_bench.Client(self.port, self.path, timeout=args.cap)
        for name, text in texts.items():
            if name in skip:
                rows[name] = {"status": "timeout", "note": "timed out in-process, not sent"}
                continue
            construct = is_construct(text)

            def call(text=text, construct=construct):
                try:
                    status = client.query(text)
                except TimeoutError:
                    raise
                except OSError as exc:
                    raise RuntimeError(f"connection: {exc}") from exc
                if status == 503:  # the server's own time limit
                    raise TimeoutError
                if status != 200:
                    raise RuntimeError(f"HTTP {status}: {client.last_body[:200]!r}")
                return result_size(client.last_body, construct)
            rows[name] = measure(call, args.repeat, args.cap)
            print(f"  {self.engine:16} {name:26} {_brief(rows[name])}", flush=True)
            if rows[name]["status"] != "ok":  # a query may still be running: start afresh
                self.stop()
                self.start()
                restarts += 1
                client = endpoint_bench.Client(self.port, self.path, timeout=args.cap)
        return {"queries": rows, "restarts": restarts}


def serve_rdflib(data: str, port: int) -> None:
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    dataset = Dataset(default_union=True)
    dataset.parse(data, format="nquads")
    app = SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ---------------------------------------------------------------- the run

def _brief(row: dict) -> str:
    if row.get("status") != "ok":
        return row.get("status", "?")
    return f"{row['median_ms']:9.2f} ms  p95 {row['p95_ms']:9.2f}  n={row['runs']:<3} rows={row['result']}"


def choose_subjects(data: Path) -> dict[str, str]:
    """The generator's fixed subjects plus a few read from the data (a fact of the role, a deep skill)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    subjects = generate.subjects("any")
    rg = generate.RG_URI

    def first(text):
        return next(iter(store.query(text, use_default_graph_as_union=True)))[0].value
    subjects["fact_value"] = first(f"SELECT ?v WHERE {{ <{subjects['role']}> <{rg}usesTool> ?v }} ORDER BY ?v LIMIT 1")
    broader = generate.SKOS + "broader"
    subjects["deep_skill"] = first(f"SELECT ?s (COUNT(?a) AS ?n) WHERE {{ ?s <{broader}>+ ?a }} "
                                   "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    subjects["root_skill"] = generate.iri("skill", 1).value
    return subjects


def ratios(results: dict) -> dict:
    """Per engine: median latency over the reference's, per query, and their geometric mean."""
    reference = results[REFERENCE]["queries"]
    summary = {}
    for engine, result in results.items():
        per_query = {}
        for name, row in result["queries"].items():
            base = reference.get(name, {})
            if row.get("status") == "ok" and base.get("status") == "ok" and base["median_ms"] > 0:
                per_query[name] = row["median_ms"] / base["median_ms"]
        worst = max(per_query.items(), key=lambda item: item[1], default=(None, None))
        geomean = math.exp(statistics.fmean(math.log(r) for r in per_query.values() if r > 0)) if per_query else None
        per_query = {name: float(f"{r:.4g}") for name, r in per_query.items()}  # 0.0001234×, not 0.0
        summary[engine] = {"geomean": float(f"{geomean:.4g}") if geomean else None,
                           "worst": float(f"{worst[1]:.4g}") if worst[1] is not None else None,
                           "worst_query": worst[0], "compared": len(per_query),
                           "not_ok": sorted(n for n, r in result["queries"].items() if r.get("status") != "ok"),
                           "per_query": per_query}
    return summary


def versions() -> dict:
    from importlib.metadata import version

    found = {"python": platform.python_version()}
    for package in ("pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "waitress", "uvicorn"):
        try:
            found[package] = version(package)
        except Exception:
            found[package] = None
    return found


def platform_line(machine: dict, versions: dict) -> str:
    """The machine and the engine's versions, as a report's first line says them."""
    return (f"{machine['nproc']} CPUs, {machine['ram_gb']} GB RAM; Python {versions['python']}, "
            f"pyoxigraph {versions['pyoxigraph']}")


def machine() -> dict:
    mem_kb = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "ram_gb": round(mem_kb / 1024 / 1024, 1), "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(generate.SCALES), default="small")
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per query after a warm-up")
    parser.add_argument("--cap", type=float, default=10.0, help="seconds a single run may take before 'timeout'")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each concurrent-load run")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--out", help="JSON path (default bench/results/compare-<scale>.json)")
    parser.add_argument("--in-process", help=argparse.SUPPRESS)
    parser.add_argument("--serve-rdflib", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        Path(args.out).write_text(json.dumps(run_in_process(json.loads(Path(args.in_process).read_text()))))
        return
    if args.serve_rdflib:
        serve_rdflib(args.serve_rdflib, args.port)
        return

    engines = [e for e in ENGINES if e in args.engines.split(",")]
    if REFERENCE not in engines:
        raise SystemExit(f"{REFERENCE} is the reference of every ratio: keep it in --engines")
    out = Path(args.out or BENCH / "results" / f"compare-{args.scale}.json")
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="rolegraph-compare-") as folder:
        tmp = Path(folder)
        data = tmp / f"{args.scale}.nq"
        quads = generate.generate(args.scale, data)
        subjects = choose_subjects(data)
        texts = workload(subjects)
        print(f"{quads} quads, {len(texts)} queries, engines: {', '.join(engines)}", flush=True)
        results, loads = {}, []
        for engine in engines:
            print(f"{engine}:", flush=True)
            if engine not in SERVERS:
                results[engine] = {"kind": "in-process", **in_process(engine, data, texts, args, tmp)}
                continue
            server = Server(engine, data, tmp, args.cap)
            server.start()
            try:
                skip = {n for n, r in results.get("rdflib", {}).get("queries", {}).items()
                        if engine == "rdflib-endpoint" and r.get("status") == "timeout"}
                measured = server.measure_queries(texts, args, skip)
                exits = []  # a server that exited is started again before the next load run, and it is said
                for kind, name in LOAD.items():
                    for clients in (8, 32):
                        restarted = _restart_if_exited(server, exits)
                        row = {"engine": engine, "query": name, "kind": kind, "restarted_before": restarted,
                               **endpoint_bench.load(server.port, texts[name], clients, args.seconds, server.path)}
                        loads.append(row)
                        print(f"  {engine:16} load {kind:5} x{clients:<3} {row['requests_per_s']:8.1f} req/s "
                              f"p50 {row['p50_ms']} p99 {row['p99_ms']} errors {row['errors']}", flush=True)
                _restart_if_exited(server, exits, restart=False)
                results[engine] = {"kind": "http", "load_s": round(server.load_s, 3),
                                   "exited": exits[0]["code"] if exits else None, "exits": exits,
                                   "start_s": round(server.start_s, 3),
                                   "peak_rss_mb": tree_peak_rss_mb(server.running.process.pid), **measured}
            finally:
                server.stop()
    report = {"scale": args.scale, "quads": quads, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
              "seconds": round(time.time() - began, 1), "machine": machine(), "versions": versions(),
              "settings": {"repeat": args.repeat, "cap_s": args.cap, "load_seconds": args.seconds,
                           "rolegraph": {"workers": os.cpu_count(), "threads": 8, "answer_cache_mb": CACHE_MB}},
              "subjects": subjects, "queries": texts, "results": results, "load": loads,
              "ratios": ratios(results), "throughput_ratios": throughput_ratios(loads)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))


def _restart_if_exited(server: Server, exits: list[dict], restart: bool = True) -> bool:
    """When ``server``'s process has exited, note its exit code and the end of its log in ``exits`` and
    (with ``restart``) start it again on the data it loaded; whether that happened."""
    code = server.running.process.poll() if server.running else None
    if code is None:
        return False
    log = server.running.log_text(2000)
    exits.append({"code": code, "log_tail": log})
    print(f"  {server.engine} EXITED with {code}{'; started again' if restart else ''}: {log[-300:]}", flush=True)
    if restart:
        server.start()
    return restart


def throughput_ratios(loads: list[dict]) -> list[dict]:
    by = {(r["engine"], r["kind"], r["clients"]): r["requests_per_s"] for r in loads}
    rows = []
    for (engine, kind, clients), rate in by.items():
        reference = by.get((REFERENCE, kind, clients))
        rdflib_rate = by.get(("rdflib-endpoint", kind, clients))
        rows.append({"engine": engine, "kind": kind, "clients": clients, "requests_per_s": rate,
                     "vs_oxigraph": round(rate / reference, 3) if reference else None,
                     "vs_rdflib_endpoint": round(rate / rdflib_rate, 2) if rdflib_rate else None})
    return rows


def markdown(report: dict) -> str:
    results, ratio = report["results"], report["ratios"]
    engines = list(results)
    m, v = report["machine"], report["versions"]
    lines = [f"### {report['scale']} scale: {report['quads']} quads, {report['date']}", "",
             f"{platform_line(m, v)}, oxigraph server {v['oxigraph']}, rdflib {v['rdflib']}, "
             f"rdflib-endpoint {v['rdflib-endpoint']}; "
             f"{report['settings']['repeat']} runs per query after a warm-up, {report['settings']['cap_s']:g} s cap, "
             f"run took {report['seconds']:g} s.", "",
             "| engine | load s | peak RSS MB | median vs Oxigraph server (geomean) | worst query (ratio) | not ok |",
             "|---|---|---|---|---|---|"]
    for engine in engines:
        r, q = results[engine], ratio[engine]
        worst = f"{q['worst_query']} ({q['worst']}×)" if q["worst_query"] else "—"
        geomean = f"{q['geomean']}× over {q['compared']}" if q["geomean"] else "—"
        lines.append(f"| {engine} | {r['load_s']} | {r['peak_rss_mb']} | {geomean} | {worst} | "
                     f"{', '.join(q['not_ok']) or '—'} |")
    lines += ["", "Median ms per query (ratio to the Oxigraph server; rows = result rows or triples; ≠rows: another count):", "",
              "| query | rows | " + " | ".join(engines) + " |", "|---|---|" + "---|" * len(engines)]
    for name in report["queries"]:
        cells = []
        for engine in engines:
            row = results[engine]["queries"][name]
            if row.get("status") != "ok":
                cells.append("not sent (timed out in-process)" if row.get("note") else row.get("status", "?"))
                continue
            factor = ratio[engine]["per_query"].get(name)
            mark = "" if row["result"] == results[REFERENCE]["queries"][name].get("result") else " ≠rows"
            cells.append(f"{row['median_ms']:.2f}" + (f" ({factor}×)" if factor and engine != REFERENCE else "") + mark)
        lines.append(f"| {name} | {results[REFERENCE]['queries'][name].get('result', '?')} | " + " | ".join(cells) + " |")
    lines += ["", "Concurrent clients (requests/s; latency ms; ratio to the Oxigraph server and to rdflib-endpoint):", "",
              "| engine | query | clients | req/s | p50 | p99 | errors | vs Oxigraph | vs rdflib-endpoint |",
              "|---|---|---|---|---|---|---|---|---|"]
    factors = {(t["engine"], t["kind"], t["clients"]): t for t in report["throughput_ratios"]}
    for row in report["load"]:
        t = factors[(row["engine"], row["kind"], row["clients"])]
        restarted = " (server restarted before)" if row.get("restarted_before") else ""
        lines.append(f"| {row['engine']} | {row['kind']} ({row['query']}) | {row['clients']}{restarted} | "
                     f"{row['requests_per_s']} | {row['p50_ms']} | {row['p99_ms']} | {row['errors']} | "
                     f"{t['vs_oxigraph']} | {t['vs_rdflib_endpoint']} |")
    exits = [(engine, e) for engine, r in report["results"].items() for e in r.get("exits", [])]
    if exits:
        lines += ["", "Servers that exited during the run (each started again before the next load run): " +
                  "; ".join(f"{engine} (exit code {e['code']})" for engine, e in exits) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
