"""Loader benchmark: extraction alone and the full build (extract, RDF, SHACL, store) on corpora
of N documents; documents/s, MB/s and peak memory, each measurement in its own process.

    python bench/build_bench.py [--sizes 10,100,1000,10000] [--out bench/results/build.json]
    python bench/build_bench.py --living 1000 [--reference ../shared/reference] [--out bench/results/living.json]

It ends with the three extraction targets side by side: MB/s on the largest corpus, the MB/s of a
~2 MB document over that of a ~2 KB one (linear cost reads 1.0), and peak RSS of extracting the largest corpus.
``--workers N`` adds, for each corpus, extraction over N forked worker processes: MB/s end to end, and
per CPU-second of all the processes.

``--living N`` measures a living corpus on the full store, each step in its own process, in one run:
a build of N documents, ``import esco`` + ``import rome`` (ESCO v1.1.1, ROME v460), a build of the same
N documents with the taxonomies there (their parts cached and published: a delta), a build of N other
documents (``other``: none built or cached before, the taxonomies there; the build figure of the targets),
then of N more (``again``: the next full build over the same imports, which starts from the base the first kept),
``add`` of one new document and ``remove`` of it (each with its stages), then the home page (Flask's test
client, in process): its first and second requests in a new server process, and its first and second
requests after another process published a generation (the document added again) while that server ran.
Each build reports its stages (seconds, and the peak RSS of the build's process when each ended); worker
processes' peak is the largest worker's. ``--store PATH`` skips the builds and imports: add, remove and the
home page on a copy of a store an earlier run built.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _extract_file(path: Path) -> tuple[int, float, float]:
    """Read and extract one document in a worker of ``--workers``: the worker's pid, CPU-seconds and
    peak RSS (MB) so far."""
    from rolegraph.loader.documents import read_document
    from rolegraph.loader.extract import extract

    extract(read_document(path))
    return os.getpid(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(stage: str, corpus: Path, store: Path, workers: int = 1) -> dict:
    """Run one stage in this process and report its figures (called in a child process)."""
    from rolegraph.loader.build import build
    from rolegraph.loader.documents import read_document
    from rolegraph.loader.extract import extract

    files = sorted(corpus.iterdir())
    size = sum(p.stat().st_size for p in files)
    started, cpu_started = time.perf_counter(), time.process_time()
    if stage == "extract" and workers > 1:  # the documents shared out to worker processes as they finish
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        # the first document in this process, so that the lexicon, the matcher, the lemmatiser's and the
        # language detector's tables are loaded once and the forked workers share them
        extract(read_document(files[0]))
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            last: dict[int, tuple[float, float]] = {}
            for pid, cpu, peak in pool.map(_extract_file, files[1:], chunksize=8):
                last[pid] = max(last.get(pid, (0.0, 0.0)), (cpu, peak))
        # the workers' CPU time counts, so the rate per CPU-second compares with one process's
        # each worker's peak RSS counts the pages it shares with this process since the fork, so the
        # figures do not add up to the memory used
        extra = {"workers": workers, "worker_peak_rss_mb": round(max(peak for _, peak in last.values()), 1),
                 "children_cpu_seconds": round(sum(cpu for cpu, _ in last.values()), 3)}
    elif stage == "extract":  # one document at a time, as a stream of documents would be read
        for path in files:
            extract(read_document(path))
        extra = {}
    else:
        result = build(files, store)
        extra = {"triples": result.triples, "facts": result.facts, "violations": len(result.report.violations),
                 "stages": {k: round(v, 2) for k, v in result.stages.items()},
                 "stage_peak_rss_mb": {k: round(v) for k, v in result.memory.items()},
                 "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    cpu_seconds += extra.get("children_cpu_seconds", 0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stage": f"extract x{workers}" if "workers" in extra else stage, "documents": len(files),
            "megabytes": round(size / 1e6, 3), "seconds": round(seconds, 3),
            "documents_per_s": round(len(files) / seconds, 1), "mb_per_s": round(size / 1e6 / seconds, 3),
            # CPU time too: on a shared machine the wall-clock rate measures the neighbours as well
            "cpu_seconds": round(cpu_seconds, 3), "mb_per_cpu_s": round(size / 1e6 / cpu_seconds, 3),
            "peak_rss_mb": round(peak_mb, 1), **extra}


def scaling(corpus: Path) -> dict:
    """MB/s of extracting one ~2 KB document and one ~2 MB document made of the corpus's texts."""
    from rolegraph.loader.documents import read_document
    from rolegraph.loader.extract import extract

    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    small, big = corpus.parent / "scale-small.txt", corpus.parent / "scale-big.txt"
    small.write_text(texts[0][:2000], encoding="utf-8")
    parts, size = [], 0
    for text in texts * 50:
        if size + len(text.encode()) > 1_900_000:
            break
        parts.append(text)
        size += len(text.encode()) + 1
    big.write_text("\n".join(parts), encoding="utf-8")
    extract(read_document(small))  # the lexicon and matcher, once
    rates = {}
    for path, repeat in ((small, 200), (big, 1)):
        started = time.perf_counter()
        for _ in range(repeat):
            extract(read_document(path))
        rates[path] = path.stat().st_size / 1e6 * repeat / (time.perf_counter() - started)
    return {"stage": "scaling", "small_bytes": small.stat().st_size, "big_bytes": big.stat().st_size,
            "small_mb_per_s": round(rates[small], 3), "big_mb_per_s": round(rates[big], 3),
            "ratio": round(rates[big] / rates[small], 3)}


BASE = "https://w3id.org/rolegraph/id/"


def living_step(step: str, corpus: Path, store: Path, reference: Path) -> dict:
    """One step of ``--living`` in this process (a child): seconds, peak RSS and what it reports."""
    from rolegraph.loader import build as loader

    files = sorted(p for p in corpus.iterdir() if p.name != "extra.md")
    started = time.perf_counter()
    extra: dict = {}
    if step in ("build", "rebuild", "other", "again"):
        if step in ("other", "again"):  # another set of as many documents: nothing of it built or cached before
            files = sorted(p for p in (corpus.parent / step).iterdir())
        result = loader.build(files, store, BASE)
        extra = {"documents": result.documents, "triples": result.triples,
                 "stages": {k: round(v, 2) for k, v in result.stages.items()},
                 "stage_peak_rss_mb": {k: round(v) for k, v in result.memory.items()},
                 # each forkserver worker's own peak (the forkserver waits for them, not this process)
                 "workers": len(result.worker_memory),
                 "worker_peak_rss_mb": round(max(result.worker_memory.values(), default=0.0), 1)}
    elif step == "imports":
        from rolegraph.loader.lexicon import load_lexicon
        from rolegraph.loader.link import cached_in, relink
        from rolegraph.loader.taxonomies.esco import import_esco
        from rolegraph.loader.taxonomies.rome import import_rome

        # As `rolegraph import` relinks: the taxonomies' link tables kept in the store's cache/ folder, where
        # the builds that follow read them (without it the first build made them: 12-14 s of its link stage).
        relinking = lambda written: relink(written, BASE, load_lexicon(), cached_in(store))
        esco = import_esco(store, reference / "esco" / "v1.1.1", BASE, then=relinking)
        rome = import_rome(store, reference / "rome" / "v460", BASE, then=relinking)
        extra = {"triples": esco.triples + rome.triples}
    elif step in ("add", "remove"):
        result = (loader.add([corpus / "extra.md"], store, BASE) if step == "add"
                  else loader.remove(["extra.md"], store, BASE))
        extra = {"documents": result.documents, "stages": {k: round(v, 2) for k, v in result.stages.items()}}
    elif step == "home":
        from rolegraph.server import create_app

        app = create_app({"store": str(store), "base_iri": BASE})
        client = app.test_client()
        extra = {"new_process_first_ms": _home_ms(client)}  # a server just started: templates, tables
        extra["new_process_second_ms"] = _home_ms(client)
        # The case of the target: a running server, and a generation published by another process.
        published = subprocess.run([sys.executable, __file__, "--child", "living-add", str(corpus), str(store),
                                    "--reference", str(reference)], capture_output=True, text=True, check=True,
                                   cwd=ROOT).stdout
        extra["publication"] = json.loads(published.strip().splitlines()[-1])["stage"]
        started = time.perf_counter()
        extra.update(first_ms=_home_ms(client), second_ms=_home_ms(client))
        app.extensions["rolegraph.executor"].close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"stage": f"living {step}", "seconds": round(seconds, 3), "peak_rss_mb": round(peak_mb, 1), **extra}


def _home_ms(client) -> float:
    """Milliseconds of one request of the home page through Flask's test client."""
    started = time.perf_counter()
    assert client.get("/").status_code == 200
    return round((time.perf_counter() - started) * 1000, 1)


def living(count: int, reference: Path, out: Path, built: Path | None = None) -> None:
    """The ``--living`` figures, each step in its own process, written to ``out``; with ``built`` (a store
    of the same N documents and the taxonomies, made by an earlier run), only the steps after the builds,
    on a copy of it."""
    from bench.corpus import make_corpus

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus, store = Path(tmp) / "corpus", Path(tmp) / "store"
        written = make_corpus(corpus, count + 1)
        written[-1].rename(corpus / "extra.md")  # the document added and removed
        make_corpus(Path(tmp) / "other", count, seed=11)
        make_corpus(Path(tmp) / "again", count, seed=12)
        if built is not None:
            subprocess.run(["cp", "-a", str(built), str(store)], check=True)  # hard links stay hard links
        steps = ("build", "imports", "rebuild", "other", "again") if built is None else ()
        for step in (*steps, "add", "remove", "home"):
            out_text = subprocess.run([sys.executable, __file__, "--child", f"living-{step}", str(corpus), str(store),
                                       "--reference", str(reference)],
                                      capture_output=True, text=True, check=True, cwd=ROOT).stdout
            row = json.loads(out_text.strip().splitlines()[-1])
            rows.append(row)
            print(json.dumps(row), flush=True)
    by = {r["stage"].split()[-1]: r for r in rows}
    targets = {"add_s": by["add"]["seconds"], "remove_s": by["remove"]["seconds"],
               "first_home_ms": by["home"]["first_ms"], "new_process_first_home_ms": by["home"]["new_process_first_ms"],
               "documents": count}
    if "other" in by:
        targets.update(add_over_build=round(by["add"]["seconds"] / by["other"]["seconds"], 3),
                       build_s=by["other"]["seconds"], build_peak_rss_mb=by["other"]["peak_rss_mb"],
                       build_worker_peak_rss_mb=by["other"]["worker_peak_rss_mb"],
                       rebuild_same_set_s=by["rebuild"]["seconds"], imports_s=by["imports"]["seconds"])
    if "again" in by:  # the next full build over the same imports (it may start from what the first kept)
        targets.update(build_again_s=by["again"]["seconds"], build_again_peak_rss_mb=by["again"]["peak_rss_mb"])
    print("targets (add < 2 s and < 0.1x build, remove < 2 s, build < 30 s and < 800 MB, imports < 40 s, "
          "first home page < 50 ms):", json.dumps(targets), flush=True)
    result = {"targets": targets, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                              "platform": platform.platform()}, "date": time.strftime("%Y-%m-%d"),
              "rows": rows}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--out", default=None)
    parser.add_argument("--living", type=int, metavar="N", help="Measure add, remove, build, imports and the first "
                        "home page on the full store with N documents.")
    shared = Path(os.environ.get("ROLEGRAPH_SHARED") or ROOT.parent / "shared")
    parser.add_argument("--reference", default=str(shared / "reference"),
                        help="The folder of the ESCO and ROME exports (for --living).")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="Also extract each corpus over N worker processes (documents handed out as they "
                        "finish), beside the one-process run: MB/s end to end, CPU-seconds of all processes.")
    parser.add_argument("--store", default=None, help="With --living: a store of the same N documents and the "
                        "taxonomies that an earlier run built; only add, remove and the home page are measured, on "
                        "a copy of it.")
    parser.add_argument("--child", nargs=3, metavar=("STAGE", "CORPUS", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, corpus, store = args.child
        if stage.startswith("living-"):
            row = living_step(stage.removeprefix("living-"), Path(corpus), Path(store), Path(args.reference))
        else:
            row = scaling(Path(corpus)) if stage == "scaling" else measure(stage, Path(corpus), Path(store),
                                                                           args.workers)
        print(json.dumps(row))
        return
    if args.living:
        living(args.living, Path(args.reference), Path(args.out or ROOT / "bench" / "results" / "living.json"),
               Path(args.store) if args.store else None)
        return
    args.out = args.out or str(ROOT / "bench" / "results" / "build.json")
    from bench.corpus import make_corpus

    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            corpus = Path(tmp) / f"corpus-{size}"
            make_corpus(corpus, size)
            # The full build of the largest corpus is left out when it is only there for memory.
            stages = ("extract",) if size >= 10_000 else ("extract", "build")
            runs = [(stage, 1) for stage in stages] + ([("extract", args.workers)] if args.workers > 1 else [])
            for stage, workers in runs + ([("scaling", 1)] if size == sizes[-1] else []):
                out = subprocess.run([sys.executable, __file__, "--child", stage, str(corpus), str(Path(tmp) / f"store-{size}"),
                                      "--workers", str(workers)],
                                     capture_output=True, text=True, check=True, cwd=ROOT)
                row = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(json.dumps(row), flush=True)
    extracted = [r for r in rows if r["stage"] == "extract"][-1]
    parallel = [r for r in rows if r["stage"].startswith("extract x")]
    scaled = [r for r in rows if r["stage"] == "scaling"][-1]
    targets = {"extract_mb_per_s": extracted["mb_per_s"], "extract_mb_per_cpu_s": extracted["mb_per_cpu_s"],
               **({f"extract_x{args.workers}_mb_per_s": parallel[-1]["mb_per_s"],
                   f"extract_x{args.workers}_mb_per_cpu_s": parallel[-1]["mb_per_cpu_s"],
                   f"extract_x{args.workers}_worker_peak_rss_mb": parallel[-1]["worker_peak_rss_mb"]} if parallel else {}),
               "size_ratio_2mb_vs_2kb": scaled["ratio"],
               "peak_rss_mb": extracted["peak_rss_mb"], "documents": extracted["documents"]}
    print("targets (>= 1.5 MB/s, ratio >= 0.8, < 300 MB for 10k docs):", json.dumps(targets), flush=True)
    result = {"targets": targets, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}, "date": time.strftime("%Y-%m-%d"), "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
