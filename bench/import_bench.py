"""Taxonomy import benchmark: the seeds and samples built, ESCO v1.1.1 (EN) then ROME v460 imported into
one fresh store, the links to both rebuilt, then ESCO re-imported unchanged and replaced with v1.2.0;
seconds, peak RSS and triples, each step in its own process.

    python bench/import_bench.py [--reference ../shared/reference] [--out bench/results/import.json]
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
BASE = "https://w3id.org/rolegraph/id/"

#: (row name, importer, folder under the reference folder), run in this order on one store.
STEPS = (
    ("build seeds + samples", "build", "../seeds"),
    ("esco v1.1.1", "esco", "esco/v1.1.1"),
    ("rome v460", "rome", "rome/v460"),
    ("link to esco + rome", "link", "."),
    ("esco v1.1.1 again (unchanged)", "esco", "esco/v1.1.1"),
    ("esco v1.2.0 replaces v1.1.1", "esco", "esco/v1.2.0/en_partial"),
)


def measure(importer: str, folder: Path, store: Path) -> dict:
    """Run one import in this process and report its figures (called in a child process)."""
    from rolegraph.loader.build import build
    from rolegraph.loader.link import link
    from rolegraph.loader.taxonomies.esco import import_esco
    from rolegraph.loader.taxonomies.rome import import_rome

    started = time.perf_counter()
    if importer in ("build", "link"):
        if importer == "build":
            built = build([folder, ROOT / "data" / "samples"], store, BASE)
            figures = {"triples": built.triples, "documents": built.documents_read}
        else:
            linked = link(store, BASE)
            figures = {"links": len(linked.links), "counts": linked.counts()}
        return {"seconds": round(time.perf_counter() - started, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), **figures}
    result = {"esco": import_esco, "rome": import_rome}[importer](store, folder, BASE)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "triples": result.triples, "changed": result.changed, "version": result.version,
            "problems": len(result.problems), "counts": result.counts,
            "megabytes_read": round(sum(p.stat().st_size for p in folder.rglob("*.csv")) / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", default=str(ROOT.parent / "shared" / "reference"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "import.json"))
    parser.add_argument("--child", nargs=3, metavar=("IMPORTER", "FOLDER", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        importer, folder, store = args.child
        print(json.dumps(measure(importer, Path(folder), Path(store))))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        for name, importer, folder in STEPS:
            out = subprocess.run([sys.executable, __file__, "--child", importer, str(Path(args.reference) / folder), str(store)],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
            row = {"step": name, **json.loads(out.stdout.strip().splitlines()[-1])}
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "counts"}), flush=True)
    seconds = {row["step"]: row["seconds"] for row in rows}
    together = round(seconds["esco v1.1.1"] + seconds["rome v460"], 3)
    print(json.dumps({"esco v1.1.1 + rome v460 seconds": together, "link seconds": seconds["link to esco + rome"]}))
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "date": time.strftime("%Y-%m-%d"), "esco_and_rome_seconds": together,
              "link_seconds": seconds["link to esco + rome"], "rows": rows}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
