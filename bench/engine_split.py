"""Where a fresh query's time goes: the 25 queries of bench/compare.py timed in-process and over HTTP, in one run.

On one store, one after the other: in this process, on the published generation opened read-only,
``engine`` (pyoxigraph's ``Store.query`` on the union of the graphs, its answer serialised by pyoxigraph, as the
Oxigraph server does), ``rows`` (the same, the solutions read into Python tuples and not written) and ``ours``
(``executor.evaluate`` with the job the endpoint's fast path builds: row cap, base IRI, serialised); then, each
server alone, the median at one client under wrk of ``oxigraph-server`` and of ``rolegraph-prefork-nocache``.
The columns that split the gap: ``ours`` − ``engine`` is what our evaluation adds, the endpoint − ``ours`` what
HTTP and our serving add, against the Oxigraph server's own HTTP path (its median − ``engine``).

    python bench/engine_split.py --store PATH [--repeat 200] [--query-seconds 2] [--servers a,b] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import compare  # noqa: E402
import wrk_bench  # noqa: E402

import pyoxigraph as ox  # noqa: E402

from rolegraph.core import formats  # noqa: E402
from rolegraph.core.store import open_store  # noqa: E402
from rolegraph.server.executor import Job, evaluate  # noqa: E402

#: What the endpoint answers the 25 with: SPARQL JSON, Turtle for a graph (as wrk_bench asks).
SERVERS = ("oxigraph-server", "rolegraph-prefork-nocache")


def timed(call, repeat: int, budget: float) -> float:
    """Median milliseconds of ``repeat`` calls after one warm-up, stopping after ``budget`` seconds."""
    call()
    samples, stop = [], time.perf_counter() + budget
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
        if time.perf_counter() > stop:
            break
    return round(statistics.median(samples) * 1000, 4)


def in_process(location: str, texts: dict[str, str], repeat: int, budget: float, max_rows: int) -> dict:
    snapshot = open_store(location).open()
    rows = {}
    for name, text in texts.items():
        construct = compare.is_construct(text)

        def engine() -> bytes:
            results = snapshot.query(text, use_default_graph_as_union=True)
            if isinstance(results, ox.QueryTriples):
                return results.serialize(format=ox.RdfFormat.TURTLE)
            return results.serialize(format=ox.QueryResultsFormat.JSON)

        def read() -> int:
            return sum(1 for _ in (tuple(s) for s in snapshot.query(text, use_default_graph_as_union=True)))

        job = Job(text, (), (), wrk_bench.JSON_RESULTS, wrk_bench.TURTLE, serialise=True, max_rows=max_rows,
                  base_iri="http://127.0.0.1/sparql")

        def ours() -> bytes:
            return evaluate(snapshot, job).body

        row = {"engine_ms": timed(engine, repeat, budget), "rows_ms": timed(read, repeat, budget),
               "ours_ms": timed(ours, repeat, budget),
               "result": compare.result_size(ours(), construct)}
        rows[name] = row
        print(f"  in-process {name:26} {row}", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per query and column in-process")
    parser.add_argument("--query-seconds", type=float, default=2.0, help="wrk time per query and server")
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--out")
    args = parser.parse_args()
    texts = compare.workload(wrk_bench.pick_subjects(args.store))
    from rolegraph.core.settings import defaults

    max_rows = defaults()["max_rows"]
    began = time.time()
    report: dict = {"store": args.store, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "machine": compare.platform_line(compare.machine(), compare.versions()),
                    "in_process": in_process(args.store, texts, args.repeat, args.budget, max_rows), "servers": {}}
    with tempfile.TemporaryDirectory(prefix="rolegraph-split-") as folder:
        for name in args.servers.split(","):
            server = wrk_bench.Running(name, args.store, Path(folder), args.timeout)
            try:
                report["servers"][name] = wrk_bench.per_query(server, texts, args.query_seconds, args.timeout)
            finally:
                server.stop()
    report["seconds"] = round(time.time() - began, 1)
    report["queries"] = texts
    table = ["| query | rows | engine | rows read | ours in-process | " + " | ".join(report["servers"]) + " |",
             "|---|---|---|---|---|" + "---|" * len(report["servers"])]
    for name, row in report["in_process"].items():
        cells = [str(report["servers"][s].get(name, {}).get("median_ms", "—")) for s in report["servers"]]
        table.append(f"| {name} | {row['result']} | {row['engine_ms']} | {row['rows_ms']} | {row['ours_ms']} | "
                     + " | ".join(cells) + " |")

    def geomean(column) -> float:
        values = [column(n) for n in report["in_process"]]
        return round(math.exp(sum(math.log(v) for v in values) / len(values)), 3)

    engine = lambda n: report["in_process"][n]["engine_ms"]  # noqa: E731
    report["geomeans"] = {"ours_in_process/engine": geomean(lambda n: report["in_process"][n]["ours_ms"] / engine(n))}
    for s in report["servers"]:
        report["geomeans"][f"{s}/engine"] = geomean(lambda n: report["servers"][s][n]["median_ms"] / engine(n))
    if len(report["servers"]) == 2:
        a, b = report["servers"]
        report["geomeans"][f"{b}/{a}"] = geomean(
            lambda n: report["servers"][b][n]["median_ms"] / report["servers"][a][n]["median_ms"])
    markdown = "\n".join(table) + "\n\n" + "\n".join(f"- geomean {k}: {v}" for k, v in report["geomeans"].items())
    print(markdown)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
        Path(args.out).with_suffix(".md").write_text(markdown + "\n")


if __name__ == "__main__":
    main()
