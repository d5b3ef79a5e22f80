"""Loader benchmark: extraction alone and the full build (extract, RDF, SHACL, store) on corpora
of N documents; documents/s, MB/s and peak memory, each measurement in its own process.

    python bench/build_bench.py [--sizes 10,100,1000] [--out bench/results/build.json]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(stage: str, corpus: Path, store: Path) -> dict:
    """Run one stage in this process and report its figures (called in a child process)."""
    from rolegraph.loader.build import build, read_all
    from rolegraph.loader.extract import extract

    files = sorted(corpus.iterdir())
    size = sum(p.stat().st_size for p in files)
    started = time.perf_counter()
    if stage == "extract":
        documents, _ = read_all(files)
        for document in documents:
            extract(document)
        extra = {}
    else:
        result = build(files, store)
        extra = {"triples": result.triples, "facts": result.facts, "violations": len(result.report.violations)}
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stage": stage, "documents": len(files), "megabytes": round(size / 1e6, 3), "seconds": round(seconds, 3),
            "documents_per_s": round(len(files) / seconds, 1), "mb_per_s": round(size / 1e6 / seconds, 3),
            "peak_rss_mb": round(peak_mb, 1), **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "build.json"))
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "CORPUS", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, corpus, store = args.child
        print(json.dumps(measure(stage, Path(corpus), Path(store))))
        return
    from bench.corpus import make_corpus

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = Path(tmp) / f"corpus-{size}"
            make_corpus(corpus, size)
            for stage in ("extract", "build"):
                out = subprocess.run([sys.executable, __file__, "--child", stage, str(corpus), str(Path(tmp) / f"store-{size}")],
                                     capture_output=True, text=True, check=True, cwd=ROOT)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(json.dumps(row), flush=True)
    result = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                          "platform": platform.platform()}, "date": time.strftime("%Y-%m-%d"), "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
