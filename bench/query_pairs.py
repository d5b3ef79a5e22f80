"""A/B of servers on the 25 queries of bench/compare.py, in interleaved rounds: what one noisy run cannot resolve.

Each variant is ``LABEL=SERVER[@PYTHON][:NAME=VALUE,...]``: a server of bench/wrk_bench.py (``oxigraph-server``,
``rolegraph-prefork-nocache`` …), started with the interpreter ``PYTHON`` (another checkout's ``.venv/bin/python``:
its code, run from that checkout) and the environment variables given. In each round every variant runs alone in
turn: each query at one client under wrk (1 s warm-up, then ``--seconds``: p50 and p99), then the cheap query at 8
clients (req/s). The geometric mean of the per-query p50 ratios to ``--reference`` is given per round.

    python bench/query_pairs.py --store PATH [--queries all|a,b] [--rounds 2] [--seconds 2] [--out FILE]
                                ox=oxigraph-server before=rolegraph-prefork-nocache@../main/.venv/bin/python
                                after=rolegraph-prefork-nocache
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import compare  # noqa: E402
import wrk_bench  # noqa: E402
from wrk_bench import serving  # noqa: E402


def variant(text: str) -> dict:
    label, _, rest = text.partition("=")
    server, _, environment = rest.partition(":")
    server, _, python = server.partition("@")
    if server not in wrk_bench.SERVERS:
        raise SystemExit(f"{text}: unknown server {server!r}; known: {', '.join(wrk_bench.SERVERS)}")
    return {"label": label, "server": server, "python": python or None,
            "environment": dict(pair.split("=", 1) for pair in environment.split(",") if pair)}


def started(spec: dict, store: str, tmp: Path) -> wrk_bench.Running:
    """The variant's server, with its interpreter (run from its checkout) and environment."""
    saved_executable, saved_environment, saved_start = sys.executable, dict(os.environ), serving.start
    if spec["python"]:
        checkout = Path(spec["python"]).absolute().parent.parent.parent  # CHECKOUT/.venv/bin/python
        sys.executable = spec["python"]
        serving.start = lambda command, *a, **k: saved_start(command, *a, **{**k, "cwd": checkout})
    os.environ.update(spec["environment"])
    try:
        return wrk_bench.Running(spec["server"], store, tmp, 10)
    finally:
        sys.executable, serving.start = saved_executable, saved_start
        os.environ.clear()
        os.environ.update(saved_environment)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--store", required=True)
    parser.add_argument("--queries", default="all")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--reference", default="oxigraph-server", help="the server ratios are taken to")
    parser.add_argument("--out")
    args = parser.parse_args()
    specs = [variant(v) for v in args.variants]
    texts = compare.workload(wrk_bench.pick_subjects(args.store))
    names = list(texts) if args.queries == "all" else args.queries.split(",")
    results: dict = {spec["label"]: {"variant": spec, "queries": {}, "cheap_x8_rps": []} for spec in specs}
    began = time.time()
    with tempfile.TemporaryDirectory(prefix="rolegraph-pairs-") as folder:
        for round_ in range(args.rounds):
            for spec in specs:
                server = started(spec, args.store, Path(folder))
                row = results[spec["label"]]
                try:
                    for name in names:
                        media = wrk_bench.accept(texts[name])
                        wrk_bench.wrk(server.url(texts[name]), 1, 1, media=media)
                        run = wrk_bench.wrk(server.url(texts[name]), 1, args.seconds, media=media)
                        row["queries"].setdefault(name, []).append({"p50_ms": run["p50_ms"], "p99_ms": run["p99_ms"]})
                    row["cheap_x8_rps"].append(wrk_bench.wrk(server.url(texts["label-exact"]), 8, 3)["requests_per_s"])
                finally:
                    server.stop()
                print(f"round {round_} {spec['label']}: cheap x8 {row['cheap_x8_rps'][-1]} req/s", flush=True)
    reference = next((label for label, r in results.items() if r["variant"]["server"] == args.reference), None)
    lines = ["| query | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(" / ".join(f"{s['p50_ms']:g}" for s in r["queries"][name])
                                               for r in results.values()) + " |")
    lines.append("| cheap ×8 req/s | " + " | ".join(" / ".join(f"{v:,.0f}" for v in r["cheap_x8_rps"])
                                                 for r in results.values()) + " |")
    if reference:
        for label, r in results.items():
            r["geomean_per_round"] = [round(math.exp(sum(math.log(r["queries"][n][i]["p50_ms"]
                                                               / results[reference]["queries"][n][i]["p50_ms"])
                                                      for n in names) / len(names)), 3) for i in range(args.rounds)]
        lines.append(f"| geomean of p50 ratios to {reference}, per round | "
                     + " | ".join(" / ".join(map(str, r["geomean_per_round"])) for r in results.values()) + " |")
    markdown = "\n".join(lines)
    print(markdown)
    if args.out:
        report = {"store": args.store, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                  "seconds": round(time.time() - began, 1),
                  "machine": compare.platform_line(compare.machine(), compare.versions()),
                  "queries": {n: texts[n] for n in names}, "results": results}
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
        Path(args.out).with_suffix(".md").write_text(markdown + "\n")


if __name__ == "__main__":
    main()
