"""Push throughput (triples/s) to an Oxigraph server and to Virtuoso, and the latency of
``serve --backend`` against the same Oxigraph server queried directly, as a ratio in one run.

    python bench/push_bench.py [--store PATH] [--repeat 200] [--out FILE] [--batch-bytes N]
                               [--latency-only] [--compare-with CHECKOUT]

Without ``--store`` the seeds and our samples are built into a temporary store (``--store`` takes a
full store, e.g. one with ESCO and ROME imported). Virtuoso is measured when ``virtuoso-t`` is
installed. Results go to bench/results/push.json (``--out``). ``--latency-only`` pushes once (Oxigraph
server, GSP) and measures the latency; ``--compare-with`` a second checkout (with its own .venv, e.g. an
earlier commit unpacked by ``git archive``) measures its ``serve --backend`` in the same run, side by side.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import HOST, free_port, rolegraph_serve, start  # noqa: E402

from rolegraph.core.naming import DEFAULT_BASE  # noqa: E402
from rolegraph.core.remote import Credentials, Endpoint, read_status  # noqa: E402
from rolegraph.loader.push import BATCH_BYTES, push  # noqa: E402

CHEAP = ["ASK { ?s a <https://w3id.org/rolegraph/ontology#Role> }",
         "SELECT ?r WHERE { ?r a <https://w3id.org/rolegraph/ontology#Role> } LIMIT 10"]


def timed_push(store, endpoint, batch_bytes: int) -> dict:
    result = push(store, endpoint, DEFAULT_BASE, batch_bytes=batch_bytes)
    return {"graphs": len(result.graphs), "triples": result.triples, "seconds": round(result.seconds, 3),
            "triples_per_second": round(result.rate), "mismatches": len(result.mismatches)}


def latency(url: str, path: str, query: str, repeat: int, graphs: list[str] | None = None,
            distinct: bool = False) -> float:
    """Median milliseconds of ``repeat`` POSTed queries on one keep-alive connection; ``distinct`` texts
    (a comment numbered) defeat our answer cache, so that every request reaches the store."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    times = []
    for i in range(repeat):
        fields = [("query", f"{query} # {i}" if distinct else query)] + [("default-graph-uri", g) for g in graphs or []]
        body = urllib.parse.urlencode(fields)
        began = time.perf_counter()
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status == 200, response.status
    connection.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a built store (default: seeds and samples built here)")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "push.json"), help="where the results go")
    parser.add_argument("--batch-bytes", type=int, default=BATCH_BYTES, help="largest request of a push")
    parser.add_argument("--latency-only", action="store_true", help="one push (Oxigraph, GSP), then the latency")
    parser.add_argument("--compare-with", metavar="CHECKOUT", help="another checkout whose serve --backend is "
                        "measured side by side (its .venv/bin/python runs it)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="push-bench-"))
    results: dict = {}
    try:
        store = args.store
        if store is None:
            from rolegraph.loader.build import build
            store = work / "store"
            shared = Path(os.environ.get("ROLEGRAPH_SHARED", ROOT.parent / "shared"))
            build([p for p in (shared / "seeds", ROOT / "data" / "samples") if p.exists()], store, DEFAULT_BASE)
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
        port = free_port()
        with start([oxigraph, "serve", "--location", str(work / "ox"), "--bind", f"{HOST}:{port}"],
                   f"http://{HOST}:{port}", health="/query?query=ASK%7B%7D") as server:
            kinds = (("oxigraph_gsp", f"{server.url}/store"), ("oxigraph_update", None))
            for name, graph_store in kinds[:1] if args.latency_only else kinds:
                endpoint = Endpoint(f"{server.url}/query", f"{server.url}/update", graph_store)
                _drop(endpoint, store)
                results[name] = timed_push(store, endpoint, args.batch_bytes)
                print(name, results[name], flush=True)
            with contextlib.ExitStack() as servers:
                ours = servers.enter_context(_serve(store, server.url))
                other = servers.enter_context(_serve(store, server.url, args.compare_with)) \
                    if args.compare_with else None
                served = sorted(read_status(Endpoint(f"{server.url}/query"), DEFAULT_BASE)["graphs"])
                rows = []
                for query in CHEAP:
                    direct = latency(server.url, "/query", query, args.repeat, served)
                    proxied = latency(ours.url, "/sparql", query, args.repeat, distinct=True)
                    rows.append({"query": query, "direct_ms": round(direct, 3), "backend_ms": round(proxied, 3),
                                 "ratio": round(proxied / direct, 2), "added_ms": round(proxied - direct, 3)})
                    if other is not None:
                        compared = latency(other.url, "/sparql", query, args.repeat, distinct=True)
                        rows[-1].update(compared_ms=round(compared, 3), compared_added_ms=round(compared - direct, 3))
                    print(rows[-1], flush=True)
                results["latency"] = rows
                if args.compare_with:
                    results["compared_with"] = args.compare_with
        if shutil.which("virtuoso-t") and not args.latency_only:
            from test_virtuoso import INI
            folder = work / "virtuoso"
            folder.mkdir()
            http_port = free_port()
            (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql=free_port(), http=http_port))
            with start(["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                       f"http://{HOST}:{http_port}", health="/sparql?query=ASK%7B%7D", cwd=folder, timeout=90) as v:
                credentials = Credentials("dba", "dba", scheme="digest")
                for name, graph_store in (("virtuoso_gsp", f"{v.url}/sparql-graph-crud-auth"), ("virtuoso_update", None)):
                    endpoint = Endpoint(f"{v.url}/sparql", f"{v.url}/sparql-auth", graph_store, credentials, 600)
                    _drop(endpoint, store)
                    try:
                        results[name] = timed_push(store, endpoint, args.batch_bytes)
                    except Exception as error:  # noqa: BLE001 - recorded: a bench reports, never hides
                        results[name] = {"error": str(error)}
                    print(name, results[name], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = Path(args.out)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")


def _serve(store, store_url: str, checkout: str | None = None):
    """``rolegraph serve --production --backend`` on the Oxigraph server, from this checkout or ``checkout``."""
    port = free_port()
    command = rolegraph_serve(store, port, "--backend", f"{store_url}/query", "--threads", "2") + ["--timeout", "10"]
    if checkout is None:
        return start(command, f"http://{HOST}:{port}")
    return start([str(Path(checkout) / ".venv" / "bin" / "python"), *command[1:]], f"http://{HOST}:{port}", cwd=checkout)


def _drop(endpoint: Endpoint, store) -> None:
    """Empty the pushed graphs and the status graph, so that the next push sends everything again."""
    from rolegraph.core.remote import status_graph
    from rolegraph.core.store import open_store

    for graph in open_store(store).open().named_graphs():
        endpoint.update(f"DROP SILENT GRAPH <{graph.value}>")
    endpoint.update(f"DROP SILENT GRAPH <{status_graph(DEFAULT_BASE)}>")


if __name__ == "__main__":
    main()
