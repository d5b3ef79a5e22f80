"""How long linking takes on a store with the real exports imported, each run in a new process: the first reads the
taxonomies' labels from the store (cold) and leaves their tables in a cache folder; the next ones, like a build that
changed no taxonomy, read the tables from there. With ``--against PYTHON`` (another checkout's interpreter, e.g.
main's .venv/bin/python) the same runs alternate with that code's, each with its own cache folder, so the two are
compared side by side on a noisy machine.

Usage: python bench/link_bench.py STORE [--runs N] [--against PYTHON]"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BASE = "https://w3id.org/rolegraph/id/"
#: What a new process runs: the imports, then find_links timed (the tables and the curated verdicts from ``cache``).
FRESH = """
import json, sys, time
started = time.perf_counter()
from rolegraph.core.store import open_read_only
from rolegraph.loader import link
from rolegraph.loader.lexicon import load_lexicon
imported = time.perf_counter()
store, lexicon = open_read_only(sys.argv[1]), load_lexicon()
begun = time.perf_counter()
result = link.find_links(store, sys.argv[2], lexicon, link.LinkOptions(cache=sys.argv[3]))
linked = time.perf_counter()
again = link.find_links(store, sys.argv[2], lexicon, link.LinkOptions(cache=sys.argv[3]))
print(json.dumps({"imports": imported - started, "find_links": linked - begun, "warm": time.perf_counter() - linked,
                  "links": len(result.links), "candidates": len(result.candidates)}))
"""


def fresh(python: str, store: str, cache: str) -> dict:
    started = time.perf_counter()
    out = subprocess.run([python, "-c", FRESH, store, BASE, cache], check=True, capture_output=True, text=True)
    found = json.loads(out.stdout)
    found["process"] = time.perf_counter() - started
    return found


def line(name: str, f: dict) -> str:
    return (f"{name:10} find_links {f['find_links']:.2f} s, warm {f['warm']:.2f} s (imports {f['imports']:.2f} s, "
            f"whole process {f['process']:.2f} s), {f['links']} links, {f['candidates']} candidates")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", help="the interpreter of the code to compare with")
    args = parser.parse_args()
    pythons = {"this": sys.executable, **({"against": args.against} if args.against else {})}
    caches = {name: tempfile.mkdtemp() for name in pythons}
    try:
        for name, python in pythons.items():
            print("cold     " + line(name, fresh(python, args.store, caches[name])))
        runs = {name: [] for name in pythons}
        for _ in range(args.runs):
            for name, python in pythons.items():
                runs[name].append(fresh(python, args.store, caches[name]))
                print("cached   " + line(name, runs[name][-1]))
        medians = {name: {k: statistics.median(r[k] for r in found) for k in ("find_links", "warm", "process")}
                   for name, found in runs.items()}
        for name, m in medians.items():
            print(f"median {name}: find_links {m['find_links']:.2f} s, warm {m['warm']:.2f} s, process {m['process']:.2f} s")
        if args.against:
            print("ratio against/this, find_links in a new process: %.2f" %
                  (medians["against"]["find_links"] / medians["this"]["find_links"]))
    finally:
        for cache in caches.values():
            shutil.rmtree(cache)
